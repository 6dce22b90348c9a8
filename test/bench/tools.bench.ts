// `endpoint-lens check` against the tools administrators already run, on the same generated files in
// the same run: wall time (best of three, process start-up and catalogue load included), our peak
// resident memory, and the ratio to each target. A tool that is not installed is named and its
// ratio skipped; nothing is installed. Run: npx tsx test/bench/tools.bench.ts (needs npm run build).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createPacSandbox, type PacQuery } from '../../server/src/pac/sandbox';
import { iptablesFile, nftablesFile, pacFile } from './generate';

const RUNS = 3;
const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';
const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-bench-'));

/** Records the process's peak resident memory (VmHWM, kB) when it exits, for the CLI runs. */
const PEAK_PRELOAD = join(dir, 'peak.cjs');
writeFileSync(
  PEAK_PRELOAD,
  "const fs = require('node:fs');\nprocess.on('exit', () => { const m = /VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8')); fs.writeFileSync(process.env.ENDPOINT_LENS_BENCH_PEAK, m ? m[1] : ''); });\n",
);

interface Timed {
  ms: number;
  status: number | null;
  output: string;
}

function timeCommand(command: string, args: readonly string[], input?: Buffer, env?: NodeJS.ProcessEnv): Timed {
  const start = performance.now();
  const result = spawnSync(command, args, { input, env: env ?? process.env, maxBuffer: 64 << 20, timeout: 600_000 });
  const ms = performance.now() - start;
  const output = result.error ? result.error.message : `${String(result.stdout)}${String(result.stderr)}`;
  return { ms, status: result.error ? null : result.status, output };
}

function best(runs: () => Timed): Timed {
  let kept: Timed | undefined;
  for (let i = 0; i < RUNS; i++) {
    const run = runs();
    if (!kept || run.ms < kept.ms) kept = run;
  }
  return kept!;
}

/** `check` on one file: best wall time of three runs and the largest peak RSS seen. */
function ourCheck(file: string): { ms: number; peakMb: number; summary: string } {
  const peakFile = join(dir, 'peak.txt');
  let peakMb = 0;
  const env = { ...process.env, ENDPOINT_LENS_BENCH_PEAK: peakFile };
  const run = best(() => {
    const timed = timeCommand(process.execPath, ['--require', PEAK_PRELOAD, join(root, 'bin', 'endpoint-lens.js'), 'check', file, '--fail-on', 'never'], undefined, env);
    peakMb = Math.max(peakMb, Number(readFileSync(peakFile, 'utf8')) / 1024);
    return timed;
  });
  if (run.status !== 0) throw new Error(`check ${file} failed: ${run.output.slice(0, 2000)}`);
  const lines = run.output.trim().split('\n');
  return { ms: run.ms, peakMb, summary: lines[lines.length - 1] ?? '' };
}

/** The reference tool, or why it cannot run here. */
type Tool = { run: () => Timed } | { missing: string };

function installed(command: string, debian: string): string | undefined {
  return spawnSync('sh', ['-c', `command -v '${command}'`]).status === 0 ? undefined : `${command} is not installed (Debian package ${debian})`;
}

/** Runs directly, or in a user and network namespace when the tool needs privileges it lacks here. */
function privileged(command: string, args: string[], input: Buffer | undefined, debian: string): Tool {
  const missing = installed(command, debian);
  if (missing) return { missing };
  if (timeCommand(command, args, input).status === 0) return { run: () => timeCommand(command, args, input) };
  const probe = timeCommand('unshare', ['-rn', command, ...args], input);
  if (probe.status === 0) return { run: () => timeCommand('unshare', ['-rn', command, ...args], input) };
  return { missing: `${command} cannot run here: ${probe.output.trim().split('\n')[0] ?? ''}` };
}

function nginxTool(conf: string): Tool {
  const missing = installed('nginx', 'nginx-light');
  if (missing) return { missing };
  const args = ['-t', '-q', '-p', `${dir}/`, '-e', join(dir, 'error.log'), '-c', conf];
  const probe = timeCommand('nginx', args);
  return probe.status === 0 ? { run: () => timeCommand('nginx', args) } : { missing: `nginx -t refuses the generated file: ${probe.output.trim().split('\n')[0] ?? ''}` };
}

/** A hermetic nginx configuration of about `bytes`: its own pid file, the stream module, and locations of allow lists. */
function nginxConf(bytes: number): string {
  const module = existsSync(STREAM_MODULE) ? `load_module ${STREAM_MODULE};\n` : '';
  const out = [`${module}pid ${dir}/nginx.pid;`, 'events {}', 'stream {', '  server { listen 127.0.0.1:5222; proxy_pass 52.112.0.1:443; }', '}', 'http {', '  server {', '    listen 8443;', '    server_name mail.example.org;'];
  let size = out.join('\n').length;
  for (let n = 0; size < bytes; n++) {
    const line = n % 50 === 0 ? `${n === 0 ? '' : '    }\n'}    location /app${n}/ {` : `      allow 10.${Math.floor(n / 250) % 250}.${n % 250}.0/24;`;
    out.push(line);
    size += line.length + 1;
  }
  out.push('      allow 40.96.0.0/13;', '      deny all;', '    }', '  }', '}');
  return out.join('\n') + '\n';
}

/** Lines of a generator's output that make about `bytes`. */
function linesFor(generate: (lines: number) => string, bytes: number): number {
  return Math.ceil((bytes / generate(2_000).length) * 2_000);
}

