import { test } from 'node:test';
import assert from 'node:assert/strict';
import { directionOf, parseCisco } from '../../../server/src/dialects/cisco/parse';
import { ciscoDialect, detectCisco } from '../../../server/src/dialects/cisco';
import { formatInterval } from '../../../server/src/model/address';
import type { ConfigModel, Reference, Rule } from '../../../server/src/model/config';

function rulesOf(model: ConfigModel, listId: string): Rule[] {
  const list = model.ruleLists.find((l) => l.id === listId);
  assert.ok(list, `list ${listId} exists; have ${model.ruleLists.map((l) => l.id).join(', ')}`);
  return list.rules;
}

function at(ref: Reference | undefined): string {
  assert.ok(ref);
  return `${ref.range.start.line}:${ref.range.start.character}-${ref.range.end.line}:${ref.range.end.character}`;
}

test('an ASA netmask pair is one reference over both words, with the role its position gives', () => {
  const line = 'access-list outside_in extended permit tcp 40.92.0.0 255.254.0.0 host 192.0.2.25 eq smtp';
  const model = parseCisco(line).model;
  assert.equal(model.references.length, 2);
  const [source, destination] = model.references;
  assert.equal(source?.text, '40.92.0.0 255.254.0.0');
  assert.equal(source?.kind, 'netmask');
  assert.equal(source?.role, 'source');
  assert.equal(at(source), `0:${line.indexOf('40.92')}-0:${line.indexOf(' host')}`);
  assert.equal(formatInterval(source.interval!), '40.92.0.0/15');
  assert.equal(destination?.text, '192.0.2.25');
  assert.equal(destination?.kind, 'ipv4');
  assert.equal(destination?.role, 'destination');
  assert.equal(at(destination), `0:${line.indexOf('192.0')}-0:${line.indexOf(' eq')}`);
  const [rule] = rulesOf(model, 'ACL outside_in');
  assert.deepEqual(rule?.protocols, ['tcp']);
  assert.deepEqual(rule?.destinationPorts, [{ from: 25, to: 25 }]);
  assert.deepEqual(rule?.sources?.referenceIds, [0]);
  assert.deepEqual(rule?.destinations?.referenceIds, [1]);
  assert.equal(rule?.text, line);
  assert.equal(rule?.actionRange.start.character, line.indexOf('permit'));
});

test('an IOS wildcard pair is a wildcard-mask reference; a netmask there is flagged with the right hint', () => {
  const model = parseCisco('access-list 110 permit tcp 52.112.0.0 0.3.255.255 any eq 443\naccess-list 110 permit tcp 10.1.0.0 255.255.0.0 any').model;
  const [good, bad] = model.references;
  assert.equal(good?.kind, 'wildcard-mask');
  assert.equal(formatInterval(good.interval!), '52.112.0.0/14');
  assert.equal(bad?.kind, 'wildcard-mask');
  assert.equal(bad?.invalidReason, 'bad-wildcard-mask');
  assert.equal(bad?.interval, undefined);
  assert.equal(model.problems.length, 1);
  assert.match(model.problems[0]!.message, /did you mean 0\.0\.255\.255/);
  const rules = rulesOf(model, 'ACL 110');
  assert.match(rules[1]!.sources!.unresolved ?? '', /not a valid address/);
});

test('host bits, impossible octets and holes in masks are flagged on the reference', () => {
  const model = parseCisco(
    [
      'access-list a extended permit ip 10.1.2.0 255.0.0.0 any',
      'access-list a extended permit ip 300.1.1.1 255.255.255.255 any',
      'access-list a extended permit ip 10.0.0.0 255.0.255.0 any',
    ].join('\n'),
  ).model;
  assert.equal(model.references[0]?.hostBitsSet, true);
  assert.equal(formatInterval(model.references[0].interval!), '10.0.0.0/8');
  assert.equal(model.references[1]?.invalidReason, 'bad-ipv4');
  assert.equal(model.references[2]?.invalidReason, 'bad-netmask');
});

