import { mergeIntervals, type IpInterval } from '../../model/address';
import type { PortRange } from '../../model/config';
import { mergePorts } from '../../model/ports';
import type { PolicyEntry } from '../../model/policy';
import { t } from '../../l10n';
import type { FlowDecision, InsertionPoint, Placement, PlacementPart, PlacementRequest } from '../dialect';
import { afterLine, afterRules, beforeRule, editSites, endOfText, entriesBySite, insideBraces, lineStart, translatedLocal, translationNote, type EditSite } from '../placement';
import type { BraceSpan, NftChainFacts, NftVendor } from './parse';
import { entryKey, type EntryAdjustment, type NftablesTarget } from './render';
import { setExtensions } from './setEdits';

type Family = 4 | 6;

const TABLE_FAMILIES: Record<string, Family[]> = { ip: [4], ip6: [6], inet: [4, 6] };

/** Where a block for a site goes, and in which form: rules in the chain's body, or commands. */
type Where = { mode: 'body'; point: InsertionPoint } | { mode: 'commands'; verb: 'add' | 'insert'; point: InsertionPoint };

function inside(span: BraceSpan, offset: number): boolean {
  return span.open < offset && offset < span.close;
}

/** The line after the table block that holds a chain body: commands there find the chain declared. */
function afterTable(request: PlacementRequest<NftVendor>, chain: NftChainFacts, body: BraceSpan): number {
  const { lines, parsed } = request;
  const table = parsed.vendor.tables.find((tb) => tb.family === chain.family && tb.name === chain.table);
  const block = table?.blocks.find((b) => b.open < body.open && body.close < b.close) ?? body;
  return afterLine(lines, lines.positionAt(block.close).line);
}

function commandsAt(offset: number, description: string): InsertionPoint {
  return { offset, indent: '', description, window: { from: offset, to: offset } };
}

/**
 * In front of the deciding rule inside the chain's body; in front of the command that appends it;
 * after the command that inserts it (or after the table whose one-line chain holds it), as
 * `insert` commands, which go in front of it. When the chain's policy decides: at the end of its
 * body, or after its last rule command.
 */
function blockWhere(request: PlacementRequest<NftVendor>, site: EditSite, facts: NftChainFacts): Where {
  const { lines } = request;
  const list = site.list;
  const bodies = facts.bodies;
  const rule = site.ruleIndex >= 0 ? list.rules[site.ruleIndex] : undefined;
  if (rule) {
    const offset = lines.offsetAt(rule.range.start);
    const body = bodies.find((b) => inside(b, offset));
    const openLine = body ? lines.positionAt(body.open).line : -1;
    if (body && openLine < rule.range.start.line) return { mode: 'body', point: beforeRule(lines, list, site.ruleIndex, afterLine(lines, openLine)) };
    if (!body && !facts.positioned.includes(site.ruleIndex)) {
      return { mode: 'commands', verb: 'add', point: { ...beforeRule(lines, list, site.ruleIndex, lineStart(lines, rule.range.start.line)), indent: '' } };
    }
    const from = body ? afterTable(request, facts, body) : afterLine(lines, rule.range.end.line);
    const description = t('after line {0}, as insert commands that put the rules in front of the rule on line {1} of {2}, which would otherwise stop this traffic', lines.positionAt(Math.max(0, from - 1)).line + 1, rule.range.start.line + 1, list.name);
    return { mode: 'commands', verb: 'insert', point: commandsAt(from, description) };
  }
  const body = bodies.at(-1);
  if (body && lines.positionAt(body.close).line > lines.positionAt(body.open).line) return { mode: 'body', point: insideBraces(lines, body, list.name, false) };
  const from = body ? afterTable(request, facts, body) : afterLine(lines, list.range.end.line);
  const point = (body ? undefined : afterRules(lines, list, { from, to: lines.text.length })) ?? commandsAt(from, t('after the declaration of {0}', list.name));
  return { mode: 'commands', verb: 'add', point: { ...point, indent: '' } };
}

/** The line of a destination-NAT rule behind the site whose new address a map chooses, if any of its flows took one. */
function mapTranslations(request: PlacementRequest<NftVendor>, site: EditSite): Map<number, number> {
  const out = new Map<number, number>();
  for (const d of site.decisions) {
    const point = d.outcome.translatedBy;
    const rule = point ? request.parsed.model.ruleLists.find((l) => l.id === point.listId)?.rules[point.ruleIndex] : undefined;
    if (rule?.action.type === 'dnat' && rule.action.to === undefined) out.set(d.entry, rule.range.start.line + 1);
  }
  return out;
}

/** The server addresses a site's rules name: after destination NAT, the inside ones (and any the site sees untranslated). */
function siteLocal(site: EditSite): IpInterval[] | undefined {
  const translated = translatedLocal(site);
  if (!translated) return undefined;
  return mergeIntervals([...translated, ...site.decisions.filter((d) => !d.outcome.translatedBy).flatMap((d) => d.flow.local ?? [])]);
}

function samePorts(a: readonly PortRange[], b: readonly PortRange[]): boolean {
  const x = mergePorts(a);
  const y = mergePorts(b);
  return x.length === y.length && x.every((p, i) => p.from === y[i]!.from && p.to === y[i]!.to);
}

/** The address families of an entry's flows that these decisions block or leave unknown. */
function openFamilies(decisions: readonly FlowDecision[], entry: number): Set<Family> {
  const out = new Set<Family>();
  for (const d of decisions) {
    if (d.entry !== entry || d.outcome.value === 'allowed' || d.flow.remote.kind !== 'addresses') continue;
    for (const iv of d.flow.remote.intervals) out.add(iv.family);
  }
  return out;
}

