import { intervalsOverlap, type IpInterval } from '../model/address';
import type { ConfigModel, EvaluationPath, Rule } from '../model/config';
import { reachableLists } from '../model/lists';
import type { Flow } from '../model/policy';
import { intersectPorts } from '../model/ports';
import type { CatalogView } from './context';

/** Answers "is this interval in the catalogue?" once per interval: the same lists are asked for every flow. */
export function catalogueMembership(catalog: CatalogView): (interval: IpInterval) => boolean {
  const known = new Map<string, boolean>();
  return (interval) => {
    const key = `${interval.family}:${interval.first}:${interval.last}`;
    let answer = known.get(key);
    if (answer === undefined) {
      answer = catalog.lookupAddress(interval).length > 0;
      known.set(key, answer);
    }
    return answer;
  };
}

/** Remote-side intervals of a rule that name catalogue addresses, for rules that meet the flow's ports. */
function catalogueIntervals(rule: Rule, flow: Flow, inCatalogue: (interval: IpInterval) => boolean): IpInterval[] {
  const remote = flow.direction === 'inbound' ? rule.sources : rule.destinations;
  const ports = rule.destinationPorts;
  if (ports && ports.length > 0 && intersectPorts(ports, flow.ports).length === 0) return [];
  return (remote?.intervals ?? []).filter(inCatalogue);
}

/**
 * The part of a flow a path is meant to carry, so findings stay about the author's intent:
 * - inbound flows only on paths with a rule that names addresses of the flow's own set or row as
 *   the source on the flow's ports, and only in the address families those rules use (an IPv4-only hybrid server
 *   is not "blocking" Exchange Online's IPv6 ranges; an admin allow-list on an unrelated server
 *   does not "block Exchange Online");
 * - forwarded traffic only when the forward chain has rules (an empty FORWARD with policy DROP
 *   means "this host does not route", not "Microsoft 365 is blocked").
 */
export function intendedPart(
  model: ConfigModel,
  path: EvaluationPath,
  flow: Flow,
  inCatalogue: (interval: IpInterval) => boolean,
  // The addresses whose naming shows intent: the flow's own, or (for an announced addition) its whole set's.
  intent?: readonly IpInterval[],
): Flow | undefined {
  const lists = reachableLists(model, path.stages);
  if (flow.direction === 'inbound') {
    if (flow.remote.kind !== 'addresses') return undefined;
    const remote = intent ?? flow.remote.intervals;
    // Only addresses of this flow's own set or row show the intent: a Graph webhook's allow-list
    // says nothing about Exchange mailbox migration.
    const named = lists
      .flatMap((l) => l.rules.flatMap((r) => catalogueIntervals(r, flow, inCatalogue)))
      .filter((iv) => remote.some((r) => intervalsOverlap(r, iv)));
    if (named.length === 0) return undefined;
    // The families the rules name, plus those the path says it receives (nginx `listen [::]:443`).
    const families = new Set<4 | 6>([...named.map((iv) => iv.family), ...(lists[0]?.families ?? [])]);
    const intervals = flow.remote.intervals.filter((iv) => families.has(iv.family));
    return intervals.length > 0 ? { ...flow, remote: { kind: 'addresses', intervals } } : undefined;
  }
  if (path.direction === 'forward' && !lists.some((l) => l.rules.length > 0)) return undefined;
  return flow;
}


/** Whether a rule names some of `local` on the customer's side of an inbound flow (its destination). */
function namesLocal(rule: Rule, local: readonly IpInterval[]): boolean {
  const side = rule.destinations;
  return side !== undefined && !side.negated && side.intervals.some((iv) => local.some((l) => intervalsOverlap(iv, l)));
}

/**
 * The part of a policy's flow a path carries, for placing and checking inserted rules. Outbound
 * flows as `intendedPart` says. Inbound flows go down the path destination NAT chose for them;
 * else where the file already talks about them (rules naming the server, or the senders' own
 * addresses); else to this host's own input, never to a forward path the file says nothing about
 * (unless no path says it is inbound).
 */
export function carriedPart(model: ConfigModel, path: EvaluationPath, flow: Flow, inCatalogue: (interval: IpInterval) => boolean, translated: boolean): Flow | undefined {
  if (flow.direction !== 'inbound') return intendedPart(model, path, flow, inCatalogue);
  if (translated) return path.direction === 'forward' ? flow : undefined;
  const local = flow.local;
  if (local) {
    const naming = model.paths.filter((p) => reachableLists(model, p.stages).some((l) => l.rules.some((r) => namesLocal(r, local))));
    if (naming.length > 0) return naming.some((p) => p.id === path.id) ? flow : undefined;
  } else {
    const intended = model.paths.filter((p) => intendedPart(model, p, flow, inCatalogue) !== undefined);
    if (intended.length > 0) return intended.some((p) => p.id === path.id) ? intendedPart(model, path, flow, inCatalogue) : undefined;
  }
  // A device whose bindings do not say which side faces the Internet has only paths of either direction.
  const inbound = model.paths.some((p) => p.direction === 'inbound');
  return path.direction === 'inbound' || !inbound ? flow : undefined;
}
