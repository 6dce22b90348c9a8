import { t } from '../../l10n';
import { formatCidr, formatIp, intersectIntervals, intervalToCidrs, mergeIntervals, type IpInterval } from '../../model/address';
import type { EvaluationPath, PortRange, Rule, RuleList } from '../../model/config';
import { leadingWhitespace } from '../../model/edit';
import type { PolicyEntry } from '../../model/policy';
import { listenedPorts } from '../../model/routing';
import { matchIsOf } from '../../catalog';
import type { FlowDecision, InsertionPoint, Placement, PlacementPart, PlacementRequest } from '../dialect';
import { afterLine, beforeRule, braceBlockAfter, endOfText, insideBraces, nowhere } from '../placement';
import { ruleComment } from '../ruleComment';
import { guardRefuses, type NginxContextInfo, type NginxGeoInfo, type NginxVendor } from './parse';
import type { NginxTarget } from './render';

type Request = PlacementRequest<NginxVendor>;

function portsText(protocol: string, ports: readonly PortRange[]): string {
  return `${protocol.toUpperCase()} ${ports.map((p) => (p.from === p.to ? String(p.from) : `${p.from}-${p.to}`)).join(', ')}`;
}

function blockOf(request: Request, context: NginxContextInfo): { open: number; close: number } | undefined {
  return context.block ?? braceBlockAfter(request.text, request.lines.offsetAt(context.range.start));
}

/** TLS ports an SNI router reads server names on: HTTPS and the ports its stream servers listen on. */
function sniPorts(routers: readonly NginxContextInfo[]): PortRange[] {
  return [{ from: 443, to: 443 }, ...routers.flatMap((r) => r.listenPorts.map((p) => ({ from: p, to: p })))];
}

/**
 * Outbound traffic through nginx is stream proxying chosen by SNI: the map that routes it, or a new
 * map in the stream block. Only TLS connections carry a server name, so entries on other ports or
 * over UDP are not written into the map.
 */
function placeOutbound(request: Request): Placement<NginxTarget> {
  const { text, lines, parsed, policy } = request;
  const routers = parsed.vendor.contexts.filter((c) => c.kind === 'stream-server' && c.sslPreread === true);
  const tls = sniPorts(routers);
  const notPlaced: Placement<NginxTarget>['notPlaced'] = [];
  const routable: number[] = [];
  policy.entries.forEach((entry, i) => {
    if (routers.length === 0 || (entry.protocol === 'tcp' && entry.ports.some((p) => tls.some((x) => p.from <= x.to && x.from <= p.to)))) routable.push(i);
    else notPlaced.push({ entries: [i], reason: t('the SNI router ({0}) routes TLS connections by the server name they announce; {1} carries no name it can read, so it cannot route this traffic', routers[0]!.name, portsText(entry.protocol, entry.ports)) });
  });
  if (routable.length === 0) return { parts: [], notPlaced };
  const map = parsed.model.ruleLists.find((l) => l.kind === 'sni-routing');
  const mapBlock = map ? braceBlockAfter(text, lines.offsetAt(map.range.start)) : undefined;
  if (map && mapBlock) return { parts: [{ kind: 'block', entries: routable, point: insideBraces(lines, mapBlock, map.name, false), target: { mode: 'sni-map', list: map } }], notPlaced };
  const stream = parsed.vendor.contexts.find((c) => c.kind === 'stream');
  const streamBlock = stream ? blockOf(request, stream) : undefined;
  if (stream && streamBlock) return { parts: [{ kind: 'block', entries: routable, point: insideBraces(lines, streamBlock, stream.name, true), target: { mode: 'sni-map' } }], notPlaced };
  // A map on $ssl_preread_server_name outside a stream block is not valid nginx.
  return nowhere(request, t('this nginx file has no stream block, so it carries no outbound traffic; allow these destinations on the firewall instead'));
}

function contextOfPath(vendor: NginxVendor, path: EvaluationPath): NginxContextInfo | undefined {
  return vendor.contexts.find((c) => `path:${c.id}` === path.id);
}

