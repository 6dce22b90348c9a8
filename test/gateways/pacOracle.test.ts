import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { isTenantRestrictionHost, TENANT_RESTRICTION_HOSTS } from '../../server/src/catalog/tenantRestrictions';
import { probeHosts } from '../../server/src/catalog/urlPattern';
import { carriesWebTraffic } from '../../server/src/analysis/checks/pacRun';
import { setInScope } from '../../server/src/analysis/scope';
import { buildPolicies, endpointSetsPolicy, requestFromInsertParams } from '../../server/src/policies';
import type { Policy } from '../../server/src/model/policy';
import { PAC_BUDGET } from '../../server/src/limits';
import { run } from '../unit/oracle/tools';
import type { DocumentAnalysis } from '../../server/src/engine';
import { analyserFor, fixedText, gatewayCases, insertedTexts } from './harness';

const PYTHON = '/usr/bin/python3';
const CLIENT_ADDRESS = '10.20.0.99';

/**
 * Runs a PAC program in pacparser (SpiderMonkey, the engine of Mozilla's PAC support) and prints
 * its answer for each query. pacparser calls only FindProxyForURL, so a file that defines only the
 * IPv6-aware FindProxyForURLEx is called through a one-line FindProxyForURL that forwards to it.
 */
const PACPARSER = `
import json, sys
try:
    import pacparser
except ImportError:
    print("answers: " + json.dumps({"missing": True}))
    sys.exit(0)
job = json.load(sys.stdin)
program = job["program"]
if "FindProxyForURLEx" in program and "function FindProxyForURL(" not in program and "FindProxyForURL =" not in program:
    program += "\\nfunction FindProxyForURL(url, host) { return FindProxyForURLEx(url, host); }\\n"
pacparser.init()
pacparser.setmyip(job["clientAddress"])
answers = []
try:
    pacparser.parse_pac_string(program)
    for q in job["queries"]:
        try:
            answers.append(pacparser.find_proxy(q["url"], q["host"]))
        except Exception as error:
            answers.append("error: %s" % error)
except Exception as error:
    answers = ["error: %s" % error for q in job["queries"]]
pacparser.cleanup()
print("answers: " + json.dumps({"answers": answers}))
`;

function pacparserAnswers(program: string, hosts: readonly string[]): string[] | { skip: string } {
  const job = { program, clientAddress: CLIENT_ADDRESS, queries: hosts.map((host) => ({ url: `https://${host}/`, host })) };
  const result = run(PYTHON, ['-c', PACPARSER], JSON.stringify(job));
  if (result.status !== 0) return { skip: `${PYTHON} could not run pacparser: ${result.output.trim().split('\n')[0] ?? ''}` };
  // pacparser reports script errors on the same streams; the answers come on their own marked line.
  const line = result.output.split('\n').find((l) => l.startsWith('answers: '));
  const parsed = JSON.parse(line?.slice('answers: '.length) ?? '{}') as { missing?: boolean; answers?: string[] };
  if (parsed.missing || !parsed.answers) return { skip: 'pacparser is not installed for /usr/bin/python3 (Debian package python3-pacparser)' };
  return parsed.answers;
}

function firstDirective(answer: string): string {
  return (answer.split(';')[0] ?? '').trim().toUpperCase();
}

/**
 * What a written text must answer: DIRECT for the hosts it was written for; for those it must leave
 * on the proxy (Default hosts under its wildcards, sign-in with tenant restrictions) anything but a
 * DIRECT the file did not already give; and the file's own answer for every other host.
 */
interface Expectation {
  direct: Set<string>;
  notDirect: Set<string>;
}

function expectationOf(policies: readonly Policy[], tenantRestrictions: boolean): Expectation {
  const direct = new Set<string>();
  const notDirect = new Set<string>();
  for (const policy of policies) {
    const tenant = policy.parameters?.tenantName?.[0];
    for (const entry of policy.entries) {
      for (const url of entry.urls) for (const host of probeHosts(url, tenant)) if (!(tenantRestrictions && isTenantRestrictionHost(host))) direct.add(host);
      for (const url of entry.excludedHosts ?? []) for (const host of probeHosts(url, tenant)) notDirect.add(host);
    }
  }
  if (tenantRestrictions) for (const host of TENANT_RESTRICTION_HOSTS) notDirect.add(host);
  for (const host of notDirect) direct.delete(host);
  return { direct, notDirect };
}

