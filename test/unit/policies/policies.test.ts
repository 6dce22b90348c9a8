import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrToInterval, formatInterval, intervalContains, parseCidr, type IpInterval } from '../../../server/src/model/address';
import type { Policy, PolicyEntry } from '../../../server/src/model/policy';
import {
  buildPolicies,
  endpointSetsPolicy,
  exchangeHybridPolicies,
  flowsOfPolicy,
  graphNotificationsPolicy,
  policyForBlock,
  type PolicyResult,
} from '../../../server/src/policies';
import { shippedCatalog } from './shipped';

function cidr(text: string): IpInterval {
  const parsed = parseCidr(text);
  assert.ok(parsed.ok, text);
  return cidrToInterval(parsed.value);
}

function policies(result: PolicyResult): Policy[] {
  assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
  return result.policies;
}

function covers(entries: readonly PolicyEntry[], text: string): boolean {
  const wanted = cidr(text);
  return entries.some((e) => e.addresses.some((a) => intervalContains(a, wanted)));
}

const SERVER = ['192.0.2.10'];

void test('exchange-hybrid mail-flow allows SMTP from the Exchange Online Protection ranges to the server', () => {
  const catalog = shippedCatalog('Worldwide');
  const [inbound, ...rest] = policies(exchangeHybridPolicies(catalog, { features: ['mail-flow'], serverAddresses: SERVER }));
  assert.equal(rest.length, 0);
  assert.ok(inbound);
  assert.equal(inbound.purpose, 'exchange-hybrid-inbound');
  assert.equal(inbound.direction, 'inbound');
  assert.equal(inbound.catalogVersion, catalog.version);
  const eop = catalog.sets.find((s) => s.serviceArea === 'Exchange' && s.tcpPortsText.trim() === '25');
  assert.ok(eop, 'the worldwide catalogue has an SMTP-only Exchange set');
  assert.deepEqual(
    inbound.entries.map((e) => e.label),
    [`set ${eop.id} Exchange Online ${eop.category}`],
  );
  const entry = inbound.entries[0]!;
  assert.deepEqual(entry.ports, [{ from: 25, to: 25 }]);
  assert.equal(entry.protocol, 'tcp');
  for (const range of ['40.92.0.0/15', '40.107.0.0/16', '52.100.0.0/14']) assert.ok(covers(inbound.entries, range), range);
  assert.deepEqual(entry.addresses.map(formatInterval), eop.ips);
  assert.deepEqual(entry.localAddresses?.map(formatInterval), ['192.0.2.10/32']);
  assert.deepEqual(inbound.parameters, { features: ['mail-flow'], servers: ['192.0.2.10/32'] });
});

void test('mailbox migration takes Exchange Online sets with addresses on TCP 443 only', () => {
  const catalog = shippedCatalog('Worldwide');
  const [inbound] = policies(exchangeHybridPolicies(catalog, { features: ['mailbox-migration'], serverAddresses: SERVER }));
  assert.ok(inbound);
  const expected = catalog.sets
    .filter((s) => s.serviceArea === 'Exchange' && s.ips.length > 0 && s.tcpPorts.some((p) => p.from <= 443 && 443 <= p.to))
    .map((s) => `set ${s.id} Exchange Online ${s.category}, row 6`);
  assert.ok(expected.length >= 2);
  assert.deepEqual(inbound.entries.map((e) => e.label), expected);
  // Set 2 (IMAP/POP/SMTP submission ports) and set 10 (SMTP) do not reach an HTTPS server.
  assert.ok(!inbound.entries.some((e) => /set (2|10) /.test(e.label)));
  for (const entry of inbound.entries) {
    assert.deepEqual(entry.ports, [{ from: 443, to: 443 }]);
    assert.deepEqual(entry.origin, { source: 'other-endpoints', row: 6 });
  }
});

