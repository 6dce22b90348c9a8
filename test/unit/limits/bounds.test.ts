import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, resolveSettings } from '../../../server/src/engine';
import type { Finding } from '../../../server/src/analysis/finding';
import { boundRules } from '../../../server/src/dialects/bounds';
import { MAX_RULES } from '../../../server/src/limits';
import type { ConfigModel, Rule } from '../../../server/src/model/config';
import { EXPENSIVE, PATHOLOGICAL, type Pathological } from './shapes';

/**
 * Each bound of server/src/limits.ts met by a file shaped like the ones generators produce: the
 * file gets one analysis-limit warning at the place reading stopped, no syntax error caused by
 * stopping, and the engine goes on to analyse the next file as before.
 */

let engine: Engine;
before(async () => {
  engine = await Engine.create({});
});
after(() => engine.pacSandbox?.dispose());

function analyse(shape: Pick<Pathological, 'name' | 'dialect' | 'text'>): Finding[] {
  const detection = engine.detect(shape.name, shape.text, { dialect: shape.dialect });
  assert.ok(detection, shape.name);
  return engine.analyzeDocument(shape.name, shape.text, resolveSettings({}), detection).findings;
}

for (const shape of [...PATHOLOGICAL, ...EXPENSIVE]) {
  test(`${shape.name} ends in one analysis-limit warning at line ${shape.line}`, () => {
    const findings = analyse(shape);
    const limits = findings.filter((f) => f.code === 'analysis-limit' && !shape.alsoAllowed?.test(f.message));
    assert.equal(limits.length, 1, findings.map((f) => `${f.range.start.line + 1} ${f.code} ${f.message}`).join('\n'));
    const [limit] = limits;
    assert.match(limit!.message, shape.message);
    if (shape.line > 0) assert.equal(limit!.range.start.line + 1, shape.line);
    assert.equal(limit!.severity, 'warning');
    assert.deepEqual(findings.filter((f) => f.code === 'syntax-error').map((f) => f.message), [], 'stopping is not a syntax error');
    // What was not read decides nothing: no endpoint is reported blocked by a policy whose list was cut short.
    if (limit!.message.includes('not analysed')) assert.deepEqual(findings.filter((f) => f.code === 'blocked-required').map((f) => f.message), []);
  });
}

test('a PAC file slower than its time budget gets analysis-limit, not a runtime error', () => {
  // About 40 ms of work per call (not of waiting: the budget counts CPU time), far below one call's 300 ms.
  const text = 'function FindProxyForURL(url, host) {\n  for (var i = 0; i < 2000000; i++) {}\n  return "PROXY p:8080";\n}\n';
  const findings = analyse({ name: 'slow.pac', dialect: 'pac', text });
  const limit = findings.find((f) => f.code === 'analysis-limit');
  assert.match(limit?.message ?? '', /^The time budget of 1500 ms for running this PAC file ran out; \d+ host\(s\) were not checked\.$/);
  assert.ok(!findings.some((f) => f.code === 'pac-runtime-error'), findings.map((f) => f.message).join('\n'));
  assert.ok(findings.some((f) => f.code === 'proxied-optimize'), 'the hosts that were run are still reported');
});

test('rules past MAX_RULES are not evaluated, and the limit names the first of them', () => {
  const range = (line: number): Rule['range'] => ({ start: { line, character: 0 }, end: { line, character: 5 } });
  const rules: Rule[] = Array.from({ length: MAX_RULES + 5 }, (_, line) => ({ range: range(line), actionRange: range(line), action: { type: 'accept' }, text: '' }));
  const model: ConfigModel = { dialect: 'iptables', references: [], ruleLists: [{ id: 'filter:OUTPUT', name: 'OUTPUT', kind: 'packet-filter', rules, range: range(0) }], paths: [], problems: [], comments: [] };
  const bounded = boundRules(model);
  assert.equal(bounded.ruleLists[0]!.rules.length, MAX_RULES);
  assert.deepEqual(bounded.limits?.map((l) => [l.kind, l.found, l.limit, l.range.start.line]), [['rules', MAX_RULES + 5, MAX_RULES, MAX_RULES]]);
  assert.equal(boundRules({ ...model, ruleLists: [{ ...model.ruleLists[0]!, rules: rules.slice(0, MAX_RULES) }] }).limits, undefined);
});

test('after every bound the engine analyses an ordinary file exactly as a fresh one does', async () => {
  const text = 'function FindProxyForURL(url, host) {\n  if (shExpMatch(host, "*.sharepoint.com")) return "PROXY p:8080";\n  return "DIRECT";\n}\n';
  const shape = { name: 'ordinary.pac', dialect: 'pac' as const, text };
  const seen = analyse(shape).map((f) => `${f.range.start.line}:${f.code}:${f.message}`);
  const fresh = await Engine.create({});
  try {
    const detection = fresh.detect(shape.name, text, { dialect: 'pac' })!;
    assert.deepEqual(seen, fresh.analyzeDocument(shape.name, text, resolveSettings({}), detection).findings.map((f) => `${f.range.start.line}:${f.code}:${f.message}`));
    assert.ok(seen.some((f) => f.includes('proxied-optimize')));
  } finally {
    fresh.pacSandbox?.dispose();
  }
});
