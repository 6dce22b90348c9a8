/**
 * Builds the shipped catalogue (catalog/*.json) from raw web-service snapshots and the Danish
 * "other endpoints" seed table. Run with `npm run catalog:build [-- --sources DIR --seed FILE --out DIR]`;
 * ENDPOINT_LENS_SOURCES and ENDPOINT_LENS_SEED override the defaults, which sit next to the
 * repository (../shared/catalog-sources, ../shared/seeds/other-endpoints.da.md).
 * Output depends only on the inputs, so running it twice gives the same bytes.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { formatCidr, parseCidr } from '../server/src/model/address';
import { formatPortList, parsePortList } from '../server/src/catalog/ports';
import { literalSuffix } from '../server/src/catalog/urlPattern';
import { fromWebServiceJson, serializeHistory, serializeOtherEndpoints, serializeSnapshot } from '../server/src/catalog/webService';
import type { PortRange } from '../server/src/model/config';
import {
  INSTANCES,
  type CatalogHistory,
  type CatalogSnapshot,
  type EndpointSet,
  type InstanceId,
  type OtherEndpointDestination,
  type OtherEndpointRevision,
  type OtherEndpointRevisionGroup,
  type OtherEndpointRow,
  type OtherEndpointsFile,
} from '../server/src/catalog/types';
import { REVISIONS, ROWS, type ArticleRevision, type RowChangeSource, type RowSource } from './other-endpoints-rows';

const REPO = resolve(__dirname, '..');

/**
 * Versions seen in public /version answers (see SOURCES.md); every other snapshot's version is
 * inferred from its capture date and marked as such.
 */
const KNOWN_VERSIONS: Record<string, string> = {
  'Worldwide 2026-08-14': '2026081400',
  'China 2026-07-31': '2026073100',
};

/** The service area the default request leaves out; it comes from the "allareas" snapshots. */
const ADDED_SERVICE_AREA = 'MEM';

interface SourceFile {
  file: string;
  instance: InstanceId;
  capturedOn: string;
  allAreas: boolean;
  sets: EndpointSet[];
}

export interface BuildInputs {
  sourcesDir: string;
  seedPath: string;
}

export function defaultInputs(env: NodeJS.ProcessEnv = process.env): BuildInputs {
  return {
    sourcesDir: env.ENDPOINT_LENS_SOURCES ?? join(REPO, '..', 'shared', 'catalog-sources'),
    seedPath: env.ENDPOINT_LENS_SEED ?? join(REPO, '..', 'shared', 'seeds', 'other-endpoints.da.md'),
  };
}

function instanceFromFileName(name: string): InstanceId | undefined {
  return INSTANCES.find((i) => i.toLowerCase() === name);
}

function readSources(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const m = /^endpoints-([a-z]+)-(allareas-)?(\d{4}-\d{2}-\d{2})\.json$/.exec(file);
    const instance = m ? instanceFromFileName(m[1]!) : undefined;
    if (!m || !instance) throw new Error(`${file}: expected endpoints-<instance>[-allareas]-<yyyy-mm-dd>.json`);
    const parsed = fromWebServiceJson(JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown);
    if (!parsed.ok) throw new Error(`${file}: ${parsed.reason}`);
    out.push({ file, instance, capturedOn: m[3]!, allAreas: m[2] !== undefined, sets: parsed.sets });
  }
  return out;
}

function versionOf(source: SourceFile): { version: string; versionInferred: boolean } {
  const known = KNOWN_VERSIONS[`${source.instance} ${source.capturedOn}`];
  if (known) return { version: known, versionInferred: false };
  return { version: `${source.capturedOn.replaceAll('-', '')}00`, versionInferred: true };
}

function byDateDescending(a: SourceFile, b: SourceFile): number {
  return b.capturedOn.localeCompare(a.capturedOn);
}

