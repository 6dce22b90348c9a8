import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPacSandbox, type PacRunOptions } from '../../../server/src/pac/sandbox';
import { renderPac, pacHostTest, existingProxyString, type PacTarget } from '../../../server/src/dialects/pac/render';
import { parsePac } from '../../../server/src/dialects/pac/parse';
import { probeHosts } from '../../../server/src/catalog/urlPattern';
import { endpointSetsPolicy, exchangeHybridPolicies } from '../../../server/src/policies';
import { cidrToInterval, parseCidr } from '../../../server/src/model/address';
import type { Policy } from '../../../server/src/model/policy';
import type { InstanceId } from '../../../server/src/catalog/types';
import { shippedCatalog } from '../policies/shipped';

const PROXY = 'PROXY proxy.corp.example:3128; DIRECT';
const sandboxPromise = createPacSandbox();
const options: PacRunOptions = { hostAddresses: {}, clientAddress: '10.0.0.5', timeoutMs: 2000, memoryBytes: 32 << 20, totalTimeoutMs: 120_000 };

/** The block inside an otherwise ordinary PAC file whose last word is the proxy. */
function pacWith(block: string, finalReturn = PROXY): string {
  return `function FindProxyForURL(url, host) {\n${block}    return "${finalReturn}";\n}\n`;
}

async function decide(program: string, hosts: string[], extra: Partial<PacRunOptions> = {}): Promise<Map<string, string>> {
  const sandbox = await sandboxPromise;
  const results = sandbox.evaluate(program, hosts.map((host) => ({ url: `https://${host}/`, host })), { ...options, ...extra });
  const out = new Map<string, string>();
  results.forEach((r, i) => {
    assert.ok(r.ok, `${hosts[i]}: ${JSON.stringify(r)}`);
    out.set(hosts[i]!, r.value);
  });
  return out;
}

function one<T>(result: { ok: true; policies: T[] } | { ok: false; errors: string[] }): T[] {
  if (!result.ok) throw new Error(result.errors.join('; '));
  return result.policies;
}

function policiesUnderTest(): Array<{ name: string; policy: Policy }> {
  const out: Array<{ name: string; policy: Policy }> = [];
  for (const instance of ['Worldwide', 'USGovDoD', 'USGovGCCHigh', 'China'] as InstanceId[]) {
    const catalog = shippedCatalog(instance);
    for (const categories of [['Optimize'], ['Optimize', 'Allow']]) {
      for (const policy of one(endpointSetsPolicy(catalog, { categories }))) out.push({ name: `${instance} ${categories.join('+')}`, policy });
    }
  }
  const worldwide = shippedCatalog('Worldwide');
  for (const policy of one(endpointSetsPolicy(worldwide, { serviceAreas: ['Exchange', 'SharePoint', 'Skype', 'Common'], categories: ['Optimize', 'Allow'], includeOptional: true }))) {
    out.push({ name: 'Worldwide all areas with optional sets', policy });
  }
  for (const policy of one(exchangeHybridPolicies(worldwide, { features: ['hybrid-configuration-wizard', 'hybrid-authentication'], serverAddresses: [] }))) {
    out.push({ name: 'Exchange hybrid outbound', policy });
  }
  return out;
}

for (const { name, policy } of policiesUnderTest()) {
  test(`rendered PAC for ${name}: every catalogue probe host goes DIRECT, every excluded host to the proxy`, async () => {
    const block = renderPac(policy, { proxy: PROXY });
    const program = pacWith(block.text);
    const parsed = parsePac(program).model;
    assert.deepEqual(parsed.problems, [], 'the rendered file parses cleanly');

    const direct = [...new Set(policy.entries.flatMap((e) => e.urls.flatMap((u) => probeHosts(u))))];
    // An excluded pattern that another set of the policy names itself stays DIRECT.
    const named = new Set(policy.entries.flatMap((e) => e.urls));
    const excluded = [...new Set(policy.entries.flatMap((e) => (e.excludedHosts ?? []).filter((u) => !named.has(u)).flatMap((u) => probeHosts(u))))];
    // A policy of address-only sets still says what it could not express.
    if (direct.length === 0) assert.ok(block.notExpressible.length > 0, 'addresses are reported as not expressible');
    const answers = await decide(program, [...direct, ...excluded, 'www.example.org']);
    for (const host of direct) {
      if (excluded.includes(host)) continue;
      assert.equal(answers.get(host), 'DIRECT', `${host} should go DIRECT`);
    }
    for (const host of excluded) assert.equal(answers.get(host), PROXY, `${host} is Default and must keep going to the proxy`);
    assert.equal(answers.get('www.example.org'), PROXY);
    assert.equal(block.text.split('\n')[0], `    // BEGIN endpoint-lens ${policy.purpose} ${policy.instance} ${policy.catalogVersion}`);
    assert.ok(block.text.endsWith(`    // END endpoint-lens ${policy.purpose}\n`));
  });
}

