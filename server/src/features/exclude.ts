import { isAbsolute, relative } from 'node:path';
import { minimatch } from 'minimatch';

/**
 * Whether a file is left out by `exclude` globs (the `endpointLens.exclude` setting, `check
 * --exclude`): globs are written relative to a root folder (the workspace folder, the CLI's
 * working directory); absolute globs work as well.
 */
export function isExcluded(path: string, globs: readonly string[], roots: readonly string[]): boolean {
  if (globs.length === 0) return false;
  const candidates = [path.replace(/\\/g, '/')];
  for (const root of roots) {
    const inside = relative(root, path);
    if (inside && !inside.startsWith('..') && !isAbsolute(inside)) candidates.push(inside.replace(/\\/g, '/'));
  }
  return globs.some((glob) => candidates.some((candidate) => minimatch(candidate, glob, { dot: true })));
}
