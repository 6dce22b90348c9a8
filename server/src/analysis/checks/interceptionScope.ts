import type { EndpointSet } from '../../catalog/types';
import { mergeIntervals, type IpInterval } from '../../model/address';
import type { ConfigModel } from '../../model/config';
import type { DecidingPoint, Flow } from '../../model/policy';
import type { Range } from '../../model/range';
import { t } from '../../l10n';
import type { CatalogView, CheckContext } from '../context';
import { decidingLocation, decidingSubject, describeIntervals, describeOrigin, formatPorts } from '../describe';
import type { Fix } from '../finding';
import { flowsFor, hostFlowsFor } from '../scope';
import { fixPolicy } from './blockedRequired';

/**
 * The flows Microsoft asks to reach its service untouched (Optimize and Allow sets), with their
 * set: the traffic that TLS inspection and proxy authentication break. `requiredOnly` keeps the
 * sets marked required.
 */
export function directFlows(context: CheckContext, requiredOnly: boolean): Array<{ flow: Flow; set: EndpointSet }> {
  const { catalog, settings, model } = context;
  const byHost = model.paths.some((p) => p.decidesBy === 'host') ? hostFlowsFor(catalog, settings) : [];
  const out: Array<{ flow: Flow; set: EndpointSet }> = [];
  for (const flow of [...flowsFor(catalog, settings), ...byHost]) {
    if (flow.direction !== 'outbound' || flow.origin.source !== 'web-service') continue;
    const setId = flow.origin.setId;
    const set = catalog.sets.find((s) => s.id === setId);
    if (!set || (set.category !== 'Optimize' && set.category !== 'Allow')) continue;
    if (requiredOnly && !set.required) continue;
    out.push({ flow, set });
  }
  return out;
}

/** What part of a flow a finding is about: its ports ("TCP 443") and where to ("*.teams.microsoft.com", "52.112.0.0/14"). */
export function describeFlowPart(flow: Flow, ports: Flow['ports'], intervals: readonly IpInterval[]): { ports: string; to: string } {
  const to = flow.remote.kind === 'host' ? flow.remote.pattern : describeIntervals(mergeIntervals(intervals), flow.remote.intervals);
  return { ports: formatPorts(flow.protocol, ports), to };
}

/** Most names said in a message for one port set; the rest are counted. */
const NAMES_SAID = 4;

/** "TCP 80, 443 to a, b, c, d and 3 more; TCP 443 to e": a group's parts, by port set. */
export function describeParts(group: InterceptionGroup): string {
  return [...group.parts.entries()]
    .map(([ports, targets]) => {
      const names = [...targets];
      const said = names.length <= NAMES_SAID ? names.join(', ') : t('{0} and {1} more', names.slice(0, NAMES_SAID).join(', '), names.length - NAMES_SAID);
      return `${ports} ${t('to')} ${said}`;
    })
    .join('; ');
}

/** One finding's worth of flows: one set, one deciding line. */
export interface InterceptionGroup {
  set: EndpointSet;
  flow: Flow;
  point: DecidingPoint | undefined;
  /** Targets by the ports they are reached on, in the order found. */
  parts: Map<string, Set<string>>;
}

export function addToGroup(groups: Map<string, InterceptionGroup>, model: ConfigModel, set: EndpointSet, flow: Flow, point: InterceptionGroup['point'], part: { ports: string; to: string }): void {
  const key = `${set.id}|${point ? decidingSubject(model, point) : '-'}`;
  let group = groups.get(key);
  if (!group) {
    group = { set, flow, point, parts: new Map() };
    groups.set(key, group);
  }
  const targets = group.parts.get(part.ports) ?? new Set<string>();
  targets.add(part.to);
  group.parts.set(part.ports, targets);
}

/** Where a group's finding points and how the message names it. */
export function groupLocation(model: ConfigModel, group: InterceptionGroup): { range: Range; label: string } {
  if (group.point) return decidingLocation(model, group.point);
  return { range: model.paths[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, label: model.paths[0]?.name ?? '' };
}

/** The fix both checks offer: the set's managed block, which each dialect renders with the exemption its device needs. */
export function exemptionFix(catalog: CatalogView, group: InterceptionGroup, title: string): Fix[] {
  return [{ title, preferred: true, policy: fixPolicy([{ flow: group.flow, intervals: group.flow.remote.kind === 'addresses' ? group.flow.remote.intervals : [] }], catalog, describeOrigin(group.flow.origin, catalog)) }];
}

/** "endpoint set 12 (Microsoft Teams, Allow)": how a message names the set. */
export function setSummary(set: EndpointSet, catalog: CatalogView): string {
  return describeOrigin({ source: 'web-service', instance: catalog.instance, setId: set.id }, catalog);
}
