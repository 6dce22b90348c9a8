import { intervalsOverlap, mergeIntervals, type IpInterval } from '../../model/address';
import type { ConfigModel, EvaluationPath, Rule, RuleList } from '../../model/config';
import type { DecidingPoint, Flow, Policy, PolicyEntry } from '../../model/policy';
import { t } from '../../l10n';
import type { CatalogView, Check, CheckContext } from '../context';
import { catalogReference, decidingLocation, describeIntervals, describeOrigin, formatPorts } from '../describe';
import { evaluateFlow } from '../evaluate';
import { intersectPorts } from '../../model/ports';
import type { Finding } from '../finding';
import type { Range } from '../../model/range';
import { flowsFor, originKey } from '../scope';
import { endpointSetsPolicy } from '../../policies/endpointSets';

export interface BlockedGroup {
  flow: Flow;
  point: DecidingPoint | undefined;
  pieces: Map<string, { flow: Flow; intervals: IpInterval[] }>;
  paths: Set<string>;
}

/** Jump targets count as part of the path that reaches them. */
function reachableLists(model: ConfigModel, start: string[]): RuleList[] {
  const byId = new Map<string, RuleList>(model.ruleLists.map((l) => [l.id, l]));
  const seen = new Map<string, RuleList>();
  const queue = [...start];
  while (queue.length > 0) {
    const id = queue.pop()!;
    const list = byId.get(id);
    if (!list || seen.has(id)) continue;
    seen.set(id, list);
    for (const rule of list.rules) {
      if (rule.action.type === 'jump' || rule.action.type === 'goto') queue.push(rule.action.target);
    }
  }
  return [...seen.values()];
}