function buildInstance(instance: InstanceId, sources: SourceFile[]): { snapshot: CatalogSnapshot; history?: CatalogHistory } | undefined {
  const mine = sources.filter((s) => s.instance === instance).sort(byDateDescending);
  const current = mine[0];
  if (!current) return undefined;
  const sets = [...current.sets];
  if (!current.allAreas) {
    const allAreas = mine.find((s) => s.allAreas);
    for (const set of allAreas?.sets ?? []) {
      if (set.serviceArea !== ADDED_SERVICE_AREA) continue;
      if (sets.some((s) => s.id === set.id)) throw new Error(`${allAreas!.file}: MEM set ${set.id} collides with a current set`);
      sets.push({ ...set, capturedOn: allAreas!.capturedOn });
    }
  }
  sets.sort((a, b) => a.id - b.id);
  const snapshot: CatalogSnapshot = { format: 1, instance, ...versionOf(current), capturedOn: current.capturedOn, sets };
  // Every older capture is history. An all-areas capture contributes the service areas a default
  // request returns, so versions compare like with like; its MEM sets already live in the current
  // catalogue, marked with their capture date.
  const older = mine
    .slice(1)
    .reverse()
    .map((s) => (s.allAreas ? { ...s, sets: s.sets.filter((set) => set.serviceArea !== ADDED_SERVICE_AREA) } : s));
  if (older.length === 0) return { snapshot };
  const history: CatalogHistory = {
    format: 1,
    instance,
    // Oldest first, as the update client appends newer versions.
    versions: older.map((s) => {
      const v = versionOf(s);
      return { version: v.version, capturedOn: s.capturedOn, versionInferred: v.versionInferred, sets: s.sets };
    }),
    // No public /changes feed was captured; change records are only ever the service's own.
    changes: [],
  };
  return { snapshot, history };
}

function canonicalCidr(text: string, row: number): string {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(`other endpoints row ${row}: ${text} is not an address (${parsed.reason})`);
  if (parsed.value.hostBitsSet) throw new Error(`other endpoints row ${row}: ${text} has host bits set`);
  return formatCidr(parsed.value);
}

function destinationOf(source: RowSource, d: RowSource['destinations'][number]): OtherEndpointDestination {
  const destination: OtherEndpointDestination = {
    instances: d.instances ?? [...INSTANCES],
    urls: d.urls ?? [],
    ips: (d.ips ?? []).map((ip) => canonicalCidr(ip, source.row)),
    tcpPorts: parsePortList(d.tcp ?? ''),
    udpPorts: parsePortList(d.udp ?? ''),
  };
  if (d.customerSide) destination.customerSide = d.customerSide;
  if (d.note) destination.note = d.note;
  return destination;
}

/** Revisions name addresses and host patterns in one list; an entry that parses as an address is one. */
function isAddress(entry: string): boolean {
  return parseCidr(entry).ok;
}

/**
 * The row as the revision before `change` had it: what the change added is taken out, what it
 * removed is put back, ports go back to what the change says they were. Every entry named must
 * fit (added ones present now, removed ones absent), so a mistyped change fails the build.
 */
function revertChange(source: RowSource, date: string, change: RowChangeSource, after: OtherEndpointDestination[]): OtherEndpointDestination[] {
  const fail = (message: string): never => {
    throw new Error(`other endpoints row ${source.row}, revision ${date}: ${message}`);
  };
  const before = after.map((d) => ({ ...d, ips: [...d.ips], urls: [...d.urls] }));
  for (const raw of change.added ?? []) {
    const entry = isAddress(raw) ? canonicalCidr(raw, source.row) : raw;
    const holders = before.filter((d) => (isAddress(raw) ? d.ips : d.urls).includes(entry));
    if (holders.length !== 1) fail(`added ${entry} is in ${holders.length} destination groups, expected 1`);
    const holder = holders[0]!;
    if (isAddress(raw)) holder.ips = holder.ips.filter((ip) => ip !== entry);
    else holder.urls = holder.urls.filter((url) => url !== entry);
  }
  for (const { destination, entries } of change.removed ?? []) {
    const group = before[destination] ?? fail(`removed entries name destination group ${destination}, which does not exist`);
    for (const raw of entries) {
      const entry = isAddress(raw) ? canonicalCidr(raw, source.row) : raw;
      if (after.some((d) => d.ips.includes(entry) || d.urls.includes(entry))) fail(`${entry} is marked removed but still listed`);
      if (isAddress(raw)) group.ips.push(entry);
      else group.urls.push(entry);
    }
  }
  for (const { destination, tcp, udp } of change.ports ?? []) {
    const group = before[destination] ?? fail(`ports name destination group ${destination}, which does not exist`);
    if (tcp !== undefined) group.tcpPorts = parsePortList(tcp);
    if (udp !== undefined) group.udpPorts = parsePortList(udp);
  }
  return before;
}