/** The context whose own allow/deny lines make up the list a context applies: itself, or the enclosing one it inherits them from. */
function ownerOf(vendor: NginxVendor, context: NginxContextInfo): NginxContextInfo | undefined {
  for (let at: NginxContextInfo | undefined = context; at; at = at.parent === undefined ? undefined : vendor.contexts[at.parent]) {
    if (at.accessListOwn === true) return at;
  }
  return undefined;
}

function ancestry(vendor: NginxVendor, context: NginxContextInfo): NginxContextInfo[] {
  const out: NginxContextInfo[] = [];
  for (let at: NginxContextInfo | undefined = context; at; at = at.parent === undefined ? undefined : vendor.contexts[at.parent]) out.push(at);
  return out;
}

/** Where one group of entries goes, and how. */
type Site =
  | { kind: 'before'; owner: NginxContextInfo; list: RuleList; ruleIndex: number }
  | { kind: 'own-list'; context: NginxContextInfo; inherited: RuleList; from: NginxContextInfo }
  /** A block of the policy being refreshed is the only allow/deny of the context it stands in: it stays there. */
  | { kind: 'kept'; context: NginxContextInfo }
  | { kind: 'new-location'; server: NginxContextInfo; requestPath: string; inherited?: RuleList; from?: NginxContextInfo };

function siteKey(site: Site): string {
  if (site.kind === 'before') return `before|${site.owner.id}|${site.ruleIndex}`;
  if (site.kind === 'kept') return `kept|${site.context.id}`;
  if (site.kind === 'own-list') return `own|${site.context.id}`;
  return `new|${site.server.id}|${site.requestPath}`;
}

/** Why a decision cannot be changed by an allow line where it is made, or undefined when it can. */
function conditionalReason(request: Request, context: NginxContextInfo, decision: FlowDecision): string | undefined {
  const { vendor, model } = request.parsed;
  const satisfied = ancestry(vendor, context).find((c) => c.satisfyAny === true);
  if (satisfied) return t('{0} uses "satisfy any": clients that authenticate get in whatever allow/deny say, so an allow line there would let these addresses skip the authentication; decide it there by hand', satisfied.name);
  if (decision.outcome.value !== 'unknown') return undefined;
  const point = decision.outcome.decidedBy;
  const rule = point ? model.ruleLists.find((l) => l.id === point.listId)?.rules[point.ruleIndex] : undefined;
  const condition = rule?.unknownConditions?.[0] ?? decision.outcome.reason;
  return t('access in {0} depends on a condition the file cannot settle ({1}), so an allow line there is not sure to take effect', context.name, condition ?? t('unknown'));
}

/** The site for an open decision, or the reason there is none. */
function siteOf(request: Request, decision: FlowDecision): Site | { reason: string } {
  const { vendor, model } = request.parsed;
  const context = contextOfPath(vendor, decision.path);
  const point = decision.outcome.decidedBy;
  const list = point ? model.ruleLists.find((l) => l.id === point.listId) : undefined;
  if (!context || !point || !list) return { reason: t('no place found where the rules would take effect') };
  const conditional = conditionalReason(request, context, decision);
  if (conditional) return { reason: conditional };
  const owner = ownerOf(vendor, context);
  if (!owner) return { reason: t('no place found where the rules would take effect') };
  const requestPath = decision.flow.requestPath;
  // A request for one service whose location takes the rules of an enclosing block gets a list of its own there; no location at all, a new one.
  if (requestPath !== undefined && context.kind === 'server') return { kind: 'new-location', server: context, requestPath, inherited: list, from: owner };
  if (requestPath !== undefined && context.kind === 'location' && owner !== context) return { kind: 'own-list', context, inherited: list, from: owner };
  if (requestPath !== undefined && context.kind === 'http') {
    return { reason: t('{0} is served by a server block this file does not have, and a location can only be created inside one, so it is not created here; allow lines in {1} would open every server', requestPath, context.name) };
  }
  return { kind: 'before', owner, list, ruleIndex: point.ruleIndex };
}

