// Small inputs for the semantics the fixtures do not isolate: command order (-I, -D, -F, -X),
// tables, list ids per family, ipset member roles, here-documents and detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iptablesDialect } from '../../../server/src/dialects/iptables';
import { parseIptables } from '../../../server/src/dialects/iptables/parse';
import { dialectById } from '../../../server/src/dialects/all';
import { ruleLine } from './summary';

function rules(text: string, id: string): string[] {
  const list = parseIptables(text).model.ruleLists.find((l) => l.id === id);
  assert.ok(list, `no list ${id}`);
  return list.rules.map(ruleLine);
}

test('-I inserts at the head or at a position, -D removes by number or by spec, -F and -X clear', () => {
  const text = [
    'iptables -A OUTPUT -d 10.0.0.1 -j ACCEPT',
    'iptables -A OUTPUT -d 10.0.0.2 -j ACCEPT',
    'iptables -I OUTPUT -d 10.0.0.3 -j DROP',
    'iptables -I OUTPUT 2 -d 10.0.0.4 -j REJECT',
    'iptables -D OUTPUT -d 10.0.0.1 -j ACCEPT',
    'iptables -D OUTPUT 1',
  ].join('\n');
  assert.deepEqual(rules(text, 'filter:OUTPUT'), ['reject@3:36 dst=10.0.0.4/32', 'accept@1:34 dst=10.0.0.2/32']);
  const flushed = parseIptables(`${text}\niptables -N X\niptables -A X -j DROP\niptables -F\niptables -X\n`).model;
  assert.equal(flushed.ruleLists.find((l) => l.id === 'filter:OUTPUT')!.rules.length, 0);
  assert.equal(flushed.ruleLists.find((l) => l.id === 'filter:X'), undefined);
});

test('-t selects the table; only the filter table has evaluation paths', () => {
  const model = parseIptables('iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE\niptables -t mangle -A OUTPUT -j MARK --set-mark 1\n').model;
  assert.deepEqual(model.ruleLists.map((l) => l.id).filter((id) => !id.startsWith('filter:')), ['nat:POSTROUTING', 'mangle:OUTPUT']);
  assert.deepEqual(model.paths, []);
});

test('one family keeps plain ids; both families give ip6-prefixed IPv6 ids and jump targets', () => {
  assert.deepEqual(parseIptables('ip6tables -A OUTPUT -j ACCEPT\n').model.ruleLists.map((l) => [l.id, l.families]), [
    ['filter:OUTPUT', [6]],
    ['filter:INPUT', [6]],
    ['filter:FORWARD', [6]],
  ]);
  const both = parseIptables('iptables -N M\niptables -A OUTPUT -j M\nip6tables -N M\nip6tables -A OUTPUT -j M\n').model;
  const v6 = both.ruleLists.find((l) => l.id === 'ip6:filter:OUTPUT')!;
  assert.deepEqual(v6.rules[0]!.action, { type: 'jump', target: 'ip6:filter:M' });
  assert.deepEqual(both.ruleLists.find((l) => l.id === 'filter:OUTPUT')!.rules[0]!.action, { type: 'jump', target: 'filter:M' });
  assert.deepEqual(both.paths.map((p) => `${p.id} ${p.direction}`).sort(), [
    'filter:FORWARD forward',
    'filter:INPUT inbound',
    'filter:OUTPUT outbound',
    'ip6:filter:FORWARD forward',
    'ip6:filter:INPUT inbound',
    'ip6:filter:OUTPUT outbound',
  ]);
});

test('policies: ACCEPT when none is written (no range), the written one with its range otherwise', () => {
  const model = parseIptables('iptables -A INPUT -j ACCEPT\niptables -P OUTPUT DROP\n').model;
  const input = model.ruleLists.find((l) => l.id === 'filter:INPUT')!;
  const output = model.ruleLists.find((l) => l.id === 'filter:OUTPUT')!;
  assert.equal(input.defaultAction, 'accept');
  assert.equal(input.defaultRange, undefined);
  assert.equal(output.defaultAction, 'drop');
  assert.deepEqual(output.defaultRange, { start: { line: 1, character: 19 }, end: { line: 1, character: 23 } });
});