test('any, any4 and any6 on ASA', () => {
  const model = parseCisco('access-list x extended permit tcp any4 any6 eq 443\naccess-list x extended permit ip any any').model;
  const [first, second] = rulesOf(model, 'ACL x');
  assert.equal(formatInterval(first!.sources!.intervals[0]!), '0.0.0.0/0');
  assert.equal(formatInterval(first!.destinations!.intervals[0]!), '::/0');
  assert.equal(second!.sources, undefined);
  assert.equal(second!.destinations, undefined);
  assert.equal(second!.protocols, undefined);
});

test('port operators and names', () => {
  const model = parseCisco(
    [
      'access-list p extended permit tcp any any eq www',
      'access-list p extended permit tcp any any lt 1024',
      'access-list p extended permit tcp any any gt 1023',
      'access-list p extended permit tcp any any neq https',
      'access-list p extended permit udp any range 1024 65535 any range 3478 3481',
      'access-list p extended permit tcp any eq ftp-data any',
    ].join('\n'),
  ).model;
  const rules = rulesOf(model, 'ACL p');
  assert.deepEqual(rules[0]!.destinationPorts, [{ from: 80, to: 80 }]);
  assert.deepEqual(rules[1]!.destinationPorts, [{ from: 0, to: 1023 }]);
  assert.deepEqual(rules[2]!.destinationPorts, [{ from: 1024, to: 65535 }]);
  assert.deepEqual(rules[3]!.destinationPorts, [
    { from: 0, to: 442 },
    { from: 444, to: 65535 },
  ]);
  assert.deepEqual(rules[4]!.sourcePorts, [{ from: 1024, to: 65535 }]);
  assert.deepEqual(rules[4]!.destinationPorts, [{ from: 3478, to: 3481 }]);
  assert.deepEqual(rules[5]!.sourcePorts, [{ from: 20, to: 20 }]);
  assert.equal(rules[5]!.destinationPorts, undefined);
});

test('remarks go to the next rule; inactive entries are skipped; log changes nothing', () => {
  const model = parseCisco(
    [
      'access-list r remark first line',
      'access-list r remark second line',
      'access-list r extended permit tcp any host 192.0.2.1 eq 25 log 6 interval 300',
      'access-list r remark about the inactive one',
      'access-list r extended permit tcp any host 192.0.2.2 eq 25 inactive',
      'access-list r extended deny ip any any log',
    ].join('\n'),
  ).model;
  const rules = rulesOf(model, 'ACL r');
  assert.equal(rules.length, 2);
  assert.equal(rules[0]!.comment, 'first line\nsecond line');
  assert.equal(rules[0]!.action.type, 'accept');
  assert.equal(rules[1]!.comment, undefined);
  assert.equal(rules[1]!.action.type, 'drop');
  assert.equal(model.problems.length, 0);
});

test('ASA line numbers insert; IOS sequence numbers order the named list', () => {
  const asa = parseCisco(
    'access-list o extended permit tcp any any eq 443\naccess-list o line 1 extended deny ip host 198.51.100.9 any',
  ).model;
  assert.deepEqual(rulesOf(asa, 'ACL o').map((r) => r.range.start.line), [1, 0]);
  const ios = parseCisco(
    ['ip access-list extended N', ' 20 permit tcp any any eq 443', ' 10 deny ip host 10.0.0.9 any', ' permit udp any any eq 53', ' no 20'].join('\n'),
  ).model;
  const rules = rulesOf(ios, 'ACL N');
  assert.deepEqual(
    rules.map((r) => r.range.start.line),
    [2, 3],
  );
});

