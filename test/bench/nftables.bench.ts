// nftables parse throughput (MB/s) and memory on a generated 100,000-line ruleset.
// Run: npx tsx test/bench/nftables.bench.ts
import { lexNft } from '../../server/src/dialects/nftables/lexer';
import { parseNftables } from '../../server/src/dialects/nftables/parse';
import { measureThroughput } from './stats';

/** One table per site with a named set, a base chain and a jump target, as a large estate writes it. */
function generate(lines: number): string {
  const out: string[] = ['#!/usr/sbin/nft -f', 'flush ruleset', 'define TEAMS = { 13.107.64.0/18, 52.112.0.0/14, 52.122.0.0/15 }'];
  let n = 0;
  while (out.length < lines) {
    const a = n % 250;
    const b = Math.floor(n / 250) % 250;
    out.push(
      `table inet site${n} {`,
      '\tset m365_v4 {',
      '\t\ttype ipv4_addr; flags interval',
      `\t\telements = { 40.96.0.0/13, 52.96.0.0/14, 10.${b}.${a}.0/24 }`,
      '\t}',
      '\tchain output {',
      `\t\ttype filter hook output priority filter + ${n % 10}; policy drop;`,
      '\t\tct state established,related accept',
      '\t\tip daddr $TEAMS udp dport 3478-3481 counter accept comment "Teams media"',
      '\t\tip daddr @m365_v4 tcp dport { 80, 443 } jump m365',
      `\t\tip6 daddr 2603:10${n % 10}6::/40 tcp dport 443 accept`,
      '\t}',
      '\tchain m365 {',
      '\t\tlog prefix "m365 " accept',
      '\t}',
      '}',
    );
    n++;
  }
  return out.join('\n') + '\n';
}

const text = generate(100_000);
console.log(`nftables: ${text.split('\n').length - 1} lines`);
measureThroughput('lex', text, lexNft);
measureThroughput('parse', text, (t) => parseNftables(t).model);
const model = parseNftables(text).model;
console.log(`parse  ${model.references.length} references, ${model.ruleLists.length} rule lists, ${model.paths.length} paths, ${model.problems.length} problems`);
console.log(`rss    ${(process.memoryUsage().rss / (1024 * 1024)).toFixed(0)} MB`);
