import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeIntervals } from '../../../server/src/model/address';
import { minusIntervals } from '../../../server/src/model/address';
import { prepareBlockText } from '../../../server/src/render/blockText';
import { ciscoDialect, renderCisco } from '../../../server/src/dialects/cisco';
import { flowsOfPolicy } from '../../../server/src/policies';
import { allPolicies } from '../render/cases';

// No Cisco device or simulator runs here; our own parser, which models both platforms' syntax, is the oracle.
void test('Cisco blocks for every policy parse back without problems in ASA and IOS form and keep every address', () => {
  const cisco = ciscoDialect;
  for (const style of ['asa', 'ios'] as const) {
    for (const policy of allPolicies()) {
      const rendered = renderCisco(policy, { platform: style });
      const text = prepareBlockText(rendered, policy, cisco.comment.line, '', '\n');
      const model = cisco.parse(text).model;
      assert.deepEqual(model.problems.map((p) => p.message), [], `${style} ${policy.purpose}`);
      const written = mergeIntervals(model.references.flatMap((r) => (r.interval ? [r.interval] : [])));
      // The addresses of every possible flow (an IPv6 sender cannot reach an IPv4-only server).
      const wanted = mergeIntervals(flowsOfPolicy(policy).flatMap((f) => (f.remote.kind === 'addresses' ? f.remote.intervals : [])));
      assert.deepEqual(minusIntervals(wanted, written), [], `${style} ${policy.purpose}: every catalogue address is written`);
      if (wanted.length > 0) assert.ok(model.ruleLists.some((l) => l.rules.some((r) => r.action.type === 'accept')), `${style} ${policy.purpose}: ACL entries`);
    }
  }
});

// The gateway corpus after every verified fix and insert: what was written parses back as cleanly as the file did.
void test('Cisco gateway configurations parse back without new problems after every fix and insert', async () => {
  const { analyserFor, fixedText, gatewayCases, insertedTexts } = await import('../../gateways/harness');
  const cases = gatewayCases('cisco');
  assert.ok(cases.some((c) => c.name.endsWith('.asa')) && cases.some((c) => c.name.endsWith('.ios')), 'an ASA and an IOS gateway');
  let fixes = 0;
  for (const gateway of cases) {
    const analysed = await analyserFor(gateway);
    const problems = (text: string): string[] => ciscoDialect.parse(text).model.problems.map((p) => p.message);
    const before = problems(gateway.text);
    const fixed = fixedText(gateway, analysed);
    fixes += fixed.applied;
    assert.deepEqual(problems(fixed.text), before, `${gateway.name}: fixed text`);
    for (const inserted of insertedTexts(gateway, analysed)) assert.deepEqual(problems(inserted.text), before, inserted.label);
  }
  assert.ok(fixes > 0, 'some fix applies');
});
