import { t } from '../../l10n';
import type { Check } from '../context';
import { lineLabel } from '../context';
import { coverageFinding, coveredRules, sameAction } from './ruleCoverage';

/** A rule that never decides anything because an earlier rule with another action catches all it matches. */
export const shadowedRule: Check = (context) =>
  coveredRules(context.model)
    .filter(({ rule, earlier }) => !sameAction(earlier.action, rule.action))
    .map((covered) =>
      coverageFinding(covered, {
        code: 'shadowed-rule',
        severity: 'warning',
        message: t('This rule never takes effect: line {0} in {1} matches everything it matches first.', lineLabel(covered.earlier.range, context), covered.list.name),
        earlierLabel: t('The earlier rule that decides'),
      }),
    );
