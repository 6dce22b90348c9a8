import { relative } from 'node:path';
import { Engine, isCalendarDay, resolveSettings } from '../engine';
import { instanceFromString } from '../catalog/load';
import { normaliseEffectiveDate } from '../catalog/history';
import { INSTANCES } from '../catalog/types';
import { DIALECT_IDS } from '../dialects/all';
import { changesMarkdown, listChanges, type ChangesInput } from '../features/changes';
import type { ImpactFile } from '../features/changeImpact';
import { t } from '../l10n';
import type { CatalogInfo } from '../protocol';
import { readRegularFile } from '../fileAccess';
import { collectFiles } from './check/collect';
import { catalogHeader, catalogJson, catalogUsage, CATALOG_FLAGS, chooseCatalog } from './catalogChoice';
import { DEFAULT_MAX_INPUT_BYTES, EXIT_OK, EXIT_USAGE, lastFlag, parseCommandLine, usageError, type CliCommand, type CliIo } from './io';

const VERSION_OR_DAY = /^(\d{10}|\d{4}-\d{2}-\d{2})$/;

function usage(): string {
  return [
    t('Usage: endpoint-lens changes [paths…] [options]'),
    t('  --since VERSION|YYYY-MM-DD   changes after this catalogue version or day (default: the oldest stored version)'),
    t('  --instance NAME              {0} (default Worldwide)', INSTANCES.join(', ')),
    t('  --pinned-version V           compare against catalogue version V'),
    t('  --as-of YYYY-MM-DD           the day announced additions are counted from (default: today)'),
    t('  --dialect D                  read every file as {0}', DIALECT_IDS.join('|')),
    t('  --format text|json           output format (default text)'),
    catalogUsage(),
  ].join('\n');
}

/** The files to judge changes against, analysed as `check` analyses them; what cannot be read is an error. */
function analyseFiles(engine: Engine, paths: string[], io: CliIo, settings: ReturnType<typeof resolveSettings>, dialect: string | undefined, errors: string[]): ImpactFile[] {
  const files: ImpactFile[] = [];
  const collected = collectFiles(paths, io.cwd, []);
  errors.push(...collected.errors);
  for (const path of collected.files) {
    const read = readRegularFile(path, { maxBytes: DEFAULT_MAX_INPUT_BYTES });
    if (!read.ok) {
      errors.push(read.message);
      continue;
    }
    const detection = engine.detect(path, read.text, dialect ? { dialect } : {});
    // Files of no known dialect say nothing about changes; check reports them.
    if (!detection) continue;
    const analysis = engine.analyzeDocument(path, read.text, settings, detection);
    files.push({ name: relative(io.cwd, path) || path, context: analysis.context });
  }
  return files;
}

function json(input: ChangesInput & { info: CatalogInfo; cacheDir: string | undefined }): unknown {
  const listing = listChanges(input);
  return {
    catalog: catalogJson(input.info, input.cacheDir),
    instance: input.current.instance,
    version: input.current.version,
    capturedOn: input.current.capturedOn,
    since: listing.since,
    otherEndpoints: input.otherEndpoints,
    webService: listing.webService.map(({ change, effects }) => {
      const raw = change.add?.effectiveDate;
      const effectiveDate = raw === undefined ? undefined : (normaliseEffectiveDate(raw) ?? raw);
      return {
        id: change.id,
        setId: change.endpointSetId,
        disposition: change.disposition,
        version: change.version,
        ...(change.impact ? { impact: change.impact } : {}),
        ...(effectiveDate ? { effectiveDate } : {}),
        added: { ips: change.add?.ips ?? [], urls: change.add?.urls ?? [] },
        removed: { ips: change.remove?.ips ?? [], urls: change.remove?.urls ?? [] },
        ...(change.previous ? { previous: change.previous } : {}),
        ...(change.current ? { current: change.current } : {}),
        // Negative ids mark differences computed from stored snapshots, not records the service sent.
        fromRecords: change.id >= 0,
        effects,
      };
    }),
    otherEndpointsChanges: listing.rowEffects.map(({ row, revision, effects }) => ({
      row: row.row,
      date: revision.date,
      release: revision.release,
      ...(revision.summary ? { summary: revision.summary } : {}),
      ...(revision.rowAdded ? { rowAdded: true } : {}),
      groups: revision.groups,
      effects,
    })),
    files: input.files.map((f) => f.name),
  };
}

/**
 * `endpoint-lens changes [PATHS…]`: what changed in the catalogue after a version (web-service
 * change records or the differences of stored snapshots) and in the other-endpoints rows after
 * that day, each with its effect on the given files.
 */
export const run: CliCommand = async (argv, io) => {
  const parsed = parseCommandLine(argv, io, { usage, values: ['since', 'instance', 'pinned-version', 'as-of', 'dialect', 'format', ...CATALOG_FLAGS.values], booleans: [...CATALOG_FLAGS.booleans] });
  if (!parsed.ok) return parsed.exit;
  const { args } = parsed;
  const fail = (message: string): number => usageError(io, message, usage());
  const format = lastFlag(args, 'format') ?? 'text';
  if (format !== 'text' && format !== 'json') return fail(t('--format must be text or json.'));
  const since = lastFlag(args, 'since');
  if (since !== undefined && (!VERSION_OR_DAY.test(since) || (since.includes('-') && !isCalendarDay(since)))) {
    return fail(t('--since needs a catalogue version (yyyymmddnn) or a day (YYYY-MM-DD), not "{0}".', since));
  }
  const asOf = lastFlag(args, 'as-of');
  if (asOf !== undefined && !isCalendarDay(asOf)) return fail(t('--as-of needs a day written YYYY-MM-DD, not "{0}".', asOf));
  const instanceText = lastFlag(args, 'instance') ?? 'Worldwide';
  const instance = instanceFromString(instanceText);
  if (!instance) return fail(t('Unknown instance "{0}"; expected one of {1}.', instanceText, INSTANCES.join(', ')));
  const dialect = lastFlag(args, 'dialect');
  if (dialect && !DIALECT_IDS.includes(dialect)) return fail(t('Unknown dialect "{0}"; use one of {1}.', dialect, DIALECT_IDS.join(', ')));

  // Change records only ever come with updates, so the update command's cache is the default.
  const choice = chooseCatalog(args, io);
  if (!choice.ok) return fail(choice.message);
  const engine = await Engine.create({ ...(choice.cacheDir ? { cacheDir: choice.cacheDir } : {}), ...(asOf ? { asOf } : {}) });
  const settings = resolveSettings({ instance, catalog: { pinnedVersion: lastFlag(args, 'pinned-version') ?? '' } });
  const loaded = engine.catalog(settings.instance, settings.catalog.pinnedVersion);
  if (format !== 'json') io.err(catalogHeader(loaded.info, choice.cacheDir));
  if (loaded.info.warning) io.err(loaded.info.warning);
  const errors: string[] = [];
  const files = analyseFiles(engine, args.positionals, io, settings, dialect, errors);
  const input: ChangesInput = {
    current: loaded.catalog,
    ...(loaded.history ? { history: loaded.history } : {}),
    otherEndpoints: loaded.info.otherEndpoints,
    since: since ?? loaded.history?.history.versions.at(-1)?.version ?? loaded.catalog.version,
    files,
  };
  io.out(format === 'json' ? JSON.stringify(json({ ...input, info: loaded.info, cacheDir: choice.cacheDir }), null, 2) : changesMarkdown(input));
  for (const error of errors) io.err(error);
  return errors.length > 0 ? EXIT_USAGE : EXIT_OK;
};
