import { leadingWhitespace, lineBreakOf, type TextEdit } from '../../model/edit';
import type { HostMatcher, Rule } from '../../model/config';
import { hostMatcherMatches } from '../../model/match';
import { parseUrlPattern, patternCoversPattern, probeHosts } from '../../catalog/urlPattern';
import { t } from '../../l10n';
import type { Placement, PlacementPart, PlacementRequest } from '../dialect';
import type { PacDirectSite } from './body';
import type { PacEntryFunction, PacVendor } from './parse';
import { mayAnswer } from './reach';
import { PAC_ADDRESS_PARAMETER, pacHostTest, withHostName, type PacTarget } from './render';

/** How many patterns a summary names before it counts the rest. */
const NAMED_IN_SUMMARY = 4;
/** A line the file's own one-line condition or list grows to before new members go on lines of their own. */
const LONGEST_LINE = 120;
const INDENT_STEP = '    ';

interface SimplePattern {
  /** The name after any leading `*.`. */
  name: string;
  /** `*.name`: every host below it, never the name itself. */
  deep: boolean;
}

/** A catalogue pattern without a wildcard inside a label (`*.x` or `x`), which every PAC idiom can state exactly. */
function simplePattern(pattern: string, tenant: string | undefined): SimplePattern | undefined {
  const parsed = parseUrlPattern(pattern, tenant);
  if (!parsed || parsed.labels.some((label) => /[*?]/.test(label))) return undefined;
  return { name: parsed.labels.join('.'), deep: parsed.deep };
}

/** The matchers a file uses to name a catalogue pattern itself: `*.x` as shExpMatch "*.x" or dnsDomainIs ".x"; `x` as equality or shExpMatch "x". */
function namingMatchers(pattern: string, tenant: string | undefined): HostMatcher[] {
  const simple = simplePattern(pattern, tenant);
  if (simple) {
    return simple.deep
      ? [{ kind: 'suffix', suffix: `.${simple.name}` }, { kind: 'glob', glob: `*.${simple.name}` }]
      : [{ kind: 'exact', host: simple.name }, { kind: 'glob', glob: simple.name }];
  }
  // Microsoft's generated files write a mid-label wildcard into shExpMatch as it stands.
  return [{ kind: 'glob', glob: pattern.toLowerCase() }];
}

function sameMatcher(a: HostMatcher, b: HostMatcher): boolean {
  switch (a.kind) {
    case 'exact':
      return b.kind === 'exact' && a.host.toLowerCase() === b.host.toLowerCase();
    case 'suffix':
      return b.kind === 'suffix' && a.suffix.toLowerCase() === b.suffix.toLowerCase();
    case 'glob':
      return b.kind === 'glob' && a.glob.toLowerCase() === b.glob.toLowerCase();
    case 'regex':
      return false;
  }
}

/** The site's test as it would be written for one more pattern, or undefined when its idiom cannot say exactly that. */
function siteText(site: PacDirectSite, pattern: string, tenant: string | undefined): string | undefined {
  const simple = simplePattern(pattern, tenant);
  if (site.kind === 'array') {
    if (!simple) return undefined;
    if (site.matcher === 'glob') return simple.deep ? `*.${simple.name}` : simple.name;
    if (site.matcher === 'suffix') return simple.deep ? `.${simple.name}` : undefined;
    return simple.deep ? undefined : simple.name;
  }
  if (site.shExpMatchOnly && simple) return `shExpMatch(${site.hostText}, ${JSON.stringify(simple.deep ? `*.${simple.name}` : simple.name)})`;
  const test = pacHostTest(pattern, tenant);
  return test === undefined ? undefined : withHostName(test, site.hostText);
}

function summaryOf(patterns: readonly string[]): string {
  const named = patterns.slice(0, NAMED_IN_SUMMARY).join(', ');
  return patterns.length > NAMED_IN_SUMMARY ? t('{0} and {1} more', named, patterns.length - NAMED_IN_SUMMARY) : named;
}

/** The edit that appends texts to a site the way its own members are laid out. */
function siteEdit(request: PlacementRequest<PacVendor>, site: PacDirectSite, texts: readonly string[]): TextEdit {
  const { text, lines } = request;
  const lineBreak = lineBreakOf(text);
  if (site.kind === 'branch') {
    const at = lines.positionAt(site.condition.end);
    const lineIndent = leadingWhitespace(lines.lineText(at.line));
    const inline = texts.map((test) => ` || ${test}`).join('');
    // A one-line condition stays on its line while that stays readable; else the tests go one a line.
    const layout = site.layout === 'inline' && lines.lineText(at.line).length + inline.length > LONGEST_LINE ? 'leading' : site.layout;
    const indent = site.layout === 'inline' ? lineIndent + INDENT_STEP : lineIndent;
    const added = texts.map((test) => (layout === 'leading' ? `${lineBreak}${indent}|| ${test}` : ` ||${lineBreak}${indent}${test}`));
    return { range: { start: at, end: at }, newText: layout === 'inline' ? inline : added.join('') };
  }
  const first = site.elements[0]!;
  const last = site.elements[site.elements.length - 1]!;
  const quote = text[last.start] === "'" ? "'" : '"';
  const literal = (value: string): string => `${quote}${value}${quote}`;
  const onLines = lines.positionAt(first.start).line !== lines.positionAt(last.start).line || lines.positionAt(last.end).line !== lines.positionAt(site.close).line;
  const comma = text.indexOf(',', last.end);
  const trailingComma = comma >= 0 && comma < site.close;
  const lastLine = lines.lineText(lines.positionAt(last.start).line);
  const at = lines.positionAt(trailingComma ? comma + 1 : last.end);
  const inline = texts.map((value) => (trailingComma ? ` ${literal(value)},` : `, ${literal(value)}`));
  if (!onLines && lastLine.length + inline.join('').length <= LONGEST_LINE) return { range: { start: at, end: at }, newText: inline.join('') };
  const indent = onLines ? leadingWhitespace(lastLine) : leadingWhitespace(lastLine) + INDENT_STEP;
  const added = texts.map((value) => (trailingComma ? `${lineBreak}${indent}${literal(value)},` : `,${lineBreak}${indent}${literal(value)}`));
  return { range: { start: at, end: at }, newText: added.join('') };
}

