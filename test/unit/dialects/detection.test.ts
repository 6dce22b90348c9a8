import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { detectDialect, notConfigReason } from '../../../server/src/dialects/detect';
import { runCli } from '../cli/runCli';

const CORPUS = join(__dirname, '..', '..', 'fixtures', 'detection');

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) files(full, out);
    else out.push(full);
  }
  return out;
}

/** The top folder names the dialect each file is; `not-config` holds documents, sources and logs. */
function corpus(): Array<{ path: string; expected: string }> {
  return files(CORPUS).map((path) => ({ path, expected: relative(CORPUS, path).split(/[\\/]/)[0]! }));
}

void test('the detection corpus: at least 95% of the configurations of each dialect recognised, no document, source or log taken for one', () => {
  const byDialect = new Map<string, { total: number; detected: number; missed: string[] }>();
  const falseTakes: string[] = [];
  for (const { path, expected } of corpus()) {
    const detection = detectDialect(path, readFileSync(path, 'utf8'));
    const name = relative(CORPUS, path);
    if (expected === 'not-config') {
      if (detection) falseTakes.push(`${name} taken for ${detection.dialect.id} (${detection.by})`);
      continue;
    }
    const row = byDialect.get(expected) ?? { total: 0, detected: 0, missed: [] };
    row.total++;
    if (detection?.dialect.id === expected) row.detected++;
    else row.missed.push(`${name} → ${detection?.dialect.id ?? 'nothing'}`);
    byDialect.set(expected, row);
  }
  for (const [dialect, row] of byDialect) {
    const rate = (100 * row.detected) / row.total;
    console.log(`detection ${dialect}: ${row.detected}/${row.total} (${rate.toFixed(1)}%)${row.missed.length > 0 ? `; missed ${row.missed.join(', ')}` : ''}`);
  }
  const negatives = corpus().filter((c) => c.expected === 'not-config').length;
  console.log(`detection not-config: ${falseTakes.length}/${negatives} taken for a configuration`);
  for (const dialect of ['nginx', 'cisco', 'iptables']) assert.ok((byDialect.get(dialect)?.total ?? 0) >= 10, `${dialect} has a corpus`);
  for (const [dialect, row] of byDialect) assert.ok(row.detected / row.total >= 0.95, `${dialect}: ${row.missed.join(', ')}`);
  assert.deepEqual(falseTakes, []);
});

void test('a document, a source file and a log say why they are not configurations; a PAC file named .js is still one', () => {
  assert.equal(notConfigReason('/repo/README.md', '```nginx\nserver {}\n```'), 'a document, not a configuration');
  assert.equal(notConfigReason('/repo/src/pac.test.ts', 'FindProxyForURL'), 'program source, not a configuration');
  assert.equal(notConfigReason('/var/log/nginx/access.log.1', ''), 'a log, not a configuration');
  assert.equal(notConfigReason('/srv/proxy.js', 'function FindProxyForURL(url, host) { return "DIRECT"; }'), undefined);
  assert.equal(detectDialect('/srv/proxy.js', 'function FindProxyForURL(url, host) { return "DIRECT"; }')?.dialect.id, 'pac');
});

void test('check . on the corpus lists what it skipped and why, and reports no finding on a non-configuration', async () => {
  const { out } = await runCli(['check', '.', '--format', 'json'], CORPUS);
  const report = JSON.parse(out) as { files: Array<{ path: string; dialect: string | null; findings: unknown[] }>; skipped: Array<{ path: string; reason: string }> };
  const skipped = new Map(report.skipped.map((s) => [s.path.replace(/\\/g, '/'), s.reason]));
  for (const path of ['not-config/README.md', 'not-config/src/pac.test.ts', 'not-config/logs/error.log', 'not-config/app.js', 'not-config/docs/firewall.rst']) assert.match(skipped.get(path) ?? '', /^(a document|program source|a log), not a configuration$/, path);
  const configs = report.files.filter((f) => f.path.replace(/\\/g, '/').startsWith('not-config/') && f.findings.length > 0 && f.dialect !== null);
  assert.deepEqual(configs.map((f) => f.path), [], 'no non-configuration is analysed as a dialect');
  for (const f of report.files) assert.ok(!skipped.has(f.path), f.path);
});
