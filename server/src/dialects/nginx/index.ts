import type { Dialect } from '../dialect';
import { nginxIncludes } from './includes';
import { parseNginx, type NginxVendor } from './parse';
import { placeNginx } from './place';
import { renderNginx, type NginxTarget } from './render';

/**
 * Signals that a text is nginx configuration, each with how strongly it says so. Every pattern stays
 * on one line or has a bounded repeat, so no text makes one of them scan the rest of the file from
 * every line.
 */
const SIGNALS: { pattern: RegExp; weight: number }[] = [
  { pattern: /^[ \t]*http\s*\{/m, weight: 0.5 },
  { pattern: /^[ \t]*stream\s*\{/m, weight: 0.5 },
  { pattern: /^[ \t]*server[ \t]*\{[^}]{0,2000}?\blisten[ \t]+[^;{}\s][^;{}\n]*;/m, weight: 0.6 },
  { pattern: /^[ \t]*location[ \t]+[^;{}\s][^;{}\n]*\{/m, weight: 0.5 },
  { pattern: /^[ \t]*proxy_pass\s+[^;{}\s]+\s*;/m, weight: 0.4 },
  { pattern: /^[ \t]*server_name[ \t]+[^;{}\s][^;{}\n]*;/m, weight: 0.4 },
  { pattern: /^[ \t]*(allow|deny)\s+[0-9a-fA-F:.\/]+\s*;/m, weight: 0.2 },
  { pattern: /^[ \t]*(allow|deny)\s+all\s*;/m, weight: 0.3 },
  { pattern: /^[ \t]*map\s+\$\w+\s+\$\w+\s*\{/m, weight: 0.5 },
  { pattern: /^[ \t]*(worker_processes|events\s*\{|upstream\s+\S+\s*\{|ssl_preread\s+on\s*;)/m, weight: 0.4 },
  // Bodies of geo and map blocks kept in files of their own: `40.92.0.0/15 1;`, `default 0;`, `hostnames;`.
  { pattern: /^[ \t]*[0-9A-Fa-f:.]+\/\d{1,3}[ \t]+[^\s;{}]+[ \t]*;/m, weight: 0.3 },
  { pattern: /^[ \t]*default[ \t]+[^\s;{}]+[ \t]*;/m, weight: 0.2 },
  { pattern: /^[ \t]*hostnames[ \t]*;/m, weight: 0.5 },
];

/** Text that is certainly another dialect; nginx never has these. */
const COUNTER_SIGNALS = [/FindProxyForURL/, /^[ \t]*\*(filter|nat|mangle|raw)\s*$/m, /^[ \t]*table\s+(inet|ip6?|arp|bridge|netdev)\s/m, /^[ \t]*access-list\s/m, /^[ \t]*-A\s+\S+/m];

export const nginxDialect: Dialect<NginxVendor, NginxTarget> = {
  id: 'nginx',
  displayName: 'nginx',
  language: {
    id: 'nginx',
    aliases: ['NGINX', 'nginx'],
    extensions: ['.nginx'],
    filenames: ['nginx.conf'],
    filenamePatterns: ['*.nginx.conf', 'nginx*.conf', '**/nginx/**/*.conf', '**/sites-available/*', '**/sites-enabled/*'],
    scopeName: 'source.endpoint-lens.nginx',
  },
  languageIds: ['nginx', 'nginxconf'],
  comment: { line: '#' },
  defaultDirection: 'inbound',
  // Basename globs (nginx.conf, *.nginx, *.nginxconf) decide by name alone. Debian and the official
  // packages keep site and snippet files without a telling extension, so the folders that hold them
  // are matched as trailing path globs (`conf.d/*.conf`, `sites-enabled/*`): matched against the
  // end of the path, they cover /etc/nginx/conf.d/x.conf and a repository's deploy/nginx/conf.d/x.conf alike.
  fileNamePatterns: ['nginx.conf', '*.nginx', '*.nginxconf', 'conf.d/*.conf', 'sites-available/*', 'sites-enabled/*'],
  detect(_path: string, text: string): number {
    // Only the head of a huge file is looked at; configuration shape shows early.
    const head = text.length > 200_000 ? text.slice(0, 200_000) : text;
    if (COUNTER_SIGNALS.some((p) => p.test(head))) return 0;
    let score = 0;
    for (const s of SIGNALS) if (s.pattern.test(head)) score += s.weight;
    return Math.min(1, score);
  },
  parse: parseNginx,
  place: placeNginx,
  render: renderNginx,
  includes: nginxIncludes,
};
