import { formatInterval, intervalContains } from '../../model/address';
import type { ConfigModel, RuleList } from '../../model/config';
import { t } from '../../l10n';
import type { Check } from '../context';
import { lineLabel } from '../context';
import type { Finding } from '../finding';
import { coverageFinding, coverageLists, coveredRules, sameAction } from './ruleCoverage';

/** Duplicates: a rule repeating an earlier one, or an address inside another of the same rule. */
export const redundantEntry: Check = (context) => {
  const { model } = context;
  const repeats = coveredRules(model)
    .filter(({ rule, earlier }) => sameAction(earlier.action, rule.action))
    .map((covered) =>
      coverageFinding(covered, {
        code: 'redundant-entry',
        severity: 'information',
        message: t('This rule repeats line {0}, which already matches everything it matches with the same action.', lineLabel(covered.earlier.range, context)),
        earlierLabel: t('The earlier rule'),
      }),
    );
  return [...repeats, ...coverageLists(model).flatMap((list) => coveredAddresses(model, list))];
};

/** An address of a rule's side that another address of the same side already contains. */
function coveredAddresses(model: ConfigModel, list: RuleList): Finding[] {
  const out: Finding[] = [];
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
  return out;
}
