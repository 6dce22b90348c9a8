import { intersectIntervals, intervalToCidrs, mergeIntervals, minusIntervals, type IpInterval } from '../../model/address';
import type { Rule } from '../../model/config';
import { lineBreakOf, type TextEdit } from '../../model/edit';
import { matchRule } from '../../model/match';
import { minusPorts } from '../../model/ports';
import { t } from '../../l10n';
import type { FlowDecision, PlacementPart, PlacementRequest } from '../dialect';
import { afterLine, type EditSite } from '../placement';
import { ruleComment } from '../ruleComment';
import type { CiscoNetworkGroup, CiscoVendor } from './vendor';
import { groupMember, MAX_REMARK, type CiscoTarget } from './render';

type Request = PlacementRequest<CiscoVendor>;

/** Whether every path through a list carries traffic of this direction. */
function listDirection(request: Request, listId: string, direction: FlowDecision['flow']['direction']): boolean {
  const paths = request.parsed.model.paths.filter((p) => p.stages.includes(listId));
  return paths.length > 0 && paths.every((p) => p.direction === direction);
}

/**
 * A group new members can go into without changing what the file does to other traffic: an
 * object-group whose members are all known, named by nothing but permit entries that match it as
 * the Microsoft side of flows in this direction.
 */
function extensible(request: Request, group: CiscoNetworkGroup, decision: FlowDecision): boolean {
  const side = decision.flow.direction === 'inbound' ? 'source' : 'destination';
  if (group.kind !== 'object-group' || group.unresolved !== undefined || group.lastMemberLine === undefined || group.otherMentions !== 0 || group.uses.length === 0) return false;
  return group.uses.every((u) => u.accept && u.side === side && listDirection(request, u.listId, decision.flow.direction));
}

function remoteOf(decision: FlowDecision): IpInterval[] {
  return decision.flow.remote.kind === 'addresses' ? decision.flow.remote.intervals : [];
}

/** A permit naming the group that the flow meets before its decision, on its protocol and every one of its ports. */
function acceptsBefore(request: Request, group: CiscoNetworkGroup, decision: FlowDecision): boolean {
  const model = request.parsed.model;
  const point = decision.outcome.decidedBy;
  const stages = decision.path.stages;
  return group.uses.some((use) => {
    const list = model.ruleLists.find((l) => l.id === use.listId);
    const stage = stages.indexOf(use.listId);
    const decidingStage = point ? stages.indexOf(point.listId) : -1;
    if (!list || stage < 0 || (point && stage > decidingStage)) return false;
    return list.rules.some((rule: Rule, index) => {
      if (rule.range.start.line !== use.line) return false;
      if (point && stage === decidingStage && point.ruleIndex >= 0 && index >= point.ruleIndex) return false;
      const match = matchRule(rule, decision.flow);
      return match !== undefined && match.uncertain === undefined && (match.ports === undefined || minusPorts(decision.flow.ports, match.ports).length === 0);
    });
  });
}

/**
 * Network object-groups that already hold part of an endpoint set and that a permit on the
 * flow's path matches it by: the missing members go there (IPv4 only on IOS, whose classic
 * object-groups hold no IPv6). Returns the edits and the decisions they take care of.
 */
export function groupExtensions(request: Request, sites: readonly EditSite[]): { parts: PlacementPart<CiscoTarget>[]; handled: Set<FlowDecision> } {
  const { parsed, policy, lines } = request;
  const vendor = parsed.vendor;
  const byGroup = new Map<CiscoNetworkGroup, FlowDecision[]>();
  for (const decision of sites.flatMap((s) => s.decisions)) {
    if (decision.outcome.value === 'allowed') continue;
    const entry = policy.entries[decision.entry];
    const remote = remoteOf(decision);
    if (!entry || remote.length === 0 || (vendor.platform === 'ios' && remote.some((iv) => iv.family === 6))) continue;
    const group = vendor.networkGroups.find(
      (g) => intersectIntervals(g.intervals, entry.addresses).length > 0 && minusIntervals(remote, g.intervals).length > 0 && extensible(request, g, decision) && acceptsBefore(request, g, decision),
    );
    if (group) byGroup.set(group, [...(byGroup.get(group) ?? []), decision]);
  }
  const parts: PlacementPart<CiscoTarget>[] = [];
  const handled = new Set<FlowDecision>();
  const lineBreak = lineBreakOf(request.text);
  for (const [group, decisions] of byGroup) {
    const missing = mergeIntervals(decisions.flatMap((d) => minusIntervals(remoteOf(d), group.intervals)));
    const cidrs = missing.flatMap(intervalToCidrs);
    const entries = [...new Set(decisions.map((d) => d.entry))].sort((a, b) => a - b);
    const comment = ruleComment(policy.purpose, entries.map((i) => policy.entries[i]!.origin), policy.catalogVersion, MAX_REMARK);
    const added = [` ! ${comment}`, ...cidrs.map((c) => ` ${groupMember(vendor.platform, c)}`)];
    const offset = afterLine(lines, group.lastMemberLine!);
    const atEnd = offset === request.text.length && !/[\r\n]$/.test(request.text);
    const position = lines.positionAt(offset);
    const edit: TextEdit = { range: { start: position, end: position }, newText: `${atEnd ? lineBreak : ''}${added.join(lineBreak)}${lineBreak}` };
    parts.push({
      kind: 'edits',
      entries,
      edits: [edit],
      description:
        cidrs.length === 1
          ? t('Added 1 prefix to the object-group {0} after line {1}; the permits that name it already let this traffic through.', group.name, group.lastMemberLine! + 1)
          : t('Added {0} prefixes to the object-group {1} after line {2}; the permits that name it already let this traffic through.', cidrs.length, group.name, group.lastMemberLine! + 1),
    });
    for (const d of decisions) handled.add(d);
  }
  return { parts, handled };
}