test('object network kinds: host, subnet, range and fqdn (unresolved, hostname reference)', () => {
  const model = parseCisco(
    [
      'object network H',
      ' host 192.0.2.10',
      'object network S',
      ' subnet 10.0.0.0 255.255.0.0',
      'object network R',
      ' range 10.1.0.1 10.1.0.20',
      'object network F',
      ' fqdn v4 outlook.office365.com',
      'access-list a extended permit ip object H object S',
      'access-list a extended permit ip object R object F',
    ].join('\n'),
  ).model;
  const kinds = model.references.map((r) => `${r.kind}:${r.text}:${r.role}`);
  assert.deepEqual(kinds, [
    'ipv4:192.0.2.10:source',
    'netmask:10.0.0.0 255.255.0.0:destination',
    'range:10.1.0.1 10.1.0.20:source',
    'hostname:outlook.office365.com:destination',
  ]);
  assert.deepEqual(model.references[3]!.hostMatchers, [{ kind: 'exact', host: 'outlook.office365.com' }]);
  const [first, second] = rulesOf(model, 'ACL a');
  assert.equal(formatInterval(first!.destinations!.intervals[0]!), '10.0.0.0/16');
  assert.equal(formatInterval(second!.sources!.intervals[0]!), '10.1.0.1-10.1.0.20');
  assert.deepEqual(second!.destinations!.intervals, []);
  assert.match(second!.destinations!.unresolved ?? '', /FQDN/);
  assert.deepEqual(second!.destinations!.referenceIds, [3]);
});

test('an object member used as both source and destination has role other', () => {
  const model = parseCisco(
    ['object-group network G', ' network-object host 10.0.0.1', 'access-list a extended permit ip object-group G any', 'access-list a extended permit ip any object-group G'].join('\n'),
  ).model;
  assert.equal(model.references[0]!.role, 'other');
});

test('nested groups: members of members count, self-reference is reported and does not hang', () => {
  const model = parseCisco(
    [
      'object-group network A',
      ' network-object 10.0.0.0 255.255.255.0',
      ' group-object B',
      'object-group network B',
      ' network-object 10.0.1.0 255.255.255.0',
      ' group-object A',
      'object-group network C',
      ' group-object C',
      'access-list n extended permit ip object-group A any',
      'access-list n extended permit ip object-group C any',
    ].join('\n'),
  ).model;
  const [a, c] = rulesOf(model, 'ACL n');
  assert.deepEqual(a!.sources!.intervals.map(formatInterval), ['10.0.0.0/23']);
  assert.match(a!.sources!.unresolved ?? '', /contains itself/);
  assert.deepEqual(c!.sources!.intervals, []);
  const cycles = model.problems.filter((p) => /contains itself/.test(p.message));
  assert.equal(cycles.length, 2);
  assert.deepEqual(cycles.map((p) => p.range.start.line).sort(), [5, 7]);
});

test('a service group in the protocol position becomes one rule per protocol', () => {
  const model = parseCisco(
    [
      'object-group service TEAMS',
      ' service-object udp destination range 3478 3481',
      ' service-object tcp destination eq 443',
      ' service-object tcp destination eq 80',
      'access-list t extended permit object-group TEAMS any 52.112.0.0 255.252.0.0',
    ].join('\n'),
  ).model;
  const rules = rulesOf(model, 'ACL t');
  assert.equal(rules.length, 2);
  assert.deepEqual(rules[0]!.protocols, ['udp']);
  assert.deepEqual(rules[0]!.destinationPorts, [{ from: 3478, to: 3481 }]);
  assert.deepEqual(rules[1]!.protocols, ['tcp']);
  assert.deepEqual(rules[1]!.destinationPorts, [
    { from: 80, to: 80 },
    { from: 443, to: 443 },
  ]);
  assert.equal(rules[0]!.range.start.line, rules[1]!.range.start.line);
});

test('bindings and the direction their interface name implies', () => {
  const model = parseCisco(
    [
      'access-list outside_in extended permit ip any any',
      'access-list inside_in extended permit ip any any',
      'access-list dmz_out extended permit ip any any',
      'access-list spare extended permit ip any any',
      'access-group outside_in in interface outside',
      'access-group inside_in in interface inside',
      'access-group dmz_out out interface dmz',
    ].join('\n'),
  ).model;
  const byName = new Map(model.paths.map((p) => [p.name, p.direction]));
  assert.equal(byName.get('ACL outside_in on outside in'), 'inbound');
  assert.equal(byName.get('ACL inside_in on inside in'), 'outbound');
  assert.equal(byName.get('ACL dmz_out on dmz out'), 'forward');
  const spare = model.paths.find((p) => p.stages[0] === 'ACL spare');
  assert.equal(spare?.direction, undefined);
  assert.equal(model.paths.length, 4);
});

