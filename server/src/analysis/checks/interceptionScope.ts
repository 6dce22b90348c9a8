import type { EndpointSet } from '../../catalog/types';
import { mergeIntervals, type IpInterval } from '../../model/address';
import type { ConfigModel } from '../../model/config';
import type { DecidingPoint, Flow } from '../../model/policy';
import type { Range } from '../../model/range';
import { t } from '../../l10n';
import type { CatalogView, CheckContext } from '../context';
import { catalogReference, decidingLocation, decidingSubject, describeIntervals, describeOrigin, formatPorts } from '../describe';
import type { Finding, FindingCode, Fix } from '../finding';
import { flowsFor, hostFlowsFor, originKey } from '../scope';
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
function describeParts(group: InterceptionGroup): string {
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
function groupLocation(model: ConfigModel, group: InterceptionGroup): { range: Range; label: string } {
  if (group.point) return decidingLocation(model, group.point);
  return { range: model.paths[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, label: model.paths[0]?.name ?? '' };
}

/** The fix both checks offer: the set's managed block, which each dialect renders with the exemption its device needs. */
function exemptionFix(catalog: CatalogView, group: InterceptionGroup, title: string): Fix[] {
  return [{ title, preferred: true, policy: fixPolicy([{ flow: group.flow, intervals: group.flow.remote.kind === 'addresses' ? group.flow.remote.intervals : [] }], catalog, describeOrigin(group.flow.origin, catalog)) }];
}

/** "endpoint set 12 (Microsoft Teams, Allow)": how a message names the set. */
function setSummary(set: EndpointSet, catalog: CatalogView): string {
  return describeOrigin({ source: 'web-service', instance: catalog.instance, setId: set.id }, catalog);
}

/** What tells the findings of one interception check apart: code, subject word, message and fix title. */
export interface InterceptionWording {
  code: FindingCode;
  /** The middle part of the subject (`auth`, `tls`), so the two checks never share one. */
  subjectTag: string;
  message: (origin: string, parts: string, location: string, category: string) => string;
  fixTitle: (origin: string) => string;
}

/** One finding per group: an error for Optimize sets, a warning for Allow, at the deciding line. */
export function interceptionFindings(model: ConfigModel, catalog: CatalogView, groups: Map<string, InterceptionGroup>, wording: InterceptionWording): Finding[] {
  return [...groups.values()].map((group): Finding => {
    const location = groupLocation(model, group);
    const origin = setSummary(group.set, catalog);
    return {
      code: wording.code,
      severity: group.set.category === 'Optimize' ? 'error' : 'warning',
      message: wording.message(origin, describeParts(group), location.label, group.set.category),
      subject: `${originKey(group.flow.origin)}|${wording.subjectTag}|${group.point ? decidingSubject(model, group.point) : '-'}`,
      range: location.range,
      related: [{ message: t('Catalogue entry for {0} (version {1})', origin, catalog.version), catalog: catalogReference(group.flow.origin) }],
      fixes: exemptionFix(catalog, group, wording.fixTitle(origin)),
    };
  });
}
