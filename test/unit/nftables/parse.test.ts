// Small inputs for the semantics the fixtures do not isolate: hook paths by priority, insert and
// index positions, flush, define references at the definition, verdict maps and detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nftablesDialect } from '../../../server/src/dialects/nftables';
import { parseNftables } from '../../../server/src/dialects/nftables/parse';
import { dialectById } from '../../../server/src/dialects/all';
import { ruleLine } from '../iptables/summary';
import { formatInterval } from '../../../server/src/model/address';
import type { Rule } from '../../../server/src/model/config';

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

/** A dnat action as `to first-last :ports`, for comparing. */
function translation(rule: Rule): string {
  if (rule.action.type !== 'dnat') return rule.action.type;
  const to = rule.action.to?.map(formatInterval).join(',') ?? '(a map)';
  const ports = rule.action.toPorts?.map((p) => (p.from === p.to ? `${p.from}` : `${p.from}-${p.to}`)).join(',');
  return `dnat ${to}${ports ? ` :${ports}` : ''}`;
}

test('nat prerouting chains are destination-NAT lists by priority; dnat gives the new address and port, a map leaves them unknown', () => {
  const { model } = parseNftables(`define INSIDE = 10.1.1.25
table inet late {
\tchain pre {
\t\ttype nat hook prerouting priority dstnat + 10; policy accept;
\t\tip daddr 203.0.113.25 tcp dport 25 dnat ip to 10.1.1.25
\t\tip daddr 203.0.113.25 tcp dport 443 dnat ip to $INSIDE:8443
\t\tip6 daddr 2001:db8::25 tcp dport 443 dnat ip6 to [2001:db8:1::25]:443
\t\tip daddr 203.0.113.26 dnat ip to 10.1.1.30-10.1.1.31
\t\tdnat ip to ip daddr map { 203.0.113.27 : 10.1.1.27 }
\t}
\tchain post {
\t\ttype nat hook postrouting priority srcnat;
\t\tmasquerade
\t}
}
table ip early {
\tchain pre {
\t\ttype nat hook prerouting priority dstnat;
\t\ttcp dport 26 dnat 10.1.1.26
\t}
}
`);
  assert.deepEqual(model.problems, []);
  assert.deepEqual(model.prerouting, ['ip early:pre', 'inet late:pre']);
  assert.deepEqual(model.ruleLists.map((l) => [l.id, l.kind]), [
    ['inet late:pre', 'destination-nat'],
    ['inet late:post', 'packet-filter'],
    ['ip early:pre', 'destination-nat'],
  ]);
  assert.deepEqual(model.ruleLists[0]!.rules.map(translation), ['dnat 10.1.1.25/32', 'dnat 10.1.1.25/32 :8443', 'dnat 2001:db8:1::25/128 :443', 'dnat 10.1.1.30/31', 'dnat (a map)']);
  // `dnat ip` and an ip table say which family the rule sees, even with no address match of its own.
  assert.deepEqual(model.ruleLists[0]!.rules[4]!.destinations?.intervals.map(formatInterval), ['0.0.0.0/0']);
  assert.deepEqual(model.ruleLists[2]!.rules.map(ruleLine), ['dnat(10.1.1.26/32:?)@18:15 proto=tcp dst=0.0.0.0/0 dport=26']);
  assert.deepEqual(
    model.references.filter((r) => r.role === 'other').map((r) => `${r.text} ${r.range.start.line}:${r.range.start.character}`),
    ['10.1.1.25 0:16', '10.1.1.25 4:48', '2001:db8:1::25 6:52', '10.1.1.30-10.1.1.31 7:35', '203.0.113.27 8:28', '10.1.1.27 8:43', '10.1.1.26 18:20'],
  );
});

