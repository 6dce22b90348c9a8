import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectFortios, parseFortios } from '../../../../server/src/dialects/fortios';
import { lexFortios } from '../../../../server/src/dialects/fortios/lexer';
import { parsePortRange } from '../../../../server/src/dialects/fortios/objects';
import { detectPanos } from '../../../../server/src/dialects/panos';
import { formatInterval } from '../../../../server/src/model/address';
import type { ConfigModel, RuleList } from '../../../../server/src/model/config';

const fixtures = join(__dirname, '..', '..', '..', 'fixtures');
const read = (path: string): string => readFileSync(join(fixtures, path), 'utf8');

function list(model: ConfigModel, id: string): RuleList {
  const found = model.ruleLists.find((l) => l.id === id);
  assert.ok(found, `${id} among ${model.ruleLists.map((l) => l.id).join(', ')}`);
  return found;
}

function textAt(text: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const lines = text.split('\n');
  return range.start.line === range.end.line ? lines[range.start.line]!.slice(range.start.character, range.end.character) : lines[range.start.line]!.slice(range.start.character);
}

test('a quoted value runs over line breaks and keeps escaped quotes; later lines keep their numbers', () => {
  const statements = lexFortios('config vpn certificate local\n    edit "c"\n        set certificate "-----BEGIN\nAAA\n-----END"\n        set comments "say \\"hi\\""\n    next\nend\n');
  const certificate = statements.find((s) => s.tokens[1]?.text === 'certificate')!;
  assert.equal(certificate.tokens[2]!.text, '-----BEGIN\nAAA\n-----END');
  const comments = statements.find((s) => s.tokens[1]?.text === 'comments')!;
  assert.equal(comments.line, 5);
  assert.equal(comments.tokens[2]!.text, 'say "hi"');
});

test('port ranges: destination, range, and source after the colon', () => {
  assert.deepEqual(parsePortRange('443'), { ports: [{ from: 443, to: 443 }] });
  assert.deepEqual(parsePortRange('443:1024-65535'), { ports: [{ from: 443, to: 443 }], sourcePorts: [{ from: 1024, to: 65535 }] });
  assert.deepEqual(parsePortRange('3478-3481'), { ports: [{ from: 3478, to: 3481 }] });
  assert.equal(parsePortRange('99999'), undefined);
  assert.equal(parsePortRange('500-400'), undefined);
});

test('subnets with a mask or a prefix, ranges and names become references with exact ranges', () => {
  const text = read('findings/fortios/host-bits-and-invalid.fortios');
  const { model } = parseFortios(text);
  const byText = new Map(model.references.map((r) => [r.text, r]));
  const typo = byText.get('52.112.4.0 255.252.0.0')!;
  assert.equal(textAt(text, typo.range), '52.112.4.0 255.252.0.0');
  assert.equal(typo.hostBitsSet, true);
  assert.equal(formatInterval(typo.interval!), '52.112.0.0/14');
  assert.equal(typo.role, 'destination');
  assert.equal(formatInterval(byText.get('52.122.0.0-52.123.255.255')!.interval!), '52.122.0.0/15');
  assert.ok(byText.get('52.300.0.0 255.255.0.0')!.invalidReason);
  assert.ok(byText.get('52.122.0.0 255.0.255.0')!.invalidReason);
  const names = parseFortios(read('findings/fortios/fqdn-objects.fortios')).model.references;
  assert.deepEqual(names.map((r) => [r.kind, r.text]), [['hostname', 'teams.microsoft.com'], ['host-wildcard', '*.teams.microsoft.com']]);
});

test('policies are evaluated per interface pair in listed order after moves, disabled ones skipped, with the implicit deny', () => {
  const moved = parseFortios(read('findings/fortios/move-reorders.fortios')).model;
  const rules = list(moved, 'internal>wan1|v4').rules;
  assert.deepEqual(rules.map((r) => r.text.split(' ').slice(0, 2).join(' ')), ['policy 2', 'policy 1', 'policy 3']);
  assert.equal(list(moved, 'internal>wan1|v4').defaultAction, 'drop');
  assert.deepEqual(moved.paths.map((p) => [p.id, p.direction]), [['internal>wan1|v4', 'outbound']]);
  const disabled = parseFortios(read('findings/fortios/disabled-policy.fortios')).model;
  assert.deepEqual(list(disabled, 'internal>wan1|v4').rules.map((r) => r.text.split(' ')[1]), ['7']);
});

test('a service with source ranges, a TCP/UDP service and a group give one rule per protocol; an unknown service leaves the rule unknown', () => {
  const { model } = parseFortios(read('findings/fortios/services-and-conditions.fortios'));
  const rules = list(model, 'internal>wan1|v4').rules;
  const staff = rules.filter((r) => r.text.startsWith('policy 30 '));
  assert.deepEqual(staff.map((r) => [r.protocols, r.destinationPorts, r.sourcePorts]), [
    [['tcp'], [{ from: 80, to: 80 }, { from: 443, to: 443 }], [{ from: 1024, to: 65535 }]],
    [['udp'], [{ from: 443, to: 443 }], [{ from: 1024, to: 65535 }]],
  ]);
  assert.equal(staff[0]!.proxyAuthentication, 'authenticated');
  assert.match(rules.find((r) => r.text.startsWith('policy 31 '))!.unknownConditions![0]!, /schedule weekdays/);
  // GRE and ICMP match no TCP or UDP flow: the policy has no rule for them.
  assert.ok(!rules.some((r) => r.text.startsWith('policy 32 ')));
  const broken = parseFortios(read('findings/fortios/syntax-errors.fortios')).model;
  assert.ok(broken.problems.some((p) => p.message === 'Service "Missing-Service" is not defined in this file.'));
});

