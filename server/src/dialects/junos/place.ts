import { t } from '../../l10n';
import { leadingWhitespace } from '../../model/edit';
import type { InsertionPoint, Placement, PlacementPart, PlacementRequest } from '../dialect';
import { afterLine, editSites, endOfText, entriesBySite, insideBraces, lineStart } from '../placement';
import { facesInternet } from '../zones';
import type { JunosParsedVendor } from './parse';
import { partHasEntries, type HierarchicalPart, type JunosTarget, type PairTarget } from './render';
import type { Container } from './statements';
import { pairKey, type JunosPolicy } from './vendor';

type Request = PlacementRequest<JunosParsedVendor>;
type Part = PlacementPart<JunosTarget>;

const UNIT = '    ';

function inBlock(request: Request, policy: JunosPolicy): boolean {
  const line = policy.range.start.line;
  return request.occupied.some((b) => b.beginLine <= line && line <= b.endLine);
}

/** The zone pairs the evaluator's decisions are made in, each with the policy that decides there first, and the entries they carry. */
function sitesOf(request: Request): { pairs: PairTarget[]; entries: number[]; before: JunosPolicy[] } {
  const { vendor, model } = request.parsed;
  // Every pair where a flow is decided gets its own policy: a Junos policy names one zone pair.
  const edit = editSites(model, request.decisions).filter((s) => vendor.lists.has(s.list.id));
  const perSite = entriesBySite(request, edit);
  const pairs: PairTarget[] = [];
  const before: JunosPolicy[] = [];
  edit.forEach((site) => {
    const info = vendor.lists.get(site.list.id)!;
    const owner = site.ruleIndex >= 0 ? info.policies[site.ruleIndex] : undefined;
    // A global policy comes after every zone policy, so a new zone policy at the end of the pair is already in front of it.
    const decides = owner?.pair && !inBlock(request, owner) ? owner : undefined;
    if (decides) before.push(decides);
    pairs.push({ from: info.from, to: info.to, ...(decides ? { before: decides.name } : {}) });
  });
  return { pairs, entries: [...new Set(perSite.flat())].sort((a, b) => a - b), before };
}

/** Pairs where the evaluator has no decision to go by: from the file's inside zones to its Internet-facing ones (trust to untrust when it names none). */
function freshPairs(request: Request): { pairs: PairTarget[]; before: JunosPolicy[] } {
  const { vendor } = request.parsed;
  const zones = [...new Set([...vendor.zones.keys(), ...[...vendor.lists.values()].flatMap((l) => [l.from, l.to])])].filter((z) => z !== 'any').sort();
  const outside = zones.filter(facesInternet);
  const inside = zones.filter((z) => !facesInternet(z));
  const wan = outside.length > 0 ? outside : ['untrust'];
  const lan = inside.length > 0 ? inside : ['trust'];
  const inbound = request.policy.direction === 'inbound';
  const pairs: PairTarget[] = [];
  const before: JunosPolicy[] = [];
  for (const from of inbound ? wan : lan) {
    for (const to of inbound ? lan : wan) {
      const first = (vendor.zonePolicies.get(pairKey(from, to)) ?? []).find((p) => !inBlock(request, p));
      if (first) before.push(first);
      pairs.push({ from, to, ...(first ? { before: first.name } : {}) });
    }
  }
  return { pairs, before };
}

/**
 * Set form: one block at the end of the file. It takes effect anywhere after the user's last
 * command (outside other blocks) that writes or orders a policy, and after the policies its
 * `insert` commands name, so an existing block there stays where it is.
 */
function placeSet(request: Request, pairs: PairTarget[], entries: number[], before: readonly JunosPolicy[]): Placement<JunosTarget> {
  const { lines, occupied } = request;
  const vendor = request.parsed.vendor;
  const outside = (line: number): boolean => !occupied.some((b) => b.beginLine <= line && line <= b.endLine);
  const last = Math.max(-1, ...vendor.policyLines.filter(outside), ...before.flatMap((p) => p.lines));
  const end = endOfText(lines, '');
  const from = last < 0 ? 0 : afterLine(lines, last);
  const deciding = pairs.find((p) => p.before !== undefined);
  const description = deciding
    ? t('at the end of the file, with an insert before policy "{0}" from zone {1} to zone {2}, which would otherwise decide this traffic', deciding.before ?? '', deciding.from, deciding.to)
    : t('at the end of the file; new policies go to the end of their zone pair, where no policy decides this traffic yet');
  const point: InsertionPoint = { offset: end.offset, indent: '', description, window: { from: Math.min(from, end.offset), to: end.offset } };
  return { parts: [{ kind: 'block', entries, point, target: { form: 'set', pairs, legacyBooks: vendor.legacyBooks } }], notPlaced: [] };
}

const NOT_ONE_PER_LINE = (): string => t('the configuration is not written one statement per line where the policy would go; load it and save it again as the device prints it, or use its display set form');

/**
 * The parts that put a block inside the container at `segments` (each one header: `security`,
 * `from-zone trust to-zone untrust`), in front of `before` when given: the block alone when the
 * container exists, otherwise wrapped in the containers that are missing, made by direct edits.
 */
