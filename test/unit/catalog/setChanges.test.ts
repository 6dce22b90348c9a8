import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CatalogHistoryIndex, daysBetween, dayOfVersion } from '../../../server/src/catalog/history';
import { catalogAsOf } from '../../../server/src/catalog/asOf';
import { describeSetChange } from '../../../server/src/catalog/setChanges';
import { setTimeline, setTimelineLines } from '../../../server/src/catalog/setHistory';
import { loadCatalog, loadOtherEndpoints } from '../../../server/src/catalog/load';
import { Catalog } from '../../../server/src/catalog/index';
import type { CatalogChange, CatalogSnapshot, EndpointSet } from '../../../server/src/catalog/types';
import { shippedSnapshot } from '../update/fakeService';

const shipped = shippedSnapshot();
const set = (id: number): EndpointSet => shipped.sets.find((s) => s.id === id)!;

test('a set change from stored snapshots: entries, category and ports, named by the records of the span', () => {
  const before = set(11);
  const after: EndpointSet[] = shipped.sets.map((s) => (s.id === 11 ? { ...s, ips: [...s.ips, '52.120.0.0/16'], udpPortsText: '3478-3481, 50000-50059', udpPorts: [{ from: 3478, to: 3481 }, { from: 50000, to: 50059 }] } : s));
  const records: CatalogChange[] = [
    { id: 1, endpointSetId: 11, disposition: 'Change', impact: 'AddedIp', version: '2026120100', add: { ips: ['52.120.0.0/16'] } },
    { id: 2, endpointSetId: 12, disposition: 'Change', impact: 'RemovedIpOrUrl', version: '2026120100' },
  ];
  const change = describeSetChange({ setId: 11, fromVersion: '2026081400', toVersion: '2026120100', before, beforeKnown: true, after, records, pending: new Set() });
  assert.deepEqual(change?.addedIps, ['52.120.0.0/16']);
  assert.deepEqual(change?.udpPorts, { before: '3478-3481', after: '3478-3481,50000-50059' });
  assert.deepEqual(change?.impacts, ['AddedIp'], 'only the records of this set');
  assert.equal(change?.fromRecords, true);
  const pending = describeSetChange({ setId: 11, fromVersion: '2026081400', toVersion: '2026120100', before, beforeKnown: true, after, records, pending: new Set(['52.120.0.0/16']) });
  assert.deepEqual(pending?.addedIps, [], 'an addition not yet in effect is not a change yet');
  assert.equal(describeSetChange({ setId: 11, fromVersion: '2026081400', toVersion: '2026120100', before, beforeKnown: true, after: shipped.sets, records: [], pending: new Set() }), undefined);
});

test('without a stored snapshot the change records alone describe the span; without either nothing is claimed', () => {
  const records: CatalogChange[] = [
    { id: 9, endpointSetId: 46, disposition: 'Change', impact: 'MovedIpOrUrl', version: '2026120100', previous: { category: 'Allow', tcpPorts: '80, 443' }, current: { category: 'Default', tcpPorts: '443' }, remove: { ips: ['52.108.0.0/14'] } },
  ];
  const after = shipped.sets.map((s) => (s.id === 46 ? { ...s, category: 'Default' as const, ips: [] } : s));
  const change = describeSetChange({ setId: 46, fromVersion: '2026090100', toVersion: '2026120100', beforeKnown: false, after, records, pending: new Set() });
  assert.deepEqual(
    change && { category: change.category, tcp: change.tcpPorts, removed: change.removedIps, impacts: change.impacts, addresses: change.publishesAddresses },
    { category: { before: 'Allow', after: 'Default' }, tcp: { before: '80,443', after: '443' }, removed: ['52.108.0.0/14'], impacts: ['MovedIpOrUrl'], addresses: false },
  );
  assert.equal(describeSetChange({ setId: 46, fromVersion: '2026090100', toVersion: '2026120100', beforeKnown: false, after, records: [], pending: new Set() }), undefined);
  assert.equal(
    describeSetChange({ setId: 300, fromVersion: '2026081400', toVersion: '2026120100', beforeKnown: true, after, records: [], pending: new Set() }),
    undefined,
    'a set that did not exist then cannot have been written against',
  );
});

