import { resolve } from 'node:path';
import { t } from '../l10n';
import { INSTANCES, type InstanceId } from '../catalog/types';
import { CatalogHistoryIndex } from '../catalog/history';
import { renderChangeReport } from '../catalog/report';
import { DEFAULT_BASE_URL, defaultCacheDir, updateCatalog } from '../catalog/update';
import { EXIT_OK, EXIT_USAGE, lastFlag, parseArgs, type CliCommand } from './io';

/** The update failed and the previous catalogue was kept (or the web service asked us to wait). */
export const EXIT_UPDATE_FAILED = 1;

function parseInstance(text: string): InstanceId | undefined {
  return INSTANCES.find((name) => name.toLowerCase() === text.toLowerCase());
}

/**
 * `endpoint-lens update [--url BASE] [--cache DIR] [--instance NAME] [--timeout SECONDS] [--report]`:
 * what "Update catalogue now" does in the editor; `--report` also prints what changed, as markdown. The hourly limit does not apply to an explicit
 * update; the back-off after HTTP 429 does.
 */
export const run: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, { values: ['url', 'cache', 'instance', 'timeout'], booleans: ['help', 'report'] });
  const usage = t('Usage: endpoint-lens update [--url BASE] [--cache DIR] [--instance Worldwide|USGovDoD|USGovGCCHigh|China] [--timeout SECONDS] [--report]');
  if (args.flags.has('help')) {
    io.out(usage);
    return EXIT_OK;
  }
  if (args.unknown.length > 0 || args.positionals.length > 0) {
    io.err(t('Unexpected argument "{0}".', args.unknown[0] ?? args.positionals[0] ?? ''));
    io.err(usage);
    return EXIT_USAGE;
  }
  const instanceText = lastFlag(args, 'instance') ?? 'Worldwide';
  const instance = parseInstance(instanceText);
  if (!instance) {
    io.err(t('Unknown instance "{0}"; expected one of {1}.', instanceText, INSTANCES.join(', ')));
    return EXIT_USAGE;
  }
  const baseUrl = lastFlag(args, 'url') ?? DEFAULT_BASE_URL;
  let parsedUrl: URL | undefined;
  try {
    parsedUrl = new URL(baseUrl);
  } catch {
    parsedUrl = undefined;
  }
  if (!parsedUrl || (parsedUrl.protocol !== 'https:' && parsedUrl.protocol !== 'http:')) {
    io.err(t('--url needs an http or https address, not "{0}".', baseUrl));
    return EXIT_USAGE;
  }
  const timeoutText = lastFlag(args, 'timeout');
  let timeoutMs: number | undefined;
  if (timeoutText !== undefined) {
    const seconds = Number(timeoutText);
    if (!/^\d+(\.\d+)?$/.test(timeoutText) || !(seconds > 0) || seconds > 600) {
      io.err(t('--timeout needs a number of seconds between 0 and 600, not "{0}".', timeoutText));
      return EXIT_USAGE;
    }
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
