import { t, localised } from '../l10n';
import { parseQuery, type Catalog } from '../catalog/index';
import { instanceFromString } from '../catalog/load';
import { INSTANCES, type CatalogMatch, type InstanceId, type MatchRelation } from '../catalog/types';
import { literalSuffix, normaliseTenant } from '../catalog/urlPattern';
import type { CatalogHistoryIndex } from '../catalog/history';
import { setTimelineLines } from '../catalog/setHistory';
import { loadCatalogWithHistory, type LoadedCatalog } from '../engine';
import { explainNotListed, type NotListed } from '../features/notListed';
import { parseNetmaskPair, parseWildcardPair } from '../model/address';
import { catalogHeader, catalogJson, catalogUsage, CATALOG_FLAGS, chooseCatalog } from './catalogChoice';
import { EXIT_OK, lastFlag, parseCommandLine, usageError, type CliCommand, type CliIo } from './io';

/** One match as `lookup --json` prints it; the key order is part of the output format. */
function jsonMatch(m: CatalogMatch, catalog: Catalog): Record<string, unknown> {
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
    ...(m.source === 'other-endpoints' ? { purpose: purposeOf(catalog, m.row) } : {}),
  };
}

/** An other-endpoints row's purpose in the language of the messages. */
function purposeOf(catalog: Catalog, row: number | undefined): string {
  const found = catalog.otherRows.find((r) => r.row === row);
  return found ? localised(found.purpose) : '';
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
  if (matches.length === 0) {
    io.out(t('No catalogue entry matches {0}.', query));
  } else {
    const header = [t('Source'), t('Set/row'), t('Service area'), t('Category'), t('Required'), t('TCP'), t('UDP'), t('Entry'), t('Relation'), t('Purpose')];
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
      m.source === 'other-endpoints' ? purposeOf(catalog, m.row) : '',
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

function lookupUsage(): string {
  return [
    t('Usage: endpoint-lens lookup <address|cidr|range|netmask pair|host> [options]'),
    t('  --instance NAME              {0} or all (default Worldwide)', INSTANCES.join(', ')),
    t('  --tenant NAME                fills <tenant> in catalogue URLs'),
    t('  --json                       print JSON'),
    t('  --history                    since which catalogue version each matching set has had its id and its entries'),
    catalogUsage(),
    t('Examples: lookup 52.112.4.1, lookup 52.112.0.0/14, lookup "52.112.0.0 255.252.0.0", lookup 13.107.6.152-13.107.6.153, lookup outlook.office365.com'),
  ].join('\n');
}

/** `lookup 52.112.0.0 255.252.0.0` without quotes: an address and a mask given as two arguments. */
function queryFrom(positionals: string[]): { query: string } | { unexpected: string } | undefined {
  const [first, second, third] = positionals;
  if (first === undefined) return undefined;
  if (second === undefined) return { query: first };
  if (third === undefined && (parseNetmaskPair(first, second).ok || parseWildcardPair(first, second).ok)) return { query: `${first} ${second}` };
  return { unexpected: third ?? second };
}

interface InstanceAnswer {
  loaded: LoadedCatalog;
  matches: CatalogMatch[];
  notListed: NotListed[];
  host?: string;
  history?: { lines: string[]; json: unknown[] };
}

/** `--history`: for each web-service set that matched, since when it has had its id, its entries and the matched entry. */
function setHistories(history: CatalogHistoryIndex | undefined, matches: readonly CatalogMatch[]): { lines: string[]; json: unknown[] } {
  const lines: string[] = [];
  const json: unknown[] = [];
  if (!history) return { lines, json };
  for (const setId of [...new Set(matches.flatMap((m) => (m.source === 'web-service' && m.id !== undefined ? [m.id] : [])))]) {
    const timeline = history.setTimeline(setId);
    const entries = [...new Set(matches.filter((m) => m.id === setId).map((m) => m.entry))].map((entry) => ({ entry, since: history.entrySince(setId, entry) }));
    lines.push(...setTimelineLines(timeline, entries));
    json.push({ ...timeline, entries });
  }
  return { lines, json };
}

/**
 * `endpoint-lens lookup <address|cidr|range|netmask pair|host>`: every catalogue entry that
 * matches, and what the catalogue's history says about the query (entries that were removed,
 * misspellings of an earlier revision).
 */
export const run: CliCommand = (argv, io) => Promise.resolve(lookup(argv, io));

function lookup(argv: string[], io: CliIo): number {
  const parsed = parseCommandLine(argv, io, { usage: lookupUsage, values: ['instance', 'tenant', ...CATALOG_FLAGS.values], booleans: ['json', 'history', ...CATALOG_FLAGS.booleans] });
  if (!parsed.ok) return parsed.exit;
  const { args } = parsed;
  const fail = (message: string): number => usageError(io, message, lookupUsage());
  const given = queryFrom(args.positionals);
  if (given === undefined) return fail(t('Name the address, CIDR, range or host name to look up.'));
  if ('unexpected' in given) return fail(t('Unexpected argument "{0}".', given.unexpected));
  const query = given.query;
  const instanceText = lastFlag(args, 'instance') ?? 'Worldwide';
  const single = instanceFromString(instanceText);
  const instances: InstanceId[] = instanceText.toLowerCase() === 'all' ? [...INSTANCES] : single ? [single] : [];
  if (instances.length === 0) return fail(t('Unknown instance "{0}"; expected one of {1}.', instanceText, [...INSTANCES, 'all'].join(', ')));
  const tenantText = lastFlag(args, 'tenant');
  const tenant = normaliseTenant(tenantText);
  if (tenantText !== undefined && tenant === undefined) {
    return fail(t('--tenant needs the tenant name as in <tenant>.onmicrosoft.com (letters, digits, hyphens), not "{0}".', tenantText.slice(0, 80)));
  }
  const queryCheck = parseQuery(query);
  if (!queryCheck.ok) return fail(queryCheck.error);
  const choice = chooseCatalog(args, io);
  if (!choice.ok) return fail(choice.message);

  const answers: InstanceAnswer[] = [];
  for (const instance of instances) {
    const loaded = loadCatalogWithHistory(instance, choice.cacheDir);
    if (loaded.info.warning) io.err(loaded.info.warning);
    const result = loaded.catalog.lookup(query, tenant);
    if (!result.ok) return fail(result.error);
    if (result.note !== undefined && answers.length === 0) io.err(result.note);
    const about = result.interval ? { kind: 'address' as const, interval: result.interval } : { kind: 'host' as const, host: result.host ?? query };
    answers.push({
      loaded,
      matches: result.matches,
      notListed: explainNotListed(loaded.catalog, loaded.history, about),
      ...(result.kind === 'host' && result.host ? { host: result.host } : {}),
      ...(args.flags.has('history') ? { history: setHistories(loaded.history, result.matches) } : {}),
    });
  }
  if (lastFlag(args, 'json') === 'true') {
    io.out(
      JSON.stringify(
        {
          query,
          catalogs: answers.map((a) => catalogJson(a.loaded.info, choice.cacheDir)),
          matches: answers.flatMap((a) => a.matches.map((m) => jsonMatch(m, a.loaded.catalog))),
          notListed: uniqueNotes(answers),
          ...(args.flags.has('history') ? { history: answers.flatMap((a) => a.history?.json ?? []) } : {}),
        },
        null,
        2,
      ),
    );
    return EXIT_OK;
  }
  answers.forEach((a, i) => {
    if (i > 0) io.out('');
    io.out(catalogHeader(a.loaded.info, choice.cacheDir));
    printTable(io, a.loaded.catalog, query, a.matches, a.host, tenant);
    if (a.history && a.history.lines.length > 0) io.out(['', ...a.history.lines].join('\n'));
  });
  for (const note of uniqueNotes(answers)) io.out(note.message);
  return EXIT_OK;
}

/** The same removal is told once, even when several instances know it. */
function uniqueNotes(answers: readonly InstanceAnswer[]): NotListed[] {
  const seen = new Set<string>();
  const out: NotListed[] = [];
  for (const note of answers.flatMap((a) => a.notListed)) {
    if (seen.has(note.message)) continue;
    seen.add(note.message);
    out.push(note);
  }
  return out;
}
