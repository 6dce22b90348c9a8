import { join } from 'node:path';
import { cidrToInterval, intervalsOverlap, overlapTest, parseCidr, unmapIpv4, type IpInterval } from '../model/address';
import { packageRoot } from '../paths';
import { readJsonFile } from '../fileAccess';
import { Catalog } from './index';
import { historyFromJson, loadCatalog } from './load';
import { describeSetChange, type SetChange } from './setChanges';
import { entrySince, setTimeline, type SetTimeline, type StoredVersion, type VersionMark } from './setHistory';
import { normaliseHost, patternCoversPattern } from './urlPattern';
import type { CatalogChange, CatalogHistory, CatalogSnapshot, EndpointSet, InstanceId, OtherEndpointsFile } from './types';

/** Stored versions are indexed for their sets alone; other-endpoints rows have revisions of their own. */
const NO_ROWS: OtherEndpointsFile = { format: 1, revision: '', release: '', rows: [] };

/** The UTC date of a moment, as yyyy-mm-dd. */
export function isoDay(moment: Date): string {
  return moment.toISOString().slice(0, 10);
}

/** A change record that only adds entries whose effective date is after `asOf`: nothing has happened yet. */
function onlyAnnounces(change: CatalogChange, asOf: string): boolean {
  const date = change.add?.effectiveDate === undefined ? undefined : normaliseEffectiveDate(change.add.effectiveDate);
  return date !== undefined && date > asOf && !change.remove && !change.previous && !change.current;
}

/** The day a yyyymmddnn version was published on, or a yyyy-mm-dd day as it is. */
export function dayOfVersion(version: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})\d{2}$/.exec(version);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : version;
}

/** Whole days from one yyyy-mm-dd day to a later one (negative when it is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStoredChange(value: unknown): value is CatalogChange {
  return (
    isRecord(value) &&
    typeof value.id === 'number' &&
    typeof value.endpointSetId === 'number' &&
    typeof value.version === 'string' &&
    (value.disposition === 'Change' || value.disposition === 'Add' || value.disposition === 'Remove')
  );
}

export interface CurrentSnapshot {
  snapshot: CatalogSnapshot;
  source: 'cache' | 'shipped';
}

/**
 * The catalogue in use for an instance, chosen exactly as the language server chooses it (the
 * cache's when valid and not older than the shipped one; a pinned version when asked for and
 * stored). Undefined when not even the shipped catalogue can be read.
 */
export function readCurrentSnapshot(instance: InstanceId, cacheDir: string | undefined, pinnedVersion?: string): CurrentSnapshot | undefined {
  try {
    const loaded = loadCatalog({ instance, ...(cacheDir === undefined ? {} : { cacheDir }), ...(pinnedVersion ? { pinnedVersion } : {}) });
    const { catalog } = loaded;
    return {
      snapshot: { format: 1, instance, version: catalog.version, capturedOn: catalog.capturedOn, versionInferred: catalog.versionInferred, sets: [...catalog.sets] },
      source: loaded.source,
    };
  } catch {
    return undefined;
  }
}

/**
 * A history file, or undefined when it is missing, unreadable, for another instance or damaged.
 * Change records that lack the fields the index relies on are left out rather than trusted.
 */
export function readHistoryFile(path: string, instance: InstanceId): CatalogHistory | undefined {
  const read = readJsonFile(path);
  if (!read.ok) return undefined;
  const checked = historyFromJson(read.value, instance);
  if (!checked.ok) return undefined;
  const changes: unknown[] = checked.value.changes;
  return { ...checked.value, changes: changes.filter(isStoredChange) };
}

export function shippedHistoryPath(instance: InstanceId): string {
  return join(packageRoot(), 'catalog', 'history', `${instance.toLowerCase()}.json`);
}

export function cacheHistoryPath(cacheDir: string, instance: InstanceId): string {
  return join(cacheDir, 'history', `${instance.toLowerCase()}.json`);
}

