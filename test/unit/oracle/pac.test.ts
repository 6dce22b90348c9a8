import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Policy } from '../../../server/src/model/policy';
import { createPacSandbox, type PacRunOptions } from '../../../server/src/pac/sandbox';
import { insertText, planIn } from '../render/cases';
import { allPolicies, fileCases, type FileCase } from '../render/cases';

const PROXY = 'PROXY proxy.contoso.example:3128; DIRECT';
const OPTIONS: PacRunOptions = { hostAddresses: {}, clientAddress: '10.20.0.99', timeoutMs: 1000, memoryBytes: 32 * 1024 * 1024, totalTimeoutMs: 60_000 };

/** A host a catalogue pattern stands for: wildcards and templates filled with a plain label. */
function probe(pattern: string): string {
  return pattern.replace(/<[^>]*>/g, 'contoso').replace(/\*/g, 'probe').toLowerCase();
}

function globMatches(pattern: string, host: string): boolean {
  const body = pattern
    .toLowerCase()
    .replace(/<[^>]*>/g, '*')
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`).test(host);
}

interface Expectation {
  host: string;
  expected: string;
  why: string;
}

/** DIRECT for every URL the block could write, the proxy for every Default host it must leave alone. */
function expectations(policy: Policy, notExpressible: readonly string[]): Expectation[] {
  const excluded = [...new Set(policy.entries.flatMap((e) => e.excludedHosts ?? []))];
  const out: Expectation[] = [];
  for (const url of new Set(policy.entries.flatMap((e) => e.urls))) {
    if (notExpressible.includes(url)) continue;
    const host = probe(url);
    if (excluded.some((x) => globMatches(x, host))) continue;
    out.push({ host, expected: 'DIRECT', why: `${policy.purpose}: ${url}` });
  }
  for (const pattern of excluded) out.push({ host: probe(pattern), expected: PROXY, why: `${policy.purpose}: Default host ${pattern}` });
  return out;
}

void test('the PAC file with each outbound policy sends every catalogue URL of it DIRECT and excluded Default hosts to the proxy', async () => {
  const sandbox = await createPacSandbox();
  const target: FileCase = fileCases().find((f) => f.name === 'proxy.pac')!;
  const outbound = allPolicies().filter((p) => p.direction === 'outbound');
  assert.ok(outbound.some((p) => p.entries.some((e) => (e.excludedHosts ?? []).length > 0)), 'some policy excludes Default hosts');
  let all = target.text;
  let checked = 0;
  for (const policy of outbound) {
    const plan = planIn(target.dialect, target.text, policy);
    const text = plan.newText;
    const wanted = [...expectations(policy, plan.notExpressible), { host: 'www.example.org', expected: PROXY, why: 'a host outside the catalogue' }];
    const results = sandbox.evaluate(text, wanted.map((w) => ({ url: `https://${w.host}/`, host: w.host })), OPTIONS);
    wanted.forEach((w, i) => {
      const result = results[i];
      assert.ok(result?.ok, `${w.why}: ${JSON.stringify(result)}`);
      assert.equal(result.value, w.expected, `${w.why} (${w.host})`);
      checked++;
    });
    all = insertText(target.dialect, all, policy);
  }
  assert.ok(checked > 50, `only ${checked} probes`);

  // With every block in (a later policy of a purpose replaces the earlier one), each block still
  // answers for its own hosts, except where another block's own patterns claim the same host.
  const final = [...new Map(outbound.map((p) => [p.purpose, p])).values()];
  const wanted: Expectation[] = [];
  for (const policy of final) {
    const others = final.filter((p) => p !== policy);
    const plan = planIn(target.dialect, target.text, policy);
    for (const w of expectations(policy, plan.notExpressible)) {
      const claimed = others.some((o) =>
        w.expected === 'DIRECT' ? o.entries.some((e) => (e.excludedHosts ?? []).some((x) => globMatches(x, w.host))) : o.entries.some((e) => e.urls.some((u) => globMatches(u, w.host))),
      );
      if (!claimed) wanted.push(w);
    }
  }
  const results = sandbox.evaluate(all, wanted.map((w) => ({ url: `https://${w.host}/`, host: w.host })), OPTIONS);
  wanted.forEach((w, i) => assert.equal(results[i]?.ok ? results[i].value : JSON.stringify(results[i]), w.expected, `every block: ${w.why}`));
});

void test('a FindProxyForURL that names its host parameter differently gets a block that uses that name', async () => {
  const sandbox = await createPacSandbox();
  const target: FileCase = { ...fileCases().find((f) => f.name === 'proxy.pac')!, name: 'renamed.pac' };
  target.text = 'function FindProxyForURL(u, h) {\n    // The host is called h here.\n    return "PROXY p.example:8080";\n}\n';
  const policy = allPolicies().find((p) => p.purpose === 'sets-exchange-skype-optimize-allow')!;
  const plan = planIn(target.dialect, target.text, policy);
  const text = plan.newText;
  const code = text.replace(/\/\/.*$/gm, '').replace(/"[^"\n]*"/g, '""');
  assert.doesNotMatch(code, /\bhost\b/, 'no reference to an undefined host variable');
  const [direct, proxied] = sandbox.evaluate(text, ['teams.microsoft.com', 'www.example.org'].map((host) => ({ url: `https://${host}/`, host })), OPTIONS);
  assert.deepEqual([direct?.ok && direct.value, proxied?.ok && proxied.value], ['DIRECT', 'PROXY p.example:8080']);
  assert.deepEqual(planIn(target.dialect, text, policy).edits, []);
});