function containerParts(request: Request, segments: ReadonlyArray<readonly string[]>, makeBlock: (point: InsertionPoint) => Part, name: string, before?: Container): Part[] | string {
  const { lines } = request;
  const containers = request.parsed.vendor.containers;
  let parent: Container | undefined;
  let found = 0;
  for (let k = 1; k <= segments.length; k++) {
    const container = containers.get(segments.slice(0, k).flat().join(' '));
    if (!container) break;
    if (container.inactive) return t('{0} is inactive in this file, so a policy added there would not take effect', segments.slice(0, k).flat().join(' '));
    parent = container;
    found = k;
  }
  const alone = (offset: number): boolean => {
    const position = lines.positionAt(offset);
    return lines.lineText(position.line).slice(0, position.character).trim() === '';
  };
  if (parent && found === segments.length) {
    const openLine = lines.positionAt(parent.open).line;
    if (before) {
      if (!alone(before.headerStart)) return NOT_ONE_PER_LINE();
      const line = lines.positionAt(before.headerStart).line;
      const offset = lineStart(lines, line);
      const from = afterLine(lines, openLine);
      return [makeBlock({ offset, indent: leadingWhitespace(lines.lineText(line)), description: t('before policy "{0}" of {1}, which would otherwise decide this traffic', before.path[before.path.length - 1] ?? '', name), window: { from: Math.min(from, offset), to: offset } })];
    }
    if (!alone(parent.close) || lines.positionAt(parent.close).line === openLine) return NOT_ONE_PER_LINE();
    return [makeBlock(insideBraces(lines, parent, name, false))];
  }
  const missing = segments.slice(found);
  const lineBreak = lines.text.includes('\r\n') ? '\r\n' : '\n';
  let offset: number;
  let indent: string;
  let lead = '';
  if (parent) {
    if (!alone(parent.close) || lines.positionAt(parent.close).line === lines.positionAt(parent.open).line) return NOT_ONE_PER_LINE();
    const closeLine = lines.positionAt(parent.close).line;
    offset = lineStart(lines, closeLine);
    indent = leadingWhitespace(lines.lineText(closeLine)) + UNIT;
  } else {
    offset = lines.text.length;
    indent = '';
    if (offset > 0 && !lines.text.endsWith('\n')) lead = lineBreak;
  }
  const opens = lead + missing.map((segment, i) => `${indent}${UNIT.repeat(i)}${segment.join(' ')} {${lineBreak}`).join('');
  const closes = [...missing].reverse().map((_s, i) => `${indent}${UNIT.repeat(missing.length - 1 - i)}}${lineBreak}`).join('');
  const position = lines.positionAt(offset);
  return [
    { kind: 'edits', entries: [], description: '', edits: [{ range: { start: position, end: position }, newText: opens }] },
    makeBlock({ offset, indent: indent + UNIT.repeat(missing.length), description: t('in new {0} containers', missing.map((s) => s[0]).join(' ')), window: { from: offset, to: offset } }),
    { kind: 'edits', entries: [], description: '', edits: [{ range: { start: position, end: position }, newText: closes }] },
  ];
}

const SECTIONS: ReadonlyArray<{ part: HierarchicalPart; segments: string[][] }> = [
  { part: 'addresses', segments: [['security'], ['address-book'], ['global']] },
  { part: 'applications', segments: [['applications']] },
];

/** Curly-brace form: address-book entries in the global book, applications in `applications`, and each pair's policy in front of the policy that decides there. */
function placeHierarchical(request: Request, pairs: PairTarget[], entries: number[]): Placement<JunosTarget> {
  const vendor = request.parsed.vendor;
  if (vendor.legacyBooks) return { parts: [], notPlaced: [{ entries, reason: t('this configuration keeps addresses in the zones\' own address books, which rules out the global one; insert into its display set form instead') }] };
  const policy = { ...request.policy, entries: entries.map((i) => request.policy.entries[i]!).filter((e) => e !== undefined) };
  const target = (part: HierarchicalPart, pairIndex?: number): JunosTarget => ({ form: 'hierarchical', pairs, legacyBooks: false, part, ...(pairIndex !== undefined ? { pairIndex } : {}) });
  const parts: Part[] = [];
  const fail = (reason: string): Placement<JunosTarget> => ({ parts: [], notPlaced: [{ entries, reason }] });
  for (const { part, segments } of SECTIONS) {
    if (!partHasEntries(policy, part)) continue;
    const placed = containerParts(request, segments, (point) => ({ kind: 'block', entries, point, target: target(part) }), segments.flat().join(' '));
    if (typeof placed === 'string') return fail(placed);
    parts.push(...placed);
  }
  for (const [i, pair] of pairs.entries()) {
    const head = ['security', 'policies', 'from-zone', pair.from, 'to-zone', pair.to];
    const before = pair.before !== undefined ? vendor.containers.get([...head, 'policy', pair.before].join(' ')) : undefined;
    const placed = containerParts(request, [['security'], ['policies'], ['from-zone', pair.from, 'to-zone', pair.to]], (point) => ({ kind: 'block', entries, point, target: target('policies', i) }), t('zone {0} to zone {1}', pair.from, pair.to), before);
    if (typeof placed === 'string') return fail(placed);
    parts.push(...placed);
  }
  return { parts, notPlaced: [] };
}

/**
 * Junos placement. The evaluator says, per zone pair, which policy decides; the new policy of each
 * pair goes in front of it (or at the end of the pair's policies when a global policy or the
 * default decides, since both come after every zone policy).
 */
export function placeJunos(request: Request): Placement<JunosTarget> {
  let { pairs, entries, before } = sitesOf(request);
  if (pairs.length === 0) {
    ({ pairs, before } = freshPairs(request));
    entries = request.policy.entries.map((_e, i) => i);
  }
  return request.parsed.vendor.form === 'hierarchical' ? placeHierarchical(request, pairs, entries) : placeSet(request, pairs, entries, before);
}
