import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCatalog, buildOtherEndpoints, defaultInputs } from '../../../catalog/build';
import { ROWS } from '../../../catalog/other-endpoints-rows';
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

void test('other endpoints: every row keeps its revisions, the seed as baseline and what the 2025 article changed', () => {
  const file = shipped<OtherEndpointsFile>('other-endpoints.json');
  assert.deepEqual([file.revision, file.release], ['2025-01-08', '0.1.0']);
  const row = (n: number) => file.rows[n - 1]!;
  for (const r of file.rows.slice(0, 24)) {
    assert.deepEqual([r.revisions[0]!.date, r.revisions[0]!.groups], ['2022-01-31', []], `row ${r.row} starts at the seed`);
  }
  assert.equal(row(12).revisions.length, 1, 'an unchanged row has only its baseline');
  const graph = row(23).revisions[1]!;
  assert.equal(graph.date, '2025-01-08');
  const byInstance = (i: string) => graph.groups.find((g) => g.instances.includes(i as never))!;
  assert.deepEqual([byInstance('Worldwide').added.ips.length, byInstance('Worldwide').removed.ips.length], [54, 12]);
  assert.deepEqual(byInstance('USGovDoD').added.ips, ['20.140.232.0/23', '52.126.194.0/23', '2001:489a:3500::/50']);
  assert.equal(byInstance('China').added.ips.length, 6);
  assert.ok(byInstance('Worldwide').added.ips.includes('20.190.128.0/18'));
  assert.ok(byInstance('Worldwide').removed.ips.includes('13.85.192.59/32'));
  assert.deepEqual(row(24).revisions[1]!.groups.map((g) => g.removed.ips), [['13.107.4.52/32']]);
  assert.deepEqual(row(10).revisions[1]!.groups.map((g) => [g.added.urls, g.removed.urls]), [[['<email_domain>.outlookmobile.com', '<email_domain>.outlookmobile.us'], ['*.acompli.net', '*.outlookmobile.com', '*.outlookmobile.us']]]);
  assert.deepEqual([row(3).revisions[1]!.groups, row(3).revisions[1]!.summary], [[], '"Azure AD Connect" renamed "Microsoft Entra Connect"'], 'wording only');
  assert.deepEqual(row(25).revisions.map((r) => [r.date, r.rowAdded]), [['2025-01-08', true]]);
});

void test('the build rebuilds earlier revisions from the newest facts and refuses changes that do not fit', (t) => {
  if (!haveSources) {
    t.skip(`raw sources not present (${inputs.seedPath})`);
    return;
  }
  const portsChanged = ROWS.map((r) =>
    r.row === 13 ? { ...r, destinations: [{ ...r.destinations[0]!, tcp: '5061' }], changes: { '2025-01-08': { summary: 'TCP 50000-59999 dropped', ports: [{ destination: 0, tcp: '50000-59999,5061' }] } } } : r,
  );
  const thirteen = buildOtherEndpoints(inputs.seedPath, portsChanged).rows[12]!;
  assert.deepEqual(
    thirteen.revisions[1]!.groups.map((g) => [g.tcpPorts?.before, g.tcpPorts?.after, g.udpPorts]),
    [[[{ from: 5061, to: 5061 }, { from: 50000, to: 59999 }], [{ from: 5061, to: 5061 }], undefined]],
  );
  const missingAddition = ROWS.map((r) => (r.row === 2 ? { ...r, changes: { '2025-01-08': { summary: 'x', added: ['not.in.the.row.example'] } } } : r));
  assert.throws(() => buildOtherEndpoints(inputs.seedPath, missingAddition), /row 2, revision 2025-01-08: added not\.in\.the\.row\.example is in 0 destination groups/);
  const stillListed = ROWS.map((r) => (r.row === 12 ? { ...r, changes: { '2025-01-08': { summary: 'x', removed: [{ destination: 0, entries: ['52.112.0.0/14'] }] } } } : r));
  assert.throws(() => buildOtherEndpoints(inputs.seedPath, stillListed), /row 12, revision 2025-01-08: 52\.112\.0\.0\/14 is marked removed but still listed/);
  const unknownDate = ROWS.map((r) => (r.row === 12 ? { ...r, changes: { '2024-01-01': { summary: 'x' } } } : r));
  assert.throws(() => buildOtherEndpoints(inputs.seedPath, unknownDate), /row 12: changes for 2024-01-01, which is not a revision after the baseline/);
  const forgotten = ROWS.map((r) => (r.row === 23 ? { ...r, changes: {} } : r));
  assert.throws(() => buildOtherEndpoints(inputs.seedPath, forgotten), /row 23: seed address 13\.85\.192\.59\/32 is missing/, 'a revision left out makes the baseline disagree with the seed');
});
