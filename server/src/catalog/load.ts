import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { t } from '../l10n';
import { readJsonFile } from '../fileAccess';
import { packageRoot } from '../paths';
import { Catalog } from './index';
import { fromWebServiceJson } from './webService';
import { type CatalogHistory, type CatalogSnapshot, type EndpointSet, type InstanceId, type OtherEndpointsFile } from './types';

export interface LoadCatalogOptions {
  instance: InstanceId;
  /** The update client's folder: `<cacheDir>/<instance>.json` and `<cacheDir>/history/<instance>.json`. */
  cacheDir?: string;
  /** A version (yyyymmddnn) to use instead of the newest, found in the snapshots or their history. */
  pinnedVersion?: string;
  /** The shipped catalogue folder; defaults to catalog/ in the package. */
  catalogDir?: string;
}

export interface LoadedCatalog {
  catalog: Catalog;
  source: 'shipped' | 'cache';
  warning?: string;
}

type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const ALIASES: Record<string, InstanceId> = {
  worldwide: 'Worldwide',
  usgovdod: 'USGovDoD',
  dod: 'USGovDoD',
  usgovgcchigh: 'USGovGCCHigh',
  gcchigh: 'USGovGCCHigh',
  china: 'China',
};

/** `worldwide`, `USGovDoD`, `dod`, `GCCHigh`, `gcc-high`… to the instance id, or undefined. */
export function instanceFromString(text: string): InstanceId | undefined {
  return ALIASES[text.trim().toLowerCase().replace(/[\s_-]/g, '')];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const VERSION = /^\d{10}$/;

/** Stored sets back in the web service's shape, so one validator checks both. */
function checkSets(raw: unknown): Checked<EndpointSet[]> {
  if (!Array.isArray(raw)) return { ok: false, reason: t('"sets" is not a list.') };
  const asService: unknown[] = [];
  const capturedOn: Array<string | undefined> = [];
  for (const item of raw) {
    if (!isRecord(item)) return { ok: false, reason: t('An endpoint set is not an object.') };
    // The parsed port ranges are derived data; they are rebuilt from the text the service wrote.
    const rest: Record<string, unknown> = { ...item };
    const { tcpPortsText, udpPortsText, capturedOn: captured } = item;
    delete rest.tcpPortsText;
    delete rest.udpPortsText;
    delete rest.tcpPorts;
    delete rest.udpPorts;
    delete rest.capturedOn;
    if (captured !== undefined && (typeof captured !== 'string' || !DATE.test(captured))) {
      return { ok: false, reason: t('An endpoint set has an invalid capture date.') };
    }
    if (typeof tcpPortsText !== 'string' || typeof udpPortsText !== 'string') {
      return { ok: false, reason: t('An endpoint set has no port text.') };
    }
    asService.push({ ...rest, ...(tcpPortsText ? { tcpPorts: tcpPortsText } : {}), ...(udpPortsText ? { udpPorts: udpPortsText } : {}) });
    capturedOn.push(captured);
  }
  const parsed = fromWebServiceJson(asService);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  parsed.sets.forEach((set, i) => {
    const date = capturedOn[i];
    if (date !== undefined) set.capturedOn = date;
  });
  return { ok: true, value: parsed.sets };
}

/** Validate a catalogue file (shipped or cached) of the expected instance. */
export function snapshotFromJson(raw: unknown, instance: InstanceId): Checked<CatalogSnapshot> {
  if (!isRecord(raw) || raw.format !== 1) return { ok: false, reason: t('Not a catalogue file of format 1.') };
  if (raw.instance !== instance) return { ok: false, reason: t('The file is for instance {0}, not {1}.', String(raw.instance), instance) };
  if (typeof raw.version !== 'string' || !VERSION.test(raw.version)) return { ok: false, reason: t('The catalogue version is missing or malformed.') };
  if (typeof raw.capturedOn !== 'string' || !DATE.test(raw.capturedOn)) return { ok: false, reason: t('The capture date is missing or malformed.') };
  if (typeof raw.versionInferred !== 'boolean') return { ok: false, reason: t('The catalogue does not say whether its version is inferred.') };
  const sets = checkSets(raw.sets);
  if (!sets.ok) return sets;
  return { ok: true, value: { format: 1, instance, version: raw.version, capturedOn: raw.capturedOn, versionInferred: raw.versionInferred, sets: sets.value } };
}

export function historyFromJson(raw: unknown, instance: InstanceId): Checked<CatalogHistory> {
  if (!isRecord(raw) || raw.format !== 1 || raw.instance !== instance || !Array.isArray(raw.versions) || !Array.isArray(raw.changes)) {
    return { ok: false, reason: t('Not a catalogue history file of format 1 for {0}.', instance) };
  }
  const versions: CatalogHistory['versions'] = [];
  for (const v of raw.versions as unknown[]) {
    if (!isRecord(v) || typeof v.version !== 'string' || !VERSION.test(v.version) || typeof v.capturedOn !== 'string' || !DATE.test(v.capturedOn)) {
      return { ok: false, reason: t('A version in the catalogue history is malformed.') };
    }
    const sets = checkSets(v.sets);
    if (!sets.ok) return sets;
    versions.push({ version: v.version, capturedOn: v.capturedOn, versionInferred: v.versionInferred === true, sets: sets.value });
  }
  // Change records are the service's own and only read by the diff view, which checks what it uses.
  return { ok: true, value: { format: 1, instance, versions, changes: raw.changes as CatalogHistory['changes'] } };
}

/** Parsed files by path, reread only when the file changes, so loading again is cheap. */
const fileCache = new Map<string, { stamp: string; value: unknown }>();

function readJson(path: string): Checked<unknown> {
  let stamp: string;
  try {
    const stat = statSync(path);
    stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  } catch {
    return { ok: false, reason: t('{0} does not exist.', path) };
  }
  const cached = fileCache.get(path);
  if (cached && cached.stamp === stamp) return { ok: true, value: cached.value };
  // Only a regular file is read, so a FIFO or device where a catalogue belongs cannot hang a command.
  const read = readJsonFile(path);
  if (!read.ok) return { ok: false, reason: read.message };
  fileCache.set(path, { stamp: `${read.stamp.mtimeMs}:${read.stamp.size}:${read.stamp.ino}`, value: read.value });
  return { ok: true, value: read.value };
}

function shippedDir(options: { catalogDir?: string }): string {
  return options.catalogDir ?? join(packageRoot(), 'catalog');
}

function loadShippedSnapshot(dir: string, instance: InstanceId): CatalogSnapshot {
  const path = join(dir, `${instance.toLowerCase()}.json`);
  const raw = readJson(path);
  const checked = raw.ok ? snapshotFromJson(raw.value, instance) : raw;
  // The shipped files are part of the package; a broken one is a packaging fault, not user data.
  if (!checked.ok) throw new Error(`endpoint-lens: shipped catalogue ${path} is unusable: ${checked.reason}`);
  return checked.value;
}

function loadHistory(dir: string, instance: InstanceId): CatalogHistory | undefined {
  const path = join(dir, 'history', `${instance.toLowerCase()}.json`);
  if (!existsSync(path)) return undefined;
  const raw = readJson(path);
  const checked = raw.ok ? historyFromJson(raw.value, instance) : raw;
  return checked.ok ? checked.value : undefined;
}

let otherEndpointsCache: { dir: string; file: OtherEndpointsFile } | undefined;

/** catalog/other-endpoints.json of the package (or of `catalogDir`). */
export function loadOtherEndpoints(catalogDir?: string): OtherEndpointsFile {
  const dir = shippedDir({ catalogDir });
  if (otherEndpointsCache?.dir === dir) return otherEndpointsCache.file;
  const path = join(dir, 'other-endpoints.json');
  const raw = readJson(path);
  if (!raw.ok || !isRecord(raw.value) || raw.value.format !== 1 || !Array.isArray(raw.value.rows)) {
    throw new Error(`endpoint-lens: shipped file ${path} is unusable`);
  }
  const file = raw.value as unknown as OtherEndpointsFile;
  otherEndpointsCache = { dir, file };
  return file;
}

/**
 * The catalogue of one instance: the update client's cached snapshot when it is valid and not older
 * than the shipped one, otherwise the shipped snapshot. A cache that cannot be used gives a warning,
 * never an exception. With `pinnedVersion`, that version from the snapshots or their history.
 */
export function loadCatalog(options: LoadCatalogOptions): LoadedCatalog {
  const { instance, cacheDir, pinnedVersion } = options;
  const dir = shippedDir(options);
  const other = loadOtherEndpoints(options.catalogDir);
  const shipped = loadShippedSnapshot(dir, instance);
  const warnings: string[] = [];

  let cached: CatalogSnapshot | undefined;
  if (cacheDir !== undefined) {
    const path = join(cacheDir, `${instance.toLowerCase()}.json`);
    if (existsSync(path)) {
      const raw = readJson(path);
      const checked = raw.ok ? snapshotFromJson(raw.value, instance) : raw;
      if (checked.ok) cached = checked.value;
      else warnings.push(t('The downloaded catalogue {0} is unusable ({1}); using the catalogue shipped with the extension.', path, checked.reason));
    }
  }
  const useCache = cached !== undefined && cached.version >= shipped.version;
  let snapshot = useCache ? cached! : shipped;
  let source: LoadedCatalog['source'] = useCache ? 'cache' : 'shipped';

  if (pinnedVersion !== undefined && pinnedVersion !== snapshot.version) {
    const pinned = findVersion(pinnedVersion, instance, [
      { snapshot: cached, history: cacheDir === undefined ? undefined : loadHistory(cacheDir, instance), source: 'cache' },
      { snapshot: shipped, history: loadHistory(dir, instance), source: 'shipped' },
    ]);
    if (pinned) {
      snapshot = pinned.snapshot;
      source = pinned.source;
    } else {
      warnings.push(t('Catalogue version {0} of {1} is not available; using version {2}.', pinnedVersion, instance, snapshot.version));
    }
  }
  const result: LoadedCatalog = { catalog: new Catalog(snapshot, other), source };
  if (warnings.length > 0) result.warning = warnings.join(' ');
  return result;
}

function findVersion(
  version: string,
  instance: InstanceId,
  places: Array<{ snapshot?: CatalogSnapshot; history?: CatalogHistory; source: LoadedCatalog['source'] }>,
): { snapshot: CatalogSnapshot; source: LoadedCatalog['source'] } | undefined {
  for (const place of places) {
    if (place.snapshot?.version === version) return { snapshot: place.snapshot, source: place.source };
    const old = place.history?.versions.find((v) => v.version === version);
    if (old) {
      return {
        snapshot: { format: 1, instance, version: old.version, capturedOn: old.capturedOn, versionInferred: old.versionInferred ?? true, sets: old.sets },
        source: place.source,
      };
    }
  }
  return undefined;
}

