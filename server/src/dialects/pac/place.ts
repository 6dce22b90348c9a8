import { leadingWhitespace, lineBreakOf } from '../../model/edit';
import type { Rule, RuleList } from '../../model/config';
import type { Policy } from '../../model/policy';
import type { LineIndex } from '../../model/range';
import { probeHosts } from '../../catalog/urlPattern';
import { t } from '../../l10n';
import type { InsertionPoint, Placement, PlacementPart, PlacementRequest } from '../dialect';
import { nowhere } from '../placement';
import type { PacStatement } from './body';
import { extendDirectSites } from './extend';
import type { PacEntryFunction, PacVendor } from './parse';
import { mayAnswer } from './reach';
import type { PacTarget } from './render';

const INDENT_STEP = '    ';

/**
 * The proxy string the file sends other traffic to: the last proxy return that tests no host (the
 * fallback at the end of the function), else the last proxy return at all.
 */
function fallbackProxy(list: RuleList | undefined): string | undefined {
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

/** Every host the policy's block answers for, DIRECT or to the proxy, as the browser would ask. */
function policyHosts(policy: Policy, keepOnProxy: readonly string[]): string[] {
  const tenant = policy.parameters?.tenantName?.[0];
  const patterns = [...policy.entries.flatMap((e) => [...e.urls, ...(e.excludedHosts ?? [])]), ...keepOnProxy];
  return [...new Set(patterns.flatMap((p) => probeHosts(p, tenant)))];
}

/** Where the body's statement starts, pulled up over the `//` comment lines directly above it (they describe it). */
function statementLineStart(lines: LineIndex, offset: number, notBefore: number): number {
  let line = lines.positionAt(offset).line;
  const floor = lines.positionAt(notBefore).line;
  while (line - 1 > floor && lines.lineText(line - 1).trim().startsWith('//')) line--;
  return lines.offsetAt({ line, character: 0 });
}

function onOwnLine(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return text.slice(lineStart, offset).trim() === '';
}

interface BodyPoint {
  point: InsertionPoint;
  /** For a body written on one line: the line break before the place, and the indentation after the block. */
  split?: { before: PlacementPart<PacTarget>; after: PlacementPart<PacTarget> };
}

/**
 * The place in the entry function's body for a new block: after the statements that only set
 * things up (`host = host.toLowerCase()`, the file's own variables), which the block's tests rely
 * on, and before the first statement that can return, so the block is tried before every branch
 * that decides a host today. The window reaches to the first statement with a return that may
 * answer for one of the policy's hosts: a block kept anywhere before it still takes effect.
 */
function bodyPoint(request: PlacementRequest<PacVendor>, entry: PacEntryFunction & { body: { open: number; close: number } }, rules: readonly Rule[]): BodyPoint {
  const { text, lines } = request;
  const statements = entry.statements;
  const firstDecision = statements.findIndex((s) => s.decides);
  const anchorStatement: PacStatement | undefined = firstDecision >= 0 ? statements[firstDecision] : undefined;
  const previous = firstDecision >= 0 ? statements[firstDecision - 1] : statements[statements.length - 1];
  const anchor = anchorStatement?.start ?? entry.body.close;
  const after = previous?.end ?? entry.body.open + 1;
  const description = previous && anchorStatement
    ? t('in {0} after its set-up statements, before the branch on line {1}', entry.name, lines.positionAt(anchor).line + 1)
    : t('at the top of {0}', entry.name);
  const hosts = policyHosts(request.policy, request.keepOnProxy ?? []);
  // Rules are in program order, so the first that may answer for a host lies in the statement sought.
  const firstAnswer = firstDecision < 0 ? undefined : rules.find((r) => hosts.some((h) => mayAnswer(r, h)));
  const answerOffset = firstAnswer ? lines.offsetAt(firstAnswer.range.start) : undefined;
  const answering = answerOffset === undefined ? undefined : statements.find((s) => s.start <= answerOffset && answerOffset < s.end);
  const bodyEnd = lines.offsetAt({ line: lines.positionAt(entry.body.close).line, character: 0 });

  if (onOwnLine(text, anchor) && lines.positionAt(anchor).line > lines.positionAt(after).line) {
    const offset = anchorStatement ? statementLineStart(lines, anchor, after) : lines.offsetAt({ line: lines.positionAt(anchor).line, character: 0 });
    const anchorIndent = leadingWhitespace(lines.lineText(lines.positionAt(anchor).line));
    // Before the closing brace the block takes the indentation of the statements above it, or one step more than the brace.
    const indent = anchorStatement ? anchorIndent : previous ? leadingWhitespace(lines.lineText(lines.positionAt(previous.start).line)) : anchorIndent + INDENT_STEP;
    const to = answering ? Math.max(offset, statementLineStart(lines, answering.start, after)) : Math.max(offset, bodyEnd);
    return { point: { offset, indent, description, window: { from: offset, to } } };
  }
  // The place shares its line with the brace or a statement: break the line there, and again after the block.
  const lineBreak = lineBreakOf(text);
  const openIndent = leadingWhitespace(lines.lineText(lines.positionAt(entry.body.open).line));
  let gapStart = anchor;
  while (gapStart > after && /[ \t]/.test(text[gapStart - 1] ?? '')) gapStart--;
  const indent = openIndent + INDENT_STEP;
  const continuation = anchorStatement ? indent : openIndent;
  const at = lines.positionAt(anchor);
  return {
    point: { offset: anchor, indent, description, window: { from: anchor, to: anchor } },
    split: {
      before: { kind: 'edits', entries: [], description: '', edits: [{ range: { start: lines.positionAt(gapStart), end: at }, newText: lineBreak }] },
      after: { kind: 'edits', entries: [], description: '', edits: [{ range: { start: at, end: at }, newText: continuation }] },
    },
  };
}

/**
 * PAC placement, in the function the browser calls (a declaration, a function expression assigned
 * to it, FindProxyForURLEx, behind a label or not): the missing hosts of an endpoint set go into
 * the file's own DIRECT list or branch when that already holds part of the set and is reached
 * first; the rest into a block after the body's set-up statements and before its first branch.
 */
export function placePac(request: PlacementRequest<PacVendor>): Placement<PacTarget> {
  const { parsed, text } = request;
  const list = parsed.model.ruleLists.find((l) => l.kind === 'proxy-selection');
  const entry = parsed.vendor.entry;
  const proxy = fallbackProxy(list);
  const hostParameter = parsed.model.script?.hostParameter;
  const keepOnProxy = request.keepOnProxy ?? [];
  const target: PacTarget = {
    ...(proxy ? { proxy } : {}),
    ...(list ? { list } : {}),
    ...(hostParameter ? { hostParameter } : {}),
    ...(keepOnProxy.length > 0 ? { keepOnProxy } : {}),
  };
  const all = request.policy.entries.map((_e, i) => i);
  if (text.trim() === '') return { parts: [{ kind: 'block', entries: all, point: { offset: 0, indent: '', description: t('at the start of the file') }, target }], notPlaced: [] };
  if (!entry) return nowhere(request, t('this file has no FindProxyForURL function to add the rules to'));
  const body = entry.body;
  if (!body) return nowhere(request, t('{0} is an arrow function with an expression body; give it a block body to add rules to it', entry.name));
  const rules = list?.rules ?? [];
  const extended = extendDirectSites(request, entry, rules);
  const parts: PlacementPart<PacTarget>[] = [...extended.parts];
  if (extended.rest.length > 0) {
    const { point, split } = bodyPoint(request, { ...entry, body }, rules);
    const block: PlacementPart<PacTarget> = { kind: 'block', entries: extended.rest, point, target };
    parts.push(...(split ? [split.before, block, split.after] : [block]));
  }
  return { parts, notPlaced: extended.notPlaced };
}
