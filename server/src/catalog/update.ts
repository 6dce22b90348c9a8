import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { t } from '../l10n';
import { readJsonFile, TEMP_FILE_PATTERN, writeFileAtomicOrThrow } from '../fileAccess';
import { fetchJsonOverHttp, type FetchJson, type FetchResult } from './http';
import { appendToHistory, cacheHistoryPath, readCacheHistory, readCurrentSnapshot, readShippedHistory } from './history';
import { fromWebServiceJson, isCanonicalCidr, serializeHistory, serializeSnapshot } from './webService';
import type { CatalogChange, CatalogSnapshot, EndpointSet, InstanceId } from './types';

/**
 * Service areas asked for: the four the service returns by default plus MEM (Intune), which a
 * request must name explicitly.
 */
export const SERVICE_AREAS = 'Common,Exchange,SharePoint,Skype,MEM';
export const DEFAULT_BASE_URL = 'https://endpoints.office.com';
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Microsoft asks clients to check the version no more than once an hour. */
export const VERSION_CHECK_INTERVAL_MS = 60 * 60 * 1000;
/** Back-off after HTTP 429 when the answer names no longer wait. */
export const BACKOFF_MS = 60 * 60 * 1000;
/** A Retry-After longer than a day is taken as a day, so a misconfigured mirror cannot stop updates for good. */
export const MAX_BACKOFF_MS = 24 * 60 * 60 * 1000;

export type UpdateStatus = 'updated' | 'unchanged' | 'skipped-recent' | 'backing-off' | 'failed';

export interface UpdateOutcome {
  status: UpdateStatus;
  /** The version in the cache afterwards (or the one the service named, for 'unchanged'). */
  version?: string;
  /** The version that was in use before this update. */
  previousVersion?: string;
  /** One complete, localised sentence or two for the user (shown non-modally in the editor). */
  message: string;
  /** Change records since previousVersion, when the service sent any. */
  changes?: CatalogChange[];
  /** HTTP requests made by this call. */
  requests: number;
}

export interface UpdateOptions {
  /** Web service root (https://endpoints.office.com or a mirror with the same paths). */
  baseUrl: string;
  instance: InstanceId;
  /** Where state.json, `<instance>.json` and history/ live (the extension's global storage). */
  cacheDir: string;
  /** An explicit "update now": skips the hourly limit, never the back-off after HTTP 429. */
  force: boolean;
  now?: () => Date;
  fetchJson?: FetchJson;
  timeoutMs?: number;
}

/**
 * Earlier versions kept in the cache's history (two years of monthly releases). Each is a full
 * snapshot of about 50 kB; change records are kept without limit, they are small.
 */
export const MAX_HISTORY_VERSIONS = 24;

/** `<cacheDir>/state.json`. */
export interface UpdateState {
  format: 1;
  /** Generated once per machine and sent with every request, as Microsoft asks. */
  clientRequestId: string;
  /** ISO time before which no request is made (set after HTTP 429). */
  backoffUntil?: string;
  instances: Partial<Record<InstanceId, { lastVersionCheck?: string; version?: string }>>;
}

/** `$XDG_CACHE_HOME/endpoint-lens`, else `~/.cache/endpoint-lens`: the CLI's cache when none is named. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && xdg !== '' ? xdg : join(homedir(), '.cache'), 'endpoint-lens');
}

export function cacheCatalogPath(cacheDir: string, instance: InstanceId): string {
  return join(cacheDir, `${instance.toLowerCase()}.json`);
}

export function statePath(cacheDir: string): string {
  return join(cacheDir, 'state.json');
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VERSION = /^\d{10}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The saved state, or undefined when there is none or it cannot be read (a new GUID is then made). */
export function readUpdateState(cacheDir: string): UpdateState | undefined {
  const read = readJsonFile(statePath(cacheDir));
  if (!read.ok) return undefined;
  const raw = read.value;
  if (!isRecord(raw) || typeof raw.clientRequestId !== 'string' || !GUID.test(raw.clientRequestId)) return undefined;
  const state: UpdateState = { format: 1, clientRequestId: raw.clientRequestId, instances: {} };
  if (typeof raw.backoffUntil === 'string' && !Number.isNaN(Date.parse(raw.backoffUntil))) state.backoffUntil = raw.backoffUntil;
  if (isRecord(raw.instances)) {
    for (const [name, value] of Object.entries(raw.instances)) {
      if (!isRecord(value)) continue;
      const entry: { lastVersionCheck?: string; version?: string } = {};
      if (typeof value.lastVersionCheck === 'string' && !Number.isNaN(Date.parse(value.lastVersionCheck))) entry.lastVersionCheck = value.lastVersionCheck;
      if (typeof value.version === 'string') entry.version = value.version;
      state.instances[name as InstanceId] = entry;
    }
  }
  return state;
}