void test('Hybrid Configuration Wizard: GCC High uses the row 9 addresses, Worldwide the row 9 URLs', () => {
  const [gcc] = policies(exchangeHybridPolicies(shippedCatalog('USGovGCCHigh'), { features: ['hybrid-configuration-wizard'], serverAddresses: [] }));
  assert.ok(gcc);
  assert.equal(gcc.purpose, 'exchange-hybrid-outbound');
  assert.equal(gcc.direction, 'outbound');
  assert.ok(covers(gcc.entries, '40.118.209.192/32'));
  assert.ok(covers(gcc.entries, '168.62.190.41/32'));
  assert.ok(gcc.entries.every((e) => e.label === 'row 9'));
  assert.ok(!gcc.entries.flatMap((e) => e.urls).includes('*.store.core.windows.net'));

  const [worldwide] = policies(exchangeHybridPolicies(shippedCatalog('Worldwide'), { features: ['hybrid-configuration-wizard'], serverAddresses: [] }));
  assert.ok(worldwide);
  assert.ok(!covers(worldwide.entries, '40.118.209.192/32'));
  const urls = worldwide.entries.flatMap((e) => e.urls);
  assert.ok(urls.includes('*.store.core.windows.net'));
  assert.ok(urls.includes('domains.live.com'));
  const live = worldwide.entries.find((e) => e.urls.includes('domains.live.com'));
  assert.deepEqual(live?.ports, [{ from: 80, to: 80 }, { from: 443, to: 443 }]);
});

void test('features of both directions give one policy per direction; outbound has no server side', () => {
  const result = policies(
    exchangeHybridPolicies(shippedCatalog('Worldwide'), {
      features: ['hybrid-authentication', 'free-busy', 'autodiscover', 'mailbox-migration'],
      serverAddresses: ['192.0.2.10', '2001:db8::10'],
    }),
  );
  assert.deepEqual(result.map((p) => p.purpose), ['exchange-hybrid-inbound', 'exchange-hybrid-outbound']);
  const [inbound, outbound] = result as [Policy, Policy];
  // Features are recorded in the documented order, whatever order they were asked in.
  assert.deepEqual(inbound.parameters?.features, ['mailbox-migration', 'free-busy', 'autodiscover']);
  assert.deepEqual(inbound.parameters?.servers, ['192.0.2.10/32', '2001:db8::10/128']);
  const rows = new Set(inbound.entries.map((e) => (e.origin.source === 'other-endpoints' ? e.origin.row : -1)));
  assert.deepEqual([...rows].sort((a, b) => a - b), [6, 7, 8, 10]);
  assert.ok(covers(inbound.entries.filter((e) => e.label === 'row 10'), '52.125.128.0/20'));
  assert.ok(inbound.entries.every((e) => e.localAddresses?.length === 2));
  assert.deepEqual(outbound.entries.flatMap((e) => e.urls), ['*.msappproxy.net']);
  assert.ok(outbound.entries.every((e) => e.localAddresses === undefined));
});

void test('exchange-hybrid rejects empty features, unknown features and unusable server addresses', () => {
  const catalog = shippedCatalog('Worldwide');
  const empty = exchangeHybridPolicies(catalog, { features: [], serverAddresses: SERVER });
  assert.ok(!empty.ok);
  assert.match(empty.errors.join('\n'), /at least one Exchange hybrid feature/);

  const unknown = exchangeHybridPolicies(catalog, { features: ['mail-flow', 'fax'], serverAddresses: SERVER });
  assert.ok(!unknown.ok);
  assert.match(unknown.errors.join('\n'), /Unknown Exchange hybrid feature "fax"/);

  const bad = exchangeHybridPolicies(catalog, { features: ['mail-flow'], serverAddresses: ['10.0.0.300', '192.0.2.10/24', 'mail.example.com'] });
  assert.ok(!bad.ok);
  assert.equal(bad.errors.length, 3);
  assert.match(bad.errors[0]!, /"10\.0\.0\.300" is not an IP address or CIDR/);
  assert.match(bad.errors[1]!, /host bits set.*192\.0\.2\.10 or the network as 192\.0\.2\.0\/24/);

  const noServer = exchangeHybridPolicies(catalog, { features: ['free-busy'], serverAddresses: [] });
  assert.ok(!noServer.ok);
  assert.match(noServer.errors.join('\n'), /need the on-premises server address/);

  // Outbound-only features do not need the server.
  assert.ok(exchangeHybridPolicies(catalog, { features: ['hybrid-authentication'], serverAddresses: [] }).ok);
});

