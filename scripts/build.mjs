// Bundles the client, the language server and the CLI with esbuild, and merges the Danish l10n
// sources into the one bundle both the client (vscode.l10n) and the server (@vscode/l10n) read.
import { build } from 'esbuild';
import { readFileSync, readdirSync, writeFileSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');

export function mergeL10n() {
  const dir = join(root, 'l10n', 'src', 'da');
  const merged = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const part = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    for (const [key, value] of Object.entries(part)) {
      if (key in merged && merged[key] !== value) {
        throw new Error(`l10n/src/da/${file}: "${key}" is translated differently in another file`);
      }
      merged[key] = value;
    }
  }
  writeFileSync(join(root, 'l10n', 'bundle.l10n.da.json'), JSON.stringify(merged, null, 2) + '\n');
  return Object.keys(merged).length;
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  // jsonc-parser's UMD build loads its parts with a require the bundler cannot follow; its ES build bundles whole.
  mainFields: ['module', 'main'],
  // quickjs-emscripten is an ES module that asks import.meta.url where it lives; in a CommonJS
  // bundle that is the bundle file itself.
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__bundleUrl' },
};

mkdirSync(join(root, 'dist'), { recursive: true });
// A code cache of an earlier bundle must not outlive it (see bin/load-bundle.js).
rmSync(join(root, 'dist', 'cli.js.codecache'), { force: true });
const count = mergeL10n();
await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js' }),
]);
// The PAC sandbox runs QuickJS in a worker thread of its own (server/src/pac/sandbox.ts starts
// dist/pac-worker.js), and QuickJS is a .wasm file that esbuild cannot inline; server/src/pac/run.ts
// looks for it next to the bundles under this name.
await build({ ...common, entryPoints: ['server/src/pac/worker.ts'], outfile: 'dist/pac-worker.js' });
copyFileSync(
  createRequire(import.meta.url).resolve('@jitl/quickjs-wasmfile-release-sync/wasm'),
  join(root, 'dist', 'quickjs-release-sync.wasm'),
);

console.log(`built dist/client.js, dist/server.js, dist/cli.js (${count} Danish strings)`);

// V8's code cache of the CLI bundle (bin/load-bundle.js reads it), taken after one real check so it
// holds the functions a run compiles; without it the CLI still works, only its start is slower.
const warmUp = spawnSync(process.execPath, [join(root, 'bin', 'endpoint-lens.js'), 'check', join(root, 'examples'), '--fail-on', 'never', '--jobs', '1'], {
  cwd: root,
  env: { ...process.env, ENDPOINT_LENS_WRITE_CODE_CACHE: '1' },
  stdio: 'ignore',
});
if (warmUp.status !== 0) console.warn(`dist/cli.js.codecache not written: the warm-up check exited with ${warmUp.status ?? warmUp.signal}`);
