// PAC parse throughput (MB/s) and memory on a generated 100,000-line file, and sandbox throughput
// (FindProxyForURL calls per second, worker start-up, the cost of a killed run).
// Run: npx tsx test/bench/pac.bench.ts
import { performance } from 'node:perf_hooks';
import { parsePac } from '../../server/src/dialects/pac/parse';
import { createPacSandbox, type PacRunOptions } from '../../server/src/pac/sandbox';
import { median, ms } from './stats';

/** A corporate PAC: bypass arrays, intranet tests and one long Microsoft-style condition per block. */
function generate(lines: number): string {
  const out: string[] = [
    'var proxy = "PROXY proxy.contoso.com:8080; DIRECT";',
    'var bypass = ["*.contoso.local", "*.contoso.corp", "intranet"];',
    'function FindProxyForURL(url, host) {',
    '  host = host.toLowerCase();',
    '  for (var i = 0; i < bypass.length; i++) if (shExpMatch(host, bypass[i])) return "DIRECT";',
  ];
  let n = 0;
  while (out.length < lines - 2) {
    out.push(
      `  if (shExpMatch(host, "*.svc${n}.example.com")`,
      `      || dnsDomainIs(host, ".tenant${n}.example.net")`,
      `      || host == "app${n}.example.org"`,
      `      || isInNet(dnsResolve(host), "10.${n % 250}.${Math.floor(n / 250) % 250}.0", "255.255.255.0"))`,
      '    return "DIRECT";',
    );
    n++;
  }
  out.push('  return proxy;', '}');
  return out.join('\n') + '\n';
}

function parseBench(): void {
  const text = generate(100_000);
  parsePac(text.slice(0, 100_000));
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const times: number[] = [];
  let kept: unknown;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    kept = parsePac(text).model;
    times.push(performance.now() - start);
  }
  global.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  const t = median(times);
  const mb = text.length / 1024 / 1024;
  console.log(`parse: ${mb.toFixed(1)} MB, 100,000 lines in ${ms(t)} = ${(mb / (t / 1000)).toFixed(1)} MB/s; heap held by the model ≈ ${((heapAfter - heapBefore) / 1024 / 1024).toFixed(0)} MB${global.gc ? '' : ' (run with --expose-gc for a steadier figure)'}`);
  void kept;
}

async function sandboxBench(): Promise<void> {
  const startedAt = performance.now();
  const sandbox = await createPacSandbox();
  console.log(`sandbox: worker with QuickJS ready in ${ms(performance.now() - startedAt)}`);
  const program = generate(2_000);
  const options: PacRunOptions = { hostAddresses: {}, clientAddress: '10.0.0.5', timeoutMs: 1000, memoryBytes: 32 << 20, totalTimeoutMs: 120_000 };
  const queries = Array.from({ length: 2_000 }, (_, i) => ({ url: `https://h${i}.svc${i % 400}.example.com/`, host: `h${i}.svc${i % 400}.example.com` }));
  const start = performance.now();
  const results = sandbox.evaluate(program, queries, options);
  const t = performance.now() - start;
  const failed = results.filter((r) => !r.ok).length;
  console.log(`sandbox: ${queries.length} FindProxyForURL calls on a 2,000-line PAC in ${ms(t)} = ${Math.round(queries.length / (t / 1000)).toLocaleString('en')} calls/s (${failed} failed)`);
  const killStart = performance.now();
  sandbox.evaluate('var s = "x".repeat(4000000);\nfunction FindProxyForURL(url, host) { for (;;) s.indexOf("y"); }', [{ url: 'https://a/', host: 'a' }], { ...options, timeoutMs: 200 });
  const killed = performance.now() - killStart;
  const againStart = performance.now();
  sandbox.evaluate('function FindProxyForURL(url, host) { return "DIRECT"; }', [{ url: 'https://a/', host: 'a' }], options);
  console.log(`sandbox: a run QuickJS cannot interrupt, 200 ms budget, ends in ${ms(killed)}; the next call (new worker) takes ${ms(performance.now() - againStart)}`);
  sandbox.dispose();
}

parseBench();
void sandboxBench();
