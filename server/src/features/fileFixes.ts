import type { Finding, FindingCode } from '../analysis/finding';
import { planAllFixes, type FixSelection, type FixSubject } from '../render/fixes';
import { findingIdentity } from '../render/verify';

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

/**
 * Every fix `check --fix` applies to one file: the verified fix-all of the write path, reported
 * with the lines of the file as it was read. This is the one place that decides whether a fix is
 * applied; the caller only writes the text.
 */
export function planFileFixes(subject: FixSubject, selection: FixSelection): FileFixPlan {
  const result = planAllFixes(subject, selection);
  const originalLines = new Map<string, number>();
  for (const f of subject.findings) if (!originalLines.has(findingIdentity(f))) originalLines.set(findingIdentity(f), f.range.start.line + 1);
  const outcome = (finding: Finding, title: string, reason?: string): FixOutcome => ({
    code: finding.code,
    line: originalLines.get(findingIdentity(finding)) ?? finding.range.start.line + 1,
    title,
    finding: finding.message,
    ...(reason !== undefined ? { reason } : {}),
  });
  return {
    text: result.newText,
    applied: result.applied.map((a) => outcome(a.finding, a.title)),
    notApplied: result.notApplied.map((n) => outcome(n.finding, n.title, n.reason)),
  };
}