/**
 * For traffic the file lets through once the policy's own blocks are taken out: the context one
 * of those blocks stood in, when it is where the traffic ends up, so refreshing keeps the block.
 */
function keptSite(request: Request, decisions: readonly FlowDecision[]): Site | undefined {
  const offsets = request.replacedBlocks ?? [];
  if (offsets.length === 0) return undefined;
  for (const decision of decisions) {
    const context = contextOfPath(request.parsed.vendor, decision.path);
    const block = context ? blockOf(request, context) : undefined;
    if (!context || !block) continue;
    // Directly in this context's body, not in a block nested in it.
    const inner = request.parsed.vendor.contexts.filter((c) => c !== context && c.block && block.open < c.block.open && c.block.close < block.close);
    if (offsets.some((o) => block.open < o && o <= block.close && !inner.some((c) => c.block!.open < o && o <= c.block!.close))) return { kind: 'kept', context };
  }
  return undefined;
}

/** Where a geo block that a guard reads gets the networks it refuses by default, or why it does not. */
type GeoSite = { geo: NginxGeoInfo; index: number; after: number; value: string; indent: string } | { reason: string };

/** The geo behind a guard list that decides by its default: extended with the value its own allowing entries have, after the one that holds part of the set. */
function geoSiteOf(request: Request, decision: FlowDecision, entry: PolicyEntry): GeoSite | undefined {
  const { vendor } = request.parsed;
  const point = decision.outcome.decidedBy;
  const guarded = point ? vendor.guardLists.find((g) => g.listId === point.listId) : undefined;
  const geo = guarded ? vendor.geos[guarded.geo] : undefined;
  if (!point || !guarded || !geo) return undefined;
  const ifLine = guarded.guard.range.start.line + 1;
  if (decision.outcome.value === 'unknown') return { reason: t('geo {0} decides it, and {1}, so networks added there are not sure to take effect', geo.variable, decision.outcome.reason ?? t('unknown')) };
  if (point.ruleIndex >= 0) {
    const rule = request.parsed.model.ruleLists.find((l) => l.id === point.listId)?.rules[point.ruleIndex];
    return { reason: t('geo {0} gives these addresses a value on line {1} that the "if" on line {2} refuses; that is said on purpose, so it is left as it is', geo.variable, (rule?.range.start.line ?? 0) + 1, ifLine) };
  }
  const letThrough = geo.entries.filter((e) => !guardRefuses(guarded.guard, e.value));
  const holding = letThrough.filter((e) => holdsPart(request, { range: e.range, actionRange: e.range, action: { type: 'accept' }, sources: { referenceIds: [], intervals: [e.interval], negated: false }, text: '' }, entry));
  const anchor = holding.at(-1) ?? letThrough.at(-1);
  if (!anchor) return { reason: t('geo {0} gives no network a value the "if" on line {1} lets through, so there is no value to add these addresses with', geo.variable, ifLine) };
  const line = anchor.range.end.line;
  return { geo, index: vendor.geos.indexOf(geo), after: line, value: anchor.value, indent: leadingWhitespace(request.lines.lineText(anchor.range.start.line)) };
}

