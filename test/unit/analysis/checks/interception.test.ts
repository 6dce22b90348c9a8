import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, resolveSettings } from '../../../../server/src/engine';
import { tlsInspected } from '../../../../server/src/analysis/checks/tlsInspected';
import { proxyAuthRequired } from '../../../../server/src/analysis/checks/proxyAuthRequired';
import type { ConfigModel, HostMatcher, Rule, RuleAction, RuleList } from '../../../../server/src/model/config';
import { LineIndex } from '../../../../server/src/model/range';
import { dialectById } from '../../../../server/src/dialects/all';
import type { Finding } from '../../../../server/src/analysis/finding';

const at = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 1 } });

function rule(line: number, action: RuleAction, extra: Partial<Rule> = {}): Rule {
  return { range: at(line), actionRange: at(line), action, text: `line ${line}`, ...extra };
}

function hosts(...matchers: HostMatcher[]): Rule['hosts'] {
  return { referenceIds: [], matchers, negated: false };
}

/** A proxy in the shape a host-deciding dialect gives it: one access list, one interception list. */
function proxy(access: Rule[], interception?: { rules: Rule[]; default: 'inspect' | 'bypass' }): ConfigModel {
  const lists: RuleList[] = [{ id: 'access', name: 'access', kind: 'http-access', rules: access, defaultAction: 'drop', range: at(0) }];
  if (interception) lists.push({ id: 'tls', name: 'tls', kind: 'tls-interception', rules: interception.rules, defaultInterception: interception.default, range: at(0) });
  return {
    dialect: 'test',
    references: [],
    ruleLists: lists,
    paths: [{ id: 'p', name: 'proxy', direction: 'outbound', stages: ['access'], range: at(0), decidesBy: 'host', ...(interception ? { tlsInterception: 'tls' } : {}) }],
    problems: [],
    comments: [],
  };
}

async function run(model: ConfigModel, check: typeof tlsInspected): Promise<Finding[]> {
  const engine = await Engine.create({ asOf: '2026-11-26' });
  const text = '\n'.repeat(20);
  const context = engine.contextFor(text, new LineIndex(text), model, resolveSettings({}), dialectById('panos')!);
  return check(context);
}

const summary = (findings: Finding[]) => findings.map((f) => `${f.severity} ${f.range.start.line} ${/endpoint set (\d+)/.exec(f.message)?.[1]}`).sort();

test('bumping everything is an error for Optimize sets and a warning for Allow sets, at the default', async () => {
  const findings = await run(proxy([rule(1, { type: 'accept' })], { rules: [], default: 'inspect' }), tlsInspected);
  const sets = summary(findings);
  assert.ok(sets.includes('error 0 1'), sets.join('|'));
  assert.ok(sets.includes('error 0 31'));
  assert.ok(sets.includes('warning 0 12'));
  assert.ok(findings.every((f) => f.code === 'tls-inspected' && f.fixes.length === 1 && f.fixes[0]!.policy !== undefined));
  assert.match(findings[0]!.message, /TCP 443 to /);
});

test('a splice for a domain removes its sets and the bump rule that follows decides the rest', async () => {
  const bypass = rule(2, { type: 'tls', interception: 'bypass' }, { hosts: hosts({ kind: 'suffix', suffix: '.sharepoint.com' }) });
  const bump = rule(3, { type: 'tls', interception: 'inspect' });
  const sets = summary(await run(proxy([rule(1, { type: 'accept' })], { rules: [bypass, bump], default: 'bypass' }), tlsInspected));
  assert.ok(!sets.some((s) => s.endsWith(' 31')), sets.join('|'));
  assert.ok(sets.includes('error 3 1'));
});

test('nothing is reported without an interception list, when everything is spliced, or for denied traffic', async () => {
  assert.deepEqual(await run(proxy([rule(1, { type: 'accept' })]), tlsInspected), []);
  assert.deepEqual(await run(proxy([rule(1, { type: 'accept' })], { rules: [], default: 'bypass' }), tlsInspected), []);
  assert.deepEqual(await run(proxy([rule(1, { type: 'drop' })], { rules: [], default: 'inspect' }), tlsInspected), []);
});

test('a regular expression or a missing list leaves the interception unknown, not inspected', async () => {
  const regex = rule(2, { type: 'tls', interception: 'inspect' }, { hosts: hosts({ kind: 'regex', source: 'microsoft', flags: '' }) });
  const missing = rule(2, { type: 'tls', interception: 'inspect' }, { hosts: { referenceIds: [], matchers: [], negated: false, unresolved: 'file /etc/squid/m365.txt' } });
  assert.deepEqual(await run(proxy([rule(1, { type: 'accept' })], { rules: [regex], default: 'bypass' }), tlsInspected), []);
  assert.deepEqual(await run(proxy([rule(1, { type: 'accept' })], { rules: [missing], default: 'bypass' }), tlsInspected), []);
});

test('deny !auth before the allow puts every required Optimize/Allow set behind proxy authentication, at that rule', async () => {
  const findings = await run(proxy([rule(1, { type: 'drop' }, { proxyAuthentication: 'unauthenticated' }), rule(2, { type: 'accept' })]), proxyAuthRequired);
  const sets = summary(findings);
  assert.ok(sets.includes('error 1 1') && sets.includes('warning 1 12'), sets.join('|'));
  assert.ok(!sets.some((s) => s.endsWith(' 2')), 'set 2 is not required');
  assert.ok(findings.every((f) => f.code === 'proxy-auth-required'));
});

test('allow … auth is the rule named, and an exemption before it removes the set', async () => {
  const exempt = rule(1, { type: 'accept' }, { hosts: hosts({ kind: 'suffix', suffix: '.sharepoint.com' }) });
  const sets = summary(await run(proxy([exempt, rule(2, { type: 'accept' }, { proxyAuthentication: 'authenticated' })]), proxyAuthRequired));
  assert.ok(sets.includes('error 2 1'), sets.join('|'));
  assert.ok(!sets.some((s) => s.endsWith(' 31')));
  assert.deepEqual(await run(proxy([rule(1, { type: 'accept' }), rule(2, { type: 'drop' }, { proxyAuthentication: 'unauthenticated' })]), proxyAuthRequired), []);
});