test('Internet Service names leave the destination unknown and carry a hover note on each name, the old numeric id named too', () => {
  const text = read('findings/fortios/isdb-microsoft.fortios');
  const { model } = parseFortios(text);
  const rules = list(model, 'lan>wan1|v4').rules;
  assert.match(rules[0]!.destinations!.unresolved!, /Internet Service Microsoft-Office365 is maintained by Fortinet, not checkable here/);
  assert.equal(rules[0]!.protocols, undefined);
  const notes = model.annotations ?? [];
  const office = notes.find((a) => textAt(text, a.range) === 'Microsoft-Office365')!;
  assert.match(office.markdown, /Fortinet's Internet Service Database: Microsoft 365 .*maintained by Fortinet, not checkable here/);
  assert.match(notes.find((a) => textAt(text, a.range) === '327782')!.markdown, /\*\*Microsoft-Office365 \(327782\)\*\*/);
  assert.match(notes.find((a) => textAt(text, a.range) === 'Microsoft-Azure')!.markdown, /Microsoft Azure's public address space/);
});

test('zones count as one interface, roles say which faces the Internet, and VDOMs keep their own lists', () => {
  const { model, vendor } = parseFortios(read('findings/fortios/vdom-full-configuration.fortios'));
  assert.equal(vendor.hasVdoms, true);
  assert.deepEqual(model.paths.map((p) => [p.id, p.name, p.direction]), [['BRANCH|LAN-ZONE>wan1|v4', 'BRANCH: interface LAN-ZONE to interface wan1', 'outbound']]);
  assert.equal(list(model, 'BRANCH|LAN-ZONE>wan1|v4').name, 'firewall policies of VDOM BRANCH');
  const partial = parseFortios(read('findings/fortios/teams-partial.fortios')).model;
  // port1 has `set role wan`; its name says nothing.
  assert.deepEqual(partial.paths.map((p) => [p.id, p.direction]), [['port2>port1|v4', 'outbound']]);
});

test('IPv6 policies get lists of their own family; srcaddr/dstaddr stay IPv4', () => {
  const { model } = parseFortios(read('findings/fortios/ipv6-policies.fortios'));
  assert.deepEqual(model.paths.map((p) => p.id), ['internal>wan1|v4', 'internal>wan1|v6']);
  const v6 = list(model, 'internal>wan1|v6');
  assert.deepEqual(v6.families, [6]);
  assert.deepEqual(v6.rules[0]!.destinations!.intervals.map(formatInterval), ['2603:1063::/38']);
  assert.deepEqual(list(model, 'internal>wan1|v4').rules[0]!.destinations!.intervals.map(formatInterval), ['52.112.0.0/14', '52.122.0.0/15']);
});

test('an SSL/SSH profile with deep inspection becomes a TLS-interception list: non-TLS traffic and exemptions first, then inspect', () => {
  const text = read('findings/fortios/tls-deep-inspection.fortios');
  const { model } = parseFortios(text);
  const profile = list(model, 'ssl-ssh-profile corp-deep');
  assert.equal(profile.kind, 'tls-interception');
  assert.equal(profile.defaultInterception, 'inspect');
  assert.equal(textAt(text, profile.defaultRange!).trim(), 'set status deep-inspection');
  // UDP, TCP off port 443, and the address exemption; categories 31 and 33 hold no Microsoft 365 host.
  assert.deepEqual(profile.rules.map((r) => r.text), ['ssl-ssh-profile corp-deep udp', 'ssl-ssh-profile corp-deep other ports', 'ssl-exempt 3 address Bank-Net']);
  assert.ok(profile.rules.every((r) => r.action.type === 'tls' && r.action.interception === 'bypass'));
  assert.equal(list(model, 'internal>wan1|v4').rules[0]!.tlsInterception, 'ssl-ssh-profile corp-deep');
  const named = parseFortios(read('findings/fortios/tls-by-name-and-builtin.fortios')).model;
  assert.match(list(named, 'ssl-ssh-profile deep-names').rules.at(-1)!.unknownConditions![0]!, /\*\.microsoft\.com/);
  assert.equal(list(named, 'ssl-ssh-profile certificate-inspection').defaultInterception, 'bypass');
  assert.equal(list(named, 'ssl-ssh-profile deep-inspection').defaultInterception, 'inspect');
});

test('detection: FortiOS backups and scripts score high, PAN-OS set commands and other text do not', () => {
  assert.equal(detectFortios('', read('findings/fortios/vdom-full-configuration.fortios')), 1);
  assert.equal(detectFortios('', read('findings/fortios/clean-outbound.fortios')), 1);
  assert.equal(detectFortios('', read('render/pa-display-set.panos')), 0);
  assert.equal(detectPanos('', read('findings/fortios/clean-outbound.fortios')), 0);
  assert.ok(detectFortios('', 'server {\n  listen 80;\n}\n') < 0.3);
});

test('a file of commands with nothing to check says so rather than looking clean', () => {
  const { model } = parseFortios('config system global\n    set hostname "fw1"\nend\n');
  assert.deepEqual(model.problems.map((p) => p.message), ['No firewall policies or addresses found; nothing in this file is checked.']);
});
