import { t } from '../../l10n';
import { leadingWhitespace } from '../../model/edit';
import type { LineIndex } from '../../model/range';
import type { InsertionPoint, Placement, PlacementPart, PlacementRequest } from '../dialect';
import { afterLine, endOfText, lineStart, nowhere } from '../placement';
import { ANY_ZONE, applies, rulebaseName } from './convert';
import type { PanosParsedVendor } from './parse';
import { partHasEntries, type PanosTarget, type XmlPart } from './render';
import type { ElementSpan, PanosRule, PanosScope, RulebaseName, XmlScopeLayout } from './vendor';
import { decidedSites, facesInternet } from '../zones';

type Request = PlacementRequest<PanosParsedVendor>;
type Part = PlacementPart<PanosTarget>;

/** Where one rulebase's new rule goes: its scope and rulebase, its zones, the rule it precedes, and the entries it carries. */
interface Site {
  /** Scopes whose rule commands the block must follow (set form). */
  scopes: readonly PanosScope[];
  scope?: PanosScope;
  section: RulebaseName;
  from: string[];
  to: string[];
  before?: PanosRule;
  listName: string;
  entries: number[];
}

function zoneList(zones: Iterable<string>): string[] {
  const list = [...new Set(zones)].sort();
  return list.length === 0 || list.includes(ANY_ZONE) ? ['any'] : list;
}

/** The rulebase a scope's new rules go to when no rule decides: a vsys has one, Panorama puts them in the pre-rules. */
function homeSection(scope: PanosScope): RulebaseName {
  return scope.kind === 'vsys' ? 'rulebase' : 'pre-rulebase';
}

/** A rule written inside a managed block of another purpose. */
function inBlock(request: Request, rule: PanosRule): boolean {
  const line = rule.range.start.line;
  return request.occupied.some((b) => b.beginLine <= line && line <= b.endLine);
}

/** The evaluator's decisions as one site per rulebase, in front of the earliest rule that decides there. */
function sitesOf(request: Request): Site[] {
  const vendor = request.parsed.vendor;
  const { sites: edit, entries: perSite } = decidedSites(request, (id) => vendor.lists.has(id));
  const byRulebase = new Map<string, Site & { order: number; home: PanosScope }>();
  edit.forEach((site, i) => {
    const info = vendor.lists.get(site.list.id)!;
    const rulebase = info.rulebase;
    let entry = byRulebase.get(rulebase.key);
    if (!entry) {
      entry = { scopes: rulebase.scopes, scope: rulebase.home, home: rulebase.home, section: homeSection(rulebase.home), from: [], to: [], listName: site.list.name, entries: [], order: Number.POSITIVE_INFINITY };
      byRulebase.set(rulebase.key, entry);
    }
    entry.from.push(info.from);
    entry.to.push(info.to);
    entry.entries.push(...perSite[i]!);
    const owner = site.ruleIndex >= 0 ? info.rules[site.ruleIndex] : undefined;
    // Blocks stand on their own: a rule of another block (an allow) is never the one a new rule is moved before.
    if (owner && !inBlock(request, owner.rule)) {
      const order = rulebase.rules.findIndex((r) => r.rule === owner.rule);
      if (order < entry.order) {
        entry.order = order;
        entry.before = owner.rule;
        entry.scope = owner.scope;
        entry.section = owner.rule.rulebase;
      }
    }
  });
  return [...byRulebase.values()].map((s) => localToGroup({ ...s, from: zoneList(s.from), to: zoneList(s.to), entries: [...new Set(s.entries)].sort((a, b) => a - b) }, s.home));
}

/**
 * A device group's own rules all come before the shared post-rules, so a rule that a shared
 * post-rule would stop goes at the end of the group's post-rules: the change stays in the group
 * instead of reaching every device group.
 */
function localToGroup(site: Site, home: PanosScope): Site {
  if (site.scope?.kind !== 'shared' || site.section !== 'post-rulebase' || home.kind !== 'device-group') return site;
  const local: Site = { ...site, scope: home, section: 'post-rulebase' };
  delete local.before;
  return local;
}

/**
 * A rule where the evaluator has no decision to go by (an empty file, or zones no rule applied
 * to before): from the scope's inside zones to its Internet-facing ones (trust and untrust when it
 * names none), in front of the first rule of its rulebase that could match those zones.
 */
function freshSite(request: Request, scope: PanosScope | undefined): Site {
  const zones = (scope ? [...scope.zones.keys()] : []).sort();
  const outside = zones.filter(facesInternet);
  const inside = zones.filter((z) => !facesInternet(z));
  const wan = outside.length > 0 ? outside : ['untrust'];
  const lan = inside.length > 0 ? inside : ['trust'];
  const inbound = request.policy.direction === 'inbound';
  const from = inbound ? wan : lan;
  const to = inbound ? lan : wan;
  const site: Site = {
    scopes: scope ? [scope] : [],
    ...(scope ? { scope } : {}),
    section: scope ? homeSection(scope) : 'rulebase',
    from,
    to,
    listName: t('security rules'),
    entries: request.policy.entries.map((_e, i) => i),
  };
  const rulebase = request.parsed.vendor.rulebases.find((r) => r.home === scope);
  if (rulebase) site.listName = rulebaseName(rulebase);
  const first = rulebase?.rules.find(({ rule }) => !rule.disabled && !inBlock(request, rule) && from.some((f) => to.some((z) => applies(rule, f, z))));
  if (!rulebase || !first) return site;
  return localToGroup({ ...site, scopes: rulebase.scopes, scope: first.scope, section: first.rule.rulebase, before: first.rule }, rulebase.home);
}

