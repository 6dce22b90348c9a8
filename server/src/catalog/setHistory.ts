import { t } from '../l10n';
import { describeSetChange, type SetChange } from './setChanges';
import type { CatalogChange, EndpointSet } from './types';

/** One stored catalogue version, oldest first; the last one is the catalogue in use. */
export interface StoredVersion {
  version: string;
  capturedOn: string;
  versionInferred: boolean;
  sets: readonly EndpointSet[];
}

export interface VersionMark {
  version: string;
  capturedOn: string;
  /** The oldest stored version: the fact may be older still. */
  oldestStored: boolean;
}

/**
 * What the stored versions say about one set id: since when it has had this id, since when its
 * entries are the ones it lists now, what changed on the way, and which of its entries another id
 * held before (ids are stable for sets, not for every entry).
 */
export interface SetTimeline {
  setId: number;
  /** The first version of the unbroken run of versions, up to the one in use, that has this id. */
  idSince?: VersionMark;
  /** The first version of the unbroken run whose addresses and URLs equal the current ones. */
  entriesSince?: VersionMark;
  /** The set was carried over from a capture of another service-area selection (MEM) taken on this date. */
  carriedFrom?: string;
  /** Changes between consecutive stored versions, oldest first. */
  changes: SetChange[];
  /** Entries the set lists now that another set listed in an earlier version. */
  movedIn: Array<{ entry: string; fromSetId: number; version: string }>;
}

function entryKeys(set: EndpointSet): string {
  return [...set.ips, ...set.urls.map((u) => u.toLowerCase())].sort().join(' ');
}

function mark(versions: readonly StoredVersion[], index: number): VersionMark {
  const v = versions[index]!;
  return { version: v.version, capturedOn: v.capturedOn, oldestStored: index === 0 };
}

/**
 * The history of one set id over the stored versions (oldest first, the catalogue in use last),
 * each step named by the change records of its span when there are any.
 */
export function setTimeline(versions: readonly StoredVersion[], setId: number, records: readonly CatalogChange[] = []): SetTimeline {
  const timeline: SetTimeline = { setId, changes: [], movedIn: [] };
  const last = versions.length - 1;
  const current = versions[last]?.sets.find((s) => s.id === setId);
  if (!current) return timeline;
  if (current.capturedOn !== undefined) {
    // Such sets are not compared across versions: the other captures did not ask for their service area.
    timeline.carriedFrom = current.capturedOn;
    timeline.idSince = mark(versions, last);
    timeline.entriesSince = mark(versions, last);
    return timeline;
  }
  const currentKeys = entryKeys(current);
  let idStart = last;
  while (idStart > 0 && versions[idStart - 1]!.sets.some((s) => s.id === setId)) idStart--;
  let entriesStart = last;
  while (entriesStart > idStart && entryKeys(versions[entriesStart - 1]!.sets.find((s) => s.id === setId)!) === currentKeys) entriesStart--;
  timeline.idSince = mark(versions, idStart);
  timeline.entriesSince = mark(versions, entriesStart);
  for (let i = idStart + 1; i <= last; i++) {
    const older = versions[i - 1]!;
    const newer = versions[i]!;
    const change = describeSetChange({
      setId,
      fromVersion: older.version,
      toVersion: newer.version,
      before: older.sets.find((s) => s.id === setId)!,
      beforeKnown: true,
      after: newer.sets,
      records: records.filter((r) => r.version > older.version && r.version <= newer.version),
      pending: new Set(),
    });
    if (change) timeline.changes.push(change);
  }
  const now = new Set([...current.ips, ...current.urls.map((u) => u.toLowerCase())]);
  const seen = new Set<string>();
  for (let i = last - 1; i >= 0; i--) {
    for (const set of versions[i]!.sets) {
      if (set.id === setId) continue;
      for (const entry of [...set.ips, ...set.urls]) {
        const key = entry.toLowerCase();
        if (!now.has(key) || seen.has(key)) continue;
        const ownerThen = versions[i]!.sets.find((s) => s.id === setId);
        if (ownerThen && [...ownerThen.ips, ...ownerThen.urls.map((u) => u.toLowerCase())].includes(key)) continue;
        seen.add(key);
        timeline.movedIn.push({ entry, fromSetId: set.id, version: versions[i + 1]!.version });
      }
    }
  }
  timeline.movedIn.sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : a.entry < b.entry ? -1 : 1));
  return timeline;
}