/** The lines that add networks to a geo block, in its own form (networks, or `first-last` in ranges mode). */
function geoPart(request: Request, site: Exclude<GeoSite, { reason: string }>, entries: number[], addresses: IpInterval[]): PlacementPart<NginxTarget> {
  const { lines, policy } = request;
  const merged = mergeIntervals(addresses);
  const keys = site.geo.ranges ? merged.map((iv) => `${formatIp(iv.family, iv.first)}-${formatIp(iv.family, iv.last)}`) : merged.flatMap((iv) => intervalToCidrs(iv).map(formatCidr));
  const value = /[\s;{}#"']/.test(site.value) ? `"${site.value}"` : site.value;
  const comment = `${site.indent}# ${ruleComment(policy.purpose, entries.map((i) => policy.entries[i]!.origin), policy.catalogVersion, 200)}`;
  const newText = [comment, ...keys.map((k) => `${site.indent}${k} ${value};`)].join('\n') + '\n';
  const at = lines.positionAt(afterLine(lines, site.after));
  return { kind: 'edits', entries, edits: [{ range: { start: at, end: at }, newText }], description: t('Added {0} to geo {1} after line {2}, with the value "{3}".', keys.join(', '), site.geo.variable, site.after + 1, site.value) };
}

/** Addresses of an entry the site's decisions leave open. */
function openAddresses(decisions: readonly FlowDecision[], entry: number): IpInterval[] {
  return mergeIntervals(decisions.filter((d) => d.entry === entry && d.flow.remote.kind === 'addresses').flatMap((d) => (d.flow.remote.kind === 'addresses' ? d.flow.remote.intervals : [])));
}

/** The web-service sets the catalogue lists these addresses in. */
function setsOf(request: Request, intervals: readonly IpInterval[]): Set<number> {
  const out = new Set<number>();
  for (const iv of intervals) for (const m of request.catalog?.lookupAddress(iv) ?? []) if (m.source === 'web-service' && m.id !== undefined) out.add(m.id);
  return out;
}

/**
 * The rule already names part of what the entry is for: its own addresses, prefixes of the same
 * endpoint set or row, or of a set the entry's addresses come from (a row whose senders are
 * Exchange Online's sets).
 */
function holdsPart(request: Request, rule: Rule, entry: PolicyEntry): boolean {
  const held = rule.sources?.intervals ?? [];
  if (held.length === 0) return false;
  if (intersectIntervals(held, entry.addresses).length > 0) return true;
  if (held.some((iv) => (request.catalog?.lookupAddress(iv) ?? []).some((m) => matchIsOf(m, entry.origin)))) return true;
  const sets = setsOf(request, entry.addresses);
  return [...setsOf(request, held)].some((id) => sets.has(id));
}

/** The last plain `allow` before the deciding rule that holds part of the entry: where the missing prefixes join the list. */
function anchorOf(request: Request, list: RuleList, ruleIndex: number, owner: NginxContextInfo, entry: PolicyEntry): Rule | undefined {
  const { lines } = request;
  const block = blockOf(request, owner);
  const from = block ? lines.positionAt(block.open).line : 0;
  const to = block ? lines.positionAt(block.close).line : lines.lineCount;
  for (let i = ruleIndex - 1; i >= 0; i--) {
    const rule = list.rules[i]!;
    if (rule.range.start.line < from || rule.range.end.line > to) continue;
    if (rule.action.type === 'accept' && rule.sources && !rule.sources.negated && !rule.unknownConditions?.length && holdsPart(request, rule, entry)) return rule;
  }
  return undefined;
}

/** Allow lines for the missing prefixes, right after the allow that already holds part of the set, under one comment line. */
function extensionPart(request: Request, anchor: Rule, owner: NginxContextInfo, entries: number[], addresses: IpInterval[]): PlacementPart<NginxTarget> {
  const { lines, policy } = request;
  const line = anchor.range.end.line;
  const indent = leadingWhitespace(lines.lineText(anchor.range.start.line));
  const cidrs = mergeIntervals(addresses).flatMap((iv) => intervalToCidrs(iv).map(formatCidr));
  const origins = entries.map((i) => policy.entries[i]!.origin);
  const comment = `${indent}# ${ruleComment(policy.purpose, origins, policy.catalogVersion, 200)}`;
  const newText = [comment, ...cidrs.map((c) => `${indent}allow ${c};`)].join('\n') + '\n';
  const at = lines.positionAt(afterLine(lines, line));
  const description = t('Added {0} to the allow list of {1} after line {2}.', cidrs.join(', '), owner.name, line + 1);
  return { kind: 'edits', entries, edits: [{ range: { start: at, end: at }, newText }], description };
}

/** The point and target of a block for a site. */
function blockPart(request: Request, site: Site, entries: number[]): PlacementPart<NginxTarget> | { reason: string } {
  const { lines } = request;
  if (site.kind === 'before') {
    const block = blockOf(request, site.owner);
    const from = block ? afterLine(lines, lines.positionAt(block.open).line) : 0;
    const ownRules = block ? { ...site.list, rules: site.list.rules.filter((r) => r.range.start.line >= lines.positionAt(block.open).line && r.range.end.line <= lines.positionAt(block.close).line) } : site.list;
    const index = ownRules.rules.indexOf(site.list.rules[site.ruleIndex]!);
    if (index < 0) return { reason: t('no place found where the rules would take effect') };
    return { kind: 'block', entries, point: beforeRule(lines, ownRules, index, from), target: { mode: 'access', list: ownRules } };
  }
  if (site.kind === 'kept') {
    const point = insideBraces(lines, blockOf(request, site.context)!, site.context.name, true);
    const own = site.context.accessListOwn ? request.parsed.model.ruleLists.find((l) => l.id === site.context.accessListId) : undefined;
    return { kind: 'block', entries, point, target: { mode: 'access', ...(own ? { list: own } : {}) } };
  }
  if (site.kind === 'own-list') {
    const block = blockOf(request, site.context)!;
    const point = insideBraces(lines, block, site.context.name, true);
    point.description = t('at the start of {0}, with the rules it inherited from {1} copied after the new ones', site.context.name, site.from.name);
    return { kind: 'block', entries, point, target: { mode: 'access', keep: { rules: site.inherited.rules, from: site.from.name } } };
  }
  const block = blockOf(request, site.server);
  const point: InsertionPoint = block ? insideBraces(lines, block, site.server.name, false) : endOfText(lines, t('at the end of the file'));
  point.description = t('in a new location {0} of {1}, since no location there serves it', site.requestPath, site.server.name);
  const keep = site.inherited && site.from ? { keep: { rules: site.inherited.rules, from: site.from.name } } : {};
  return { kind: 'block', entries, point, target: { mode: 'access', location: site.requestPath, ...keep } };
}

/** Why an entry with no open decision gets nothing: nothing listens for it, or it already gets through. */
function unplacedReason(request: Request, entry: PolicyEntry, decisions: readonly FlowDecision[]): string {
  const ports = entry.ports.length > 0 ? entry.ports : [{ from: 0, to: 65535 }];
  const listened = request.parsed.model.paths.some((p) => p.route && listenedPorts(p.route, entry.protocol, ports, entry.localAddresses).length > 0);
  if (!listened) return t('no server of this nginx file listens on {0}, so none of its allow/deny lines sees this traffic; allow it on the firewall or the server that receives it', portsText(entry.protocol, entry.ports));
  const names = [...new Set(decisions.map((d) => d.path.name))];
  const byRule = decisions.map((d) => d.outcome.decidedBy).find((p) => p !== undefined && p.ruleIndex >= 0);
  const rule = byRule ? request.parsed.model.ruleLists.find((l) => l.id === byRule.listId)?.rules[byRule.ruleIndex] : undefined;
  if (rule) return t('already let through: the allow on line {0} lets it in', rule.range.start.line + 1);
  if (names.length > 0) return t('already let through: no allow/deny of {0} stops it', names.join(', '));
  return t('already let through: no allow/deny of this file stops it where it arrives');
}

/**
 * nginx placement, on the evaluator's path: a request reaches the servers whose `listen` takes its
 * port and, for a known request path, the location nginx chooses for it. In front of the `deny`
 * that refuses it in the context whose own allow/deny decide — or as allow lines beside those of
 * the list that already holds part of the set; a location that inherits its list gets one of its
 * own (the inherited rules copied after the new ones), and a server with no location for the path
 * a new location. Traffic no listener takes (SMTP without a stream server on 25), traffic already
 * let through and decisions that hang on a condition are not placed, each with its reason.
 */
export function placeNginx(request: Request): Placement<NginxTarget> {
  if (request.policy.direction !== 'inbound') return placeOutbound(request);
  const { policy } = request;
  const notPlaced: Placement<NginxTarget>['notPlaced'] = [];
  const sites = new Map<string, { site: Site; entries: number[] }>();
  const geoSites = new Map<string, { site: Exclude<GeoSite, { reason: string }>; entries: number[]; addresses: IpInterval[] }>();
  policy.entries.forEach((entry, index) => {
    const mine = request.decisions.filter((d) => d.entry === index);
    const open = mine.filter((d) => d.outcome.value !== 'allowed');
    if (open.length === 0) {
      const kept = keptSite(request, mine);
      if (kept) {
        const known = sites.get(siteKey(kept)) ?? { site: kept, entries: [] };
        known.entries.push(index);
        sites.set(siteKey(kept), known);
      } else notPlaced.push({ entries: [index], reason: unplacedReason(request, entry, mine) });
      return;
    }
    // A list that already holds part of the set is where the author wants it; other servers refusing it were not written for it.
    const holding = open.filter((d) => {
      const site = siteOf(request, d);
      return !('reason' in site) && site.kind === 'before' && anchorOf(request, site.list, site.ruleIndex, site.owner, entry) !== undefined;
    });
    for (const decision of holding.length > 0 ? holding : open) {
      const geoSite = geoSiteOf(request, decision, entry);
      if (geoSite && 'reason' in geoSite) {
        if (!notPlaced.some((n) => n.reason === geoSite.reason && n.entries.includes(index))) notPlaced.push({ entries: [index], reason: geoSite.reason });
        continue;
      }
      if (geoSite) {
        const key = `${geoSite.index}|${geoSite.after}`;
        const known = geoSites.get(key) ?? { site: geoSite, entries: [], addresses: [] };
        if (!known.entries.includes(index)) known.entries.push(index);
        if (decision.flow.remote.kind === 'addresses') known.addresses.push(...decision.flow.remote.intervals);
        geoSites.set(key, known);
        continue;
      }
      const site = siteOf(request, decision);
      if ('reason' in site) {
        if (!notPlaced.some((n) => n.reason === site.reason && n.entries.includes(index))) notPlaced.push({ entries: [index], reason: site.reason });
        continue;
      }
      const key = siteKey(site);
      const known = sites.get(key) ?? { site, entries: [] };
      if (!known.entries.includes(index)) known.entries.push(index);
      sites.set(key, known);
    }
  });
  const parts: PlacementPart<NginxTarget>[] = [];
  for (const { site, entries, addresses } of geoSites.values()) parts.push(geoPart(request, site, entries.sort((a, b) => a - b), addresses));
  for (const { site, entries } of sites.values()) {
    const blockEntries: number[] = [];
    if (site.kind === 'before') {
      const anchored = new Map<Rule, number[]>();
      for (const index of entries) {
        const anchor = anchorOf(request, site.list, site.ruleIndex, site.owner, policy.entries[index]!);
        if (anchor) anchored.set(anchor, [...(anchored.get(anchor) ?? []), index]);
        else blockEntries.push(index);
      }
      for (const [anchor, indexes] of anchored) {
        const decisions = request.decisions.filter((d) => d.outcome.value !== 'allowed' && contextOfPath(request.parsed.vendor, d.path) !== undefined);
        const addresses = mergeIntervals(indexes.flatMap((i) => openAddresses(decisions, i)));
        parts.push(extensionPart(request, anchor, site.owner, indexes, addresses));
      }
    } else {
      blockEntries.push(...entries);
    }
    if (blockEntries.length === 0) continue;
    const part = blockPart(request, site, blockEntries.sort((a, b) => a - b));
    if ('reason' in part) notPlaced.push({ entries: blockEntries, reason: part.reason });
    else parts.push(part);
  }
  return { parts, notPlaced };
}

