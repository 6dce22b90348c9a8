import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Engine, resolveSettings } from '../../../server/src/engine';
import { analyze } from '../../../server/src/analysis/analyze';
import { boundRules } from '../../../server/src/dialects/bounds';
import { DIALECT_IDS } from '../../../server/src/dialects/all';
import { LineIndex } from '../../../server/src/model/range';
import { seededRandom } from '../../seeded';

/**
 * Every fixture of every dialect, cut short and with bytes flipped (fixed seed, so a failure is
 * replayed from its case number): no parser or check may throw, and the CLI run over a sample of
 * the broken files ends with exit code 0 or 1. A hang fails the test through its timeout.
 */

const ROOT = join(__dirname, '..', '..', '..');
const CASES_PER_DIALECT = 300;
const CLI_SAMPLE_PER_DIALECT = 40;
const BOUND = { timeout: 600_000 };

/** The input files of the fixture folders of one dialect (expected findings and helpers left out). */
function fixturesOf(dialect: string): Array<{ name: string; bytes: Buffer }> {
  const folders = [join(ROOT, 'test', 'fixtures', dialect), join(ROOT, 'test', 'fixtures', 'findings', dialect)];
  const out: Array<{ name: string; bytes: Buffer }> = [];
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(folder).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(folder, name);
      if (name.endsWith('.json') || name.endsWith('.ts') || !statSync(path).isFile()) continue;
      out.push({ name, bytes: readFileSync(path) });
    }
  }
  return out;
}

/** Cut at a random byte, flip a few random bytes, or both; decoded as an editor would (invalid UTF-8 becomes U+FFFD). */
function mutate(bytes: Buffer, next: () => number): string {
  let out = Buffer.from(bytes);
  const kind = next();
  if (kind < 0.4 || kind >= 0.8) out = out.subarray(0, Math.floor(next() * (out.length + 1)));
  if (kind >= 0.4) {
    const flips = 1 + Math.floor(next() * 8);
    for (let i = 0; i < flips && out.length > 0; i++) {
      const at = Math.floor(next() * out.length);
      out[at] = out[at]! ^ (1 + Math.floor(next() * 255));
    }
  }
  return out.toString('utf8');
}

interface Case {
  dialect: string;
  label: string;
  name: string;
  text: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const [d, dialect] of DIALECT_IDS.entries()) {
    const fixtures = fixturesOf(dialect);
    assert.ok(fixtures.length > 0, `fixtures for ${dialect}`);
    const next = seededRandom(0xf022 + d);
    for (let i = 0; i < CASES_PER_DIALECT; i++) {
      const fixture = fixtures[i % fixtures.length]!;
      out.push({ dialect, label: `${dialect} case ${i} (${fixture.name})`, name: `${String(i).padStart(3, '0')}-${basename(fixture.name)}`, text: mutate(fixture.bytes, next) });
    }
  }
  return out;
}

const ALL = cases();
let engine: Engine;

before(async () => {
  engine = await Engine.create({ trusted: false });
});
after(() => engine.pacSandbox?.dispose());

for (const dialect of DIALECT_IDS) {
  test(`${CASES_PER_DIALECT} broken ${dialect} files: no parser or check throws`, BOUND, () => {
    const settings = resolveSettings({});
    for (const c of ALL.filter((x) => x.dialect === dialect)) {
      const detection = engine.detect(c.name, c.text, { dialect });
      assert.ok(detection, c.label);
      const model = boundRules(detection.dialect.parse(c.text, { fileName: c.name }).model);
      const failed = model.problems.find((p) => p.message.includes('parser failed on this file'));
      assert.equal(failed, undefined, `${c.label}: ${failed?.message ?? ''}`);
      const errors: unknown[] = [];
      const lines = new LineIndex(c.text);
      analyze(engine.contextFor(c.text, lines, model, settings, detection.dialect), { severity: settings.severity, onCheckError: (error) => errors.push(error) });
      assert.deepEqual(errors.map(String), [], c.label);
    }
  });
}

test('the CLI over a sample of the broken files exits 0 or 1 and reports every file it recognises', BOUND, () => {
  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-fuzz-'));
  try {
    const recognised: string[] = [];
    for (const dialect of DIALECT_IDS) {
      mkdirSync(join(dir, dialect));
      for (const c of ALL.filter((x) => x.dialect === dialect).slice(0, CLI_SAMPLE_PER_DIALECT)) {
        const path = join(dir, dialect, c.name);
        writeFileSync(path, c.text);
        if (engine.detect(path, c.text)) recognised.push(path);
      }
    }
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'endpoint-lens.js'), 'check', '--format', 'json', dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    assert.equal(run.signal, null, run.stderr);
    assert.ok(run.status === 0 || run.status === 1, `exit ${run.status}: ${run.stderr.slice(0, 2000)}`);
    const report = JSON.parse(run.stdout) as { files: Array<{ path: string }> };
    const reported = new Set(report.files.map((f) => basename(f.path)));
    assert.deepEqual(recognised.filter((path) => !reported.has(basename(path))), []);
    assert.ok(recognised.length > DIALECT_IDS.length * CLI_SAMPLE_PER_DIALECT * 0.5, 'most broken files are still recognised');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
