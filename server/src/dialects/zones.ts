import { mergePorts } from '../model/ports';
import type { PortRange, Reference, Rule, RuleList, TrafficDirection } from '../model/config';
import type { PlacementRequest } from './dialect';
import { editSites, entriesBySite, type EditSite } from './placement';

/** Words in a zone or interface name that say it faces the Internet, the way admins name them (`L3-Untrust`, `wan1`, `sd-wan`; PAN-OS, FortiOS, Junos). */
const INTERNET_WORDS = new Set(['untrust', 'untrusted', 'outside', 'internet', 'inet', 'wan', 'external', 'isp', 'public']);

/** `L3-Untrust`, `OUTSIDE`, `wan2`, `ISP_A`: split into lower-case words without digits. */
function words(zone: string): string[] {
  return zone.toLowerCase().split(/[^a-z]+/).filter((w) => w !== '');
}

export function facesInternet(zone: string): boolean {
  return words(zone).some((w) => INTERNET_WORDS.has(w));
}

/**
 * Which Microsoft 365 traffic crosses a zone pair: from an inside zone to an Internet-facing one is
 * outbound, the reverse inbound; pairs inside the network, or between two Internet-facing zones,
 * carry none. When no zone of the rulebase faces the Internet, every pair between two zones may,
 * in either direction (`forward`). `faces` says which zones face the Internet (by name unless the
 * dialect knows better, as a FortiGate interface's `role wan` does).
 */
export function directionOf(from: string, to: string, anyFacesInternet: boolean, faces: (zone: string) => boolean = facesInternet): TrafficDirection | undefined {
  if (!anyFacesInternet) return from === to ? undefined : 'forward';
  const a = faces(from);
  const b = faces(to);
  if (!a && b) return 'outbound';
  if (a && !b) return 'inbound';
  return undefined;
}

/** A zone (or interface) pair of a zone firewall, with the direction its traffic has when flows take it. */
export interface ZonePair {
  from: string;
  to: string;
  direction?: TrafficDirection;
}

/**
 * The pairs that get a list of their own, each with the rules (by index) that apply to it: every
 * pair traffic takes, then for each rule with content that no such pair reaches the first pair it
 * applies to, so every rule is read somewhere. Pairs with the same rules share one array, so
 * coverage checks work it out once for them.
 */
export function pairLists<R>(pairs: readonly ZonePair[], rulesOf: readonly (readonly R[])[], applies: (rule: number, from: string, to: string) => boolean): Array<{ pair: ZonePair; indices: number[]; rules: R[] }> {
  const applying = (pair: ZonePair): number[] => rulesOf.map((_, i) => (applies(i, pair.from, pair.to) ? i : -1)).filter((i) => i >= 0);
  const needed = pairs.filter((p) => p.direction !== undefined);
  const covered = new Set<number>();
  for (const pair of needed) for (const i of applying(pair)) covered.add(i);
  rulesOf.forEach((rules, i) => {
    if (covered.has(i) || rules.length === 0) return;
    const pair = pairs.find((q) => applies(i, q.from, q.to) && !needed.includes(q));
    if (!pair) return;
    needed.push(pair);
    for (const j of applying(pair)) covered.add(j);
  });
  const shared = new Map<string, R[]>();
  return needed.map((pair) => {
    const indices = applying(pair);
    const key = indices.join(',');
    let rules = shared.get(key);
    if (!rules) {
      rules = indices.flatMap((i) => [...rulesOf[i]!]);
      shared.set(key, rules);
    }
    return { pair, indices, rules };
  });
}

/** A service's ports for one protocol, from any source port unless it names some. */
export interface ProtocolPorts {
  protocol: string;
  ports: PortRange[];
  sourcePorts?: PortRange[];
}

/** Service entries by protocol and source ports, each joined into one port set. */
function serviceSplits(entries: readonly ProtocolPorts[]): ProtocolPorts[] {
  const byKey = new Map<string, ProtocolPorts>();
  for (const entry of entries) {
    const key = `${entry.protocol}|${(entry.sourcePorts ?? []).map((p) => `${p.from}-${p.to}`).join(',')}`;
    const split = byKey.get(key) ?? { protocol: entry.protocol, ports: [], ...(entry.sourcePorts ? { sourcePorts: entry.sourcePorts } : {}) };
    split.ports = mergePorts([...split.ports, ...entry.ports]);
    byKey.set(key, split);
  }
  return [...byKey.values()];
}

/**
 * The model rules of one policy: one per protocol and source ports of its services, so TCP 443 and
 * UDP 3478 never cross; the policy alone for any service, or when none is known but some is unresolved.
 */
export function rulesPerService(base: Rule, services: { any: true } | { any: false; entries: readonly ProtocolPorts[]; unresolved: readonly string[] }): Rule[] {
  if (services.any) return [base];
  const splits = serviceSplits(services.entries);
  if (splits.length === 0) return services.unresolved.length > 0 ? [base] : [];
  return splits.map((s) => ({ ...base, protocols: [s.protocol], ...(s.ports.length > 0 ? { destinationPorts: s.ports } : {}), ...(s.sourcePorts ? { sourcePorts: s.sourcePorts } : {}) }));
}

/** Marks each object's address reference (still 'other') as a source or destination by how rules use it. */
export function markRolesByUse(references: Reference[], lists: readonly RuleList[]): void {
  const use = new Map<number, number>();
  for (const list of lists) {
    for (const rule of list.rules) {
      for (const id of rule.sources?.referenceIds ?? []) use.set(id, (use.get(id) ?? 0) | 1);
      for (const id of rule.destinations?.referenceIds ?? []) use.set(id, (use.get(id) ?? 0) | 2);
    }
  }
  for (const [id, bits] of use) {
    const reference = references[id];
    if (reference && reference.role === 'other') reference.role = bits === 1 ? 'source' : bits === 2 ? 'destination' : 'other';
  }
}

/**
 * The sites the evaluator's decisions name in the lists the dialect knows, with the entries each
 * carries. Inbound traffic goes where policies already let named senders in (the mail server's
 * zone or interface), not everywhere the Internet could reach when the file does not say which.
 */
export function decidedSites(request: PlacementRequest<unknown>, known: (listId: string) => boolean): { sites: EditSite[]; entries: number[][] } {
  const all = editSites(request.parsed.model, request.decisions).filter((s) => known(s.list.id));
  const admitting = all.filter((s) => s.list.rules.some((r) => r.action.type === 'accept' && r.sources !== undefined && !r.sources.negated));
  const sites = request.policy.direction === 'inbound' && admitting.length > 0 ? admitting : all;
  return { sites, entries: entriesBySite(request, sites) };
}
