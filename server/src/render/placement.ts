import * as acorn from 'acorn';
import type { IpInterval } from '../model/address';
import type { ConfigModel, Rule, RuleList, TrafficDirection } from '../model/config';
import type { Flow, Policy, RenderTarget } from '../model/policy';
import { LineIndex } from '../model/range';
import type { Dialect } from '../dialects/dialect';
import { matchRule } from '../analysis/evaluate';
import { intersectIntervals } from '../model/address';
import { ALL_PORTS, intersectPorts } from '../model/ports';
import { flowsOfPolicy } from '../policies';
import { t } from '../l10n';

/** Where a block goes: the start of a line (or the end of the text), and the indentation it takes there. */
export interface InsertionPoint {
  offset: number;
  indent: string;
  /** Whether the block must stay in front of what follows (a shadowing rule) rather than after what precedes. */
  before?: boolean;
  /** The latest offset the block may start at and still take effect (the first rule that would stop its traffic). */
  limit?: number;
  /** Localised, for the summary: "before the rule on line 12 of chain INPUT". */
  description: string;
}

export interface Placement {
  point: InsertionPoint;
  target: RenderTarget;
  list?: RuleList;
  /** Set when the file has no place where the policy could take effect; nothing is inserted and this says why. */
  unsupported?: string;
}

const INDENT_STEP = '    ';

