import { readdirSync, statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { isExcluded } from '../../features/exclude';
import { t } from '../../l10n';
import { SKIPPED_FOLDERS } from '../../workspace/files';

/** The entry's status through symlinks; undefined when it does not exist, null when it cannot be looked at. */
function statOf(path: string): Stats | undefined | null {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return null;
  }
}

export interface CollectedFiles {
  /** Absolute paths, folders walked in name order; explicit paths in the order given. */
  files: string[];
  /** Paths that do not exist and folders that cannot be read. */
  errors: string[];
}

/**
 * The files a `check` run covers. Every entry of a walked folder that is not a folder is a file to
 * check, FIFOs and devices included, so that each of them is reported (as not analysed) rather than
 * passed over. A folder reached twice through symlinks is walked once.
 */
export function collectFiles(paths: readonly string[], cwd: string, exclude: readonly string[]): CollectedFiles {
  const files: string[] = [];
  const errors: string[] = [];
  const walked = new Set<string>();
  const excluded = (path: string): boolean => isExcluded(path, exclude, [cwd]);
  const walk = (dir: string, identity: string): void => {
    if (walked.has(identity)) return;
    walked.add(identity);
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (error) {
      errors.push(t('Cannot read folder {0}: {1}', dir, error instanceof Error ? error.message : String(error)));
      return;
    }
    for (const name of names) {
      const full = join(dir, name);
      if (excluded(full)) continue;
      const stat = statOf(full);
      if (stat?.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(name)) walk(full, `${stat.dev}:${stat.ino}`);
      } else {
        // A dangling symlink or an entry we may not look at is a file too: reading it says why it cannot be analysed.
        files.push(full);
      }
    }
  };
  for (const path of paths) {
    const full = resolve(cwd, path);
    const stat = statOf(full);
    if (stat === undefined) errors.push(t('No such file or folder: {0}', path));
    else if (stat?.isDirectory()) walk(full, `${stat.dev}:${stat.ino}`);
    else if (!excluded(full)) files.push(full);
  }
  return { files, errors };
}
