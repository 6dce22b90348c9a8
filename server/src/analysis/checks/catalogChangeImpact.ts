import { commentSyntaxOf } from '../../dialects/dialect';
import { intervalContains, mergeIntervals, minusIntervals, type IpInterval } from '../../model/address';
import type { PortRange, Rule, RuleList } from '../../model/config';
import type { Flow } from '../../model/policy';
import { intersectPorts, minusPorts } from '../../model/ports';
import type { SetChange } from '../../catalog/setChanges';
import type { EndpointSet } from '../../catalog/types';
import { parsePortList } from '../../catalog/ports';
import { normaliseHost, patternCoversPattern } from '../../catalog/urlPattern';
import { findManagedBlocks, type ManagedBlock } from '../../model/managedBlock';
import { t } from '../../l10n';
import type { Check, CheckContext } from '../context';
import { catalogReference, describeIntervals, describeOrigin, formatPorts, sentence } from '../describe';
import type { Finding, Fix } from '../finding';
import { intervalsOf, portsFit, setInScope } from '../scope';
import { fixPolicy } from './blockedRequired';
import { carriesWebTraffic } from './pacRun';

/** Rules read together: the rules of one managed block, or the rules of a list outside any block. */
interface RuleScope {
  /** The block, whose BEGIN line records the catalogue version it was made from. */
  block?: ManagedBlock;
  list: RuleList;
  rules: Rule[];
}

/** What a scope's rules name of the catalogue: addresses on either side and host patterns. */
interface Named {
  rule: Rule;
  intervals: IpInterval[];
  hosts: string[];
}

function isAllowing(rule: Rule): boolean {
  return rule.action.type === 'accept' || rule.action.type === 'proxy';
}

function named(context: CheckContext, rule: Rule): Named {
  const intervals = [rule.sources, rule.destinations]
    .filter((side) => side !== undefined && !side.negated && !side.unresolved)
    .flatMap((side) => side!.intervals);
  const hosts = (rule.hosts && !rule.hosts.negated ? rule.hosts.referenceIds : [])
    .map((id) => context.model.references[id])
    .filter((r) => r !== undefined && (r.kind === 'hostname' || r.kind === 'host-wildcard'))
    .map((r) => r!.text.replace(/^\./, '*.'));
  return { rule, intervals, hosts };
}

/** Managed blocks of the catalogue's instance split their lists; every other rule stays with its list. */
function scopesOf(context: CheckContext): RuleScope[] {
  const blocks = findManagedBlocks(context.text, commentSyntaxOf(context.dialect, context.text)).blocks.filter((b) => b.instance.toLowerCase() === context.catalog.instance.toLowerCase());
  const scopes: RuleScope[] = [];
  for (const list of context.model.ruleLists) {
    const byBlock = new Map<ManagedBlock | undefined, Rule[]>();
    for (const rule of list.rules) {
      const line = rule.range.start.line;
      const block = blocks.find((b) => b.beginLine <= line && line <= b.endLine);
      const rules = byBlock.get(block);
      if (rules) rules.push(rule);
      else byBlock.set(block, [rule]);
    }
    for (const [block, rules] of byBlock) scopes.push({ ...(block ? { block } : {}), list, rules });
  }
  return scopes;
}

/** The sets a scope's rules name, each with the version it was read from and the rules that name it. */
interface Baseline {
  version: string;
  entries: Named[];
}

/**
 * For a block, its recorded version; otherwise the oldest stored version in which the rules'
 * addresses or hosts belonged to the set. A rule whose own ports miss the set's is not about it.
 */
function baselines(context: CheckContext, scope: RuleScope, entries: readonly Named[]): Map<number, Baseline> {
  const history = context.history!;
  const sets = new Map(context.catalog.sets.map((s) => [s.id, s]));
  const out = new Map<number, Baseline & { seen: Set<Named> }>();
  const notBefore = scope.block?.version || undefined;
  for (const entry of entries) {
    const queries = [...entry.intervals.map((interval) => ({ interval })), ...entry.hosts.map((host) => ({ host }))];
    for (const query of queries) {
      const found = history.firstNamingVersion(query, notBefore);
      if (!found) continue;
      const version = notBefore ?? found.version;
      for (const id of found.setIds) {
        const set = sets.get(id);
        if (set && !portsFit(entry.rule, set)) continue;
        const known = out.get(id) ?? { version, entries: [], seen: new Set<Named>() };
        if (version < known.version) known.version = version;
        if (!known.seen.has(entry)) {
          known.seen.add(entry);
          known.entries.push(entry);
        }
        out.set(id, known);
      }
    }
  }
  return out;
}

function hostCovered(patterns: readonly string[], url: string): boolean {
  const target = normaliseHost(url);
  return patterns.some((p) => normaliseHost(p) === target || patternCoversPattern(p, target));
}

/** The change's impact words that fit what a finding reports (all of them when none does). */
function impactWords(change: SetChange, fits: (impact: string) => boolean): string {
  const fitting = change.impacts.filter(fits);
  const words = fitting.length > 0 ? fitting : change.impacts;
  return words.length > 0 ? words.join(', ') : t('no change record');
}

