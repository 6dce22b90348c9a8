import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCatalog, defaultInputs } from '../../../catalog/build';
import type { CatalogHistory, CatalogSnapshot, OtherEndpointsFile } from '../../../server/src/catalog/types';

const root = join(__dirname, '..', '..', '..');
const inputs = defaultInputs();
const haveSources = existsSync(inputs.sourcesDir) && existsSync(inputs.seedPath);

function shipped<T>(relative: string): T {
  return JSON.parse(readFileSync(join(root, 'catalog', relative), 'utf8')) as T;
}

void test('committed catalogue files equal a fresh build of the sources', (t) => {
  if (!haveSources) {
    t.skip(`raw sources not present (${inputs.sourcesDir}); nothing to rebuild from`);
    return;
  }
  const files = buildCatalog(inputs);
  assert.deepEqual([...files.keys()].sort(), ['china.json', 'history/china.json', 'history/usgovdod.json', 'history/usgovgcchigh.json', 'history/worldwide.json', 'other-endpoints.json', 'usgovdod.json', 'usgovgcchigh.json', 'worldwide.json']);
  for (const [relative, contents] of files) {
    assert.equal(readFileSync(join(root, 'catalog', relative), 'utf8'), contents, `catalog/${relative} is out of date; run npm run catalog:build`);
  }
  const again = buildCatalog(inputs);
  assert.deepEqual(again, files);
});

void test('versions and capture dates follow what is known about each snapshot', () => {
  const expected: Array<[string, string, string, boolean]> = [
    ['worldwide.json', '2026081400', '2026-08-14', false],
    ['china.json', '2026073100', '2026-07-31', false],
    ['usgovdod.json', '2026063000', '2026-06-30', true],
    ['usgovgcchigh.json', '2026070100', '2026-07-01', true],
  ];
  for (const [file, version, capturedOn, inferred] of expected) {
    const snapshot = shipped<CatalogSnapshot>(file);
    assert.equal(snapshot.version, version, file);
    assert.equal(snapshot.capturedOn, capturedOn, file);
    assert.equal(snapshot.versionInferred, inferred, file);
  }
  const history = shipped<CatalogHistory>('history/worldwide.json');
  assert.deepEqual(
    history.versions.map((v) => [v.version, v.capturedOn, v.versionInferred, v.sets.length]),
    [
      ['2025120100', '2025-12-01', true, 64],
      ['2026073100', '2026-07-31', true, 62],
    ],
  );
  assert.deepEqual(history.changes, []);
});

void test('MEM (Intune) sets come from the 2025-12-01 snapshot and are marked with that date', () => {
  const worldwide = shipped<CatalogSnapshot>('worldwide.json');
  const mem = worldwide.sets.filter((s) => s.serviceArea === 'MEM');
  assert.deepEqual(
    mem.map((s) => s.id),
    [163, 164, 165, 169, 170, 171, 173, 179, 181, 182, 186, 187, 188, 189, 192],
  );
  assert.ok(mem.every((s) => s.capturedOn === '2025-12-01'));
  assert.ok(worldwide.sets.filter((s) => s.serviceArea !== 'MEM').every((s) => s.capturedOn === undefined));
  assert.equal(worldwide.sets.length, 63 + 15);
  assert.ok(worldwide.sets.some((s) => s.id === 193));
  assert.equal(shipped<CatalogSnapshot>('usgovdod.json').sets.filter((s) => s.serviceArea === 'MEM').length, 1);
  assert.equal(shipped<CatalogSnapshot>('usgovgcchigh.json').sets.filter((s) => s.serviceArea === 'MEM').length, 0);
  assert.equal(shipped<CatalogSnapshot>('china.json').sets.filter((s) => s.serviceArea === 'MEM').length, 0);
});

