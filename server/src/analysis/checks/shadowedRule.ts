import { t } from '../../l10n';
import type { Check } from '../context';
import { lineLabel, ruleLabel } from '../context';
import type { Finding } from '../finding';
import { coveringRules, sameAction } from './ruleCoverage';

/** A rule that never decides anything because an earlier rule with another action catches all it matches. */
export const shadowedRule: Check = (context) => {
  const { model } = context;
  const out: Finding[] = [];
  for (const list of model.ruleLists) {
    if (list.kind === 'proxy-selection') continue;
    for (const { index, by } of coveringRules(list.rules)) {
      const rule = list.rules[index]!;
      const earlier = list.rules[by]!;
      if (sameAction(earlier.action, rule.action)) continue;
      out.push({
        code: 'shadowed-rule',
        severity: 'warning',
        message: t('This rule never takes effect: line {0} in {1} matches everything it matches first.', lineLabel(earlier.range, context), list.name),
        subject: `${list.id}|${ruleLabel(rule)}|${ruleLabel(earlier)}`,
        range: rule.range,
        related: [{ message: t('The earlier rule that decides'), range: earlier.range }],
        fixes: [],
      });
    }
  }
  return out;
};
