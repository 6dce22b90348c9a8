/**
 * Configs of a given size for benchmarks: realistic shape (many site rules, a few Microsoft 365
 * allow-lists, a default deny), deterministic content.
 */

function octets(n: number): [number, number] {
  return [n % 250, Math.floor(n / 250) % 250];
}

/** A site's port: address and port together repeat only past 125,000 sites, so the shift keeps larger files free of repeats. */
function sitePort(n: number): number {
  return 1024 + ((n + Math.floor(n / 125_000)) % 5000);
}

export function iptablesFile(lines: number): string {
  const out = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT DROP [0:0]', ':SITES - [0:0]', '-A OUTPUT -j SITES'];
  out.push('-A OUTPUT -p udp -m multiport --dports 3478:3481 -d 52.112.0.0/14,52.122.0.0/15 -j ACCEPT');
  for (let n = 0; out.length < lines - 1; n++) {
    const [a, b] = octets(n);
    out.push(`-A SITES -p tcp --dport ${sitePort(n)} -d 10.${b}.${a}.0/24 -m comment --comment "site ${n}" -j ACCEPT`);
  }
  out.push('COMMIT');
  return out.join('\n') + '\n';
}

export function nftablesFile(lines: number): string {
  const out = ['table inet filter {', '  chain output {', '    type filter hook output priority filter; policy drop;', '    ip daddr 52.112.0.0/14 udp dport 3478-3481 accept'];
  for (let n = 0; out.length < lines - 2; n++) {
    const [a, b] = octets(n);
    out.push(`    ip daddr 10.${b}.${a}.0/24 tcp dport ${sitePort(n)} accept comment "site ${n}"`);
  }
  out.push('  }', '}');
  return out.join('\n') + '\n';
}

export function ciscoFile(lines: number): string {
  const out = ['hostname fw', 'interface GigabitEthernet0/1', ' nameif inside', 'access-list inside_in extended permit udp any 52.112.0.0 255.252.0.0 range 3478 3481'];
  for (let n = 0; out.length < lines - 2; n++) {
    const [a, b] = octets(n);
    out.push(`access-list inside_in extended permit tcp any 10.${b}.${a}.0 255.255.255.0 eq ${1024 + (n % 5000)}`);
  }
  out.push('access-list inside_in extended deny ip any any', 'access-group inside_in in interface inside');
  return out.join('\n') + '\n';
}

export function nginxFile(lines: number): string {
  const out = ['http {', '  server {', '    listen 443 ssl;', '    server_name mail.example.org;'];
  for (let n = 0; out.length < lines - 4; n++) {
    const [a, b] = octets(n);
    if (n % 50 === 0) out.push(n === 0 ? '    location /EWS/ {' : `    }\n    location /app${n}/ {`);
    out.push(`      allow 10.${b}.${a}.0/24;`);
  }
  out.push('      allow 40.96.0.0/13;', '      deny all;', '    }', '  }', '}');
  return out.join('\n') + '\n';
}

export function pacFile(lines: number): string {
  const out = ['function FindProxyForURL(url, host) {', '  if (shExpMatch(host, "*.sharepoint.com") || shExpMatch(host, "outlook.office.com")) return "DIRECT";'];
  for (let n = 0; out.length < lines - 2; n++) {
    out.push(`  if (dnsDomainIs(host, ".site${n}.example.org")) return "PROXY proxy${n % 7}.example.org:8080";`);
  }
  out.push('  return "PROXY proxy.example.org:8080; DIRECT";', '}');
  return out.join('\n') + '\n';
}

export const GENERATORS: Record<string, { file: string; generate: (lines: number) => string }> = {
  iptables: { file: 'bench.rules.v4', generate: iptablesFile },
  nftables: { file: 'bench.nft', generate: nftablesFile },
  cisco: { file: 'bench.asa', generate: ciscoFile },
  nginx: { file: 'nginx.conf', generate: nginxFile },
  pac: { file: 'proxy.pac', generate: pacFile },
};