void test('other endpoints: 25 rows with the newer facts applied', () => {
  const { rows } = shipped<OtherEndpointsFile>('other-endpoints.json');
  assert.deepEqual(
    rows.map((r) => r.row),
    Array.from({ length: 25 }, (_, i) => i + 1),
  );
  const row = (n: number) => rows[n - 1]!;
  const urls = (n: number) => row(n).destinations.flatMap((d) => d.urls);
  const ips = (n: number) => row(n).destinations.flatMap((d) => d.ips);
  assert.deepEqual(urls(24), ['www.msftconnecttest.com']);
  assert.deepEqual(ips(24), []);
  assert.ok(urls(2).includes('sara.api.support.microsoft.com'));
  assert.ok(!urls(10).some((u) => u.includes('acompli')));
  assert.ok(urls(10).includes('<email_domain>.outlookmobile.com'));
  assert.ok(row(25).link?.startsWith('https://'));
  for (const n of [3, 11, 19, 20, 21]) assert.ok(!JSON.stringify(row(n).purpose).includes('Azure AD') && row(n).provenance.includes('Entra'), `row ${n}`);

  const nine = row(9).destinations;
  const gov = nine.find((d) => d.ips.length > 0)!;
  assert.deepEqual(gov.ips, ['40.118.209.192/32', '168.62.190.41/32']);
  assert.deepEqual(gov.instances, ['USGovDoD', 'USGovGCCHigh']);
  assert.deepEqual(nine.find((d) => d.urls.includes('*.store.core.windows.net'))!.instances, ['Worldwide']);

  const graph = row(23).destinations;
  const byInstance = (i: string) => graph.filter((d) => d.instances.includes(i as never)).flatMap((d) => d.ips);
  assert.equal(byInstance('Worldwide').length, 106);
  assert.ok(byInstance('USGovDoD').includes('52.243.148.19/32'));
  assert.ok(byInstance('USGovGCCHigh').includes('2001:489a:3500::/50'));
  assert.ok(!byInstance('Worldwide').includes('13.85.192.59/32'));
  assert.ok(byInstance('China').includes('2406:e500:5500::/48'));
  assert.equal(byInstance('China').length, 14);
  for (const r of rows) {
    assert.ok(r.purpose.en.length > 0 && r.purpose.da.length > 0, `row ${r.row} purpose`);
    assert.ok(r.provenance.length > 0);
    if (r.destinations.length === 0 && r.row !== 18) assert.ok(r.link, `row ${r.row} has neither destinations nor link`);
  }
});

void test('row 23 public-cloud CIDRs are the sign-in ranges of set 56', () => {
  const worldwide = shipped<CatalogSnapshot>('worldwide.json');
  const signIn = worldwide.sets.find((s) => s.id === 56)!;
  const { rows } = shipped<OtherEndpointsFile>('other-endpoints.json');
  const cidrs = rows[22]!.destinations[0]!.ips.filter((ip) => !ip.endsWith('/32'));
  assert.deepEqual([...cidrs].sort(), [...signIn.ips].sort());
});

void test('the build refuses a seed whose addresses or rows disagree with the encoded rows', (t) => {
  if (!haveSources) {
    t.skip(`raw sources not present (${inputs.sourcesDir})`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-seed-'));
  const seed = readFileSync(inputs.seedPath, 'utf8');
  const changed = join(dir, 'changed.md');
  writeFileSync(changed, seed.replace('13.107.64.0/18, 52.112.0.0/14', '13.107.65.0/24, 52.112.0.0/14'));
  assert.throws(() => buildCatalog({ ...inputs, seedPath: changed }), /row 13: seed address 13\.107\.65\.0\/24 is missing/);
  const shorter = join(dir, 'shorter.md');
  writeFileSync(shorter, seed.split('\n').filter((line) => !line.startsWith('|7|')).join('\n'));
  assert.throws(() => buildCatalog({ ...inputs, seedPath: shorter }), /expected 24 table rows, found 23/);
  const typo = join(dir, 'typo.md');
  writeFileSync(typo, seed.replace('www.mstfconnecttest.com <br> 13.107.4.52', 'www.mstfconnecttest.com <br> 13.107.4.53'));
  assert.throws(() => buildCatalog({ ...inputs, seedPath: typo }), /row 24: seed address 13\.107\.4\.53\/32 is missing/);
});
