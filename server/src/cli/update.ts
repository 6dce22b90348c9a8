import { resolve } from 'node:path';
import { t } from '../l10n';
import { INSTANCES, type InstanceId } from '../catalog/types';
import { CatalogHistoryIndex } from '../catalog/history';
import { renderChangeReport } from '../catalog/report';
import { DEFAULT_BASE_URL, DEFAULT_TIMEOUT_MS, defaultCacheDir, updateCatalog } from '../catalog/update';
import { EXIT_OK, lastFlag, parseCommandLine, usageError, type CliCommand } from './io';

/** The update failed and the previous catalogue was kept (or the web service asked us to wait). */
export const EXIT_UPDATE_FAILED = 1;

function parseInstance(text: string): InstanceId | undefined {
  return INSTANCES.find((name) => name.toLowerCase() === text.toLowerCase());
}

/**
 * `endpoint-lens update`: what "Update catalogue now" does in the editor; `--report` also prints
 * what changed, as markdown. The hourly limit does not apply to an explicit update; the back-off
 * after HTTP 429 does.
 */
export const run: CliCommand = async (argv, io) => {
  const usage = (): string =>
    [
      t('Usage: endpoint-lens update [options]'),
      t('  --url BASE                   the web service or a mirror (default {0})', DEFAULT_BASE_URL),
      t('  --cache DIR                  catalogue cache folder (default: {0})', defaultCacheDir()),
      t('  --instance NAME              {0} (default Worldwide)', INSTANCES.join(', ')),
      t('  --timeout SECONDS            how long to wait for each answer (default {0})', DEFAULT_TIMEOUT_MS / 1000),
      t('  --report                     also print what changed, as markdown'),
      t('Exit codes: 0 the cache holds a valid catalogue, 1 the update failed (the previous catalogue is kept), 2 usage error.'),
    ].join('\n');
  const parsed = parseCommandLine(argv, io, { usage, values: ['url', 'cache', 'instance', 'timeout'], booleans: ['report'] });
  if (!parsed.ok) return parsed.exit;
  const { args } = parsed;
  const fail = (message: string): number => usageError(io, message, usage());
  if (args.positionals.length > 0) return fail(t('Unexpected argument "{0}".', args.positionals[0]!));
  const instanceText = lastFlag(args, 'instance') ?? 'Worldwide';
  const instance = parseInstance(instanceText);
  if (!instance) return fail(t('Unknown instance "{0}"; expected one of {1}.', instanceText, INSTANCES.join(', ')));
  const baseUrl = lastFlag(args, 'url') ?? DEFAULT_BASE_URL;
  let parsedUrl: URL | undefined;
  try {
    parsedUrl = new URL(baseUrl);
  } catch {
    parsedUrl = undefined;
  }
  if (!parsedUrl || (parsedUrl.protocol !== 'https:' && parsedUrl.protocol !== 'http:')) return fail(t('--url needs an http or https address, not "{0}".', baseUrl));
  const timeoutText = lastFlag(args, 'timeout');
  let timeoutMs: number | undefined;
  if (timeoutText !== undefined) {
    const seconds = Number(timeoutText);
    if (!/^\d+(\.\d+)?$/.test(timeoutText) || !(seconds > 0) || seconds > 600) return fail(t('--timeout needs a number of seconds between 0 and 600, not "{0}".', timeoutText));
    timeoutMs = Math.round(seconds * 1000);
  }
  const cacheFlag = lastFlag(args, 'cache');
  const cacheDir = cacheFlag === undefined ? defaultCacheDir() : resolve(io.cwd, cacheFlag);

  const outcome = await updateCatalog({ baseUrl, instance, cacheDir, force: true, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  if (outcome.status === 'updated' || outcome.status === 'unchanged') {
    io.out(outcome.message);
    io.out(t('Catalogue cache: {0}', cacheDir));
    if (args.flags.has('report') && outcome.status === 'updated' && outcome.previousVersion !== undefined) {
      const index = CatalogHistoryIndex.load(instance, cacheDir);
      io.out('');
      io.out(renderChangeReport(index.changesSince(outcome.previousVersion), { since: outcome.previousVersion, current: index.current }));
    }
    return EXIT_OK;
  }
  io.err(outcome.message);
  return EXIT_UPDATE_FAILED;
};
