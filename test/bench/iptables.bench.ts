// iptables parse throughput (MB/s) and memory on a generated 100,000-line iptables-save file and a
// 100,000-line shell script. Run: npx tsx test/bench/iptables.bench.ts
import { lexShell } from '../../server/src/dialects/iptables/lexer';
import { parseIptables } from '../../server/src/dialects/iptables/parse';
import { measureThroughput } from './stats';

/** Per-site egress chains in save form, the way a large branch estate's rules look. */
function generateSave(lines: number): string {
  const out: string[] = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT DROP [0:0]'];
  let n = 0;
  while (out.length < lines - 1) {
    const a = n % 250;
    const b = Math.floor(n / 250) % 250;
    out.splice(4, 0, `:SITE_${n} - [0:0]`);
    out.push(
      `-A OUTPUT -s 10.${b}.${a}.0/24 -j SITE_${n}`,
      `-A SITE_${n} -d 52.112.0.0/14 -p udp -m udp --dport 3478:3481 -m comment --comment "site ${n} Teams media" -j ACCEPT`,
      `-A SITE_${n} -d 13.107.6.152/31,13.107.18.10/31,40.96.0.0/13 -p tcp -m multiport --dports 80,443 -j ACCEPT`,
      `-A SITE_${n} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`,
      `-A SITE_${n} -j RETURN`,
    );
    n++;
  }
  out.push('COMMIT');
  return out.join('\n') + '\n';
}

function generateScript(lines: number): string {
  const out: string[] = ['#!/bin/sh', 'IPT=/usr/sbin/iptables', 'TEAMS="52.112.0.0/14 52.122.0.0/15"'];
  let n = 0;
  while (out.length < lines) {
    out.push(
      `$IPT -N SITE_${n}`,
      `for net in $TEAMS; do $IPT -A SITE_${n} -p udp -d "$net" --dport 3478:3481 -j ACCEPT; done`,
      `$IPT -A SITE_${n} -p tcp -m multiport --dports 80,443 \\`,
      `     -d 40.96.0.0/13 -m comment --comment "site ${n}" -j ACCEPT`,
      `ip6tables -A OUTPUT -p tcp -d 2603:10${n % 10}6::/40 --dport 443 -j ACCEPT`,
    );
    n++;
  }
  return out.join('\n') + '\n';
}

for (const [name, text] of [
  ['save', generateSave(100_000)],
  ['script', generateScript(100_000)],
] as const) {
  console.log(`iptables ${name}: ${text.split('\n').length - 1} lines`);
  measureThroughput(`lex ${name}`, text, (t) => lexShell(t), 13);
  measureThroughput(`parse ${name}`, text, (t) => parseIptables(t).model, 13);
  const model = parseIptables(text).model;
  console.log(`parse ${name}: ${model.references.length} references, ${model.ruleLists.length} rule lists, ${model.problems.length} problems`);
}
console.log(`rss ${(process.memoryUsage().rss / (1024 * 1024)).toFixed(0)} MB`);