/** The history that ships with the extension; an empty one for instances without a file. */
export function readShippedHistory(instance: InstanceId): CatalogHistory {
  return readHistoryFile(shippedHistoryPath(instance), instance) ?? { format: 1, instance, versions: [], changes: [] };
}

export function readCacheHistory(instance: InstanceId, cacheDir: string): CatalogHistory | undefined {
  return readHistoryFile(cacheHistoryPath(cacheDir, instance), instance);
}

/**
 * Record the catalogue being replaced and the change records that lead away from it. A version
 * already present is not stored twice, nor is a change record id.
 */
export function appendToHistory(history: CatalogHistory, replaced: CatalogSnapshot | undefined, changes: readonly CatalogChange[]): void {
  if (replaced && !history.versions.some((v) => v.version === replaced.version)) {
    history.versions.push({ version: replaced.version, capturedOn: replaced.capturedOn, versionInferred: replaced.versionInferred, sets: replaced.sets });
    history.versions.sort((a, b) => compareVersions(a.version, b.version));
  }
  const known = new Set(history.changes.map((c) => c.id));
  for (const change of changes) {
    if (known.has(change.id)) continue;
    known.add(change.id);
    history.changes.push(change);
  }
  history.changes.sort((a, b) => compareVersions(a.version, b.version) || a.id - b.id);
}

