/**
 * Files that go past each bound of server/src/limits.ts, as generators and templates produce them,
 * with the dialect, a file name the dialect is detected from, and what the finding must say.
 */
export interface Pathological {
  name: string;
  dialect: 'nginx' | 'pac' | 'iptables' | 'nftables' | 'cisco';
  text: string;
  /** The analysis-limit message, matched as a regular expression. */
  message: RegExp;
  /** 1-based line of the finding; 0 when it depends on the order flows are evaluated in. */
  line: number;
  /** Another bound the file may meet as well, depending on the machine's speed (the PAC time budget). */
  alsoAllowed?: RegExp;
}

const MEGABYTE = 1024 * 1024;

function nestedPac(depth: number): string {
  return `function FindProxyForURL(url, host) {\n${'if (host != "x") {\n'.repeat(depth)}return "DIRECT";\n${'}\n'.repeat(depth)}return "PROXY p:8080";\n}\n`;
}

function nestedNginx(depth: number): string {
  return `http {\n  server {\n    listen 443;\n${'location /a {\n'.repeat(depth)}allow 52.112.0.0/14;\n${'}\n'.repeat(depth)}  }\n}\n`;
}

function nestedNftables(depth: number): string {
  return `table inet filter {\n  chain output {\n    type filter hook output priority filter; policy drop;\n    ip daddr ${'{ '.repeat(depth)}52.112.0.0/14${' }'.repeat(depth)} accept\n  }\n}\n`;
}

function nestedCiscoGroups(depth: number): string {
  const lines = ['object-group network g0', ' network-object 52.112.0.0 255.252.0.0'];
  for (let i = 1; i < depth; i++) lines.push(`object-group network g${i}`, ` group-object g${i - 1}`);
  lines.push(`access-list out extended permit ip any object-group g${depth - 1}`, 'access-list out extended deny ip any any', 'access-group out out interface outside');
  return lines.join('\n') + '\n';
}

function jumpChains(depth: number): string {
  const lines = ['*filter', ':OUTPUT DROP [0:0]'];
  for (let i = 0; i < depth; i++) lines.push(`:c${i} - [0:0]`);
  lines.push('-A OUTPUT -j c0');
  for (let i = 0; i < depth - 1; i++) lines.push(`-A c${i} -j c${i + 1}`);
  lines.push(`-A c${depth - 1} -d 52.112.0.0/14 -j ACCEPT`, 'COMMIT');
  return lines.join('\n') + '\n';
}

/** A first line of ordinary content, then one line of a megabyte. */
function megabyteLine(dialect: Pathological['dialect']): string {
  switch (dialect) {
    case 'nginx':
      return `http {\n  server { ${'allow 10.0.0.1; '.repeat(MEGABYTE / 16)} }\n}\n`;
    case 'pac':
      return `function FindProxyForURL(url, host) {\n  return ${'"a" + '.repeat(MEGABYTE / 6)}"DIRECT";\n}\n`;
    case 'iptables':
      return `*filter\n-A OUTPUT -d ${'10.0.0.1,'.repeat(MEGABYTE / 9)}10.0.0.2 -j ACCEPT\nCOMMIT\n`;
    case 'nftables':
      return `table inet t {\n  chain c { ip daddr { ${'10.0.0.1, '.repeat(MEGABYTE / 10)}10.0.0.2 } accept }\n}\n`;
    case 'cisco':
      return `hostname edge\naccess-list out remark ${'x'.repeat(MEGABYTE)}\n`;
  }
}

/** Thousands of shExpMatch patterns behind a second host test, as some generated exclusion lists are written. */
function regexHeavyPac(patterns: number): string {
  const alternatives = Array.from({ length: patterns }, (_, i) => `shExpMatch(host, "*.s${i}.example*.com")`).join(' ||\n      ');
  return `function FindProxyForURL(url, host) {\n  if (!isPlainHostName(host)) {\n    if (${alternatives})\n      return "DIRECT";\n  }\n  return "PROXY p:8080";\n}\n`;
}

const NOT_PAST = 'It was not analysed past line';
/** Names each dialect is recognised by without looking inside. */
const EXTENSIONS: Record<Pathological['dialect'], string> = { nginx: '.nginx.conf', pac: '.pac', iptables: '.rules.v4', nftables: '.nft', cisco: '.asa' };

