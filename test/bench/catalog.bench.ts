// Catalogue load time and lookup throughput of the index against a plain linear scan.
// Run: npx tsx test/bench/catalog.bench.ts
import { performance } from 'node:perf_hooks';
import { Catalog } from '../../server/src/catalog/index';
import { loadCatalog, loadOtherEndpoints, snapshotFromJson } from '../../server/src/catalog/load';
import { compileUrlPattern, probeHosts } from '../../server/src/catalog/urlPattern';
import { cidrToInterval, parseCidr, type IpInterval } from '../../server/src/model/address';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../server/src/paths';

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

/**
 * Lookups per second of `fn` over the queries: the best of five rounds of about budgetMs/5 each,
 * after a warm-up round, so JIT compilation and other load on the machine count as little as possible.
 */
function rate<Q>(queries: Q[], fn: (q: Q) => unknown, budgetMs = 1000): number {
  let sink = 0;
  const round = (ms: number): number => {
    let done = 0;
    const start = performance.now();
    while (performance.now() - start < ms) {
      for (const q of queries) {
        const r = fn(q);
        if (Array.isArray(r)) sink += r.length;
      }
      done += queries.length;
    }
    return done / ((performance.now() - start) / 1000);
  };
  round(budgetMs / 5);
  let best = 0;
  for (let i = 0; i < 5; i++) best = Math.max(best, round(budgetMs / 5));
  if (sink < 0) console.log(sink);
  return best;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const cold = time(() => loadCatalog({ instance: 'Worldwide' }));
const text = readFileSync(join(packageRoot(), 'catalog', 'worldwide.json'), 'utf8');
const parse = time(() => snapshotFromJson(JSON.parse(text) as unknown, 'Worldwide'));
if (!parse.value.ok) throw new Error(parse.value.reason);
const snapshot = parse.value.value;
const other = loadOtherEndpoints();
const index = time(() => new Catalog(snapshot, other));
const catalog = index.value;
console.log(`catalogue: Worldwide ${catalog.version}, ${catalog.sets.length} sets, ${catalog.otherRows.length} other-endpoint rows`);
console.log(`load (first call, read + validate + index): ${cold.ms.toFixed(1)} ms`);
console.log(`  read + validate: ${parse.ms.toFixed(1)} ms; build index: ${index.ms.toFixed(1)} ms`);

let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
const addresses: IpInterval[] = [];
for (const set of catalog.sets) {
  for (const ip of set.ips) {
    const r = parseCidr(ip);
    if (r.ok) {
      const iv = cidrToInterval(r.value);
      addresses.push({ family: iv.family, first: iv.first, last: iv.first });
    }
  }
}
for (let i = 0; i < 500; i++) {
  const v = BigInt(random()) * 2n;
  addresses.push({ family: 4, first: v, last: v });
}

const patterns = [...catalog.sets.flatMap((s) => s.urls), ...catalog.otherRows.flatMap((r) => r.destinations.flatMap((d) => d.urls))];
const hosts = [...patterns.flatMap((p) => probeHosts(p)), ...Array.from({ length: 200 }, (_, i) => `host${i}.example${i % 7}.com`)];
const matchers = patterns.map((p) => compileUrlPattern(p));

const addrIndex = rate(addresses, (q) => catalog.lookupAddress(q));
const addrScan = rate(addresses, (q) => catalog.lookupAddressByScan(q));
const hostIndex = rate(hosts, (h) => catalog.lookupHost(h));
const hostScan = rate(hosts, (h) => matchers.filter((m) => m(h)));

console.log(`addresses (${addresses.length} queries, IPv4 and IPv6):`);
console.log(`  index: ${fmt(addrIndex)} lookups/s (${(1e6 / addrIndex).toFixed(2)} µs each)`);
console.log(`  linear scan: ${fmt(addrScan)} lookups/s; index/scan = ${(addrIndex / addrScan).toFixed(1)}x`);
console.log(`host names (${hosts.length} queries, ${patterns.length} patterns):`);
console.log(`  index: ${fmt(hostIndex)} lookups/s (${(1e6 / hostIndex).toFixed(2)} µs each)`);
console.log(`  linear scan: ${fmt(hostScan)} lookups/s; index/scan = ${(hostIndex / hostScan).toFixed(1)}x`);

// The shipped catalogue is small (a few hundred prefixes), so a scan is not far behind; a
// synthetic catalogue a hundred times larger shows how each grows.
const bigSets = Array.from({ length: 200 }, (_, i) => ({
  ...catalog.sets[0]!,
  id: 1000 + i,
  urls: [],
  ips: Array.from({ length: 100 }, () => {
    const len = 12 + (random() % 21);
    const v = (BigInt(random()) * 2n) & ~((1n << BigInt(32 - len)) - 1n);
    return `${[24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.')}/${len}`;
  }),
}));
const big = time(() => new Catalog({ ...snapshot, sets: bigSets }, { format: 1, revision: '2025-01-08', release: '0.1.0', rows: [] }));
const bigIndex = rate(addresses, (q) => big.value.lookupAddress(q));
const bigScan = rate(addresses.slice(0, 100), (q) => big.value.lookupAddressByScan(q));
console.log(`synthetic catalogue of 20,000 IPv4 prefixes (index built in ${big.ms.toFixed(1)} ms):`);
console.log(`  index: ${fmt(bigIndex)} lookups/s (${(1e6 / bigIndex).toFixed(2)} µs each)`);
console.log(`  linear scan: ${fmt(bigScan)} lookups/s; index/scan = ${(bigIndex / bigScan).toFixed(1)}x`);
