// Cisco ASA and IOS parse throughput (MB/s) and memory on generated 100,000-line configurations.
// Run: npx tsx test/bench/cisco.bench.ts
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseCisco } from '../../server/src/dialects/cisco/parse';
import { lexCisco } from '../../server/src/dialects/cisco/lexer';

/** An ASA with per-site object-groups nested into one allow-list and an ACL line per site and service. */
function generateAsa(lines: number): string {
  const out: string[] = ['ASA Version 9.16(4)', 'hostname fw-bench', 'interface GigabitEthernet1/1', ' nameif outside'];
  out.push('object-group network EOP', ' network-object 40.92.0.0 255.254.0.0', ' network-object 40.107.0.0 255.255.0.0', ' network-object 2a01:111:f400::/48');
  let n = 0;
  while (out.length < lines - 1) {
    const a = n % 250;
    const b = Math.floor(n / 250) % 250;
    out.push(
      `object-group network SITE-${n}`,
      ` description Site ${n} servers`,
      ` network-object 10.${b}.${a}.0 255.255.255.0`,
      ` network-object host 192.0.${a}.${b}`,
      ' group-object EOP',
      `access-list outside_in remark site ${n}`,
      `access-list outside_in extended permit tcp object-group EOP object-group SITE-${n} eq smtp log`,
      `access-list outside_in extended permit tcp any host 198.51.${a}.${b} range 8000 8080`,
      `access-list outside_in extended deny ip 10.${b}.${a}.0 255.255.255.0 any`,
    );
    n++;
  }
  out.push('access-group outside_in in interface outside');
  return out.join('\n') + '\n';
}

/** An IOS router with numbered and named lists in wildcard form. */
function generateIos(lines: number): string {
  const out: string[] = ['version 17.6', 'service timestamps log datetime msec', 'hostname rtr-bench', 'interface GigabitEthernet0/0', ' ip access-group EDGE in'];
  out.push('ip access-list extended EDGE');
  let n = 0;
  while (out.length < lines / 2) {
    const a = n % 250;
    const b = Math.floor(n / 250) % 250;
    out.push(` permit tcp 10.${b}.${a}.0 0.0.0.255 host 192.0.${a}.${b} eq 443`, ` deny udp any 172.16.${a}.0 0.0.3.255 range 3478 3481 log`);
    n++;
  }
  while (out.length < lines) {
    const a = n % 250;
    out.push(`access-list ${100 + (n % 100)} permit tcp 52.112.0.0 0.3.255.255 host 10.1.${a}.1 eq www`);
    n++;
  }
  return out.join('\n') + '\n';
}

// A collector we can call, so the memory figure is what the result keeps rather than garbage in waiting.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

function measure(label: string, text: string, fn: (t: string) => unknown): void {
  fn(text.slice(0, 100_000));
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    fn(text);
    best = Math.min(best, performance.now() - start);
  }
  collect();
  const heapBefore = process.memoryUsage().heapUsed;
  const kept = fn(text);
  collect();
  const heapAfter = process.memoryUsage().heapUsed;
  const mb = Buffer.byteLength(text) / (1024 * 1024);
  console.log(
    `${label.padEnd(10)} ${mb.toFixed(1)} MB in ${best.toFixed(0)} ms = ${(mb / (best / 1000)).toFixed(1)} MB/s; the result holds ${((heapAfter - heapBefore) / (1024 * 1024)).toFixed(0)} MB of heap`,
  );
  if (kept === undefined) throw new Error('no result');
}

for (const [name, text] of [
  ['asa', generateAsa(100_000)],
  ['ios', generateIos(100_000)],
] as const) {
  console.log(`cisco ${name}: ${text.split('\n').length - 1} lines`);
  measure(`${name} lex`, text, lexCisco);
  measure(`${name} parse`, text, (t) => parseCisco(t).model);
  const model = parseCisco(text).model;
  const rules = model.ruleLists.reduce((sum, l) => sum + l.rules.length, 0);
  console.log(`${name} model  ${model.references.length} references, ${model.ruleLists.length} lists, ${rules} rules, ${model.problems.length} problems`);
}
console.log(`rss        ${(process.memoryUsage().rss / (1024 * 1024)).toFixed(0)} MB`);
