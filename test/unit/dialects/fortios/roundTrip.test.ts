import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { ConfigModel } from '../../../../server/src/model/config';
import type { Flow, Policy } from '../../../../server/src/model/policy';
import { formatInterval } from '../../../../server/src/model/address';
import { evaluateFlow } from '../../../../server/src/analysis/evaluate';
import { flowsOfPolicy } from '../../../../server/src/policies';
import { findManagedBlocks } from '../../../../server/src/model/managedBlock';
import { refreshManagedBlocks } from '../../../../server/src/render/refresh';
import { fortiosDialect } from '../../../../server/src/dialects/fortios';
import { allPolicies, catalogFor, fixture, planIn } from '../../render/cases';

/** A `show full-configuration` style file with a deny in front, a VDOM file with IPv6 policies, and an empty file. */
const FILES: Array<{ name: string; text: string }> = [
  { name: 'fortigate.fortios', text: fixture('fortigate.fortios') },
  { name: 'fortigate-vdom.fortios', text: fixture('fortigate-vdom.fortios') },
  { name: 'empty', text: '' },
];

function problemsOf(model: ConfigModel): string[] {
  return model.problems.map((p) => `${p.severity}: ${p.message}`);
}

/** Every region of the flow on the paths of its own direction, by our own parser: the oracle for what we render. */
function verdicts(model: ConfigModel, flow: Flow): string[] {
  return evaluateFlow(model, flow)
    .filter((p) => p.path.direction === flow.direction || p.path.direction === 'forward')
    .flatMap((p) => p.outcomes.map((o) => o.value));
}

function describe(flow: Flow): string {
  return flow.remote.kind === 'addresses' ? `${flow.direction} ${flow.protocol} ${flow.ports.map((p) => p.from).join(',')} ${flow.remote.intervals.slice(0, 2).map(formatInterval).join(' ')}…` : flow.remote.pattern;
}

function roundTrip(file: { name: string; text: string }, policy: Policy): number {
  const label = `${file.name} ${policy.purpose}`;
  const plan = planIn(fortiosDialect, file.text, policy);
  assert.equal(plan.problems.length, 0, plan.summary);
  assert.ok(plan.edits.length > 0, `${label}: ${plan.summary}`);
  const text = plan.newText;
  assert.ok(findManagedBlocks(text, '#').blocks.some((b) => b.purpose === policy.purpose), `${label}: the block is found again`);
  const after = fortiosDialect.parse(text).model;
  assert.deepEqual(problemsOf(after), problemsOf(fortiosDialect.parse(file.text).model), `${label}: no new syntax problems`);
  const again = planIn(fortiosDialect, text, policy);
  assert.deepEqual(again.edits, [], `${label}: a second insertion changes nothing (${again.summary})`);
  const refreshed = refreshManagedBlocks({ text, dialect: fortiosDialect, parseContext: {}, catalog: catalogFor(policy) }, catalogFor(policy));
  assert.equal(refreshed.text, text, `${label}: refreshing from the same catalogue changes nothing`);
  let evaluated = 0;
  for (const flow of flowsOfPolicy(policy).filter((f) => f.remote.kind === 'addresses')) {
    const values = verdicts(after, flow);
    if (values.length === 0) continue;
    evaluated++;
    assert.ok(values.every((v) => v === 'allowed'), `${label}: ${describe(flow)} gives ${values.join(', ')} after insertion`);
  }
  return evaluated;
}

for (const file of FILES) {
  void test(`FortiOS round trip: every policy rendered into ${file.name}, parsed again and evaluated, is allowed for every flow`, () => {
    let evaluated = 0;
    for (const policy of allPolicies()) evaluated += roundTrip(file, policy);
    assert.ok(evaluated > 0, `${file.name}: some flow was evaluated`);
  });
}

void test('the FortiOS files block most policies before insertion, so the round trip can fail', () => {
  for (const file of FILES.filter((f) => f.text !== '')) {
    const model = fortiosDialect.parse(file.text).model;
    const policies = allPolicies().filter((p) => p.entries.some((e) => e.addresses.length > 0));
    const notAllowed = (flow: Flow): boolean => {
      const values = verdicts(model, flow);
      return values.length === 0 || values.some((v) => v !== 'allowed');
    };
    const open = policies.filter((policy) => flowsOfPolicy(policy).some(notAllowed));
    assert.ok(open.length >= policies.length / 2, `${file.name} already allows most policies`);
  }
});

void test('every policy inserted one after another into a FortiOS file leaves each purpose in place, ids distinct, and all of it allowed', () => {
  for (const file of FILES) {
    let text = file.text;
    const policies = allPolicies();
    for (const policy of policies) text = planIn(fortiosDialect, text, policy).newText;
    const scan = findManagedBlocks(text, '#');
    assert.deepEqual(scan.problems, [], file.name);
    assert.deepEqual([...new Set(scan.blocks.map((b) => b.purpose))].sort(), [...new Set(policies.map((p) => p.purpose))].sort(), file.name);
    const parsed = fortiosDialect.parse(text);
    assert.deepEqual(problemsOf(parsed.model), problemsOf(fortiosDialect.parse(file.text).model), `${file.name}: no new syntax problems`);
    for (const scope of parsed.vendor.scopes) {
      const ids = scope.policies.map((p) => p.id);
      assert.equal(new Set(ids).size, ids.length, `${file.name}: policy ids are distinct`);
    }
    const last = new Map(policies.map((p) => [p.purpose, p]));
    for (const policy of last.values()) {
      assert.deepEqual(planIn(fortiosDialect, text, policy).edits, [], `${file.name} ${policy.purpose}`);
      for (const flow of flowsOfPolicy(policy).filter((f) => f.remote.kind === 'addresses')) {
        const values = verdicts(parsed.model, flow);
        assert.ok(values.every((v) => v === 'allowed'), `${file.name} ${policy.purpose}: ${describe(flow)} gives ${values.join(', ')} with every block in`);
      }
    }
  }
});

void test('a file cut off inside a block gets nothing appended, with the reason', () => {
  const text = readFileSync(join(__dirname, '..', '..', '..', 'fixtures', 'findings', 'fortios', 'truncated-export.fortios'), 'utf8');
  const policy = allPolicies().find((p) => p.purpose.startsWith('sets-'))!;
  const plan = planIn(fortiosDialect, text, policy);
  assert.deepEqual(plan.edits, []);
  assert.match(plan.summary, /the file ends inside a "config" block or an entry/);
});
