import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigModel } from '../../../../server/src/model/config';
import type { Flow } from '../../../../server/src/model/policy';
import { evaluateFlow, evaluateTlsInterception } from '../../../../server/src/analysis/evaluate';
import { flowsOfPolicy } from '../../../../server/src/policies';
import { findManagedBlocks } from '../../../../server/src/model/managedBlock';
import { squidDialect } from '../../../../server/src/dialects/squid';
import { planIn } from '../../render/cases';
import { SQUID_FILES, proxyPolicies } from './files';

/** What the file now does with a host flow: the http_access verdicts, and "inspected" where TLS is decrypted. */
function verdicts(model: ConfigModel, flow: Flow): string[] {
  return evaluateFlow(model, flow).flatMap((evaluation) =>
    evaluation.outcomes.flatMap((o) => [o.value, ...evaluateTlsInterception(model, evaluation, o).filter((x) => x.value !== 'bypass').map((x) => `tls ${x.value}`)]),
  );
}

function problemsOf(model: ConfigModel): string[] {
  return model.problems.map((p) => `${p.severity}: ${p.message}`);
}

for (const file of SQUID_FILES) {
  void test(`Squid round trip: every proxy policy rendered into ${file.name}, parsed again and evaluated, is allowed and spliced for every host flow`, () => {
    let evaluated = 0;
    for (const policy of proxyPolicies()) {
      const label = `${file.name} ${policy.purpose}`;
      const plan = planIn(squidDialect, file.text, policy);
      assert.equal(plan.problems.length, 0, plan.summary);
      const after = squidDialect.parse(plan.newText).model;
      assert.ok(findManagedBlocks(plan.newText, squidDialect.comment).blocks.some((b) => b.purpose === policy.purpose), `${label}: the block is found again`);
      const before = problemsOf(squidDialect.parse(file.text).model).filter((p) => !p.startsWith('info'));
      assert.deepEqual(problemsOf(after).filter((p) => !p.startsWith('info')), before, `${label}: no new syntax problems`);
      assert.deepEqual(planIn(squidDialect, plan.newText, policy).edits, [], `${label}: a second insertion changes nothing`);
      for (const flow of flowsOfPolicy(policy).filter((f) => f.remote.kind === 'host' && f.protocol === 'tcp')) {
        const values = verdicts(after, flow);
        if (values.length === 0) continue;
        evaluated++;
        assert.ok(values.every((v) => v === 'allowed'), `${label}: ${flow.remote.kind === 'host' ? flow.remote.pattern : ''} gives ${values.join(', ')} after insertion`);
      }
    }
    assert.ok(evaluated > 0, `${file.name}: some flow was evaluated`);
  });
}

void test('before insertion the files deny, challenge or bump most of those flows, so the round trip can fail', () => {
  for (const file of SQUID_FILES.filter((f) => f.name !== 'debian-default')) {
    const model = squidDialect.parse(file.text).model;
    const flows = proxyPolicies().flatMap((p) => flowsOfPolicy(p)).filter((f) => f.remote.kind === 'host');
    const open = flows.filter((flow) => verdicts(model, flow).some((v) => v !== 'allowed'));
    const least = file.name === 'deny-teams' ? 1 : flows.length / 3;
    assert.ok(open.length >= least, `${file.name}: only ${open.length} of ${flows.length} flows are not plainly allowed`);
  }
});