test('ipset members take the role of the rule that uses them; a set used both ways gets both', () => {
  const parsed = parseIptables('ipset create s hash:net\nipset add s 40.92.0.0/15\niptables -A INPUT -m set --match-set s src -j ACCEPT\niptables -A OUTPUT -m set --match-set s dst -j ACCEPT\n');
  const model = parsed.model;
  assert.deepEqual(model.references.map((r) => `${r.text} ${r.role} ${r.range.start.line}:${r.range.start.character}`), ['40.92.0.0/15 source 1:12', '40.92.0.0/15 destination 1:12']);
  const extra = parsed.vendor;
  assert.deepEqual(extra.ipsets.map((s) => [s.name, s.family, s.referenceIds]), [['s', 4, [0]]]);
  assert.equal(extra.style, 'script');
});

test('variables: references point into the assignment; quoted here-documents are not expanded', () => {
  const model = parseIptables('NET="52.112.0.0/14, 52.122.0.0/15"\niptables -A OUTPUT -d "$NET" -j ACCEPT\n').model;
  assert.deepEqual(model.references.map((r) => `${r.text} ${r.range.start.line}:${r.range.start.character}-${r.range.end.character}`), ['52.112.0.0/14 0:5-18', '52.122.0.0/15 0:20-33']);
  const quoted = parseIptables("X=1.2.3.4\niptables-restore <<'EOF'\n*filter\n-A OUTPUT -d $X -j ACCEPT\nCOMMIT\nEOF\n").model;
  assert.ok(quoted.references.some((r) => r.text === '$X' && r.invalidReason));
  const open = parseIptables('iptables-restore <<EOF\n*filter\n-A OUTPUT -j ACCEPT\n').model;
  assert.ok(open.problems.some((p) => p.message.includes('Here-document')));
});

test('script lines the device never sees as iptables are not parsed as rules', () => {
  const model = parseIptables('cat > /etc/x <<EOF\niptables -A OUTPUT -d 10.0.0.1 -j DROP\nEOF\necho "iptables -A OUTPUT -j DROP"\n# iptables -A OUTPUT -j DROP\n').model;
  assert.equal(model.ruleLists.length, 0);
  assert.deepEqual(model.problems, []);
});

test('detection and registration', () => {
  assert.equal(dialectById('iptables'), iptablesDialect);
  assert.equal(iptablesDialect.comment.line, '#');
  assert.equal(iptablesDialect.detect('', '*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n'), 1);
  assert.ok(iptablesDialect.detect('', '#!/bin/sh\niptables -A OUTPUT -p tcp --dport 443 -j ACCEPT\n') >= 0.9);
  assert.ok(iptablesDialect.detect('', 'IPT=/sbin/iptables\n$IPT -A INPUT -j DROP\n') >= 0.8);
  assert.equal(iptablesDialect.detect('', 'table inet filter {\n}\n'), 0);
  assert.equal(iptablesDialect.detect('', 'server { listen 80; }\n'), 0);
  assert.deepEqual(iptablesDialect.fileNamePatterns, ['*.rules', 'rules.v4', 'rules.v6', 'iptables.*', 'ip6tables.*', '*.iptables']);
});

test('save lines are split the way iptables-restore splits them: only double quotes group, ; is an argument', () => {
  const model = parseIptables("*filter\n-A OUTPUT -m comment --comment 'a b' -j ACCEPT\n-A OUTPUT -j ACCEPT ; -A OUTPUT -j DROP\n-A OUTPUT -m comment --comment \"say \\\"hi\\\"; ok\" -j ACCEPT\nCOMMIT\n").model;
  assert.deepEqual(model.problems.map((p) => `${p.range.start.line}:${p.range.start.character} ${p.message}`), [
    "1:34 Unexpected argument b'",
    '2:20 Unexpected argument ;',
    '2:22 Only one command per line: -A follows -A',
  ]);
  const output = model.ruleLists.find((l) => l.id === 'filter:OUTPUT')!;
  assert.equal(output.rules[2]!.comment, 'say "hi"; ok');
});

