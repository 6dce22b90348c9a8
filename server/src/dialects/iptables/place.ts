import { formatCidr, intersectIntervals, intervalToCidrs, mergeIntervals, minusIntervals, type IpInterval } from '../../model/address';
import type { ConfigModel, Rule, RuleList } from '../../model/config';
import { lineBreakOf, type TextEdit } from '../../model/edit';
import { reachableLists } from '../../model/lists';
import { matchRule } from '../../model/match';
import type { DecidingPoint, Flow, PolicyEntry } from '../../model/policy';
import { intersectPorts, minusPorts } from '../../model/ports';
import type { LineIndex, Range } from '../../model/range';
import { t } from '../../l10n';
import type { FlowDecision, InsertionPoint, Placement, PlacementPart, PlacementRequest } from '../dialect';
import { afterLine, afterRules, beforeRule, editSites, endOfText, entriesBySite, lineStart, translatedLocal, translationNote, type EditSite } from '../placement';
import { ruleComment } from '../ruleComment';
import type { IpsetFacts, IptablesVendor } from './parse';
import { COMMENT_LIMIT, type IptablesTarget } from './render';

type Family = 4 | 6;
type Style = IptablesTarget['style'];
type Request = PlacementRequest<IptablesVendor>;

/** `-A` lines of a save file, or commands of a script; an empty file takes the save format. */
function styleOf(request: Request): Style {
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
function emptyListPoint(lines: LineIndex, list: RuleList, style: Style): InsertionPoint {
  if (style === 'save') return commitAfter(lines, list.range.start.line) ?? endOfText(lines, t('at the end of the file'));
  return { offset: afterLine(lines, list.range.end.line), indent: '', description: t('after the declaration of {0}', list.name) };
}

/** The earliest offset a block for this list may start at and still be read in its table (save) or after the chain exists (script). */
function windowStart(lines: LineIndex, list: RuleList, style: Style): number {
  if (style === 'script') return list.defaultRange || list.rules.length > 0 ? afterLine(lines, list.range.end.line) : 0;
  const header = filterHeaderBefore(lines, list.range.start.line);
  return header === undefined ? 0 : afterLine(lines, header);
}

/** The range of `ranges` that holds `offset` strictly inside (a loop) or at all (a here-document body). */
function holding(lines: LineIndex, ranges: readonly Range[], offset: number, strictly: boolean): Range | undefined {
  return ranges.find((r) => {
    const from = lines.offsetAt(r.start);
    const to = lines.offsetAt(r.end);
    return strictly ? from < offset && offset < to : from <= offset && offset <= to;
  });
}

const LOG_TARGET = /(?:^|\s)(?:-j|--jump)\s+(?:LOG|NFLOG|ULOG)(?=\s|$)/;

/** Where the rules that log what the rule at `index` (or the list's default, -1) stops begin: the LOG rules right in front of it. */
function loggedFrom(list: RuleList, index: number): number {
  let i = index < 0 ? list.rules.length : index;
  while (i > 0 && list.rules[i - 1]!.action.type === 'continue' && LOG_TARGET.test(list.rules[i - 1]!.text)) i--;
  return i;
}

const INSERTED = /(?:^|\s)(?:-I|--insert)\s+\S+(?:\s+(\d+))?(?=\s)/;

/**
 * In front of the decision of a site: the deciding rule, or after the list's last rule when its
 * policy decides; in front of the LOG rules that record what it drops (accepted traffic is not
 * logged as dropped); outside a shell loop (a block inside one would run once per pass). A rule a
 * script put in with `-I CHAIN n` is preceded by rules put in the same way right after it.
 */
function sitePoint(request: Request, site: EditSite, style: Style): { point: InsertionPoint; insertAt?: number } {
  const { lines } = request;
  const list = site.list;
  const from = windowStart(lines, list, style);
  const sectionEnd = style === 'save' ? (commitAfter(lines, list.range.start.line)?.offset ?? lines.text.length) : lines.text.length;
  const logged = loggedFrom(list, site.ruleIndex);
  const decidingIndex = site.ruleIndex < 0 ? list.rules.length : site.ruleIndex;
  const loops = request.parsed.vendor.loops;
  const front = list.rules[Math.min(logged, decidingIndex)];
  const inserted = front ? INSERTED.exec(front.text) : null;
  if (front && inserted && !holding(lines, loops, lines.offsetAt(front.range.start), true)) {
    const offset = afterLine(lines, front.range.end.line);
    const position = Number(inserted[1] ?? '1');
    const point = { offset, indent: '', description: t('after the rule on line {0} of {1}, put in front of it with -I {2}', front.range.start.line + 1, list.name, position), window: { from: offset, to: offset } };
    return { point, insertAt: position };
  }
  let point: InsertionPoint;
  if (logged < decidingIndex) {
    const line = list.rules[logged]!.range.start.line;
    point = { ...beforeRule(lines, list, logged, from), description: t('before the logging rule on line {0} of {1}, so that it logs only what is still dropped', line + 1, list.name) };
  } else if (site.ruleIndex >= 0) point = beforeRule(lines, list, site.ruleIndex, from);
  else point = afterRules(lines, list, { from, to: sectionEnd }) ?? emptyListPoint(lines, list, style);
  const loop = holding(lines, loops, point.offset, true);
  if (!loop) return { point: { ...point, indent: '' } };
  if (site.ruleIndex < 0 && logged === decidingIndex) {
    const offset = afterLine(lines, loop.end.line);
    return { point: { offset, indent: '', description: t('after the loop that ends on line {0}', loop.end.line + 1), window: { from: Math.min(point.window?.from ?? offset, offset), to: Math.max(point.window?.to ?? offset, offset) } } };
  }
  const offset = lineStart(lines, loop.start.line);
  return {
    point: {
      offset,
      indent: '',
      description: t('before the loop on line {0}, whose rule on line {1} decides', loop.start.line + 1, lines.positionAt(point.offset).line + 1),
      window: { from: Math.min(point.window?.from ?? offset, offset), to: offset },
    },
  };
}

const COMMAND_WORD = /^\s*((?:sudo\s+)?(?:\$\{?[A-Za-z_]\w*\}?|(?:\S*\/)?ip6?tables(?:-legacy|-nft)?)(?:\s+(?:-w|--wait)(?:\s+\d+)?)?)\s+(?:-t\s+filter\s+)?-[AIRD]\s/;

/**
 * How the script calls iptables for this list, as the rules around the decision do (`$IPT`,
 * `/sbin/iptables -w`); none from inside a loop, where a variable stands for each tool in turn.
 */
function commandOf(request: Request, list: RuleList, from: number): string | undefined {
  const { lines } = request;
  const start = Math.min(from < 0 ? list.rules.length - 1 : from, list.rules.length - 1);
  for (let i = start; i >= 0; i--) {
    const rule = list.rules[i]!;
    if (holding(lines, request.parsed.vendor.loops, lines.offsetAt(rule.range.start), true)) continue;
    const word = COMMAND_WORD.exec(rule.text)?.[1];
    if (word) return word.replace(/\s+/g, ' ');
  }
  return undefined;
}

function sitePart(request: Request, site: EditSite, entries: number[], style: Style, fileFamilies: ReadonlySet<Family>): PlacementPart<IptablesTarget> {
  const inRestoreBody = (offset: number): boolean => holding(request.lines, request.parsed.vendor.restoreBodies, offset, false) !== undefined;
  const list = site.list;
  const placed = sitePoint(request, site, style);
  let point = placed.point;
  // Rules read by iptables-restore from a here-document are save lines, whatever the script around them is.
  let blockStyle: Style = style;
  if (style === 'script' && inRestoreBody(point.offset)) blockStyle = 'save';
  if (blockStyle === 'save' && style === 'script') point = { ...point, window: { from: point.offset, to: point.offset } };
  const own: Family[] = list.families ?? [4, 6];
  // A script block may also set up a family the script has no rules for at all.
  const families = blockStyle === 'save' ? own : [...new Set<Family>([...own, ...([4, 6] as Family[]).filter((f) => !fileFamilies.has(f))])].sort();
  const note = translationNote(request.parsed.model, site);
  const local = translatedLocal(site);
  const called = blockStyle === 'script' && own.length === 1 ? commandOf(request, list, site.ruleIndex) : undefined;
  const command = called === (own[0] === 6 ? 'ip6tables' : 'iptables') ? undefined : called;
  return {
    kind: 'block',
    entries,
    point,
    target: {
      style: blockStyle,
      chain: chainOf(list),
      families,
      ...(command ? { commands: { [own[0] === 6 ? '6' : '4']: command } } : {}),
      ...(placed.insertAt !== undefined && own.length === 1 ? { insert: { family: own[0]!, position: placed.insertAt } } : {}),
    },
    ...(note ? { notes: [note] } : {}),
    ...(local ? { local } : {}),
  };
}

/** Each rule of the model with the list and position it has there. */
function ruleSites(model: ConfigModel): Map<Rule, { list: RuleList; index: number }> {
  const out = new Map<Rule, { list: RuleList; index: number }>();
  for (const list of model.ruleLists) list.rules.forEach((rule, index) => out.set(rule, { list, index }));
  return out;
}

/** The lists reached by jumps from the first `limit` rules of a list, asked once per list and limit. */
type JumpReach = (list: RuleList, limit: number) => ReadonlySet<string>;

function jumpReach(model: ConfigModel): JumpReach {
  const known = new Map<string, ReadonlySet<string>>();
  return (list, limit) => {
    const key = `${list.id}#${limit}`;
    let reached = known.get(key);
    if (!reached) {
      const targets = list.rules.slice(0, limit).flatMap((r) => (r.action.type === 'jump' ? [r.action.target] : []));
      reached = new Set(reachableLists(model, targets).map((l) => l.id));
      known.set(key, reached);
    }
    return reached;
  };
}

/** Whether the rule at `index` of `list` is met before the decision a trace reached: earlier in one of its lists, or in a chain an earlier rule jumps to. */
function metBefore(model: ConfigModel, reach: JumpReach, trace: readonly DecidingPoint[], list: RuleList, index: number): boolean {
  return trace.some((point) => {
    const on = model.ruleLists.find((l) => l.id === point.listId);
    if (!on) return false;
    const limit = point.ruleIndex < 0 ? on.rules.length : point.ruleIndex;
    return on.id === list.id ? index < limit : reach(on, limit).has(list.id);
  });
}

/**
 * An ipset that can take more members without changing what the file does to other traffic: a
 * `hash:net` set whose members stay (no timeout) and whose every use accepts on a match.
 */
function extensible(set: IpsetFacts): boolean {
  return set.type === 'hash:net' && !set.createOptions.includes('timeout') && set.uses.length > 0 && set.uses.every((u) => !u.negated && u.rule.action.type === 'accept');
}

function setMembers(model: ConfigModel, set: IpsetFacts): IpInterval[] {
  return mergeIntervals(set.referenceIds.flatMap((id) => model.references[id]?.interval ?? []));
}

function remoteOf(flow: Flow): IpInterval[] {
  return flow.remote.kind === 'addresses' ? flow.remote.intervals : [];
}

/**
 * The ipset already holding part of the decision's endpoint set that a rule met before the
 * decision accepts it through, on the flow's protocol and every one of its ports: adding the
 * missing members there lets the flow through.
 */
function ipsetFor(request: Request, decision: FlowDecision, sites: Map<Rule, { list: RuleList; index: number }>, reach: JumpReach): IpsetFacts | undefined {
  const { model, vendor } = request.parsed;
  const entry = request.policy.entries[decision.entry];
  const remote = remoteOf(decision.flow);
  const family = remote[0]?.family;
  if (!entry || family === undefined) return undefined;
  const side = decision.flow.direction === 'inbound' ? 'sources' : 'destinations';
  return vendor.ipsets.find((set) => {
    if (!extensible(set) || set.family !== family) return false;
    const members = setMembers(model, set);
    if (intersectIntervals(members, entry.addresses).length === 0 || minusIntervals(remote, members).length === 0) return false;
    return set.uses.some((use) => {
      const at = sites.get(use.rule);
      if (!at || use.side !== side || !metBefore(model, reach, decision.outcome.trace, at.list, at.index)) return false;
      const match = matchRule(use.rule, decision.flow);
      return match !== undefined && match.uncertain === undefined && (match.ports === undefined || minusPorts(decision.flow.ports, match.ports).length === 0);
    });
  });
}

/** The ipset through which the rule that decided an allowed flow matched it, with that rule's line. */
function acceptingIpset(vendor: IptablesVendor, model: ConfigModel, decision: FlowDecision): { set: IpsetFacts; line: number } | undefined {
  const point = decision.outcome.decidedBy;
  const rule = point && point.ruleIndex >= 0 ? model.ruleLists.find((l) => l.id === point.listId)?.rules[point.ruleIndex] : undefined;
  if (!rule || rule.action.type !== 'accept') return undefined;
  const side = decision.flow.direction === 'inbound' ? 'sources' : 'destinations';
  const set = vendor.ipsets.find((s) => s.uses.some((u) => u.rule === rule && u.side === side && !u.negated));
  return set ? { set, line: rule.range.start.line } : undefined;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The line an ipset's new members are written like: its last `ipset add NAME ADDRESS` (or `add`
 * line of ipset restore data) that is a command of its own outside any loop, cut at the member.
 */
function memberTemplate(request: Request, set: IpsetFacts): { line: number; prefix: string; suffix: string } | undefined {
  const { lines } = request;
  const { model, vendor } = request.parsed;
  const head = new RegExp(`^\\s*(?:(?:(?:sudo\\s+)?(?:\\S*/)?ipset|\\$\\{?\\w+\\}?)\\s+)?(?:-(?:exist|!)\\s+)*(?:add|a|-A)\\s+${escapeRegExp(set.name)}\\s+$`);
  const references = set.referenceIds.map((id) => model.references[id]).filter((r) => r !== undefined);
  for (const ref of [...references].sort((a, b) => b.range.start.line - a.range.start.line)) {
    const { start, end } = ref.range;
    if (start.line !== end.line) continue;
    const text = lines.lineText(start.line);
    const prefix = text.slice(0, start.character);
    const rest = text.slice(end.character);
    if (text.slice(start.character, end.character) !== ref.text || !head.test(prefix) || !/^[^;&|`$()<>#]*$/.test(rest)) continue;
    if (holding(lines, vendor.loops, lines.offsetAt(start), true)) continue;
    const flags = rest.split(/\s+/).filter((w) => w === '-exist' || w === '-!');
    return { line: start.line, prefix, suffix: flags.map((f) => ` ${f}`).join('') };
  }
  return undefined;
}

/** The edit that adds the missing members to one ipset, or undefined when the file has no line to write them like. */
function ipsetPart(request: Request, set: IpsetFacts, decisions: readonly FlowDecision[]): PlacementPart<IptablesTarget> | undefined {
  const template = memberTemplate(request, set);
  if (!template) return undefined;
  const { lines, policy } = request;
  const members = setMembers(request.parsed.model, set);
  const missing = mergeIntervals(decisions.flatMap((d) => minusIntervals(remoteOf(d.flow), members)));
  const cidrs = missing.flatMap((iv) => intervalToCidrs(iv).map(formatCidr));
  const entries = [...new Set(decisions.map((d) => d.entry))].sort((a, b) => a - b);
  const origins = entries.map((i) => policy.entries[i]!.origin);
  const indent = /^\s*/.exec(template.prefix)?.[0] ?? '';
  const lineBreak = lineBreakOf(request.text);
  const added = [`${indent}# ${ruleComment(policy.purpose, origins, policy.catalogVersion, COMMENT_LIMIT)}`, ...cidrs.map((c) => `${template.prefix}${c}${template.suffix}`)];
  const offset = afterLine(lines, template.line);
  const atEnd = offset === request.text.length && !/[\r\n]$/.test(request.text);
  const position = lines.positionAt(offset);
  const edit: TextEdit = { range: { start: position, end: position }, newText: `${atEnd ? lineBreak : ''}${added.join(lineBreak)}${lineBreak}` };
  return {
    kind: 'edits',
    entries,
    edits: [edit],
    description:
      cidrs.length === 1
        ? t('Added 1 prefix to the ipset {0} after line {1}; the rules that match it already let this traffic through.', set.name, template.line + 1)
        : t('Added {0} prefixes to the ipset {1} after line {2}; the rules that match it already let this traffic through.', cidrs.length, set.name, template.line + 1),
  };
}

/** The destination-NAT rules of the file: what traffic they send to which server. */
function natRules(model: ConfigModel): Rule[] {
  return reachableLists(model, model.prerouting ?? []).flatMap((l) => l.rules.filter((r) => r.action.type === 'dnat'));
}

/**
 * Why an inbound entry for a server behind destination NAT cannot be let through by any filter
 * rule: the file translates traffic for that server, but none of its protocol and ports.
 */
function untranslatedReason(model: ConfigModel, entry: PolicyEntry): string | undefined {
  const servers = entry.localAddresses;
  if (!servers || servers.length === 0) return undefined;
  const forServer = natRules(model).filter((r) => {
    const to = r.action.type === 'dnat' ? (r.action.to ?? []) : [];
    const front = r.destinations && !r.destinations.negated ? r.destinations.intervals : [];
    return intersectIntervals(to, servers).length > 0 || intersectIntervals(front, servers).length > 0;
  });
  if (forServer.length === 0) return undefined;
  const carries = forServer.some((r) => {
    const protocolFits = !r.protocols || r.protocols.length === 0 || r.protocols.includes(entry.protocol);
    return protocolFits && (!r.destinationPorts || r.destinationPorts.length === 0 || intersectPorts(entry.ports, r.destinationPorts).length > 0);
  });
  if (carries) return undefined;
  const ports = entry.ports.map((p) => (p.from === p.to ? String(p.from) : `${p.from}-${p.to}`)).join(', ');
  return t('destination NAT (line {0}) sends none of this traffic ({1} {2}) to the server, so no filter rule can let it reach it; add a DNAT rule for it first', forServer.map((r) => r.range.start.line + 1).join(', '), entry.protocol.toUpperCase(), ports);
}

/**
 * Blocks for lists of both families that land on one line (in front of a loop over iptables and
 * ip6tables) as one block for both families: the same rules in one place, said once.
 */
function joinSamePlace(parts: PlacementPart<IptablesTarget>[]): PlacementPart<IptablesTarget>[] {
  type Block = Extract<PlacementPart<IptablesTarget>, { kind: 'block' }>;
  const joinable = (p: PlacementPart<IptablesTarget>): p is Block => p.kind === 'block' && p.target.style === 'script' && !p.target.insert && !p.notes && !p.local;
  const out: PlacementPart<IptablesTarget>[] = [];
  for (const part of parts) {
    const same = joinable(part) ? out.find((o): o is Block => joinable(o) && o.point.offset === part.point.offset && o.target.chain === part.target.chain) : undefined;
    if (!same || !joinable(part)) {
      out.push(part);
      continue;
    }
    const commands = { ...same.target.commands, ...part.target.commands };
    same.entries = [...new Set([...same.entries, ...part.entries])].sort((a, b) => a - b);
    same.target = { ...same.target, families: [...new Set([...same.target.families, ...part.target.families])].sort(), ...(Object.keys(commands).length > 0 ? { commands } : {}) };
  }
  return out;
}

/**
 * iptables placement: where an ipset that already holds part of an endpoint set is accepted on
 * the flow's path, the missing members go into that ipset; otherwise a block goes in front of
 * the rule that decides each flow, in the chain the flow actually traverses (OUTPUT on a host,
 * FORWARD on a gateway, a user chain it jumps to, the caller of a log-and-drop chain, the forward
 * path with the translated address after destination NAT), or at the end of a chain whose policy
 * decides. Every command is read from the first column, so blocks take no indentation.
 */
export function placeIptables(request: Request): Placement<IptablesTarget> {
  const { lines, parsed, policy } = request;
  const model = parsed.model;
  const style = styleOf(request);
  const fileFamilies = new Set<Family>(model.ruleLists.flatMap((l) => l.families ?? []));
  const notPlaced: Placement<IptablesTarget>['notPlaced'] = [];
  const excluded = new Set<number>();
  // Entries left out for the same reason are said together.
  const leaveOut = (entry: number, reason: string): void => {
    excluded.add(entry);
    const known = notPlaced.find((n) => n.reason === reason);
    if (known) known.entries.push(entry);
    else notPlaced.push({ entries: [entry], reason });
  };

  policy.entries.forEach((entry, i) => {
    const reason = policy.direction === 'inbound' ? untranslatedReason(model, entry) : undefined;
    if (reason) leaveOut(i, reason);
  });
  // A save file holds one address family; an entry with none of its addresses has no rule here.
  const saveFamily: Family = parsed.vendor.families.length === 1 ? parsed.vendor.families[0]! : 4;
  if (style === 'save') {
    const other = saveFamily === 4 ? 6 : 4;
    policy.entries.forEach((entry, i) => {
      if (excluded.has(i) || entry.addresses.length === 0) return;
      if (!entry.addresses.some((a) => a.family === saveFamily)) {
        leaveOut(i, t('this file holds IPv{0} rules only; its IPv{1} prefixes belong in the {2} rules', saveFamily, other, other === 6 ? 'ip6tables' : 'iptables'));
      } else if (entry.localAddresses && entry.localAddresses.length > 0 && !entry.localAddresses.some((a) => a.family === saveFamily)) {
        leaveOut(i, t('no IPv{0} server address was given, and this file holds IPv{0} rules only', saveFamily));
      }
    });
  }

  const sites = ruleSites(model);
  const reach = jumpReach(model);
  // Inserting again what an ipset edit already let through changes nothing: the ipset is the rule
  // (on the other paths only a chain's policy lets the traffic by).
  if (request.decisions.length > 0 && request.decisions.every((d) => d.outcome.value === 'allowed')) {
    policy.entries.forEach((_entry, i) => {
      const own = request.decisions.filter((d) => d.entry === i);
      const through = own.map((d) => acceptingIpset(parsed.vendor, model, d));
      const first = through.find((x) => x !== undefined);
      const rest = own.filter((_d, k) => through[k] === undefined);
      if (excluded.has(i) || !first || rest.some((d) => d.outcome.decidedBy?.ruleIndex !== -1)) return;
      leaveOut(i, t('the ipset {0}, which the rule on line {1} accepts, already holds these addresses', first.set.name, first.line + 1));
    });
  }

  const decisions = request.decisions.filter((d) => !excluded.has(d.entry));
  const parts: PlacementPart<IptablesTarget>[] = [];
  const bySet = new Map<IpsetFacts, FlowDecision[]>();
  for (const decision of decisions) {
    if (decision.outcome.value === 'allowed') continue;
    const set = ipsetFor(request, decision, sites, reach);
    if (set) bySet.set(set, [...(bySet.get(set) ?? []), decision]);
  }
  const handled = new Set<FlowDecision>();
  for (const [set, setDecisions] of bySet) {
    const part = ipsetPart(request, set, setDecisions);
    if (!part) continue;
    parts.push(part);
    for (const d of setDecisions) handled.add(d);
  }

  const remaining = decisions.filter((d) => !handled.has(d));
  const blockSites = editSites(model, remaining).filter((s) => s.list.kind === 'packet-filter');
  const sited = new Set(blockSites.flatMap((s) => s.decisions));
  const open = remaining.filter((d) => d.outcome.value !== 'allowed');
  const unsited = [...new Set(open.filter((d) => !sited.has(d)).map((d) => d.entry))].filter((e) => !blockSites.some((s) => s.decisions.some((d) => d.entry === e)));
  if (unsited.length > 0) notPlaced.push({ entries: unsited, reason: t('the rule that decides it is not in a filter chain this file can add rules to') });
  const editedOnly = new Set([...handled].map((d) => d.entry).filter((e) => !remaining.some((d) => d.entry === e)));
  const candidates = policy.entries.map((_e, i) => i).filter((i) => !excluded.has(i) && !editedOnly.has(i) && !unsited.includes(i));

  if (blockSites.length > 0) {
    const entries = entriesBySite(request, blockSites, candidates);
    parts.push(...joinSamePlace(blockSites.map((site, i) => sitePart(request, site, entries[i]!, style, fileFamilies))));
    return { parts, notPlaced };
  }
  if (candidates.length === 0 || open.length > 0 || parts.length > 0) return { parts, notPlaced };
  // Nothing in the file decides this traffic (an empty file, a family it has no rules for): the block goes where the table is written.
  const header = style === 'save' ? filterHeaderBefore(lines, 0) : undefined;
  const point = (header !== undefined ? commitAfter(lines, header) : undefined) ?? endOfText(lines, t('at the end of the file'), true);
  const families: Family[] = style === 'save' ? [saveFamily] : [4, 6];
  parts.push({ kind: 'block', entries: candidates, point, target: { style, families } });
  return { parts, notPlaced };
}
