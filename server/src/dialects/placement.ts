import type { IpInterval } from '../model/address';
import type { ConfigModel, Rule, RuleList } from '../model/config';
import { leadingWhitespace } from '../model/edit';
import type { DecidingPoint } from '../model/policy';
import type { LineIndex } from '../model/range';
import { t } from '../l10n';
import type { FlowDecision, InsertionPoint, Placement, PlacementRequest } from './dialect';

/** Placement helpers the dialects share: where a decision is changed, and offsets around lines and braces. */

export function lineStart(lines: LineIndex, line: number): number {
  return lines.offsetAt({ line, character: 0 });
}

/** Offset of the line after `line`: where text "after this line" starts. */
export function afterLine(lines: LineIndex, line: number): number {
  return line + 1 < lines.lineCount ? lineStart(lines, line + 1) : lines.text.length;
}

/** The end of the text; `anywhere` when the block takes effect wherever it stands (a new table, a file with nothing to precede). */
export function endOfText(lines: LineIndex, description: string, anywhere = false): InsertionPoint {
  return { offset: lines.text.length, indent: '', description, ...(anywhere ? { window: { from: 0, to: lines.text.length } } : {}) };
}

/**
 * Where the flows of one decision can be changed: the list and the rule an edit goes in front of
 * (-1: at the end of the list, where its default decides), and the decisions that meet there.
 */
export interface EditSite {
  list: RuleList;
  ruleIndex: number;
  decisions: FlowDecision[];
}

/** A rule that matches every packet that reaches it: no protocol, address, port or other condition. */
function matchesEverything(rule: Rule): boolean {
  return (
    (rule.protocols === undefined || rule.protocols.length === 0) &&
    rule.sources === undefined &&
    rule.destinations === undefined &&
    (rule.sourcePorts === undefined || rule.sourcePorts.length === 0) &&
    (rule.destinationPorts === undefined || rule.destinationPorts.length === 0) &&
    rule.hosts === undefined &&
    (rule.unknownConditions === undefined || rule.unknownConditions.length === 0)
  );
}

/**
 * A chain that exists to log and drop (`-N LOGDROP; -j LOG; -j DROP`): every rule up to the
 * decision matches everything. Rules added there would apply to whatever jumps to it from
 * anywhere, so its callers are where an edit belongs.
 */
function isSink(list: RuleList, ruleIndex: number): boolean {
  if (ruleIndex < 0 || list.defaultAction !== undefined) return false;
  return list.rules.slice(0, ruleIndex + 1).every((r) => r.action.type === 'continue' || matchesEverything(r));
}

/** The innermost point of a trace where an edit changes the decision without touching a shared log-and-drop chain. */
function siteOf(lists: ReadonlyMap<string, RuleList>, trace: readonly DecidingPoint[]): { list: RuleList; ruleIndex: number } | undefined {
  for (let i = trace.length - 1; i >= 0; i--) {
    const point = trace[i]!;
    const list = lists.get(point.listId);
    if (!list) return undefined;
    if (i > 0 && isSink(list, point.ruleIndex)) continue;
    return { list, ruleIndex: point.ruleIndex };
  }
  return undefined;
}

/**
 * The sites where the given decisions are made, one per list, each at the earliest decision in
 * that list (in front of it is in front of every later one too), in the order the device meets them.
 */
export function editSites(model: ConfigModel, decisions: readonly FlowDecision[]): EditSite[] {
  const lists = new Map(model.ruleLists.map((l) => [l.id, l]));
  const sites = new Map<string, EditSite>();
  for (const decision of decisions) {
    const site = siteOf(lists, decision.outcome.trace);
    if (!site) continue;
    const existing = sites.get(site.list.id);
    if (!existing) {
      sites.set(site.list.id, { list: site.list, ruleIndex: site.ruleIndex, decisions: [decision] });
      continue;
    }
    existing.decisions.push(decision);
    if (site.ruleIndex >= 0 && (existing.ruleIndex < 0 || site.ruleIndex < existing.ruleIndex)) existing.ruleIndex = site.ruleIndex;
  }
  return [...sites.values()];
}

/**
 * Policy entries for each site: those decided there, and the first site also takes the entries no
 * site decides (already allowed, or of a family the file has no rules for), so every entry lands in
 * the file once. `candidates` limits them to the entries the dialect can write at all.
 */
export function entriesBySite(request: PlacementRequest<unknown>, sites: readonly EditSite[], candidates: readonly number[] = request.policy.entries.map((_e, i) => i)): number[][] {
  const allowed = new Set(candidates);
  const out = sites.map((s) => [...new Set(s.decisions.map((d) => d.entry))].filter((i) => allowed.has(i)).sort((a, b) => a - b));
  const placed = new Set(out.flat());
  const rest = candidates.filter((i) => !placed.has(i));
  if (out.length > 0) out[0] = [...out[0]!, ...rest].sort((a, b) => a - b);
  return out;
}