function portsDiffer(a: readonly PortRange[], b: readonly PortRange[]): boolean {
  return formatPortList(a) !== formatPortList(b);
}

/** What changed from one revision's destination groups to the next, group by group. */
export function diffRowRevisions(before: readonly OtherEndpointDestination[], after: readonly OtherEndpointDestination[]): OtherEndpointRevisionGroup[] {
  const groups: OtherEndpointRevisionGroup[] = [];
  after.forEach((next, index) => {
    const previous = before[index] ?? { ...next, ips: [], urls: [], tcpPorts: next.tcpPorts, udpPorts: next.udpPorts };
    const group: OtherEndpointRevisionGroup = {
      instances: next.instances,
      added: { ips: next.ips.filter((ip) => !previous.ips.includes(ip)), urls: next.urls.filter((url) => !previous.urls.includes(url)) },
      removed: { ips: previous.ips.filter((ip) => !next.ips.includes(ip)), urls: previous.urls.filter((url) => !next.urls.includes(url)) },
    };
    if (portsDiffer(previous.tcpPorts, next.tcpPorts)) group.tcpPorts = { before: previous.tcpPorts, after: next.tcpPorts };
    if (portsDiffer(previous.udpPorts, next.udpPorts)) group.udpPorts = { before: previous.udpPorts, after: next.udpPorts };
    const changed = group.added.ips.length + group.added.urls.length + group.removed.ips.length + group.removed.urls.length > 0 || group.tcpPorts || group.udpPorts;
    if (changed) groups.push(group);
  });
  return groups;
}

interface BuiltRow {
  row: OtherEndpointRow;
  /** The row as the first revision had it; undefined when a later revision added the row. */
  baseline?: OtherEndpointDestination[];
}

/** The newest facts of a row and every revision down to the baseline, each with what it changed. */
function buildRow(source: RowSource, revisions: readonly ArticleRevision[]): BuiltRow {
  const known = new Set(revisions.slice(1).map((r) => r.date));
  for (const date of Object.keys(source.changes ?? {})) {
    if (!known.has(date)) throw new Error(`other endpoints row ${source.row}: changes for ${date}, which is not a revision after the baseline`);
  }
  let state: OtherEndpointDestination[] | undefined = source.destinations.map((d) => destinationOf(source, d));
  const newestFirst: OtherEndpointRevision[] = [];
  let latest: { revision: ArticleRevision; change: RowChangeSource } | undefined;
  for (const revision of [...revisions].reverse()) {
    if (!state) break;
    const change = source.changes?.[revision.date];
    const base = { date: revision.date, release: revision.release, source: revision.source };
    if (revision === revisions[0]) {
      newestFirst.push({ ...base, groups: [] });
      continue;
    }
    if (!change) continue;
    latest ??= { revision, change };
    const before: OtherEndpointDestination[] | undefined = change.rowAdded ? undefined : revertChange(source, revision.date, change, state);
    const entry: OtherEndpointRevision = { ...base, summary: change.summary, groups: diffRowRevisions(before ?? [], state) };
    if (change.rowAdded) entry.rowAdded = true;
    newestFirst.push(entry);
    state = before;
  }
  const seedRevision = revisions[0]!;
  let provenance: string;
  if (!state) provenance = `${latest!.revision.source}: ${latest!.change.summary}`;
  else if (latest) provenance = `${seedRevision.source}; updated from the ${latest.revision.source}: ${latest.change.summary}`;
  else provenance = `${seedRevision.source}; unchanged in the ${revisions.at(-1)!.source}`;
  const row: OtherEndpointRow = {
    row: source.row,
    purpose: source.purpose,
    direction: source.direction,
    destinations: source.destinations.map((d) => destinationOf(source, d)),
    provenance,
    revisions: newestFirst.reverse(),
  };
  if (source.link) row.link = source.link;
  if (source.seedTypos) row.misspellings = source.seedTypos;
  return state ? { row, baseline: state } : { row };
}

