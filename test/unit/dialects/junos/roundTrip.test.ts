import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigModel } from '../../../../server/src/model/config';
import type { Flow, Policy } from '../../../../server/src/model/policy';
import { formatInterval } from '../../../../server/src/model/address';
import { evaluateFlow } from '../../../../server/src/analysis/evaluate';
import { flowsOfPolicy } from '../../../../server/src/policies';
import { findManagedBlocks } from '../../../../server/src/model/managedBlock';
import { refreshManagedBlocks } from '../../../../server/src/render/refresh';
import { commentSyntaxOf } from '../../../../server/src/dialects/dialect';
import { junosDialect } from '../../../../server/src/dialects/junos';
import { allPolicies, catalogFor, fixture, planIn } from '../../render/cases';

/** Realistic files of both forms: display-set output with zone, global and default policies, a curly-brace `show configuration`, and an empty file. */
const FILES: Array<{ name: string; text: string }> = [
  { name: 'srx-display-set.junos', text: fixture('srx-display-set.junos') },
  { name: 'srx-hierarchical.junos', text: fixture('srx-hierarchical.junos') },
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

function blocksOf(text: string, purpose: string): number {
  return findManagedBlocks(text, commentSyntaxOf(junosDialect, text)).blocks.filter((b) => b.purpose === purpose).length;
}

function roundTrip(file: { name: string; text: string }, policy: Policy): number {
  const label = `${file.name} ${policy.purpose}`;
  const plan = planIn(junosDialect, file.text, policy);
  assert.equal(plan.problems.length, 0, plan.summary);
  assert.ok(plan.edits.length > 0, `${label}: ${plan.summary}`);
  const text = plan.newText;
  assert.ok(blocksOf(text, policy.purpose) > 0, `${label}: the block is found again`);
  const after = junosDialect.parse(text).model;
  assert.deepEqual(problemsOf(after), problemsOf(junosDialect.parse(file.text).model), `${label}: no new syntax problems`);
  assert.equal(junosDialect.parse(text).vendor.form, junosDialect.parse(file.text).vendor.form, `${label}: the file keeps its form`);

  const again = planIn(junosDialect, text, policy);
  assert.deepEqual(again.edits, [], `${label}: a second insertion changes nothing (${again.summary})`);
  const refreshed = refreshManagedBlocks({ text, dialect: junosDialect, parseContext: {}, catalog: catalogFor(policy) }, catalogFor(policy));
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
  void test(`Junos round trip: every policy rendered into ${file.name}, parsed again and evaluated, is allowed for every flow`, () => {
    let evaluated = 0;
    for (const policy of allPolicies()) evaluated += roundTrip(file, policy);
    assert.ok(evaluated > 0, `${file.name}: some flow was evaluated`);
  });
}

void test('the Junos files block or leave unknown most policies before insertion, so the round trip can fail', () => {
  for (const file of FILES.filter((f) => f.text !== '')) {
    const model = junosDialect.parse(file.text).model;
    const policies = allPolicies().filter((p) => p.entries.some((e) => e.addresses.length > 0));
    const notAllowed = (flow: Flow): boolean => {
      const values = verdicts(model, flow);
      return values.length === 0 || values.some((v) => v !== 'allowed');
    };
    const open = policies.filter((policy) => flowsOfPolicy(policy).some(notAllowed));
    assert.ok(open.length >= policies.length / 2, `${file.name} already allows most policies`);
  }
});

void test('a set-form block puts the new policy in front of the deciding one with insert, and the curly-brace form writes it there natively', () => {
  const policy = allPolicies().find((p) => p.purpose === 'sets-exchange-skype-optimize-allow');
  assert.ok(policy);
  const set = planIn(junosDialect, fixture('srx-display-set.junos'), policy).newText;
  assert.match(set, /\n# BEGIN endpoint-lens /);
  assert.match(set, /\nset security address-book global address-set EL-[A-Z0-9-]+-M365 address /);
  assert.match(set, /\ninsert security policies from-zone trust to-zone untrust policy EL-[A-Za-z0-9-]+ before policy deny-all\n/);
  const tree = planIn(junosDialect, fixture('srx-hierarchical.junos'), policy).newText;
  assert.match(tree, /\n {12}# BEGIN endpoint-lens [^\n]*\n(?: {12}#[^\n]*\n)* {12}policy EL-[A-Za-z0-9-]+ \{\n[\s\S]*?# END endpoint-lens [^\n]*\n {12}policy deny-rest \{/);
  assert.ok(!/^set /m.test(tree), 'no set commands in a curly-brace file');
});

void test('every policy inserted one after another into a Junos file leaves each purpose in place and all of it allowed', () => {
  for (const file of FILES) {
    let text = file.text;
    const policies = allPolicies();
    for (const policy of policies) text = planIn(junosDialect, text, policy).newText;
    const scan = findManagedBlocks(text, commentSyntaxOf(junosDialect, text));
    assert.deepEqual(scan.problems, [], file.name);
    assert.deepEqual([...new Set(scan.blocks.map((b) => b.purpose))].sort(), [...new Set(policies.map((p) => p.purpose))].sort(), file.name);
    const model = junosDialect.parse(text).model;
    assert.deepEqual(problemsOf(model), problemsOf(junosDialect.parse(file.text).model), `${file.name}: no new syntax problems`);
    for (const policy of new Map(policies.map((p) => [p.purpose, p])).values()) {
      assert.deepEqual(planIn(junosDialect, text, policy).edits, [], `${file.name} ${policy.purpose}`);
      for (const flow of flowsOfPolicy(policy).filter((f) => f.remote.kind === 'addresses')) {
        const values = verdicts(model, flow);
        assert.ok(values.every((v) => v === 'allowed'), `${file.name} ${policy.purpose}: ${describe(flow)} gives ${values.join(', ')} with every block in`);
      }
    }
  }
});
