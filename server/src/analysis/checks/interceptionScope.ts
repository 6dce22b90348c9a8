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

/** "TCP 443 to *.teams.microsoft.com" or "TCP 443 to 52.112.0.0/14": what part of a flow a finding is about. */
export function describeFlowPart(flow: Flow, ports: Flow['ports'], intervals: readonly IpInterval[]): string {
  if (flow.remote.kind === 'host') return `${formatPorts(flow.protocol, ports)} ${t('to')} ${flow.remote.pattern}`;
  return `${formatPorts(flow.protocol, ports)} ${t('to')} ${describeIntervals(mergeIntervals(intervals), flow.remote.intervals)}`;
}

/** One finding's worth of flows: one set, one deciding line. */
export interface InterceptionGroup {
  set: EndpointSet;
  flow: Flow;
  point: DecidingPoint | undefined;
  parts: Map<string, string>;
}

export function addToGroup(groups: Map<string, InterceptionGroup>, model: ConfigModel, set: EndpointSet, flow: Flow, point: InterceptionGroup['point'], part: string): void {
  const key = `${set.id}|${point ? decidingSubject(model, point) : '-'}`;
  let group = groups.get(key);
  if (!group) {
    group = { set, flow, point, parts: new Map() };
    groups.set(key, group);
  }
  group.parts.set(part, part);
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