const ADDED = (impact: string): boolean => impact.startsWith('Added');
const LOST = (impact: string): boolean => impact.startsWith('Moved') || impact.startsWith('Removed');
const OTHER = (impact: string): boolean => !ADDED(impact) && !LOST(impact);

/** "3478-3481, 50000-50059", or "none". */
function portList(text: string): string {
  return text === '' ? t('none') : text.split(',').join(', ');
}

function span(change: SetChange): string {
  return t('between catalogue versions {0} and {1}', change.fromVersion, change.toVersion);
}

function portsOf(text: string): PortRange[] {
  return parsePortList(text);
}

/** A rule with ports of its own that carried the set's traffic before and misses part of it now. */
function portGap(rule: Rule, protocol: 'tcp' | 'udp', ports: { before: string; after: string }): PortRange[] {
  const own = rule.destinationPorts;
  if (!own || own.length === 0) return [];
  const protocols = rule.protocols?.map((p) => p.toLowerCase());
  if (protocols && protocols.length > 0 && !protocols.includes(protocol)) return [];
  if (intersectPorts(own, portsOf(ports.before)).length === 0) return [];
  return minusPorts(portsOf(ports.after), own);
}

function refreshFix(block: ManagedBlock | undefined): Fix[] {
  return block ? [{ title: t('Refresh this block from the catalogue in use'), preferred: true, refreshBlock: block.purpose }] : [];
}

function finding(context: CheckContext, setId: number, rule: Rule, message: string, fixes: Fix[]): Finding {
  const origin = { source: 'web-service' as const, instance: context.catalog.instance, setId };
  return {
    code: 'catalog-change-impact',
    severity: 'warning',
    message,
    range: rule.range,
    related: [{ message: t('Catalogue entry for {0} (version {1})', describeOrigin(origin, context.catalog), context.catalog.version), catalog: catalogReference(origin) }],
    fixes,
  };
}

/**
 * Findings of one set's change in one scope: on the rules that name what changed, or on the first
 * rule that names the set; what the whole list allows (`all`) decides whether an addition is missing.
 */
function impactFindings(context: CheckContext, scope: RuleScope, all: readonly Named[], entries: readonly Named[], change: SetChange): Finding[] {
  const { catalog } = context;
  const setId = change.setId;
  const origin = { source: 'web-service' as const, instance: catalog.instance, setId };
  const name = sentence(describeOrigin(origin, catalog));
  const set = catalog.sets.find((s) => s.id === setId);
  const removed = intervalsOf(change.removedIps);
  const out: Finding[] = [];
  const blockFix = refreshFix(scope.block);
  // Entries that left the catalogue altogether are stale-entry's, on the reference; what is left
  // here is a set that still exists but no longer publishes addresses an IP-only device can match.
  if (!change.publishesAddresses && !change.setRemoved) {
    for (const entry of entries) {
      const hit = removed.filter((r) => entry.intervals.some((iv) => intervalContains(r, iv)));
      if (hit.length === 0) continue;
      const moved = change.category ? t('moved from {0} to {1}', change.category.before, change.category.after) : t('stopped publishing addresses');
      const hosts = (set?.urls ?? []).slice(0, 3).join(', ');
      out.push(
        finding(
          context,
          setId,
          entry.rule,
          t('{0} {1} {2} ({3}) and lists no addresses any more; this rule still names {4}, and an address rule cannot follow its host names ({5}).', name, moved, span(change), impactWords(change, LOST), describeIntervals(mergeIntervals(hit), [], 3), hosts || t('none')),
          blockFix,
        ),
      );
    }
  }
  const first = entries.find((e) => e.intervals.length > 0)?.rule;
  if (first && change.publishesAddresses) {
    const allowed = mergeIntervals(all.flatMap((e) => e.intervals));
    const families = new Set(allowed.map((iv) => iv.family));
    const gained = intervalsOf(change.addedIps).filter((iv) => families.has(iv.family));
    const missing = mergeIntervals(gained.flatMap((iv) => minusIntervals([iv], allowed)));
    if (missing.length > 0 && set) {
      const flows = gainedFlows(context, set, missing);
      const fixes = scope.block ? blockFix : flows.length > 0 ? [{ title: t('Add what {0} gained', describeOrigin(origin, catalog)), preferred: true, policy: fixPolicy(flows, catalog, describeOrigin(origin, catalog)) }] : [];
      out.push(finding(context, setId, first, t('{0} gained {1} {2} ({3}); these rules do not allow it.', name, describeIntervals(missing, gained, 4), span(change), impactWords(change, ADDED)), fixes));
    }
  }
  const hostRules = entries.filter((e) => e.hosts.length > 0);
  const patterns = all.flatMap((e) => e.hosts);
  const gainedUrls = change.addedUrls.filter((url) => !hostCovered(patterns, url));
  if (hostRules[0] && gainedUrls.length > 0) {
    out.push(finding(context, setId, hostRules[0].rule, t('{0} gained {1} {2} ({3}); these rules do not name it.', name, gainedUrls.slice(0, 4).join(', '), span(change), impactWords(change, ADDED)), blockFix));
  }
  for (const [protocol, ports] of [['tcp', change.tcpPorts], ['udp', change.udpPorts]] as const) {
    if (!ports) continue;
    for (const entry of entries) {
      if (entry.intervals.length === 0) continue;
      const gap = portGap(entry.rule, protocol, ports);
      if (gap.length === 0) continue;
      out.push(
        finding(
          context,
          setId,
          entry.rule,
          t('{0} changed its {1} ports from {2} to {3} {4} ({5}); this rule does not allow {6}.', name, protocol.toUpperCase(), portList(ports.before), portList(ports.after), span(change), impactWords(change, OTHER), formatPorts(protocol, gap)),
          blockFix,
        ),
      );
    }
  }
  return out;
}