void test('graph-notifications differs per instance and is inbound HTTPS', () => {
  const senders = (instance: 'Worldwide' | 'USGovGCCHigh' | 'USGovDoD' | 'China'): Policy => {
    const [policy] = policies(graphNotificationsPolicy(shippedCatalog(instance)));
    assert.ok(policy);
    return policy;
  };
  const worldwide = senders('Worldwide');
  const gcc = senders('USGovGCCHigh');
  const dod = senders('USGovDoD');
  const china = senders('China');
  assert.equal(worldwide.purpose, 'graph-notifications');
  assert.equal(worldwide.direction, 'inbound');
  assert.ok(covers(worldwide.entries, '52.159.23.209/32'));
  assert.ok(!covers(worldwide.entries, '52.244.33.45/32'));
  assert.ok(covers(gcc.entries, '52.244.33.45/32'));
  assert.ok(!covers(gcc.entries, '52.159.23.209/32'));
  assert.ok(covers(dod.entries, '52.244.33.45/32'));
  assert.ok(covers(china.entries, '42.159.72.35/32'));
  assert.ok(!covers(china.entries, '52.159.23.209/32'));
  for (const p of [worldwide, gcc, china]) {
    assert.ok(p.entries.every((e) => e.protocol === 'tcp' && e.ports.length === 1 && e.ports[0]!.from === 443));
    assert.ok(p.entries.every((e) => e.label === 'row 23'));
  }
});

void test('sets: explicit ids split ports per protocol and keep every address and URL', () => {
  const catalog = shippedCatalog('Worldwide');
  const [policy] = policies(endpointSetsPolicy(catalog, { setIds: [11, 1] }));
  assert.ok(policy);
  assert.equal(policy.purpose, 'sets-1-11');
  assert.equal(policy.direction, 'outbound');
  const set1 = catalog.sets.find((s) => s.id === 1)!;
  const set11 = catalog.sets.find((s) => s.id === 11)!;
  assert.deepEqual(
    policy.entries.map((e) => [e.label, e.protocol]),
    [
      ['set 1 Exchange Online Optimize', 'tcp'],
      ['set 1 Exchange Online Optimize', 'udp'],
      ['set 11 Microsoft Teams Optimize', 'udp'],
    ],
  );
  assert.deepEqual(policy.entries[0]!.ports, set1.tcpPorts);
  assert.deepEqual(policy.entries[1]!.ports, set1.udpPorts);
  assert.deepEqual(policy.entries[2]!.ports, set11.udpPorts);
  for (const entry of policy.entries) {
    const set = entry.label.startsWith('set 1 ') ? set1 : set11;
    assert.deepEqual(entry.addresses.map(formatInterval), set.ips);
    assert.deepEqual(entry.urls, set.urls);
  }
});

void test('sets: filters choose by service area, category and required; unknown names are errors', () => {
  const catalog = shippedCatalog('Worldwide');
  const [policy] = policies(endpointSetsPolicy(catalog, { serviceAreas: ['exchange'], categories: ['Optimize', 'allow'] }));
  assert.ok(policy);
  assert.equal(policy.purpose, 'sets-exchange-optimize-allow');
  const ids = [...new Set(policy.entries.map((e) => (e.origin.source === 'web-service' ? e.origin.setId : -1)))];
  const expected = catalog.sets.filter((s) => s.serviceArea === 'Exchange' && s.category !== 'Default' && s.required).map((s) => s.id);
  assert.deepEqual(ids, expected);
  assert.ok(!ids.includes(2), 'set 2 is optional');
  const [withOptional] = policies(endpointSetsPolicy(catalog, { serviceAreas: ['Exchange'], categories: ['Allow'], includeOptional: true }));
  assert.ok(withOptional?.entries.some((e) => e.label.startsWith('set 2 ')));
  assert.equal(withOptional?.purpose, 'sets-exchange-allow-optional');

  const unknown = endpointSetsPolicy(catalog, { serviceAreas: ['Fax'], categories: ['Sometimes'] });
  assert.ok(!unknown.ok);
  assert.equal(unknown.errors.length, 2);
  const missing = endpointSetsPolicy(catalog, { setIds: [1, 99999] });
  assert.ok(!missing.ok);
  assert.match(missing.errors[0]!, /no endpoint set 99999/);
  assert.ok(!endpointSetsPolicy(catalog, { setIds: [1], categories: ['Allow'] }).ok);
});

