import type { Rule } from '../../model/config';
import { t } from '../../l10n';
import type { FlowDecision, InsertionPoint, Placement, PlacementPart, PlacementRequest } from '../dialect';
import { afterLine, afterRules, editSites, endOfText, lineStart, type EditSite } from '../placement';
import type { CiscoAcl, CiscoVendor } from './vendor';
import { ciscoTarget, definedNames, entryKey, fitsSequence, renderCisco, type CiscoTarget, type EntryPieces, type SequenceGap } from './render';
import { groupExtensions } from './groups';

type Request = PlacementRequest<CiscoVendor>;

/**
 * In a first-match path (an ASA interface list, then the global list) what the global list's
 * implicit deny stops is changed at the end of the interface list: the list bound where the flow
 * enters, not one every interface shares.
 */
function atInterfaceList(request: Request, decision: FlowDecision): FlowDecision {
  const stages = decision.path.stages;
  const point = decision.outcome.decidedBy;
  if (decision.path.stageOrder !== 'first-match' || !point || point.ruleIndex >= 0 || point.listId !== stages.at(-1) || stages.length < 2) return decision;
  const first = { listId: stages[0]!, ruleIndex: -1 };
  if (!request.parsed.model.ruleLists.some((l) => l.id === first.listId)) return decision;
  return { ...decision, outcome: { ...decision.outcome, decidedBy: first, trace: [first] } };
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether a line is a remark of the list, which belongs with the entry after it. */
function remarkOf(acl: CiscoAcl | undefined, line: string): boolean {
  if (!acl) return false;
  if (acl.form === 'asa' || acl.form === 'ios-numbered' || (acl.form === 'ipv6' && /^ipv6 access-list /.test(line))) {
    return new RegExp(`^(?:ipv6 )?access-list\\s+${escapeRegExp(acl.name)}\\s+(?:line\\s+\\d+\\s+)?remark\\b`, 'i').test(line);
  }
  return /^\s+(?:\d+\s+)?remark\b/i.test(line);
}

/** The sequenced list's numbers, when the list is an IOS named one. */
function sequencesOf(request: Request, acl: CiscoAcl | undefined): CiscoAcl['sequences'] {
  if (!acl || request.parsed.vendor.platform !== 'ios') return undefined;
  return acl.form === 'ios-named' || acl.form === 'ipv6' ? (acl.sequences ?? []) : undefined;
}

/**
 * In front of the deciding entry and the remarks that go with it, or after the list's last entry
 * when its implicit deny decides; in an IOS named list, with the free numbers there.
 */
function sitePoint(request: Request, site: EditSite, acl: CiscoAcl | undefined): { point: InsertionPoint; gap?: SequenceGap } {
  const { lines } = request;
  const list = site.list;
  const from = lineStart(lines, list.range.start.line);
  const sequences = sequencesOf(request, acl);
  const rule = site.ruleIndex >= 0 ? list.rules[site.ruleIndex] : undefined;
  if (!rule) {
    const point = afterRules(lines, list, { from, to: lines.text.length }) ?? { offset: afterLine(lines, list.range.end.line), indent: '', description: t('after the header of {0}', list.name) };
    const last = sequences?.at(-1)?.sequence ?? 0;
    return { point: { ...point, indent: '' }, ...(sequences ? { gap: { after: last } } : {}) };
  }
  let line = rule.range.start.line;
  while (line > 0 && remarkOf(acl, lines.lineText(line - 1))) line--;
  const offset = lineStart(lines, line);
  const point: InsertionPoint = {
    offset,
    indent: '',
    description: t('before the rule on line {0} of {1}, which would otherwise stop this traffic', rule.range.start.line + 1, list.name),
    window: { from: Math.min(from, offset), to: offset },
  };
  if (!sequences) return { point };
  const numbered = sequences.filter((s) => s.line >= line && s.line <= rule.range.start.line).map((s) => s.sequence);
  const before = numbered.length > 0 ? Math.min(...numbered) : sequences.find((s) => s.line === rule.range.start.line)?.sequence;
  if (before === undefined) return { point };
  const after = sequences.filter((s) => s.sequence < before).at(-1)?.sequence ?? 0;
  return { point, gap: { after, before } };
}

/**
 * The part of each entry a site must let through: its whole addresses of each family the site
 * blocks or leaves unknown (a family the file already lets through is not written again; part of
 * a family would leave the new entry naming part of a set).
 */
function piecesAt(request: Request, site: EditSite, handled: ReadonlySet<FlowDecision>): Map<number, EntryPieces['pieces']> {
  const families = new Map<number, Set<4 | 6>>();
  for (const d of site.decisions) {
    if (d.outcome.value === 'allowed' || d.flow.remote.kind !== 'addresses' || handled.has(d)) continue;
    const open = families.get(d.entry) ?? new Set<4 | 6>();
    for (const iv of d.flow.remote.intervals) open.add(iv.family);
    families.set(d.entry, open);
  }
  const out = new Map<number, EntryPieces['pieces']>();
  for (const [index, open] of families) {
    const entry = request.policy.entries[index]!;
    out.set(index, [{ addresses: entry.addresses.filter((iv) => open.has(iv.family)), ports: entry.ports }]);
  }
  return out;
}

/** The lines of the user's permits that already let an entry through, for the reason it is not written again. */
function permittingLines(request: Request, entry: number): string | undefined {
  const model = request.parsed.model;
  const found = new Map<string, Set<number>>();
  for (const d of request.decisions) {
    const point = d.outcome.decidedBy;
    if (d.entry !== entry || d.outcome.value !== 'allowed' || !point || point.ruleIndex < 0) continue;
    const list = model.ruleLists.find((l) => l.id === point.listId);
    const rule = list?.rules[point.ruleIndex];
    if (!list || !rule) continue;
    const set = found.get(list.name) ?? new Set<number>();
    set.add(rule.range.start.line + 1);
    found.set(list.name, set);
  }
  if (found.size === 0) return undefined;
  return [...found]
    .map(([name, lines]) => (lines.size === 1 ? t('{0} (line {1})', name, [...lines][0]!) : t('{0} (lines {1})', name, [...lines].sort((a, b) => a - b).join(', '))))
    .join(', ');
}

/**
 * Cisco placement on the evaluator's path: in the access list bound where the flow crosses the
 * device (an ASA interface list, read before the global one; the global list where it decides;
 * an IOS interface list), in front of the entry that decides it (an explicit `deny ip any any`
 * included) and its remarks, or after the list's last entry when the implicit deny decides.
 * Blocked addresses go into a network object-group a permit on the path already matches them by
 * when that group is used only so; otherwise a block holds what the list does not let through
 * yet (never an entry the list already has), numbered into the gap of an IOS named list.
 */
export function placeCisco(request: Request): Placement<CiscoTarget> {
  const { policy, parsed } = request;
  const vendor = parsed.vendor;
  const decisions = request.decisions.map((d) => atInterfaceList(request, d));
  const notPlaced: Placement<CiscoTarget>['notPlaced'] = [];
  if (decisions.length > 0 && decisions.every((d) => d.outcome.value === 'allowed')) {
    policy.entries.forEach((_e, i) => {
      const where = permittingLines(request, i);
      const reason = where ? t('already permitted by {0}; no entry is written twice', where) : t('the access lists on its path already let it through');
      // Entries left out for the same reason are said together.
      const same = notPlaced.find((n) => n.reason === reason);
      if (same) same.entries.push(i);
      else notPlaced.push({ entries: [i], reason });
    });
    return { parts: [], notPlaced };
  }
  const sites = editSites(parsed.model, decisions).filter((s) => s.list.kind === 'packet-filter');
  if (sites.length === 0 && parsed.model.ruleLists.length > 0) return unsited(request);
  if (sites.length === 0) {
    const point = endOfText(request.lines, t('at the end of the file'), true);
    return { parts: [{ kind: 'block', entries: policy.entries.map((_e, i) => i), point, target: ciscoTarget(vendor) }], notPlaced: [] };
  }
  const { parts, handled } = groupExtensions(request, sites);
  const written = new Set<number>([...handled].map((d) => d.entry));
  // Blocks of one edit at several places each define their own objects: one name, one definition.
  const reserved: string[] = [];
  sites.forEach((site, index) => {
    const pieces = piecesAt(request, site, handled);
    const entries = [...pieces.keys()];
    // Entries with no addresses (names only) have no decision anywhere; the first block says what to do with them.
    if (index === 0) entries.push(...policy.entries.flatMap((e, i) => (e.addresses.length === 0 ? [i] : [])));
    if (entries.length === 0) return;
    entries.sort((a, b) => a - b);
    const part = sitePart(request, site, entries, pieces, reserved);
    if (part.kind === 'refused') notPlaced.push({ entries, reason: part.reason });
    else {
      parts.push(part.part);
      if (part.part.kind === 'block') reserved.push(...definedNames(renderCisco({ ...policy, entries: entries.map((i) => policy.entries[i]!) }, part.part.target).text));
      for (const e of entries) written.add(e);
    }
  });
  const open = new Set(decisions.filter((d) => d.outcome.value !== 'allowed').map((d) => d.entry));
  const rest = policy.entries.map((_e, i) => i).filter((i) => !written.has(i) && !open.has(i) && policy.entries[i]!.addresses.length > 0);
  if (rest.length > 0) notPlaced.push({ entries: rest, reason: t('the access lists on its path already let it through') });
  return { parts, notPlaced };
}

/** A rule that matches every packet: the catch-all deny names go in front of. */
function catchAll(rule: Rule): boolean {
  return rule.protocols === undefined && rule.sources === undefined && rule.destinations === undefined && (rule.unknownConditions?.length ?? 0) === 0;
}

/**
 * No list of the file decides this traffic. Entries with addresses are not written (a list
 * written here would be bound nowhere, and binding one would stop the rest of the interface's
 * traffic); entries of names only (ASA FQDN objects, notes) go into the list bound in the
 * policy's direction, in front of its catch-all deny.
 */
function unsited(request: Request): Placement<CiscoTarget> {
  const { policy, parsed } = request;
  const model = parsed.model;
  const withAddresses = policy.entries.flatMap((e, i) => (e.addresses.length > 0 ? [i] : []));
  const notPlaced: Placement<CiscoTarget>['notPlaced'] = withAddresses.length > 0 ? [{ entries: withAddresses, reason: t('no access list of this file is bound where this traffic passes, so nothing here stops it') }] : [];
  const names = policy.entries.flatMap((e, i) => (e.addresses.length === 0 ? [i] : []));
  const path = model.paths.find((p) => p.direction === policy.direction) ?? model.paths.find((p) => p.direction === 'forward');
  const list = path ? model.ruleLists.find((l) => l.id === path.stages[0]) : undefined;
  if (names.length === 0 || !list) return { parts: [], notPlaced };
  const site: EditSite = { list, ruleIndex: list.rules.findIndex((r) => r.action.type === 'drop' && catchAll(r)), decisions: [] };
  const part = sitePart(request, site, names, new Map(), []);
  if (part.kind === 'refused') return { parts: [], notPlaced: [...notPlaced, { entries: names, reason: part.reason }] };
  return { parts: [part.part], notPlaced };
}

function sitePart(request: Request, site: EditSite, entries: number[], pieces: ReadonlyMap<number, EntryPieces['pieces']>, reserved: readonly string[]): { kind: 'part'; part: PlacementPart<CiscoTarget> } | { kind: 'refused'; reason: string } {
  const { policy, parsed } = request;
  const acl = parsed.vendor.acls.find((a) => a.listId === site.list.id);
  const { point, gap } = sitePoint(request, site, acl);
  const narrowed: EntryPieces[] = entries.flatMap((i) => {
    const parts = pieces.get(i);
    return parts ? [{ key: entryKey(policy.entries[i]!), pieces: parts }] : [];
  });
  const base = ciscoTarget(parsed.vendor, site.list.id);
  // A group another managed block defines goes when that block is refreshed or removed; it is not reused.
  const inBlock = (name: string): boolean => {
    const line = parsed.vendor.networkGroups.find((g) => g.name === name)?.range.start.line ?? -1;
    return request.occupied.some((b) => b.beginLine <= line && line <= b.endLine);
  };
  const existingGroups = new Map([...(base.existingGroups ?? [])].filter(([name]) => !inBlock(name)));
  const target: CiscoTarget = { ...base, existingGroups, pieces: narrowed, ...(gap ? { sequence: gap } : {}), ...(reserved.length > 0 ? { reservedNames: [...reserved] } : {}) };
  if (gap && !fitsSequence({ ...policy, entries: entries.map((i) => policy.entries[i]!) }, target)) {
    const name = acl?.name ?? site.list.name;
    const command = `${acl?.form === 'ipv6' ? 'ipv6' : 'ip'} access-list resequence ${name} 10 10`;
    return { kind: 'refused', reason: t('access list {0} has no free sequence numbers between {1} and {2} for these entries; renumber it ({3}) and insert again', name, gap.after, gap.before ?? '', command) };
  }
  return { kind: 'part', part: { kind: 'block', entries, point, target } };
}
