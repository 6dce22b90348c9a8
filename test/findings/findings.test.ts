import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { FINDING_CODES } from '../../server/src/analysis/finding';
import { DIALECT_IDS } from '../../server/src/dialects/all';
import { FixtureEngines, findingsOf, fixturePairs, readExpected, relativeName } from './harness';

/**
 * Fixture pairs: an input file and the findings it must produce, exactly (code and line) with a
 * fragment of each message. `npm run fixtures:update` rewrites the expected files from the engine;
 * its diff is what a reviewer reads.
 */

const engines = new FixtureEngines();
after(() => engines.dispose());

const pairs = fixturePairs();

test('there are at least 60 fixture pairs, covering every dialect and every finding code', () => {
  const withExpected = pairs.filter((p) => existsSync(p.expectedPath));
  assert.ok(withExpected.length >= 60, `only ${withExpected.length} fixture pairs`);
  const dialects = new Set(withExpected.map((p) => p.dialect));
  assert.deepEqual(DIALECT_IDS.filter((d) => !dialects.has(d)), []);
  const codes = new Set(withExpected.flatMap((p) => readExpected(p.expectedPath).findings.map((f) => f.code)));
  // Codes about several files (an estate) or about endpoint-lens.json have their cases in test/unit/project.
  const projectCodes = new Set(['path-inconsistent', 'config-problem']);
  assert.deepEqual(FINDING_CODES.filter((c) => !codes.has(c) && !projectCodes.has(c)), []);
  assert.ok(withExpected.some((p) => readExpected(p.expectedPath).findings.length === 0), 'some files have nothing wrong');
});

for (const pair of pairs) {
  test(`findings of ${relativeName(pair.input)}`, async () => {
    assert.ok(existsSync(pair.expectedPath), `missing ${relativeName(pair.expectedPath)}`);
    const expected = readExpected(pair.expectedPath);
    const actual = findingsOf(await engines.for(expected), pair, expected);
    const key = (f: { code: string; line: number }): string => `${f.line}:${f.code}`;
    assert.deepEqual(
      actual.map((f) => key({ code: f.code, line: f.range.start.line + 1 })).sort(),
      expected.findings.map(key).sort(),
      actual.map((f) => `${f.range.start.line + 1} ${f.code} ${f.message}`).join('\n'),
    );
    for (const e of expected.findings) {
      const match = actual.find((f) => f.code === e.code && f.range.start.line + 1 === e.line && f.message.includes(e.message));
      assert.ok(match, `${e.line} ${e.code}: no message containing "${e.message}"`);
    }
  });
}
