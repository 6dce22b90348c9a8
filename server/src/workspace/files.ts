import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Folders of tools and builds, never configuration. */
export const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'out', '.vscode-test']);

/** The regular files under some folders, in name order, at most `limit` of them; folders reached twice through links are walked once. */
export function filesUnder(folders: readonly string[], limit: number): string[] {
  const out: string[] = [];
  const walked = new Set<string>();
  const walk = (dir: string): void => {
    let identity: string;
    try {
      const stat = statSync(dir);
      identity = `${stat.dev}:${stat.ino}`;
    } catch {
      return;
    }
    if (walked.has(identity)) return;
    walked.add(identity);
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (out.length >= limit) return;
      const full = join(dir, name);
      let stat;
      try {
        stat = statSync(full);
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(name)) walk(full);
      } else if (stat.isFile()) out.push(full);
    }
  };
  for (const folder of folders) walk(folder);
  return out;
}