test('directionOf reads words, outside before inside', () => {
  assert.equal(directionOf(['untrust'], 'in'), 'inbound');
  assert.equal(directionOf(['WAN1'], 'out'), 'outbound');
  assert.equal(directionOf(['LAN'], 'out'), 'inbound');
  assert.equal(directionOf(['Vlan10'], 'in'), 'forward');
  assert.equal(directionOf([undefined, 'GigabitEthernet0/0', 'Uplink to ISP'], 'in'), 'inbound');
  assert.equal(directionOf(['outside'], 'global'), 'forward');
});

test('IOS interface bindings: ip access-group and ipv6 traffic-filter', () => {
  const parsed = parseCisco(
    [
      'interface GigabitEthernet0/0',
      ' description Internet',
      ' ip access-group EDGE in',
      ' ipv6 traffic-filter EDGE in',
      'ip access-list extended EDGE',
      ' permit tcp any host 192.0.2.25 eq 25',
      'ipv6 access-list EDGE',
      ' permit tcp any host 2001:db8::25 eq 25',
    ].join('\n'),
  );
  const model = parsed.model;
  assert.deepEqual(
    model.paths.map((p) => [p.stages[0], p.direction]),
    [
      ['ACL EDGE', 'inbound'],
      ['IPv6 ACL EDGE', 'inbound'],
    ],
  );
  const extra = parsed.vendor;
  assert.equal(extra.platform, 'ios');
  assert.deepEqual(model.ruleLists.map((l) => l.families), [[4], [6]]);
});

test('malformed lines give problems at the offending word and no rule', () => {
  const line = 'access-list bad extended permit tcp any host 192.0.2.1 eq smpt';
  const model = parseCisco(line).model;
  assert.equal(model.problems.length, 1);
  assert.equal(model.problems[0]!.range.start.character, line.indexOf('smpt'));
  assert.equal(model.problems[0]!.range.end.character, line.length);
  assert.equal(rulesOf(model, 'ACL bad').length, 0);
});

test('a binding to an unknown list is a warning and no path', () => {
  const model = parseCisco('access-group nope in interface outside').model;
  assert.equal(model.paths.length, 0);
  assert.equal(model.problems[0]?.severity, 'warning');
  assert.equal(model.problems[0]?.range.start.character, 'access-group '.length);
});

test('comments are kept without their marker', () => {
  const model = parseCisco('! Teams media rules\n!\naccess-list c extended permit ip any any').model;
  assert.deepEqual(
    model.comments.map((c) => c.text),
    ['Teams media rules', ''],
  );
});

test('platform comes from content', () => {
  assert.equal(parseCisco('ASA Version 9.8(4)\naccess-list a extended permit ip any any').vendor.platform, 'asa');
  assert.equal(parseCisco('version 15.2\nservice timestamps log datetime\nip access-list extended X\n permit ip any any').vendor.platform, 'ios');
});

test('detection by content and the dialect record', () => {
  assert.equal(detectCisco('', 'ASA Version 9.16(4)\nhostname fw\n'), 1);
  assert.ok(detectCisco('', 'hostname r1\n!\ninterface GigabitEthernet0/0\n ip access-group 101 in\n!\naccess-list 101 permit tcp any any eq 443\n') >= 0.8);
  assert.equal(detectCisco('', 'server {\n  listen 80;\n  allow 10.0.0.0/8;\n}\n'), 0);
  assert.equal(detectCisco('', '*filter\n:INPUT DROP [0:0]\n-A INPUT -s 10.0.0.0/8 -j ACCEPT\nCOMMIT\n'), 0);
  assert.equal(ciscoDialect.id, 'cisco');
  assert.equal(ciscoDialect.comment.line, '!');
  assert.ok(ciscoDialect.fileNamePatterns.includes('*-confg'));
});