/** A set counts when it is in scope now or was in the category it moved from (a move to Default is the news). */
function inScope(context: CheckContext, change: SetChange): boolean {
  const set = context.catalog.sets.find((s) => s.id === change.setId);
  if (!set) return true;
  if (setInScope(set, context.settings)) return true;
  const before = change.category?.before;
  return before !== undefined && setInScope({ ...set, category: before }, context.settings);
}

/** The flows a fix adds for addresses a set gained, with the set's own ports. */
function gainedFlows(context: CheckContext, set: EndpointSet, missing: IpInterval[]): Array<{ flow: Flow; intervals: IpInterval[] }> {
  const origin = { source: 'web-service' as const, instance: context.catalog.instance, setId: set.id };
  const direction = context.settings.direction === 'inbound' ? 'inbound' : 'outbound';
  const prefixes = intervalsOf(set.ips);
  const flows: Array<{ flow: Flow; intervals: IpInterval[] }> = [];
  if (set.tcpPorts.length > 0) flows.push({ flow: { origin, direction, protocol: 'tcp', ports: set.tcpPorts, remote: { kind: 'addresses', intervals: prefixes } }, intervals: missing });
  if (set.udpPorts.length > 0) flows.push({ flow: { origin, direction, protocol: 'udp', ports: set.udpPorts, remote: { kind: 'addresses', intervals: prefixes } }, intervals: missing });
  return flows;
}

/**
 * Addresses a set gained since the rules of a list were written: what `catalog-change-impact`
 * reports for the list, so `incomplete-set` does not say it again.
 */
export function gainedSinceWritten(context: CheckContext, list: RuleList, setId: number): IpInterval[] {
  const history = context.history;
  if (!history) return [];
  let cached = listBaselines.get(list);
  if (cached?.history !== history) {
    const entries = list.rules.filter(isAllowing).map((rule) => named(context, rule));
    cached = { history, baselines: baselines(context, { list, rules: list.rules }, entries) };
    listBaselines.set(list, cached);
  }
  const baseline = cached.baselines.get(setId);
  const change = baseline === undefined ? undefined : history.setChangeSince(setId, baseline.version, context.today);
  return intervalsOf(change?.addedIps ?? []);
}

/** A list's baselines, worked out once per list and history: incomplete-set asks for every set it considers. */
const listBaselines = new WeakMap<RuleList, { history: NonNullable<CheckContext['history']>; baselines: Map<number, Baseline> }>();

/** Whether an interval is among the addresses the set gained since the list was written. */
export function isGained(gained: readonly IpInterval[], interval: IpInterval): boolean {
  return gained.some((g) => intervalContains(g, interval));
}

/**
 * Catalogue changes that break rules written against an earlier version: a set the rules name
 * gained addresses (or hosts) they lack, moved to Default and no longer publishes the addresses
 * they name (an IP-only device cannot follow it), or changed ports the rules pin. The
 * earlier version is the one a managed block records, or else the oldest stored version in which
 * the rules' addresses belonged to the set; the change is named as the web service names it.
 */
export const catalogChangeImpact: Check = (context: CheckContext) => {
  if (!context.history) return [];
  const findings: Finding[] = [];
  const allowedByList = new Map<RuleList, Named[]>();
  for (const scope of scopesOf(context)) {
    // Only rules that let traffic through (or route it, in a PAC file) are written for a set.
    const entries = scope.rules.filter(isAllowing).map((rule) => named(context, rule)).filter((e) => e.intervals.length > 0 || e.hosts.length > 0);
    if (entries.length === 0) continue;
    // What the list as a whole lets through decides whether an addition is missing, blocks included.
    let wholeList = allowedByList.get(scope.list);
    if (!wholeList) {
      wholeList = scope.list.rules.filter(isAllowing).map((rule) => named(context, rule));
      allowedByList.set(scope.list, wholeList);
    }
    for (const [setId, baseline] of baselines(context, scope, entries)) {
      const set = context.catalog.sets.find((s) => s.id === setId);
      // An nginx access list guards web requests; a set without web traffic never meets it.
      if (set && scope.list.kind === 'http-access' && !carriesWebTraffic(set)) continue;
      const change = context.history.setChangeSince(setId, baseline.version, context.today);
      if (change && inScope(context, change)) findings.push(...impactFindings(context, scope, wholeList, baseline.entries, change));
    }
  }
  return findings;
};
