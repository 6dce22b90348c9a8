import { describeRemoval } from '../analysis/checks/staleEntry';
import type { CatalogHistoryIndex } from '../catalog/history';
import type { Catalog } from '../catalog/index';
import { normaliseHost, patternCoversPattern } from '../catalog/urlPattern';
import { cidrToInterval, intervalsOverlap, parseCidr, type IpInterval } from '../model/address';
import { t } from '../l10n';

/** Something the catalogue once listed, or a known misspelling, that a query names. */
export interface NotListed {
  source: 'web-service' | 'other-endpoints';
  entry: string;
  setId?: number;
  row?: number;
  /** What the catalogue lists instead, when that is known. */
  current?: string[];
  message: string;
}

type Query = { kind: 'address'; interval: IpInterval } | { kind: 'host'; host: string };

/** A single address reads as itself: 13.107.4.52, not 13.107.4.52/32. */
function shown(entry: string): string {
  return entry.replace(/\/(32|128)$/, '');
}

function sameOrCovers(entry: string, host: string): boolean {
  return normaliseHost(entry) === host || patternCoversPattern(entry, host);
}

/**
 * What the history of the catalogue says about a query: entries of earlier web-service versions,
 * entries the other-endpoints article dropped in a revision, and misspellings of an earlier
 * revision (`www.mstfconnecttest.com` for `www.msftconnecttest.com`). `lookup` prints these next
 * to what matches now.
 */
export function explainNotListed(catalog: Catalog, history: CatalogHistoryIndex | undefined, query: Query): NotListed[] {
  const out: NotListed[] = [];
  const removed = history ? (query.kind === 'address' ? history.findRemovedAddress(query.interval) : history.findRemovedUrl(query.host)) : [];
  for (const r of removed) {
    const replaced = r.replacementSource === 'change-records' ? r.replacements : [];
    out.push({
      source: 'web-service',
      entry: r.entry,
      setId: r.setId,
      ...(replaced.length > 0 ? { current: replaced } : {}),
      message: replaced.length > 0 ? t('{0}; now listed instead: {1}.', describeRemoval(r), replaced.slice(0, 5).join(', ')) : t('{0}; no longer listed.', describeRemoval(r)),
    });
  }
  for (const row of catalog.otherRows) {
    for (const revision of row.revisions) {
      for (const group of revision.groups) {
        for (const entry of [...group.removed.ips, ...group.removed.urls]) {
          const parsed = parseCidr(entry);
          const hit = query.kind === 'address' ? parsed.ok && intervalsOverlap(cidrToInterval(parsed.value), query.interval) : !parsed.ok && sameOrCovers(entry, query.host);
          if (!hit) continue;
          out.push({ source: 'other-endpoints', entry, row: row.row, message: t('{0} was listed in other-endpoints row {1} until the {2} revision; no longer listed.', shown(entry), row.row, revision.date) });
        }
      }
    }
    if (query.kind !== 'host') continue;
    for (const [typo, meant] of Object.entries(row.misspellings ?? {})) {
      if (normaliseHost(typo) !== query.host) continue;
      out.push({
        source: 'other-endpoints',
        entry: typo,
        row: row.row,
        current: [meant],
        message: t('"{0}" is a misspelling in an earlier revision of other-endpoints row {1}; the row lists {2}.', typo, row.row, meant),
      });
    }
  }
  return out;
}
