import type { RemovedEntry } from '../../catalog/history';
import type { Reference } from '../../model/config';
import { t } from '../../l10n';
import type { Check } from '../context';
import type { Finding, Fix } from '../finding';

/** "13.107.6.152/31 (endpoint set 1) was removed in catalogue version …", for findings and `lookup`. */
export function describeRemoval(r: RemovedEntry): string {
  const when = r.removedInVersion
    ? t('removed in catalogue version {0}', r.removedInVersion)
    : r.lastSeenVersion
      ? t('last listed in catalogue version {0}', r.lastSeenVersion)
      : t('removed from the catalogue');
  return t('{0} (endpoint set {1}) was {2}', r.entry, r.setId, when);
}

function replacementFixes(reference: Reference, removed: RemovedEntry): Fix[] {
  if (removed.replacements.length !== 1) return [];
  const replacement = removed.replacements[0]!;
  return [{ title: t('Replace with {0}', replacement), preferred: true, edits: [{ range: reference.range, newText: replacement }] }];
}

/**
 * Addresses and URLs that an earlier catalogue listed and the current one does not: the config
 * still lets (or sends) traffic there, and probably misses what replaced it.
 */
export const staleEntry: Check = ({ model, catalog, history }) => {
  if (!history) return [];
  const findings: Finding[] = [];
  for (const reference of model.references) {
    let removed: RemovedEntry[] = [];
    if (reference.interval) {
      if (catalog.lookupAddress(reference.interval).length > 0) continue;
      removed = history.findRemovedAddress(reference.interval);
    } else if (reference.kind === 'hostname' || reference.kind === 'host-wildcard') {
      const host = reference.text.replace(/^\./, '*.');
      if (catalog.lookupHost(host).length > 0) continue;
      removed = history.findRemovedUrl(host);
    }
    const first = removed[0];
    if (!first) continue;
    const replacements = first.replacements.slice(0, 5).join(', ');
    findings.push({
      code: 'stale-entry',
      severity: 'warning',
      message:
        first.replacements.length > 0
          ? t('"{0}" is no longer in the catalogue: {1}. The set now lists {2}.', reference.text, describeRemoval(first), replacements + (first.replacements.length > 5 ? ' …' : ''))
          : t('"{0}" is no longer in the catalogue: {1}.', reference.text, describeRemoval(first)),
      range: reference.range,
      related: [{ message: t('Endpoint set {0} in the current catalogue', first.setId), catalog: { source: 'web-service', instance: catalog.instance, id: first.setId } }],
      fixes: replacementFixes(reference, first),
    });
  }
  return findings;
};