/** Whether an entry makes flows of a family at all: addresses of it, and a server address of it when the entry names servers. */
function hasFlows(entry: PolicyEntry, family: Family): boolean {
  const local = entry.localAddresses ?? [];
  return entry.addresses.some((iv) => iv.family === family) && (local.length === 0 || local.some((iv) => iv.family === family));
}

/** Per entry of a block: families a set edit or the file already lets through, and the ports destination NAT gave its flows. */
function adjustments(request: PlacementRequest<NftVendor>, site: EditSite, entries: readonly number[], covered: ReadonlyMap<number, Family[]>, tableFamilies: readonly Family[]): EntryAdjustment[] {
  const out: EntryAdjustment[] = [];
  for (const index of entries) {
    const entry = request.policy.entries[index];
    if (!entry) continue;
    const decisions = site.decisions.filter((d) => d.entry === index);
    const ports = decisions.some((d) => d.outcome.translatedBy) ? mergePorts(decisions.flatMap((d) => d.flow.ports)) : undefined;
    // A family the file already lets through everywhere is not written again: the rule would repeat one of the user's.
    const open = openFamilies(request.decisions, index);
    const passed = openFamilies(site.decisions, index).size > 0 ? tableFamilies.filter((f) => !open.has(f) && hasFlows(entry, f)) : [];
    const omit = [...new Set([...(covered.get(index) ?? []), ...passed])];
    const changed = ports !== undefined && !samePorts(ports, entry.ports);
    if (omit.length === 0 && !changed) continue;
    out.push({ key: entryKey(entry), ...(omit.length > 0 ? { omit } : {}), ...(changed ? { ports } : {}) });
  }
  return out;
}

/**
 * The block of one site: the entries decided there (less the families set edits took care of)
 * and, at the first site, those no site decides, so they land in the file once.
 */
function sitePart(request: PlacementRequest<NftVendor>, site: EditSite, entries: readonly number[], covered: ReadonlyMap<number, Family[]>): PlacementPart<NftablesTarget> | undefined {
  const facts = request.parsed.vendor.chains.find((c) => c.id === site.list.id);
  if (!facts || entries.length === 0) return undefined;
  const where = blockWhere(request, site, facts);
  const adjust = adjustments(request, site, entries, covered, TABLE_FAMILIES[facts.family] ?? []);
  const chain = { family: facts.family, table: facts.table, chain: facts.name, ...(adjust.length > 0 ? { adjust } : {}) };
  const target: NftablesTarget = where.mode === 'body' ? { mode: 'body', ...chain } : { mode: 'commands', verb: where.verb, ...chain };
  const note = translationNote(request.parsed.model, site);
  const local = siteLocal(site);
  return { kind: 'block', entries: [...entries], point: where.point, target, ...(note ? { notes: [note] } : {}), ...(local ? { local } : {}) };
}

/** A block in an ip table beside one in an ip6 (or inet) table leaves the other family to it, without a note. */
function leaveToOthers(parts: PlacementPart<NftablesTarget>[]): void {
  const familiesOf = (part: PlacementPart<NftablesTarget>): Family[] => (part.kind === 'block' && part.target.mode !== 'table' ? (TABLE_FAMILIES[part.target.family] ?? []) : []);
  for (const part of parts) {
    if (part.kind !== 'block' || part.target.mode === 'table') continue;
    const own = familiesOf(part);
    const elsewhere = ([4, 6] as Family[]).filter((f) => !own.includes(f) && parts.some((other) => other !== part && familiesOf(other).includes(f)));
    if (elsewhere.length > 0) part.target = { ...part.target, elsewhere };
  }
}

/**
 * nftables placement on the evaluator's path: for each chain where flows are decided (the base
 * chain of their hook, a chain reached by jump, goto or verdict map, the caller of a log-and-drop
 * chain, each stage of a hook that drops), the blocked addresses go into a named set an accepting
 * rule there already matches them by, or else a block goes in front of the deciding rule (rules
 * in the body, or `add`/`insert` commands in a file of commands). Inbound flows destination NAT
 * forwards are placed in the forward chain with the inside address. A file without a chain for
 * the traffic gets a table of its own.
 */
export function placeNftables(request: PlacementRequest<NftVendor>): Placement<NftablesTarget> {
  const sites = editSites(request.parsed.model, request.decisions).filter((s) => s.list.kind === 'packet-filter');
  if (sites.length === 0) {
    const point = endOfText(request.lines, t('at the end of the file, as a table of its own'), true);
    return { parts: [{ kind: 'block', entries: request.policy.entries.map((_e, i) => i), point, target: { mode: 'table' } }], notPlaced: [] };
  }
  const notPlaced: Placement<NftablesTarget>['notPlaced'] = [];
  const placeable = entriesBySite(request, sites).map((entries, i) => {
    const maps = mapTranslations(request, sites[i]!);
    for (const line of new Set(maps.values())) {
      const held = [...maps].filter(([, l]) => l === line).map(([entry]) => entry);
      notPlaced.push({ entries: held, reason: t('destination NAT on line {0} takes the inside address from a map, so the address the rules would have to name after translation is not in the file', line) });
    }
    return entries.filter((e) => !maps.has(e));
  });
  const { parts: edits, handled, covered } = setExtensions(request, sites, placeable);
  const blocks = sites.flatMap((site, i) => (handled[i] ? [] : (sitePart(request, site, placeable[i]!, covered[i]!) ?? [])));
  leaveToOthers(blocks);
  return { parts: [...edits, ...blocks], notPlaced };
}