test('without records the impact words come from the difference, and a move to another set is told apart from a removal', () => {
  const history = CatalogHistoryIndex.load('Worldwide');
  const timeline = history.setTimeline(184);
  const step = timeline.changes.find((c) => c.toVersion === '2026081400')!;
  assert.deepEqual(step.removedUrls, ['*.static.microsoft', '*.usercontent.microsoft']);
  assert.deepEqual(step.movedTo, [{ entry: '*.static.microsoft', setId: 193 }, { entry: '*.usercontent.microsoft', setId: 193 }]);
  assert.deepEqual(step.impacts, ['MovedIpOrUrl']);
  assert.equal(step.fromRecords, false);
});

test('set ids across versions: since when a set has had its id and its entries', () => {
  const history = CatalogHistoryIndex.load('Worldwide');
  const t193 = history.setTimeline(193);
  assert.deepEqual([t193.idSince?.version, t193.idSince?.oldestStored, t193.entriesSince?.version], ['2026081400', false, '2026081400']);
  assert.deepEqual(t193.movedIn.map((m) => `${m.entry}<${m.fromSetId}@${m.version}`), ['*.static.microsoft<184@2026081400', '*.usercontent.microsoft<184@2026081400']);
  const t11 = history.setTimeline(11);
  assert.deepEqual([t11.idSince?.version, t11.idSince?.oldestStored, t11.entriesSince?.version, t11.changes.length], ['2025120100', true, '2025120100', 0]);
  assert.deepEqual(history.entrySince(11, '52.112.0.0/14'), { version: '2025120100', capturedOn: '2025-12-01', oldestStored: true });
  assert.equal(history.entrySince(11, '198.51.100.0/24'), undefined);
  const mem = history.setTimeline(163);
  assert.equal(mem.carriedFrom, '2025-12-01', 'an Intune set comes from another capture and is not compared');
  assert.deepEqual(setTimelineLines(mem), ['Set 163 comes from the 2025-12-01 capture of its service area, which a default request leaves out; no earlier version of it is stored.']);
  assert.deepEqual(setTimelineLines(setTimeline(history.storedVersions(), 999)), ['Set 999 is not in the catalogue in use.']);
});

test('the catalogue as of a day: announced additions stay out of their sets until their date, then count', () => {
  const { catalog } = loadCatalog({ instance: 'Worldwide' });
  const next: CatalogSnapshot = { ...shipped, version: '2026120100', sets: shipped.sets.map((s) => (s.id === 11 ? { ...s, ips: [...s.ips, '52.120.0.0/16'] } : s)) };
  const records: CatalogChange[] = [
    { id: 1, endpointSetId: 11, disposition: 'Change', version: '2026120100', add: { effectiveDate: '20261201', ips: ['52.120.0.0/16'] } },
    { id: 2, endpointSetId: 31, disposition: 'Change', version: '2026120100', add: { effectiveDate: '20261120', urls: ['*.sharepoint.microsoft'] } },
  ];
  const history = new CatalogHistoryIndex(next, { format: 1, instance: 'Worldwide', versions: [], changes: records });
  const current = new Catalog(next, loadOtherEndpoints());
  const before = catalogAsOf(current, history, '2026-11-30');
  assert.ok(!before.sets.find((s) => s.id === 11)!.ips.includes('52.120.0.0/16'));
  assert.deepEqual(before.announced.map((a) => [a.setId, a.effectiveDate]), [[11, '2026-12-01']]);
  assert.ok(before.sets.find((s) => s.id === 31)!.urls.includes('*.sharepoint.microsoft'), 'an addition in effect that the endpoint list lacks is added');
  const on = catalogAsOf(current, history, '2026-12-01');
  assert.ok(on.sets.find((s) => s.id === 11)!.ips.includes('52.120.0.0/16'));
  assert.deepEqual(on.announced, []);
  assert.equal(catalogAsOf(catalog, undefined, '2026-11-30').sets.find((s) => s.id === 11), catalog.sets.find((s) => s.id === 11), 'nothing dated, nothing copied');
});

test('days and versions', () => {
  assert.equal(daysBetween('2026-11-26', '2026-12-01'), 5);
  assert.equal(daysBetween('2026-12-31', '2027-01-01'), 1);
  assert.equal(daysBetween('2026-12-01', '2026-11-26'), -5);
  assert.equal(dayOfVersion('2026081400'), '2026-08-14');
  assert.equal(dayOfVersion('2022-01-31'), '2022-01-31');
});
