import { MAX_LINE_LENGTH, MAX_RULES } from '../limits';
import type { AnalysisLimit, AnalysisLimitKind, ConfigModel, Rule } from '../model/config';
import type { LineIndex, Position } from '../model/range';

/** The part of a file a parser reads: everything, or the lines before the first one longer than MAX_LINE_LENGTH. */
export interface ReadableText {
  text: string;
  /** Set when the file was cut; `text` then ends where that line starts. */
  limit?: AnalysisLimit;
}

/** A bound passed at `offset`: reading stops there, and the finding points at it. */
export function stopAt(lines: LineIndex, kind: AnalysisLimitKind, offset: number, found: number, limit: number): AnalysisLimit {
  return { kind, range: lines.rangeOf(offset, offset + 1), found, limit, stoppedReading: true };
}

/** The bound on line length, passed by the line that starts at `start`. */
export function longLineLimit(start: Position, length: number): AnalysisLimit {
  return { kind: 'line-length', range: { start, end: start }, found: length, limit: MAX_LINE_LENGTH, stoppedReading: true };
}

export function readableText(text: string, lines: LineIndex): ReadableText {
  let lineStart = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 10;
    if (c !== 10 && c !== 13) continue;
    if (i - lineStart > MAX_LINE_LENGTH) {
      return { text: text.slice(0, lineStart), limit: longLineLimit(lines.positionAt(lineStart), i - lineStart) };
    }
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    lineStart = i + 1;
  }
  return { text };
}

/** Offset of the start of the line holding `offset`, so a parser that stops there reads only whole lines. */
export function lineStartOf(lines: LineIndex, offset: number): number {
  return lines.offsetAt({ line: lines.positionAt(offset).line, character: 0 });
}

/**
 * Keeps the first MAX_RULES rules in source order and drops the rest, so the cost of evaluating a
 * file is bounded whatever its size; the rules dropped are said in one limit at the first of them.
 */
export function boundRules(model: ConfigModel): ConfigModel {
  const total = model.ruleLists.reduce((sum, list) => sum + list.rules.length, 0);
  if (total <= MAX_RULES) return model;
  const starts = model.ruleLists.flatMap((list) => list.rules.map((rule) => rule.range.start.line)).sort((a, b) => a - b);
  const firstDropped = starts[MAX_RULES]!;
  const kept = (rule: Rule): boolean => rule.range.start.line < firstDropped;
  const limit: AnalysisLimit = {
    kind: 'rules',
    range: { start: { line: firstDropped, character: 0 }, end: { line: firstDropped, character: 0 } },
    found: total,
    limit: MAX_RULES,
  };
  return {
    ...model,
    ruleLists: model.ruleLists.map((list) => ({ ...list, rules: list.rules.filter(kept) })),
    limits: [...(model.limits ?? []), limit],
  };
}

/** 0-based line from which the file's rules are missing (reading stopped, or rules were left unevaluated); undefined when none are. */
export function rulesMissingFrom(model: ConfigModel): number | undefined {
  const lines = (model.limits ?? []).filter((l) => l.stoppedReading || l.kind === 'rules').map((l) => l.range.start.line);
  return lines.length > 0 ? Math.min(...lines) : undefined;
}

/** Whether the parser read the whole file; checks that need all of it (running a PAC program) skip it otherwise. */
export function readCompletely(model: ConfigModel): boolean {
  return !(model.limits ?? []).some((limit) => limit.stoppedReading);
}
