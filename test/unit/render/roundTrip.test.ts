import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigModel, HostMatcher } from '../../../server/src/model/config';
import type { Flow, Policy } from '../../../server/src/model/policy';
import { formatInterval } from '../../../server/src/model/address';
import { evaluateFlow } from '../../../server/src/analysis/evaluate';
import { flowsOfPolicy } from '../../../server/src/policies';
import { applyTextEdits } from '../../../server/src/model/edit';
import { hostMatcherMatches } from '../../../server/src/model/match';
import { findManagedBlocks } from '../../../server/src/model/managedBlock';
import { refreshManagedBlocks } from '../../../server/src/render/refresh';
import { allPolicies, fileCases, insertInto, type FileCase, planIn, catalogFor, serverOutsideFamily, withoutBlocks } from './cases';

const PACKET_FILTERS = new Set(['iptables', 'nftables', 'cisco']);

function problemsOf(model: ConfigModel): string[] {
  return model.problems.map((p) => `${p.severity}: ${p.message}`);
}

/**
 * Every region of the flow on every path of the flow's own direction; empty when no path of the
 * file sees it. Forward paths are left out: a host's own traffic never crosses them.
 */
function verdicts(model: ConfigModel, flow: Flow): string[] {
  return evaluateFlow(model, flow)
    .filter((p) => p.path.direction === flow.direction)
    .flatMap((p) => p.outcomes.map((o) => o.value));
}

function describe(flow: Flow): string {
  return flow.remote.kind === 'addresses' ? `${flow.protocol} ${flow.ports.map((p) => p.from).join(',')} ${flow.remote.intervals.slice(0, 2).map(formatInterval).join(' ')}…` : flow.remote.pattern;
}

/** A host name the catalogue pattern stands for: wildcards and templates filled with a plain label. */
export function probeHost(pattern: string): string {
  return pattern.replace(/<[^>]*>/g, 'contoso').replace(/\*/g, 'probe').toLowerCase();
}

function hostMatches(matcher: HostMatcher, host: string): boolean {
  // The engine does not run regular expressions; the ones of these test files are safe to run.
  return hostMatcherMatches(matcher, host) ?? (matcher.kind === 'regex' && new RegExp(matcher.source, matcher.flags).test(host));
}

/** Runs the checks that hold for every dialect and policy; returns how many flows were evaluated. */
function checkRoundTrip(file: FileCase, policy: Policy): number {
  const before = file.dialect.parse(file.text).model;
  // nginx serves HTTP; inbound mail flow belongs to the firewall or the mail server, and the plan says so.
  if (file.dialect.id === 'nginx' && policy.direction === 'inbound' && !policy.entries.some((e) => e.ports.some((p) => p.from <= 443 && 443 <= p.to))) {
    const plan = planIn(file.dialect, file.text, policy);
    assert.deepEqual(plan.edits, [], `${file.name} ${policy.purpose}`);
    assert.ok(plan.notPlaced.length > 0, `${file.name} ${policy.purpose}: says why nothing was placed`);
    return 0;
  }
  if (serverOutsideFamily(file, policy)) {
    const plan = planIn(file.dialect, file.text, policy);
    assert.deepEqual(plan.edits, [], `${file.name} ${policy.purpose}`);
    assert.match(plan.summary, /no IPv\d server address was given, and this file holds IPv\d rules only/, `${file.name} ${policy.purpose}: says why nothing was placed`);
    return 0;
  }
  // A Cisco list that already permits all of a policy's traffic gets no entry twice; the plan names the permits.
  if (file.dialect.id === 'cisco') {
    const plan = planIn(file.dialect, file.text, policy);
    if (plan.edits.length === 0 && plan.notPlaced.length > 0 && plan.notPlaced.every((n) => /already permitted by/.test(n.reason))) {
      const flows = flowsOfPolicy(policy).filter((f) => f.remote.kind === 'addresses');
      assert.ok(flows.every((f) => verdicts(before, f).every((v) => v === 'allowed')), `${file.name} ${policy.purpose}: already permitted`);
      return 0;
    }
  }
  const { text, blocks } = insertInto(file, policy);
  const label = `${file.name} ${policy.purpose}`;

  // Nothing outside the blocks changed, byte for byte.
  assert.equal(withoutBlocks(text, blocks), file.text, `${label}: text outside the blocks`);

  const after = file.dialect.parse(text).model;
  assert.deepEqual(problemsOf(after), problemsOf(before), `${label}: no new syntax problems`);

  // Inserting again, and refreshing from the same catalogue, change nothing.
  const again = planIn(file.dialect, text, policy);
  assert.deepEqual(again.edits, [], `${label}: second insertion`);
  assert.ok(again.replaced);
  const refreshed = refreshManagedBlocks({ text, dialect: file.dialect, parseContext: {}, catalog: catalogFor(policy) }, catalogFor(policy));
  assert.deepEqual(refreshed.edits, [], `${label}: refresh of an up-to-date block`);
  assert.equal(refreshed.text, text);
  assert.deepEqual(refreshed.skipped, []);

  let evaluated = 0;
  const flows = flowsOfPolicy(policy);
  if (PACKET_FILTERS.has(file.dialect.id) || (file.dialect.id === 'nginx' && policy.direction === 'inbound')) {
    for (const flow of flows.filter((f) => f.remote.kind === 'addresses')) {
      const values = verdicts(after, flow);
      if (values.length === 0) continue;
      evaluated++;
      assert.ok(
        values.every((v) => v === 'allowed'),
        `${label}: ${describe(flow)} gives ${values.join(', ')} after insertion`,
      );
    }
  }
  if (file.dialect.id === 'nginx' && policy.direction === 'outbound') {
    const map = after.ruleLists.find((l) => l.kind === 'sni-routing');
    assert.ok(map);
    const inBlock = findManagedBlocks(text, '#').blocks.find((b) => b.purpose === policy.purpose)!;
    const written = text.slice(inBlock.startOffset, inBlock.endOffset);
    for (const flow of flows) {
      if (flow.remote.kind !== 'host') continue;
      const host = probeHost(flow.remote.pattern);
      // Patterns an nginx map cannot spell are written as comments; the rest must route.
      if (!new RegExp(`^\\s*${flow.remote.pattern.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `, 'm').test(written)) continue;
      const rule = map.rules.find((r) => r.hosts?.matchers.some((m) => hostMatches(m, host)));
      assert.ok(rule && rule.action.type === 'accept', `${label}: ${host} is routed by the map`);
      evaluated++;
    }
  }
  return evaluated;
}

