import { formatInterval, intervalContains } from '../../model/address';
import { t } from '../../l10n';
import type { Check } from '../context';
import { lineLabel, ruleLabel } from '../context';
import type { Finding } from '../finding';
import { coveringRules, sameAction } from './ruleCoverage';

/** Duplicates: a rule repeating an earlier one, or an address inside another of the same list. */
export const redundantEntry: Check = (context) => {
  const { model } = context;
  const out: Finding[] = [];
  for (const list of model.ruleLists) {
    if (list.kind === 'proxy-selection') continue;
    for (const { index, by } of coveringRules(list.rules)) {
      const rule = list.rules[index]!;
      const earlier = list.rules[by]!;
      if (!sameAction(earlier.action, rule.action)) continue;
      out.push({
        code: 'redundant-entry',
        severity: 'information',
        message: t('This rule repeats line {0}, which already matches everything it matches with the same action.', lineLabel(earlier.range, context)),
        subject: `${list.id}|${ruleLabel(rule)}|${ruleLabel(earlier)}`,
        range: rule.range,
        related: [{ message: t('The earlier rule'), range: earlier.range }],
        fixes: [],
      });
    }
    for (const rule of list.rules) {
      for (const side of [rule.sources, rule.destinations]) {
        if (!side || side.negated) continue;
        const refs = side.referenceIds.map((id) => ({ id, ref: model.references[id] })).filter((x) => x.ref?.interval);
        for (const { id, ref } of refs) {
          const inside = refs.find((o) => o.id !== id && intervalContains(o.ref!.interval!, ref!.interval!) && (o.id < id || !intervalContains(ref!.interval!, o.ref!.interval!)));
          if (!inside) continue;
          out.push({
            code: 'redundant-entry',
            severity: 'information',
            message: t('{0} is already covered by {1} in the same rule.', ref!.text, formatInterval(inside.ref!.interval!)),
            range: ref!.range,
            related: [{ message: t('The covering entry'), range: inside.ref!.range }],
            fixes: [],
          });
        }
      }
    }
  }
  return out;
};