function leadingWhitespace(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

function lineStart(index: LineIndex, line: number): number {
  return index.offsetAt({ line, character: 0 });
}

/** Offset of the line after `line`: where text "after this line" starts. */
function afterLine(index: LineIndex, line: number): number {
  return line + 1 < index.lineCount ? lineStart(index, line + 1) : index.text.length;
}

/** Jumps followed this deep at most; iptables itself refuses loops, a file may still have them. */
const MAX_JUMP_DEPTH = 16;

/**
 * The first rule of the list that would stop some address flow of the policy: a drop/reject that
 * matches it (a final catch-all deny is one), or a jump to a chain that drops it. Rules added
 * below it would never be reached for that traffic.
 */
export function firstShadowingRule(list: RuleList, flows: readonly Flow[], lists?: ReadonlyMap<string, RuleList>): number | undefined {
  return shadowIn(list, flows, lists, 0, new Set());
}

function shadowIn(list: RuleList, flows: readonly Flow[], lists: ReadonlyMap<string, RuleList> | undefined, depth: number, seen: Set<string>): number | undefined {
  seen.add(list.id);
  for (let i = 0; i < list.rules.length; i++) {
    const rule = list.rules[i]!;
    const action = rule.action;
    // Accepting and logging rules cannot stop anything; only they are common enough to matter for speed.
    if (action.type !== 'drop' && action.type !== 'reject' && action.type !== 'jump' && action.type !== 'goto') continue;
    const relevant = flows.filter((flow) => ruleOverlaps(rule, flow));
    if (relevant.length === 0) continue;
    if (action.type === 'drop' || action.type === 'reject') return i;
    if ((action.type === 'jump' || action.type === 'goto') && lists && depth < MAX_JUMP_DEPTH) {
      const target = lists.get(action.target);
      if (target && !seen.has(target.id) && shadowIn(target, relevant, lists, depth + 1, seen) !== undefined) return i;
    }
  }
  return undefined;
}

function ruleOverlaps(rule: Rule, flow: Flow): boolean {
  if (flow.remote.kind !== 'addresses') return false;
  const match = matchRule(rule, flow);
  if (!match) return false;
  const intervals: IpInterval[] = match.addresses ? intersectIntervals(flow.remote.intervals, match.addresses) : flow.remote.intervals;
  const flowPorts = flow.ports.length > 0 ? flow.ports : ALL_PORTS;
  const ports = match.ports ? intersectPorts(flowPorts, match.ports) : flowPorts;
  return intervals.length > 0 && ports.length > 0;
}

function listMap(model: ConfigModel): Map<string, RuleList> {
  return new Map(model.ruleLists.map((l) => [l.id, l]));
}

/** Lists that see traffic of the direction, in path and stage order; forward paths when nothing else does. */
function listsForDirection(model: ConfigModel, direction: TrafficDirection, kinds: readonly RuleList['kind'][]): RuleList[] {
  const byId = new Map(model.ruleLists.map((l) => [l.id, l]));
  const collect = (wanted: (d: TrafficDirection | undefined) => boolean): RuleList[] => {
    const out: RuleList[] = [];
    for (const path of model.paths) {
      if (!wanted(path.direction)) continue;
      for (const id of path.stages) {
        const list = byId.get(id);
        if (list && kinds.includes(list.kind) && !out.includes(list)) out.push(list);
      }
    }
    return out;
  };
  const exact = collect((d) => d === direction);
  if (exact.length > 0) return exact;
  return collect((d) => d === 'forward' || d === undefined);
}

/**
 * The list among the candidates where the policy has to go: the first one that would stop some of
 * its traffic (a shadowing rule or a dropping default), else the first one.
 */
function listThatBlocks(candidates: readonly RuleList[], flows: readonly Flow[], lists: ReadonlyMap<string, RuleList>): RuleList | undefined {
  for (const list of candidates) {
    if (firstShadowingRule(list, flows, lists) !== undefined || list.defaultAction === 'drop') return list;
  }
  return candidates[0];
}

/** Rules written on lines inside the list's own text (nginx lists can inherit rules written elsewhere). */
function ownRules(list: RuleList, bounds?: { from: number; to: number }): Rule[] {
  if (!bounds) return list.rules;
  return list.rules.filter((r) => r.range.start.line >= bounds.from && r.range.end.line <= bounds.to);
}

function beforeRule(index: LineIndex, list: RuleList, ruleIndex: number): InsertionPoint {
  const rule = list.rules[ruleIndex]!;
  const line = rule.range.start.line;
  return {
    offset: lineStart(index, line),
    indent: leadingWhitespace(index.lineText(line)),
    before: true,
    limit: lineStart(index, line),
    description: t('before the rule on line {0} of {1}, which would otherwise stop this traffic', line + 1, list.name),
  };
}

function afterRules(index: LineIndex, list: RuleList, rules: readonly Rule[]): InsertionPoint | undefined {
  if (rules.length === 0) return undefined;
  const last = rules.reduce((a, b) => (b.range.end.line > a.range.end.line ? b : a));
  return {
    offset: afterLine(index, last.range.end.line),
    indent: leadingWhitespace(index.lineText(last.range.start.line)),
    description: t('after the last rule of {0} (line {1})', list.name, last.range.end.line + 1),
  };
}

function endOfText(index: LineIndex, description: string): InsertionPoint {
  return { offset: index.text.length, indent: '', description };
}

/** Skip a `#` comment or a quoted string starting at i; returns the index after it, or i when neither. */
function skipHashCommentOrString(text: string, i: number): number {
  const c = text[i];
  if (c === '#') {
    const nl = text.indexOf('\n', i);
    return nl < 0 ? text.length : nl;
  }
  if (c === '"' || c === "'") {
    let j = i + 1;
    while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
    return j + 1;
  }
  return i;
}

/** The `{ … }` that opens at or after `from`: offsets of both braces, or undefined when unbalanced. */
export function braceBlockAfter(text: string, from: number): { open: number; close: number } | undefined {
  let i = from;
  let open = -1;
  let depth = 0;
  while (i < text.length) {
    const skipped = skipHashCommentOrString(text, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    const c = text[i];
    if (c === '{') {
      if (open < 0) open = i;
      depth++;
    } else if (c === '}' && open >= 0) {
      depth--;
      if (depth === 0) return { open, close: i };
    } else if (c === ';' && open < 0) {
      return undefined;
    }
    i++;
  }
  return undefined;
}

/** Indentation of a block's body: the first non-empty line after the opening brace, or one step deeper. */
function bodyIndent(index: LineIndex, openLine: number, closeLine: number): string {
  for (let line = openLine + 1; line < closeLine; line++) {
    const text = index.lineText(line);
    if (text.trim() !== '') return leadingWhitespace(text);
  }
  const header = leadingWhitespace(index.lineText(openLine));
  return header + (header.includes('\t') ? '\t' : INDENT_STEP);
}

/** Just before the closing brace, when it sits on its own line; else just after the opening one. */
function insideBraces(index: LineIndex, block: { open: number; close: number }, name: string, atStart: boolean): InsertionPoint {
  const openLine = index.positionAt(block.open).line;
  const closePos = index.positionAt(block.close);
  const indent = bodyIndent(index, openLine, closePos.line);
  const closeAlone = index.lineText(closePos.line).slice(0, closePos.character).trim() === '' && closePos.line > openLine;
  if (!atStart && closeAlone) {
    return { offset: lineStart(index, closePos.line), indent, description: t('at the end of {0}', name) };
  }
  return { offset: afterLine(index, openLine), indent, description: t('at the start of {0}', name) };
}

// ---- per dialect ----------------------------------------------------------------------------

function packetFilterPlacement(
  index: LineIndex,
  model: ConfigModel,
  policy: Policy,
  flows: readonly Flow[],
  emptyList: (list: RuleList) => InsertionPoint,
  noList: () => InsertionPoint,
): { point: InsertionPoint; list?: RuleList } {
  const candidates = listsForDirection(model, policy.direction, ['packet-filter']);
  const lists = listMap(model);
  const list = listThatBlocks(candidates, flows, lists);
  if (!list) return { point: noList() };
  const shadow = firstShadowingRule(list, flows, lists);
  if (shadow !== undefined) return { point: beforeRule(index, list, shadow), list };
  return { point: afterRules(index, list, list.rules) ?? emptyList(list), list };
}

function iptablesIsSaveFile(text: string, model: ConfigModel): boolean {
  const style = (model.extra as { style?: unknown } | undefined)?.style;
  if (style === 'save' || style === 'script') return style === 'save';
  return /^\*(filter|nat|mangle|raw|security)\s*$/m.test(text) || /^:[A-Za-z][\w-]* \S+/m.test(text);
}

function lastLineOf(rules: readonly Rule[]): number {
  return rules.reduce((max, r) => Math.max(max, r.range.end.line), -1);
}

/**
 * A script sets up IPv4 and IPv6 with separate commands, and one block holds both: the block goes
 * where every family's list has been set up and no family's list has stopped the traffic yet.
 * Undefined when no such line exists (or there is only one list).
 */
function scriptPlacement(index: LineIndex, model: ConfigModel, policy: Policy, flows: readonly Flow[]): { point: InsertionPoint; list?: RuleList } | undefined {
  const lists = listMap(model);
  const candidates = listsForDirection(model, policy.direction, ['packet-filter']);
  if (candidates.length < 2) return undefined;
  let low = 0;
  let high = index.lineCount;
  let limiting: { list: RuleList; rule: number } | undefined;
  for (const list of candidates) {
    const shadow = firstShadowingRule(list, flows, lists);
    const reached = shadow === undefined ? list.rules : list.rules.slice(0, shadow);
    low = Math.max(low, list.range.end.line + 1, lastLineOf(reached) + 1);
    if (shadow !== undefined) {
      const line = list.rules[shadow]!.range.start.line;
      if (line < high) {
        high = line;
        limiting = { list, rule: shadow };
      }
    }
  }
  if (low > high) return undefined;
  const primary = listThatBlocks(candidates, flows, lists);
  const offset = low < index.lineCount ? lineStart(index, low) : index.text.length;
  if (limiting && low === high) return { point: beforeRule(index, limiting.list, limiting.rule), ...(primary ? { list: primary } : {}) };
  const point: InsertionPoint = { offset, indent: '', description: t('after the rules on line {0}, where every address family of the script has been set up', low) };
  if (limiting) point.limit = lineStart(index, high);
  return primary ? { point, list: primary } : { point };
}

function iptablesPlacement(text: string, index: LineIndex, model: ConfigModel, policy: Policy, flows: readonly Flow[]): { point: InsertionPoint; list?: RuleList } {
  const save = iptablesIsSaveFile(text, model);
  if (!save) {
    const scripted = scriptPlacement(index, model, policy, flows);
    if (scripted) return scripted;
  }
  const commitAfter = (line: number): InsertionPoint | undefined => {
    for (let l = line; l < index.lineCount; l++) {
      if (/^COMMIT\s*$/.test(index.lineText(l))) return { offset: lineStart(index, l), indent: '', description: t('before COMMIT on line {0}', l + 1) };
    }
    return undefined;
  };
  const filterTableLine = (): number | undefined => {
    for (let l = 0; l < index.lineCount; l++) if (/^\*filter\s*$/.test(index.lineText(l))) return l;
    return undefined;
  };
  const placed = packetFilterPlacement(
    index,
    model,
    policy,
    flows,
    (list) => {
      const line = list.range.start.line;
      if (save) return commitAfter(line) ?? endOfText(index, t('at the end of the file'));
      return { offset: afterLine(index, list.range.end.line), indent: '', description: t('after the declaration of {0}', list.name) };
    },
    () => {
      const table = save ? filterTableLine() : undefined;
      const point = table !== undefined ? commitAfter(table) : undefined;
      return point ?? endOfText(index, t('at the end of the file'));
    },
  );
  if (!save && listsForDirection(model, policy.direction, ['packet-filter']).length > 1) {
    placed.point.description += ` ${t('(the script sets up the other address family later; check that its rules in the block still take effect)')}`;
  }
  return placed;
}

function nftablesPlacement(text: string, index: LineIndex, model: ConfigModel, policy: Policy, flows: readonly Flow[]): { point: InsertionPoint; list?: RuleList } {
  return packetFilterPlacement(
    index,
    model,
    policy,
    flows,
    (list) => {
      const block = braceBlockAfter(text, index.offsetAt(list.range.start));
      if (!block) return endOfText(index, t('at the end of the file'));
      return insideBraces(index, block, list.name, false);
    },
    () => endOfText(index, t('at the end of the file, as a table of its own')),
  );
}

function ciscoPlacement(index: LineIndex, model: ConfigModel, policy: Policy, flows: readonly Flow[]): { point: InsertionPoint; list?: RuleList } {
  return packetFilterPlacement(
    index,
    model,
    policy,
    flows,
    (list) => ({ offset: afterLine(index, list.range.end.line), indent: '', description: t('after the header of {0}', list.name) }),
    () => endOfText(index, t('at the end of the file')),
  );
}

/** The parts of the nginx parser's extra this placement reads; checked at run time, never assumed. */
interface NginxContextView {
  kind: string;
  id: string;
  name: string;
  range: { start: { line: number; character: number } };
  accessListId?: string;
  accessListOwn?: boolean;
}

function nginxContexts(model: ConfigModel): NginxContextView[] {
  const extra = model.extra as { contexts?: unknown } | undefined;
  return Array.isArray(extra?.contexts) ? (extra.contexts as NginxContextView[]) : [];
}

function nginxPlacement(text: string, index: LineIndex, model: ConfigModel, policy: Policy, flows: readonly Flow[]): { point: InsertionPoint; list?: RuleList; unsupported?: string } {
  const contexts = nginxContexts(model);
  const blockOf = (ctx: NginxContextView): { open: number; close: number } | undefined => braceBlockAfter(text, index.offsetAt(ctx.range.start));
  if (policy.direction !== 'inbound') {
    // Outbound traffic through nginx is stream proxying chosen by SNI: the map that routes it, or a new map in the stream block.
    const map = model.ruleLists.find((l) => l.kind === 'sni-routing');
    if (map) {
      const block = braceBlockAfter(text, index.offsetAt(map.range.start));
      if (block) return { point: insideBraces(index, block, map.name, false), list: map };
    }
    const stream = contexts.find((c) => c.kind === 'stream');
    const block = stream ? blockOf(stream) : undefined;
    if (stream && block) return { point: insideBraces(index, block, stream.name, true) };
    // A map on $ssl_preread_server_name outside a stream block is not valid nginx.
    return {
      point: endOfText(index, t('at the end of the file')),
      unsupported: t('Nothing inserted for "{0}": this nginx file has no stream block, so it carries no outbound traffic; allow these destinations on the firewall instead.', policy.purpose),
    };
  }
  const lists = model.ruleLists.filter((l) => l.kind === 'http-access');
  const owned = contexts.filter((c) => c.accessListOwn === true && c.accessListId !== undefined);
  // Contexts that write their own allow/deny, restrictive ones (with a deny) first.
  const withRules = owned
    .map((ctx) => ({ ctx, list: lists.find((l) => l.id === ctx.accessListId) }))
    .filter((x): x is { ctx: NginxContextView; list: RuleList } => x.list !== undefined);
  const chosen = withRules.find((x) => firstShadowingRule(x.list, flows, listMap(model)) !== undefined) ?? withRules[0];
  if (chosen) {
    const block = blockOf(chosen.ctx);
    const closeLine = block ? index.positionAt(block.close).line : index.lineCount;
    const openLine = block ? index.positionAt(block.open).line : -1;
    const mine = ownRules(chosen.list, { from: openLine, to: closeLine });
    const own: RuleList = { ...chosen.list, rules: mine };
    const shadow = firstShadowingRule(own, flows, listMap(model));
    if (shadow !== undefined) return { point: beforeRule(index, own, shadow), list: chosen.list };
    const after = afterRules(index, own, mine);
    if (after) return { point: after, list: chosen.list };
  }
  const http = contexts.find((c) => c.kind === 'http') ?? contexts.find((c) => c.kind === 'server');
  const block = http ? blockOf(http) : undefined;
  if (http && block) {
    const point = insideBraces(index, block, http.name, true);
    // nginx lets everything through until a context has allow/deny; an allow-list placed here is inherited by every server below.
    if (policy.action === 'allow') point.description += ` ${t('(no block of this file has allow/deny yet; the list applies to every server and location that has none of its own)')}`;
    return { point };
  }
  return { point: endOfText(index, t('at the end of the file')) };
}

/** The `{` of FindProxyForURL's body, found by parsing the program; a regex when it does not parse. */
function findProxyBodyOpen(text: string): number | undefined {
  try {
    const program = acorn.parse(text, { ecmaVersion: 'latest', allowReturnOutsideFunction: true }) as unknown as {
      body: Array<{ type: string; id?: { name?: string } | null; body?: { start: number } }>;
    };
    for (const node of program.body) {
      if (node.type === 'FunctionDeclaration' && node.id?.name === 'FindProxyForURL' && node.body) return node.body.start;
    }
  } catch {
    // A program acorn refuses still gets a best-effort place from the text.
  }
  const match = /function\s+FindProxyForURL\s*\([^)]*\)\s*\{/.exec(text);
  return match ? match.index + match[0].length - 1 : undefined;
}

function pacPlacement(text: string, index: LineIndex, model: ConfigModel): { point: InsertionPoint; list?: RuleList } {
  const list = model.ruleLists.find((l) => l.kind === 'proxy-selection');
  const open = findProxyBodyOpen(text);
  if (open === undefined) return { point: endOfText(index, t('at the end of the file')), ...(list ? { list } : {}) };
  const openLine = index.positionAt(open).line;
  // The body's first statement sets the indentation; an empty body gets one step more than its closing brace.
  let indent = '';
  for (let line = openLine + 1; line < index.lineCount; line++) {
    const lineText = index.lineText(line);
    if (lineText.trim() === '') continue;
    indent = leadingWhitespace(lineText);
    if (lineText.trim().startsWith('}')) indent += INDENT_STEP;
    break;
  }
  const point: InsertionPoint = { offset: afterLine(index, openLine), indent, description: t('at the top of FindProxyForURL') };
  return list ? { point, list } : { point };
}

// ---- render targets -------------------------------------------------------------------------

/**
 * The proxy string the file sends other traffic to: the last proxy return that tests no host (the
 * fallback at the end of FindProxyForURL), else the last proxy return at all.
 */
function pacProxyString(list: RuleList | undefined): string | undefined {
  const format = (rule: Rule): string | undefined => {
    if (rule.action.type !== 'proxy' || rule.action.proxies.every((p) => p.kind === 'DIRECT')) return undefined;
    if (rule.action.proxies.some((p) => p.kind === 'unknown')) return undefined;
    return rule.action.proxies.map((p) => (p.target ? `${p.kind} ${p.target}` : p.kind)).join('; ');
  };
  const rules = [...(list?.rules ?? [])].reverse();
  const fallback = rules.find((r) => r.hosts === undefined && format(r) !== undefined);
  const chosen = fallback ?? rules.find((r) => format(r) !== undefined);
  return chosen ? format(chosen) : undefined;
}

/** Named address groups the file already has (Cisco object-groups), when the parser exposes them. */
function existingGroups(model: ConfigModel): Map<string, IpInterval[]> | undefined {
  const items = (model.extra as { networkGroups?: unknown } | undefined)?.networkGroups;
  if (!Array.isArray(items)) return undefined;
  const groups = new Map<string, IpInterval[]>();
  for (const item of items as Array<Record<string, unknown>>) {
    if (typeof item.name !== 'string' || !Array.isArray(item.intervals) || item.intervals.length === 0) continue;
    // Objects hold one address and FQDN members resolve at run time; only complete object-groups can stand in for a list.
    if (item.unresolved !== undefined || item.kind !== 'object-group') continue;
    groups.set(item.name, item.intervals as IpInterval[]);
  }
  return groups.size > 0 ? groups : undefined;
}

function styleFor(text: string, model: ConfigModel, dialect: Dialect, policy: Policy, list: RuleList | undefined): string | undefined {
  switch (dialect.id) {
    case 'iptables':
      return iptablesIsSaveFile(text, model) || !/^\s*(sudo\s+)?(iptables|ip6tables)\b/m.test(text) ? 'save' : 'script';
    case 'nftables':
      return list ? 'chain' : undefined;
    case 'cisco': {
      const platform = (model.extra as { platform?: unknown } | undefined)?.platform;
      return platform === 'ios' || platform === 'asa' ? platform : 'asa';
    }
    case 'nginx':
      return policy.direction === 'inbound' ? 'access' : 'sni-map';
    case 'pac':
      return pacProxyString(list);
  }
}

export function renderTargetFor(text: string, model: ConfigModel, dialect: Dialect, policy: Policy, list: RuleList | undefined): RenderTarget {
  const target: RenderTarget = {};
  if (list) target.list = list;
  const style = styleFor(text, model, dialect, policy, list);
  if (style !== undefined) target.style = style;
  const groups = existingGroups(model);
  if (groups) target.existingGroups = groups;
  return target;
}

/** Text another managed block occupies (whole lines); a new block never goes inside one. */
export interface OccupiedSpan {
  startOffset: number;
  endOffset: number;
  beginLine: number;
  endLine: number;
  indent: string;
}

/** Out of another block: in front of it when the place was "before a rule", after it otherwise. */
function outsideSpans(point: InsertionPoint, spans: readonly OccupiedSpan[]): InsertionPoint {
  const span = spans.find((s) => s.startOffset < point.offset && point.offset < s.endOffset);
  if (!span) return point;
  const offset = point.before ? span.startOffset : span.endOffset;
  return { ...point, offset, indent: span.indent, ...(point.limit !== undefined ? { limit: Math.min(point.limit, offset) } : {}) };
}

/**
 * Where the policy's block takes effect in this file, and what the renderer needs to know about it.
 * `occupied` are the other managed blocks: lists they created are not chosen (they belong to
 * another purpose) and the block is never put inside one.
 */
export function choosePlacement(text: string, model: ConfigModel, dialect: Dialect, policy: Policy, occupied: readonly OccupiedSpan[] = []): Placement {
  const index = new LineIndex(text);
  const flows = flowsOfPolicy(policy);
  if (occupied.length > 0) {
    const lineInBlock = (line: number): boolean => occupied.some((s) => s.beginLine <= line && line <= s.endLine);
    // A list some block created: its header and every rule inside blocks. A user's list that a block adds to stays.
    const inBlock = (l: RuleList): boolean => lineInBlock(l.range.start.line) && l.rules.every((r) => lineInBlock(r.range.start.line));
    const ruleLists = model.ruleLists.filter((l) => !inBlock(l));
    const kept = new Set(ruleLists.map((l) => l.id));
    model = { ...model, ruleLists, paths: model.paths.map((p) => ({ ...p, stages: p.stages.filter((id) => kept.has(id)) })) };
  }
  let chosen: { point: InsertionPoint; list?: RuleList; unsupported?: string };
  switch (dialect.id) {
    case 'iptables':
      chosen = iptablesPlacement(text, index, model, policy, flows);
      break;
    case 'nftables':
      chosen = nftablesPlacement(text, index, model, policy, flows);
      break;
    case 'cisco':
      chosen = ciscoPlacement(index, model, policy, flows);
      break;
    case 'nginx':
      chosen = nginxPlacement(text, index, model, policy, flows);
      break;
    case 'pac':
      chosen = pacPlacement(text, index, model);
      break;
  }
  let point = outsideSpans(chosen.point, occupied);
  // Line-oriented configurations read every command from the first column; only block-structured ones take the indentation of the place.
  if (dialect.id === 'cisco' || dialect.id === 'iptables') point = { ...point, indent: '' };
  return { point, list: chosen.list, target: renderTargetFor(text, model, dialect, policy, chosen.list), ...(chosen.unsupported ? { unsupported: chosen.unsupported } : {}) };
}

const IOS_ACL_HEADER = /^ip(?:v6)? access-list (?:extended |standard )?(\S+)\s*$/;
const IOS_NUMBERED_ENTRY = /^\s+(\d{1,10})\s+(?:permit|deny|remark)\b/;
const IOS_UNNUMBERED_ENTRY = /^(\s+)((?:permit|deny|remark)\b.*)$/;

function withoutLineBreak(line: string): { line: string; ending: string } {
  const ending = /\r?\n$/.exec(line)?.[0] ?? '';
  return { line: line.slice(0, line.length - ending.length), ending };
}

/**
 * Fits a Cisco block placed inside an IOS named access list, which a device reads as commands in
 * a mode. Entries the block adds to that list get free sequence numbers between the list's entries
 * before and after the place (entries without numbers would go to the end, behind the deny they
 * were meant to precede); other managed blocks' entries count as neighbours too. When the block
 * leaves the list's mode (object-groups, an IPv6 list) and entries of the list follow, the block
 * ends by entering the list again. Returns the block unchanged elsewhere, or a reason when there
 * are no free numbers.
 */
export function fitIosBlock(
  text: string,
  offset: number,
  block: string,
  lineComment: string,
  occupied: readonly OccupiedSpan[] = [],
  replacedBlock?: string,
): { block: string; problem?: string } {
  const index = new LineIndex(text);
  const at = offset >= text.length ? index.lineCount : index.positionAt(offset).line;
  const inSpan = (line: number): boolean => occupied.some((s) => s.beginLine <= line && line <= s.endLine);
  const isComment = (line: string): boolean => line.trimStart().startsWith(lineComment) || line.trim() === '';

  // The user's list the place is in: the last top-level command before it, outside managed blocks.
  let headerLine = -1;
  for (let line = at - 1; line >= 0; line--) {
    const lineText = index.lineText(line);
    if (inSpan(line) || isComment(lineText) || /^\s/.test(lineText)) continue;
    if (IOS_ACL_HEADER.test(lineText)) headerLine = line;
    break;
  }
  if (headerLine < 0) return { block };
  const header = index.lineText(headerLine);
  const name = IOS_ACL_HEADER.exec(header)![1]!;

  // Walk the file as the device would, knowing which list each numbered entry lands in.
  let mode: string | undefined;
  let previous = 0;
  let limit: number | undefined;
  let listGoesOn: boolean | undefined;
  for (let line = headerLine; line < index.lineCount; line++) {
    const lineText = index.lineText(line);
    if (line === at) mode = header;
    if (isComment(lineText)) continue;
    if (line >= at && listGoesOn === undefined) listGoesOn = /^\s/.test(lineText);
    if (IOS_ACL_HEADER.test(lineText)) {
      mode = lineText;
      continue;
    }
    if (!/^\s/.test(lineText)) {
      if (line >= at && !inSpan(line)) break;
      mode = undefined;
      continue;
    }
    const numbered = IOS_NUMBERED_ENTRY.exec(lineText);
    if (!numbered || mode !== header) continue;
    if (line < at) previous = Math.max(previous, Number(numbered[1]));
    else {
      limit = Number(numbered[1]);
      break;
    }
  }

  const lines = block.split(/(?<=\n)/);
  const shape = iosBlockShape(lines, header, lineComment);
  const entryLines = shape.entryLines;
  // A block being replaced keeps its numbers when they still fit, so inserting again changes nothing.
  const kept = replacedBlock === undefined ? [] : iosBlockShape(replacedBlock.split(/(?<=\n)/), header, lineComment).numbers;
  const keepNumbers =
    limit !== undefined &&
    kept.length === entryLines.length &&
    kept.every((n, i) => n > previous && n < limit && (i === 0 || n > kept[i - 1]!));
  let problem: string | undefined;
  if (keepNumbers) {
    entryLines.forEach((lineNumber, i) => {
      const { line, ending } = withoutLineBreak(lines[lineNumber]!);
      lines[lineNumber] = line.replace(IOS_UNNUMBERED_ENTRY, (_m, indent: string, rest: string) => `${indent}${kept[i]!} ${rest}`) + ending;
    });
  } else if (limit !== undefined && entryLines.length > 0) {
    const step = Math.floor((limit - previous) / (entryLines.length + 1));
    if (step < 1) {
      problem = t('access list {0} has no free sequence numbers between {1} and {2}; renumber it (ip access-list resequence) and insert again', name, previous, limit);
    } else {
      entryLines.forEach((lineNumber, i) => {
        const { line, ending } = withoutLineBreak(lines[lineNumber]!);
        lines[lineNumber] = line.replace(IOS_UNNUMBERED_ENTRY, (_m, indent: string, rest: string) => `${indent}${previous + step * (i + 1)} ${rest}`) + ending;
      });
    }
  }
  if (listGoesOn === true && !shape.endsInList && shape.endMarker >= 0) {
    const endMarker = shape.endMarker;
    const { ending } = withoutLineBreak(lines[endMarker]!);
    lines.splice(endMarker, 0, header + (ending || '\n'));
  }
  const out = lines.join('');
  return problem ? { block: out, problem } : { block: out };
}

/** Where a block's entries for the list are, their numbers if written, and the mode the block ends in. */
function iosBlockShape(lines: readonly string[], header: string, lineComment: string): { entryLines: number[]; numbers: number[]; endsInList: boolean; endMarker: number } {
  const entryLines: number[] = [];
  const numbers: number[] = [];
  let inList = false;
  let endsInList = true;
  let endMarker = -1;
  lines.forEach((rawLine, i) => {
    const { line } = withoutLineBreak(rawLine);
    if (IOS_ACL_HEADER.test(line)) {
      inList = line === header;
      endsInList = inList;
    } else if (line.trimStart().startsWith(lineComment)) {
      if (/^\s*\S+\s*END endpoint-lens\b/.test(line)) endMarker = i;
    } else if (!/^\s/.test(line)) {
      inList = false;
      endsInList = false;
    } else if (inList) {
      if (IOS_UNNUMBERED_ENTRY.test(line)) entryLines.push(i);
      const numbered = IOS_NUMBERED_ENTRY.exec(line);
      if (numbered) numbers.push(Number(numbered[1]));
    }
  });
  return { entryLines, numbers, endsInList, endMarker };
}

/** The name FindProxyForURL gives its host parameter, when the PAC parser found one other than `host`. */
export function pacHostParameter(model: ConfigModel): string | undefined {
  const name = (model.extra as { hostParameter?: unknown } | undefined)?.hostParameter;
  return typeof name === 'string' && /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'host' ? name : undefined;
}

/**
 * PAC blocks test the standard parameter name `host`; in a function that calls it something else
 * the block must use that name, or every test would throw. Renames the identifier `host` outside
 * strings and comments; property names (`x.host`) are left alone.
 */
export function renamePacHost(block: string, name: string): string {
  let out = '';
  let i = 0;
  while (i < block.length) {
    const c = block[i]!;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < block.length && block[j] !== c && block[j] !== '\n') j += block[j] === '\\' ? 2 : 1;
      out += block.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '/' && block[i + 1] === '/') {
      const end = block.indexOf('\n', i);
      const stop = end < 0 ? block.length : end;
      out += block.slice(i, stop);
      i = stop;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < block.length && /[\w$]/.test(block[j]!)) j++;
      const word = block.slice(i, j);
      const previous = out.trimEnd().slice(-1);
      out += word === 'host' && previous !== '.' ? name : word;
      i = j;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}
