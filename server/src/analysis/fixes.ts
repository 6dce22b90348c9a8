import type { Dialect } from '../dialects/dialect';
import type { ConfigModel } from '../model/config';
import type { LineIndex } from '../model/range';
import { planInsertion } from '../render/insert';
import { refreshManagedBlocks } from '../render/managedBlocks';
import type { PolicyCatalog } from '../policies/common';
import { t } from '../l10n';
import { SUPPRESSION_MARKER } from './analyze';
import type { Finding, Fix, TextEdit } from './finding';

export interface FixInput {
  text: string;
  lines: LineIndex;
  model: ConfigModel;
  dialect: Dialect;
  catalog: PolicyCatalog;
  fileName?: string;
}

export type PlannedFix = { ok: true; edits: TextEdit[]; summary?: string } | { ok: false; reason: string };

/** Concrete edits for one fix: given edits as they are, policies placed by the insertion planner. */
export function planFix(fix: Fix, input: FixInput): PlannedFix {
  if (fix.edits) return { ok: true, edits: fix.edits };
  const parseOptions = input.fileName ? { fileName: input.fileName } : undefined;
  if (fix.policy) {
    const plan = planInsertion(input.text, input.model, input.dialect, fix.policy, parseOptions);
    if (plan.edits.length === 0) return { ok: false, reason: plan.summary };
    return { ok: true, edits: plan.edits, summary: plan.summary };
  }
  if (fix.refreshBlock) {
    const purpose = fix.refreshBlock;
    const result = refreshManagedBlocks(input.text, input.dialect, input.catalog, undefined, parseOptions);
    const refreshed = result.refreshed.find((r) => r.purpose === purpose && r.changed);
    if (!refreshed) {
      const skipped = result.skipped.find((s) => s.purpose === purpose);
      return { ok: false, reason: skipped?.reason ?? t('The block "{0}" is already up to date.', purpose) };
    }
    // A block that moves in front of a rule that would now stop it comes as two edits.
    return { ok: true, edits: refreshed.edits };
  }
  return { ok: false, reason: t('This fix has nothing to apply.') };
}

/** `<comment> endpoint-lens-disable-next-line CODE` above the finding's line, indented like it. */
export function suppressionEdit(finding: Finding, input: Pick<FixInput, 'lines' | 'dialect'>): TextEdit {
  const line = finding.range.start.line;
  const indent = /^[ \t]*/.exec(input.lines.lineText(line))?.[0] ?? '';
  const position = { line, character: 0 };
  const lineBreak = input.lines.text.includes('\r\n') ? '\r\n' : '\n';
  return { range: { start: position, end: position }, newText: `${indent}${input.dialect.lineComment} ${SUPPRESSION_MARKER} ${finding.code}${lineBreak}` };
}

/**
 * Every preferred fix of a file, applied one at a time on the text as it becomes: `check --fix`
 * and "Fix all" use it. Re-analysis between fixes is the caller's, since fixes change positions.
 */
export function preferredFix(finding: Finding): Fix | undefined {
  return finding.fixes.find((f) => f.preferred);
}
