import type { Check } from '../context';

/** Filters applied by name that the file does not define; the device accepts them and filters nothing there. */
export const undefinedFilter: Check = ({ model }) =>
  (model.undefinedFilters ?? []).map((f) => ({
    code: 'undefined-filter',
    severity: 'warning',
    message: f.message,
    range: f.range,
    related: [],
    fixes: [],
  }));
