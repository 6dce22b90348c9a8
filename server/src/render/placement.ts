import * as acorn from 'acorn';
import type { IpInterval } from '../model/address';
import type { ConfigModel, Rule, RuleList, TrafficDirection } from '../model/config';
import type { Flow, Policy, RenderTarget } from '../model/policy';
import { LineIndex } from '../model/range';
import type { Dialect } from '../dialects/dialect';
import { matchRule } from '../analysis/evaluate';
import { ALL_PORTS, intersectIntervals, intersectPorts } from '../analysis/region';
import { flowsOfPolicy } from '../policies';
import { t } from '../l10n';

/** Where a block goes: the start of a line (or the end of the text), and the indentation it takes there. */
export interface InsertionPoint {
  offset: number;
  indent: string;
  /** Localised, for the summary: "before the rule on line 12 of chain INPUT". */
  description: string;
}

export interface Placement {
  point: InsertionPoint;
  target: RenderTarget;
  list?: RuleList;
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

/**
 * The first drop/reject rule of the list that matches some address flow of the policy: rules
 * added below it would never be reached for that traffic. A final catch-all deny is such a rule.
 */
export function firstShadowingRule(list: RuleList, flows: readonly Flow[]): number | undefined {
  for (let i = 0; i < list.rules.length; i++) {
    const rule = list.rules[i]!;
    if (rule.action.type !== 'drop' && rule.action.type !== 'reject') continue;
    if (flows.some((flow) => ruleOverlaps(rule, flow))) return i;
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
function listThatBlocks(candidates: readonly RuleList[], flows: readonly Flow[]): RuleList | undefined {
  for (const list of candidates) {
    if (firstShadowingRule(list, flows) !== undefined || list.defaultAction === 'drop') return list;
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
  const list = listThatBlocks(candidates, flows);
  if (!list) return { point: noList() };
  const shadow = firstShadowingRule(list, flows);
  if (shadow !== undefined) return { point: beforeRule(index, list, shadow), list };
  return { point: afterRules(index, list, list.rules) ?? emptyList(list), list };
}

function iptablesIsSaveFile(text: string): boolean {
  return /^\*(filter|nat|mangle|raw|security)\s*$/m.test(text) || /^:[A-Za-z][\w-]* \S+/m.test(text);
}

function iptablesPlacement(text: string, index: LineIndex, model: ConfigModel, policy: Policy, flows: readonly Flow[]): { point: InsertionPoint; list?: RuleList } {
  const save = iptablesIsSaveFile(text);
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
  return packetFilterPlacement(
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

function nginxPlacement(text: string, index: LineIndex, model: ConfigModel, policy: Policy, flows: readonly Flow[]): { point: InsertionPoint; list?: RuleList } {
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
    return { point: endOfText(index, t('at the end of the file')) };
  }
  const lists = model.ruleLists.filter((l) => l.kind === 'http-access');
  const owned = contexts.filter((c) => c.accessListOwn === true && c.accessListId !== undefined);
  // Contexts that write their own allow/deny, restrictive ones (with a deny) first.
  const withRules = owned
    .map((ctx) => ({ ctx, list: lists.find((l) => l.id === ctx.accessListId) }))
    .filter((x): x is { ctx: NginxContextView; list: RuleList } => x.list !== undefined);
  const chosen = withRules.find((x) => firstShadowingRule(x.list, flows) !== undefined) ?? withRules[0];
  if (chosen) {
    const block = blockOf(chosen.ctx);
    const closeLine = block ? index.positionAt(block.close).line : index.lineCount;
    const openLine = block ? index.positionAt(block.open).line : -1;
    const mine = ownRules(chosen.list, { from: openLine, to: closeLine });
    const own: RuleList = { ...chosen.list, rules: mine };
    const shadow = firstShadowingRule(own, flows);
    if (shadow !== undefined) return { point: beforeRule(index, own, shadow), list: chosen.list };
    const after = afterRules(index, own, mine);
    if (after) return { point: after, list: chosen.list };
  }
  const http = contexts.find((c) => c.kind === 'http') ?? contexts.find((c) => c.kind === 'server');
  const block = http ? blockOf(http) : undefined;
  if (http && block) return { point: insideBraces(index, block, http.name, true) };
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
  // The braces of the body: JavaScript comments and strings cannot hide a `}` from acorn, but the scan here only needs the next line.
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

/** The proxy string the file sends other traffic to (its most used non-DIRECT return), for PAC renderers. */
function pacProxyString(model: ConfigModel): string | undefined {
  const counts = new Map<string, number>();
  for (const list of model.ruleLists) {
    const all = list.rules.map((r) => r.action);
    for (const action of all) {
      if (action.type !== 'proxy') continue;
      if (action.proxies.every((p) => p.kind === 'DIRECT')) continue;
      const text = action.proxies.map((p) => (p.target ? `${p.kind} ${p.target}` : p.kind)).join('; ');
      counts.set(text, (counts.get(text) ?? 0) + 1);
    }
  }
  let best: string | undefined;
  let bestCount = 0;
  for (const [text, count] of counts) {
    if (count > bestCount) {
      best = text;
      bestCount = count;
    }
  }
  return best;
}

/** Named address groups the file already has (Cisco object-groups, nftables sets), when the parser exposes them. */
function existingGroups(model: ConfigModel): Map<string, IpInterval[]> | undefined {
  const extra = model.extra as { networkGroups?: unknown; sets?: unknown } | undefined;
  if (!extra) return undefined;
  const groups = new Map<string, IpInterval[]>();
  const add = (items: unknown, accept: (item: Record<string, unknown>) => boolean): void => {
    if (!Array.isArray(items)) return;
    for (const item of items as Array<Record<string, unknown>>) {
      if (typeof item.name !== 'string' || !Array.isArray(item.intervals) || item.intervals.length === 0) continue;
      if (item.unresolved !== undefined || !accept(item)) continue;
      groups.set(item.name, item.intervals as IpInterval[]);
    }
  };
  add(extra.networkGroups, (g) => g.kind === undefined || g.kind === 'object-group');
  add(extra.sets, () => true);
  return groups.size > 0 ? groups : undefined;
}

function styleFor(text: string, model: ConfigModel, dialect: Dialect, policy: Policy, list: RuleList | undefined): string | undefined {
  switch (dialect.id) {
    case 'iptables':
      if (iptablesIsSaveFile(text)) return 'save';
      return /^\s*(sudo\s+)?(iptables|ip6tables)\b/m.test(text) ? 'script' : 'save';
    case 'nftables':
      return list ? 'in-chain' : 'new-table';
    case 'cisco': {
      const platform = (model.extra as { platform?: unknown } | undefined)?.platform;
      return platform === 'ios' || platform === 'asa' ? platform : 'asa';
    }
    case 'nginx':
      return policy.direction === 'inbound' ? 'access' : 'sni-map';
    case 'pac':
      return pacProxyString(model);
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

/** Where the policy's block takes effect in this file, and what the renderer needs to know about it. */
export function choosePlacement(text: string, model: ConfigModel, dialect: Dialect, policy: Policy): Placement {
  const index = new LineIndex(text);
  const flows = flowsOfPolicy(policy);
  let chosen: { point: InsertionPoint; list?: RuleList };
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
  return { point: chosen.point, list: chosen.list, target: renderTargetFor(text, model, dialect, policy, chosen.list) };
}
