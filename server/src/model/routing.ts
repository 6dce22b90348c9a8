import type { EvaluationPath, LocationMatch, PathRoute, PortRange } from './config';
import { intervalsOverlap, type IpInterval } from './address';
import { intersectPorts } from './ports';

/**
 * The flow's ports a route's listeners take for its protocol, on the flow's local addresses when
 * they are known; empty when none listens there.
 */
export function listenedPorts(route: PathRoute, protocol: 'tcp' | 'udp', ports: readonly PortRange[], local?: readonly IpInterval[]): PortRange[] {
  const open = route.listeners
    .filter((l) => l.protocol === protocol && (!l.addresses || !local || local.some((a) => l.addresses!.some((b) => intervalsOverlap(a, b)))))
    .flatMap((l) => l.ports);
  return intersectPorts(ports, open);
}

function regexOf(match: LocationMatch): RegExp | undefined {
  try {
    return new RegExp(match.pattern, match.caseless ? 'i' : '');
  } catch {
    // A pattern JavaScript cannot read (a PCRE-only construct) selects nothing we can tell.
    return undefined;
  }
}

/**
 * The location nginx chooses for a request path among siblings: an exact match; else the longest
 * prefix when it is `^~`; else the first regular expression that matches, in file order; else the
 * longest prefix. Undefined when none matches.
 */
export function chooseLocation<T extends { match: LocationMatch }>(candidates: readonly T[], requestPath: string): T | undefined {
  const exact = candidates.find((c) => c.match.kind === 'exact' && c.match.pattern === requestPath);
  if (exact) return exact;
  let longest: T | undefined;
  for (const c of candidates) {
    if ((c.match.kind === 'prefix' || c.match.kind === 'prefix-final') && requestPath.startsWith(c.match.pattern)) {
      if (!longest || c.match.pattern.length > longest.match.pattern.length) longest = c;
    }
  }
  if (longest?.match.kind === 'prefix-final') return longest;
  const regex = candidates.find((c) => c.match.kind === 'regex' && regexOf(c.match)?.test(requestPath) === true);
  return regex ?? longest;
}

function sameChain(a: PathRoute['locations'], b: PathRoute['locations']): boolean {
  return a.length === b.length && a.every((l, i) => l.id === b[i]!.id);
}

/**
 * Of the paths of one server, those a request for `requestPath` takes: at each level of nesting
 * the location nginx chooses among the ones written there, down to where no nested one matches.
 */
export function pathsForRequest(paths: readonly EvaluationPath[], requestPath: string): EvaluationPath[] {
  const routed = paths.filter((p) => p.route !== undefined);
  let chain: PathRoute['locations'] = [];
  for (;;) {
    const depth = chain.length;
    const children = new Map<string, { id: string; match: LocationMatch }>();
    for (const p of routed) {
      const locations = p.route!.locations;
      if (locations.length > depth && sameChain(locations.slice(0, depth), chain)) children.set(locations[depth]!.id, locations[depth]!);
    }
    const chosen = chooseLocation([...children.values()], requestPath);
    if (!chosen) break;
    chain = [...chain, chosen];
  }
  return routed.filter((p) => sameChain(p.route!.locations, chain));
}