interface Choice {
  site: PacDirectSite;
  /** Patterns the site lacks; empty when it already takes every host of the entry. */
  missing: string[];
}

/**
 * The site that holds part of an entry's patterns and can take the rest: the first one naming some
 * of them, when no return before it may answer for the entry's hosts, every missing pattern can be
 * written in its idiom, and none of them would catch a host that must stay on the proxy.
 */
function choose(request: PlacementRequest<PacVendor>, sites: readonly PacDirectSite[], rules: readonly Rule[], index: number): Choice | undefined {
  const { policy } = request;
  const entry = policy.entries[index];
  if (!entry) return undefined;
  const tenant = policy.parameters?.tenantName?.[0];
  const keep = new Set((request.keepOnProxy ?? []).map((h) => h.toLowerCase()));
  const wanted = entry.urls.filter((u) => !keep.has(u.toLowerCase()));
  const stayOnProxy = [...(entry.excludedHosts ?? []), ...keep];
  for (const site of sites) {
    const matchers = rules[site.ruleIndex]?.hosts?.matchers ?? [];
    const holds = wanted.some((u) => namingMatchers(u, tenant).some((n) => matchers.some((m) => sameMatcher(n, m))));
    if (!holds) continue;
    const hosts = wanted.flatMap((u) => probeHosts(u, tenant));
    if (rules.slice(0, site.ruleIndex).some((rule) => hosts.some((h) => mayAnswer(rule, h)))) return undefined;
    const missing = wanted.filter((u) => {
      const probes = probeHosts(u, tenant);
      return probes.length === 0 || !probes.every((h) => matchers.some((m) => hostMatcherMatches(m, h) === true));
    });
    if (missing.some((u) => siteText(site, u, tenant) === undefined)) return undefined;
    if (missing.some((u) => stayOnProxy.some((x) => patternCoversPattern(u, x, tenant)))) return undefined;
    return { site, missing };
  }
  return undefined;
}

function siteOffset(site: PacDirectSite): number {
  return site.kind === 'branch' ? site.condition.start : site.elements[0]!.start;
}

/**
 * Minimal edits in the file's own idiom: an entry whose endpoint set the file already sends DIRECT
 * in part, in a list of patterns or a DIRECT branch of its own, gets its missing patterns added
 * there. `rest` are the entries that need a block.
 */
export function extendDirectSites(
  request: PlacementRequest<PacVendor>,
  entry: PacEntryFunction,
  rules: readonly Rule[],
): { parts: PlacementPart<PacTarget>[]; rest: number[]; notPlaced: Placement<PacTarget>['notPlaced'] } {
  const { policy, lines } = request;
  const all = policy.entries.map((_e, i) => i);
  // A policy that sends hosts to the proxy, or asks for address tests, needs the block's own form.
  if (policy.action !== 'allow' || policy.parameters?.[PAC_ADDRESS_PARAMETER]?.includes('isInNet')) return { parts: [], rest: all, notPlaced: [] };
  const sites = entry.directSites.filter((site) => !request.occupied.some((b) => b.startOffset <= siteOffset(site) && siteOffset(site) < b.endOffset));
  const tenant = policy.parameters?.tenantName?.[0];
  const additions = new Map<PacDirectSite, { entries: number[]; texts: string[]; patterns: string[] }>();
  const rest: number[] = [];
  const alreadyDirect: number[] = [];
  for (const index of all) {
    const choice = choose(request, sites, rules, index);
    if (!choice) {
      rest.push(index);
      continue;
    }
    if (choice.missing.length === 0) {
      alreadyDirect.push(index);
      continue;
    }
    const addition = additions.get(choice.site) ?? { entries: [], texts: [], patterns: [] };
    addition.entries.push(index);
    for (const pattern of choice.missing) {
      const text = siteText(choice.site, pattern, tenant)!;
      if (addition.texts.includes(text)) continue;
      addition.texts.push(text);
      addition.patterns.push(pattern);
    }
    additions.set(choice.site, addition);
  }
  const parts: PlacementPart<PacTarget>[] = [];
  for (const [site, addition] of additions) {
    const line = lines.positionAt(siteOffset(site)).line + 1;
    const description = site.kind === 'branch'
      ? t('Added {0} to the DIRECT test on line {1}.', summaryOf(addition.patterns), line)
      : t('Added {0} to the list {1} on line {2}.', summaryOf(addition.patterns), site.name, line);
    parts.push({ kind: 'edits', entries: addition.entries, edits: [siteEdit(request, site, addition.texts)], description });
  }
  const notPlaced = parts.length === 0 && rest.length === 0 && alreadyDirect.length > 0
    ? [{ entries: alreadyDirect, reason: t('the file\'s own DIRECT tests already take these hosts before anything else answers for them') }]
    : [];
  return { parts, rest, notPlaced };
}
