import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseNginx, type NginxVendor } from '../../../server/src/dialects/nginx/parse';
import { formatInterval } from '../../../server/src/model/address';
import { LineIndex } from '../../../server/src/model/range';
import type { ConfigModel, Rule } from '../../../server/src/model/config';

const dir = join(__dirname, '..', '..', 'fixtures', 'nginx');
// Golden files are rewritten only on request, and the diff is reviewed before committing.
const update = process.env.ENDPOINT_LENS_UPDATE_GOLDEN === '1';

function describeRule(model: ConfigModel, rule: Rule): string {
  let what: string;
  if (rule.hosts) what = rule.hosts.matchers.map((m) => (m.kind === 'exact' ? m.host : m.kind === 'glob' ? m.glob : m.kind === 'regex' ? `~${m.source}` : m.suffix)).join(',');
  else if (!rule.sources) what = 'any';
  else if (rule.sources.referenceIds.length === 0) what = 'none';
  else what = rule.sources.referenceIds.map((id) => model.references[id]!.text).join(',');
  return `${rule.action.type} ${what} @${rule.range.start.line + 1}${rule.unknownConditions ? ' ?' : ''}`;
}

function snapshot(model: ConfigModel, extra: NginxVendor): unknown {
  return {
    rootContext: extra.rootContext,
    fragment: extra.fragment,
    includes: extra.includes.map((i) => `${i.path} in ${i.context}`),
    references: model.references.map((r) => ({
      text: r.text,
      kind: r.kind,
      role: r.role,
      line: r.range.start.line,
      character: r.range.start.character,
      endLine: r.range.end.line,
      endCharacter: r.range.end.character,
      ...(r.interval ? { covers: formatInterval(r.interval) } : {}),
      ...(r.hostBitsSet ? { hostBitsSet: true } : {}),
      ...(r.invalidReason ? { invalidReason: r.invalidReason } : {}),
      ...(r.hostMatchers ? { matchers: r.hostMatchers } : {}),
    })),
    ruleLists: model.ruleLists.map((l) => ({
      id: l.id,
      kind: l.kind,
      defaultAction: l.defaultAction,
      header: l.range.start.line + 1,
      ...(l.families ? { families: l.families } : {}),
      rules: l.rules.map((r) => describeRule(model, r)),
    })),
    paths: model.paths.map((p) => {
      const listeners = (p.route?.listeners ?? []).map((l) => `${l.protocol} ${l.ports.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)).join(',')}`).join(' ');
      return `${p.direction ?? '-'} [${listeners}] ${p.name}: ${p.stages.join(' | ') || 'nothing filters'}`;
    }),
    problems: model.problems.map((p) => ({
      message: p.message,
      severity: p.severity,
      line: p.range.start.line,
      character: p.range.start.character,
      endLine: p.range.end.line,
      endCharacter: p.range.end.character,
    })),
  };
}

const inputs = readdirSync(dir).filter((f) => f.endsWith('.conf')).sort();

test('there are at least ten nginx fixtures', () => {
  assert.ok(inputs.length >= 10, `only ${inputs.length} fixtures`);
});

for (const name of inputs) {
  test(`fixture ${name}`, () => {
    const text = readFileSync(join(dir, name), 'utf8');
    const parsed = parseNginx(text, { fileName: name });
    const actual = snapshot(parsed.model, parsed.vendor);
    const expectedPath = join(dir, name.replace(/\.conf$/, '.expected.json'));
    if (update || !existsSync(expectedPath)) {
      if (!update) assert.fail(`missing ${expectedPath}; run with ENDPOINT_LENS_UPDATE_GOLDEN=1 and review the result`);
      writeFileSync(expectedPath, JSON.stringify(actual, null, 2) + '\n');
    }
    const expected = JSON.parse(readFileSync(expectedPath, 'utf8')) as unknown;
    assert.deepEqual(actual, expected);

    // Independent of the golden file: every reference's range covers exactly its text in the source.
    const lines = new LineIndex(text);
    for (const r of parsed.model.references) {
      assert.equal(text.slice(lines.offsetAt(r.range.start), lines.offsetAt(r.range.end)), r.text, `range of ${r.text}`);
    }
  });
}
