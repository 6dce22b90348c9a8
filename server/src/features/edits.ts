import type { Policy } from '../model/policy';
import { diffEdits, type TextEdit } from '../model/edit';
import type { Finding } from '../analysis/finding';
import type { FixSubject } from '../render/fixes';
import { notPlacedReasons, planPolicy } from '../render/plan';
import { refreshManagedBlocks } from '../render/refresh';
import { verifyEdit } from '../render/verify';
import { t } from '../l10n';

/** What an insert or refresh did to a document, every edit verified before it was kept. */
export interface EditOutcome {
  newText: string;
  /** Against the original text. */
  edits: TextEdit[];
  /** Localised, one sentence per policy or block. */
  summaries: string[];
  applied: string[];
  notApplied: Array<{ purpose: string; reason: string }>;
  notExpressible: string[];
  /** A block of a requested purpose has broken markers; nothing of that purpose was touched. */
  brokenMarkers: boolean;
}

/**
 * Insert each policy's rules where they take effect ("Insert Exchange hybrid rules", `render
 * --into`), one after the other on the text the previous ones left. A policy whose edit does not
 * let its flows through, or adds a finding at warning or above, is left out and says why. Only a
 * block printed on its own (`render` without `--into`) is not verified, having no file around it.
 */
export function insertPolicies(subject: FixSubject, policies: readonly Policy[], options: { verify: boolean } = { verify: true }): EditOutcome {
  let text = subject.text;
  let findings: readonly Finding[] = subject.findings;
  let model = subject.model;
  const outcome: EditOutcome = { newText: text, edits: [], summaries: [], applied: [], notApplied: [], notExpressible: [], brokenMarkers: false };
  for (const policy of policies) {
    const plan = planPolicy({ ...subject, text }, policy);
    if (plan.problems.length > 0) outcome.brokenMarkers = true;
    if (plan.edits.length === 0) {
      outcome.summaries.push(plan.summary);
      if (!plan.replaced) outcome.notApplied.push({ purpose: policy.purpose, reason: plan.summary });
      continue;
    }
    // A block printed on its own is a snippet, not a configuration: there is nothing to verify it in.
    // What the plan says it could not place, with its reason, is not what the edit is checked for.
    const placed = { ...policy, entries: policy.entries.filter((_e, i) => !plan.unplacedEntries.includes(i)) };
    const verified = options.verify
      ? verifyEdit({ text, findings, model }, plan.newText, { kind: 'policy', policy: placed, catalog: subject.catalog }, subject.reanalyse)
      : { ok: true as const, findings: [], alsoResolved: [], model };
    if (!verified.ok) {
      // What the placement already knew it could not place is usually why the edit falls short.
      const unplaced = notPlacedReasons(plan.notPlaced);
      const reason = unplaced.length > 0 ? `${verified.reason} (${t('Not placed: {0}', unplaced.join('; '))})` : verified.reason;
      outcome.summaries.push(t('Not inserted "{0}": {1}.', policy.purpose, reason));
      outcome.notApplied.push({ purpose: policy.purpose, reason });
      continue;
    }
    outcome.summaries.push(plan.summary);
    outcome.applied.push(policy.purpose);
    outcome.notExpressible.push(...plan.notExpressible);
    text = plan.newText;
    findings = verified.findings;
    model = verified.model;
  }
  outcome.newText = text;
  outcome.edits = diffEdits(subject.text, text);
  return outcome;
}

/** "Refresh managed blocks": every block re-rendered from the current catalogue, each refresh verified like an insert. */
export function refreshBlocks(subject: FixSubject): EditOutcome & { found: number } {
  const result = refreshManagedBlocks(subject, subject.catalog);
  const outcome: EditOutcome & { found: number } = {
    newText: subject.text,
    edits: [],
    summaries: [],
    applied: [],
    notApplied: result.skipped.map((s) => ({ purpose: s.purpose, reason: s.reason })),
    notExpressible: [],
    brokenMarkers: result.problems.length > 0,
    found: result.refreshed.length + result.skipped.length,
  };
  if (result.text === subject.text) return outcome;
  const verified = verifyEdit(subject, result.text, { kind: 'refresh' }, subject.reanalyse);
  if (!verified.ok) {
    outcome.notApplied.push(...result.refreshed.filter((r) => r.changed).map((r) => ({ purpose: r.purpose, reason: verified.reason })));
    return outcome;
  }
  outcome.applied.push(...result.refreshed.filter((r) => r.changed).map((r) => r.purpose));
  outcome.summaries.push(...result.refreshed.filter((r) => r.changed).map((r) => r.summary));
  outcome.newText = result.text;
  outcome.edits = result.edits;
  return outcome;
}
