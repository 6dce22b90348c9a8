import type { Dialect } from '../dialect';
import { parseSquid, type SquidVendor } from './parse';
import { placeSquid } from './place';
import { renderSquid, type SquidTarget } from './render';
import { squidIncludes } from './includes';

export { parseSquid, type SquidVendor } from './parse';
export { renderSquid, type SquidTarget } from './render';

/** Directives only squid.conf has, each with how strongly it says so; every pattern is one line. */
const SIGNALS: ReadonlyArray<{ pattern: RegExp; weight: number }> = [
  { pattern: /^[ \t]*acl[ \t]+\S+[ \t]+(?:dstdomain|dstdom_regex|src|dst|port|method|proto|proxy_auth|ssl::server_name|ssl::server_name_regex|at_step|url_regex|time|browser|myportname)\b/m, weight: 0.5 },
  { pattern: /^[ \t]*http_access[ \t]+(?:allow|deny)\b/m, weight: 0.5 },
  { pattern: /^[ \t]*https?_port[ \t]+\S+/m, weight: 0.3 },
  { pattern: /^[ \t]*ssl_bump[ \t]+(?:peek|stare|splice|bump|terminate)\b/m, weight: 0.5 },
  { pattern: /^[ \t]*cache_peer[ \t]+\S+[ \t]+(?:parent|sibling|multicast)\b/m, weight: 0.5 },
  { pattern: /^[ \t]*(?:never_direct|always_direct)[ \t]+(?:allow|deny)\b/m, weight: 0.4 },
  { pattern: /^[ \t]*(?:refresh_pattern|coredump_dir|cache_dir|visible_hostname|auth_param|sslcrtd_program|cache_mem)[ \t]/m, weight: 0.3 },
];

/** nginx, PAC and firewall text: statements ending in `;` or braces, which squid.conf never has. */
const COUNTER_SIGNALS = [/^[^#\n]*[;{}][ \t]*$/m, /FindProxyForURL/, /^[ \t]*\*(?:filter|nat)\s*$/m, /^[ \t]*(?:set|config)[ \t]+(?:firewall|security|rulebase)\b/m];

/** How much a text looks like squid.conf, by content: the name `*.conf` alone says nothing. */
export function detectSquid(_path: string, text: string): number {
  const head = text.length > 200_000 ? text.slice(0, 200_000) : text;
  if (COUNTER_SIGNALS.some((p) => p.test(head))) return 0;
  let score = 0;
  for (const s of SIGNALS) if (s.pattern.test(head)) score += s.weight;
  return Math.min(1, score);
}

export const squidDialect: Dialect<SquidVendor, SquidTarget> = {
  id: 'squid',
  displayName: 'Squid',
  language: {
    id: 'squid',
    aliases: ['Squid', 'squid'],
    filenames: ['squid.conf'],
    filenamePatterns: ['**/squid/conf.d/*.conf', '**/squid/*.conf'],
    firstLine: '^(?:#.*Squid|acl \\S+ (?:src|dstdomain) |http_port \\d)',
    scopeName: 'source.squid',
  },
  languageIds: ['squid', 'squid-conf', 'squidconf'],
  // A conf.d file under squid/ is also claimed by nginx's `conf.d/*.conf`; between the two, content decides.
  fileNamePatterns: ['squid.conf', 'squid/conf.d/*.conf', 'squid/*.conf'],
  comment: { line: '#' },
  includes: squidIncludes,
  defaultDirection: 'outbound',
  detect: detectSquid,
  parse: (text, context) => parseSquid(text, context),
  place: placeSquid,
  render: renderSquid,
};
