import type { CatalogView } from '../analysis/context';
import { policyDecisions } from '../analysis/decisions';
import type { Finding, FindingSeverity } from '../analysis/finding';
import type { ConfigModel } from '../model/config';
import type { Policy } from '../model/policy';
import { LineIndex } from '../model/range';
import { t } from '../l10n';

/** A fresh analysis of a candidate text, by the same engine that produced the findings being fixed. */
export type Reanalyse = (text: string) => { findings: Finding[]; model: ConfigModel };

/**
 * What an edit is for: one finding that must go away, a policy whose flows must get through, or a
 * refresh of managed blocks, which only must not make anything worse.
 */
export type EditGoal =
  | { kind: 'finding'; finding: Finding }
  | { kind: 'policy'; policy: Policy; catalog: Pick<CatalogView, 'lookupAddress'> }
  | { kind: 'refresh' };

export type Verification =
  | {
      ok: true;
      /** Other findings the edit also makes go away. */
      alsoResolved: Finding[];
      /** The findings of the edited text, so the next edit starts from them. */
      findings: Finding[];
    }
  | { ok: false; reason: string };

const RANK: Record<FindingSeverity, number> = { error: 3, warning: 2, information: 1, hint: 0 };

/**
 * Who a finding is about, independent of where the text around it moved: the code, the check's
 * subject (or its message) and the text of the line it points at.
 */
export function findingIdentity(finding: Finding, lines: LineIndex): string {
  const lineText = lines.lineText(finding.range.start.line).trim().replace(/\s+/g, ' ');
  return `${finding.code}|${finding.subject ?? finding.message}|${lineText}`;
}

function countIdentities(findings: readonly Finding[], lines: LineIndex): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of findings) {
    const key = findingIdentity(f, lines);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * Checks an edit before it is offered: applied in memory and analysed again, it is good only when
 * the finding it targets is gone (or the policy's flows are no longer blocked), no finding at
 * warning or above appears anywhere in the file, and every other finding stays or goes away.
 */
export function verifyEdit(before: { text: string; findings: readonly Finding[] }, afterText: string, goal: EditGoal, reanalyse: Reanalyse): Verification {
  if (afterText === before.text) return { ok: false, reason: t('the edit changes nothing') };
  const after = reanalyse(afterText);
  const beforeLines = new LineIndex(before.text);
  const afterLines = new LineIndex(afterText);
  const remaining = countIdentities(after.findings, afterLines);
  if (goal.kind === 'finding') {
    const target = findingIdentity(goal.finding, beforeLines);
    const stillThere = after.findings.find((f) => findingIdentity(f, afterLines) === target);
    if (stillThere) return { ok: false, reason: t('the finding would still be reported after the edit (line {0})', stillThere.range.start.line + 1) };
  } else if (goal.kind === 'policy') {
    const blocked = policyDecisions(after.model, goal.policy, goal.catalog).find((d) => d.outcome.value === 'blocked');
    if (blocked) {
      const list = after.model.ruleLists.find((l) => l.id === blocked.outcome.decidedBy?.listId);
      return { ok: false, reason: t('no place found where the rules would take effect: {0} would still block it', list?.name ?? blocked.path.name) };
    }
  }
  const previous = countIdentities(before.findings, beforeLines);
  const added: Finding[] = [];
  const seen = new Map<string, number>();
  for (const f of after.findings) {
    const key = findingIdentity(f, afterLines);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n > (previous.get(key) ?? 0) && RANK[f.severity] >= RANK.warning) added.push(f);
  }
  if (added.length > 0) {
    const first = added[0]!;
    return { ok: false, reason: t('the edit would add {0} on line {1}: {2}', first.code, first.range.start.line + 1, first.message) };
  }
  const alsoResolved = before.findings.filter((f) => {
    const key = findingIdentity(f, beforeLines);
    if (goal.kind === 'finding' && key === findingIdentity(goal.finding, beforeLines)) return false;
    return (remaining.get(key) ?? 0) < (previous.get(key) ?? 0);
  });
  return { ok: true, alsoResolved, findings: after.findings };
}
