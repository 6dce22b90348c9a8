import type { Check } from '../context';

/** Parser problems, so a file that did not parse never looks clean. */
export const syntaxError: Check = ({ model }) =>
  model.problems.map((p) => ({
    code: 'syntax-error',
    severity: p.severity === 'info' ? 'information' : p.severity,
    message: p.message,
    range: p.range,
    related: [],
    fixes: [],
  }));
