import { t } from '../../l10n';
import type { Placement, PlacementPart, PlacementRequest } from '../dialect';
import { afterLine, afterRules, beforeRule, braceBlockAfter, editSites, endOfText, entriesBySite, insideBraces, translatedLocal, translationNote, type EditSite } from '../placement';
import type { NftVendor } from './parse';
import type { NftablesTarget } from './render';

const LIST_ID = /^(ip|ip6|inet|bridge|netdev|arp) (\S+):(\S+)$/;

function sitePart(request: PlacementRequest<NftVendor>, site: EditSite, entries: number[]): PlacementPart<NftablesTarget> | undefined {
  const { lines, text } = request;
  const id = LIST_ID.exec(site.list.id);
  const family = id?.[1];
  const table = id?.[2];
  const chain = id?.[3];
  if (family === undefined || table === undefined || chain === undefined) return undefined;
  const braces = braceBlockAfter(text, lines.offsetAt(site.list.range.start));
  const note = translationNote(request.parsed.model, site);
  const local = translatedLocal(site);
  const extras = { ...(note ? { notes: [note] } : {}), ...(local ? { local } : {}) };
  if (braces) {
    const body = insideBraces(lines, braces, site.list.name, false);
    const from = body.window?.from ?? body.offset;
    const point = site.ruleIndex >= 0 ? beforeRule(lines, site.list, site.ruleIndex, from) : body;
    return { kind: 'block', entries, point, target: { mode: 'body', family, table, chain }, ...extras };
  }
  // A file of `add` commands: the rules are appended where the block stands, so it goes in front of the command that decides.
  const from = afterLine(lines, site.list.range.end.line);
  const point =
    site.ruleIndex >= 0
      ? beforeRule(lines, site.list, site.ruleIndex, from)
      : (afterRules(lines, site.list, { from, to: lines.text.length }) ?? { offset: from, indent: '', description: t('after the declaration of {0}', site.list.name), window: { from, to: from } });
  return { kind: 'block', entries, point: { ...point, indent: '' }, target: { mode: 'commands', family, table, chain }, ...extras };
}

/**
 * nftables placement: in front of the rule that decides each flow in the base chain (or the
 * chain it jumps to) of the hook the flow takes, inside that chain's body; a file of `add`
 * commands gets commands in front of the one that decides. A file without a chain for the
 * traffic gets a table of its own.
 */
export function placeNftables(request: PlacementRequest<NftVendor>): Placement<NftablesTarget> {
  const sites = editSites(request.parsed.model, request.decisions).filter((s) => s.list.kind === 'packet-filter');
  const entries = entriesBySite(request, sites);
  const parts = sites.map((site, i) => sitePart(request, site, entries[i]!)).filter((p): p is PlacementPart<NftablesTarget> => p !== undefined);
  if (parts.length > 0) return { parts, notPlaced: [] };
  const point = endOfText(request.lines, t('at the end of the file, as a table of its own'), true);
  return { parts: [{ kind: 'block', entries: request.policy.entries.map((_e, i) => i), point, target: { mode: 'table' } }], notPlaced: [] };
}
