import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PATHOLOGICAL } from './shapes';

/**
 * The bundled CLI in a fresh process over every pathological file at once: the way the V8 abort on
 * deeply nested PAC files showed up (a cold process, where the parser's regular expressions are
 * compiled for the first time deep in the stack). Needs the bundle (`npm run build`).
 */

const ROOT = join(__dirname, '..', '..', '..');

interface JsonReport {
  files: Array<{ path: string; findings: Array<{ code: string; line: number; message: string }> }>;
}

test('one check run over all pathological files reports each with analysis-limit and exits normally', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-limits-'));
  try {
    for (const shape of PATHOLOGICAL) writeFileSync(join(dir, shape.name), shape.text);
    writeFileSync(join(dir, 'ordinary.rules.v4'), '*filter\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n');
    const args = [join(ROOT, 'bin', 'endpoint-lens.js'), 'check', '--format', 'json', '--fail-on', 'never'];
    const files = [...PATHOLOGICAL.map((s) => join(dir, s.name)), join(dir, 'ordinary.rules.v4')];
    const run = spawnSync(process.execPath, [...args, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(run.signal, null, `killed by ${run.signal}: ${run.stderr}`);
    assert.ok(run.status === 0 || run.status === 1, `exit ${run.status}: ${run.stderr.slice(0, 2000)}`);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.equal(report.files.length, files.length);
    for (const shape of PATHOLOGICAL) {
      const file = report.files.find((f) => f.path.endsWith(shape.name));
      assert.ok(file, shape.name);
      const limit = file.findings.find((f) => f.code === 'analysis-limit' && shape.message.test(f.message));
      assert.ok(limit, `${shape.name}: ${file.findings.map((f) => `${f.line} ${f.code} ${f.message}`).join('\n')}`);
    }
    assert.deepEqual(report.files.find((f) => f.path.endsWith('ordinary.rules.v4'))?.findings.map((f) => f.code), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
