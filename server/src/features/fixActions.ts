import type { Finding } from '../analysis/finding';
import { applyTextEdits, type TextEdit } from '../model/edit';
import { planAllFixes, planFix, suppressionEdit, type FixSubject } from '../render/fixes';
import { verifyEdit } from '../render/verify';
import { commentSyntaxOf } from '../dialects/dialect';
import { t } from '../l10n';

/** A fix the editor may offer for a finding: checked already, with its edits against the subject's text. */
export interface OfferedFix {
  title: string;
  preferred: boolean;
  edits: TextEdit[];
}

/**
 * The fixes of a finding that, applied and analysed again, remove it and add nothing at warning or
 * above, then the suppression comment when that is checked too. `stop` is asked between checks
 * (each re-analyses the text); when it says so, the answer is undefined.
 */
export async function offeredFixes(subject: FixSubject, finding: Finding, stop: () => Promise<boolean>): Promise<OfferedFix[] | undefined> {
  const offered: OfferedFix[] = [];
  for (const fix of finding.fixes) {
    if (await stop()) return undefined;
    const planned = planFix(subject, finding, fix);
    if (planned.ok) offered.push({ title: fix.title, preferred: fix.preferred, edits: planned.edits });
  }
  if (await stop()) return undefined;
  const suppression = suppressionEdit(finding, subject.text, commentSyntaxOf(subject.dialect, subject.text));
  if (verifyEdit(subject, applyTextEdits(subject.text, [suppression]), { kind: 'finding', finding }, subject.reanalyse).ok) {
    offered.push({ title: t('Suppress {0} on this line', finding.code), preferred: false, edits: [suppression] });
  }
  return offered;
}

/** "Fix all": every checked preferred fix of the document, one after the other, as edits of its text. */
export function fixAllEdits(subject: FixSubject): TextEdit[] {
  return planAllFixes(subject, { minimumSeverity: 'hint' }).edits;
}
