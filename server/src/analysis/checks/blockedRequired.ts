import { intervalsOverlap, mergeIntervals, type IpInterval } from '../../model/address';
import type { DecidingPoint, Flow, Policy, PolicyEntry } from '../../model/policy';
import { t } from '../../l10n';
import type { CatalogView, Check, CheckContext } from '../context';
import { catalogReference, decidingLocation, decidingSubject, describeIntervals, describeOrigin, formatPorts } from '../describe';
import { evaluateFlow } from '../evaluate';
import { catalogueMembership, intendedPart } from '../carriers';
import type { Finding } from '../finding';
import { flowsFor, namedRowFlows, originKey } from '../scope';
import { endpointSetsPolicy } from '../../policies/endpointSets';

interface BlockedGroup {
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

/** Required endpoints that a rule or a default policy blocks, one finding per set and deciding line. */
export const blockedRequired: Check = (context: CheckContext) => {
  const { model, catalog } = context;
  if (model.paths.length === 0) return [];
  const groups = new Map<string, BlockedGroup>();
  const inCatalogue = catalogueMembership(catalog);
  const sources = model.ruleLists.flatMap((l) => l.rules.flatMap((r) => (r.action.type === 'accept' && r.sources && !r.sources.negated ? r.sources.intervals : [])));
  const named = (intervals: readonly IpInterval[]): boolean => intervals.some((iv) => sources.some((s) => intervalsOverlap(iv, s)));
  for (const flow of [...flowsFor(catalog, context.settings), ...namedRowFlows(catalog, context.settings, named)]) {
    for (const evaluation of evaluateFlow(model, flow, (path, whole) => intendedPart(model, path, whole, inCatalogue))) {
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
  const findings: Finding[] = [];
  for (const group of groups.values()) {
    const origin = describeOrigin(group.flow.origin, catalog);
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
    const flowOrigin = group.flow.origin;
    // Other-endpoints rows are optional by Microsoft's own words; sets say so themselves.
    const required = flowOrigin.source === 'web-service' && catalog.sets.find((s) => s.id === flowOrigin.setId)?.required === true;
    const message = required
      ? t('Required Microsoft 365 {0} is blocked: {1}. Decided by {2}.', origin, what, location.label)
      : t('Microsoft 365 {0} is blocked: {1}. Decided by {2}.', origin, what, location.label);
    const pieces = [...group.pieces.values()];
    const decider = group.point ? decidingSubject(model, group.point) : [...group.paths].join(',');
    findings.push({
      code: 'blocked-required',
      severity: required ? 'error' : 'warning',
      message,
      subject: `${originKey(group.flow.origin)}|${group.flow.direction}|${decider}`,
      range: location.range,
      related: [
        { message: t('Catalogue entry for {0} (version {1})', origin, catalog.version), catalog: catalogReference(group.flow.origin) },
      ],
      fixes: [
        {
          title: t('Insert rules that allow {0}', origin),
          preferred: true,
          policy: fixPolicy(pieces, catalog, origin),
        },
      ],
    });
  }
  return findings;
};