/** Answers "is this interval in the catalogue?" once per interval: the same lists are asked for every flow. */
function catalogueMembership(catalog: CatalogView): (interval: IpInterval) => boolean {
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
function intendedPart(model: ConfigModel, path: EvaluationPath, flow: Flow, inCatalogue: (interval: IpInterval) => boolean, intent: IpInterval[]): Flow | undefined {
  const lists = reachableLists(model, path.stages);
  if (flow.direction === 'inbound') {
    if (flow.remote.kind !== 'addresses') return undefined;
    const remote = intent;
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

export function blockedPolicy(flows: Array<{ flow: Flow; intervals: IpInterval[] }>, catalog: CatalogView, title: string, purpose: string): Policy {
  const first = flows[0]!.flow;
  const entries: PolicyEntry[] = flows.map(({ flow, intervals }) => ({
    label: describeOrigin(flow.origin, catalog),
    origin: flow.origin,
    protocol: flow.protocol,
    ports: flow.ports,
    addresses: mergeIntervals(intervals),
    urls: [],
  }));
  return { purpose, title, action: 'allow', direction: first.direction, instance: catalog.instance, catalogVersion: catalog.version, entries };
}

export function purposeFor(flow: Flow): string {
  const base = flow.origin.source === 'web-service' ? `set-${flow.origin.setId}` : `row-${flow.origin.row}`;
  return flow.direction === 'inbound' ? `${base}-inbound` : base;
}

/**
 * The rules a fix inserts: an outbound web-service set gets the same managed block "Insert rules for
 * endpoint sets" writes (so "Refresh managed blocks" keeps it current); anything else gets exactly
 * the blocked addresses.
 */
export function fixPolicy(flows: Array<{ flow: Flow; intervals: IpInterval[] }>, catalog: CatalogView, title: string): Policy {
  const first = flows[0]!.flow;
  if (first.origin.source === 'web-service' && first.direction === 'outbound') {
    const result = endpointSetsPolicy(catalog, { setIds: [first.origin.setId] });
    const policy = result.ok ? result.policies.find((p) => p.direction === 'outbound') : undefined;
    if (policy) return policy;
  }
  return blockedPolicy(flows, catalog, title, purposeFor(first));
}

/**
 * Evaluates flows the way `blocked-required` does: each path only for the part of a flow it is
 * meant to carry, the blocked pieces grouped by origin, direction and deciding line. `intent`
 * gives the addresses whose naming in a rule shows a path is meant for the flow (by default the
 * flow's own; an announced addition is judged by its whole set).
 */
export function blockedGroups(context: CheckContext, flows: readonly Flow[], intent: (flow: Flow) => IpInterval[] = (flow) => (flow.remote.kind === 'addresses' ? flow.remote.intervals : [])): BlockedGroup[] {
  const { model, catalog } = context;
  if (model.paths.length === 0) return [];
  const groups = new Map<string, BlockedGroup>();
  const inCatalogue = catalogueMembership(catalog);
  for (const flow of flows) {
    const intended = intent(flow);
    for (const evaluation of evaluateFlow(model, flow, (path, whole) => intendedPart(model, path, whole, inCatalogue, intended))) {
      for (const outcome of evaluation.outcomes) {
        if (outcome.value !== 'blocked') continue;
        const pointKey = outcome.decidedBy ? `${outcome.decidedBy.listId}#${outcome.decidedBy.ruleIndex}` : evaluation.path.id;
        const key = `${originKey(flow.origin)}|${flow.direction}|${pointKey}`;
        let group = groups.get(key);
        if (!group) {
          group = { flow, point: outcome.decidedBy, pieces: new Map(), paths: new Set() };
          groups.set(key, group);
        }
        group.paths.add(evaluation.path.name);
        // Said with the ports actually blocked: a rule may let 443 through and block only 80.
        const ports = outcome.region.ports;
        const flowKey = `${flow.protocol}:${ports.map((p) => `${p.from}-${p.to}`).join(',')}`;
        const piece = group.pieces.get(flowKey) ?? { flow: { ...flow, ports }, intervals: [] };
        piece.intervals.push(...outcome.region.intervals);
        group.pieces.set(flowKey, piece);
      }
    }
  }
  return [...groups.values()];
}

export interface BlockedDescription {
  /** How the catalogue names the group's origin ("endpoint set 11 (Microsoft Teams, Optimize)"). */
  origin: string;
  /** The deciding line and how to name it. */
  location: { range: Range; label: string };
  /** "UDP 3478-3481 to 52.114.0.0/15 of 52.112.0.0/14": what is blocked. */
  what: string;
  /** The blocked pieces, for the fix. */
  pieces: Array<{ flow: Flow; intervals: IpInterval[] }>;
}

export function describeBlocked(context: CheckContext, group: BlockedGroup): BlockedDescription {
  const { model, catalog } = context;
  const location = group.point
    ? decidingLocation(model, group.point)
    : { range: model.paths.find((p) => group.paths.has(p.name))?.range ?? model.paths[0]!.range, label: [...group.paths].join(', ') };
  const what = [...group.pieces.values()]
    .map(({ flow, intervals }) => {
      const prefixes = flow.remote.kind === 'addresses' ? flow.remote.intervals : [];
      const toFrom = flow.direction === 'inbound' ? t('from') : t('to');
      return `${formatPorts(flow.protocol, flow.ports)} ${toFrom} ${describeIntervals(mergeIntervals(intervals), prefixes)}`;
    })
    .join('; ');
  return { origin: describeOrigin(group.flow.origin, catalog), location, what, pieces: [...group.pieces.values()] };
}

/** Required endpoints that a rule or a default policy blocks, one finding per set and deciding line. */
export const blockedRequired: Check = (context: CheckContext) => {
  const { catalog } = context;
  return blockedGroups(context, flowsFor(catalog, context.settings)).map((group) => {
    const { origin, location, what, pieces } = describeBlocked(context, group);
    const flowOrigin = group.flow.origin;
    // Other-endpoints rows are optional by Microsoft's own words; sets say so themselves.
    const required = flowOrigin.source === 'web-service' && catalog.sets.find((s) => s.id === flowOrigin.setId)?.required === true;
    const message = required
      ? t('Required Microsoft 365 {0} is blocked: {1}. Decided by {2}.', origin, what, location.label)
      : t('Microsoft 365 {0} is blocked: {1}. Decided by {2}.', origin, what, location.label);
    return {
      code: 'blocked-required',
      severity: required ? 'error' : 'warning',
      message,
      range: location.range,
      related: [{ message: t('Catalogue entry for {0} (version {1})', origin, catalog.version), catalog: catalogReference(group.flow.origin) }],
      fixes: [
        {
          title: t('Insert rules that allow {0}', origin),
          preferred: true,
          policy: fixPolicy(pieces, catalog, origin),
        },
      ],
    } satisfies Finding;
  });
};