test("Microsoft's wildcard meaning is kept exactly", async () => {
  const patterns = ['*.sharepoint.com', 'outlook.office.com', 'autodiscover.*.onmicrosoft.com', '*cdn.onenote.net', '*.x-*.example.com', '<tenant>-my.sharepoint.com'];
  const tests = patterns.map((p) => pacHostTest(p));
  assert.deepEqual(tests.slice(0, 4), [
    'dnsDomainIs(host, ".sharepoint.com")',
    'host == "outlook.office.com"',
    '(shExpMatch(host, "autodiscover.?*.onmicrosoft.com") && dnsDomainLevels(host) == 3)',
    '(shExpMatch(host, "*cdn.onenote.net") && dnsDomainLevels(host) == 2)',
  ]);
  const program = `function FindProxyForURL(url, host) {\n${tests.map((c) => `    if (${c}) return "DIRECT";\n`).join('')}    return "PROXY p:1";\n}\n`;
  const expectations: Record<string, string> = {
    'contoso.sharepoint.com': 'DIRECT',
    'a.b.sharepoint.com': 'DIRECT',
    'sharepoint.com': 'PROXY p:1',
    'outlook.office.com': 'DIRECT',
    'x.outlook.office.com': 'PROXY p:1',
    'autodiscover.contoso.onmicrosoft.com': 'DIRECT',
    'autodiscover.a.b.onmicrosoft.com': 'PROXY p:1',
    'autodiscover.onmicrosoft.com': 'PROXY p:1',
    'cdn.onenote.net': 'DIRECT',
    'ecdn.onenote.net': 'DIRECT',
    'a.cdn.onenote.net': 'PROXY p:1',
    'a.x-y.example.com': 'DIRECT',
    'a.x.y.example.com': 'PROXY p:1',
    'contoso-my.sharepoint.com': 'DIRECT',
  };
  const answers = await decide(program, Object.keys(expectations));
  for (const [host, expected] of Object.entries(expectations)) assert.equal(answers.get(host), expected, host);
});

test('without a known proxy string, excluded hosts skip the block and reach the file\'s own return', async () => {
  const policy = one(endpointSetsPolicy(shippedCatalog('Worldwide'), { categories: ['Optimize', 'Allow'] }))[0]!;
  const excludedPatterns = policy.entries.flatMap((e) => e.excludedHosts ?? []);
  assert.ok(excludedPatterns.length > 0, 'this policy has exclusions');
  const block = renderPac(policy, {});
  assert.ok(!block.text.includes('PROXY'), 'no proxy name is made up');
  const program = pacWith(block.text, 'PROXY only-the-file-knows:8080');
  const excluded = excludedPatterns.flatMap((u) => probeHosts(u));
  const answers = await decide(program, [...excluded, 'teams.microsoft.com']);
  for (const host of excluded) assert.equal(answers.get(host), 'PROXY only-the-file-knows:8080', host);
  assert.equal(answers.get('teams.microsoft.com'), 'DIRECT');
  // Parsed back, each DIRECT rule says exactly which hosts reach it, the exclusion included.
  const rules = parsePac(program).model.ruleLists[0]!.rules.filter((r) => r.action.type === 'proxy' && r.action.proxies[0]?.kind === 'DIRECT');
  assert.ok(rules.length > 0);
  for (const rule of rules) {
    assert.equal(rule.unknownConditions, undefined, rule.text);
    const matcher = rule.hosts?.matchers[0];
    assert.equal(matcher?.kind, 'regex');
    if (matcher?.kind !== 'regex') continue;
    const regex = new RegExp(matcher.source, matcher.flags);
    for (const host of excluded) assert.equal(regex.test(host), false, `${host} must not reach ${rule.text}`);
  }
  const teams = rules.find((r) => r.hosts?.matchers[0]?.kind === 'regex' && new RegExp(r.hosts.matchers[0].source).test('teams.microsoft.com'));
  assert.ok(teams, 'some DIRECT rule takes teams.microsoft.com');
});

