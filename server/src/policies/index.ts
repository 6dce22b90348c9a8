import type { Flow, Policy } from '../model/policy';
import type { InsertPolicyParams, PolicyName } from '../protocol';
import { t } from '../l10n';
import type { PolicyCatalog, PolicyResult } from './common';
import { exchangeHybridPolicies } from './exchangeHybrid';
import { GRAPH_NOTIFICATIONS_PURPOSE, graphNotificationsPolicy } from './graphNotifications';
import { endpointSetsPolicy } from './endpointSets';
import { announcedEntriesIn, announcedNote, includesAnnounced } from './announced';

export type { PolicyCatalog, PolicyResult } from './common';
export { exchangeHybridPolicies, exchangeHybridPurpose, parseServerAddresses, featureDirection } from './exchangeHybrid';
export { graphNotificationsPolicy, GRAPH_NOTIFICATIONS_PURPOSE } from './graphNotifications';
export { endpointSetsPolicy } from './endpointSets';

export const POLICY_NAMES: readonly PolicyName[] = ['exchange-hybrid', 'graph-notifications', 'sets'];

/** Everything a policy is made from; the same shape comes from the CLI, the client and a block's parameters. */
export type PolicyRequest = (
  | { policy: 'exchange-hybrid'; features: string[]; serverAddresses: string[] }
  | { policy: 'graph-notifications'; serverAddresses: string[] }
  | { policy: 'sets'; setIds: number[]; serviceAreas: string[]; categories: string[]; includeOptional: boolean }
) & {
  /** Additions announced for a later day go into the rules now unless this is false. */
  includeAnnounced?: boolean;
};

function buildOnce(catalog: PolicyCatalog, request: PolicyRequest): PolicyResult {
  switch (request.policy) {
    case 'exchange-hybrid':
      return exchangeHybridPolicies(catalog, request);
    case 'graph-notifications':
      return graphNotificationsPolicy(catalog, request);
    case 'sets':
      return endpointSetsPolicy(catalog, request);
  }
}

/** The policies of a request, with a note on how many announced additions they include or leave out. */
export function buildPolicies(catalog: PolicyCatalog, request: PolicyRequest): PolicyResult {
  const result = buildOnce(catalog, request);
  if (!result.ok || (catalog.announced ?? []).length === 0) return result;
  const included = request.includeAnnounced !== false;
  const withAll = included ? result : buildOnce(catalog, { ...request, includeAnnounced: true });
  const note = announcedNote(withAll.ok ? announcedEntriesIn(catalog, withAll.policies) : [], included);
  return note ? { ...result, notes: [...result.notes, note] } : result;
}

export function requestFromInsertParams(params: InsertPolicyParams): PolicyRequest {
  switch (params.policy) {
    case 'exchange-hybrid':
      return { policy: 'exchange-hybrid', features: params.features ?? [], serverAddresses: params.serverAddresses ?? [], includeAnnounced: params.includeAnnounced !== false };
    case 'graph-notifications':
      return { policy: 'graph-notifications', serverAddresses: params.serverAddresses ?? [] };
    case 'sets':
      return {
        policy: 'sets',
        setIds: params.setIds ?? [],
        serviceAreas: params.serviceAreas ?? [],
        categories: params.categories ?? [],
        includeOptional: params.includeOptional ?? false,
        includeAnnounced: params.includeAnnounced !== false,
      };
  }
}

/**
 * The request a managed block was made from, read back from its purpose and the parameters
 * written into it; undefined for blocks this version did not write.
 */
export function requestFromBlock(purpose: string, parameters: Record<string, string[]>): PolicyRequest | undefined {
  if (purpose === 'exchange-hybrid-inbound' || purpose === 'exchange-hybrid-outbound') {
    return { policy: 'exchange-hybrid', features: parameters.features ?? [], serverAddresses: parameters.servers ?? [], includeAnnounced: includesAnnounced(parameters) };
  }
  if (purpose === GRAPH_NOTIFICATIONS_PURPOSE) {
    return { policy: 'graph-notifications', serverAddresses: parameters.servers ?? [] };
  }
  if (purpose.startsWith('sets-')) {
    const setIds: number[] = [];
    for (const text of parameters.sets ?? []) {
      if (!/^\d{1,6}$/.test(text)) return undefined;
      setIds.push(Number(text));
    }
    return {
      policy: 'sets',
      setIds,
      serviceAreas: parameters.serviceAreas ?? [],
      categories: parameters.categories ?? [],
      includeOptional: (parameters.includeOptional ?? []).includes('true'),
      includeAnnounced: includesAnnounced(parameters),
    };
  }
  return undefined;
}

/** Rebuild a block's policy from the current catalogue, or say why it cannot be. */
export function policyForBlock(
  catalog: PolicyCatalog,
  block: { purpose: string; parameters: Record<string, string[]> },
): { ok: true; policy: Policy } | { ok: false; errors: string[] } {
  const request = requestFromBlock(block.purpose, block.parameters);
  if (!request) return { ok: false, errors: [t('Managed block "{0}" was not written by this version of Endpoint Lens.', block.purpose)] };
  const result = buildPolicies(catalog, request);
  if (!result.ok) return result;
  const policy = result.policies.find((p) => p.purpose === block.purpose);
  if (!policy) return { ok: false, errors: [t('Managed block "{0}" no longer matches the parameters written in it.', block.purpose)] };
  return { ok: true, policy };
}

/**
 * The flows one policy entry lets through: one for each address family of its addresses and one
 * per URL. An entry with a local side gives no flow for a family the local side lacks (an IPv6
 * sender cannot reach an IPv4-only server).
 */
export function flowsOfEntry(policy: Policy, index: number): Flow[] {
  const entry = policy.entries[index];
  if (!entry) return [];
  const flows: Flow[] = [];
  const direction = policy.direction;
  const local = entry.localAddresses && entry.localAddresses.length > 0 ? entry.localAddresses : undefined;
  for (const family of [4, 6] as const) {
    const intervals = entry.addresses.filter((a) => a.family === family);
    if (intervals.length === 0) continue;
    const localOfFamily = local?.filter((a) => a.family === family);
    if (localOfFamily && localOfFamily.length === 0) continue;
    flows.push({
      origin: entry.origin,
      direction,
      protocol: entry.protocol,
      ports: entry.ports,
      remote: { kind: 'addresses', intervals },
      ...(localOfFamily ? { local: localOfFamily } : {}),
      ...(entry.requestPath ? { requestPath: entry.requestPath } : {}),
    });
  }
  for (const url of entry.urls) {
    flows.push({ origin: entry.origin, direction, protocol: entry.protocol, ports: entry.ports, remote: { kind: 'host', pattern: url }, ...(local ? { local } : {}), ...(entry.requestPath ? { requestPath: entry.requestPath } : {}) });
  }
  return flows;
}

/** The flows of every entry of a policy, in entry order. */
export function flowsOfPolicy(policy: Policy): Flow[] {
  return policy.entries.flatMap((_entry, index) => flowsOfEntry(policy, index));
}
