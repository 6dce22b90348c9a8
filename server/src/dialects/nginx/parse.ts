import { t } from '../../l10n';
import { parseAddressRange, parseCidr, cidrToInterval, parseIp, type IpInterval } from '../../model/address';
import type {
  AnalysisLimit,
  Comment,
  EvaluationPath,
  HostMatcher,
  LocationMatch,
  PathRoute,
  PortRange,
  Reference,
  ReferenceKind,
  ReferenceRole,
  Rule,
  RuleList,
  SyntaxProblem,
} from '../../model/config';
import { LineIndex, type Range } from '../../model/range';
import type { ParseContext, Parsed } from '../dialect';
import { readableText } from '../bounds';
import { ALL_PORTS } from '../../model/ports';
import { lexCompact, type NginxToken } from './lexer';
import { buildTree, shown, type NginxDirective } from './grammar';

export type { NginxDirective } from './grammar';

/** The kinds of block nginx gives meaning to; `other` is any block this parser does not model. */
export type NginxContextKind =
  | 'main'
  | 'events'
  | 'http'
  | 'server'
  | 'location'
  | 'limit_except'
  | 'if'
  | 'upstream'
  | 'map'
  | 'geo'
  | 'types'
  | 'stream'
  | 'stream-server'
  | 'stream-upstream'
  | 'other';

export interface NginxContextInfo {
  kind: NginxContextKind;
  /** Unique id; equals the RuleList id when the context has an effective access list. */
  id: string;
  name: string;
  /** Range of the block's header (`location /owa`), or the whole file for the fragment root. */
  range: Range;
  /** Index into NginxVendor.contexts of the enclosing context. */
  parent?: number;
  /** Id of the RuleList that applies to requests handled here, own or inherited. */
  accessListId?: string;
  /** Whether the list is written here (true) or inherited from an enclosing block (false). */
  accessListOwn?: boolean;
  listenPorts: number[];
  /** The protocol of each listen directive's port, in the same order (`udp` for `listen 53 udp` and HTTP/3 `quic`). */
  listenProtocols: ('tcp' | 'udp')[];
  /** The address each listen directive is bound to, in the same order; undefined for every address (`listen 443`, `*:443`, a host name). */
  listenAddresses: (IpInterval | undefined)[];
  /** For location blocks: how a request path selects it; absent for named locations (`@name`), which no request path selects. */
  location?: LocationMatch;
  /** `ssl_preread on` in a stream server: it reads the TLS server name to route the connection. */
  sslPreread?: boolean;
  /** `satisfy any` here: a client that passes authentication gets in although allow/deny refuse it. */
  satisfyAny?: boolean;
  /** Offset of the block's `{` and `}`, when it has a block in this file. */
  block?: { open: number; close: number };
  /** `if` blocks here that end a request with an error status, by a variable's value. */
  guards?: NginxGuard[];
  /**
   * For server blocks: the address families the listen directives accept connections on (`listen 443`
   * is IPv4 only, `[::]:443` IPv6 only unless `ipv6only=off`). Absent when it cannot be told.
   */
  families?: (4 | 6)[];
  /** Families of each listen directive written here, in order. */
  listenFamilies: (4 | 6)[][];
  serverNames: string[];
  /** Includes written directly in this context: rules in those files may change the access list. */
  includes: string[];
}

export interface NginxInclude {
  path: string;
  range: Range;
  context: NginxContextKind;
}

export interface NginxMapInfo {
  source: string;
  variable: string;
  hostnames: boolean;
  range: Range;
  /** Set for maps on $ssl_preread_server_name. */
  listId?: string;
  entries: { key: string; value: string; referenceId?: number }[];
  defaultValue?: string;
}

/** A `geo` block: the variable it sets from the client address and the value each network gets. */
export interface NginxGeoInfo {
  variable: string;
  /** The variable the address is read from; `$remote_addr` unless the block names another. */
  source: string;
  ranges: boolean;
  entries: Array<{ interval: IpInterval; value: string; range: Range; referenceId: number }>;
  defaultValue: string;
  defaultRange?: Range;
  /** Offsets of the block's braces. */
  block?: { open: number; close: number };
  /** `proxy`, `delete` or an `include`: entries this file does not show or that change the address. */
  unsettled?: string;
}

/** `if (…) { return 4xx; }` in a server or location: requests whose variable has a refusing value end there. */
export interface NginxGuard {
  variable: string;
  /** Which values refuse: equal to (`=`), different from (`!=`), empty or "0" (`!$v`), anything else (`$v`). */
  test: { op: '=' | '!='; value: string } | { op: 'false' | 'true' };
  range: Range;
}

/** What the nginx parser knows beyond the common model: the directive tree, contexts, includes and maps. */
export interface NginxVendor {
  /** True when the file has no main-context directives and is read as an included fragment. */
  fragment: boolean;
  /** The context the top level of the file is read in (`main` for a whole configuration). */
  rootContext: NginxContextKind;
  directives: NginxDirective[];
  contexts: NginxContextInfo[];
  includes: NginxInclude[];
  maps: NginxMapInfo[];
  geos: NginxGeoInfo[];
  /** The rule lists made of a geo block as a guard reads it: which geo (index into `geos`) and guard. */
  guardLists: Array<{ listId: string; geo: number; guard: NginxGuard }>;
  upstreams: string[];
}

/** Directives that only a whole configuration has at its top level. */
const MAIN_ONLY = new Set([
  'http',
  'events',
  'stream',
  'mail',
  'user',
  'worker_processes',
  'pid',
  'load_module',
  'worker_rlimit_nofile',
  'daemon',
  'master_process',
  'env',
  'worker_cpu_affinity',
  'thread_pool',
  'pcre_jit',
  'lock_file',
]);

/** Directives that live in the http context (not in server or location), used to place fragments. */
const HTTP_LEVEL = new Set([
  'upstream',
  'log_format',
  'proxy_cache_path',
  'limit_req_zone',
  'limit_conn_zone',
  'server_names_hash_bucket_size',
  'server_names_hash_max_size',
  'variables_hash_max_size',
  'map_hash_bucket_size',
  'ssl_session_cache',
]);