/** Temporary files older than an hour are what a process that died mid-write left behind. */
function removeStaleTempFiles(dir: string, now: Date): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!TEMP_FILE_PATTERN.test(name)) continue;
    const path = join(dir, name);
    try {
      if (now.getTime() - statSync(path).mtimeMs > 60 * 60 * 1000) rmSync(path, { force: true });
    } catch {
      // Another process may have renamed or removed it in the meantime.
    }
  }
}

function saveState(cacheDir: string, state: UpdateState): void {
  writeFileAtomicOrThrow(statePath(cacheDir), JSON.stringify(state, null, 2) + '\n');
}

/** Distinct IP prefixes and URL patterns over all sets: what "entries" means for the shrink check. */
function entryKeys(sets: readonly EndpointSet[]): Set<string> {
  const keys = new Set<string>();
  for (const set of sets) {
    for (const ip of set.ips) keys.add(`ip:${ip}`);
    for (const url of set.urls) keys.add(`url:${url.toLowerCase()}`);
  }
  return keys;
}

/** How many of the current entries the new catalogue would drop, and of how many. */
export function droppedEntries(current: readonly EndpointSet[], next: readonly EndpointSet[]): { dropped: number; total: number } {
  const before = entryKeys(current);
  const after = entryKeys(next);
  let dropped = 0;
  for (const key of before) if (!after.has(key)) dropped++;
  return { dropped, total: before.size };
}

const DISPOSITIONS = ['Change', 'Add', 'Remove'] as const;

function optionalStringList(value: unknown): string[] | undefined | false {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return false;
  const out: string[] = [];
  for (const item of value) {
    if (typeof item !== 'string') return false;
    out.push(item);
  }
  return out;
}

/**
 * The /changes answer, checked field by field. Only the fields the project uses are kept;
 * fields a later service version adds are ignored, as are unknown keys inside add/remove.
 */
export function parseChangeRecords(raw: unknown): { ok: true; changes: CatalogChange[] } | { ok: false; reason: string } {
  if (!Array.isArray(raw)) return { ok: false, reason: t('The change list is not a JSON array.') };
  const changes: CatalogChange[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < raw.length; i++) {
    const item: unknown = raw[i];
    const bad = { ok: false as const, reason: t('Change record at position {0} is not in the expected form.', i) };
    if (!isRecord(item)) return bad;
    const { id, endpointSetId, disposition, version, impact } = item;
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) return bad;
    if (typeof endpointSetId !== 'number' || !Number.isSafeInteger(endpointSetId)) return bad;
    if (typeof version !== 'string' || !VERSION.test(version)) return bad;
    const normalised = typeof disposition === 'string' ? DISPOSITIONS.find((d) => d.toLowerCase() === disposition.toLowerCase()) : undefined;
    if (!normalised) return bad;
    if (impact !== undefined && typeof impact !== 'string') return bad;
    if (seen.has(id)) return { ok: false, reason: t('Change record id {0} appears more than once.', id) };
    seen.add(id);
    const change: CatalogChange = { id, endpointSetId, disposition: normalised, version };
    if (typeof impact === 'string') change.impact = impact;
    if (isRecord(item.previous)) change.previous = item.previous;
    if (isRecord(item.current)) change.current = item.current;
    for (const key of ['add', 'remove'] as const) {
      const part = item[key];
      if (part === undefined || part === null) continue;
      if (!isRecord(part)) return bad;
      const ips = optionalStringList(part.ips);
      const urls = optionalStringList(part.urls);
      if (ips === false || urls === false) return bad;
      if (ips && !ips.every(isCanonicalCidr)) return { ok: false, reason: t('Change record {0} lists an address that is not a canonical CIDR.', id) };
      const record: { effectiveDate?: string; ips?: string[]; urls?: string[] } = {};
      if (ips) record.ips = ips;
      if (urls) record.urls = urls;
      if (key === 'add') {
        if (part.effectiveDate !== undefined && typeof part.effectiveDate !== 'string') return bad;
        if (typeof part.effectiveDate === 'string') record.effectiveDate = part.effectiveDate;
        change.add = record;
      } else {
        change.remove = record;
      }
    }
    changes.push(change);
  }
  return { ok: true, changes };
}

