import type { CatalogHistoryIndex } from '../catalog/history';
import { dayOfVersion } from '../catalog/history';
import { renderChangeReport, type RowChanges } from '../catalog/report';
import { revisionsAfter } from '../catalog/rowRevisions';
import type { CatalogChange, EndpointSet, OtherEndpointRevision, OtherEndpointRow } from '../catalog/types';
import { rowRevisionEffects, webServiceChangeEffects, type ImpactFile } from './changeImpact';

export interface ChangesInput {
  current: { instance: string; version: string; capturedOn: string; sets: readonly EndpointSet[]; otherRows: readonly OtherEndpointRow[] };
  history?: Pick<CatalogHistoryIndex, 'changesSince' | 'history'>;
  /** The other-endpoints dataset in use. */
  otherEndpoints: { revision: string; release: string };
  /** A catalogue version (yyyymmddnn) or a day (yyyy-mm-dd): what changed after it is listed. */
  since: string;
  files: readonly ImpactFile[];
}

/** Web-service changes and other-endpoints row revisions after a point, each with its effect on the files. */
export interface ChangeListing {
  since: string;
  webService: Array<{ change: CatalogChange; effects: string[] }>;
  rows: RowChanges;
  rowEffects: Array<{ row: OtherEndpointRow; revision: OtherEndpointRevision; effects: string[] }>;
}

/** A day's first version, so a day and a version can both start a listing. */
function asVersion(since: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(since) ? `${since.replaceAll('-', '')}00` : since;
}

export function listChanges(input: ChangesInput): ChangeListing {
  const asked = asVersion(input.since);
  // Nothing is known before the oldest stored version; the listing starts there and says so.
  const oldest = input.history?.history.versions[0]?.version;
  const since = oldest !== undefined && asked < oldest ? oldest : asked;
  const webService = (input.history?.changesSince(since) ?? []).map((change) => ({ change, effects: webServiceChangeEffects(change, input.files) }));
  const day = dayOfVersion(asked);
  const changes = revisionsAfter(input.current.otherRows, day);
  return {
    since,
    webService,
    rows: { revision: input.otherEndpoints.revision, release: input.otherEndpoints.release, since: day, changes },
    rowEffects: changes.map(({ row, revision }) => ({ row, revision, effects: rowRevisionEffects(row, revision, input.files) })),
  };
}

/** The markdown report of "Show catalogue version and changes" and `endpoint-lens changes`. */
export function changesMarkdown(input: ChangesInput, listing: ChangeListing = listChanges(input)): string {
  const effectsOf = new Map(listing.webService.map((w) => [w.change, w.effects]));
  const rowEffectsOf = new Map(listing.rowEffects.map((r) => [r.revision, r.effects]));
  return renderChangeReport(
    listing.webService.map((w) => w.change),
    {
      since: listing.since,
      current: input.current,
      impact: (change) => effectsOf.get(change) ?? [],
      rows: listing.rows,
      rowImpact: (_row, revision) => rowEffectsOf.get(revision) ?? [],
    },
  );
}
