import type { AnalysisLimit } from '../../model/config';
import { t } from '../../l10n';
import type { Check } from '../context';
import { evaluationLimits } from '../evaluationLimits';

/** What a bound means for this file, said where it was passed (lines 1-based, as the editor shows them). */
export function limitMessage(limit: AnalysisLimit): string {
  const line = limit.range.start.line + 1;
  switch (limit.kind) {
    case 'nesting':
      return t('This file nests {0} blocks deep; Endpoint Lens reads up to {1}. It was not analysed past line {2}.', limit.found, limit.limit, line);
    case 'syntax-depth':
      return t('This file nests statements and expressions more than {0} levels deep; Endpoint Lens reads up to {0}. It was not analysed past line {1}.', limit.limit, line);
    case 'line-length':
      return t('Line {0} is {1} characters long; Endpoint Lens reads lines of up to {2} characters. It was not analysed from line {0} on.', line, limit.found, limit.limit);
    case 'rules':
      return t('This file has {0} rules; Endpoint Lens evaluates up to {1}. Rules from line {2} on were not evaluated.', limit.found, limit.limit, line);
    case 'variable-length':
      return t('A shell variable here grows to more than {0} characters; Endpoint Lens expands variables up to that length. It was not analysed past line {1}.', limit.limit, line);
    case 'define-length':
      return t('A define here expands to more than {0} tokens (words and punctuation); Endpoint Lens expands defines up to that size. It was not analysed past line {1}.', limit.limit, line);
    case 'object-group-depth':
      return t('Object-groups nest more than {0} levels deep here; Endpoint Lens follows up to {0}, so what this rule matches is unknown.', limit.limit);
    case 'jump-depth':
      return t('Jumps here go more than {0} chains deep, or loop back to a chain already on the way; Endpoint Lens follows up to {0}, so what happens to traffic past this jump is unknown.', limit.limit);
    case 'uncertain-depth':
      return t('More than {0} rules in a row here depend on conditions the file cannot settle; Endpoint Lens follows up to {0}, so verdicts past this rule are unknown.', limit.limit);
    case 'evaluation-steps':
      return t('Evaluating traffic through this list took more than {0} steps; Endpoint Lens stopped there, so some verdicts are unknown.', limit.limit);
    case 'host-pattern-length':
      return t('The host tests on the way to this return add up to a pattern of {0} characters; Endpoint Lens combines up to {1}, so which hosts reach it is unknown.', limit.found, limit.limit);
    case 'pac-time':
      return t('The time budget of {0} ms for running this PAC file ran out; {1} host(s) were not checked.', limit.limit, limit.found);
  }
}

/** Every bound the parser or the evaluator went past; the file's other findings cover only what was read. */
export const analysisLimit: Check = ({ model }) =>
  [...(model.limits ?? []), ...evaluationLimits(model)].map((limit) => ({
    code: 'analysis-limit',
    severity: 'warning',
    message: limitMessage(limit),
    range: limit.range,
    related: [],
    fixes: [],
  }));
