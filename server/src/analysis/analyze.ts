import type { Range } from '../model/range';
import { comparePositions } from '../model/range';
import type { Check, CheckContext } from './context';
import { isFindingCode, type Finding, type FindingCode, type FindingSeverity } from './finding';
import { blockedRequired } from './checks/blockedRequired';
import { hostBitsSet } from './checks/hostBitsSet';
import { incompleteSet } from './checks/incompleteSet';
import { invalidAddress } from './checks/invalidAddress';
import { redundantEntry } from './checks/redundantEntry';
import { shadowedRule } from './checks/shadowedRule';
import { syntaxError } from './checks/syntaxError';
import { staleEntry } from './checks/staleEntry';
import { pacRun } from './checks/pacRun';
import { pacWildcardGap } from './checks/pacWildcardGap';
import { pacDnsDependency } from './checks/pacDnsDependency';
import { managedBlockOutdated } from './checks/managedBlockOutdated';
import { pendingAddition } from './checks/pendingAddition';
import { catalogChangeImpact } from './checks/catalogChangeImpact';
import { analysisLimit } from './checks/analysisLimit';
import { pathInconsistent } from './checks/pathInconsistent';
import { undefinedFilter } from './checks/undefinedFilter';
import { tlsInspected } from './checks/tlsInspected';
import { proxyAuthRequired } from './checks/proxyAuthRequired';

/**
 * Every check, each a small module (the sandboxed PAC run reports the codes its one run finds).
 * analysis-limit comes last: it also reports bounds the evaluator met while the others ran.
 */
export const CHECKS: readonly Check[] = [
  syntaxError,
  invalidAddress,
  hostBitsSet,
  blockedRequired,
  tlsInspected,
  proxyAuthRequired,
  incompleteSet,
  staleEntry,
  shadowedRule,
  redundantEntry,
  undefinedFilter,
  pacRun,
  pacWildcardGap,
  pacDnsDependency,
  managedBlockOutdated,
  pendingAddition,
  catalogChangeImpact,
  pathInconsistent,
  analysisLimit,
];

export const SUPPRESSION_MARKER = 'endpoint-lens-disable-next-line';

/**
 * Lines whose findings are suppressed: `<comment> endpoint-lens-disable-next-line code[, code]`
 * suppresses the named codes (all codes when none is named) on the next non-comment line.
 */
export function suppressedLines(context: CheckContext): Map<number, Set<FindingCode> | 'all'> {
  const out = new Map<number, Set<FindingCode> | 'all'>();
  const commentLines = new Set(context.model.comments.map((c) => c.range.start.line));
  for (const comment of context.model.comments) {
    const at = comment.text.indexOf(SUPPRESSION_MARKER);
    if (at < 0) continue;
    const codes = comment.text
      .slice(at + SUPPRESSION_MARKER.length)
      .split(/[\s,]+/)
      .filter(isFindingCode);
    let line = comment.range.end.line + 1;
    while (commentLines.has(line) && line < context.lines.lineCount) line++;
    const previous = out.get(line);
    if (codes.length === 0 || previous === 'all') out.set(line, 'all');
    else out.set(line, new Set([...(previous ?? []), ...codes]));
  }
  return out;
}

function isSuppressed(range: Range, code: FindingCode, suppressed: Map<number, Set<FindingCode> | 'all'>): boolean {
  const entry = suppressed.get(range.start.line);
  return entry === 'all' || (entry?.has(code) ?? false);
}

export interface AnalyzeOptions {
  /** Per-code severity from settings; 'off' drops the code. */
  severity?: Partial<Record<string, FindingSeverity | 'off'>>;
  /** Told when a check fails on an input it did not expect; the other checks still run. */
  onCheckError?: (error: unknown) => void;
}

/** Run every check on one parsed document. Pure: no I/O, no editor types. */
export function analyze(context: CheckContext, options: AnalyzeOptions = {}): Finding[] {
  const suppressed = suppressedLines(context);
  const findings: Finding[] = [];
  // One fact found through several rules (an object-group used by four ACL lines) is said once.
  const seen = new Set<string>();
  for (const check of CHECKS) {
    let produced: Finding[];
    try {
      produced = check(context);
    } catch (error) {
      options.onCheckError?.(error);
      continue;
    }
    for (const finding of produced) {
      if (isSuppressed(finding.range, finding.code, suppressed)) continue;
      const override = options.severity?.[finding.code];
      if (override === 'off') continue;
      const key = `${finding.code}|${finding.range.start.line}:${finding.range.start.character}-${finding.range.end.line}:${finding.range.end.character}|${finding.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(override ? { ...finding, severity: override } : finding);
    }
  }
  return findings.sort((a, b) => comparePositions(a.range.start, b.range.start) || a.code.localeCompare(b.code));
}
