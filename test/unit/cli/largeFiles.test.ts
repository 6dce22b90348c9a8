// Files far past the editor's size bound, through the CLI as a user runs it: a 20 MB iptables-save
// file and a 20 MB nftables ruleset are read and every rule evaluated, with no refusal and no
// bound met. How long that takes is the benchmark's business (test/bench/tools.bench.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { iptablesFile, nftablesFile } from '../../bench/generate';
import { cli, inScratch } from './subprocess';

const TWENTY_MB = 20 * 1024 * 1024;

/** Lines of a generator's output that make at least `bytes`. */
function linesFor(generate: (lines: number) => string, bytes: number): number {
  return Math.ceil((bytes / generate(2_000).length) * 2_000 * 1.02);
}

for (const [name, generate] of [
  ['edge.rules.v4', iptablesFile],
  ['edge.nft', nftablesFile],
] as const) {
  void test(`check analyses a 20 MB ${name.endsWith('.nft') ? 'nftables ruleset' : 'iptables-save file'} in full: no not-analysed, no analysis-limit`, () => {
    inScratch('large', (dir) => {
      const text = generate(linesFor(generate, TWENTY_MB));
      assert.ok(text.length >= TWENTY_MB, `the generated file has ${text.length} bytes`);
      const path = join(dir, name);
      writeFileSync(path, text);
      const run = cli(['check', path, '--format', 'json', '--fail-on', 'never', '--jobs', '1']);
      assert.equal(run.code, 0, run.err);
      const report = JSON.parse(run.out) as { files: Array<{ findings: Array<{ code: string; line: number; message: string }> }> };
      const codes = report.files[0]!.findings.map((f) => f.code);
      assert.deepEqual(codes.filter((c) => c === 'not-analysed' || c === 'analysis-limit'), [], JSON.stringify(report.files[0]!.findings.slice(0, 3)));
      // The default policy drop is found behind the 225,000 site rules: the file was evaluated, not skipped.
      assert.ok(codes.includes('blocked-required'), codes.join(', '));
    });
  });
}
