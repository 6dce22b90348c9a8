import { t } from '../l10n';
import { normaliseEffectiveDate } from './history';
import { revisionCounts, revisionPhrase } from './rowRevisions';
import type { CatalogChange, EndpointSet, OtherEndpointRevision, OtherEndpointRow } from './types';

/** Other-endpoints row revisions a report lists, and the revision of the rows in use. */
export interface RowChanges {
  revision: string;
  release: string;
  /** The day after which revisions are listed. */
  since: string;
  changes: ReadonlyArray<{ row: OtherEndpointRow; revision: OtherEndpointRevision }>;
}

export interface ChangeReportOptions {
  /** The version the report starts after (what the workspace saw last). */
  since: string;
  /** The catalogue in use now; set names and categories come from it. */
  current: { instance?: string; version: string; capturedOn?: string; sets: readonly EndpointSet[] };
  /** Lines saying what one change means for the open files ("not permitted by rules.v4 line 40"). */
  impact?: (change: CatalogChange) => string[];
  /** The other-endpoints section; left out when not given. */
  rows?: RowChanges;
  /** Lines saying what one row revision means for the open files. */
  rowImpact?: (row: OtherEndpointRow, revision: OtherEndpointRevision) => string[];
}

/** Entries listed per line before the rest is summarised as "and N more". */
const LIST_LIMIT = 12;

