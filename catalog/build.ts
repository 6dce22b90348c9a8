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
import { parsePortList } from '../server/src/catalog/ports';
import { fromWebServiceJson, serializeHistory, serializeOtherEndpoints, serializeSnapshot } from '../server/src/catalog/webService';
import { INSTANCES, type CatalogHistory, type CatalogSnapshot, type EndpointSet, type InstanceId, type OtherEndpointRow } from '../server/src/catalog/types';
import { ARTICLE_DATE, ARTICLE_PROVENANCE, ROWS, SEED_PROVENANCE, type RowSource } from './other-endpoints-rows';

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

function canonicalCidr(text: string): string {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(`other endpoints: ${text} is not an address (${parsed.reason})`);
  if (parsed.value.hostBitsSet) throw new Error(`other endpoints: ${text} has host bits set`);
  return formatCidr(parsed.value);
}

function buildRow(source: RowSource, inSeed: boolean): OtherEndpointRow {
  let provenance: string;
  if (!inSeed) provenance = `${ARTICLE_PROVENANCE}: ${source.newer ?? 'row added'}`;
  else if (source.newer) provenance = `${SEED_PROVENANCE}; updated from the ${ARTICLE_PROVENANCE}: ${source.newer}`;
  else provenance = `${SEED_PROVENANCE}; unchanged in the ${ARTICLE_PROVENANCE}`;
  const row: OtherEndpointRow = {
    row: source.row,
    purpose: source.purpose,
    direction: source.direction,
    destinations: source.destinations.map((d) => {
      const destination: OtherEndpointRow['destinations'][number] = {
        instances: d.instances ?? [...INSTANCES],
        urls: d.urls ?? [],
        ips: (d.ips ?? []).map(canonicalCidr),
        tcpPorts: parsePortList(d.tcp ?? ''),
        udpPorts: parsePortList(d.udp ?? ''),
      };
      if (d.customerSide) destination.customerSide = d.customerSide;
      if (d.note) destination.note = d.note;
      return destination;
    }),
    provenance,
  };
  if (source.link) row.link = source.link;
  if (source.seedDropped) row.formerEntries = source.seedDropped.map((entry) => ({ entry: canonicalCidr(entry), until: ARTICLE_DATE }));
  if (source.seedTypos) row.misspellings = source.seedTypos;
  return row;
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
 * Every IPv4 address and CIDR the seed row names must be in the built row, unless the newer
 * article dropped it; rows the article left alone must name exactly the seed's addresses.
 */
function checkAgainstSeed(source: RowSource, built: OtherEndpointRow, seedLine: string): void {
  let text = seedLine;
  for (const [typo, meant] of Object.entries(source.seedTypos ?? {})) text = text.replaceAll(typo, meant);
  const seedIps = new Set((text.match(/\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?\b/g) ?? []).map(canonicalCidr));
  const builtIps = new Set(built.destinations.flatMap((d) => d.ips));
  const dropped = new Set((source.seedDropped ?? []).map(canonicalCidr));
  for (const ip of seedIps) {
    if (!builtIps.has(ip) && !dropped.has(ip)) throw new Error(`other endpoints row ${source.row}: seed address ${ip} is missing`);
  }
  for (const ip of dropped) {
    if (!seedIps.has(ip)) throw new Error(`other endpoints row ${source.row}: ${ip} is marked dropped but is not in the seed`);
    if (builtIps.has(ip)) throw new Error(`other endpoints row ${source.row}: ${ip} is marked dropped but still listed`);
  }
  if (!source.newer && builtIps.size !== seedIps.size) {
    throw new Error(`other endpoints row ${source.row}: addresses differ from the seed although the row is marked unchanged`);
  }
}

function buildOtherEndpoints(seedPath: string): OtherEndpointRow[] {
  const seed = readSeedRows(seedPath);
  if (seed.size !== 24) throw new Error(`${seedPath}: expected 24 table rows, found ${seed.size}`);
  return ROWS.map((source, index) => {
    if (source.row !== index + 1) throw new Error(`other endpoints: row ${source.row} out of order`);
    const seedLine = seed.get(source.row);
    const built = buildRow(source, seedLine !== undefined);
    if (seedLine !== undefined) checkAgainstSeed(source, built, seedLine);
    return built;
  });
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
  files.set('other-endpoints.json', serializeOtherEndpoints({ format: 1, rows: buildOtherEndpoints(inputs.seedPath) }));
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
