import { SUPPRESSION_MARKER } from '../analysis/analyze';
import type { CatalogView } from '../analysis/context';
import { type Finding, type FindingCode, type FindingSeverity, type Fix } from '../analysis/finding';
import { applyTextEdits, diffEdits, lineBreakOf, type TextEdit } from '../model/edit';
import { commentLine, type LineComment } from '../model/managedBlock';
import type { ConfigModel } from '../model/config';
import { LineIndex } from '../model/range';
import type { PolicyCatalog } from '../policies';
import { t } from '../l10n';
import { planPolicy, type EditSubject } from './plan';
import { refreshManagedBlocks } from './refresh';
import { findingIdentity, verifyEdit, type Reanalyse } from './verify';

/** A document with its current findings, and the engine that can analyse a changed text of it. */
export interface FixSubject extends EditSubject {
  findings: readonly Finding[];
  /** The model the findings were made from. */
  model: ConfigModel;
  catalog: PolicyCatalog & Pick<CatalogView, 'lookupAddress'>;
  reanalyse: Reanalyse;
}

export type PlannedFix =
  | { ok: true; edits: TextEdit[]; newText: string; summary?: string; alsoResolved: Finding[]; findings: Finding[]; model: ConfigModel }
  | { ok: false; reason: string };

/** The text a fix would leave, before it is checked. */
function candidate(subject: FixSubject, fix: Fix): { ok: true; newText: string; edits?: TextEdit[]; summary?: string } | { ok: false; reason: string } {
  // A fix that is already a precise edit is offered as that edit, not as the lines around it.
  if (fix.edits) return { ok: true, newText: applyTextEdits(subject.text, fix.edits), edits: fix.edits };
  if (fix.policy) {
    const plan = planPolicy(subject, fix.policy);
    return plan.edits.length > 0 ? { ok: true, newText: plan.newText, summary: plan.summary } : { ok: false, reason: plan.summary };
  }
  if (fix.refreshBlock !== undefined) {
    const purpose = fix.refreshBlock;
    const result = refreshManagedBlocks(subject, subject.catalog, { only: purpose });
    const refreshed = result.refreshed.find((r) => r.purpose === purpose);
    if (refreshed?.changed) return { ok: true, newText: result.text, summary: refreshed.summary };
    const skipped = result.skipped.find((s) => s.purpose === purpose);
    return { ok: false, reason: skipped?.reason ?? t('The block "{0}" is already up to date.', purpose) };
  }
  return { ok: false, reason: t('This fix has nothing to apply.') };
}

/**
 * Concrete, verified edits for one fix of one finding: planned where the evaluator says the
 * device decides, applied in memory, analysed again, and returned only when the finding is gone
 * and nothing new at warning or above appeared. Otherwise the reason it is not offered.
 */
export function planFix(subject: FixSubject, finding: Finding, fix: Fix): PlannedFix {
  const made = candidate(subject, fix);
  if (!made.ok) return made;
  const verified = verifyEdit(subject, made.newText, { kind: 'finding', finding, ...(fix.policy ? { policy: fix.policy, catalog: subject.catalog } : {}) }, subject.reanalyse);
  if (!verified.ok) return { ok: false, reason: verified.reason };
  return {
    ok: true,
    edits: made.edits ?? diffEdits(subject.text, made.newText),
    newText: made.newText,
    ...(made.summary ? { summary: made.summary } : {}),
    alsoResolved: verified.alsoResolved,
    findings: verified.findings,
    model: verified.model,
  };
}

/** `<comment> endpoint-lens-disable-next-line CODE` above the finding's line, indented like it. */
export function suppressionEdit(finding: Finding, text: string, lineComment: LineComment): TextEdit {
  const lines = new LineIndex(text);
  const line = finding.range.start.line;
  const indent = /^[ \t]*/.exec(lines.lineText(line))?.[0] ?? '';
  const position = { line, character: 0 };
  return { range: { start: position, end: position }, newText: `${indent}${commentLine(lineComment, `${SUPPRESSION_MARKER} ${finding.code}`)}${lineBreakOf(text)}` };
}

export function preferredFix(finding: Finding): Fix | undefined {
  return finding.fixes.find((f) => f.preferred);
}

const RANK: Record<FindingSeverity, number> = { error: 3, warning: 2, information: 1, hint: 0 };

/** Which findings a fix-all applies fixes for: at or above a severity, optionally only some codes. */
export interface FixSelection {
  minimumSeverity: FindingSeverity;
  codes?: readonly FindingCode[];
}

export function selects(selection: FixSelection, finding: Finding): boolean {
  if (RANK[finding.severity] < RANK[selection.minimumSeverity]) return false;
  return selection.codes === undefined || selection.codes.includes(finding.code);
}

export interface FixAllResult {
  newText: string;
  edits: TextEdit[];
  applied: Array<{ finding: Finding; title: string; summary?: string }>;
  notApplied: Array<{ finding: Finding; title: string; reason: string }>;
}

/** `check --fix` stops after this many fixes per file, in case two fixes undo each other. */
const MAX_FIXES = 50;
/** Fixes refused once are tried again after each one applied; this bounds the tries per file. */
const MAX_ATTEMPTS = 200;

/**
 * Every selected preferred fix of a document, each planned and verified on the text the previous
 * ones left (positions move, and one fix may make another unnecessary). `check --fix` and the
 * editor's "Fix all" both use it.
 */
export function planAllFixes(subject: FixSubject, selection: FixSelection): FixAllResult {
  let text = subject.text;
  let findings = subject.findings;
  let model = subject.model;
  const applied: FixAllResult['applied'] = [];
  const refused = new Map<string, FixAllResult['notApplied'][number]>();
  const tried = new Set<string>();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const open = findings.filter((f) => selects(selection, f) && preferredFix(f) !== undefined && !tried.has(findingIdentity(f)));
    const next = open[0];
    if (!next) break;
    if (applied.length >= MAX_FIXES) {
      for (const finding of open) refused.set(findingIdentity(finding), { finding, title: preferredFix(finding)!.title, reason: t('Stopped after {0} fixes in one file; run --fix again to continue.', MAX_FIXES) });
      break;
    }
    tried.add(findingIdentity(next));
    const fix = preferredFix(next)!;
    const planned = planFix({ ...subject, text, findings, model }, next, fix);
    if (!planned.ok) {
      refused.set(findingIdentity(next), { finding: next, title: fix.title, reason: planned.reason });
      continue;
    }
    applied.push({ finding: next, title: fix.title, ...(planned.summary ? { summary: planned.summary } : {}) });
    text = planned.newText;
    findings = planned.findings;
    model = planned.model;
    // A fix refused for a finding this one took away (its IPv6 half, say) gets another try on the new text.
    for (const key of refused.keys()) tried.delete(key);
    refused.clear();
  }
  return { newText: text, edits: diffEdits(subject.text, text), applied, notApplied: [...refused.values()] };
}