test('placement facts: chain bodies, rules inserted out of order, sets with their element groups, and which rules match a side against a set', () => {
  const text = `define SERVERS = { 192.0.2.1 }
table inet f {
\tset entra_v4 {
\t\ttype ipv4_addr
\t\tflags interval
\t\telements = { 20.190.128.0/18 }
\t}
\tset from_define { type ipv4_addr; elements = $SERVERS; }
\tchain out {
\t\ttype filter hook output priority 0; policy drop;
\t\tip daddr @entra_v4 accept
\t\tip daddr != @from_define drop
\t\tip saddr { 40.92.0.0/15, 40.107.0.0/16 } ip daddr $SERVERS tcp dport 25 accept
\t}
}
add element inet f entra_v4 { 40.126.0.0/18 }
insert rule inet f out udp dport 443 drop
`;
  const { vendor } = parseNftables(text);
  const at = (offset: number): string => `${text.slice(0, offset).split('\n').length - 1}:${offset - text.lastIndexOf('\n', offset - 1) - 1}`;
  assert.deepEqual(
    vendor.chains.map((c) => ({ id: c.id, bodies: c.bodies.map((b) => `${at(b.open)}-${at(b.close)}`), positioned: c.positioned })),
    [{ id: 'inet f:out', bodies: ['8:11-13:1'], positioned: [0] }],
  );
  assert.deepEqual(vendor.tables[0]!.blocks.map((b) => `${at(b.open)}-${at(b.close)}`), ['1:13-14:0']);
  assert.deepEqual(
    vendor.sets.map((s) => [s.id, s.anonymous, s.keyType, s.interval, s.literal, s.groups.map((g) => `${at(g.open)}-${at(g.close)} last ${g.lastElementEnd === undefined ? '-' : at(g.lastElementEnd)}`)]),
    [
      ['inet f:entra_v4', false, 'ipv4_addr', true, true, ['5:13-5:31 last 5:30', '15:28-15:44 last 15:43']],
      ['inet f:from_define', false, 'ipv4_addr', false, false, []],
      ['inet f:out#3:sources', true, 'ipv4_addr', true, true, ['12:11-12:41 last 12:40']],
    ],
  );
  assert.deepEqual(
    vendor.setUses.map((u) => `${u.listId} #${u.ruleIndex} ${u.side}${u.negated ? ' negated' : ''} ${u.set}`),
    ['inet f:out #1 destinations inet f:entra_v4', 'inet f:out #2 destinations negated inet f:from_define', 'inet f:out #3 sources inet f:out#3:sources'],
  );
});

test('a concatenation is one rule per element with a match per component; the catch-all comes last; a masked comparison is uncertain', () => {
  const model = parseNftables(`table inet f {
set s { type ipv4_addr . inet_service; flags interval; elements = { 52.112.0.0/14 . 443, 13.107.64.0/18 . 3478-3481 } }
chain c {
type filter hook output priority 0; policy drop;
ip daddr . udp dport @s accept
ip daddr vmap { * : drop, 10.0.0.0/8 : accept }
ip saddr & 0.0.0.255 < 0.0.0.127 accept
ip daddr < 10.0.0.0 accept
}
}
`).model;
  assert.deepEqual(model.problems, []);
  const rules = model.ruleLists[0]!.rules;
  assert.deepEqual(rules.map((r) => r.destinations?.intervals.map(formatInterval).join(',')), ['52.112.0.0/14', '13.107.64.0/18', '10.0.0.0/8', '0.0.0.0/0', '0.0.0.0/0', '0.0.0.0-9.255.255.255']);
  assert.deepEqual(rules.slice(0, 2).map((r) => r.destinationPorts), [[{ from: 443, to: 443 }], [{ from: 3478, to: 3481 }]]);
  assert.deepEqual(rules.map((r) => r.action.type), ['accept', 'accept', 'accept', 'drop', 'accept', 'accept']);
  assert.deepEqual(rules[4]!.unknownConditions, ['ip saddr & 0.0.0.255 < 0.0.0.127']);
  assert.ok(model.references.some((r) => r.text === '13.107.64.0/18' && r.role === 'destination'));
});

test('jump { … } is a chain of its own, reached from its rule, whose statements end at a newline or ;', () => {
  const model = parseNftables(`table inet f {
chain c {
type filter hook output priority 0; policy drop;
ip daddr 52.112.0.0/14 jump {
udp dport 3478-3481 accept
tcp dport 443 accept; drop
}
}
}
`).model;
  assert.deepEqual(model.problems, []);
  const [base, anonymous] = model.ruleLists;
  assert.equal(base!.rules[0]!.action.type, 'jump');
  assert.equal(base!.rules[0]!.action.type === 'jump' ? base!.rules[0]!.action.target : '', anonymous!.id);
  assert.deepEqual(anonymous!.rules.map((r) => r.action.type), ['accept', 'accept', 'drop']);
});
