// Installs a pinned code-server (the real VS Code workbench and its Node extension host) into a cache
// folder outside the repository, for the browser test. Idempotent: a marker file records a finished
// install, so the second run costs nothing. Run directly (`node scripts/code-server.mjs`) or import
// ensureCodeServer().
//
// code-server's own install scripts would download ripgrep from GitHub and, as root, refuse to run,
// so packages are installed with --ignore-scripts and the native modules are rebuilt by hand.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';

export function codeServerCacheDir() {
  return process.env.ENDPOINT_LENS_CODE_SERVER_DIR ?? join(homedir(), '.cache', 'endpoint-lens-code-server');
}

function run(command, args, cwd, { allowFailure = false } = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0 && !allowFailure) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed with ${result.status}:\n${result.stdout}\n${result.stderr}`.slice(0, 8000));
  }
  console.log(`code-server setup: ${command} ${args.join(' ')} — ${result.status === 0 ? 'ok' : `exit ${result.status}, tolerated`} (${seconds}s)`);
  return result.status === 0;
}

/** Returns the path of the code-server launcher, installing it first when needed. */
export function ensureCodeServer() {
  const root = codeServerCacheDir();
  const marker = join(root, `.installed-${CODE_SERVER_VERSION}`);
  const launcher = join(root, 'node_modules', '.bin', 'code-server');
  if (existsSync(marker) && existsSync(launcher)) return launcher;

  for (const [path, pkg] of [['/usr/bin/rg', 'ripgrep'], ['/usr/include/gssapi/gssapi.h', 'libkrb5-dev']]) {
    if (!existsSync(path)) throw new Error(`code-server setup needs ${path}: apt-get install -y ${pkg}`);
  }
  // A half-finished install from an interrupted run is not worth repairing.
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'endpoint-lens-code-server', private: true }) + '\n');

  run('npm', ['install', '--ignore-scripts', '--no-save', `code-server@${CODE_SERVER_VERSION}`], root);
  const vscodeDir = join(root, 'node_modules', 'code-server', 'lib', 'vscode');
  run('npm', ['install', '--omit=dev', '--ignore-scripts'], vscodeDir);
  // node-pty's post-install step ends with `npx node-gyp` writing compile_commands.json, which fails
  // without network; pty.node is built before that, so the failure is checked below instead.
  run('npm', ['rebuild', 'kerberos', '@vscode/deviceid', '@vscode/spdlog', 'native-watchdog', 'node-pty'], vscodeDir, { allowFailure: true });
  for (const built of ['node_modules/node-pty/build/Release/pty.node', 'node_modules/@vscode/spdlog/build/Release/spdlog.node']) {
    if (!existsSync(join(vscodeDir, built))) throw new Error(`code-server setup: ${built} was not built`);
  }
  const rgDir = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgDir, { recursive: true });
  copyFileSync('/usr/bin/rg', join(rgDir, 'rg'));
  chmodSync(join(rgDir, 'rg'), 0o755);
  if (!existsSync(join(vscodeDir, 'node_modules.asar'))) symlinkSync('node_modules', join(vscodeDir, 'node_modules.asar'));
  run('npm', ['install', '--omit=dev', '--ignore-scripts'], join(vscodeDir, 'extensions'));
  run('npm', ['rebuild', 'argon2'], root);
  if (!existsSync(launcher)) throw new Error(`code-server setup: ${launcher} missing after install`);
  writeFileSync(marker, new Date().toISOString() + '\n');
  return launcher;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureCodeServer());
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
