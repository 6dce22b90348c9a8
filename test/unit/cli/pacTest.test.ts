// `endpoint-lens pac-test` through the CLI as a subprocess.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, inScratch, ROOT } from './subprocess';

const PAC = join(ROOT, 'test', 'fixtures', 'pac-test', 'branch.pac');

interface PacJson {
  catalog: { instance: string; version: string; source: string };
  file: string;
  hosts: number;
  differing: number;
  results: Array<{ setId: number; category: string; host: string; url: string; answer: string | null; line: number | null; error?: string }>;
}

function json(args: string[]): PacJson {
  const run = cli(['pac-test', ...args, '--format', 'json']);
  assert.notEqual(run.code, 2, run.err);
  return JSON.parse(run.out) as PacJson;
}

void test('pac-test --format json: one result per catalogue host, with the exact answer and the line of its return', () => {
  const report = json([PAC, '--client-address', '10.20.0.99']);
  assert.deepEqual(Object.keys(report), ['catalog', 'file', 'hosts', 'differing', 'results']);
  assert.equal(report.catalog.instance, 'Worldwide');
  assert.equal(report.hosts, report.results.length);
  const sharepoint = report.results.find((r) => r.host === 'probe.sharepoint.com')!;
  assert.deepEqual(sharepoint, { setId: 31, category: 'Optimize', host: 'probe.sharepoint.com', url: 'https://probe.sharepoint.com/', answer: 'DIRECT', line: 9 });
  const branch = report.results.find((r) => r.answer === 'PROXY branch.contoso.example:3128')!;
  assert.equal(branch.line, 15);
  const failed = report.results.filter((r) => r.answer === null);
  assert.ok(failed.length > 0);
  for (const r of failed) {
    assert.match(r.host, /lync\.com$/);
    assert.match(r.error!, /no rule for Skype for Business/);
    assert.equal(r.line, null);
  }
  assert.equal(report.differing, report.results.filter((r) => r.answer === null || (r.answer !== 'DIRECT' && r.category !== 'Default')).length);
});

void test('pac-test --client-address and --host-addresses reach myIpAddress() and dnsResolve()', () => {
  const elsewhere = json([PAC, '--client-address', '192.0.2.7']);
  assert.ok(!elsewhere.results.some((r) => r.answer === 'PROXY branch.contoso.example:3128'), 'myIpAddress() is outside 10.20/16');
  inScratch('pac-hosts', (dir) => {
  writeFileSync(join(dir, 'dns.pac'), 'function FindProxyForURL(url, host) {\n  return isInNet(dnsResolve(host), "10.1.0.0", "255.255.0.0") ? "PROXY inside.example:1" : "DIRECT";\n}\n');
  writeFileSync(join(dir, 'hosts.json'), JSON.stringify({ 'outlook.office.com': '10.1.2.3' }));
  const resolved = json([join(dir, 'dns.pac'), '--host-addresses', join(dir, 'hosts.json')]);
  assert.deepEqual(resolved.results.filter((r) => r.answer !== 'DIRECT').map((r) => r.host), ['outlook.office.com']);
  writeFileSync(join(dir, 'bad.json'), '["not", "an", "object"]');
  const bad = cli(['pac-test', join(dir, 'dns.pac'), '--host-addresses', join(dir, 'bad.json')]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /must hold a JSON object of host names to addresses/);
  });
});

void test('pac-test prints a table (text) or the editor\'s markdown; exit 1 when an answer differs from the guidance', () => {
  const text = cli(['pac-test', PAC]);
  assert.equal(text.code, 1);
  assert.match(text.out, /^Catalogue Worldwide version \d{10} of \d{4}-\d\d-\d\d \(shipped snapshot\)\n\nSet +Category +Host +Answer +Line\n/);
  assert.match(text.out, /^31 +Optimize +probe\.sharepoint\.com +DIRECT +9$/m);
  assert.match(text.out, /\n\d+ hosts tested; \d+ answers differ from Microsoft's guidance \(Optimize and Allow go DIRECT\)\.\n$/);
  const markdown = cli(['pac-test', PAC, '--format', 'markdown']);
  assert.match(markdown.out, /^# PAC answers for the Worldwide catalogue, version \d{10}\n/);
  assert.match(markdown.out, /^\| 31 \| Optimize \| `probe\.sharepoint\.com` \| DIRECT \| 9 \|  \|$/m);
  inScratch('pac-direct', (dir) => {
  writeFileSync(join(dir, 'direct.pac'), 'function FindProxyForURL(url, host) { return "DIRECT"; }\n');
  assert.equal(cli(['pac-test', join(dir, 'direct.pac')]).code, 0);
  writeFileSync(join(dir, 'none.pac'), 'var x = 1;\n');
  const none = cli(['pac-test', join(dir, 'none.pac')]);
  assert.equal(none.code, 1);
  assert.match(none.out, /error: The PAC program defines no FindProxyForURL function\. +✖/);
  });
  for (const bad of [[], [PAC, '--format', 'xml'], [PAC, '--client-address', 'nowhere'], [join(ROOT, 'no-such.pac')]]) assert.equal(cli(['pac-test', ...bad]).code, 2, bad.join(' '));
});