test('DNAT in the nat table: the addresses and ports of --to-destination, as far as the file states them', () => {
  const text = [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':EXCH - [0:0]',
    '-A PREROUTING -d 203.0.113.25/32 -p tcp -m tcp --dport 25 -j DNAT --to-destination 10.1.1.25',
    '-A PREROUTING -d 203.0.113.25/32 -p tcp -m tcp --dport 8443 -j DNAT --to-destination 10.1.1.25:443',
    '-A PREROUTING -d 203.0.113.26/32 -p tcp -j DNAT --to-destination 10.1.1.30-10.1.1.32:8000-8010',
    '-A PREROUTING -d 203.0.113.27/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination :8080',
    '-A PREROUTING -p tcp -m tcp --dport 587 -j EXCH',
    '-A PREROUTING -p tcp -m tcp --dport 3128 -j REDIRECT --to-ports 3129',
    '-A EXCH -j DNAT --to-destination 10.1.1.25',
    'COMMIT',
  ].join('\n');
  const model = parseIptables(text).model;
  assert.deepEqual(model.prerouting, ['nat:PREROUTING']);
  assert.deepEqual(
    model.ruleLists.filter((l) => l.kind === 'destination-nat').map((l) => l.id),
    ['nat:PREROUTING', 'nat:EXCH'],
    'the nat chains PREROUTING jumps to translate as it does',
  );
  assert.deepEqual(rules(text, 'nat:PREROUTING'), [
    'dnat(10.1.1.25/32:?)@3:61 proto=tcp dst=203.0.113.25/32 dport=25',
    'dnat(10.1.1.25/32:443)@4:63 proto=tcp dst=203.0.113.25/32 dport=8443',
    'dnat(10.1.1.30-10.1.1.32:8000-8010)@5:43 proto=tcp dst=203.0.113.26/32',
    'dnat(?:8080)@6:61 proto=tcp dst=203.0.113.27/32 dport=80',
    'jump(nat:EXCH)@7:43 proto=tcp dport=587',
    'accept@8:44 proto=tcp dport=3128',
  ]);
  const v6 = parseIptables('ip6tables -t nat -A PREROUTING -p tcp --dport 25 -j DNAT --to-destination [2001:db8::25]:2525\nip6tables -t nat -A PREROUTING -p tcp --dport 443 -j DNAT --to-destination 2001:db8::25\n').model;
  assert.deepEqual(rules('ip6tables -t nat -A PREROUTING -p tcp --dport 25 -j DNAT --to-destination [2001:db8::25]:2525\n', 'nat:PREROUTING'), ['dnat(2001:db8::25/128:2525)@0:52 proto=tcp dport=25']);
  assert.equal(v6.ruleLists.find((l) => l.id === 'nat:PREROUTING')!.rules[1]!.action.type, 'dnat');
  // A target the file does not state (a variable set elsewhere) leaves the new address unknown.
  assert.deepEqual(rules('iptables -t nat -A PREROUTING -p tcp --dport 25 -j DNAT --to-destination "$MAILHOST"\n', 'nat:PREROUTING'), ['dnat(?:?)@0:51 proto=tcp dport=25']);
  // DNAT outside the nat table is not destination NAT (iptables refuses it there).
  assert.equal(parseIptables('*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j DNAT --to-destination 10.0.0.1\nCOMMIT\n').model.prerouting, undefined);
});

test('a file of rule lines with no table line is a fragment of the filter table: one note, not a warning per line', () => {
  const fragment = '# generated; wrapped into rules.v4 by build.sh\n-A OUTPUT -o lo -j ACCEPT\n-A OUTPUT -d 52.112.0.0/14 -p udp --dport 3478:3481 -j ACCEPT\n-A OUTPUT -j REJECT\n';
  const model = parseIptables(fragment).model;
  assert.deepEqual(
    model.problems.map((p) => `${p.severity}@${p.range.start.line}: ${p.message}`),
    ['info@1: No *table line: these lines are read as a fragment of the filter table; iptables-restore loads them once they are wrapped in *filter … COMMIT'],
  );
  assert.equal(model.ruleLists.find((l) => l.id === 'filter:OUTPUT')!.rules.length, 3);
  assert.deepEqual(model.paths.map((p) => p.id).sort(), ['filter:FORWARD', 'filter:INPUT', 'filter:OUTPUT']);
  // In a file that has table lines, a rule before them is a mistake, and each one says so.
  const stray = parseIptables(`-A OUTPUT -j ACCEPT\n:INPUT ACCEPT [0:0]\n*filter\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n`).model;
  assert.deepEqual(
    stray.problems.map((p) => `${p.severity}@${p.range.start.line}`),
    ['warning@0', 'warning@1'],
  );
});
