import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
export const BIN = join(ROOT, 'bin', 'endpoint-lens.js');

/** A test's own default cache folder, so no test reads the machine's. */
const emptyHome = mkdtempSync(join(tmpdir(), 'endpoint-lens-cli-home-'));
process.on('exit', () => rmSync(emptyHome, { recursive: true, force: true }));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
  ms: number;
}

/**
 * The bundled CLI as a user runs it: a child process with its own exit code, standard output and
 * error (`npm run build`, which `npm test` runs first, makes the bundle).
 */
export function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[]; shell?: string } = {}): CliRun {
  const env = { ...process.env, XDG_CACHE_HOME: join(emptyHome, 'cache'), ENDPOINT_LENS_LOCALE: '', ...options.env };
  const started = Date.now();
  const result = options.shell
    ? spawnSync('sh', ['-c', `${options.shell} && exec "$0" "$@"`, process.execPath, ...(options.nodeArgs ?? []), BIN, ...args], { cwd: options.cwd ?? ROOT, env, encoding: 'utf8', timeout: 120_000 })
    : spawnSync(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], { cwd: options.cwd ?? ROOT, env, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, signal: result.signal, out: result.stdout, err: result.stderr, ms: Date.now() - started };
}

/** A scratch folder, removed after the test. */
export function scratch(prefix: string): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `endpoint-lens-${prefix}-`));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `use` in a scratch folder and removes the folder afterwards, whatever happens. */
export function inScratch(prefix: string, use: (dir: string) => void): void {
  const { dir, done } = scratch(prefix);
  try {
    use(dir);
  } finally {
    done();
  }
}
