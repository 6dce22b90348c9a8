// bin/load-bundle.js: a bundle loads with its code cache, without one, with a cache V8 refuses, and
// never with a cache older than the bundle (V8 checks only the source's length, so a stale cache of
// a same-length bundle would otherwise be taken).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './subprocess';

const LOADER = join(ROOT, 'bin', 'load-bundle.js');

function bundle(dir: string, answer: number): string {
  const file = join(dir, 'bundle.js');
  // Same length for every answer below 10, as two builds of one size would be.
  writeFileSync(file, `module.exports = { answer: ${answer}, file: __filename };\n`);
  return file;
}

function load(file: string, env: Record<string, string> = {}): { answer: number; file: string } {
  const run = spawnSync(process.execPath, ['-e', `process.stdout.write(JSON.stringify(require(${JSON.stringify(LOADER)}).loadBundle(${JSON.stringify(file)})))`], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as { answer: number; file: string };
}

test('a bundle loads without a cache, writes one on request, and loads with it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'el-codecache-'));
  const file = bundle(dir, 1);
  assert.deepEqual(load(file), { answer: 1, file });
  assert.equal(existsSync(`${file}.codecache`), false);
  assert.equal(load(file, { ENDPOINT_LENS_WRITE_CODE_CACHE: '1' }).answer, 1);
  assert.equal(existsSync(`${file}.codecache`), true);
  assert.equal(load(file).answer, 1);
});

test('a cache older than the bundle is not used, and a garbled one is refused by V8', () => {
  const dir = mkdtempSync(join(tmpdir(), 'el-codecache-'));
  const file = bundle(dir, 1);
  load(file, { ENDPOINT_LENS_WRITE_CODE_CACHE: '1' });
  bundle(dir, 2);
  const later = new Date(Date.now() + 60_000);
  utimesSync(file, later, later);
  assert.equal(load(file).answer, 2);
  writeFileSync(`${file}.codecache`, 'not a code cache');
  utimesSync(`${file}.codecache`, later, new Date(later.getTime() + 1000));
  assert.equal(load(file).answer, 2);
});
