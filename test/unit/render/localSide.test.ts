import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrToInterval, parseCidr } from '../../../server/src/model/address';
import { evaluateFlow } from '../../../server/src/analysis/evaluate';
import { dialectById } from '../../../server/src/dialects/all';
import { buildPolicies, flowsOfPolicy } from '../../../server/src/policies';
import type { Flow } from '../../../server/src/model/policy';
import { shippedCatalog } from '../policies/shipped';

/**
 * Inbound Exchange hybrid rules let Exchange Online reach the on-premises server and nothing else:
 * rendered, parsed back and evaluated, a flow to another local address is not allowed by them.
 */

function host(text: string) {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(text);
  return cidrToInterval(parsed.value);
}

for (const [dialectId, target, wrap] of [
  ['iptables', { style: 'save', families: [4] }, (block: string) => `*filter\n:INPUT DROP [0:0]\n${block}COMMIT\n`],
  ['nftables', { mode: 'table' }, (block: string) => block],
] as const) {
  test(`${dialectId}: inbound rules name the server as the destination`, () => {
    const dialect = dialectById(dialectId)!;
    const built = buildPolicies(shippedCatalog('Worldwide'), { policy: 'exchange-hybrid', features: ['mail-flow'], serverAddresses: ['192.0.2.10'] });
    assert.ok(built.ok);
    const policy = built.policies.find((p) => p.direction === 'inbound')!;
    const block = dialect.render(policy, target).text;
    const model = dialect.parse(wrap(block)).model;
    assert.deepEqual(model.problems, []);
    const flows = flowsOfPolicy(policy).filter((f) => f.remote.kind === 'addresses');
    assert.ok(flows.length > 0);
    for (const flow of flows) {
      const toServer = evaluateFlow(model, flow).flatMap((p) => p.outcomes);
      assert.ok(toServer.length > 0 && toServer.every((o) => o.value === 'allowed'), `${dialectId}: the server is reachable`);
      const elsewhere: Flow = { ...flow, local: [host('192.0.2.99')] };
      const outcomes = evaluateFlow(model, elsewhere).flatMap((p) => p.outcomes);
      assert.ok(outcomes.every((o) => o.value !== 'allowed' || o.decidedBy?.ruleIndex === -1), `${dialectId}: no rule of the block lets traffic reach another host`);
    }
  });
}