const BLOCK_DIRECTIVES = new Set(['http', 'events', 'stream', 'location', 'map', 'geo', 'upstream', 'limit_except', 'if', 'types']);
const SIMPLE_DIRECTIVES = new Set(['allow', 'deny', 'listen', 'server_name', 'proxy_pass', 'resolver', 'set_real_ip_from', 'include']);
const ACCESS_CONTEXTS = new Set<NginxContextKind>(['http', 'server', 'location', 'limit_except', 'stream', 'stream-server']);
/** Contexts where nginx certainly rejects allow/deny; unknown module blocks are given the benefit of the doubt. */
const NO_ACCESS_CONTEXTS = new Set<NginxContextKind>(['main', 'events', 'if', 'upstream', 'stream-upstream', 'types']);
/** Files of directive parameters that sites include everywhere; they never hold allow/deny. */
const PARAMETER_FILES = /(^|\/)(proxy_params|fastcgi_params|fastcgi\.conf|uwsgi_params|scgi_params|mime\.types|fastcgi-php\.conf|snakeoil\.conf)$/;
const HOST_VARIABLES = new Set(['$ssl_preread_server_name', '$host', '$http_host', '$server_name']);
const MAP_SPECIAL = new Set(['hostnames', 'volatile']);
/** Variables that hold the client's address as text. */
const CLIENT_ADDRESS_VARIABLES = new Set(['$remote_addr', '$realip_remote_addr']);

function childContext(parent: NginxContextKind, name: string): NginxContextKind {
  switch (parent) {
    case 'main':
      return name === 'http' ? 'http' : name === 'stream' ? 'stream' : name === 'events' ? 'events' : 'other';
    case 'http':
      if (name === 'server') return 'server';
      if (name === 'upstream') return 'upstream';
      if (name === 'map') return 'map';
      if (name === 'geo') return 'geo';
      return name === 'types' ? 'types' : 'other';
    case 'server':
    case 'location':
      if (name === 'location') return 'location';
      if (name === 'if') return 'if';
      if (name === 'types') return 'types';
      return name === 'limit_except' && parent === 'location' ? 'limit_except' : 'other';
    case 'stream':
      if (name === 'server') return 'stream-server';
      if (name === 'upstream') return 'stream-upstream';
      if (name === 'map') return 'map';
      return name === 'geo' ? 'geo' : 'other';
    default:
      return 'other';
  }
}

interface AddressClass {
  kind: ReferenceKind;
  interval?: IpInterval;
  hostBitsSet?: boolean;
  invalidReason?: string;
}

/** A token that nginx reads as an address or network (allow, deny, geo, set_real_ip_from). */
function classifyAddress(value: string): AddressClass {
  if (value.includes('/')) {
    const r = parseCidr(value);
    if (r.ok) return { kind: 'cidr', interval: cidrToInterval(r.value), hostBitsSet: r.value.hostBitsSet };
    return { kind: 'cidr', invalidReason: r.reason };
  }
  const r = parseIp(value);
  if (r.ok) {
    const interval: IpInterval = { family: r.value.family, first: r.value.value, last: r.value.value };
    return { kind: r.value.family === 4 ? 'ipv4' : 'ipv6', interval };
  }
  if (value.includes(':')) return { kind: 'ipv6', invalidReason: r.reason };
  if (/^[\d.]+$/.test(value)) return { kind: 'ipv4', invalidReason: r.reason };
  return { kind: 'hostname', invalidReason: 'hostname-not-allowed' };
}

/** A host or IP written where nginx connects to or resolves something (proxy_pass, resolver, upstream server). */
function classifyHost(value: string): AddressClass | undefined {
  if (value.length === 0 || value.includes('$') || value === '*') return undefined;
  const ip = parseIp(value);
  if (ip.ok) {
    return { kind: ip.value.family === 4 ? 'ipv4' : 'ipv6', interval: { family: ip.value.family, first: ip.value.value, last: ip.value.value } };
  }
  if (/^[\d.]+$/.test(value)) return { kind: 'ipv4', invalidReason: ip.reason };
  if (value.includes(':')) return { kind: 'ipv6', invalidReason: ip.reason };
  // A name without a dot is an upstream or a local name; it says nothing the catalogue can match.
  if (!value.includes('.') || !/^[A-Za-z0-9._-]+$/.test(value)) return undefined;
  return { kind: 'hostname' };
}

/** `host`, `host:port`, `[v6]:port` → where the host part sits inside the value. */
function splitHostPort(value: string, bareIpv6: boolean): { host: string; offset: number } | undefined {
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close < 0) return undefined;
    return { host: value.slice(1, close), offset: 1 };
  }
  const colons = value.split(':').length - 1;
  if (colons > 1) return bareIpv6 ? { host: value, offset: 0 } : undefined;
  if (colons === 1) return { host: value.slice(0, value.indexOf(':')), offset: 0 };
  return { host: value, offset: 0 };
}

function regexMatcher(pattern: string): HostMatcher {
  if (pattern.startsWith('~*')) return { kind: 'regex', source: pattern.slice(2), flags: 'i' };
  return { kind: 'regex', source: pattern.slice(1), flags: '' };
}

/**
 * nginx host-name patterns (server_name, map with `hostnames`): `.x.com` is the apex and every
 * subdomain, `*.x.com` subdomains at any depth, `www.x.*` any ending, `~…` a regex.
 */
function hostPattern(value: string, wildcards: boolean): { kind: ReferenceKind; matchers: HostMatcher[]; interval?: IpInterval } | undefined {
  if (value.startsWith('~') && value.length > 1) return { kind: 'host-regex', matchers: [regexMatcher(value)] };
  if (value.length === 0 || value === '_' || value.includes('$')) return undefined;
  if (wildcards) {
    if (value.startsWith('.') && value.length > 1) {
      return { kind: 'host-wildcard', matchers: [{ kind: 'exact', host: value.slice(1) }, { kind: 'glob', glob: `*${value}` }] };
    }
    if (value.startsWith('*.') || value.endsWith('.*')) return { kind: 'host-wildcard', matchers: [{ kind: 'glob', glob: value }] };
  }
  const ip = parseIp(value);
  if (ip.ok) {
    return {
      kind: ip.value.family === 4 ? 'ipv4' : 'ipv6',
      matchers: [{ kind: 'exact', host: value }],
      interval: { family: ip.value.family, first: ip.value.value, last: ip.value.value },
    };
  }
  return { kind: 'hostname', matchers: [{ kind: 'exact', host: value }] };
}

/** An `if` that ends the request with an error status when a variable has (or lacks) a value; undefined for any other `if`. */
function guardOf(d: NginxDirective, range: Range): NginxGuard | undefined {
  const refuses = (d.block ?? []).some((c) => c.name === 'return' && /^(4\d\d|5\d\d)$/.test(c.args[0]?.value ?? ''));
  if (!refuses) return undefined;
  const condition = d.args.map((a) => a.value).join(' ');
  const m = /^\(\s*(!?)\s*(\$\w+)\s*(?:(=|!=)\s*(.*?))?\s*\)$/.exec(condition);
  if (!m) return undefined;
  const [, not, variable, op, value] = m;
  if (op === '=' || op === '!=') return { variable: variable!, test: { op, value: (value ?? '').replace(/^"(.*)"$/, '$1') }, range };
  return { variable: variable!, test: { op: not === '!' ? 'false' : 'true' }, range };
}