test("the proxy string is taken from the file's own returns when the caller passes none", () => {
  const file = parsePac('function FindProxyForURL(url, host) {\n  if (isPlainHostName(host)) return "DIRECT";\n  return "PROXY squid.corp.example:3128; DIRECT";\n}\n').model;
  const target: PacTarget = { list: file.ruleLists[0]! };
  assert.equal(existingProxyString(target), 'PROXY squid.corp.example:3128; DIRECT');
  assert.equal(existingProxyString({ proxy: 'PROXY a.example:80' }), 'PROXY a.example:80');
  assert.equal(existingProxyString({ proxy: 'DIRECT' }), undefined);
  assert.equal(existingProxyString({}), undefined);
  const policy = one(endpointSetsPolicy(shippedCatalog('Worldwide'), { categories: ['Optimize', 'Allow'] }))[0]!;
  assert.ok(renderPac(policy, target).text.includes('return "PROXY squid.corp.example:3128; DIRECT";'));
});

test('addresses become isInNet tests only when the policy asks, and comments otherwise', async () => {
  const base = one(endpointSetsPolicy(shippedCatalog('Worldwide'), { setIds: [11] }))[0]!;
  const plain = renderPac(base, { proxy: PROXY });
  assert.ok(!plain.text.includes('isInNet('));
  assert.match(plain.text, /address ranges are not tested/);
  assert.ok(plain.notExpressible.includes('52.112.0.0/14'));

  const asked = renderPac({ ...base, parameters: { ...base.parameters, pacAddresses: ['isInNet'] } }, { proxy: PROXY });
  assert.match(asked.text, /isInNet\(endpointLensAddress, "52\.112\.0\.0", "255\.252\.0\.0"\)/);
  assert.match(asked.text, /IPv6 ranges are not tested/);
  assert.deepEqual(parsePac(pacWith(asked.text)).model.problems, []);
  const answers = await decide(pacWith(asked.text), ['media.example.net', 'other.example.net', 'unresolvable.example.net'], {
    hostAddresses: { 'media.example.net': '52.113.1.1', 'other.example.net': '192.0.2.1' },
  });
  assert.deepEqual([...answers.values()], ['DIRECT', PROXY, PROXY]);
});

test('a deny policy sends its hosts to the proxy, and says so when no proxy is known', async () => {
  const policy: Policy = {
    purpose: 'force-proxy',
    title: 'Hosts that must be inspected',
    action: 'deny',
    direction: 'outbound',
    instance: 'Worldwide',
    catalogVersion: '2026081400',
    entries: [{ label: 'row 99', origin: { source: 'other-endpoints', row: 99 }, protocol: 'tcp', ports: [], addresses: [cidrToInterval((parseCidr('192.0.2.0/24') as { ok: true; value: never }).value)], urls: ['*.inspect.example'] }],
  };
  const withProxy = renderPac(policy, { proxy: 'PROXY inspect.corp.example:8080' });
  const answers = await decide(pacWith(withProxy.text, 'DIRECT'), ['a.inspect.example', 'inspect.example']);
  assert.deepEqual([...answers.values()], ['PROXY inspect.corp.example:8080', 'DIRECT']);
  const without = renderPac(policy, {});
  assert.ok(without.notExpressible.includes('*.inspect.example'));
  assert.deepEqual(parsePac(pacWith(without.text)).model.problems, []);
});