test('a multi-line IOS banner is prose, not commands', () => {
  const model = parseCisco('version 15.1\nservice timestamps log\nbanner motd ^C\naccess-list 101 permit ip any any\n^C\naccess-list 102 permit ip any any').model;
  assert.deepEqual(model.ruleLists.map((l) => l.id), ['ACL 102']);
});

test('IOS XE port groups and `ipv6 access-list extended NAME` headers', () => {
  const model = parseCisco(
    [
      'object-group ip port WEB-PORTS',
      ' eq 80',
      ' eq 443',
      'object-group ip address M365',
      ' host 52.112.0.1',
      'ip access-list extended OUT',
      ' permit tcp any object-group M365 portgroup WEB-PORTS',
      'ipv6 access-list extended OUT6',
      ' permit tcp any 2603:1063::/38 eq 443',
    ].join('\n'),
  ).model;
  assert.deepEqual(model.problems, []);
  const [rule] = rulesOf(model, 'ACL OUT');
  assert.deepEqual(rule!.destinationPorts, [
    { from: 80, to: 80 },
    { from: 443, to: 443 },
  ]);
  assert.deepEqual(rule!.destinations!.intervals.map(formatInterval), ['52.112.0.1/32']);
  assert.equal(rulesOf(model, 'IPv6 ACL OUT6').length, 1);
});

test('ASA object service and tcp-udp service objects', () => {
  const model = parseCisco(
    [
      'object service DNS',
      ' service tcp-udp destination eq domain',
      'object-group service MIX',
      ' service-object object DNS',
      ' service-object udp destination eq 1234',
      'access-list m extended permit object-group MIX any any',
      'access-list m extended permit object DNS any any',
    ].join('\n'),
  ).model;
  const rules = rulesOf(model, 'ACL m');
  assert.deepEqual(
    rules.map((r) => `${r.range.start.line}:${r.protocols?.join(',')}:${r.destinationPorts?.map((p) => p.from).join(',')}`),
    ['5:tcp:53', '5:udp:53,1234', '6:tcp:53', '6:udp:53'],
  );
});

test('lists used for NAT, VPN or routing, and vty access-class, get no evaluation path', () => {
  const parsed = parseCisco(
    [
      'version 15.8',
      'ip nat inside source list NAT interface Gi0/0 overload',
      'crypto map M 10 ipsec-isakmp',
      ' match address VPN',
      'route-map RM permit 10',
      ' match ip address 5 6',
      'line vty 0 4',
      ' access-class 7 in',
      'ip access-list standard NAT',
      ' permit 10.0.0.0 0.0.0.255',
      'ip access-list extended VPN',
      ' permit ip 10.0.0.0 0.0.0.255 10.1.0.0 0.0.255.255',
      'access-list 5 permit 10.5.0.0 0.0.255.255',
      'access-list 6 permit 10.6.0.0 0.0.255.255',
      'access-list 7 permit 10.7.0.0 0.0.255.255',
      'access-list 8 permit 10.8.0.0 0.0.255.255',
    ].join('\n'),
  );
  const model = parsed.model;
  assert.deepEqual(
    model.paths.map((p) => p.stages[0]),
    ['ACL 8'],
  );
  const extra = parsed.vendor;
  assert.deepEqual(extra.acls.find((a) => a.name === 'VPN')?.usedFor, ['match address VPN']);
  assert.deepEqual(extra.acls.find((a) => a.name === '6')?.usedFor, ['match ip address 5 6']);
  assert.equal(extra.acls.find((a) => a.name === '8')?.usedFor, undefined);
  assert.deepEqual(extra.bindings.map((b) => `${b.acl} ${b.interfaceName ?? ''} ${b.direction}`), ['7 line vty 0 4 in']);
});

