import { cidrToInterval, parseCidr } from '../model/address';
import type { CatalogView } from '../analysis/context';
import type { OtherEndpointRow } from '../catalog/types';
import { t } from '../l10n';

/** One address of an other-endpoints row that a web-service set already lists (equal) or covers (inside). */
export interface RowOverlap {
  rowEntry: string;
  setId: number;
  setEntry: string;
  relation: 'equal' | 'inside';
}

/**
 * The row's addresses that web-service sets already list or cover, by set: Microsoft publishes
 * some ranges in both places (row 23's public-cloud CIDRs are the sign-in set's), and one
 * allow-list entry serves both.
 */
export function rowOverlaps(catalog: Pick<CatalogView, 'lookupAddress'>, row: OtherEndpointRow): Map<number, RowOverlap[]> {
  const bySet = new Map<number, RowOverlap[]>();
  for (const destination of row.destinations) {
    for (const ip of destination.ips) {
      const parsed = parseCidr(ip);
      if (!parsed.ok) continue;
      for (const match of catalog.lookupAddress(cidrToInterval(parsed.value))) {
        if (match.source !== 'web-service' || match.id === undefined) continue;
        if (match.relation !== 'equal' && match.relation !== 'contains') continue;
        const list = bySet.get(match.id) ?? [];
        if (!list.some((o) => o.rowEntry === ip)) list.push({ rowEntry: ip, setId: match.id, setEntry: match.entry, relation: match.relation === 'equal' ? 'equal' : 'inside' });
        bySet.set(match.id, list);
      }
    }
  }
  return bySet;
}

/** Hover lines: for the row of an entry, which of its addresses a set already has, naming the hovered one when it is among them. */
export function overlapLines(catalog: Pick<CatalogView, 'lookupAddress'>, row: OtherEndpointRow, hoveredEntry: string): string[] {
  const total = row.destinations.reduce((n, d) => n + d.ips.length, 0);
  const lines: string[] = [];
  for (const [setId, overlaps] of [...rowOverlaps(catalog, row)].sort((a, b) => a[0] - b[0])) {
    const hovered = overlaps.find((o) => o.rowEntry === hoveredEntry);
    const count = t('Other-endpoints row {0}: {1} of its {2} addresses are also in endpoint set {3}, so one allow-list entry serves both.', row.row, overlaps.length, total, setId);
    if (!hovered) lines.push(count);
    else if (hovered.relation === 'equal') lines.push(`${count} ${t('{0} is set {1}\'s own entry.', hovered.rowEntry, setId)}`);
    else lines.push(`${count} ${t('{0} lies inside set {1}\'s {2}.', hovered.rowEntry, setId, hovered.setEntry)}`);
  }
  return lines;
}
