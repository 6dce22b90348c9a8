// Runs the extension-host suite (test/extension/suite) in a real VS Code with @vscode/test-electron.
// VS Code comes from ENDPOINT_LENS_VSCODE_PATH (an installed VS Code executable) or is downloaded;
// when neither works (no network, no display) the run is skipped with the reason, exit code 0.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

const root = resolve(__dirname, '..', '..');

async function vscodeExecutable(): Promise<{ path: string } | { skip: string }> {
  const named = process.env.ENDPOINT_LENS_VSCODE_PATH;
  if (named) {
    return existsSync(named) ? { path: named } : { skip: `ENDPOINT_LENS_VSCODE_PATH names ${named}, which does not exist` };
  }
  try {
    return { path: await downloadAndUnzipVSCode({ version: 'stable', timeout: 20_000, cachePath: join(root, '.vscode-test') }) };
  } catch (error) {
    return { skip: `VS Code could not be downloaded (${error instanceof Error ? error.message : String(error)}) and ENDPOINT_LENS_VSCODE_PATH is not set` };
  }
}

async function main(): Promise<number> {
  const found = await vscodeExecutable();
  if ('skip' in found) {
    console.log(`test:extension skipped: ${found.skip}.`);
    console.log('Set ENDPOINT_LENS_VSCODE_PATH to a VS Code executable to run the extension-host suite.');
    return 0;
  }
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) return 1;
  const outDir = join(root, 'out', 'extension-tests');
  await build({
    entryPoints: [join(__dirname, 'suite', 'index.ts')],
    outfile: join(outDir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  // The examples are edited by the insert test, so the window opens a copy.
  const work = mkdtempSync(join(tmpdir(), 'endpoint-lens-extension-'));
  const folder = join(work, 'workspace');
  mkdirSync(folder, { recursive: true });
  cpSync(join(root, 'examples'), folder, { recursive: true });
  const userData = join(work, 'user-data');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ 'endpointLens.catalog.autoUpdate': false, 'security.workspace.trust.enabled': false }));
  try {
    await runTests({
      vscodeExecutablePath: found.path,
      extensionDevelopmentPath: root,
      extensionTestsPath: join(outDir, 'index.js'),
      launchArgs: [folder, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', userData, '--locale', 'en'],
    });
    return 0;
  } catch (error) {
    console.error(`extension-host suite failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
