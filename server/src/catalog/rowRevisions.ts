import { parseCidr } from '../model/address';
import { t } from '../l10n';
import { formatPortList } from './ports';
import type { OtherEndpointRevision, OtherEndpointRow } from './types';

function isSingleAddress(entry: string): boolean {
  const parsed = parseCidr(entry);
  return parsed.ok && parsed.value.prefixLength === (parsed.value.family === 4 ? 32 : 128);
}

function counted(sign: string, ips: readonly string[], urls: readonly string[]): string[] {
  const parts: string[] = [];
  const single = ips.filter(isSingleAddress).length;
  const ranges = ips.length - single;
  if (single > 0) parts.push(single === 1 ? t('{0}1 address', sign) : t('{0}{1} addresses', sign, single));
  if (ranges > 0) parts.push(ranges === 1 ? t('{0}1 CIDR', sign) : t('{0}{1} CIDRs', sign, ranges));
  if (urls.length > 0) parts.push(urls.length === 1 ? t('{0}1 host', sign) : t('{0}{1} hosts', sign, urls.length));
  return parts;
}

/** "+38 addresses, +16 CIDRs, −12 addresses, TCP 443 → 443,8443": what a revision changed, counted; empty for a wording-only one. */
export function revisionCounts(revision: OtherEndpointRevision): string {
  const parts = [
    ...counted('+', revision.groups.flatMap((g) => g.added.ips), revision.groups.flatMap((g) => g.added.urls)),
    ...counted('−', revision.groups.flatMap((g) => g.removed.ips), revision.groups.flatMap((g) => g.removed.urls)),
  ];
  for (const group of revision.groups) {
    if (group.tcpPorts) parts.push(`TCP ${formatPortList(group.tcpPorts.before) || '—'} → ${formatPortList(group.tcpPorts.after) || '—'}`);
    if (group.udpPorts) parts.push(`UDP ${formatPortList(group.udpPorts.before) || '—'} → ${formatPortList(group.udpPorts.after) || '—'}`);
  }
  return parts.join(', ');
}

/** The revisions after the row's baseline, oldest first: the ones that changed something. */
export function laterRevisions(row: OtherEndpointRow): OtherEndpointRevision[] {
  return row.revisions.filter((r, index) => index > 0 || r.rowAdded === true);
}

/** What one revision did to the row, in a phrase ending with its date. */
export function revisionPhrase(revision: OtherEndpointRevision): string {
  if (revision.rowAdded) return t('added on {0}', revision.date);
  const counts = revisionCounts(revision);
  return counts === '' ? t('reworded on {0} ({1})', revision.date, revision.summary ?? '') : t('{0} on {1}', counts, revision.date);
}

/** The row's whole history in one line: "row 23: +38 addresses, +16 CIDRs, −12 addresses on 2025-01-08". */
export function rowHistoryLine(row: OtherEndpointRow): string {
  const later = laterRevisions(row);
  if (later.length === 0) return t('Other-endpoints row {0}: unchanged since {1}.', row.row, row.revisions[0]?.date ?? '');
  return t('Other-endpoints row {0}: {1}.', row.row, later.map(revisionPhrase).join('; '));
}

/** The revision that added an entry of the row, when a later revision did. */
export function revisionAdding(row: OtherEndpointRow, entry: string): OtherEndpointRevision | undefined {
  const key = entry.toLowerCase();
  return laterRevisions(row).find((r) => r.groups.some((g) => [...g.added.ips, ...g.added.urls].some((e) => e.toLowerCase() === key)));
}

/** Row revisions dated after a day (yyyy-mm-dd), oldest first: what a report since that day lists. */
export function revisionsAfter(rows: readonly OtherEndpointRow[], day: string): Array<{ row: OtherEndpointRow; revision: OtherEndpointRevision }> {
  return rows
    .flatMap((row) => laterRevisions(row).filter((r) => r.date > day).map((revision) => ({ row, revision })))
    .sort((a, b) => (a.revision.date < b.revision.date ? -1 : a.revision.date > b.revision.date ? 1 : a.row.row - b.row.row));
}
