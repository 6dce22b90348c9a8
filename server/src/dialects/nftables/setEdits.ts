import { intersectIntervals, mergeIntervals, minusIntervals, type IpInterval } from '../../model/address';
import type { ConfigModel, Rule } from '../../model/config';
import { leadingWhitespace, lineBreakOf, type TextEdit } from '../../model/edit';
import { matchRule } from '../../model/match';
import type { FlowOrigin, PolicyEntry } from '../../model/policy';
import { minusPorts } from '../../model/ports';
import type { LineIndex } from '../../model/range';
import { matchIsOf } from '../../catalog';
import { t } from '../../l10n';
import type { FlowDecision, PlacementPart, PlacementRequest } from '../dialect';
import type { EditSite } from '../placement';
import { ruleComment } from '../ruleComment';
import type { NftSetFacts, NftVendor } from './parse';
import { RULE_COMMENT_LIMIT, commentString, elementText, type NftablesTarget } from './render';

type Family = 4 | 6;

/** The addresses one named set needs so the rule that lets it through carries the policy's flows too. */
interface SetExtension {
  set: NftSetFacts;
  /** The group the elements go into (the set's last), and where its last element ends. */
  group: { open: number; close: number; lastElementEnd: number };
  rule: Rule;
  intervals: IpInterval[];
  origins: FlowOrigin[];
  entries: number[];
}

function familyOf(decision: FlowDecision): Family | undefined {
  return decision.flow.remote.kind === 'addresses' ? decision.flow.remote.intervals[0]?.family : undefined;
}

/** Elements written beside others in the file, never through a define, of the family's key type. */
function extensible(set: NftSetFacts, family: Family, intervals: readonly IpInterval[]): boolean {
  if (set.dynamic || !set.literal || set.groups.at(-1)?.lastElementEnd === undefined) return false;
  if (set.keyType !== (family === 4 ? 'ipv4_addr' : 'ipv6_addr')) return false;
  // A set without `flags interval` holds single addresses only.
  return set.interval || intervals.every((iv) => iv.first === iv.last);
}

/** Every rule that names the set accepts what it matches, so more elements only let more through. */
function onlyAccepts(model: ConfigModel, vendor: NftVendor, set: NftSetFacts): boolean {
  return vendor.setUses
    .filter((u) => u.set === set.id)
    .every((u) => !u.negated && model.ruleLists.find((l) => l.id === u.listId)?.rules[u.ruleIndex]?.action.type === 'accept');
}

/**
 * The set already holds some of what the flows are for: addresses of the entry itself, or prefixes
 * the catalogue lists for the same endpoint set or other-endpoints row (a fix carries only what is
 * missing).
 */
function holdsPart(request: PlacementRequest<NftVendor>, held: readonly IpInterval[], entry: PolicyEntry): boolean {
  if (intersectIntervals(held, entry.addresses).length > 0) return true;
  return held.some((iv) => (request.catalog?.lookupAddress(iv) ?? []).some((m) => matchIsOf(m, entry.origin)));
}

/** The rule takes every one of the decisions' flows once their addresses are in the set: protocol, ports, server and every other condition. */
function carries(rule: Rule, decisions: readonly FlowDecision[]): boolean {
  return decisions.every((d) => {
    const match = matchRule(rule, d.flow);
    if (!match || match.uncertain) return false;
    return rule.destinationPorts === undefined || rule.destinationPorts.length === 0 || minusPorts(d.flow.ports, rule.destinationPorts).length === 0;
  });
}

/** What one entry's blocked addresses of one family add to one set. */
interface Contribution {
  set: NftSetFacts;
  rule: Rule;
  entry: number;
  family: Family;
  origin: FlowOrigin;
  added: IpInterval[];
}

/**
 * For each entry and family a site decides: a set, matched on the Microsoft side by an accepting
 * rule the flows reach before the decision, that already holds part of what the entry is for.
 * Adding the blocked addresses to it is the edit an admin would make. Also whether every family
 * of every entry the site decides has one.
 */
function extensionsAt(request: PlacementRequest<NftVendor>, site: EditSite, entries: readonly number[]): { contributions: Contribution[]; complete: boolean } {
  const { model, vendor } = request.parsed;
  const open = site.decisions.filter((d) => d.outcome.value !== 'allowed');
  const reached = site.ruleIndex < 0 ? site.list.rules.length : site.ruleIndex;
  const uses = vendor.setUses.filter((u) => u.listId === site.list.id && u.ruleIndex < reached && !u.negated);
  const contributions: Contribution[] = [];
  let complete = true;
  for (const entry of entries) {
    const policyEntry = request.policy.entries[entry];
    if (!policyEntry) continue;
    for (const family of [4, 6] as Family[]) {
      const decisions = open.filter((d) => d.entry === entry && familyOf(d) === family);
      if (decisions.length === 0) continue;
      const remoteSide = decisions[0]!.flow.direction === 'inbound' ? 'sources' : 'destinations';
      const missing = mergeIntervals(decisions.flatMap((d) => (d.flow.remote.kind === 'addresses' ? d.flow.remote.intervals : [])));
      const found = uses.flatMap((use): Contribution[] => {
        const rule = site.list.rules[use.ruleIndex]!;
        const set = vendor.sets.find((x) => x.id === use.set);
        const held = rule[remoteSide]?.intervals ?? [];
        if (use.side !== remoteSide || rule.action.type !== 'accept' || !set) return [];
        if (!holdsPart(request, held, policyEntry) || !extensible(set, family, missing)) return [];
        const added = minusIntervals(missing, held);
        if (added.length === 0 || !onlyAccepts(model, vendor, set) || !carries(rule, decisions)) return [];
        return [{ set, rule, entry, family, origin: policyEntry.origin, added }];
      })[0];
      if (found) contributions.push(found);
      else complete = false;
    }
  }
  return { contributions, complete: complete && contributions.length > 0 };
}

