import { intervalsOverlap, type IpInterval } from '../model/address';
import type { ConfigModel, EvaluationPath, PortRange, Rule, RuleList } from '../model/config';
import { reachableLists } from '../model/lists';
import type { Flow, FlowOrigin } from '../model/policy';
import type { CatalogMatch } from '../catalog/types';
import { matchIsOf } from '../catalog';
import { intersectPorts } from '../model/ports';
import type { CatalogView } from './context';

/** Whether an interval is in the catalogue; with an origin, whether it meets that set's or row's own prefixes. */
export type CatalogueMembership = (interval: IpInterval, origin?: FlowOrigin) => boolean;

/** Answers "is this interval in the catalogue (of this set or row)?" once per interval: the same lists are asked for every flow. */
export function catalogueMembership(catalog: Pick<CatalogView, 'lookupAddress'>): CatalogueMembership {
  const known = new Map<string, CatalogMatch[]>();
  return (interval, origin) => {
    const key = `${interval.family}:${interval.first}:${interval.last}`;
    let matches = known.get(key);
    if (matches === undefined) {
      matches = catalog.lookupAddress(interval);
      known.set(key, matches);
    }
    return origin ? matches.some((m) => matchIsOf(m, origin)) : matches.length > 0;
  };
}

/** A rule of a path that names catalogue addresses as its source, with the ports it applies to. */
interface NamingRule {
  ports: PortRange[] | undefined;
  intervals: IpInterval[];
}

const listsOfPath = new WeakMap<EvaluationPath, RuleList[]>();
const namingRulesOf = new WeakMap<CatalogueMembership, WeakMap<EvaluationPath, NamingRule[]>>();

/** The lists a path reaches; the same for every flow asked about it. */
function pathLists(model: ConfigModel, path: EvaluationPath): RuleList[] {
  let lists = listsOfPath.get(path);
  if (!lists) {
    lists = reachableLists(model, path.stages);
    listsOfPath.set(path, lists);
  }
  return lists;
}

/** The rules of a path whose sources are in the catalogue, worked out once per path and catalogue. */
function namingRules(model: ConfigModel, path: EvaluationPath, inCatalogue: CatalogueMembership): NamingRule[] {
  let byPath = namingRulesOf.get(inCatalogue);
  if (!byPath) {
    byPath = new WeakMap();
    namingRulesOf.set(inCatalogue, byPath);
  }
  let rules = byPath.get(path);
  if (!rules) {
    rules = [];
    for (const list of pathLists(model, path)) {
      for (const rule of list.rules) {
        const intervals = (rule.sources?.intervals ?? []).filter((iv) => inCatalogue(iv));
        if (intervals.length > 0) rules.push({ ports: rule.destinationPorts, intervals });
      }
    }
    byPath.set(path, rules);
  }
  return rules;
}

/** Source intervals of the path's rules that name catalogue addresses, for rules that meet the flow's ports. */
function catalogueIntervals(model: ConfigModel, path: EvaluationPath, flow: Flow, inCatalogue: CatalogueMembership): IpInterval[] {
  return namingRules(model, path, inCatalogue).flatMap(({ ports, intervals }) => (ports && ports.length > 0 && intersectPorts(ports, flow.ports).length === 0 ? [] : intervals));
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
  inCatalogue: CatalogueMembership,
  // The addresses whose naming shows intent: the flow's own, or (for an announced addition) its whole set's.
  intent?: readonly IpInterval[],
): Flow | undefined {
  const lists = pathLists(model, path);
  if (flow.direction === 'inbound') {
    if (flow.remote.kind !== 'addresses') return undefined;
    const remote = intent ?? flow.remote.intervals;
    // Only addresses of this flow's own set or row show the intent: a Graph webhook's allow-list
    // says nothing about Exchange mailbox migration. A flow of only the prefixes a list is
    // missing (a fix) has the intent of the set's prefixes the list does name.
    const named = catalogueIntervals(model, path, flow, inCatalogue).filter((iv) => remote.some((r) => intervalsOverlap(r, iv)) || inCatalogue(iv, flow.origin));
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
export function carriedPart(model: ConfigModel, path: EvaluationPath, flow: Flow, inCatalogue: CatalogueMembership, translated: boolean): Flow | undefined {
  if (flow.direction !== 'inbound') return intendedPart(model, path, flow, inCatalogue);
  if (translated) return path.direction === 'forward' ? flow : undefined;
  const local = flow.local;
  if (local) {
    const naming = model.paths.filter((p) => pathLists(model, p).some((l) => l.rules.some((r) => namesLocal(r, local))));
    if (naming.length > 0) return naming.some((p) => p.id === path.id) ? flow : undefined;
  } else {
    const intended = model.paths.filter((p) => intendedPart(model, p, flow, inCatalogue) !== undefined);
    if (intended.length > 0) return intended.some((p) => p.id === path.id) ? intendedPart(model, path, flow, inCatalogue) : undefined;
  }
  // A device whose bindings do not say which side faces the Internet has only paths of either direction.
  const inbound = model.paths.some((p) => p.direction === 'inbound');
  return path.direction === 'inbound' || !inbound ? flow : undefined;
}