function describeFetchFailure(result: Exclude<FetchResult, { kind: 'ok' }>, timeoutMs: number): string {
  switch (result.kind) {
    case 'timeout':
      return t('The web service did not answer within {0} seconds.', Math.round(timeoutMs / 100) / 10);
    case 'network':
      return t('The web service could not be reached ({0}).', result.message);
    case 'http-error':
      return t('The web service answered HTTP {0}.', result.status);
    case 'malformed':
      return result.message;
  }
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Check the web service for a newer catalogue of one instance and, when there is one, download,
 * validate and install it in the cache. Never throws for network or data problems: every failure
 * is an outcome with status 'failed' and the catalogue file in the cache left exactly as it was.
 *
 * What is sent to Microsoft: the request path (method, instance, the previous version for
 * /changes) and the query parameters clientrequestid (one random GUID generated once and kept in
 * state.json) and ServiceAreas. No headers beyond the ones Node always sends (Host, Connection);
 * no user, machine, editor or file information.
 */
export async function updateCatalog(options: UpdateOptions): Promise<UpdateOutcome> {
  const now = options.now ?? (() => new Date());
  const fetchJson = options.fetchJson ?? fetchJsonOverHttp;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { instance, cacheDir } = options;
  const base = options.baseUrl.replace(/\/+$/, '');
  let requests = 0;

  const current = readCurrentSnapshot(instance, cacheDir);
  const previousVersion = current?.snapshot.version;
  const keptMessage = (reason: string): string =>
    previousVersion === undefined
      ? t('The catalogue update for {0} failed: {1} No catalogue is available.', instance, reason)
      : t('The catalogue update for {0} failed: {1} The catalogue in use stays at version {2}.', instance, reason, previousVersion);
  const failed = (reason: string): UpdateOutcome => {
    const outcome: UpdateOutcome = { status: 'failed', message: keptMessage(reason), requests };
    if (previousVersion !== undefined) outcome.previousVersion = previousVersion;
    return outcome;
  };

  try {
    mkdirSync(cacheDir, { recursive: true });
  } catch (error) {
    return failed(t('The cache folder {0} cannot be created ({1}).', cacheDir, (error as NodeJS.ErrnoException).code ?? String(error)));
  }
  let state = readUpdateState(cacheDir);
  if (!state) {
    state = { format: 1, clientRequestId: randomUUID(), instances: {} };
    try {
      saveState(cacheDir, state);
    } catch (error) {
      return failed(t('The cache folder {0} is not writable ({1}).', cacheDir, (error as NodeJS.ErrnoException).code ?? String(error)));
    }
  }
  const instanceState = (state.instances[instance] ??= {});
  const started = now();
  removeStaleTempFiles(cacheDir, started);
  removeStaleTempFiles(join(cacheDir, 'history'), started);

  if (state.backoffUntil !== undefined && Date.parse(state.backoffUntil) > started.getTime()) {
    const outcome: UpdateOutcome = {
      status: 'backing-off',
      message: t('The web service asked for fewer requests; the catalogue for {0} is not checked again before {1}.', instance, state.backoffUntil),
      requests,
    };
    if (previousVersion !== undefined) outcome.version = outcome.previousVersion = previousVersion;
    return outcome;
  }
  const lastCheck = instanceState.lastVersionCheck === undefined ? undefined : Date.parse(instanceState.lastVersionCheck);
  if (!options.force && lastCheck !== undefined && started.getTime() - lastCheck < VERSION_CHECK_INTERVAL_MS && lastCheck <= started.getTime()) {
    const next = new Date(lastCheck + VERSION_CHECK_INTERVAL_MS).toISOString();
    const outcome: UpdateOutcome = {
      status: 'skipped-recent',
      message: t('The catalogue for {0} was checked less than an hour ago; the next check is after {1}.', instance, next),
      requests,
    };
    if (previousVersion !== undefined) outcome.version = outcome.previousVersion = previousVersion;
    return outcome;
  }

  const query = `clientrequestid=${encodeURIComponent(state.clientRequestId)}`;
  const persist = (): string | undefined => {
    try {
      saveState(cacheDir, state);
      return undefined;
    } catch (error) {
      return t('The cache folder {0} is not writable ({1}).', cacheDir, (error as NodeJS.ErrnoException).code ?? String(error));
    }
  };
  /** One GET; a 429 answer starts the back-off before the failure is reported. */
  const get = async (path: string): Promise<{ ok: true; body: unknown } | { ok: false; reason: string }> => {
    requests++;
    const result = await fetchJson(`${base}${path}`, timeoutMs);
    if (result.kind === 'ok') return { ok: true, body: result.body };
    if (result.kind === 'http-error' && result.status === 429) {
      const wait = Math.min(MAX_BACKOFF_MS, Math.max(BACKOFF_MS, (result.retryAfterSeconds ?? 0) * 1000));
      state.backoffUntil = new Date(now().getTime() + wait).toISOString();
      persist();
      return { ok: false, reason: t('The web service answered "too many requests" (HTTP 429); no request is made before {0}.', state.backoffUntil) };
    }
    return { ok: false, reason: describeFetchFailure(result, timeoutMs) };
  };

  instanceState.lastVersionCheck = started.toISOString();
  const stateProblem = persist();
  if (stateProblem) return failed(stateProblem);

  const versionAnswer = await get(`/version/${instance}?${query}`);
  if (!versionAnswer.ok) return failed(versionAnswer.reason);
  const latest = isRecord(versionAnswer.body) ? versionAnswer.body.latest : undefined;
  if (typeof latest !== 'string' || !VERSION.test(latest)) {
    return failed(t('The version answer has no version number of the form yyyymmddnn.'));
  }

  if (current?.source === 'cache' && current.snapshot.version === latest) {
    instanceState.version = latest;
    persist();
    return {
      status: 'unchanged',
      version: latest,
      previousVersion: latest,
      message: t('The catalogue for {0} is up to date (version {1}).', instance, latest),
      requests,
    };
  }

  if (previousVersion !== undefined && latest < previousVersion) {
    // A mirror that lags behind is not a reason to go back to older data.
    persist();
    return {
      status: 'unchanged',
      version: previousVersion,
      previousVersion,
      message: t('The web service offers version {0}, older than the catalogue in use ({1}); the catalogue for {2} stays as it is.', latest, previousVersion, instance),
      requests,
    };
  }

  const endpointsAnswer = await get(`/endpoints/${instance}?${query}&ServiceAreas=${SERVICE_AREAS}`);
  if (!endpointsAnswer.ok) return failed(endpointsAnswer.reason);
  const parsed = fromWebServiceJson(endpointsAnswer.body);
  if (!parsed.ok) return failed(parsed.reason);
  if (current) {
    const { dropped, total } = droppedEntries(current.snapshot.sets, parsed.sets);
    if (dropped * 2 > total) {
      return failed(t('The new catalogue would drop {0} of the {1} current entries, more than half, so it was not used.', dropped, total));
    }
  }

  let changes: CatalogChange[] = [];
  if (previousVersion !== undefined && previousVersion !== latest) {
    const changesAnswer = await get(`/changes/${instance}/${previousVersion}?${query}`);
    if (!changesAnswer.ok) return failed(changesAnswer.reason);
    const parsedChanges = parseChangeRecords(changesAnswer.body);
    if (!parsedChanges.ok) return failed(parsedChanges.reason);
    // The service answers with every record newer than the version asked for; keep exactly those.
    changes = parsedChanges.changes.filter((change) => change.version > previousVersion && change.version <= latest);
  }

  const snapshot: CatalogSnapshot = {
    format: 1,
    instance,
    version: latest,
    capturedOn: isoDate(started),
    versionInferred: false,
    sets: parsed.sets,
  };
  try {
    // History first: when it fails nothing has changed; when the catalogue write after it fails,
    // the history only holds an extra copy of the version still in use.
    const history = readCacheHistory(instance, cacheDir) ?? readShippedHistory(instance);
    const replaced = current && current.snapshot.version !== latest ? current.snapshot : undefined;
    appendToHistory(history, replaced, changes);
    history.versions = history.versions.slice(-MAX_HISTORY_VERSIONS);
    mkdirSync(join(cacheDir, 'history'), { recursive: true });
    writeFileAtomicOrThrow(cacheHistoryPath(cacheDir, instance), serializeHistory(history));
    writeFileAtomicOrThrow(cacheCatalogPath(cacheDir, instance), serializeSnapshot(snapshot));
  } catch (error) {
    return failed(t('The new catalogue could not be saved ({0}).', (error as NodeJS.ErrnoException).code ?? String(error)));
  }
  instanceState.version = latest;
  persist();

  const outcome: UpdateOutcome = {
    status: 'updated',
    version: latest,
    message:
      previousVersion === undefined || previousVersion === latest
        ? t('The catalogue for {0} was updated to version {1}.', instance, latest)
        : t('The catalogue for {0} was updated from version {1} to {2} ({3} change records).', instance, previousVersion, latest, changes.length),
    changes,
    requests,
  };
  if (previousVersion !== undefined) outcome.previousVersion = previousVersion;
  return outcome;
}
