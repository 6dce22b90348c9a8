import { t } from '../../l10n';
import type { Placement, PlacementPart, PlacementRequest } from '../dialect';
import { afterLine, afterRules, beforeRule, editSites, endOfText, entriesBySite, lineStart, type EditSite } from '../placement';
import type { CiscoVendor } from './parse';
import { ciscoTarget, type CiscoTarget } from './render';

function sitePart(request: PlacementRequest<CiscoVendor>, site: EditSite, entries: number[]): PlacementPart<CiscoTarget> {
  const { lines } = request;
  const list = site.list;
  const from = lineStart(lines, list.range.start.line);
  const point =
    site.ruleIndex >= 0
      ? beforeRule(lines, list, site.ruleIndex, from)
      : (afterRules(lines, list, { from, to: lines.text.length }) ?? { offset: afterLine(lines, list.range.end.line), indent: '', description: t('after the header of {0}', list.name) });
  return { kind: 'block', entries, point: { ...point, indent: '' }, target: ciscoTarget(request.parsed.vendor, list.id) };
}

/**
 * Cisco placement: in the access list bound where the flow crosses the device, in front of the
 * entry that decides it (an explicit `deny ip any any` included), or after the list's last entry
 * when its implicit deny decides. Commands are read from the first column; entries of an IOS
 * named list get their sequence numbers when the block is fitted.
 */
export function placeCisco(request: PlacementRequest<CiscoVendor>): Placement<CiscoTarget> {
  const sites = editSites(request.parsed.model, request.decisions).filter((s) => s.list.kind === 'packet-filter');
  if (sites.length === 0) {
    const point = endOfText(request.lines, t('at the end of the file'), true);
    return { parts: [{ kind: 'block', entries: request.policy.entries.map((_e, i) => i), point, target: ciscoTarget(request.parsed.vendor) }], notPlaced: [] };
  }
  const entries = entriesBySite(request, sites);
  return { parts: sites.map((site, i) => sitePart(request, site, entries[i]!)), notPlaced: [] };
}
