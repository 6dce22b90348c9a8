// Small inputs for the semantics the fixtures do not isolate: hook paths by priority, insert and
// index positions, flush, define references at the definition, verdict maps and detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nftablesDialect } from '../../../server/src/dialects/nftables';
import { parseNftables } from '../../../server/src/dialects/nftables/parse';
import { dialectById } from '../../../server/src/dialects/all';
import { ruleLine } from '../iptables/summary';

test('base chains on one hook across tables are stages ordered by priority, names and offsets included', () => {
  const model = parseNftables(`table inet a { chain c {
type filter hook output priority filter + 10
}\n}
table ip b { chain c {
type filter hook output priority mangle
}\n}
table ip6 c { chain c {
type filter hook output priority -300
}\n}
table inet d { chain c {
type route hook output priority filter - 5
}\n}
table inet n { chain c {
type nat hook output priority -100
}\n}
`).model;
  assert.deepEqual(model.problems, []);
  assert.deepEqual(
    model.paths.map((p) => [p.id, p.direction, p.stages]),
    [['hook:output', 'outbound', ['ip6 c:c', 'ip b:c', 'inet d:c', 'inet a:c']]],
  );
  assert.deepEqual(
    model.ruleLists.map((l) => [l.id, l.families]),
    [
      ['inet a:c', undefined],
      ['ip b:c', [4]],
      ['ip6 c:c', [6]],
      ['inet d:c', undefined],
      ['inet n:c', undefined],
    ],
  );
});

test('insert rule goes first, index places a rule, flush empties, flush ruleset forgets everything before it', () => {
  const model = parseNftables(`table inet t { chain c { type filter hook input priority 0; }\n}
add rule inet t c tcp dport 1 accept
add rule inet t c tcp dport 2 accept
insert rule inet t c tcp dport 3 accept
add rule inet t c index 0 tcp dport 4 accept
`).model;
  assert.deepEqual(model.ruleLists[0]!.rules.map((r) => r.destinationPorts![0]!.from), [3, 4, 1, 2]);
  const flushed = parseNftables(`table inet t { chain c { tcp dport 1 accept
}\n}
flush chain inet t c
table inet old { chain c { accept
}\n}
flush ruleset
table inet new { chain c { drop
}\n}
`).model;
  assert.deepEqual(flushed.ruleLists.map((l) => [l.id, l.rules.length]), [['inet new:c', 1]]);
});

test('a define used twice has one reference per role, at the define', () => {
  const model = parseNftables('define H = 52.112.0.0/14\ntable inet t { chain c {\nip daddr $H accept\nip saddr $H accept\nip daddr $H drop\n}\n}\n').model;
  assert.deepEqual(model.references.map((r) => `${r.text} ${r.role} ${r.range.start.line}:${r.range.start.character}`), ['52.112.0.0/14 destination 0:11', '52.112.0.0/14 source 0:11']);
});

test('verdict maps become one rule per element, ct state maps keep the state as a condition', () => {
  const model = parseNftables('table inet t { chain c {\nip daddr vmap { 10.0.0.0/8 : drop, 52.112.0.0/14 : accept }\nct state vmap { established : accept, invalid : drop }\n}\n}\n').model;
  assert.deepEqual(model.ruleLists[0]!.rules.map(ruleLine), [
    'drop@1:29 dst=10.0.0.0/8',
    'accept@1:51 dst=52.112.0.0/14',
    'accept@2:30 unknown=[conntrack state established]',
    'drop@2:48 unknown=[conntrack state invalid]',
  ]);
});

test('ip saddr != X matches only IPv4 packets outside X; meta nfproto restricts the family', () => {
  const model = parseNftables('table inet t { chain c {\nip saddr != 0.0.0.0/1 accept\nmeta nfproto ipv6 tcp dport 443 accept\n}\n}\n').model;
  assert.deepEqual(model.ruleLists[0]!.rules.map(ruleLine), ['accept@1:22 src=128.0.0.0/1', 'accept@2:32 proto=tcp dst=::/0 dport=443']);
});

test('includes are recorded, not followed; the style says tables or commands', () => {
  const tables = parseNftables('include "/etc/nftables.d/*.nft"\ntable inet t {\n}\n').vendor;
  assert.deepEqual(tables.includes.map((i) => [i.path, i.range.start.line]), [['/etc/nftables.d/*.nft', 0]]);
  assert.equal(tables.style, 'tables');
  assert.equal(parseNftables('add table inet t\nadd chain inet t c\n').vendor.style, 'commands');
});

test('detection and registration', () => {
  assert.equal(dialectById('nftables'), nftablesDialect);
  assert.equal(nftablesDialect.detect('', '#!/usr/sbin/nft -f\nflush ruleset\n'), 1);
  assert.ok(nftablesDialect.detect('', 'table inet filter {\n\tchain input {\n\t\ttype filter hook input priority 0;\n') >= 0.9);
  assert.ok(nftablesDialect.detect('', 'add rule inet filter output tcp dport 443 accept\n') >= 0.9);
  assert.equal(nftablesDialect.detect('', '*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n'), 0);
  assert.equal(nftablesDialect.detect('', 'function FindProxyForURL(url, host) { return "DIRECT"; }\n'), 0);
  assert.deepEqual(nftablesDialect.fileNamePatterns, ['*.nft', 'nftables.conf']);
});

test('reject with its reason decides alone; delete table and delete chain remove what they name', () => {
  const model = parseNftables('table inet t { chain c {\ntcp dport 25 reject with icmpx type admin-prohibited\nreject with icmp host-unreachable\n}\nchain gone {\n}\n}\ndelete chain inet t gone\ntable ip old {\n}\ndelete table ip old\n').model;
  assert.deepEqual(model.ruleLists.map((l) => l.id), ['inet t:c']);
  assert.deepEqual(model.ruleLists[0]!.rules.map(ruleLine), ['reject@1:13 proto=tcp dport=25', 'reject@2:0']);
});

test('translation targets are references with no side; tcp and ip fields restrict protocol and family', () => {
  const model = parseNftables('table ip nat { chain p {\ntcp dport 443 dnat to 10.1.1.25:443\n}\n}\ntable inet f { chain c {\ntcp flags syn accept\nip ttl 1 drop\n}\n}\n').model;
  assert.deepEqual(model.references.map((r) => `${r.text} ${r.role} ${r.range.start.line}:${r.range.start.character}`), ['10.1.1.25 other 1:22']);
  assert.deepEqual(model.ruleLists[1]!.rules.map(ruleLine), ['accept@5:14 proto=tcp unknown=[tcp flags syn]', 'drop@6:9 dst=0.0.0.0/0 unknown=[ip ttl 1]']);
});

test('defines inside a table or a chain are read like top-level ones', () => {
  const model = parseNftables('table inet t {\n\tdefine A = 1.2.3.4\n\tchain c {\n\t\tdefine B = { $A, 5.6.7.8 }\n\t\tip daddr $B accept\n\t}\n}\n').model;
  assert.deepEqual(model.problems, []);
  assert.deepEqual(model.ruleLists[0]!.rules.map(ruleLine), ['accept@4:14 dst=1.2.3.4/32,5.6.7.8/32']);
});
