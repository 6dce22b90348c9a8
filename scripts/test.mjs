// Runs every test/**/*.test.ts with Node's own test runner (TypeScript through tsx).
// Extra arguments filter by path substring: `npm test -- catalog`. The tests get a catalogue cache
// folder of their own (XDG_CACHE_HOME), so no test reads the one in the user's home.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const skip = new Set(['node_modules', 'extension', 'fixtures']);
function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (!skip.has(name)) collect(full, out);
    } else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}
const filters = process.argv.slice(2);
const files = collect(join(root, 'test'), []).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))).sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const cacheHome = mkdtempSync(join(tmpdir(), 'endpoint-lens-test-cache-'));
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, XDG_CACHE_HOME: cacheHome, ENDPOINT_LENS_LOCALE: '' },
});
rmSync(cacheHome, { recursive: true, force: true });
process.exit(result.status ?? 1);
