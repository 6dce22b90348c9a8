import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cachedRoot: string | undefined;

/**
 * The folder that holds package.json, catalog/ and l10n/: the repository when running from source,
 * the extension folder when installed. Found by walking up because bundles and sources sit at
 * different depths.
 */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
        if (name === 'endpoint-lens') return (cachedRoot = dir);
      } catch {
        // A package.json we cannot read is not ours; keep walking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`endpoint-lens: cannot find the package root above ${__dirname}`);
    dir = parent;
  }
}

let cachedVersion: string | undefined;

/** The `version` of package.json, as tools that report themselves (SARIF) name it. */
export function packageVersion(): string {
  if (cachedVersion) return cachedVersion;
  const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  cachedVersion = typeof manifest.version === 'string' ? manifest.version : '0.0.0';
  return cachedVersion;
}
