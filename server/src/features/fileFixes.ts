import { planFix, preferredFix } from '../analysis/fixes';
import type { Finding, FindingCode, FindingSeverity, TextEdit } from '../analysis/finding';
import type { DocumentAnalysis } from '../engine';
import { applyTextEdits } from '../render/insert';
import { t } from '../l10n';

/** Which findings `check --fix` may fix: at or above a severity, optionally only some codes. */
export interface FixSelection {
  minSeverity: FindingSeverity;
  /** Undefined: every code. */
  codes?: ReadonlySet<FindingCode>;
}

/**
 * One fix that was applied, or not and why. `line` is 1-based, in the file as it was read (for a
 * finding that only appeared after an earlier fix: in the text it was planned on).
 */
export interface FixOutcome {
  code: FindingCode;
  line: number;
  title: string;
  finding: string;
  reason?: string;
}

export interface FileFixPlan {
  /** The text with every applied fix in it (the input when none applied). */
  text: string;
  applied: FixOutcome[];
  notApplied: FixOutcome[];
}

const RANK: Record<FindingSeverity, number> = { error: 3, warning: 2, information: 1, hint: 0 };

/** `check --fix` stops after this many fixes per file, in case two fixes undo each other. */
const MAX_FIXES_PER_FILE = 50;

export function selectedForFixing(finding: Finding, selection: FixSelection): boolean {
  return RANK[finding.severity] >= RANK[selection.minSeverity] && (selection.codes === undefined || selection.codes.has(finding.code));
}

/**
 * Every fix `check --fix` applies to one file, planned one at a time on the text as it becomes
 * (each fix changes positions, so the file is analysed again after each). This is the one place
 * that decides whether a fix is applied; the caller only writes the text.
 */
export function planFileFixes(path: string, text: string, analyse: (text: string) => DocumentAnalysis, selection: FixSelection): FileFixPlan {
  let current = text;
  const applied: FixOutcome[] = [];
  const notApplied: FixOutcome[] = [];
  const tried = new Set<string>();
  const originalLines = new Map<string, number>();
  const outcome = (finding: Finding, reason?: string): FixOutcome => ({
    code: finding.code,
    line: originalLines.get(fixKey(finding)) ?? finding.range.start.line + 1,
    title: preferredFix(finding)?.title ?? '',
    finding: finding.message,
    ...(reason !== undefined ? { reason } : {}),
  });
  for (;;) {
    const analysis = analyse(current);
    if (applied.length === 0) {
      // Nothing changed yet: these are the lines of the file as it was read.
      for (const f of analysis.findings) if (!originalLines.has(fixKey(f))) originalLines.set(fixKey(f), f.range.start.line + 1);
    }
    const candidates = analysis.findings.filter((f) => selectedForFixing(f, selection) && preferredFix(f) !== undefined && !tried.has(fixKey(f)));
    if (candidates.length === 0) break;
    if (applied.length >= MAX_FIXES_PER_FILE) {
      for (const finding of candidates) notApplied.push(outcome(finding, t('Stopped after {0} fixes in one file; run --fix again to continue.', MAX_FIXES_PER_FILE)));
      break;
    }
    let edits: TextEdit[] | undefined;
    for (const finding of candidates) {
      tried.add(fixKey(finding));
      const planned = planFix(preferredFix(finding)!, {
        text: current,
        lines: analysis.lines,
        model: analysis.model,
        dialect: analysis.detection.dialect,
        catalog: analysis.context.catalog,
        fileName: path,
      });
      if (!planned.ok) {
        addOnce(notApplied, outcome(finding, planned.reason));
        continue;
      }
      if (planned.edits.length === 0) {
        addOnce(notApplied, outcome(finding, t('The fix has no edit to make in this file.')));
        continue;
      }
      applied.push(outcome(finding));
      edits = planned.edits;
      break;
    }
    if (!edits) break;
    current = applyTextEdits(current, edits);
  }
  return { text: current, applied, notApplied };
}

/** A finding is tried once per text it appears in unchanged. */
function fixKey(finding: Finding): string {
  return `${finding.code}|${finding.message}`;
}

/** A fix that fails again in a later round is reported once. */
function addOnce(list: FixOutcome[], entry: FixOutcome): void {
  if (!list.some((a) => a.code === entry.code && a.reason === entry.reason && a.finding === entry.finding)) list.push(entry);
}