export const PATHOLOGICAL: readonly Pathological[] = [
  { name: 'deep.pac', dialect: 'pac', text: nestedPac(3000), message: new RegExp(`^This file nests 3001 blocks deep; Endpoint Lens reads up to 100\\. ${NOT_PAST} 101\\.$`), line: 101 },
  { name: 'deep.nginx.conf', dialect: 'nginx', text: nestedNginx(10_000), message: new RegExp(`^This file nests 10002 blocks deep; Endpoint Lens reads up to 100\\. ${NOT_PAST} 102\\.$`), line: 102 },
  { name: 'deep.nft', dialect: 'nftables', text: nestedNftables(10_000), message: /^This file nests 10002 blocks deep; Endpoint Lens reads up to 100\. It was not analysed past line 4\.$/, line: 4 },
  { name: 'deep-groups.asa', dialect: 'cisco', text: nestedCiscoGroups(1000), message: /^Object-groups nest more than 32 levels deep here; Endpoint Lens follows up to 32/, line: 1938 },
  { name: 'deep-jumps.rules.v4', dialect: 'iptables', text: jumpChains(1000), message: /^Jumps here go more than 64 chains deep/, line: 1067 },
  ...(['nginx', 'pac', 'iptables', 'nftables', 'cisco'] as const).map((dialect) => ({
    name: `megabyte-line${EXTENSIONS[dialect]}`,
    dialect,
    text: megabyteLine(dialect),
    message: /^Line 2 is \d{7} characters long; Endpoint Lens reads lines of up to 524288 characters\. It was not analysed from line 2 on\.$/,
    line: 2,
  })),
  { name: 'regex-heavy.pac', dialect: 'pac', text: regexHeavyPac(5000), message: /^The host tests on the way to this return add up to a pattern of \d+ characters; Endpoint Lens combines up to 16384/, line: 5003, alsoAllowed: /^The time budget of 1500 ms for running this PAC file ran out/ },
];

/** Shell variables that double one another, the shell's "billion laughs". */
function doublingVariables(steps: number): string {
  const lines = ['#!/bin/sh', 'V0=52.112.0.1'];
  for (let i = 1; i <= steps; i++) lines.push(`V${i}="$V${i - 1} $V${i - 1}"`);
  lines.push(`iptables -A OUTPUT -d $V${steps} -j ACCEPT`);
  return lines.join('\n') + '\n';
}

function doublingDefines(steps: number): string {
  const lines = ['define v0 = 52.112.0.1'];
  for (let i = 1; i <= steps; i++) lines.push(`define v${i} = { $v${i - 1}, $v${i - 1} }`);
  lines.push('table inet t {', '  chain output {', '    type filter hook output priority filter; policy drop;', `    ip daddr $v${steps} accept`, '  }', '}');
  return lines.join('\n') + '\n';
}

/** Rules whose match depends on the process owner, which the file cannot tell. */
function uncertainRules(count: number): string {
  const lines = ['*filter', ':OUTPUT DROP [0:0]'];
  for (let i = 0; i < count; i++) lines.push(`-A OUTPUT -m owner --uid-owner ${1000 + i} -j ACCEPT`);
  lines.push('COMMIT');
  return lines.join('\n') + '\n';
}

/** Chains of uncertain jumps ten wide and seven deep: each level evaluates the next ten times over. */
function branchingJumps(width: number, depth: number): string {
  const lines = ['*filter', ':OUTPUT DROP [0:0]'];
  for (let d = 0; d <= depth; d++) lines.push(`:L${d} - [0:0]`);
  lines.push('-A OUTPUT -j L0');
  for (let d = 0; d < depth; d++) for (let i = 0; i < width; i++) lines.push(`-A L${d} -m owner --uid-owner ${i} -j L${d + 1}`);
  for (let i = 0; i < width; i++) lines.push(`-A L${depth} -m owner --uid-owner ${i} -j ACCEPT`);
  lines.push('COMMIT');
  return lines.join('\n') + '\n';
}

/** Bounds met by shapes that are cheap to read but costly to evaluate or expand; analysed in-process only. */
export const EXPENSIVE: readonly Pathological[] = [
  { name: 'doubling.sh', dialect: 'iptables', text: doublingVariables(30), message: /^A shell variable here grows to more than 262144 characters; .* It was not analysed past line 17\.$/, line: 17 },
  { name: 'doubling.nft', dialect: 'nftables', text: doublingDefines(30), message: /^A define here expands to more than 100000 tokens .* It was not analysed past line 16\.$/, line: 16 },
  { name: 'owner-rules.rules.v4', dialect: 'iptables', text: uncertainRules(1000), message: /^More than 256 rules in a row here depend on conditions the file cannot settle/, line: 259 },
  { name: 'branching.rules.v4', dialect: 'iptables', text: branchingJumps(10, 7), message: /^Evaluating traffic through this list took more than 200000 steps/, line: 0 },
];
