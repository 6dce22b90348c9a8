import type { CatalogView } from '../analysis/context';
import { policyDecisions } from '../analysis/decisions';
import type { Finding, FindingSeverity } from '../analysis/finding';
import type { ConfigModel } from '../model/config';
import type { Policy } from '../model/policy';
import { ruleLabel } from '../analysis/context';
import { t } from '../l10n';

/** A fresh analysis of a candidate text, by the same engine that produced the findings being fixed. */
export type Reanalyse = (text: string) => { findings: Finding[]; model: ConfigModel };

/**
 * What an edit is for: one finding that must go away, a policy whose flows must get through, or a
 * refresh of managed blocks, which only must not make anything worse. A finding fixed by inserting
 * a policy names it, so the denies the policy overrides are known.
 */
export type EditGoal =
  | { kind: 'finding'; finding: Finding; policy?: Policy; catalog?: Pick<CatalogView, 'lookupAddress'> }
  | { kind: 'policy'; policy: Policy; catalog: Pick<CatalogView, 'lookupAddress'> }
  | { kind: 'refresh' };

export type Verification =
  | {
      ok: true;
      /** Other findings the edit also makes go away. */
      alsoResolved: Finding[];
      /** The analysis of the edited text, so the next edit starts from it. */
      findings: Finding[];
      model: ConfigModel;
    }
  | { ok: false; reason: string };

const RANK: Record<FindingSeverity, number> = { error: 3, warning: 2, information: 1, hint: 0 };

/**
 * Who a finding is about, independent of where the text around it moved: the code and the check's
 * subject, or its message when that has no line numbers in it.
 */
export function findingIdentity(finding: Finding): string {
  return `${finding.code}|${finding.subject ?? finding.message}`;
}

function countIdentities(findings: readonly Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(findingIdentity(f), (counts.get(findingIdentity(f)) ?? 0) + 1);
  return counts;
}

/** The user's rules that stop some of the policy's traffic or leave it unknown: what inserting the policy overrides. */
function overriddenDenies(model: ConfigModel, policy: Policy | undefined, catalog: Pick<CatalogView, 'lookupAddress'> | undefined): Set<string> {
  const out = new Set<string>();
  if (!policy || !catalog) return out;
  for (const d of policyDecisions(model, policy, catalog)) {
    const point = d.outcome.decidedBy;
    if (d.outcome.value === 'allowed' || !point || point.ruleIndex < 0) continue;
    const rule = model.ruleLists.find((l) => l.id === point.listId)?.rules[point.ruleIndex];
    if (rule) out.add(`${point.listId}|${ruleLabel(rule)}`);
  }
  return out;
}

/** A shadowed-rule finding about one of the overridden rules: the edit's purpose, not a new problem. */
function isOverride(finding: Finding, model: ConfigModel, overridden: ReadonlySet<string>): boolean {
  if (finding.code !== 'shadowed-rule' || overridden.size === 0) return false;
  for (const list of model.ruleLists) {
    const rule = list.rules.find((r) => r.range.start.line === finding.range.start.line && r.range.start.character === finding.range.start.character);
    if (rule) return overridden.has(`${list.id}|${ruleLabel(rule)}`);
  }
  return false;
}

/**
 * Checks an edit before it is offered: applied in memory and analysed again, it is good only when
 * the finding it targets is gone (or the policy's flows are no longer blocked), no finding at
 * warning or above appears anywhere in the file (a rule the inserted rules now take precedence
 * over because it stopped their traffic excepted: that is what they are for), and every other
 * finding stays or goes away.
 */
export function verifyEdit(
  before: { text: string; findings: readonly Finding[]; model: ConfigModel },
  afterText: string,
  goal: EditGoal,
  reanalyse: Reanalyse,
): Verification {
  if (afterText === before.text) return { ok: false, reason: t('the edit changes nothing') };
  const after = reanalyse(afterText);
  const previous = countIdentities(before.findings);
  const remaining = countIdentities(after.findings);
  if (goal.kind === 'finding') {
    const target = findingIdentity(goal.finding);
    if ((remaining.get(target) ?? 0) >= (previous.get(target) ?? 0)) {
      const stillThere = after.findings.find((f) => findingIdentity(f) === target);
      return { ok: false, reason: t('the finding would still be reported after the edit (line {0})', (stillThere?.range.start.line ?? goal.finding.range.start.line) + 1) };
    }
  } else if (goal.kind === 'policy') {
    const blocked = policyDecisions(after.model, goal.policy, goal.catalog).find((d) => d.outcome.value === 'blocked');
    if (blocked) {
      const list = after.model.ruleLists.find((l) => l.id === blocked.outcome.decidedBy?.listId);
      return { ok: false, reason: t('no place found where the rules would take effect: {0} would still block it', list?.name ?? blocked.path.name) };
    }
  }
  const overridden = goal.kind === 'refresh' ? new Set<string>() : overriddenDenies(before.model, goal.policy, goal.catalog);
  const seen = new Map<string, number>();
  for (const f of after.findings) {
    const key = findingIdentity(f);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n <= (previous.get(key) ?? 0) || RANK[f.severity] < RANK.warning || isOverride(f, after.model, overridden)) continue;
    return { ok: false, reason: t('the edit would add {0} on line {1}: {2}', f.code, f.range.start.line + 1, f.message.replace(/\.$/, '')) };
  }
  const alsoResolved = before.findings.filter((f) => {
    const key = findingIdentity(f);
    if (goal.kind === 'finding' && key === findingIdentity(goal.finding)) return false;
    return (remaining.get(key) ?? 0) < (previous.get(key) ?? 0);
  });
  return { ok: true, alsoResolved, findings: after.findings, model: after.model };
}