/**
 * The contributions a site takes: all of them when they take care of everything it decides (no
 * block there); else only those of entries a block must carry in part anyway (the IPv6 half of a
 * set whose IPv4 half a set of the file holds), so an entry is never both in a set and in a block.
 */
function taken(site: EditSite, found: { contributions: Contribution[]; complete: boolean }): Contribution[] {
  if (found.complete) return found.contributions;
  const open = site.decisions.filter((d) => d.outcome.value !== 'allowed');
  return found.contributions.filter((c) => open.some((d) => d.entry === c.entry && familyOf(d) !== c.family));
}

/** Indentation for elements on lines of their own: that of the last element's line, or one step in from `elements = {`. */
function elementIndent(lines: LineIndex, openOffset: number, lastOffset: number): string {
  const lastLine = lines.positionAt(lastOffset).line;
  const openLine = lines.positionAt(openOffset).line;
  const indent = leadingWhitespace(lines.lineText(lastLine));
  if (lastLine !== openLine) return indent;
  return indent + (indent.includes('\t') ? '\t' : '    ');
}

/** The text edit that adds the elements after the last one of the set's last group, in that group's layout. */
function extensionEdit(request: PlacementRequest<NftVendor>, extension: SetExtension): TextEdit {
  const { lines, text, policy } = request;
  const { group } = extension;
  const comment = `comment ${commentString(ruleComment(policy.purpose, extension.origins, policy.catalogVersion, RULE_COMMENT_LIMIT))}`;
  const elements = extension.intervals.flatMap(elementText).map((e) => `${e} ${comment}`);
  const multiLine = /[\r\n]/.test(text.slice(group.lastElementEnd, group.close));
  const separator = multiLine ? `,${lineBreakOf(text)}${elementIndent(lines, group.open, group.lastElementEnd)}` : ', ';
  const at = lines.positionAt(group.lastElementEnd);
  return { range: { start: at, end: at }, newText: elements.map((e) => `${separator}${e}`).join('') };
}

/**
 * Edits that add the blocked addresses to sets the file already lets them through by, one edit per
 * set; for each site whether those edits take care of all it decides, and else the families of
 * each entry they take care of, which the site's block leaves out.
 */
export function setExtensions(
  request: PlacementRequest<NftVendor>,
  sites: readonly EditSite[],
  entries: readonly number[][],
): { parts: PlacementPart<NftablesTarget>[]; handled: boolean[]; covered: Array<Map<number, Family[]>> } {
  const found = new Map<string, SetExtension>();
  const covered: Array<Map<number, Family[]>> = [];
  const handled = sites.map((site, i) => {
    const here = extensionsAt(request, site, entries[i] ?? []);
    const families = new Map<number, Family[]>();
    for (const c of taken(site, here)) {
      const last = c.set.groups.at(-1)!;
      const group = { open: last.open, close: last.close, lastElementEnd: last.lastElementEnd ?? last.close };
      const extension = found.get(c.set.id) ?? { set: c.set, group, rule: c.rule, intervals: [], origins: [], entries: [] };
      extension.intervals = mergeIntervals([...extension.intervals, ...c.added]);
      extension.origins.push(c.origin);
      if (!extension.entries.includes(c.entry)) extension.entries.push(c.entry);
      found.set(c.set.id, extension);
      families.set(c.entry, [...(families.get(c.entry) ?? []), c.family]);
    }
    covered.push(families);
    return here.complete;
  });
  const parts: PlacementPart<NftablesTarget>[] = [];
  for (const extension of found.values()) {
    const edit = extensionEdit(request, extension);
    const added = extension.intervals.flatMap(elementText);
    const setLine = request.lines.positionAt(extension.set.groups[0]!.open).line + 1;
    const description = extension.set.anonymous
      ? t('Added {0} to the addresses of the rule on line {1}.', added.join(', '), setLine)
      : t('Added {0} to set {1} (line {2}), which the rule on line {3} lets through.', added.join(', '), extension.set.name, setLine, extension.rule.range.start.line + 1);
    parts.push({ kind: 'edits', entries: [...extension.entries].sort((a, b) => a - b), edits: [edit], description });
  }
  return { parts, handled, covered };
}
