import type { RuleList } from '../../model/config';
import type { LineIndex } from '../../model/range';
import { t } from '../../l10n';
import type { InsertionPoint, Placement, PlacementPart, PlacementRequest } from '../dialect';
import { afterLine, afterRules, beforeRule, editSites, endOfText, entriesBySite, lineStart, translatedLocal, translationNote, type EditSite } from '../placement';
import type { IptablesVendor } from './parse';
import type { IptablesTarget } from './render';

type Family = 4 | 6;

/** `-A` lines of a save file, or commands of a script; an empty file takes the save format. */
function styleOf(request: PlacementRequest<IptablesVendor>): IptablesTarget['style'] {
  const { vendor, model } = request.parsed;
  if (vendor.style === 'save') return 'save';
  return model.ruleLists.length === 0 && !/^\s*(sudo\s+)?(\S*\/)?ip6?tables\b/m.test(request.text) ? 'save' : 'script';
}

/** The chain name of a list id (`filter:FORWARD`, `ip6:filter:FORWARD`). */
function chainOf(list: RuleList): string {
  const parts = list.id.replace(/^ip6:/, '').split(':');
  return parts[1] ?? list.name;
}

/** The line of the `*filter` header whose section holds `line`, or the first one. */
function filterHeaderBefore(lines: LineIndex, line: number): number | undefined {
  let found: number | undefined;
  for (let l = 0; l < lines.lineCount; l++) {
    if (!/^\*filter\s*$/.test(lines.lineText(l))) continue;
    if (l <= line || found === undefined) found = l;
    if (l > line) break;
  }
  return found;
}

/** Before the COMMIT that ends the table section holding `line`; anywhere in that section still loads the rules. */
function commitAfter(lines: LineIndex, line: number): InsertionPoint | undefined {
  for (let l = line; l < lines.lineCount; l++) {
    if (!/^COMMIT\s*$/.test(lines.lineText(l))) continue;
    const offset = lineStart(lines, l);
    return { offset, indent: '', description: t('before COMMIT on line {0}', l + 1), window: { from: afterLine(lines, line), to: offset } };
  }
  return undefined;
}

/** Where rules at the end of a list go when it has none: before its table's COMMIT, or after the script declares it. */
function emptyListPoint(lines: LineIndex, list: RuleList, style: IptablesTarget['style']): InsertionPoint {
  if (style === 'save') return commitAfter(lines, list.range.start.line) ?? endOfText(lines, t('at the end of the file'));
  return { offset: afterLine(lines, list.range.end.line), indent: '', description: t('after the declaration of {0}', list.name) };
}

/** The earliest offset a block for this list may start at and still be read in its table (save) or after the chain exists (script). */
function windowStart(lines: LineIndex, list: RuleList, style: IptablesTarget['style']): number {
  if (style === 'script') return list.defaultRange || list.rules.length > 0 ? afterLine(lines, list.range.end.line) : 0;
  const header = filterHeaderBefore(lines, list.range.start.line);
  return header === undefined ? 0 : afterLine(lines, header);
}

function sitePart(request: PlacementRequest<IptablesVendor>, site: EditSite, entries: number[], style: IptablesTarget['style'], fileFamilies: ReadonlySet<Family>): PlacementPart<IptablesTarget> {
  const { lines } = request;
  const list = site.list;
  const from = windowStart(lines, list, style);
  const sectionEnd = style === 'save' ? (commitAfter(lines, list.range.start.line)?.offset ?? lines.text.length) : lines.text.length;
  const point = site.ruleIndex >= 0 ? beforeRule(lines, list, site.ruleIndex, from) : (afterRules(lines, list, { from, to: sectionEnd }) ?? emptyListPoint(lines, list, style));
  const own: Family[] = list.families ?? [4, 6];
  // A script block may also set up a family the script has no rules for at all.
  const families = style === 'save' ? own : [...new Set<Family>([...own, ...([4, 6] as Family[]).filter((f) => !fileFamilies.has(f))])].sort();
  const note = translationNote(request.parsed.model, site);
  const local = translatedLocal(site);
  return {
    kind: 'block',
    entries,
    point: { ...point, indent: '' },
    target: { style, chain: chainOf(list), families },
    ...(note ? { notes: [note] } : {}),
    ...(local ? { local } : {}),
  };
}

/**
 * iptables placement: in front of the rule that decides each flow, in the chain the flow actually
 * traverses (OUTPUT on a host, FORWARD on a gateway, a user chain it jumps to, the caller of a
 * log-and-drop chain), or at the end of a chain whose policy decides. Every command is read from
 * the first column, so blocks take no indentation.
 */
export function placeIptables(request: PlacementRequest<IptablesVendor>): Placement<IptablesTarget> {
  const { lines, parsed } = request;
  const style = styleOf(request);
  const fileFamilies = new Set<Family>(parsed.model.ruleLists.flatMap((l) => l.families ?? []));
  const sites = editSites(parsed.model, request.decisions).filter((s) => s.list.kind === 'packet-filter');
  if (sites.length === 0) {
    const header = style === 'save' ? filterHeaderBefore(lines, 0) : undefined;
    const point = (header !== undefined ? commitAfter(lines, header) : undefined) ?? endOfText(lines, t('at the end of the file'), true);
    const families: Family[] = style === 'save' ? [parsed.vendor.families.length === 1 ? parsed.vendor.families[0]! : 4] : [4, 6];
    return { parts: [{ kind: 'block', entries: request.policy.entries.map((_e, i) => i), point, target: { style, families } }], notPlaced: [] };
  }
  const entries = entriesBySite(request, sites);
  return { parts: sites.map((site, i) => sitePart(request, site, entries[i]!, style, fileFamilies)), notPlaced: [] };
}