test('before ASA 9, access-list lists see IPv4 only', () => {
  const old = parseCisco('ASA Version 8.4(7)\naccess-list o extended permit ip any any').model;
  assert.deepEqual(old.ruleLists[0]!.families, [4]);
  const current = parseCisco('ASA Version 9.16(4)\naccess-list o extended permit ip any any').model;
  assert.equal(current.ruleLists[0]!.families, undefined);
});

test('ASA line numbers insert into the list as it was at that point', () => {
  const entry = (host: string, line?: number): string =>
    `access-list L${line === undefined ? '' : ` line ${line}`} extended permit ip host 10.0.0.${host} any`;
  const model = parseCisco([entry('1'), entry('2'), entry('3', 1), entry('4', 2), entry('5', 99), entry('6', 5)].join('\n')).model;
  assert.deepEqual(
    rulesOf(model, 'ACL L').map((r) => r.sources!.intervals.map(formatInterval)[0]),
    ['10.0.0.3/32', '10.0.0.4/32', '10.0.0.1/32', '10.0.0.2/32', '10.0.0.6/32', '10.0.0.5/32'],
  );
});

test('an IOS entry removed with no N can be entered again with that number', () => {
  const model = parseCisco(['ip access-list extended R', ' 10 permit ip host 10.0.0.1 any', ' no 10', ' 10 deny ip host 10.0.0.2 any'].join('\n')).model;
  assert.deepEqual(model.problems, []);
  const rules = rulesOf(model, 'ACL R');
  assert.equal(rules.length, 1);
  assert.equal(rules[0]!.action.type, 'drop');
});

test('a byte-order mark does not hide the first command', () => {
  const model = parseCisco('\uFEFFaccess-list 10 permit 10.0.0.0 0.0.0.255').model;
  assert.equal(model.ruleLists.length, 1);
  assert.equal(model.references[0]?.range.start.character, '\uFEFFaccess-list 10 permit '.length);
});

void test('ASA: an interface in-list is read before the global list, which alone filters interfaces without one', () => {
  const { model } = parseCisco(
    [
      'ASA Version 9.16(4)',
      'interface GigabitEthernet0/0',
      ' nameif outside',
      'interface GigabitEthernet0/1',
      ' nameif inside',
      'access-list inside_in extended permit tcp any any eq 22',
      'access-list global_acl extended deny ip any 52.112.0.0 255.252.0.0',
      'access-list global_acl extended permit ip any any',
      'access-group inside_in in interface inside',
      'access-group global_acl global',
    ].join('\n'),
  );
  const paths = model.paths.map((p) => `${p.name} | ${p.direction ?? ''} | ${p.stages.join(',')} | ${p.stageOrder ?? ''}`);
  assert.deepEqual(paths, [
    'ACL inside_in on inside in, then ACL global_acl global | outbound | ACL inside_in,ACL global_acl | first-match',
    'ACL global_acl global, on outside in | inbound | ACL global_acl | ',
  ]);
});

void test('unbound lists are evaluated and named as not bound; IOS bindings of undefined lists are accepted by the device and said so', () => {
  const asa = parseCisco('ASA Version 9.16(4)\naccess-list spare extended deny ip any any\n').model;
  assert.equal(asa.ruleLists[0]!.name, 'access list spare (not bound to an interface)');
  assert.equal(asa.paths.length, 1);
  const ios = parseCisco('hostname r1\ninterface Gi0/1\n ip access-group NOPE in\nline vty 0 4\n access-class VTY in\n').model;
  assert.deepEqual(ios.problems, []);
  assert.deepEqual(
    (ios.undefinedFilters ?? []).map((f) => `${f.range.start.line}: ${f.message}`),
    [
      '2: Access list NOPE is not defined in this file. IOS accepts ip access-group with it anyway and permits all traffic here until the list exists.',
      '4: Access list VTY is not defined in this file. IOS accepts access-class with it anyway and permits all traffic here until the list exists.',
    ],
  );
});