/** Whether a guard refuses a request whose variable has `value`. */
export function guardRefuses(guard: NginxGuard, value: string): boolean {
  const test = guard.test;
  if (test.op === '=') return value === test.value;
  if (test.op === '!=') return value !== test.value;
  const falsy = value === '' || value === '0';
  return test.op === 'false' ? falsy : !falsy;
}

/** How a `location` block's arguments select requests; undefined for a named location or arguments nginx rejects. */
function locationMatch(d: NginxDirective): LocationMatch | undefined {
  const [first, second] = d.args.map((a) => a.value);
  if (first === undefined) return undefined;
  if (second !== undefined) {
    if (first === '=') return { kind: 'exact', pattern: second };
    if (first === '^~') return { kind: 'prefix-final', pattern: second };
    if (first === '~') return { kind: 'regex', pattern: second };
    if (first === '~*') return { kind: 'regex', pattern: second, caseless: true };
    return undefined;
  }
  if (first.startsWith('@')) return undefined;
  return { kind: 'prefix', pattern: first };
}

/** Ports a web server block is taken to listen on when its listen lines may be in an include this file does not show. */
const WEB_PORTS_WHEN_UNSAID: PortRange[] = [
  { from: 80, to: 80 },
  { from: 443, to: 443 },
  { from: 8080, to: 8080 },
  { from: 8443, to: 8443 },
];

/**
 * The listeners of a server block: its listen lines; nginx's `*:80` for an http server without
 * any; the web ports (http) or every port (stream) when an include may hold them.
 */
function listenersOf(server: NginxContextInfo | undefined, stream: boolean): PathRoute['listeners'] {
  if (server && server.listenPorts.length > 0) {
    return server.listenPorts.map((port, i) => {
      const address = server.listenAddresses[i];
      return { protocol: server.listenProtocols[i] ?? 'tcp', ports: [{ from: port, to: port }], ...(address ? { addresses: [address] } : {}) };
    });
  }
  const unsaid = !server || server.includes.some((path) => !PARAMETER_FILES.test(path));
  if (!unsaid) return stream ? [] : [{ protocol: 'tcp', ports: [{ from: 80, to: 80 }] }];
  return stream ? [{ protocol: 'tcp', ports: ALL_PORTS }, { protocol: 'udp', ports: ALL_PORTS }] : [{ protocol: 'tcp', ports: WEB_PORTS_WHEN_UNSAID }];
}

const ROUTED_CONTEXTS = new Set<NginxContextKind>(['server', 'stream-server', 'location', 'limit_except']);

/**
 * Which connections and requests reach a context: those of its server's listeners, and of the
 * requests the chain of locations down to it selects. An http or stream block is a place of its
 * own only in a file without server blocks (a fragment); a named location has no route.
 */
function routeOf(wc: WalkContext, server: WalkContext | undefined, hasServers: boolean): PathRoute | undefined {
  const kind = wc.info.kind;
  const stream = kind === 'stream-server' || kind === 'stream' || server?.info.kind === 'stream-server' || wc.info.kind === 'stream';
  if (!ROUTED_CONTEXTS.has(kind)) {
    if ((kind !== 'http' && kind !== 'stream') || hasServers || wc.info.accessListId === undefined) return undefined;
    return { listeners: listenersOf(undefined, stream), server: wc.info.id, locations: [] };
  }
  const locations: PathRoute['locations'] = [];
  for (let at: WalkContext | undefined = wc; at && at !== server && at.parent !== undefined; at = at.parent) {
    if (at.info.kind !== 'location') continue;
    if (!at.info.location) return undefined;
    locations.unshift({ id: at.info.id, match: at.info.location });
  }
  return { listeners: listenersOf(server?.info, stream), server: server?.info.id ?? 'fragment', locations };
}

interface WalkContext {
  info: NginxContextInfo;
  index: number;
  parent?: WalkContext;
  ownRules: Rule[];
  /** limit_except: the rules apply only to some requests. */
  condition?: string;
}

/** Which context a file without main-context directives was most likely included into. */
function inferRootContext(directives: NginxDirective[]): { kind: NginxContextKind; fragment: boolean } {
  if (directives.length === 0 || directives.some((d) => MAIN_ONLY.has(d.name))) return { kind: 'main', fragment: false };
  const names = new Set(directives.map((d) => d.name));
  const streamSign = (list: NginxDirective[]): boolean =>
    list.some(
      (d) =>
        d.name === 'ssl_preread' ||
        (d.name === 'proxy_pass' && d.args.length === 1 && !d.args[0]!.value.includes('://')) ||
        (d.name === 'listen' && d.args.some((a) => a.value === 'udp')),
    );
  const isSniMap = (d: NginxDirective): boolean => d.name === 'map' && d.args[0]?.value === '$ssl_preread_server_name';
  const servers = directives.filter((d) => d.name === 'server' && d.block);
  if (servers.length > 0) {
    return { kind: servers.some((s) => streamSign(s.block!)) || directives.some(isSniMap) ? 'stream' : 'http', fragment: true };
  }
  if (names.has('location') || names.has('server_name') || names.has('listen')) {
    return { kind: streamSign(directives) && !names.has('location') ? 'stream-server' : 'server', fragment: true };
  }
  if (directives.some(isSniMap)) return { kind: 'stream', fragment: true };
  if (directives.some((d) => HTTP_LEVEL.has(d.name) || ((d.name === 'map' || d.name === 'geo') && d.block))) {
    return { kind: 'http', fragment: true };
  }
  const geoKeys = new Set(['default', 'proxy', 'proxy_recursive', 'ranges', 'delete', 'include']);
  const looksAddress = (d: NginxDirective): boolean => classifyAddress(d.name.split('-')[0]!).invalidReason === undefined;
  if (directives.some(looksAddress) && directives.every((d) => looksAddress(d) || geoKeys.has(d.name))) return { kind: 'geo', fragment: true };
  const mapKey = (d: NginxDirective): boolean => !d.block && d.args.length === 1 && /^[~.*]|\.[a-z]/i.test(d.name);
  if (names.has('hostnames') || (directives.some(mapKey) && directives.every((d) => mapKey(d) || d.name === 'default' || d.name === 'include' || MAP_SPECIAL.has(d.name)))) {
    return { kind: 'map', fragment: true };
  }
  if (streamSign(directives)) return { kind: 'stream-server', fragment: true };
  return { kind: 'location', fragment: true };
}

