import { intervalsOverlap } from '../model/address';
import type { Reference } from '../model/config';
import type { CatalogMatch } from '../catalog/types';
import { revisionAdding, rowHistoryLine } from '../catalog/rowRevisions';
import type { CatalogView, HistoryView } from '../analysis/context';
import { intervalsOf } from '../analysis/scope';
import { daysLeft } from '../analysis/describe';
import { t } from '../l10n';
import { overlapLines } from './overlaps';

export interface ReferenceHistoryInput {
  reference: Reference;
  /** What the catalogue in use says about the reference (most specific first). */
  matches: readonly CatalogMatch[];
  catalog: Pick<CatalogView, 'otherRows' | 'lookupAddress'>;
  history?: Pick<HistoryView, 'pendingAdditions' | 'findRemovedAddress' | 'findRemovedUrl'>;
  /** The day (yyyy-mm-dd) "ahead" and "days left" are counted from. */
  today: string;
}

/**
 * What time adds to a hover over an address or host: additions announced for it, when it left
 * the catalogue, the history of the other-endpoints rows it belongs to, and web-service sets that
 * already hold a row's addresses. Plain lines, for any editor or the command line.
 */
export function referenceHistoryLines(input: ReferenceHistoryInput): string[] {
  const { reference, matches, catalog, history, today } = input;
  const lines: string[] = [];
  const host = reference.interval ? undefined : reference.text.replace(/^\./, '*.').toLowerCase();
  for (const pending of history?.pendingAdditions(today) ?? []) {
    const hit = reference.interval
      ? intervalsOf(pending.ips).some((iv) => intervalsOverlap(iv, reference.interval!))
      : pending.urls.some((u) => u.toLowerCase() === host);
    if (hit) lines.push(t('Announced for set {0} in version {1}, effective {2} ({3}).', pending.setId, pending.version, pending.effectiveDate, daysLeft(today, pending.effectiveDate)));
  }
  if (matches.length === 0 && history) {
    const removed = reference.interval ? history.findRemovedAddress(reference.interval) : host ? history.findRemovedUrl(host) : [];
    for (const r of removed.slice(0, 3)) {
      lines.push(r.removedInVersion ? t('{0} was in set {1} until version {2}.', r.entry, r.setId, r.removedInVersion) : t('{0} was in set {1} in an earlier version.', r.entry, r.setId));
    }
  }
  const rows = new Map<number, string>();
  for (const m of matches) if (m.row !== undefined && !rows.has(m.row)) rows.set(m.row, m.entry);
  for (const [number, entry] of rows) {
    const row = catalog.otherRows.find((r) => r.row === number);
    if (!row) continue;
    const added = revisionAdding(row, entry);
    lines.push(added ? `${rowHistoryLine(row)} ${t('{0} came with the {1} revision.', entry, added.date)}` : rowHistoryLine(row));
    if (reference.interval) lines.push(...overlapLines(catalog, row, entry));
  }
  return lines;
}
