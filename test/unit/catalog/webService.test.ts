import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromWebServiceJson } from '../../../server/src/catalog/webService';

const good = [
  {
    id: 1,
    serviceArea: 'Exchange',
    serviceAreaDisplayName: 'Exchange Online',
    urls: ['outlook.office365.com'],
    ips: ['13.107.6.152/31', '2603:1006::/40'],
    tcpPorts: '443,80',
    udpPorts: '443',
    expressRoute: true,
    category: 'Optimize',
    required: true,
  },
  { id: 11, serviceArea: 'Skype', serviceAreaDisplayName: 'Skype', ips: ['52.112.0.0/14'], udpPorts: '3478, 3479, 3480, 3481', category: 'Optimize', required: true, futureField: { x: 1 } },
  { id: 193, serviceArea: 'Common', serviceAreaDisplayName: 'M365 Common', urls: ['*.static.microsoft'], tcpPorts: '443', category: 'Default', required: true, notes: '' },
];

function clone(): Array<Record<string, unknown>> {
  return JSON.parse(JSON.stringify(good)) as Array<Record<string, unknown>>;
}

void test('accepts real-shaped data with omitted keys and unknown extra fields', () => {
  const r = fromWebServiceJson(good, { capturedOn: '2026-08-14' });
  assert.ok(r.ok);
  assert.equal(r.sets.length, 3);
  const [first, second, third] = r.sets;
  assert.deepEqual(first?.tcpPorts, [
    { from: 80, to: 80 },
    { from: 443, to: 443 },
  ]);
  assert.equal(first?.tcpPortsText, '443,80');
  assert.deepEqual(second?.urls, []);
  assert.deepEqual(second?.udpPorts, [{ from: 3478, to: 3481 }]);
  assert.equal(second?.expressRoute, false);
  assert.equal(second?.notes, undefined);
  assert.equal(third?.notes, '');
  assert.deepEqual(third?.ips, []);
  assert.equal(third?.capturedOn, '2026-08-14');
  assert.equal(first?.capturedOn, '2026-08-14');
});

void test('capturedOn is left off when not given', () => {
  const r = fromWebServiceJson(good);
  assert.ok(r.ok);
  assert.equal('capturedOn' in r.sets[0]!, false);
});

function rejects(mutate: (sets: Array<Record<string, unknown>>) => void, pattern: RegExp): void {
  const data = clone();
  mutate(data);
  rejectsRaw(data, pattern);
}

function rejectsRaw(raw: unknown, pattern: RegExp): void {
  const r = fromWebServiceJson(raw);
  assert.equal(r.ok, false, `expected rejection matching ${pattern}`);
  if (!r.ok) assert.match(r.reason, pattern);
}

void test('refuses what is not an endpoint list', () => {
  rejectsRaw({ sets: [] }, /not a JSON array/);
  rejectsRaw([], /empty/);
  rejectsRaw(null, /not a JSON array/);
  rejectsRaw([42], /position 0 is not an object/);
  rejectsRaw([...good, null], /position 3 is not an object/);
});

void test('refuses sets with missing or wrong fields', () => {
  rejects((s) => void (s[0]!.id = '1'), /position 0 has no numeric id/);
  rejects((s) => void (s[1]!.id = 1.5), /position 1 has no numeric id/);
  rejects((s) => void (s[1]!.id = 1), /id 1 appears more than once/);
  rejects((s) => void delete s[0]!.serviceArea, /set 1 has no service area/);
  rejects((s) => void (s[0]!.category = 'Block'), /category "Block"/);
  rejects((s) => void delete s[2]!.category, /category undefined/);
  rejects((s) => void (s[0]!.required = 'true'), /"required"/);
  rejects((s) => void (s[0]!.urls = 'outlook.office365.com'), /"urls" of the wrong type/);
  rejects((s) => void (s[0]!.urls = ['']), /invalid URL pattern/);
  rejects((s) => void (s[0]!.ips = [1]), /"ips" of the wrong type/);
  rejects((s) => void (s[0]!.expressRoute = 'yes'), /"expressRoute"/);
  rejects((s) => void (s[0]!.notes = null), /"notes"/);
  rejects((s) => void (s[0]!.tcpPorts = 443), /"tcpPorts" of the wrong type/);
  rejects((s) => void (s[0]!.tcpPorts = '443,https'), /port list "443,https"/);
  rejects((s) => void (s[1]!.ips = []), /set 11 has neither URLs nor IP addresses/);
});

void test('every ip must be a canonical CIDR', () => {
  for (const ip of ['13.107.6.153/31', '13.107.6.152', '300.1.1.0/24', '1.2.3.4/33', '2603:1006:0::/40', '2603:1006::/129', 'not-an-ip']) {
    rejects((s) => void (s[0]!.ips = [ip]), /not a canonical CIDR/);
  }
});