export function parseNginx(text: string, options?: ParseContext): Parsed<NginxVendor> {
  const lines = new LineIndex(text);
  const rangeOf = (start: number, end: number): Range => lines.rangeOf(start, end);
  const problems: SyntaxProblem[] = [];
  const problem = (start: number, end: number, message: string, severity: 'error' | 'warning' = 'error'): void => {
    problems.push({ range: rangeOf(start, end), message, severity });
  };

  const readable = readableText(text, lines);
  const cut = readable.limit !== undefined;
  const lexed = lexCompact(readable.text);
  for (const p of lexed.problems) {
    // What is left open where reading stopped says nothing about the file.
    if (cut && p.end >= readable.text.length) continue;
    if (p.code === 'unterminated-quote') problem(p.start, p.end, t('Unterminated string: the closing {0} is missing', text[p.start] ?? '"'));
    else if (p.code === 'unexpected-after-quote') problem(p.start, p.end, t('Unexpected "{0}" after a quoted string', p.detail ?? ''));
    else problem(p.start, p.end, t('Unterminated Lua block'));
  }
  const comments: Comment[] = [];
  for (let i = 0; i < lexed.tokens.count; i++) {
    if (lexed.tokens.kind(i) === 'comment') comments.push({ range: rangeOf(lexed.tokens.start(i), lexed.tokens.end(i)), text: lexed.tokens.value(i).trim() });
  }

  const tree = buildTree(text, lexed.tokens, problem, lines, cut);
  const limits = [readable.limit, tree.limit].filter((l): l is AnalysisLimit => l !== undefined);
  const baseName = (options?.fileName ?? '').split(/[\\/]/).pop() ?? '';
  const inferred = baseName === 'nginx.conf' ? { kind: 'main' as const, fragment: false } : inferRootContext(tree.directives);
  const upstreamNames = new Set(tree.upstreams);

  const references: Reference[] = [];
  const contexts: NginxContextInfo[] = [];
  const walkContexts: WalkContext[] = [];
  const includes: NginxInclude[] = [];
  const maps: NginxMapInfo[] = [];
  const geos: NginxGeoInfo[] = [];
  const ruleLists: RuleList[] = [];
  const paths: EvaluationPath[] = [];
  const usedIds = new Set<string>();
  const nextSuffix = new Map<string, number>();

  /** `base`, or `base #2`, `#3`… ; the counter per base keeps thousands of twins linear. */
  const uniqueId = (base: string): string => {
    let n = nextSuffix.get(base) ?? 1;
    let id = n === 1 ? base : `${base} #${n}`;
    while (usedIds.has(id)) id = `${base} #${++n}`;
    nextSuffix.set(base, n + 1);
    usedIds.add(id);
    return id;
  };

  /** A reference for part of a token; offsets inside the value map 1:1 only when nothing was escaped. */
  const addReference = (
    token: NginxToken,
    role: ReferenceRole,
    cls: { kind: ReferenceKind; interval?: IpInterval; hostBitsSet?: boolean; invalidReason?: string; hostMatchers?: HostMatcher[] },
    from = 0,
    to = token.value.length,
  ): number | undefined => {
    // A string cut short by a missing quote holds the rest of its line, not an address.
    if (token.unterminated) return undefined;
    const exact = !token.escaped;
    const start = exact ? token.contentStart + from : token.contentStart;
    const end = exact ? token.contentStart + to : token.contentEnd;
    const ref: Reference = { text: exact ? token.value.slice(from, to) : token.value, kind: cls.kind, role, range: rangeOf(start, end) };
    if (cls.interval) ref.interval = cls.interval;
    if (cls.hostBitsSet) ref.hostBitsSet = true;
    if (cls.hostMatchers) ref.hostMatchers = cls.hostMatchers;
    if (cls.invalidReason) ref.invalidReason = cls.invalidReason;
    references.push(ref);
    return references.length - 1;
  };

  const hostReference = (token: NginxToken, role: ReferenceRole, value: string, offset: number, bareIpv6: boolean): void => {
    const hp = splitHostPort(value, bareIpv6);
    if (!hp) return;
    const cls = classifyHost(hp.host);
    if (!cls || (cls.kind === 'hostname' && upstreamNames.has(hp.host))) return;
    if (cls.kind === 'hostname') addReference(token, role, { ...cls, hostMatchers: [{ kind: 'exact', host: hp.host }] }, offset + hp.offset, offset + hp.offset + hp.host.length);
    else addReference(token, role, cls, offset + hp.offset, offset + hp.offset + hp.host.length);
  };

  const argCount = (d: NginxDirective, min: number, max: number): boolean => {
    const n = d.args.length;
    if (n >= min && n <= max) return true;
    const first = d.args[0];
    const onFirstLine = first ? d.args.filter((a) => lines.positionAt(a.start).line === lines.positionAt(d.start).line) : [];
    const spansLines = first !== undefined && onFirstLine.length < n;
    if (spansLines && n > max) {
      const lastOnFirst = onFirstLine[onFirstLine.length - 1] ?? d.nameToken;
      problem(d.start, lastOnFirst.end, t('Invalid number of arguments in "{0}"; is a ";" missing at the end of line {1}?', shown(d.name), lines.positionAt(d.start).line + 1));
    } else {
      const last = d.args[d.args.length - 1] ?? d.nameToken;
      problem(d.start, last.end, t('Invalid number of arguments in "{0}"', shown(d.name)));
    }
    return false;
  };

  const directiveRange = (d: NginxDirective): Range => rangeOf(d.start, d.end);
  const headerEnd = (d: NginxDirective): number => (d.args.length > 0 ? d.args[d.args.length - 1]!.end : d.nameToken.end);

  const newContext = (kind: NginxContextKind, d: NginxDirective | undefined, parent: WalkContext | undefined): WalkContext => {
    let label: string;
    if (!d) {
      label = inferred.fragment ? `fragment (${kind})` : 'main';
    } else if (kind === 'server' || kind === 'stream-server') {
      const names = (d.block ?? []).find((c) => c.name === 'server_name')?.args.map((a) => a.value) ?? [];
      const listen = (d.block ?? []).find((c) => c.name === 'listen')?.args[0]?.value;
      label = ['server', names[0], listen].filter((x) => x !== undefined && x !== '').join(' ');
    } else {
      label = [d.name, ...d.args.map((a) => (a.quoted ? `"${a.value}"` : a.value))].join(' ');
    }
    if (label.length > 120) label = `${label.slice(0, 120)}…`;
    // Deeply nested blocks would make every id repeat its ancestors; past a few levels the line says where.
    let prefix = parent && parent.info.kind !== 'main' ? `${parent.info.id} > ` : '';
    if (prefix.length > 200 && d) prefix = `… > `;
    if (prefix === '… > ' && d) label = `${label} (line ${lines.positionAt(d.start).line + 1})`;
    const id = uniqueId(`${prefix}${label}`);
    const name = d ? id.replace(/^(http|fragment \([a-z-]+\)) > /, '') : t('{0} (included fragment)', kind);
    const info: NginxContextInfo = {
      kind,
      id,
      name,
      range: d ? rangeOf(d.start, headerEnd(d)) : rangeOf(0, text.length),
      listenPorts: [],
      listenProtocols: [],
      listenAddresses: [],
      listenFamilies: [],
      serverNames: [],
      includes: [],
    };
    if (parent) info.parent = parent.index;
    if (d?.openOffset !== undefined && d.closeOffset !== undefined) info.block = { open: d.openOffset, close: d.closeOffset };
    if (kind === 'location' && d) {
      const match = locationMatch(d);
      if (match) info.location = match;
    }
    contexts.push(info);
    const wc: WalkContext = { info, index: contexts.length - 1, ownRules: [] };
    if (parent) wc.parent = parent;
    if (kind === 'limit_except' && d) wc.condition = t('only requests whose method is not {0}', d.args.map((a) => a.value).join(', '));
    walkContexts.push(wc);
    return wc;
  };

  const accessRule = (d: NginxDirective, ctx: WalkContext): void => {
    if (NO_ACCESS_CONTEXTS.has(ctx.info.kind) && !(inferred.fragment && ctx.parent === undefined)) {
      problem(d.nameToken.start, d.nameToken.end, t('"{0}" is not allowed here', shown(d.name)));
    }
    if (!argCount(d, 1, 1)) return;
    const arg = d.args[0]!;
    const rule: Rule = {
      range: directiveRange(d),
      actionRange: rangeOf(d.nameToken.start, d.nameToken.end),
      action: { type: d.name === 'allow' ? 'accept' : 'drop' },
      text: text.slice(d.start, d.end),
    };
    if (arg.value === 'all') {
      // No `sources`: the rule matches any client.
    } else if (arg.value.startsWith('unix:')) {
      // Only requests over a UNIX socket match; no IP flow ever does.
      rule.sources = { referenceIds: [], intervals: [], negated: false };
      rule.comment = 'unix:';
    } else {
      const cls = classifyAddress(arg.value);
      const id = addReference(arg, 'source', cls);
      rule.sources = { referenceIds: id === undefined ? [] : [id], intervals: cls.interval && id !== undefined ? [cls.interval] : [], negated: false };
    }
    if (ctx.condition) rule.unknownConditions = [ctx.condition];
    ctx.ownRules.push(rule);
  };

  const handleListen = (d: NginxDirective, ctx: WalkContext): void => {
    if (!argCount(d, 1, Number.MAX_SAFE_INTEGER)) return;
    const arg = d.args[0]!;
    const v = arg.value;
    if (v.startsWith('unix:')) return;
    let host: string | undefined;
    let offset = 0;
    let port: string | undefined;
    if (v.startsWith('[')) {
      const close = v.indexOf(']');
      if (close > 0) {
        host = v.slice(1, close);
        offset = 1;
        port = v.slice(close + 1).replace(/^:/, '');
      }
    } else if (/^\d+$/.test(v)) {
      port = v;
    } else {
      const colon = v.lastIndexOf(':');
      host = colon < 0 ? v : v.slice(0, colon);
      port = colon < 0 ? undefined : v.slice(colon + 1);
    }
    const portNumber = port ? Number(port) : 80;
    if (Number.isInteger(portNumber) && portNumber > 0 && portNumber < 65536) {
      ctx.info.listenPorts.push(portNumber);
      ctx.info.listenProtocols.push(d.args.some((a) => a.value === 'udp' || a.value === 'quic') ? 'udp' : 'tcp');
    }
    const ip = parseIp(host ?? '');
    if (Number.isInteger(portNumber) && portNumber > 0 && portNumber < 65536) {
      ctx.info.listenAddresses.push(ip.ok ? { family: ip.value.family, first: ip.value.value, last: ip.value.value } : undefined);
    }
    if (offset === 1) ctx.info.listenFamilies.push(d.args.some((a) => a.value === 'ipv6only=off') ? [4, 6] : [6]);
    else if (host === undefined || host === '*' || (ip.ok && ip.value.family === 4)) ctx.info.listenFamilies.push([4]);
    else ctx.info.listenFamilies.push([4, 6]);
    if (host === undefined || host === '*' || host.length === 0) return;
    let cls: AddressClass;
    if (ip.ok) cls = { kind: ip.value.family === 4 ? 'ipv4' : 'ipv6', interval: { family: ip.value.family, first: ip.value.value, last: ip.value.value } };
    else if (/^[\d.]+$/.test(host)) cls = { kind: 'ipv4', invalidReason: ip.reason };
    else if (offset === 1) cls = { kind: 'ipv6', invalidReason: ip.reason };
    else cls = { kind: 'hostname' };
    addReference(arg, 'other', cls.kind === 'hostname' ? { ...cls, hostMatchers: [{ kind: 'exact', host }] } : cls, offset, offset + host.length);
  };

  const handleServerName = (d: NginxDirective, ctx: WalkContext): void => {
    for (const arg of d.args) {
      ctx.info.serverNames.push(arg.value);
      const hp = hostPattern(arg.value, true);
      if (!hp) continue;
      const cls: AddressClass & { hostMatchers: HostMatcher[] } = { kind: hp.kind, hostMatchers: hp.matchers };
      if (hp.interval) cls.interval = hp.interval;
      addReference(arg, 'host-pattern', cls);
    }
  };

  const handleProxyPass = (d: NginxDirective): void => {
    if (!argCount(d, 1, 1)) return;
    const arg = d.args[0]!;
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(arg.value);
    const offset = scheme ? scheme[0].length : 0;
    const rest = arg.value.slice(offset);
    const slash = rest.indexOf('/');
    hostReference(arg, 'destination', slash < 0 ? rest : rest.slice(0, slash), offset, false);
  };

  const handleUpstreamServer = (d: NginxDirective): void => {
    const arg = d.args[0];
    if (!arg || arg.value.startsWith('unix:')) return;
    hostReference(arg, 'destination', arg.value, 0, false);
  };

  const handleResolver = (d: NginxDirective): void => {
    if (!argCount(d, 1, Number.MAX_SAFE_INTEGER)) return;
    for (const arg of d.args) {
      if (arg.value.includes('=')) continue;
      hostReference(arg, 'resolver', arg.value, 0, true);
    }
  };

  /** `entries` names the geo or map block whose body the file continues; such a file holds entries, not directives. */
  const handleInclude = (d: NginxDirective, ctx: WalkContext, entries?: 'geo' | 'map'): void => {
    if (!argCount(d, 1, 1)) return;
    const arg = d.args[0]!;
    includes.push({ path: arg.value, range: rangeOf(arg.start, arg.end), context: entries ?? ctx.info.kind });
    if (!entries) ctx.info.includes.push(arg.value);
  };

  const handleGeoEntries = (entries: NginxDirective[], ctx: WalkContext, rangesMode: boolean, info?: NginxGeoInfo): void => {
    let ranges = rangesMode;
    // nginx warns about a network given twice and keeps the later value.
    const networks = new Set<string>();
    for (const e of entries) {
      if (e.block) problem(e.start, (e.openOffset ?? e.start) + 1, t('Unexpected "{0}"', '{'));
      if (e.name === 'ranges' && e.args.length === 0) {
        ranges = true;
        if (info) info.ranges = true;
        continue;
      }
      if (e.name === 'proxy_recursive') continue;
      if (e.name === 'include') {
        handleInclude(e, ctx, 'geo');
        if (info) info.unsettled = t('{0} may hold more of its networks', shown(e.args[0]?.value ?? ''));
        continue;
      }
      if (e.name === 'default') {
        if (argCount(e, 1, 1) && info) {
          info.defaultValue = e.args[0]!.value;
          info.defaultRange = directiveRange(e);
        }
        continue;
      }
      // In `ranges` mode keys (and what `delete` removes) are `first-last`; otherwise networks.
      const geoKey = (token: NginxToken): number | undefined => {
        const dash = token.value.indexOf('-');
        if (ranges && dash > 0) {
          const r = parseAddressRange(token.value.slice(0, dash), token.value.slice(dash + 1));
          return addReference(token, 'source', r.ok ? { kind: 'range', interval: r.value } : { kind: 'range', invalidReason: r.reason });
        }
        return addReference(token, 'source', classifyAddress(token.value));
      };
      if (e.name === 'proxy') {
        if (argCount(e, 1, 1)) addReference(e.args[0]!, 'source', classifyAddress(e.args[0]!.value));
        if (info) info.unsettled = t('"proxy" reads the client address from a header for some senders');
        continue;
      }
      if (e.name === 'delete') {
        if (argCount(e, 1, 1)) geoKey(e.args[0]!);
        if (info) info.unsettled = t('"delete" takes networks out again');
        continue;
      }
      const counted = argCount(e, 1, 1);
      const id = geoKey(e.nameToken);
      const interval = id === undefined ? undefined : references[id]!.interval;
      if (interval && counted && id !== undefined && info) {
        // A network given twice keeps its later value, as nginx does.
        info.entries = info.entries.filter((x) => x.interval.family !== interval.family || x.interval.first !== interval.first || x.interval.last !== interval.last);
        info.entries.push({ interval, value: e.args[0]!.value, range: directiveRange(e), referenceId: id });
      }
      if (interval) {
        const key = `${interval.family}:${interval.first}:${interval.last}`;
        if (networks.has(key)) problem(e.nameToken.start, e.nameToken.end, t('Duplicate network "{0}"; nginx keeps the later value', shown(e.name)), 'warning');
        networks.add(key);
      }
    }
  };

  /**
   * A map on anything but a host name compares strings, so an address key (`52.112.0.0/14 1;`) matches
   * only that text; it is still an address the reader wants named, and an address value (`52.96.0.1:443`)
   * is where the variable may send traffic.
   */
  const addressEntryReferences = (e: NginxDirective, key: string, valueToken: NginxToken, keyRole: ReferenceRole): void => {
    if (!key.startsWith('~') && e.name === key && /^[\d.]+(\/\d+)?$|:.*:/.test(key)) {
      const cls = classifyAddress(key);
      if (cls.kind !== 'hostname' && !cls.invalidReason) addReference(e.nameToken, keyRole, cls);
    }
    const hp = splitHostPort(valueToken.value, false);
    if (hp && parseIp(hp.host).ok) hostReference(valueToken, 'destination', valueToken.value, 0, false);
  };

  const handleMapEntries = (entries: NginxDirective[], ctx: WalkContext, info: NginxMapInfo, hostKeys: boolean): Rule[] => {
    const rules: Rule[] = [];
    // nginx reads `hostnames` as a switch: only the entries after it get wildcard meaning.
    let hostnames = false;
    // Keys as nginx stores them (lower case; `.x.com` is both `x.com` and `*.x.com`): a second one is fatal.
    const seen = new Set<string>();
    let seenDefault = false;
    for (const e of entries) {
      if (e.block) problem(e.start, (e.openOffset ?? e.start) + 1, t('Unexpected "{0}"', '{'));
      if (e.name === 'hostnames' && e.args.length === 0 && !e.nameToken.quoted) hostnames = true;
      if (MAP_SPECIAL.has(e.name) && e.args.length === 0 && !e.nameToken.quoted) continue;
      if (e.name === 'include' && !e.nameToken.quoted) {
        handleInclude(e, ctx, 'map');
        continue;
      }
      if (!argCount(e, 1, 1)) continue;
      const valueToken = e.args[0]!;
      if (e.name === 'default' && !e.nameToken.quoted) {
        if (seenDefault) problem(e.nameToken.start, e.nameToken.end, t('Duplicate "default" in this map'));
        seenDefault = true;
        info.defaultValue = valueToken.value;
        continue;
      }
      // A leading backslash lets a key spell a special word (`\default`).
      const key = e.name.startsWith('\\') ? e.name.slice(1) : e.name;
      if (!key.startsWith('~')) {
        const lower = key.toLowerCase();
        const stored = hostnames && lower.startsWith('.') && lower.length > 1 ? [lower.slice(1), `*${lower}`] : [lower];
        if (stored.some((k) => seen.has(k))) problem(e.nameToken.start, e.nameToken.end, t('"{0}" conflicts with an earlier entry of this map', shown(key)));
        for (const k of stored) seen.add(k);
      }
      const entry: NginxMapInfo['entries'][number] = { key, value: valueToken.value };
      if (hostKeys) {
        const hp = hostPattern(key, hostnames);
        if (hp) {
          const cls: AddressClass & { hostMatchers: HostMatcher[] } = { kind: hp.kind, hostMatchers: hp.matchers };
          if (hp.interval) cls.interval = hp.interval;
          const id = addReference(e.nameToken, 'host-pattern', cls, e.name.length - key.length);
          if (id !== undefined) entry.referenceId = id;
          for (const matcher of hp.matchers) {
            if (id === undefined) break;
            rules.push({
              range: directiveRange(e),
              actionRange: rangeOf(valueToken.start, valueToken.end),
              action: { type: valueToken.value === '' ? 'drop' : 'accept' },
              hosts: { referenceIds: [id], matchers: [matcher], negated: false },
              comment: valueToken.value,
              text: text.slice(e.start, e.end),
            });
          }
        }
        hostReference(valueToken, 'destination', valueToken.value, 0, false);
      } else {
        addressEntryReferences(e, key, valueToken, CLIENT_ADDRESS_VARIABLES.has(info.source) ? 'source' : 'other');
      }
      info.entries.push(entry);
    }
    return rules;
  };

  /** nginx tries exact names, then the longest leading wildcard, then the longest trailing one, then regexes in order. */
  const mapPriority = (rules: Rule[]): Rule[] => {
    const klass = (m: HostMatcher): number => (m.kind === 'exact' ? 0 : m.kind === 'glob' ? (m.glob.startsWith('*') ? 1 : 2) : 3);
    const length = (m: HostMatcher): number => (m.kind === 'glob' ? m.glob.length : 0);
    return rules
      .map((rule, index) => ({ rule, index, m: rule.hosts!.matchers[0]! }))
      .sort((a, b) => klass(a.m) - klass(b.m) || length(b.m) - length(a.m) || a.index - b.index)
      .map((x) => x.rule);
  };

  const handleMap = (d: NginxDirective, ctx: WalkContext): void => {
    argCount(d, 2, 2);
    const source = d.args[0]?.value ?? '';
    const variable = d.args[1]?.value ?? '';
    const entries = d.block ?? [];
    const info: NginxMapInfo = {
      source,
      variable,
      hostnames: entries.some((e) => e.name === 'hostnames' && e.args.length === 0),
      range: rangeOf(d.start, headerEnd(d)),
      entries: [],
    };
    maps.push(info);
    const rules = handleMapEntries(entries, ctx, info, HOST_VARIABLES.has(source));
    if (source !== '$ssl_preread_server_name') return;
    const id = uniqueId(`map ${source} ${variable}`);
    info.listId = id;
    const defaultEntry = entries.find((e) => e.name === 'default' && !e.nameToken.quoted && e.args.length === 1);
    const list: RuleList = {
      id,
      name: `map ${source} ${variable}`,
      kind: 'sni-routing',
      rules: mapPriority(rules),
      // A name no entry matches gets the default value; without one it gets "" and proxy_pass has nowhere to go.
      defaultAction: info.defaultValue !== undefined && info.defaultValue !== '' ? 'accept' : 'drop',
      range: info.range,
    };
    if (defaultEntry) list.defaultRange = directiveRange(defaultEntry);
    ruleLists.push(list);
  };

  const checkBlockShape = (d: NginxDirective, kind: NginxContextKind): boolean => {
    const isBlock = d.block !== undefined || d.rawBlock !== undefined;
    const serverIsBlock = d.name === 'server' && kind !== 'upstream' && kind !== 'stream-upstream';
    if ((BLOCK_DIRECTIVES.has(d.name) || serverIsBlock) && !isBlock && !(kind === 'map' || kind === 'geo')) {
      problem(d.start, headerEnd(d), t('Directive "{0}" has no opening "{"', d.name));
    } else if (SIMPLE_DIRECTIVES.has(d.name) && isBlock && kind !== 'map' && kind !== 'geo') {
      problem(d.start, (d.openOffset ?? headerEnd(d)) + 1, t('"{0}" is not terminated by ";"', d.name));
      return false;
    }
    return true;
  };

  // Walk the tree depth-first with an explicit stack; children are visited in source order.
  const rootCtx = newContext(inferred.kind, undefined, undefined);
  interface Frame {
    list: NginxDirective[];
    index: number;
    ctx: WalkContext;
  }
  const stack: Frame[] = [];
  if (inferred.kind === 'geo') handleGeoEntries(tree.directives, rootCtx, false);
  else if (inferred.kind === 'map') {
    const info: NginxMapInfo = { source: '', variable: '', hostnames: tree.directives.some((e) => e.name === 'hostnames'), range: rangeOf(0, 0), entries: [] };
    maps.push(info);
    handleMapEntries(tree.directives, rootCtx, info, true);
  } else stack.push({ list: tree.directives, index: 0, ctx: rootCtx });

  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const d = frame.list[frame.index++];
    if (!d) {
      stack.pop();
      continue;
    }
    const ctx = frame.ctx;
    const kind = ctx.info.kind;
    // A one-line directive that swallowed a block is a missing `;`; its words are not what the author meant.
    if (!checkBlockShape(d, kind)) continue;
    switch (d.name) {
      case 'allow':
      case 'deny':
        accessRule(d, ctx);
        break;
      case 'listen':
        handleListen(d, ctx);
        break;
      case 'server_name':
        handleServerName(d, ctx);
        break;
      case 'proxy_pass':
        handleProxyPass(d);
        break;
      case 'resolver':
        handleResolver(d);
        break;
      case 'set_real_ip_from':
        if (argCount(d, 1, 1)) {
          const arg = d.args[0]!;
          if (!arg.value.startsWith('unix:')) addReference(arg, 'source', classifyAddress(arg.value));
        }
        break;
      case 'include':
        handleInclude(d, ctx);
        break;
      case 'ssl_preread':
        if (d.args[0]?.value === 'on') ctx.info.sslPreread = true;
        break;
      case 'satisfy':
        if (d.args[0]?.value === 'any') ctx.info.satisfyAny = true;
        break;
      case 'server':
        if (kind === 'upstream' || kind === 'stream-upstream') handleUpstreamServer(d);
        break;
      case 'map':
        if (d.block) handleMap(d, ctx);
        continue;
      case 'geo':
        if (d.block) {
          argCount(d, 1, 2);
          const variable = d.args[d.args.length - 1]?.value ?? '';
          const info: NginxGeoInfo = { variable, source: d.args.length === 2 ? d.args[0]!.value : '$remote_addr', ranges: false, entries: [], defaultValue: '' };
          if (d.openOffset !== undefined && d.closeOffset !== undefined) info.block = { open: d.openOffset, close: d.closeOffset };
          handleGeoEntries(d.block, ctx, false, info);
          geos.push(info);
        }
        continue;
      case 'if': {
        const guard = guardOf(d, rangeOf(d.start, d.end));
        if (guard) (ctx.info.guards ??= []).push(guard);
        break;
      }
      default:
        break;
    }
    if (d.block && d.name !== 'types') {
      const childKind = childContext(kind, d.name);
      // Blocks this parser does not model get a context of their own that no access list is built
      // from, and nothing inside them is flagged as misplaced.
      const childCtx: WalkContext =
        childKind === 'other' ? { info: { ...ctx.info, kind: 'other' }, index: ctx.index, parent: ctx, ownRules: [] } : newContext(childKind, d, ctx);
      stack.push({ list: d.block, index: 0, ctx: childCtx });
    }
  }

  // Access lists: a context with its own allow/deny replaces what it would inherit; otherwise it inherits.
  /**
   * The families clients reach a server block on. A server without listen takes nginx's default
   * `*:80`, IPv4 only, unless an include could hold its listen directives.
   */
  const serverOf = new Map<WalkContext, WalkContext | undefined>();
  const enclosingServer = (wc: WalkContext): WalkContext | undefined => {
    // Walk up to the first context whose server is known, then record it for the whole chain.
    const chain: WalkContext[] = [];
    let at: WalkContext | undefined = wc;
    let found: WalkContext | undefined;
    while (at) {
      if (serverOf.has(at)) {
        found = serverOf.get(at);
        break;
      }
      if (at.info.kind === 'server' || at.info.kind === 'stream-server') {
        found = at;
        break;
      }
      chain.push(at);
      at = at.parent;
    }
    for (const c of chain) serverOf.set(c, found);
    return found;
  };
  const serverFamilies = (wc: WalkContext): (4 | 6)[] | undefined => {
    const server = enclosingServer(wc);
    if (!server) return undefined;
    const info = server.info;
    // Both families stated by listen directives are said explicitly, so the analysis knows a
    // dual-stack server means IPv6 traffic too; an include that may hold the listen lines leaves
    // the families unknown.
    if (info.listenFamilies.length === 0 && info.includes.some((path) => !PARAMETER_FILES.test(path))) return undefined;
    if (info.families !== undefined) return info.families;
    const seen = new Set<4 | 6>();
    for (const f of info.listenFamilies) for (const x of f) seen.add(x);
    if (info.listenFamilies.length === 0) seen.add(4);
    info.families = [...seen].sort();
    return info.families;
  };

  // Contexts come in document order, so a parent is always resolved before its children.
  const effective = new Map<WalkContext, Rule[] | undefined>();
  for (const wc of walkContexts) {
    const inherited = wc.parent ? effective.get(wc.parent) : undefined;
    if (!ACCESS_CONTEXTS.has(wc.info.kind)) {
      effective.set(wc, inherited);
      continue;
    }
    const own = wc.ownRules.length > 0;
    const rules = own ? wc.ownRules : inherited;
    effective.set(wc, rules);
    if (!rules) continue;
    // An included file could hold allow/deny of its own, which would replace the inherited list here;
    // the parameter files every site includes never do.
    const unknownInclude = own ? undefined : wc.info.includes.find((path) => !PARAMETER_FILES.test(path));
    const listRules = unknownInclude
      ? rules.map((r) => ({ ...r, unknownConditions: [...(r.unknownConditions ?? []), t('{0} may hold allow/deny rules that replace these', shown(unknownInclude))] }))
      : rules;
    const list: RuleList = {
      id: wc.info.id,
      name: wc.info.name,
      kind: 'http-access',
      rules: listRules,
      defaultAction: 'accept',
      range: wc.info.range,
    };
    const families = serverFamilies(wc);
    if (families) list.families = families;
    ruleLists.push(list);
    wc.info.accessListId = list.id;
    wc.info.accessListOwn = own;
  }

  // A guard on a geo variable refuses the clients whose networks get a refusing value: a list of its own, most specific network first, as geo matches.
  const guardLists = new Map<WalkContext, string[]>();
  const guardListInfo: NginxVendor['guardLists'] = [];
  for (const wc of walkContexts) {
    for (const guard of wc.info.guards ?? []) {
      const geo = [...geos].reverse().find((g) => g.variable === guard.variable);
      if (!geo) continue;
      const unsettled = geo.unsettled ?? (geo.source !== '$remote_addr' ? t('geo {0} reads the address from {1}', geo.variable, geo.source) : undefined);
      const entries = [...geo.entries].sort((a, b) => (a.interval.last - a.interval.first < b.interval.last - b.interval.first ? -1 : a.interval.last - a.interval.first > b.interval.last - b.interval.first ? 1 : 0));
      const list: RuleList = {
        id: uniqueId(`${wc.info.id} | geo ${geo.variable}`),
        name: t('geo {0} as the "if" on line {1} reads it', geo.variable, guard.range.start.line + 1),
        kind: 'http-access',
        rules: entries.map((e) => ({
          range: e.range,
          actionRange: e.range,
          action: { type: guardRefuses(guard, e.value) ? 'drop' : 'accept' },
          sources: { referenceIds: [e.referenceId], intervals: [e.interval], negated: false },
          ...(unsettled ? { unknownConditions: [unsettled] } : {}),
          text: text.slice(lines.offsetAt(e.range.start), lines.offsetAt(e.range.end)),
        })),
        defaultAction: guardRefuses(guard, geo.defaultValue) ? 'drop' : 'accept',
        range: guard.range,
      };
      if (geo.defaultRange) list.defaultRange = geo.defaultRange;
      const families = serverFamilies(wc);
      if (families) list.families = families;
      ruleLists.push(list);
      guardLists.set(wc, [...(guardLists.get(wc) ?? []), list.id]);
      guardListInfo.push({ listId: list.id, geo: geos.indexOf(geo), guard });
    }
  }
  /** The guard lists a request meets on its way to a context: the server's first, then each location's. */
  const guardsOnTheWay = (wc: WalkContext): string[] => {
    const chain: WalkContext[] = [];
    for (let at: WalkContext | undefined = wc; at; at = at.parent) chain.unshift(at);
    return chain.flatMap((c) => guardLists.get(c) ?? []);
  };

  // Paths: each server and location a request can end in, with the listeners and locations that lead there.
  const hasServers = walkContexts.some((wc) => wc.info.kind === 'server' || wc.info.kind === 'stream-server');
  for (const wc of walkContexts) {
    const route = routeOf(wc, enclosingServer(wc), hasServers);
    if (!route) continue;
    const listId = wc.info.accessListId;
    const stages = [...guardsOnTheWay(wc), ...(listId ? [listId] : [])];
    paths.push({ id: `path:${wc.info.id}`, name: wc.info.name, direction: 'inbound', stages, range: wc.info.range, route });
  }

  const vendor: NginxVendor = {
    fragment: inferred.fragment,
    rootContext: inferred.kind,
    directives: tree.directives,
    contexts,
    includes,
    maps,
    geos,
    guardLists: guardListInfo,
    upstreams: tree.upstreams,
  };
  problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { vendor, model: { dialect: 'nginx', references, ruleLists, paths, problems, comments, limits } };
}

/**
 * The list a rendered block joins when it is written directly inside the context `contextId`: the
 * context's own allow/deny rules, or an empty list with the context's header when it has none.
 * Inherited rules are left out on purpose: as soon as a context has an allow/deny of its own, nginx
 * stops applying the enclosing block's rules there, so they say nothing about the block's neighbours.
 */
export function accessTargetList(parsed: Parsed<NginxVendor>, contextId: string): RuleList | undefined {
  const { model, vendor } = parsed;
  const context = vendor.contexts.find((c) => c.id === contextId);
  if (!context || !ACCESS_CONTEXTS.has(context.kind)) return undefined;
  const list = context.accessListOwn ? model.ruleLists.find((l) => l.id === context.accessListId) : undefined;
  return list ?? { id: context.id, name: context.name, kind: 'http-access', rules: [], defaultAction: 'accept', range: context.range };
}