/** A code span that survives any character in the entry. */
function code(text: string): string {
  const runs = text.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function list(entries: readonly string[]): string {
  const shown = entries.slice(0, LIST_LIMIT).map(code).join(', ');
  return entries.length > LIST_LIMIT ? `${shown} ${t('and {0} more', entries.length - LIST_LIMIT)}` : shown;
}

function addedIpsLine(count: number, setId: number, effective: string | undefined): string {
  if (effective !== undefined) {
    return count === 1
      ? t('1 IP range added to set {0}, effective {1}', setId, effective)
      : t('{0} IP ranges added to set {1}, effective {2}', count, setId, effective);
  }
  return count === 1 ? t('1 IP range added to set {0}', setId) : t('{0} IP ranges added to set {1}', count, setId);
}

function addedUrlsLine(count: number, setId: number, effective: string | undefined): string {
  if (effective !== undefined) {
    return count === 1 ? t('1 URL added to set {0}, effective {1}', setId, effective) : t('{0} URLs added to set {1}, effective {2}', count, setId, effective);
  }
  return count === 1 ? t('1 URL added to set {0}', setId) : t('{0} URLs added to set {1}', count, setId);
}

function removedIpsLine(count: number, setId: number): string {
  return count === 1 ? t('1 IP range removed from set {0}', setId) : t('{0} IP ranges removed from set {1}', count, setId);
}

function removedUrlsLine(count: number, setId: number): string {
  return count === 1 ? t('1 URL removed from set {0}', setId) : t('{0} URLs removed from set {1}', count, setId);
}

function fieldValue(value: unknown): string {
  if (value === undefined || value === null || value === '') return t('(none)');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The lines one change record contributes, each a complete statement. */
function changeLines(change: CatalogChange): string[] {
  const lines: string[] = [];
  const setId = change.endpointSetId;
  if (change.disposition === 'Add') lines.push(t('Set {0} added in version {1}.', setId, change.version));
  if (change.disposition === 'Remove') lines.push(t('Set {0} removed in version {1}.', setId, change.version));
  const effectiveRaw = change.add?.effectiveDate;
  const effective = effectiveRaw === undefined ? undefined : (normaliseEffectiveDate(effectiveRaw) ?? effectiveRaw);
  const addedIps = change.add?.ips ?? [];
  const addedUrls = change.add?.urls ?? [];
  const removedIps = change.remove?.ips ?? [];
  const removedUrls = change.remove?.urls ?? [];
  if (addedIps.length > 0) lines.push(`${addedIpsLine(addedIps.length, setId, effective)}: ${list(addedIps)}`);
  if (addedUrls.length > 0) lines.push(`${addedUrlsLine(addedUrls.length, setId, effective)}: ${list(addedUrls)}`);
  if (removedIps.length > 0) lines.push(`${removedIpsLine(removedIps.length, setId)}: ${list(removedIps)}`);
  if (removedUrls.length > 0) lines.push(`${removedUrlsLine(removedUrls.length, setId)}: ${list(removedUrls)}`);
  if (change.disposition === 'Change' && change.previous && change.current) {
    for (const field of Object.keys(change.current)) {
      const before = change.previous[field];
      const after = change.current[field];
      if (JSON.stringify(before) === JSON.stringify(after)) continue;
      lines.push(t('{0} changed from {1} to {2} in set {3}.', field, fieldValue(before), fieldValue(after), setId));
    }
  }
  if (lines.length === 0) {
    lines.push(change.impact === undefined ? t('Set {0} changed in version {1}.', setId, change.version) : t('Set {0} changed in version {1} ({2}).', setId, change.version, change.impact));
  }
  return lines;
}

function setHeading(setId: number, set: EndpointSet | undefined, changes: readonly CatalogChange[]): string {
  if (set) {
    const required = set.required ? t('required') : t('optional');
    return t('Set {0}: {1} ({2}, {3}, {4})', setId, set.serviceAreaDisplayName || set.serviceArea, set.serviceArea, set.category, required);
  }
  const known = changes.map((c) => c.previous?.serviceArea ?? c.current?.serviceArea).find((v) => typeof v === 'string');
  return typeof known === 'string' ? t('Set {0}: {1} (no longer in the catalogue)', setId, known) : t('Set {0} (no longer in the catalogue)', setId);
}

/**
 * A readable markdown account of what changed after `since`, one section per endpoint set, each
 * change as a bullet and its effect on the open files (from `impact`) as sub-bullets.
 */
export function renderChangeReport(changes: readonly CatalogChange[], opts: ChangeReportOptions): string {
  const out: string[] = [];
  const instance = opts.current.instance;
  out.push(
    `# ${instance === undefined ? t('Catalogue changes since version {0}', opts.since) : t('Catalogue changes for {0} since version {1}', instance, opts.since)}`,
    '',
  );
  out.push(
    opts.current.capturedOn === undefined
      ? t('Version in use: {0}.', opts.current.version)
      : t('Version in use: {0} (captured {1}).', opts.current.version, opts.current.capturedOn),
  );
  if (changes.length === 0) {
    out.push('', t('No changes since version {0}.', opts.since));
    out.push(...rowSection(opts));
    return out.join('\n') + '\n';
  }
  const bySet = new Map<number, CatalogChange[]>();
  for (const change of changes) {
    const group = bySet.get(change.endpointSetId) ?? [];
    group.push(change);
    bySet.set(change.endpointSetId, group);
  }
  out.push(changes.length === 1 ? t('1 change in 1 endpoint set.') : t('{0} changes in {1} endpoint sets.', changes.length, bySet.size));
  // Records with negative ids are computed from stored snapshots, not sent by the service.
  if (changes.every((c) => c.id < 0)) out.push(t('No change records are stored for this span; the differences are computed from the stored snapshots.'));
  const currentSets = new Map(opts.current.sets.map((s) => [s.id, s]));
  for (const setId of [...bySet.keys()].sort((a, b) => a - b)) {
    const group = bySet.get(setId) ?? [];
    group.sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : a.id - b.id));
    out.push('', `## ${setHeading(setId, currentSets.get(setId), group)}`, '');
    for (const change of group) {
      for (const line of changeLines(change)) out.push(`- ${line}`);
      for (const effect of opts.impact?.(change) ?? []) out.push(`  - ${effect}`);
    }
  }
  out.push(...rowSection(opts));
  return out.join('\n') + '\n';
}

/** The other-endpoints rows: the revision in use, the rule that it changes only with a release, and each row revision since. */
function rowSection(opts: ChangeReportOptions): string[] {
  const rows = opts.rows;
  if (!rows) return [];
  const out = ['', `## ${t('Other endpoints (revision {0}, shipped with Endpoint Lens {1})', rows.revision, rows.release)}`, ''];
  out.push(t('These rows have no feed; they change only when a new release of Endpoint Lens ships them.'));
  if (rows.changes.length === 0) {
    out.push('', t('No row changed after {0}.', rows.since));
    return out;
  }
  out.push('');
  for (const { row, revision } of rows.changes) {
    // A reworded row's phrase already carries its summary.
    const what = revision.summary && !revision.rowAdded && revisionCounts(revision) !== '' ? `${revisionPhrase(revision)}: ${revision.summary}` : revisionPhrase(revision);
    out.push(`- ${t('Row {0} ({1}): {2}', row.row, row.purpose.en, what)}`);
    for (const effect of opts.rowImpact?.(row, revision) ?? []) out.push(`  - ${effect}`);
  }
  return out;
}
