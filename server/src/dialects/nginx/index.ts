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

/** Directives of nginx's core and common modules, for files that hold only a snippet of them (ssl, proxy headers, gzip). */
const DIRECTIVES = new Set(
  (
    'user worker_processes worker_connections worker_rlimit_nofile pid error_log access_log log_format include events http stream mail daemon master_process ' +
    'server listen server_name location root alias index try_files return rewrite if set error_page default_type types sendfile tcp_nopush tcp_nodelay ' +
    'keepalive_timeout keepalive_requests client_max_body_size client_body_timeout client_header_timeout send_timeout server_tokens charset autoindex ' +
    'gzip gzip_types gzip_vary gzip_proxied gzip_comp_level gzip_min_length gzip_disable gzip_http_version expires add_header etag ' +
    'ssl_certificate ssl_certificate_key ssl_protocols ssl_ciphers ssl_prefer_server_ciphers ssl_session_cache ssl_session_timeout ssl_session_tickets ' +
    'ssl_stapling ssl_stapling_verify ssl_dhparam ssl_trusted_certificate ssl_ecdh_curve ssl_verify_client ssl_client_certificate ssl_preread ' +
    'proxy_pass proxy_set_header proxy_redirect proxy_buffering proxy_buffers proxy_buffer_size proxy_read_timeout proxy_connect_timeout proxy_send_timeout ' +
    'proxy_http_version proxy_cache proxy_cache_path proxy_cache_valid proxy_hide_header proxy_intercept_errors proxy_next_upstream proxy_ssl_server_name ' +
    'proxy_ssl_verify proxy_protocol proxy_timeout fastcgi_pass fastcgi_param fastcgi_index fastcgi_split_path_info fastcgi_read_timeout ' +
    'uwsgi_pass uwsgi_param scgi_pass grpc_pass upstream least_conn ip_hash hash keepalive zone resolver resolver_timeout allow deny satisfy ' +
    'auth_basic auth_basic_user_file auth_request limit_req limit_req_zone limit_conn limit_conn_zone limit_rate real_ip_header set_real_ip_from ' +
    'real_ip_recursive map geo split_clients internal open_file_cache large_client_header_buffers client_body_buffer_size server_names_hash_bucket_size ' +
    'types_hash_max_size variables_hash_max_size sub_filter sub_filter_once stub_status worker_shutdown_timeout env load_module lua_package_path'
  ).split(' '),
);

/** A line that is one nginx directive (`name args;`), a block opening (`name args {`), or a closing brace. */
function directiveLines(text: string): { known: number; lines: number } {
  let known = 0;
  let lines = 0;
  for (const raw of text.split(/\r?\n/, 4000)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    lines++;
    if (line === '}' || line === '{') continue;
    const m = /^([a-z_][a-z0-9_]*)(?:\s+[^;{}]*)?\s*[;{]\s*(?:#.*)?$/.exec(line);
    if (m && DIRECTIVES.has(m[1]!)) known++;
  }
  return { known, lines };
}

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
    // A snippet (ssl parameters, proxy headers) has no blocks: most of its lines are nginx directives.
    const { known, lines } = directiveLines(head);
    if (known >= 2 && known / Math.max(1, lines) >= 0.5) score = Math.max(score, 0.6 + Math.min(0.3, known / 20));
    return Math.min(1, score);
  },
  parse: parseNginx,
  place: placeNginx,
  render: renderNginx,
  includes: nginxIncludes,
};
