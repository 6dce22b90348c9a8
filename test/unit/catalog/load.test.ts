import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instanceFromString, loadCatalog, loadOtherEndpoints, snapshotFromJson } from '../../../server/src/catalog/load';
import { serializeSnapshot } from '../../../server/src/catalog/webService';
import type { CatalogSnapshot } from '../../../server/src/catalog/types';
import { packageRoot } from '../../../server/src/paths';

function shipped(name: string): CatalogSnapshot {
  return JSON.parse(readFileSync(join(packageRoot(), 'catalog', name), 'utf8')) as CatalogSnapshot;
}

function cacheWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-cache-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

void test('instance names are accepted in any case and by their short names', () => {
  assert.equal(instanceFromString('worldwide'), 'Worldwide');
  assert.equal(instanceFromString('WORLDWIDE'), 'Worldwide');
  assert.equal(instanceFromString('USGovDoD'), 'USGovDoD');
  assert.equal(instanceFromString('dod'), 'USGovDoD');
  assert.equal(instanceFromString('usgovgcchigh'), 'USGovGCCHigh');
  assert.equal(instanceFromString('GCCHigh'), 'USGovGCCHigh');
  assert.equal(instanceFromString('gcc-high'), 'USGovGCCHigh');
  assert.equal(instanceFromString('China'), 'China');
  assert.equal(instanceFromString('germany'), undefined);
  assert.equal(instanceFromString(''), undefined);
});

void test('without a cache the shipped catalogue is used', () => {
  const r = loadCatalog({ instance: 'Worldwide' });
  assert.equal(r.source, 'shipped');
  assert.equal(r.warning, undefined);
  assert.equal(r.catalog.version, '2026081400');
  assert.equal(r.catalog.versionInferred, false);
  assert.equal(r.catalog.capturedOn, '2026-08-14');
  assert.equal(loadCatalog({ instance: 'Worldwide', cacheDir: join(tmpdir(), 'endpoint-lens-no-such-dir') }).source, 'shipped');
});

void test('a valid, newer cached snapshot is used', () => {
  const newer = shipped('worldwide.json');
  newer.version = '2026112600';
  newer.capturedOn = '2026-11-26';
  newer.sets = newer.sets.filter((s) => s.id !== 1);
  const dir = cacheWith({ 'worldwide.json': serializeSnapshot(newer) });
  const r = loadCatalog({ instance: 'Worldwide', cacheDir: dir });
  assert.equal(r.source, 'cache');
  assert.equal(r.warning, undefined);
  assert.equal(r.catalog.version, '2026112600');
  assert.equal(r.catalog.setById(1), undefined);
  assert.deepEqual(r.catalog.setById(2)?.tcpPorts, newer.sets.find((s) => s.id === 2)?.tcpPorts);
});

void test('a cached snapshot older than the shipped one is not used', () => {
  const older = shipped('worldwide.json');
  older.version = '2025010100';
  const r = loadCatalog({ instance: 'Worldwide', cacheDir: cacheWith({ 'worldwide.json': serializeSnapshot(older) }) });
  assert.equal(r.source, 'shipped');
  assert.equal(r.catalog.version, '2026081400');
});

void test('a corrupt cache gives a warning and the shipped catalogue, never an exception', () => {
  const good = shipped('china.json');
  const badIp = structuredClone(good);
  badIp.version = '2099010100';
  badIp.sets[0]!.ips = ['1.2.3.4/8'];
  const wrongInstance = structuredClone(good);
  wrongInstance.instance = 'Worldwide';
  wrongInstance.version = '2099010100';
  const cases: Array<[string, RegExp]> = [
    ['{"format": 1, "instance": "China", "sets": [', /cannot be read/],
    ['[]', /format 1/],
    [JSON.stringify(badIp), /not a canonical CIDR/],
    [JSON.stringify(wrongInstance), /for instance Worldwide, not China/],
    [JSON.stringify({ ...good, version: '2099' }), /version/],
    [JSON.stringify({ ...good, version: '2099010100', sets: [] }), /empty/],
  ];
  for (const [text, reason] of cases) {
    const r = loadCatalog({ instance: 'China', cacheDir: cacheWith({ 'china.json': text }) });
    assert.equal(r.source, 'shipped', text.slice(0, 40));
    assert.equal(r.catalog.version, '2026073100');
    assert.match(r.warning ?? '', /unusable/);
    assert.match(r.warning ?? '', reason);
  }
});

void test('a pinned version comes from the shipped history, or warns when unknown', () => {
  const pinned = loadCatalog({ instance: 'Worldwide', pinnedVersion: '2026073100' });
  assert.equal(pinned.warning, undefined);
  assert.equal(pinned.catalog.version, '2026073100');
  assert.equal(pinned.catalog.versionInferred, true);
  assert.equal(pinned.catalog.setById(193), undefined);
  assert.ok(pinned.catalog.setById(184));
  const current = loadCatalog({ instance: 'Worldwide', pinnedVersion: '2026081400' });
  assert.equal(current.warning, undefined);
  assert.equal(current.catalog.version, '2026081400');
  const unknown = loadCatalog({ instance: 'China', pinnedVersion: '2020010100' });
  assert.match(unknown.warning ?? '', /2020010100 of China is not available; using version 2026073100/);
  assert.equal(unknown.catalog.version, '2026073100');
});

void test('a pinned version can come from the cache history', () => {
  const old = shipped('usgovdod.json');
  const history = { format: 1, instance: 'USGovDoD', versions: [{ version: '2026050100', capturedOn: '2026-05-01', versionInferred: true, sets: old.sets.slice(0, 3) }], changes: [] };
  const dir = cacheWith({ 'history/usgovdod.json': JSON.stringify(history) });
  const r = loadCatalog({ instance: 'USGovDoD', cacheDir: dir, pinnedVersion: '2026050100' });
  assert.equal(r.warning, undefined);
  assert.equal(r.source, 'cache');
  assert.equal(r.catalog.sets.length, 3);
});

void test('shipped snapshots round-trip through validation and serialization unchanged', () => {
  for (const name of ['worldwide.json', 'usgovdod.json', 'usgovgcchigh.json', 'china.json']) {
    const text = readFileSync(join(packageRoot(), 'catalog', name), 'utf8');
    const raw = JSON.parse(text) as CatalogSnapshot;
    const checked = snapshotFromJson(raw, raw.instance);
    assert.ok(checked.ok, name);
    assert.equal(serializeSnapshot(checked.value), text);
  }
  assert.equal(loadOtherEndpoints().rows.length, 25);
});