/** Versions are yyyymmddnn strings, so text order is time order. */
function compareVersions(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Shipped history merged with the cache's: versions by version string, change records by id. */
export function mergeHistories(instance: InstanceId, histories: ReadonlyArray<CatalogHistory | undefined>): CatalogHistory {
  const merged: CatalogHistory = { format: 1, instance, versions: [], changes: [] };
  for (const history of histories) {
    if (!history) continue;
    for (const version of history.versions) {
      if (!merged.versions.some((v) => v.version === version.version)) merged.versions.push(version);
    }
    appendToHistory(merged, undefined, history.changes);
  }
  merged.versions.sort((a, b) => compareVersions(a.version, b.version));
  return merged;
}

export interface RemovedEntry {
  kind: 'ip' | 'url';
  /** The catalogue's entry as it was written (a CIDR or a URL pattern). */
  entry: string;
  setId: number;
  serviceArea?: string;
  /** The newest known version that still listed the entry; absent when only a change record tells of it. */
  lastSeenVersion?: string;
  lastSeenCapturedOn?: string;
  /** The version that no longer lists it (from a change record, or the next known snapshot). */
  removedInVersion?: string;
  /** What to use instead: the change records' additions to the same set, else the set's current entries of the same kind. */
  replacements: string[];
  replacementSource: 'change-records' | 'current-set' | 'none';
  /** For IP entries. */
  interval?: IpInterval;
}

export interface PendingAddition {
  changeId: number;
  setId: number;
  version: string;
  /** ISO date (yyyy-mm-dd) from which the service says the addresses are in use. */
  effectiveDate: string;
  ips: string[];
  urls: string[];
}

/** The service writes effectiveDate as yyyymmdd; ISO forms are accepted too. Undefined when unreadable. */
export function normaliseEffectiveDate(text: string): string | undefined {
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}`;
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(text);
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  return undefined;
}

/**
 * Everything known about one instance's catalogue over time: the catalogue in use (cache, else
 * shipped) and the earlier versions and change records (shipped history plus the cache's).
 */
export class CatalogHistoryIndex {
  private removedCache: RemovedEntry[] | undefined;
  private datedCache: PendingAddition[] | undefined;
  private readonly catalogs = new Map<string, Catalog>();
  private storedCache: StoredVersion[] | undefined;
  private readonly namingCache = new Map<string, { version: string; setIds: number[] } | undefined>();
  private everListedCache?: (interval: IpInterval) => boolean;

  constructor(
    readonly current: CatalogSnapshot,
    readonly history: CatalogHistory,
  ) {}

  /**
   * The catalogue in use (cache, else shipped, or the pinned version) and the history before it:
   * shipped and cached histories merged, without versions or change records newer than the
   * catalogue in use, so a pinned workspace is not told about removals it has not reached.
   */
  static load(instance: InstanceId, cacheDir?: string, pinnedVersion?: string): CatalogHistoryIndex {
    const current = readCurrentSnapshot(instance, cacheDir, pinnedVersion);
    if (!current) throw new Error(`endpoint-lens: no catalogue for ${instance} is installed`);
    const merged = mergeHistories(instance, [readShippedHistory(instance), cacheDir === undefined ? undefined : readCacheHistory(instance, cacheDir)]);
    const version = current.snapshot.version;
    const history: CatalogHistory = {
      ...merged,
      versions: merged.versions.filter((v) => v.version < version),
      changes: merged.changes.filter((c) => c.version <= version),
    };
    return new CatalogHistoryIndex(current.snapshot, history);
  }

  /** Removed IP entries that overlap the interval, newest removal first. */
  findRemovedAddress(interval: IpInterval): RemovedEntry[] {
    return this.removed().filter((r) => r.interval !== undefined && intervalsOverlap(r.interval, interval));
  }

  /** Removed URL patterns that equal the given host or pattern, or that cover it (Microsoft's wildcard rules). */
  findRemovedUrl(host: string): RemovedEntry[] {
    const name = normaliseHost(host);
    return this.removed().filter((r) => r.kind === 'url' && (normaliseHost(r.entry) === name || patternCoversPattern(r.entry, name)));
  }

  /** Every addition the change records give an effective date, soonest first. */
  datedAdditions(): PendingAddition[] {
    if (this.datedCache) return this.datedCache;
    const out: PendingAddition[] = [];
    for (const change of this.history.changes) {
      const raw = change.add?.effectiveDate;
      if (raw === undefined) continue;
      const effectiveDate = normaliseEffectiveDate(raw);
      if (effectiveDate === undefined) continue;
      out.push({
        changeId: change.id,
        setId: change.endpointSetId,
        version: change.version,
        effectiveDate,
        ips: change.add?.ips ?? [],
        urls: change.add?.urls ?? [],
      });
    }
    this.datedCache = out.sort((a, b) => (a.effectiveDate < b.effectiveDate ? -1 : a.effectiveDate > b.effectiveDate ? 1 : a.changeId - b.changeId));
    return this.datedCache;
  }

  /** Additions whose effectiveDate lies after `asOf` (an ISO date, or a moment whose UTC date counts), soonest first. */
  pendingAdditions(asOf: string | Date): PendingAddition[] {
    const day = typeof asOf === 'string' ? asOf : isoDay(asOf);
    return this.datedAdditions().filter((a) => a.effectiveDate > day);
  }

  /** Every stored version, oldest first, ending with the catalogue in use. */
  storedVersions(): StoredVersion[] {
    return (this.storedCache ??= [
      ...this.history.versions.map((v) => ({ version: v.version, capturedOn: v.capturedOn, versionInferred: v.versionInferred ?? true, sets: v.sets })),
      { version: this.current.version, capturedOn: this.current.capturedOn, versionInferred: this.current.versionInferred, sets: this.current.sets },
    ]);
  }

  /** Whether an interval meets an address some stored version lists. */
  private everListed(): (interval: IpInterval) => boolean {
    if (this.everListedCache) return this.everListedCache;
    const written = new Set(this.storedVersions().flatMap((v) => v.sets.flatMap((set) => set.ips)));
    const intervals: IpInterval[] = [];
    for (const ip of written) {
      const cidr = parseCidr(ip);
      if (cidr.ok) intervals.push(cidrToInterval(cidr.value));
    }
    return (this.everListedCache = overlapTest(intervals));
  }

  /** The catalogue of a stored version, indexed; undefined for a version that is not stored. */
  catalogAt(version: string): Catalog | undefined {
    let catalog = this.catalogs.get(version);
    if (catalog) return catalog;
    const stored = this.storedVersions().find((v) => v.version === version);
    if (!stored) return undefined;
    catalog = new Catalog({ format: 1, instance: this.current.instance, version: stored.version, capturedOn: stored.capturedOn, versionInferred: stored.versionInferred, sets: [...stored.sets] }, NO_ROWS);
    this.catalogs.set(version, catalog);
    return catalog;
  }

  /**
   * The oldest stored version (not before `notBefore`, when given) in which a set lists the
   * addresses (equal to or around them) or the host (equal or matching), with those sets: the
   * version a rule naming them was written against at the latest. Undefined when none does.
   */
  firstNamingVersion(query: { interval: IpInterval } | { host: string }, notBefore?: string): { version: string; setIds: number[] } | undefined {
    const key = `${'interval' in query ? `${query.interval.family}:${query.interval.first}-${query.interval.last}` : normaliseHost(query.host)}|${notBefore ?? ''}`;
    if (this.namingCache.has(key)) return this.namingCache.get(key);
    // Most of a large file's addresses were never Microsoft's: one search instead of one per version.
    if ('interval' in query && !this.everListed()(unmapIpv4(query.interval) ?? query.interval)) return undefined;
    let found: { version: string; setIds: number[] } | undefined;
    for (const stored of this.storedVersions()) {
      if (notBefore !== undefined && stored.version < notBefore) continue;
      const catalog = this.catalogAt(stored.version);
      if (!catalog) continue;
      const matches = 'interval' in query ? catalog.lookupAddress(query.interval).filter((m) => m.relation === 'equal' || m.relation === 'contains') : catalog.lookupHost(query.host);
      const setIds = [...new Set(matches.flatMap((m) => (m.id === undefined ? [] : [m.id])))];
      if (setIds.length > 0) {
        found = { version: stored.version, setIds };
        break;
      }
    }
    this.namingCache.set(key, found);
    return found;
  }

  /**
   * What happened to a set after `version` up to the catalogue in use, as of a day: additions
   * still ahead of their effective date are not counted as changes yet.
   */
  setChangeSince(setId: number, version: string, asOf: string): SetChange | undefined {
    if (version >= this.current.version) return undefined;
    const stored = this.storedVersions().find((v) => v.version === version);
    const before = stored?.sets.find((s) => s.id === setId);
    const pending = new Set(
      this.pendingAdditions(asOf)
        .filter((a) => a.setId === setId)
        .flatMap((a) => [...a.ips, ...a.urls].map((e) => e.toLowerCase())),
    );
    return describeSetChange({
      setId,
      fromVersion: version,
      toVersion: this.current.version,
      ...(before ? { before } : {}),
      beforeKnown: stored !== undefined,
      after: this.current.sets,
      records: this.history.changes.filter((c) => c.version > version && c.version <= this.current.version && !onlyAnnounces(c, asOf)),
      pending,
    });
  }

  /** Since when the set has had its id and its entries, and what changed on the way. */
  setTimeline(setId: number): SetTimeline {
    return setTimeline(this.storedVersions(), setId, this.history.changes);
  }

  /** Since which stored version the set lists the entry without a break. */
  entrySince(setId: number, entry: string): VersionMark | undefined {
    return entrySince(this.storedVersions(), setId, entry);
  }

  /**
   * What changed after `version` up to the current catalogue: the service's change records when
   * any are known for that span; otherwise a set-level diff of the stored snapshot of that
   * version (or the newest one before it) against the current catalogue, as records with negative
   * ids. Empty when the version is the current one or nothing older is stored.
   */
  changesSince(version: string): CatalogChange[] {
    if (version >= this.current.version) return [];
    const records = this.history.changes.filter((c) => c.version > version && c.version <= this.current.version);
    if (records.length > 0) return records;
    const older = [...this.history.versions].reverse().find((v) => v.version <= version);
    if (!older) return [];
    return diffSnapshots(older.sets, this.current.sets, this.current.version);
  }

  /** Every removed entry, computed once. */
  private removed(): RemovedEntry[] {
    if (this.removedCache) return this.removedCache;
    const currentIps = new Set<string>();
    const currentUrls = new Set<string>();
    const currentSets = new Map<number, EndpointSet>();
    for (const set of this.current.sets) {
      currentSets.set(set.id, set);
      for (const ip of set.ips) currentIps.add(ip);
      for (const url of set.urls) currentUrls.add(url.toLowerCase());
    }
    const versionsNewestFirst = [...this.history.versions].sort((a, b) => compareVersions(b.version, a.version));
    const allVersions = [...this.history.versions.map((v) => v.version), this.current.version].sort(compareVersions);
    const byKey = new Map<string, RemovedEntry>();
    const key = (kind: string, setId: number, entry: string): string => `${kind}|${setId}|${entry.toLowerCase()}`;

    const replacementsFor = (kind: 'ip' | 'url', setId: number, entry: string, removedIn: string | undefined): Pick<RemovedEntry, 'replacements' | 'replacementSource'> => {
      const family = kind === 'ip' ? cidrFamily(entry) : undefined;
      const sameKind = (list: readonly string[]): string[] => (kind === 'ip' ? list.filter((ip) => cidrFamily(ip) === family) : [...list]);
      const added = this.history.changes
        .filter((c) => c.endpointSetId === setId && (removedIn === undefined || c.version === removedIn))
        .flatMap((c) => sameKind(kind === 'ip' ? (c.add?.ips ?? []) : (c.add?.urls ?? [])));
      if (added.length > 0) return { replacements: [...new Set(added)], replacementSource: 'change-records' };
      const set = currentSets.get(setId);
      const now = set ? sameKind(kind === 'ip' ? set.ips : set.urls) : [];
      return now.length > 0 ? { replacements: now, replacementSource: 'current-set' } : { replacements: [], replacementSource: 'none' };
    };

    const record = (kind: 'ip' | 'url', set: { id: number; serviceArea?: string }, entry: string, seen: { version: string; capturedOn: string } | undefined, removedIn: string | undefined): void => {
      const k = key(kind, set.id, entry);
      if (byKey.has(k)) return;
      const removed: RemovedEntry = { kind, entry, setId: set.id, ...replacementsFor(kind, set.id, entry, removedIn) };
      if (set.serviceArea !== undefined) removed.serviceArea = set.serviceArea;
      if (seen) {
        removed.lastSeenVersion = seen.version;
        removed.lastSeenCapturedOn = seen.capturedOn;
      }
      if (removedIn !== undefined) removed.removedInVersion = removedIn;
      if (kind === 'ip') {
        const parsed = parseCidr(entry);
        if (parsed.ok) removed.interval = cidrToInterval(parsed.value);
      }
      byKey.set(k, removed);
    };

    // Change records say exactly in which version an entry went.
    const removalRecords = [...this.history.changes].filter((c) => c.remove).sort((a, b) => compareVersions(b.version, a.version));
    const removedInByKey = new Map<string, string>();
    for (const change of removalRecords) {
      for (const ip of change.remove?.ips ?? []) if (!removedInByKey.has(key('ip', change.endpointSetId, ip))) removedInByKey.set(key('ip', change.endpointSetId, ip), change.version);
      for (const url of change.remove?.urls ?? []) if (!removedInByKey.has(key('url', change.endpointSetId, url))) removedInByKey.set(key('url', change.endpointSetId, url), change.version);
    }

    for (const version of versionsNewestFirst) {
      const next = allVersions.find((v) => v > version.version);
      for (const set of version.sets) {
        for (const ip of set.ips) {
          if (!currentIps.has(ip)) record('ip', set, ip, version, removedInByKey.get(key('ip', set.id, ip)) ?? next);
        }
        for (const url of set.urls) {
          if (!currentUrls.has(url.toLowerCase())) record('url', set, url, version, removedInByKey.get(key('url', set.id, url)) ?? next);
        }
      }
    }
    for (const change of removalRecords) {
      const set = { id: change.endpointSetId };
      for (const ip of change.remove?.ips ?? []) if (!currentIps.has(ip)) record('ip', set, ip, undefined, change.version);
      for (const url of change.remove?.urls ?? []) if (!currentUrls.has(url.toLowerCase())) record('url', set, url, undefined, change.version);
    }
    this.removedCache = [...byKey.values()].sort((a, b) => compareVersions(b.removedInVersion ?? '', a.removedInVersion ?? '') || a.setId - b.setId);
    return this.removedCache;
  }
}

function cidrFamily(text: string): 4 | 6 | undefined {
  const parsed = parseCidr(text);
  return parsed.ok ? parsed.value.family : undefined;
}

const COMPARED_FIELDS = ['serviceArea', 'category', 'required', 'tcpPortsText', 'udpPortsText', 'expressRoute', 'notes'] as const;

function setSummary(set: EndpointSet): Record<string, unknown> {
  return {
    serviceArea: set.serviceArea,
    category: set.category,
    required: set.required,
    tcpPorts: set.tcpPortsText,
    udpPorts: set.udpPortsText,
    expressRoute: set.expressRoute,
  };
}

/**
 * Set-level differences between two snapshots as change records (negative ids, version = the
 * newer snapshot's). Sets carried over from another capture (`capturedOn`, the MEM sets) are only
 * compared when both sides have them, so a request that did or did not ask for MEM does not
 * read as MEM sets added or removed.
 */
export function diffSnapshots(before: readonly EndpointSet[], after: readonly EndpointSet[], version: string): CatalogChange[] {
  const out: CatalogChange[] = [];
  let nextSyntheticId = -1;
  const old = new Map(before.map((s) => [s.id, s]));
  const now = new Map(after.map((s) => [s.id, s]));
  const ids = [...new Set([...old.keys(), ...now.keys()])].sort((a, b) => a - b);
  for (const id of ids) {
    const a = old.get(id);
    const b = now.get(id);
    if (a && !b) {
      if (a.capturedOn !== undefined) continue;
      out.push({ id: nextSyntheticId--, endpointSetId: id, disposition: 'Remove', version, previous: setSummary(a), remove: { ips: a.ips, urls: a.urls } });
    } else if (b && !a) {
      if (b.capturedOn !== undefined) continue;
      out.push({ id: nextSyntheticId--, endpointSetId: id, disposition: 'Add', version, current: setSummary(b), add: { ips: b.ips, urls: b.urls } });
    } else if (a && b) {
      const addedIps = b.ips.filter((ip) => !a.ips.includes(ip));
      const removedIps = a.ips.filter((ip) => !b.ips.includes(ip));
      const lowerA = new Set(a.urls.map((u) => u.toLowerCase()));
      const lowerB = new Set(b.urls.map((u) => u.toLowerCase()));
      const addedUrls = b.urls.filter((u) => !lowerA.has(u.toLowerCase()));
      const removedUrls = a.urls.filter((u) => !lowerB.has(u.toLowerCase()));
      const previous: Record<string, unknown> = {};
      const current: Record<string, unknown> = {};
      for (const field of COMPARED_FIELDS) {
        if (a[field] !== b[field]) {
          const name = field === 'tcpPortsText' ? 'tcpPorts' : field === 'udpPortsText' ? 'udpPorts' : field;
          previous[name] = a[field];
          current[name] = b[field];
        }
      }
      const fieldsChanged = Object.keys(previous).length > 0;
      if (addedIps.length + removedIps.length + addedUrls.length + removedUrls.length === 0 && !fieldsChanged) continue;
      const change: CatalogChange = { id: nextSyntheticId--, endpointSetId: id, disposition: 'Change', version };
      if (fieldsChanged) {
        change.previous = previous;
        change.current = current;
      }
      if (addedIps.length + addedUrls.length > 0) change.add = { ips: addedIps, urls: addedUrls };
      if (removedIps.length + removedUrls.length > 0) change.remove = { ips: removedIps, urls: removedUrls };
      out.push(change);
    }
  }
  return out;
}
