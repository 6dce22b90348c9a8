import { resolve } from 'node:path';
import { instanceFromString } from '../catalog/load';
import { INSTANCES } from '../catalog/types';
import { dialectById } from '../dialects/all';
import { Engine, resolveSettings } from '../engine';
import { answerText, guidanceMark, pacGrid, pacGridMarkdown, type PacGrid } from '../features/pacGrid';
import { readJsonFile, readRegularFile } from '../fileAccess';
import { t } from '../l10n';
import { parseIp } from '../model/address';
import { LineIndex } from '../model/range';
import { DEFAULT_SETTINGS } from '../protocol';
import { catalogHeader, catalogJson, catalogUsage, CATALOG_FLAGS, chooseCatalog } from './catalogChoice';
import { DEFAULT_MAX_INPUT_BYTES, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, lastFlag, listFlag, parseCommandLine, usageError, type CliCommand, type CliIo } from './io';

function pacTestUsage(): string {
  return [
    t('Usage: endpoint-lens pac-test <file> [options]'),
    t('  --format text|json|markdown  output format (default text)'),
    t('  --client-address IP          what myIpAddress() answers (default {0})', DEFAULT_SETTINGS.pac.clientAddress),
    t('  --host-addresses FILE        DNS table for dnsResolve/isInNet: a JSON object of host name to address'),
    t('  --instance NAME              {0} (default Worldwide)', INSTANCES.join(', ')),
    t('  --service-areas A,B          Common, Exchange, SharePoint, Skype, MEM (default: all but MEM)'),
    t('  --categories C               Optimize, Allow, Default (default: all)'),
    t('  --tenant NAME                fills <tenant> in catalogue URLs'),
    t('  --tenant-restrictions        the proxy adds tenant-restriction headers: sign-in hosts stay on it'),
    catalogUsage(),
    t('Exit codes: 0 every answer follows Microsoft\'s guidance, 1 some do not or failed, 2 usage or I/O error.'),
  ].join('\n');
}

/** `--host-addresses FILE`: a JSON object of host names to addresses, as the pac.hostAddresses setting. */
function readHostAddresses(path: string): Record<string, string> | string {
  const read = readJsonFile(path);
  if (!read.ok) return read.message;
  const value = read.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return t('{0} must hold a JSON object of host names to addresses.', path);
  const table: Record<string, string> = {};
  for (const [host, address] of Object.entries(value)) {
    if (typeof address !== 'string') return t('{0}: the address of "{1}" is not a string.', path, host);
    table[host] = address;
  }
  return table;
}

function textTable(grid: Extract<PacGrid, { ok: true }>): string {
  const header = [t('Set'), t('Category'), t('Host'), t('Answer'), t('Line'), ''];
  const rows = grid.rows.map((r) => [String(r.setId), r.category, r.host, answerText(r), r.line === null ? '' : String(r.line), guidanceMark(r)]);
  const widths = header.map((_, col) => Math.max(...[header, ...rows].map((r) => r[col]!.length)));
  return [header, ...rows].map((r) => r.map((cell, col) => cell.padEnd(widths[col]!)).join('  ').trimEnd()).join('\n');
}

/**
 * `endpoint-lens pac-test FILE`: the editor's "Test this PAC file against the catalogue" on the
 * command line, from the same grid (features/pacGrid.ts).
 */
async function pacTest(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, io, {
    usage: pacTestUsage,
    values: ['format', 'client-address', 'host-addresses', 'instance', 'service-areas', 'categories', 'tenant', ...CATALOG_FLAGS.values],
    booleans: ['tenant-restrictions', ...CATALOG_FLAGS.booleans],
  });
  if (!parsed.ok) return parsed.exit;
  const { args } = parsed;
  const fail = (message: string): number => usageError(io, message, pacTestUsage());
  if (args.positionals.length !== 1) return fail(args.positionals.length === 0 ? t('Name the PAC file to test.') : t('Unexpected argument "{0}".', args.positionals[1]!));
  const format = lastFlag(args, 'format') ?? 'text';
  if (!['text', 'json', 'markdown'].includes(format)) return fail(t('--format must be text, json or markdown.'));
  const instanceText = lastFlag(args, 'instance') ?? 'Worldwide';
  const instance = instanceFromString(instanceText);
  if (!instance) return fail(t('Unknown instance "{0}"; expected one of {1}.', instanceText, INSTANCES.join(', ')));
  const clientAddress = lastFlag(args, 'client-address') ?? DEFAULT_SETTINGS.pac.clientAddress;
  if (!parseIp(clientAddress).ok) return fail(t('--client-address needs an IP address, not "{0}".', clientAddress));
  const hostsFlag = lastFlag(args, 'host-addresses');
  const hostAddresses = hostsFlag === undefined ? {} : readHostAddresses(resolve(io.cwd, hostsFlag));
  if (typeof hostAddresses === 'string') {
    io.err(hostAddresses);
    return EXIT_USAGE;
  }
  const choice = chooseCatalog(args, io);
  if (!choice.ok) return fail(choice.message);

  const path = resolve(io.cwd, args.positionals[0]!);
  const read = readRegularFile(path, { maxBytes: DEFAULT_MAX_INPUT_BYTES });
  if (!read.ok) {
    io.err(read.message);
    return EXIT_USAGE;
  }
  const settings = resolveSettings({
    instance,
    serviceAreas: listFlag(args, 'service-areas'),
    categories: listFlag(args, 'categories'),
    tenantName: lastFlag(args, 'tenant') ?? '',
    tenantRestrictions: args.flags.has('tenant-restrictions'),
    pac: { hostAddresses, clientAddress },
  });
  const engine = await Engine.create({ ...(choice.cacheDir ? { cacheDir: choice.cacheDir } : {}), trusted: true });
  try {
    const loaded = engine.catalog(settings.instance);
    if (loaded.info.warning) io.err(loaded.info.warning);
    const dialect = dialectById('pac')!;
    const { model } = dialect.parse(read.text, { fileName: path });
    const grid = pacGrid(engine.contextFor(read.text, new LineIndex(read.text), model, settings, dialect), engine.pacSandbox, settings.pac);
    if (!grid.ok) {
      io.err(grid.reason);
      return EXIT_USAGE;
    }
    if (format === 'json') {
      const results = grid.rows.map((r) => ({ setId: r.setId, category: r.category, host: r.host, url: r.url, answer: r.answer, line: r.line, ...(r.error !== undefined ? { error: r.error } : {}) }));
      io.out(JSON.stringify({ catalog: catalogJson(loaded.info, choice.cacheDir), file: args.positionals[0]!, hosts: grid.rows.length, differing: grid.differing, results }, null, 2));
    } else if (format === 'markdown') {
      io.out(pacGridMarkdown(grid));
    } else {
      io.out([catalogHeader(loaded.info, choice.cacheDir), '', textTable(grid), '', t('{0} hosts tested; {1} answers differ from Microsoft\'s guidance (Optimize and Allow go DIRECT).', grid.rows.length, grid.differing)].join('\n'));
    }
    return grid.differing > 0 ? EXIT_FINDINGS : EXIT_OK;
  } finally {
    engine.pacSandbox?.dispose();
  }
}

export const run: CliCommand = pacTest;