function target(site: Site, form: PanosTarget['form'], part?: XmlPart): PanosTarget {
  const prefix = site.scope ? site.scope.setPrefix : [];
  return { form, prefix, rulebase: site.section, from: site.from, to: site.to, ...(site.before ? { before: site.before.name } : {}), ...(part ? { part } : {}) };
}

/**
 * `set` files: every block at the end of the file. It takes effect anywhere after the last command
 * of the user's (outside other blocks) that changes the order of the rulebase's rules, and after
 * the rule its `move` names, so an existing block there stays where it is.
 */
function placeSet(request: Request, sites: readonly Site[]): Placement<PanosTarget> {
  const { lines, occupied } = request;
  const inBlock = (line: number): boolean => occupied.some((b) => b.beginLine <= line && line <= b.endLine);
  const parts: Part[] = sites.map((site) => {
    const userLines = site.scopes.flatMap((s) => s.ruleLines.filter((l) => !inBlock(l)));
    const last = Math.max(-1, ...userLines, ...(site.before?.lines ?? []));
    const end = endOfText(lines, '');
    const from = last < 0 ? 0 : afterLine(lines, last);
    const description = site.before
      ? t('at the end of the file, with a move before rule "{0}" of {1}, which would otherwise decide this traffic', site.before.name, site.listName)
      : t('at the end of the file; new rules go to the bottom of {0}, where no rule decides this traffic yet', site.listName);
    const point: InsertionPoint = { offset: end.offset, indent: '', description, window: { from: Math.min(from, end.offset), to: end.offset } };
    return { kind: 'block', entries: site.entries, point, target: target(site, 'set') };
  });
  return { parts, notPlaced: [] };
}

function onOwnLine(lines: LineIndex, offset: number): boolean {
  const position = lines.positionAt(offset);
  return lines.lineText(position.line).slice(0, position.character).trim() === '';
}

/** The step of indentation the file nests elements by, from a scope element and its first child; two spaces when it does not show. */
function indentUnit(lines: LineIndex, element: ElementSpan): string {
  const line = lines.positionAt(element.start).line;
  const own = leadingWhitespace(lines.lineText(line));
  const next = leadingWhitespace(lines.lineText(line + 1));
  return next.startsWith(own) && next.length > own.length ? next.slice(own.length) : '  ';
}

const NOT_ONE_PER_LINE = (): string => t('the XML is not written one element per line where the rules would go; format it (for example with xmllint --format) and insert again');

/**
 * The parts that put a block inside the section at `path` of a scope (`address`, or
 * `rulebase/security/rules`), in front of `before` when given: the block alone when the section
 * exists, otherwise wrapped in the elements that are missing, created by direct edits around it.
 */