/** The customer-side addresses destination NAT gave a site's flows, when it changed them. */
export function translatedLocal(site: EditSite): IpInterval[] | undefined {
  const translated = site.decisions.filter((d) => d.outcome.translatedBy !== undefined && d.flow.local !== undefined);
  if (translated.length === 0) return undefined;
  return translated.flatMap((d) => d.flow.local ?? []);
}

/** The destination-NAT rules behind a site, for the note that says the rules filter the translated address. */
export function translationNote(model: ConfigModel, site: EditSite): string | undefined {
  const points = site.decisions.flatMap((d) => (d.outcome.translatedBy ? [d.outcome.translatedBy] : []));
  const first = points[0];
  const list = first ? model.ruleLists.find((l) => l.id === first.listId) : undefined;
  if (!first || !list) return undefined;
  const lines = [...new Set(points.flatMap((p) => model.ruleLists.find((l) => l.id === p.listId)?.rules[p.ruleIndex]?.range.start.line ?? []))].sort((a, b) => a - b).map((l) => l + 1);
  if (lines.length === 0) return undefined;
  if (lines.length === 1) return t('Destination NAT on line {0} ({1}) sends this traffic on to the server, so these rules match the translated address on the forward path.', lines[0]!, list.name);
  return t('Destination NAT on lines {0} ({1}) sends this traffic on to the server, so these rules match the translated address on the forward path.', lines.join(', '), list.name);
}

/** In front of a rule: its line, with its indentation; the block still works anywhere from `from` up to the rule. */
export function beforeRule(lines: LineIndex, list: RuleList, ruleIndex: number, from: number): InsertionPoint {
  const rule = list.rules[ruleIndex]!;
  const line = rule.range.start.line;
  const offset = lineStart(lines, line);
  return {
    offset,
    indent: leadingWhitespace(lines.lineText(line)),
    description: t('before the rule on line {0} of {1}, which would otherwise stop this traffic', line + 1, list.name),
    window: { from: Math.min(from, offset), to: offset },
  };
}

/**
 * After the list's last rule written within `bounds` (lines), or undefined when it has none there.
 * The list's default decides, so no rule of it touches the traffic: a block anywhere in the list
 * (from `from` to `to`, the end of its section) takes effect.
 */
export function afterRules(lines: LineIndex, list: RuleList, window: { from: number; to?: number }, bounds?: { from: number; to: number }): InsertionPoint | undefined {
  const rules = bounds ? list.rules.filter((r) => r.range.start.line >= bounds.from && r.range.end.line <= bounds.to) : list.rules;
  if (rules.length === 0) return undefined;
  const last = rules.reduce((a, b) => (b.range.end.line > a.range.end.line ? b : a));
  const offset = afterLine(lines, last.range.end.line);
  return {
    offset,
    indent: leadingWhitespace(lines.lineText(last.range.start.line)),
    description: t('after the last rule of {0} (line {1})', list.name, last.range.end.line + 1),
    window: { from: Math.min(window.from, offset), to: Math.max(window.to ?? offset, offset) },
  };
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

const INDENT_STEP = '    ';

/** Indentation of a block's body: the first non-empty line after the opening brace, or one step deeper. */
function bodyIndent(lines: LineIndex, openLine: number, closeLine: number): string {
  for (let line = openLine + 1; line < closeLine; line++) {
    const text = lines.lineText(line);
    if (text.trim() !== '') return leadingWhitespace(text);
  }
  const header = leadingWhitespace(lines.lineText(openLine));
  return header + (header.includes('\t') ? '\t' : INDENT_STEP);
}

/** Just before the closing brace, when it sits on its own line (or at the start of the body); the whole body is the window. */
export function insideBraces(lines: LineIndex, block: { open: number; close: number }, name: string, atStart: boolean): InsertionPoint {
  const openLine = lines.positionAt(block.open).line;
  const closePos = lines.positionAt(block.close);
  const indent = bodyIndent(lines, openLine, closePos.line);
  const closeAlone = lines.lineText(closePos.line).slice(0, closePos.character).trim() === '' && closePos.line > openLine;
  const bodyStart = afterLine(lines, openLine);
  const bodyEnd = closeAlone ? lineStart(lines, closePos.line) : bodyStart;
  if (!atStart && closeAlone) return { offset: bodyEnd, indent, description: t('at the end of {0}', name), window: { from: bodyStart, to: bodyEnd } };
  return { offset: bodyStart, indent, description: t('at the start of {0}', name), window: { from: bodyStart, to: bodyEnd } };
}

/** A placement of nothing, with the reason, for every entry of the policy. */
export function nowhere(request: PlacementRequest<unknown>, reason: string): Placement<never> {
  return { parts: [], notPlaced: [{ entries: request.policy.entries.map((_e, i) => i), reason }] };
}
