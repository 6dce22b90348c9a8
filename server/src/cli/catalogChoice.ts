import { resolve } from 'node:path';
import { t } from '../l10n';
import { defaultCacheDir } from '../catalog/update';
import type { CatalogInfo } from '../protocol';
import { lastFlag, type CliIo, type ParsedArgs } from './io';

/**
 * Every command that reads the catalogue chooses it the same way: the default cache folder (the
 * `update` command's) when it holds a valid catalogue not older than the shipped one, else the
 * shipped snapshot; `--cache DIR` names another folder; `--shipped` forces the snapshot.
 */
export const CATALOG_FLAGS = { values: ['cache'], booleans: ['shipped'] } as const;

export function catalogUsage(): string {
  return t('  --cache DIR                  catalogue cache folder (default: {0})', defaultCacheDir()) + '\n' + t('  --shipped                    use the catalogue shipped with Endpoint Lens, not the cache');
}

/** The cache folder to read, undefined for the shipped snapshot; or a usage error. */
export function chooseCatalog(args: ParsedArgs, io: CliIo): { ok: true; cacheDir: string | undefined } | { ok: false; message: string } {
  const cache = lastFlag(args, 'cache');
  if (args.flags.has('shipped')) {
    if (cache !== undefined) return { ok: false, message: t('--cache and --shipped exclude each other.') };
    return { ok: true, cacheDir: undefined };
  }
  return { ok: true, cacheDir: cache === undefined ? defaultCacheDir() : resolve(io.cwd, cache) };
}

/** The header line every command prints: instance, version and which catalogue it is. */
export function catalogHeader(info: CatalogInfo, cacheDir: string | undefined): string {
  const where = info.source === 'cache' && cacheDir !== undefined ? t('downloaded copy in {0}', cacheDir) : t('shipped snapshot');
  const inferred = info.versionInferred ? t(', version inferred from the capture date') : '';
  return t('Catalogue {0} version {1} of {2} ({3}{4})', info.instance, info.version, info.capturedOn, where, inferred);
}

/** The `catalog` object of every command's JSON output. */
export function catalogJson(info: CatalogInfo, cacheDir: string | undefined): Record<string, unknown> {
  return {
    instance: info.instance,
    version: info.version,
    capturedOn: info.capturedOn,
    versionInferred: info.versionInferred,
    source: info.source,
    cacheDir: info.source === 'cache' ? (cacheDir ?? null) : null,
    ...(info.warning ? { warning: info.warning } : {}),
  };
}
