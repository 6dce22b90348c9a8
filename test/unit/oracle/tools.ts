import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ToolResult {
  status: number | null;
  output: string;
}

export function run(command: string, args: readonly string[], input?: string): ToolResult {
  const result = spawnSync(command, args, { input, encoding: 'utf8', timeout: 60_000 });
  if (result.error) return { status: null, output: String(result.error.message) };
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A scratch folder removed after `use` returns. */
export function withTempDir<T>(use: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-oracle-'));
  try {
    return use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function writeFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The Debian package of each tool the tests use as an oracle; `.ci/run` installs every one. */
export const DEBIAN_PACKAGES: Record<string, string> = {
  iptables: 'iptables',
  ip6tables: 'iptables',
  'iptables-restore': 'iptables',
  'ip6tables-restore': 'iptables',
  'iptables-save': 'iptables',
  'ip6tables-save': 'iptables',
  ipset: 'ipset',
  nft: 'nftables',
  nginx: 'nginx-light',
  patch: 'patch',
  squid: 'squid-openssl',
};

/** Undefined when the command is on the PATH; otherwise the skip message, naming the package to install. */
export function missingTool(command: string): string | undefined {
  if (run('sh', ['-c', `command -v '${command}'`]).status === 0) return undefined;
  const debian = DEBIAN_PACKAGES[command];
  return `${command} is not installed${debian ? ` (apt-get install ${debian})` : ''}`;
}

/**
 * How to run a checking tool here: directly, or in a new user and network namespace when the tool
 * needs privileges it does not have (`unshare -rn`). `probe` is a known-good input; undefined when
 * neither way runs it, with the reason kept for the skip message.
 */
export function findRunner(command: string, args: readonly string[], probe: string): { prefix: string[] } | { skip: string } {
  const missing = missingTool(command);
  if (missing) return { skip: missing };
  const direct = run(command, args, probe);
  if (direct.status === 0) return { prefix: [] };
  const namespaced = run('unshare', ['-rn', command, ...args], probe);
  if (namespaced.status === 0) return { prefix: ['unshare', '-rn'] };
  return { skip: `${command} cannot run here (directly: ${direct.output.trim().split('\n')[0] ?? ''}; in a namespace: ${namespaced.output.trim().split('\n')[0] ?? ''})` };
}

export function runWith(runner: { prefix: string[] }, command: string, args: readonly string[], input?: string): ToolResult {
  const [first, ...rest] = runner.prefix;
  return first === undefined ? run(command, args, input) : run(first, [...rest, command, ...args], input);
}

/** Only a fresh network namespace may run a firewall script: on the host it would replace the real rules. */
export function namespaceForScripts(): { ok: true } | { skip: string } {
  const missing = missingTool('iptables') ?? missingTool('ip6tables');
  if (missing) return { skip: missing };
  const probe = run('unshare', ['-rn', 'sh', '-c', 'iptables -S >/dev/null && ip6tables -S >/dev/null']);
  return probe.status === 0 ? { ok: true } : { skip: `cannot run iptables in a network namespace here: ${probe.output.trim().split('\n')[0] ?? ''}` };
}