/** Table lines of the seed by row number. */
function readSeedRows(seedPath: string): Map<number, string> {
  const rows = new Map<number, string>();
  for (const line of readFileSync(seedPath, 'utf8').split('\n')) {
    const m = /^\|(\d+)\|/.exec(line);
    if (m) rows.set(Number(m[1]), line);
  }
  return rows;
}

/**
 * The baseline revision rebuilt from the newest facts must be the seed row: exactly the IPv4
 * addresses and CIDRs the seed names, and host patterns whose fixed part the seed writes.
 */
function checkAgainstSeed(source: RowSource, baseline: readonly OtherEndpointDestination[], seedLine: string): void {
  let text = seedLine;
  for (const [typo, meant] of Object.entries(source.seedTypos ?? {})) text = text.replaceAll(typo, meant);
  const seedIps = new Set((text.match(/\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?\b/g) ?? []).map((ip) => canonicalCidr(ip, source.row)));
  const builtIps = new Set(baseline.flatMap((d) => d.ips));
  for (const ip of seedIps) {
    if (!builtIps.has(ip)) throw new Error(`other endpoints row ${source.row}: seed address ${ip} is missing`);
  }
  for (const ip of builtIps) {
    if (!seedIps.has(ip)) throw new Error(`other endpoints row ${source.row}: ${ip} is not in the seed, so a later revision must have added it`);
  }
  const lower = text.toLowerCase();
  for (const url of baseline.flatMap((d) => d.urls)) {
    if (!lower.includes(literalSuffix(url))) throw new Error(`other endpoints row ${source.row}: ${url} is not in the seed, so a later revision must have added it`);
  }
}

export function buildOtherEndpoints(seedPath: string, rows: readonly RowSource[] = ROWS, revisions: readonly ArticleRevision[] = REVISIONS): OtherEndpointsFile {
  const seed = readSeedRows(seedPath);
  if (seed.size !== 24) throw new Error(`${seedPath}: expected 24 table rows, found ${seed.size}`);
  const built = rows.map((source, index) => {
    if (source.row !== index + 1) throw new Error(`other endpoints: row ${source.row} out of order`);
    const { row, baseline } = buildRow(source, revisions);
    const seedLine = seed.get(source.row);
    if ((seedLine === undefined) !== (baseline === undefined)) {
      throw new Error(`other endpoints row ${source.row}: ${seedLine === undefined ? 'not in the seed, so a later revision must add it' : 'in the seed, but a later revision is said to add it'}`);
    }
    if (seedLine !== undefined && baseline) checkAgainstSeed(source, baseline, seedLine);
    return row;
  });
  const newest = revisions.at(-1)!;
  return { format: 1, revision: newest.date, release: newest.release, rows: built };
}

/** Relative output path → file contents. */
export function buildCatalog(inputs: BuildInputs): Map<string, string> {
  const sources = readSources(inputs.sourcesDir);
  const files = new Map<string, string>();
  for (const instance of INSTANCES) {
    const built = buildInstance(instance, sources);
    if (!built) continue;
    const name = instance.toLowerCase();
    files.set(`${name}.json`, serializeSnapshot(built.snapshot));
    if (built.history) files.set(`history/${name}.json`, serializeHistory(built.history));
  }
  files.set('other-endpoints.json', serializeOtherEndpoints(buildOtherEndpoints(inputs.seedPath)));
  return files;
}

function argValue(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function main(argv: string[]): void {
  const defaults = defaultInputs();
  const inputs: BuildInputs = {
    sourcesDir: resolve(argValue(argv, '--sources') ?? defaults.sourcesDir),
    seedPath: resolve(argValue(argv, '--seed') ?? defaults.seedPath),
  };
  const outDir = resolve(argValue(argv, '--out') ?? join(REPO, 'catalog'));
  for (const path of [inputs.sourcesDir, inputs.seedPath]) {
    if (!existsSync(path)) throw new Error(`catalog build: ${path} does not exist (set --sources/--seed or ENDPOINT_LENS_SOURCES/ENDPOINT_LENS_SEED)`);
  }
  const files = buildCatalog(inputs);
  for (const [relative, contents] of files) {
    const target = join(outDir, relative);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, contents);
    console.log(`wrote ${relative} (${contents.length} bytes)`);
  }
}

if (require.main === module) main(process.argv.slice(2));