/** The first version of the unbroken run, up to the one in use, in which the set lists the entry. */
export function entrySince(versions: readonly StoredVersion[], setId: number, entry: string): VersionMark | undefined {
  const key = entry.toLowerCase();
  const has = (v: StoredVersion): boolean => {
    const set = v.sets.find((s) => s.id === setId);
    return set !== undefined && (set.ips.includes(entry) || set.urls.some((u) => u.toLowerCase() === key));
  };
  let index = versions.length - 1;
  if (index < 0 || !has(versions[index]!)) return undefined;
  while (index > 0 && has(versions[index - 1]!)) index--;
  return mark(versions, index);
}

function markText(mark: VersionMark): string {
  return mark.oldestStored ? t('{0} ({1}, the oldest version stored; it may go back further)', mark.version, mark.capturedOn) : `${mark.version} (${mark.capturedOn})`;
}

function countPhrase(sign: string, count: number, one: string, many: string): string[] {
  if (count === 0) return [];
  return [count === 1 ? `${sign}1 ${one}` : `${sign}${count} ${many}`];
}

/** "+1 IP range, −2 URLs, category Allow → Default, UDP ports 3478-3481 → 3478-3481,50000-50059". */
export function setChangePhrase(change: SetChange): string {
  const ranges = t('IP range');
  const rangesMany = t('IP ranges');
  const url = t('URL');
  const urls = t('URLs');
  const parts = [
    ...countPhrase('+', change.addedIps.length, ranges, rangesMany),
    ...countPhrase('−', change.removedIps.length, ranges, rangesMany),
    ...countPhrase('+', change.addedUrls.length, url, urls),
    ...countPhrase('−', change.removedUrls.length, url, urls),
  ];
  if (change.category) parts.push(t('category {0} → {1}', change.category.before, change.category.after));
  if (change.tcpPorts) parts.push(t('TCP ports {0} → {1}', change.tcpPorts.before || '—', change.tcpPorts.after || '—'));
  if (change.udpPorts) parts.push(t('UDP ports {0} → {1}', change.udpPorts.before || '—', change.udpPorts.after || '—'));
  if (change.setRemoved) parts.push(t('set removed'));
  return parts.join(', ');
}

/** The answer to "since which version has this set had this id and these entries", as lines. */
export function setTimelineLines(timeline: SetTimeline, entries: ReadonlyArray<{ entry: string; since?: VersionMark }> = []): string[] {
  const id = timeline.setId;
  if (timeline.carriedFrom !== undefined) {
    return [t('Set {0} comes from the {1} capture of its service area, which a default request leaves out; no earlier version of it is stored.', id, timeline.carriedFrom)];
  }
  if (!timeline.idSince || !timeline.entriesSince) return [t('Set {0} is not in the catalogue in use.', id)];
  const lines = [t('Set {0} has had this id since version {1}.', id, markText(timeline.idSince)), t('Its addresses and URLs are the current ones since version {0}.', markText(timeline.entriesSince))];
  for (const change of timeline.changes) {
    lines.push(change.impacts.length > 0 ? t('Version {0}: {1} ({2}).', change.toVersion, setChangePhrase(change), change.impacts.join(', ')) : t('Version {0}: {1}.', change.toVersion, setChangePhrase(change)));
  }
  for (const moved of timeline.movedIn) lines.push(t('{0} came from set {1} in version {2}.', moved.entry, moved.fromSetId, moved.version));
  for (const { entry, since } of entries) if (since) lines.push(t('{0} is in set {1} since version {2}.', entry, id, markText(since)));
  return lines;
}
