import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCisco } from '../../../server/src/dialects/cisco/parse';
import { LineIndex } from '../../../server/src/model/range';
import { summarize, type CiscoSummary } from './summary';

const dir = join(__dirname, '..', '..', 'fixtures', 'cisco');
const fixtures = readdirSync(dir).filter((f) => /\.(asa|ios)$/.test(f)).sort();

test('there are at least ten Cisco fixtures, ASA and IOS', () => {
  assert.ok(fixtures.length >= 10, `only ${fixtures.length} fixtures`);
  assert.ok(fixtures.some((f) => f.endsWith('.asa')));
  assert.ok(fixtures.some((f) => f.endsWith('.ios')));
});

for (const name of fixtures) {
  test(`fixture ${name}: references, rules, paths and problems as expected`, () => {
    const text = readFileSync(join(dir, name), 'utf8');
    const expected = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8')) as CiscoSummary;
    const parsed = parseCisco(text);
    const actual = summarize(parsed.model, parsed.vendor);
    assert.equal(actual.platform, expected.platform);
    // Compared list by list so a failure names the token or rule that moved.
    assert.deepEqual(actual.references, expected.references);
    assert.deepEqual(actual.lists, expected.lists);
    assert.deepEqual(actual.paths, expected.paths);
    assert.deepEqual(actual.problems, expected.problems);
    assert.equal(actual.comments, expected.comments);
  });

  test(`fixture ${name}: every range points at the text it claims`, () => {
    const text = readFileSync(join(dir, name), 'utf8');
    const model = parseCisco(text).model;
    const index = new LineIndex(text);
    const slice = (r: { start: { line: number; character: number }; end: { line: number; character: number } }): string =>
      text.slice(index.offsetAt(r.start), index.offsetAt(r.end));
    for (const reference of model.references) {
      assert.equal(slice(reference.range), reference.text);
      if (reference.kind === 'netmask' || reference.kind === 'wildcard-mask' || reference.kind === 'range') {
        assert.equal(reference.text.split(/\s+/).length, 2, `${reference.text} should span address and mask`);
      } else {
        assert.doesNotMatch(reference.text, /\s/);
      }
      assert.ok(reference.interval !== undefined || reference.invalidReason !== undefined || reference.kind === 'hostname', reference.text);
    }
    for (const list of model.ruleLists) {
      for (const rule of list.rules) {
        assert.equal(slice(rule.range), rule.text);
        assert.equal(rule.text, index.lineText(rule.range.start.line).trim());
        assert.match(slice(rule.actionRange), /^(permit|deny)$/);
        for (const id of [...(rule.sources?.referenceIds ?? []), ...(rule.destinations?.referenceIds ?? [])]) {
          assert.ok(model.references[id] !== undefined, `rule on line ${rule.range.start.line + 1} points at reference ${id}`);
        }
      }
    }
    for (const comment of model.comments) assert.match(slice(comment.range), /^[!:]/);
  });
}