void test('sets: Default hosts under an included wildcard are listed for the proxy', () => {
  const catalog = shippedCatalog('Worldwide');
  const [policy] = policies(endpointSetsPolicy(catalog, { serviceAreas: ['Skype'], categories: ['Optimize', 'Allow'] }));
  const teams = policy?.entries.find((e) => e.urls.includes('*.teams.microsoft.com'));
  assert.ok(teams, 'the Teams Allow set has *.teams.microsoft.com');
  const defaults = new Set(catalog.sets.filter((s) => s.category === 'Default').flatMap((s) => s.urls));
  assert.ok((teams.excludedHosts ?? []).length > 0);
  for (const host of teams.excludedHosts ?? []) {
    assert.ok(defaults.has(host), host);
    assert.ok(host.endsWith('.teams.microsoft.com'), host);
  }
});

void test('a block rebuilt from its recorded parameters equals the policy it was made from', () => {
  for (const instance of ['Worldwide', 'USGovGCCHigh', 'China'] as const) {
    const catalog = shippedCatalog(instance);
    const made = [
      ...policies(buildPolicies(catalog, { policy: 'exchange-hybrid', features: ['mail-flow', 'hybrid-configuration-wizard'], serverAddresses: ['2001:db8::25'] })),
      ...policies(buildPolicies(catalog, { policy: 'graph-notifications', serverAddresses: [] })),
      ...policies(buildPolicies(catalog, { policy: 'sets', setIds: [], serviceAreas: ['Exchange'], categories: [], includeOptional: true })),
    ];
    for (const policy of made) {
      const rebuilt = policyForBlock(catalog, { purpose: policy.purpose, parameters: policy.parameters ?? {} });
      assert.ok(rebuilt.ok, policy.purpose);
      assert.deepEqual(rebuilt.policy, policy);
    }
  }
  assert.ok(!policyForBlock(shippedCatalog(), { purpose: 'someone-elses', parameters: {} }).ok);
});

void test('flows of a policy cover every address entry and every URL', () => {
  const [policy] = policies(endpointSetsPolicy(shippedCatalog(), { setIds: [1, 8] }));
  assert.ok(policy);
  const flows = flowsOfPolicy(policy);
  const hosts = flows.filter((f) => f.remote.kind === 'host').length;
  const addressFlows = flows.filter((f) => f.remote.kind === 'addresses').length;
  assert.equal(hosts, policy.entries.reduce((n, e) => n + e.urls.length, 0));
  const families = policy.entries.reduce((n, e) => n + new Set(e.addresses.map((a) => a.family)).size, 0);
  assert.equal(addressFlows, families);
  assert.ok(flows.every((f) => f.remote.kind !== 'addresses' || new Set(f.remote.intervals.map((i) => i.family)).size === 1));
});

void test('an inbound flow needs a server of its family', () => {
  const [policy] = policies(graphNotificationsPolicy(shippedCatalog('China'), { serverAddresses: ['192.0.2.20'] }));
  assert.ok(policy);
  const flows = flowsOfPolicy(policy).filter((f) => f.remote.kind === 'addresses');
  assert.ok(flows.length > 0);
  for (const flow of flows) {
    assert.ok(flow.remote.kind === 'addresses' && flow.remote.intervals.every((i) => i.family === 4));
    assert.deepEqual(flow.local?.map(formatInterval), ['192.0.2.20/32']);
  }
  const [anyLocal] = policies(graphNotificationsPolicy(shippedCatalog('China')));
  assert.ok(flowsOfPolicy(anyLocal!).some((f) => f.remote.kind === 'addresses' && f.remote.intervals.some((i) => i.family === 6)));
});
