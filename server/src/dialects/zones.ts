import type { TrafficDirection } from '../model/config';

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
