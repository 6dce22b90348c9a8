import { resolve } from 'node:path';
import { t } from '../l10n';
import { parseQuery, type Catalog } from '../catalog/index';
import { instanceFromString, loadCatalog } from '../catalog/load';
import { INSTANCES, type CatalogMatch, type InstanceId, type MatchRelation } from '../catalog/types';
import { CatalogHistoryIndex } from '../catalog/history';
import { setTimelineLines } from '../catalog/setHistory';
import { defaultCacheDir } from '../catalog/update';
import { literalSuffix, normaliseTenant } from '../catalog/urlPattern';
import { EXIT_OK, EXIT_USAGE, lastFlag, parseArgs, type CliCommand, type CliIo } from './io';

/** One match as `lookup --json` prints it; the key order is part of the output format. */
function jsonMatch(m: CatalogMatch): Record<string, unknown> {
  return {
    source: m.source,
    instance: m.instance,
    ...(m.source === 'web-service' ? { id: m.id } : { row: m.row }),
    serviceArea: m.serviceArea ?? null,
    category: m.category ?? null,
    required: m.required ?? null,
    tcpPorts: m.tcpPorts,
    udpPorts: m.udpPorts,
    entry: m.entry,
    relation: m.relation,
  };
}

function relationText(relation: MatchRelation): string {
  switch (relation) {
    case 'equal':
      return t('equal');
    case 'contains':
      return t('contains');
    case 'inside':
      return t('inside');
    case 'overlaps':
      return t('overlaps');
    case 'matches':
      return t('matches');
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  return rows.map((r) => r.map((cell, col) => cell.padEnd(widths[col]!)).join('  ').trimEnd()).join('\n');
}

/**
 * The catalogue's `<tenant>` patterns under the same domain as the host, filled in: what a user of
 * that tenant would have expected to match when the host is not one of theirs.
 */
function tenantPatternsNear(catalog: Catalog, host: string, tenant: string): string[] {
  const out = new Set<string>();
  const consider = (url: string, where: string) => {
    if (!url.includes('<tenant>')) return;
    const suffix = literalSuffix(url);
    if (suffix !== '' && (host === suffix || host.endsWith('.' + suffix))) out.add(`${url.replaceAll('<tenant>', tenant)} (${where})`);
  };
  for (const set of catalog.sets) for (const url of set.urls) consider(url, t('set {0}', set.id));
  for (const row of catalog.otherRows) for (const d of row.destinations) for (const url of d.urls) consider(url, t('row {0}', row.row));
  return [...out];
}

function printTable(io: CliIo, catalog: Catalog, query: string, matches: CatalogMatch[], host: string | undefined, tenant: string | undefined): void {
  io.out(
    t('{0} catalogue, version {1} ({2}{3})', catalog.instance, catalog.version, catalog.capturedOn, catalog.versionInferred ? t(', version inferred from the capture date') : ''),
  );
  if (matches.length === 0) {
    io.out(t('No catalogue entry matches {0}.', query));
  } else {
    const header = [t('Source'), t('Set/row'), t('Service area'), t('Category'), t('Required'), t('TCP'), t('UDP'), t('Entry'), t('Relation')];
    const rows = matches.map((m) => [
      m.source === 'web-service' ? t('web service') : t('other endpoints'),
      m.source === 'web-service' ? t('set {0}', m.id ?? '') : t('row {0}', m.row ?? ''),
      m.serviceArea ?? '',
      m.category ?? '',
      m.required === undefined ? '' : m.required ? t('yes') : t('no'),
      m.tcpPorts,
      m.udpPorts,
      tenant === undefined ? m.entry : m.entry.replaceAll('<tenant>', tenant),
      relationText(m.relation),
    ]);
    io.out(table([header, ...rows]));
  }
  if (host !== undefined && tenant !== undefined) {
    const own = matches.some((m) => m.entry.includes('<tenant>'));
    const near = tenantPatternsNear(catalog, host, tenant);
    if (!own && near.length > 0) {
      io.out(t('{0} is not a host of tenant {1}; the tenant\'s own entries here are: {2}', host, tenant, near.join(', ')));
    }
  }
}

/** `--history`: for each web-service set that matched, since when it has had its id, its entries and the matched entry. */
function setHistories(instance: InstanceId, cacheDir: string, matches: readonly CatalogMatch[]): { lines: string[]; json: unknown[] } {
  const index = CatalogHistoryIndex.load(instance, cacheDir);
  const lines: string[] = [];
  const json: unknown[] = [];
  for (const setId of [...new Set(matches.flatMap((m) => (m.source === 'web-service' && m.id !== undefined ? [m.id] : [])))]) {
    const timeline = index.setTimeline(setId);
    const entries = [...new Set(matches.filter((m) => m.id === setId).map((m) => m.entry))].map((entry) => ({ entry, since: index.entrySince(setId, entry) }));
    lines.push(...setTimelineLines(timeline, entries));
    json.push({ ...timeline, entries });
  }
  return { lines, json };
}

/**
 * `endpoint-lens lookup <address|cidr|range|host> [--instance NAME] [--tenant NAME] [--cache DIR] [--history] [--json]`:
 * every catalogue entry that matches, from the downloaded catalogue when there is a usable one.
 */
export const run: CliCommand = (argv, io) => Promise.resolve(lookup(argv, io));

function lookup(argv: string[], io: CliIo): number {
  const args = parseArgs(argv, { values: ['instance', 'tenant', 'cache'], booleans: ['json', 'help', 'history'] });
  const usage = t('Usage: endpoint-lens lookup <address|cidr|range|host> [--instance Worldwide|USGovDoD|USGovGCCHigh|China] [--tenant NAME] [--cache DIR] [--history] [--json]');
  if (args.flags.has('help')) {
    io.out(usage);
    return EXIT_OK;
  }
  if (args.unknown.length > 0 || args.positionals.length > 1) {
    io.err(t('Unexpected argument "{0}".', args.unknown[0] ?? args.positionals[1] ?? ''));
    io.err(usage);
    return EXIT_USAGE;
  }
  const query = args.positionals[0];
  if (query === undefined) {
    io.err(usage);
    return EXIT_USAGE;
  }
  const instanceText = lastFlag(args, 'instance') ?? 'Worldwide';
  const instance = instanceFromString(instanceText);
  if (!instance) {
    io.err(t('Unknown instance "{0}"; expected one of {1}.', instanceText, INSTANCES.join(', ')));
    return EXIT_USAGE;
  }
  const tenantText = lastFlag(args, 'tenant');
  const tenant = normaliseTenant(tenantText);
  if (tenantText !== undefined && tenant === undefined) {
    io.err(t('--tenant needs the tenant name as in <tenant>.onmicrosoft.com (letters, digits, hyphens), not "{0}".', tenantText.slice(0, 80)));
    return EXIT_USAGE;
  }
  const parsed = parseQuery(query);
  if (!parsed.ok) {
    io.err(parsed.error);
    return EXIT_USAGE;
  }
  const cacheFlag = lastFlag(args, 'cache');
  const cacheDir = cacheFlag === undefined ? defaultCacheDir() : resolve(io.cwd, cacheFlag);
  const loaded = loadCatalog({ instance, cacheDir });
  if (loaded.warning) io.err(loaded.warning);
  const result = loaded.catalog.lookup(query, tenant);
  if (!result.ok) {
    io.err(result.error);
    return EXIT_USAGE;
  }
  if (result.note !== undefined) io.err(result.note);
  const history = args.flags.has('history') ? setHistories(instance, cacheDir, result.matches) : undefined;
  if (lastFlag(args, 'json') === 'true') {
    io.out(JSON.stringify({ query, matches: result.matches.map(jsonMatch), ...(history ? { history: history.json } : {}) }, null, 2));
  } else {
    printTable(io, loaded.catalog, query, result.matches, result.kind === 'host' ? result.host : undefined, tenant);
    if (history) io.out(['', ...history.lines].join('\n'));
  }
  return EXIT_OK;
}
