import { intervalsOverlap, mergeIntervals, type IpInterval } from '../../model/address';
import type { DecidingPoint, Flow, Policy, PolicyEntry } from '../../model/policy';
import { t } from '../../l10n';
import type { CatalogView, Check, CheckContext } from '../context';
import { catalogReference, decidingLocation, decidingSubject, describeIntervals, describeOrigin, formatPorts } from '../describe';
import { evaluateFlow } from '../evaluate';
import { catalogueMembership, intendedPart } from '../carriers';
import type { Finding } from '../finding';
import type { Range } from '../../model/range';
import { flowsFor, namedRowFlows, originKey } from '../scope';
import { endpointSetsPolicy } from '../../policies/endpointSets';

export interface BlockedGroup {
  flow: Flow;
  point: DecidingPoint | undefined;
  pieces: Map<string, { flow: Flow; intervals: IpInterval[] }>;
  paths: Set<string>;
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
export function blockedGroups(context: CheckContext, flows: readonly Flow[], intent?: (flow: Flow) => IpInterval[]): BlockedGroup[] {
  const { model, catalog } = context;
  if (model.paths.length === 0) return [];
  const groups = new Map<string, BlockedGroup>();
  const inCatalogue = catalogueMembership(catalog);
  for (const flow of flows) {
    const intended = intent?.(flow);
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
  /** What the group is about without line numbers: origin, direction and deciding rule. */
  subject: string;
}

export function describeBlocked(context: CheckContext, group: BlockedGroup): BlockedDescription {
  const { model, catalog } = context;
  const location = group.point
    ? decidingLocation(model, group.point, context)
    : { range: model.paths.find((p) => group.paths.has(p.name))?.range ?? model.paths[0]!.range, label: [...group.paths].join(', ') };
  const what = [...group.pieces.values()]
    .map(({ flow, intervals }) => {
      const prefixes = flow.remote.kind === 'addresses' ? flow.remote.intervals : [];
      const toFrom = flow.direction === 'inbound' ? t('from') : t('to');
      return `${formatPorts(flow.protocol, flow.ports)} ${toFrom} ${describeIntervals(mergeIntervals(intervals), prefixes)}`;
    })
    .join('; ');
  const decider = group.point ? decidingSubject(model, group.point) : [...group.paths].join(',');
  return {
    origin: describeOrigin(group.flow.origin, catalog),
    location,
    what,
    pieces: [...group.pieces.values()],
    subject: `${originKey(group.flow.origin)}|${group.flow.direction}|${decider}`,
  };
}

/** Required endpoints that a rule or a default policy blocks, one finding per set and deciding line. */
export const blockedRequired: Check = (context: CheckContext) => {
  const { catalog } = context;
  // Inbound rows the file names as senders are checked even when optional endpoints are not in scope.
  const sources = context.model.ruleLists.flatMap((l) => l.rules.flatMap((r) => (r.action.type === 'accept' && r.sources && !r.sources.negated ? r.sources.intervals : [])));
  const named = (intervals: readonly IpInterval[]): boolean => intervals.some((iv) => sources.some((s) => intervalsOverlap(iv, s)));
  return blockedGroups(context, [...flowsFor(catalog, context.settings), ...namedRowFlows(catalog, context.settings, named)]).map((group) => {
    const { origin, location, what, pieces, subject } = describeBlocked(context, group);
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
      subject,
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