interface Row {
  label: string;
  file: string;
  tool: Tool;
  toolName: string;
  maxRatio: number;
  maxPeakMb?: number;
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function rows(): Row[] {
  const MB = 1024 * 1024;
  const ipt4 = write('edge-4mb.rules.v4', iptablesFile(linesFor(iptablesFile, 4 * MB)));
  const ipt20 = write('edge-20mb.rules.v4', iptablesFile(linesFor(iptablesFile, 20 * MB)));
  const nft3 = write('edge-3mb.nft', nftablesFile(linesFor(nftablesFile, 3 * MB)));
  const nginx1 = write('nginx-1mb.conf', nginxConf(1 * MB));
  const nginx3 = write('nginx-3mb.conf', nginxConf(3 * MB));
  const restore = (file: string): Tool => privileged('iptables-restore', ['--test'], readFileSync(file), 'iptables');
  return [
    { label: '4 MB iptables-save', file: ipt4, tool: restore(ipt4), toolName: 'iptables-restore --test', maxRatio: 3, maxPeakMb: 200 },
    { label: '20 MB iptables-save', file: ipt20, tool: restore(ipt20), toolName: 'iptables-restore --test', maxRatio: 3, maxPeakMb: 400 },
    { label: '3 MB nftables', file: nft3, tool: privileged('nft', ['-c', '-f', nft3], undefined, 'nftables'), toolName: 'nft -c -f', maxRatio: 1.5 },
    { label: '1 MB nginx', file: nginx1, tool: nginxTool(nginx1), toolName: 'nginx -t', maxRatio: 3 },
    { label: '3 MB nginx', file: nginx3, tool: nginxTool(nginx3), toolName: 'nginx -t', maxRatio: 3 },
  ];
}

const verdict = (ok: boolean): string => (ok ? 'meets' : 'MISSES');

function fileRows(): void {
  console.log('work                   size     check            peak RSS           real tool                        ratio');
  for (const row of rows()) {
    const ours = ourCheck(row.file);
    const size = `${(readFileSync(row.file).length / (1024 * 1024)).toFixed(1)} MB`;
    const peak = `${ours.peakMb.toFixed(0)} MB${row.maxPeakMb ? ` (≤${row.maxPeakMb} ${verdict(ours.peakMb <= row.maxPeakMb)})` : ''}`;
    let theirs: string;
    let ratio: string;
    if ('missing' in row.tool) {
      theirs = `skipped: ${row.tool.missing}`;
      ratio = '-';
    } else {
      const tool = best(row.tool.run);
      theirs = tool.status === 0 ? `${row.toolName} ${(tool.ms / 1000).toFixed(2)} s` : `${row.toolName} failed: ${tool.output.trim().split('\n')[0] ?? ''}`;
      ratio = tool.status === 0 ? `${(ours.ms / tool.ms).toFixed(1)}× (≤${row.maxRatio}× ${verdict(ours.ms / tool.ms <= row.maxRatio)})` : '-';
    }
    console.log(`${row.label.padEnd(22)} ${size.padEnd(8)} ${`${(ours.ms / 1000).toFixed(2)} s`.padEnd(16)} ${peak.padEnd(18)} ${theirs.padEnd(32)} ${ratio}`);
    console.log(`${''.padEnd(22)} ${ours.summary}`);
  }
}

function pacQueries(): PacQuery[] {
  return Array.from({ length: 2_000 }, (_, i) => {
    const host = i % 3 === 0 ? `h${i}.site${i % 1_900}.example.org` : i % 3 === 1 ? `team${i}.sharepoint.com` : `host${i}.example.net`;
    return { url: `https://${host}/`, host };
  });
}

const PACPARSER = `
import sys, time, pacparser
pacparser.init()
pacparser.parse_pac_file(sys.argv[1])
hosts = [line.rstrip('\\n') for line in open(sys.argv[2])]
start = time.perf_counter()
for host in hosts:
    pacparser.find_proxy('https://' + host + '/', host)
print(len(hosts) / (time.perf_counter() - start))
`;

async function pacRow(): Promise<void> {
  const program = pacFile(2_000);
  const queries = pacQueries();
  const sandbox = await createPacSandbox();
  let ours = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const results = sandbox.evaluate(program, queries, { hostAddresses: {}, clientAddress: '10.0.0.5', timeoutMs: 5_000, memoryBytes: 32 << 20, totalTimeoutMs: 120_000 });
    const seconds = (performance.now() - start) / 1000;
    if (results.some((r) => !r.ok)) throw new Error('a PAC query failed');
    ours = Math.max(ours, queries.length / seconds);
  }
  sandbox.dispose();
  const pacPath = write('proxy.pac', program);
  const hostsPath = write('hosts.txt', queries.map((q) => q.host).join('\n') + '\n');
  const python = '/usr/bin/python3';
  const probe = existsSync(python) ? timeCommand(python, ['-c', 'import pacparser']) : { status: 1, output: `${python} is missing`, ms: 0 };
  let theirs = 'skipped: python3-pacparser is not installed (Debian package python3-pacparser)';
  let ratio = '-';
  if (probe.status === 0) {
    let rate = 0;
    for (let i = 0; i < RUNS; i++) rate = Math.max(rate, Number(String(spawnSync(python, ['-c', PACPARSER, pacPath, hostsPath]).stdout).trim()));
    theirs = `pacparser ${Math.round(rate).toLocaleString('en')} answers/s`;
    ratio = `${(ours / rate).toFixed(2)}× (≥0.5× ${verdict(ours / rate >= 0.5)})`;
  }
  console.log(`PAC, 2,000 lines, 2,000 queries: ours ${Math.round(ours).toLocaleString('en')} answers/s; ${theirs}; ratio ${ratio}`);
}

void (async () => {
  try {
    fileRows();
    await pacRow();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();
