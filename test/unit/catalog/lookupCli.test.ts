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
  purpose?: string;
}

interface JsonLookup {
  query: string;
  catalogs: Array<{ instance: string; version: string; source: string; cacheDir: string | null }>;
  matches: JsonMatch[];
  notListed: Array<{ source: string; entry: string; setId?: number; row?: number; current?: string[]; message: string }>;
}

async function json(...argv: string[]): Promise<JsonLookup> {
  const r = await run(...argv, '--json');
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as JsonLookup;
}

void test('lookup 52.112.4.1 --json: the Skype/Teams Optimize set and rows 12 and 13', async () => {
  const r = await json('52.112.4.1');
  assert.equal(r.query, '52.112.4.1');
  assert.deepEqual(Object.keys(r), ['query', 'catalogs', 'matches', 'notListed']);
  assert.deepEqual(r.catalogs.map((c) => `${c.instance} ${c.source}`), ['Worldwide shipped']);
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
  assert.deepEqual(Object.keys(rows[0]!), ['source', 'instance', 'row', 'serviceArea', 'category', 'required', 'tcpPorts', 'udpPorts', 'entry', 'relation', 'purpose']);
  assert.match(rows[0]!.purpose!, /Screen sharing/);
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
    [['1.1.1.1', '--frobnicate'], /Unknown or incomplete option: --frobnicate/],
    [['1.1.1.1', '--instance', 'all', '--shipped', '--cache', '/tmp'], /--cache and --shipped exclude each other/],
    [['x.sharepoint.com', '--tenant', 'a.b'], /--tenant needs the tenant name/],
  ];
  for (const [argv, pattern] of cases) {
    const r = await run(...argv);
    assert.equal(r.code, 2, argv.join(' ').slice(0, 30));
    assert.match(r.err, pattern);
    assert.equal(r.out, '');
    assert.ok(r.err.length < 1200);
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

void test('lookup explains what the catalogue no longer lists', async () => {
  const dropped = await json('13.107.4.52');
  assert.deepEqual(dropped.matches, []);
  assert.deepEqual(dropped.notListed.map((n) => [n.source, n.row, n.message]), [
    ['other-endpoints', 24, '13.107.4.52 was listed in other-endpoints row 24 until the 2025-01-08 revision; no longer listed.'],
  ]);
  const text = await run('13.107.4.52');
  assert.match(text.out, /No catalogue entry matches 13\.107\.4\.52\.\n13\.107\.4\.52 was listed in other-endpoints row 24 until the 2025-01-08 revision/);

  const typo = await json('www.mstfconnecttest.com');
  assert.deepEqual(typo.notListed.map((n) => [n.row, n.current]), [[24, ['www.msftconnecttest.com']]]);
  assert.match(typo.notListed[0]!.message, /"www\.mstfconnecttest\.com" is a misspelling in an earlier revision of other-endpoints row 24; the row lists www\.msftconnecttest\.com\./);

  const removed = await json('www.acompli.com');
  assert.deepEqual(removed.notListed.map((n) => [n.source, n.setId]), [['web-service', 105]]);
  assert.match(removed.notListed[0]!.message, /endpoint set 105\) was removed in catalogue version 2026073100/);

  assert.deepEqual((await json('52.112.4.1')).notListed, [], 'nothing to explain for a current address');
});

void test('lookup accepts a netmask pair (quoted or as two arguments), a wildcard mask and a range', async () => {
  const quoted = await json('52.112.0.0 255.252.0.0');
  const split = await json('52.112.0.0', '255.252.0.0');
  const wildcard = await json('52.112.0.0', '0.3.255.255');
  const set11 = (r: JsonLookup): string[] => r.matches.filter((m) => m.id === 11).map((m) => `${m.entry} ${m.relation}`);
  assert.deepEqual(set11(quoted), ['52.112.0.0/14 equal']);
  assert.deepEqual(set11(split), ['52.112.0.0/14 equal']);
  assert.deepEqual(set11(wildcard), ['52.112.0.0/14 equal']);
  const range = await json('52.112.0.1-52.112.0.9');
  assert.deepEqual(set11(range), ['52.112.0.0/14 contains']);
  const bad = await run('52.112.0.0', '255.0.255.0');
  assert.equal(bad.code, 2);
});

void test('lookup --instance all answers from every instance and names each catalogue', async () => {
  const all = await json('52.243.148.19', '--instance', 'all');
  assert.deepEqual(all.catalogs.map((c) => c.instance), ['Worldwide', 'USGovDoD', 'USGovGCCHigh', 'China']);
  assert.ok(all.matches.some((m) => m.instance === 'USGovGCCHigh' && m.row === 23));
  const text = await run('52.243.148.19', '--instance', 'all');
  assert.equal((text.out.match(/^Catalogue \w+ version \d{10} of /gm) ?? []).length, 4);
});
