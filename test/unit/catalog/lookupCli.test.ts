import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../server/src/cli/main';
import type { CliIo } from '../../../server/src/cli/io';

const emptyCache = mkdtempSync(join(tmpdir(), 'endpoint-lens-lookup-'));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (text) => void (out += text + '\n'), err: (text) => void (err += text + '\n'), cwd: process.cwd() };
  const code = await main(['lookup', ...argv, ...(argv.includes('--cache') ? [] : ['--cache', emptyCache])], io);
  return { code, out, err };
}

interface JsonMatch {
  source: string;
  instance: string;
  id?: number;
  row?: number;
  serviceArea: string | null;
  category: string | null;
  required: boolean | null;
  tcpPorts: string;
  udpPorts: string;
  entry: string;
  relation: string;
}

async function json(...argv: string[]): Promise<{ query: string; matches: JsonMatch[] }> {
  const r = await run(...argv, '--json');
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as { query: string; matches: JsonMatch[] };
}

void test('lookup 52.112.4.1 --json: the Skype/Teams Optimize set and rows 12 and 13', async () => {
  const r = await json('52.112.4.1');
  assert.equal(r.query, '52.112.4.1');
  assert.deepEqual(Object.keys(r), ['query', 'matches']);
  const first = r.matches[0]!;
  assert.deepEqual(Object.keys(first), ['source', 'instance', 'id', 'serviceArea', 'category', 'required', 'tcpPorts', 'udpPorts', 'entry', 'relation']);
  assert.deepEqual(first, {
    source: 'web-service',
    instance: 'Worldwide',
    id: 11,
    serviceArea: 'Skype',
    category: 'Optimize',
    required: true,
    tcpPorts: '',
    udpPorts: '3478-3481',
    entry: '52.112.0.0/14',
    relation: 'contains',
  });
  const rows = r.matches.filter((m) => m.source === 'other-endpoints');
  assert.deepEqual(rows.map((m) => m.row), [12, 13]);
  assert.deepEqual(Object.keys(rows[0]!), ['source', 'instance', 'row', 'serviceArea', 'category', 'required', 'tcpPorts', 'udpPorts', 'entry', 'relation']);
  assert.equal(rows[1]!.tcpPorts, '5061,50000-59999');
});

void test('lookup outlook.office365.com --json lists set 1; 2603:1006::1 finds its IPv6 range', async () => {
  const outlook = await json('outlook.office365.com');
  assert.ok(outlook.matches.some((m) => m.id === 1 && m.relation === 'equal' && m.entry === 'outlook.office365.com'));
  const v6 = await json('2603:1006::1');
  assert.ok(v6.matches.some((m) => m.id === 1 && m.entry === '2603:1006::/40' && m.relation === 'contains'));
});

void test('lookup foo.sharepoint.com --tenant contoso says what matches and what the tenant would need', async () => {
  const r = await run('foo.sharepoint.com', '--tenant', 'contoso');
  assert.equal(r.code, 0);
  assert.match(r.out, /set 31 .*\*\.sharepoint\.com +matches/);
  assert.doesNotMatch(r.out, /^other endpoints +row 17/m);
  assert.match(r.out, /foo\.sharepoint\.com is not a host of tenant contoso; .*contoso\.sharepoint\.com \(row 17\)/);
  const mine = await run('contoso.sharepoint.com', '--tenant', 'Contoso');
  assert.match(mine.out, /row 17 .*contoso\.sharepoint\.com +equal/);
  assert.doesNotMatch(mine.out, /is not a host of tenant/);
  const j = await json('contoso.sharepoint.com', '--tenant', 'contoso');
  assert.ok(j.matches.some((m) => m.row === 17 && m.entry === '<tenant>.sharepoint.com'));
});

void test('--instance selects the catalogue, by full or short name', async () => {
  const high = await json('52.243.148.19', '--instance', 'gcchigh');
  assert.ok(high.matches.length > 0);
  assert.ok(high.matches.every((m) => m.instance === 'USGovGCCHigh'));
  assert.ok(high.matches.some((m) => m.row === 23));
  const world = await json('52.243.148.19', '--instance', 'Worldwide');
  assert.ok(!world.matches.some((m) => m.row === 23));
  const bad = await run('1.1.1.1', '--instance', 'mars');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /Unknown instance "mars"/);
});

void test('bad input prints a clear error and exits 2', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['300.1.1.1'], /not a valid IPv4 address/],
    [['1.2.3.4/33'], /invalid prefix length/],
    [[''], /empty/],
    [['a'.repeat(10240)], /10240 characters long/],
    [[], /Usage: endpoint-lens lookup/],
    [['1.1.1.1', '2.2.2.2'], /Unexpected argument "2.2.2.2"/],
    [['1.1.1.1', '--frobnicate'], /Unexpected argument "--frobnicate"/],
    [['x.sharepoint.com', '--tenant', 'a.b'], /--tenant needs the tenant name/],
  ];
  for (const [argv, pattern] of cases) {
    const r = await run(...argv);
    assert.equal(r.code, 2, argv.join(' ').slice(0, 30));
    assert.match(r.err, pattern);
    assert.equal(r.out, '');
    assert.ok(r.err.length < 400);
  }
});

void test('no match is said plainly and is not an error', async () => {
  const r = await run('192.0.2.1');
  assert.equal(r.code, 0);
  assert.match(r.out, /No catalogue entry matches 192\.0\.2\.1\./);
  assert.deepEqual((await json('192.0.2.1')).matches, []);
});

void test('a corrupt cache is reported on stderr and the shipped catalogue answers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-lookup-bad-'));
  writeFileSync(join(dir, 'worldwide.json'), '{"format": 1, "instance": "Worldwide", "version": "2099');
  const r = await run('52.112.4.1', '--cache', dir, '--json');
  assert.equal(r.code, 0);
  assert.match(r.err, /unusable/);
  assert.ok((JSON.parse(r.out) as { matches: JsonMatch[] }).matches.some((m) => m.id === 11));
});