/** Every web host of the catalogue, the sign-in hosts and one outside Microsoft: what each written text is asked. */
function allHosts(context: DocumentAnalysis['context']): string[] {
  const hosts = new Set<string>(['www.example.org', ...TENANT_RESTRICTION_HOSTS]);
  const tenant = context.settings.tenantName || undefined;
  for (const set of context.catalog.sets) if (carriesWebTraffic(set)) for (const url of set.urls) for (const host of probeHosts(url, tenant)) hosts.add(host);
  return [...hosts].sort();
}

for (const gateway of gatewayCases('pac')) {
  void test(`pacparser answers for ${gateway.name} as the fixes and inserts intend, and as the sandbox does`, async (t) => {
    if (!existsSync(PYTHON)) {
      t.skip(`${PYTHON} is not installed (Debian packages python3 and python3-pacparser)`);
      return;
    }
    const analysed = await analyserFor(gateway);
    const before = analysed.analyse(gateway.text);
    const tenantRestrictions = before.context.settings.tenantRestrictions;
    const written: Array<{ label: string; text: string; policies: Policy[] }> = [];
    const fixed = fixedText(gateway, analysed);
    if (fixed.applied > 0) {
      // Fixes at warning level are those of the Optimize sets the file proxied: each sends its set DIRECT.
      const optimize = before.context.catalog.sets.filter((s) => s.category === 'Optimize' && setInScope(s, before.context.settings) && carriesWebTraffic(s));
      const policies = optimize.flatMap((s) => {
        const built = endpointSetsPolicy(before.context.catalog, { setIds: [s.id] });
        return built.ok ? built.policies : [];
      });
      written.push({ label: 'every fix', text: fixed.text, policies });
    }
    insertedTexts(gateway, analysed).forEach((inserted, i) => {
      const request = gateway.expectation.inserts![i]!.request;
      const built = buildPolicies(before.context.catalog, requestFromInsertParams({ uri: gateway.path, ...request }));
      if (inserted.applied && built.ok) written.push({ label: inserted.label, text: inserted.text, policies: built.policies });
    });
    if (written.length === 0) {
      t.skip(`${gateway.name}: nothing is written to it, so there is nothing to run`);
      return;
    }
    const hosts = allHosts(before.context);
    const original = pacparserAnswers(gateway.text, hosts);
    if ('skip' in original) {
      t.skip(original.skip);
      return;
    }
    const unreadable = original.find((answer) => answer.startsWith('error'));
    if (unreadable !== undefined) {
      // pacparser's engine reads ECMAScript 5; a file with arrow functions or const is checked by the sandbox alone (gateways.test.ts).
      t.skip(`pacparser cannot run ${gateway.name} as written (${unreadable})`);
      return;
    }
    const sandbox = analysed.engine.pacSandbox;
    assert.ok(sandbox, 'the sandbox runs here');
    for (const { label, text, policies } of written) {
      const answers = pacparserAnswers(text, hosts);
      assert.ok(Array.isArray(answers), `${label}: ${JSON.stringify(answers)}`);
      const expected = expectationOf(policies, tenantRestrictions);
      const ours = sandbox.evaluate(text, hosts.map((host) => ({ url: `https://${host}/`, host })), { ...PAC_BUDGET, totalTimeoutMs: 60_000, hostAddresses: {}, clientAddress: CLIENT_ADDRESS });
      hosts.forEach((host, i) => {
        const answer = answers[i] ?? '';
        assert.doesNotMatch(answer, /^error/, `${label}: ${host}`);
        const mine = ours[i];
        assert.equal(mine?.ok ? mine.value : JSON.stringify(mine), answer, `${label}: the sandbox and pacparser agree on ${host}`);
        if (expected.direct.has(host)) assert.equal(firstDirective(answer), 'DIRECT', `${label}: ${host} goes DIRECT`);
        else if (expected.notDirect.has(host)) assert.ok(firstDirective(answer) !== 'DIRECT' || answer === original[i], `${label}: ${host} is not sent DIRECT by the edit (${answer})`);
        else assert.equal(answer, original[i], `${label}: ${host} is answered as before`);
      });
    }
  });
}