for (const file of fileCases()) {
  void test(`round trip: every policy inserted into ${file.name} takes effect and changes nothing else`, () => {
    let evaluated = 0;
    for (const policy of allPolicies()) evaluated += checkRoundTrip(file, policy);
    if (file.dialect.id !== 'pac') assert.ok(evaluated > 0, `${file.name}: some flow was evaluated`);
  });
}

void test('the fixtures block the policies before insertion, so the round trip can fail', () => {
  const policies = allPolicies().filter((p) => p.entries.some((e) => e.addresses.length > 0));
  for (const file of fileCases().filter((f) => PACKET_FILTERS.has(f.dialect.id))) {
    const model = file.dialect.parse(file.text).model;
    const blocked = policies.some((policy) => flowsOfPolicy(policy).some((flow) => verdicts(model, flow).some((v) => v !== 'allowed')));
    assert.ok(blocked, `${file.name} already allows everything`);
  }
});

void test('every purpose is in the file once (a block per list it takes effect in) even when several are inserted one after another', () => {
  for (const file of fileCases()) {
    let text = file.text;
    const policies = allPolicies();
    for (const policy of policies) {
      const plan = planIn(file.dialect, text, policy);
      text = applyTextEdits(text, plan.edits);
    }
    const scan = findManagedBlocks(text, file.dialect.comment.line);
    assert.deepEqual(scan.problems, [], file.name);
    const purposes = [...new Set(scan.blocks.map((b) => b.purpose))].sort();
    assert.deepEqual(purposes, [...new Set(policies.map((p) => p.purpose))].sort(), file.name);
    // Blocks never nest: each ends before the next begins.
    for (let i = 1; i < scan.blocks.length; i++) assert.ok(scan.blocks[i - 1]!.endOffset <= scan.blocks[i]!.startOffset, file.name);
    // A later policy of the same purpose replaced the earlier one; inserting the last of each again changes nothing.
    const last = new Map(policies.map((p) => [p.purpose, p]));
    const model = file.dialect.parse(text).model;
    assert.deepEqual(problemsOf(model), problemsOf(file.dialect.parse(file.text).model), `${file.name}: no new syntax problems`);
    for (const policy of last.values()) {
      assert.deepEqual(planIn(file.dialect, text, policy).edits, [], `${file.name} ${policy.purpose}`);
      if (!PACKET_FILTERS.has(file.dialect.id)) continue;
      for (const flow of flowsOfPolicy(policy)) {
        const values = verdicts(model, flow);
        assert.ok(values.every((v) => v === 'allowed'), `${file.name} ${policy.purpose}: ${describe(flow)} gives ${values.join(', ')} with every block in`);
      }
    }
  }
});