function xmlSectionParts(request: Request, layout: XmlScopeLayout, path: readonly string[], makeBlock: (point: InsertionPoint) => Part, description: string, before?: ElementSpan): Part[] | string {
  const { lines } = request;
  const unit = indentUnit(lines, layout.element);
  let parent = layout.element;
  let found = 0;
  let selfClosing: ElementSpan | undefined;
  for (let k = 1; k <= path.length; k++) {
    const span = layout.sections.get(path.slice(0, k).join('/'));
    if (!span) break;
    if (span.selfClosing) {
      selfClosing = span;
      break;
    }
    parent = span;
    found = k;
  }
  if (found === path.length) {
    const openLine = lines.positionAt(parent.start).line;
    const contentStart = afterLine(lines, openLine);
    if (before) {
      if (!onOwnLine(lines, before.start)) return NOT_ONE_PER_LINE();
      const line = lines.positionAt(before.start).line;
      const offset = lineStart(lines, line);
      return [makeBlock({ offset, indent: leadingWhitespace(lines.lineText(line)), description, window: { from: Math.min(contentStart, offset), to: offset } })];
    }
    if (!onOwnLine(lines, parent.closeStart) || lines.positionAt(parent.closeStart).line === openLine) return NOT_ONE_PER_LINE();
    const closeLine = lines.positionAt(parent.closeStart).line;
    const offset = lineStart(lines, closeLine);
    const indent = (contentStart < offset ? leadingWhitespace(lines.lineText(openLine + 1)) : '') || leadingWhitespace(lines.lineText(closeLine)) + unit;
    return [makeBlock({ offset, indent, description, window: { from: Math.min(contentStart, offset), to: offset } })];
  }
  const missing = path.slice(found);
  const lineBreak = lines.text.includes('\r\n') ? '\r\n' : '\n';
  let offset: number;
  let replaceTo: number | undefined;
  let indent: string;
  if (selfClosing) {
    const line = lines.positionAt(selfClosing.start).line;
    if (!onOwnLine(lines, selfClosing.start) || lines.lineText(line).trim() !== lines.text.slice(selfClosing.start, selfClosing.end)) return NOT_ONE_PER_LINE();
    offset = lineStart(lines, line);
    replaceTo = afterLine(lines, line);
    indent = leadingWhitespace(lines.lineText(line));
  } else {
    if (!onOwnLine(lines, parent.closeStart) || lines.positionAt(parent.closeStart).line === lines.positionAt(parent.start).line) return NOT_ONE_PER_LINE();
    const closeLine = lines.positionAt(parent.closeStart).line;
    offset = lineStart(lines, closeLine);
    indent = leadingWhitespace(lines.lineText(closeLine)) + unit;
  }
  const opens = missing.map((name, i) => `${indent}${unit.repeat(i)}<${name}>${lineBreak}`).join('');
  const closes = [...missing].reverse().map((name, i) => `${indent}${unit.repeat(missing.length - 1 - i)}</${name}>${lineBreak}`).join('');
  const at = replaceTo ?? offset;
  const position = lines.positionAt(offset);
  const end = lines.positionAt(at);
  return [
    { kind: 'edits', entries: [], description: '', edits: [{ range: { start: position, end }, newText: opens }] },
    makeBlock({ offset: at, indent: indent + unit.repeat(missing.length), description, window: { from: at, to: at } }),
    { kind: 'edits', entries: [], description: '', edits: [{ range: { start: end, end }, newText: closes }] },
  ];
}

const OBJECT_PARTS: ReadonlyArray<{ part: XmlPart; section: string }> = [
  { part: 'address', section: 'address' },
  { part: 'address-group', section: 'address-group' },
  { part: 'service', section: 'service' },
];

/** XML files: entries in the scope's address, address-group and service sections, and the rule in its rulebase in front of the deciding rule. */
function placeXml(request: Request, sites: readonly Site[]): Placement<PanosTarget> {
  const parts: Part[] = [];
  const notPlaced: Placement<PanosTarget>['notPlaced'] = [];
  for (const site of sites) {
    const layout = site.scope?.xml;
    if (!layout) {
      notPlaced.push({ entries: site.entries, reason: t('this XML file has no vsys or device group to add rules to') });
      continue;
    }
    const policy = { ...request.policy, entries: site.entries.map((i) => request.policy.entries[i]!).filter((e) => e !== undefined) };
    const block = (part: XmlPart) => (point: InsertionPoint): Part => ({ kind: 'block', entries: site.entries, point, target: target(site, 'xml', part) });
    const siteParts: Part[] = [];
    let reason: string | undefined;
    for (const { part, section } of OBJECT_PARTS) {
      if (!partHasEntries(policy, part)) continue;
      const placed = xmlSectionParts(request, layout, [section], block(part), t('in the {0} section of {1}', section, site.scope?.name ?? ''));
      if (typeof placed === 'string') reason = placed;
      else siteParts.push(...placed);
    }
    const before = site.before ? layout.rules.get(`${site.section}/${site.before.name}`) : undefined;
    const description = site.before
      ? t('before rule "{0}" of {1}, which would otherwise decide this traffic', site.before.name, site.listName)
      : t('at the end of {0}, where no rule decides this traffic yet', site.listName);
    const rules = xmlSectionParts(request, layout, [site.section, 'security', 'rules'], block('rules'), description, before);
    if (typeof rules === 'string') reason = rules;
    else siteParts.push(...rules);
    if (reason !== undefined) notPlaced.push({ entries: site.entries, reason });
    else parts.push(...siteParts);
  }
  return { parts, notPlaced };
}

/**
 * PAN-OS placement. The evaluator says, per zone pair, which rule decides; the new rule goes in
 * front of the earliest of them in the rulebase's order (the device's order after every `move`),
 * in that rule's scope and rulebase, from the zones to the zones of those pairs; when defaults
 * decide, at the bottom. A `set` file gets one block at its end whose `move … before` places the
 * rule; an XML file gets entries in its sections, the rule standing before the deciding `<entry>`.
 */
export function placePanos(request: Request): Placement<PanosTarget> {
  const vendor = request.parsed.vendor;
  let sites = sitesOf(request);
  if (sites.length === 0) {
    const scope = vendor.scopes.find((s) => s.kind === 'device-group') ?? vendor.scopes.find((s) => s.kind === 'vsys') ?? vendor.scopes.find((s) => s.kind === 'shared');
    if (vendor.form === 'xml' && !scope?.xml) return nowhere(request, t('this XML file has no vsys or device group to add rules to'));
    sites = [freshSite(request, scope)];
  }
  return vendor.form === 'xml' ? placeXml(request, sites) : placeSet(request, sites);
}
