/**
 * nftables into the common model, as `nft -f` would load the file:
 * - one RuleList per chain, id `<family> <table>:<chain>`; ip tables see [4], ip6 [6], inet both
 *   (families undefined), arp none; base chains default to their policy (accept when unwritten),
 *   regular chains have no default and return;
 * - one EvaluationPath per hook (input inbound, output outbound, forward forward) whose stages are
 *   the filter and route base chains of ip, ip6 and inet tables on that hook, ordered by priority
 *   (file order on ties). A stage whose list families exclude a flow's family is passed over; an
 *   accept ends only its own stage, a drop ends the path;
 * - `type nat hook prerouting` chains are destination-NAT lists (`model.prerouting`, by priority):
 *   `dnat [ip|ip6] to A[:P]` gives inbound traffic its new local side, a map leaves it unknown;
 * - a selector that implies a family (`ip saddr`, `meta nfproto ipv6`, `icmp`) with no address
 *   match becomes a destination match of the whole family, and `ip saddr != X` is the family
 *   minus X, so inet chains never match the other family by accident;
 * - verdict maps become one rule per element; conntrack state, interfaces, marks and limits are
 *   unknownConditions; sets filled at run time, undefined variables and host names are unresolved.
 * `define`s expand at use with the positions where they were written; `include` is recorded only.
 */
import { cidrToInterval, parseAddressRange, parseCidr, parseIp, subtractIntervals, familyMax, type IpInterval } from '../../model/address';
import type {
  AddressMatch,
  AnalysisLimit,
  Comment,
  EvaluationPath,
  PortRange,
  Reference,
  ReferenceRole,
  Rule,
  RuleAction,
  RuleList,
  SyntaxProblem,
  TrafficDirection,
} from '../../model/config';
import { LineIndex, type Range } from '../../model/range';
import { t } from '../../l10n';
import { parserFailureModel, unresolvedReason, type ParseContext, type Parsed } from '../dialect';
import { lexNft, type Token } from './lexer';
import { readableText, stopAt } from '../bounds';
import { MAX_DEFINE_TOKENS, MAX_NESTING_DEPTH } from '../../limits';

type Family = 4 | 6;

export const NFT_FAMILIES = ['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'] as const;
export type NftFamily = (typeof NFT_FAMILIES)[number];

/** Offsets of a `{` and the `}` that closes it. */
export interface BraceSpan {
  open: number;
  close: number;
}

/** A chain as placement needs it: where its bodies are written and which rules do not go to its end. */
export interface NftChainFacts {
  /** The list id (`inet filter:forward`). */
  id: string;
  family: NftFamily;
  table: string;
  name: string;
  /** Each `chain NAME { … }` written inside a table block; `add chain … { … }` bodies are not among them. */
  bodies: BraceSpan[];
  /** Indices of rules added by `insert` or at a position (`index`, `handle`), which do not append. */
  positioned: number[];
}

/** A `{ … }` of set elements, and where its last element ends (undefined when it has none). */
export interface NftElementGroup extends BraceSpan {
  lastElementEnd?: number;
}

/**
 * A set written in the file, and where its elements can be extended in place: a named set, or the
 * anonymous set of addresses one rule writes (`ip saddr { … }`, anonymous sets are always intervals).
 */
export interface NftSetFacts {
  /** `<family> <table>:<name>`, like list ids; `<list id>#<rule index>:<side>` for an anonymous set. */
  id: string;
  /** Empty for an anonymous set. */
  name: string;
  anonymous: boolean;
  family: NftFamily;
  table: string;
  keyType: string;
  interval: boolean;
  dynamic: boolean;
  /** Each `elements = { … }` or `add element … { … }` group that holds the set's elements, written literally (not through a define). */
  groups: NftElementGroup[];
  /** Every group of elements is in `groups`, so one more element can be written beside them. */
  literal: boolean;
}

/** A rule that matches a side against a set (`ip daddr @entra_v4`, `ip saddr { … }`). */
export interface NftSetUse {
  listId: string;
  ruleIndex: number;
  set: string;
  side: 'sources' | 'destinations';
  negated: boolean;
}

/** What the nftables parser knows beyond the common model; placement and the renderer read it. */
export interface NftVendor {
  /** `include "file"` statements, not followed. */
  includes: Array<{ path: string; range: Range }>;
  tables: Array<{ family: NftFamily; name: string; range: Range; chains: string[]; sets: string[]; blocks: BraceSpan[] }>;
  /** Whether the file uses `table … { … }` blocks or only `add …` commands. */
  style: 'tables' | 'commands';
  chains: NftChainFacts[];
  sets: NftSetFacts[];
  setUses: NftSetUse[];
}

/** List ids are `<family> <table>:<chain>` (`inet filter:input`); jump targets use them too. */
export function nftListId(family: string, table: string, chain: string): string {
  return `${family} ${table}:${chain}`;
}

const HOOK_DIRECTIONS: Record<string, TrafficDirection> = { input: 'inbound', output: 'outbound', forward: 'forward' };
const PRIORITY_NAMES: Record<string, number> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 };
const BRIDGE_PRIORITY_NAMES: Record<string, number> = { dstnat: -300, filter: -200, out: 100, srcnat: 300 };
const HOOKS = new Set(['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress', 'egress']);
const CHAIN_TYPES = new Set(['filter', 'nat', 'route']);
const PORT_PROTOCOLS = ['tcp', 'udp', 'udplite', 'sctp', 'dccp'];
const PROTOCOL_NAMES: Record<string, string> = {
  '1': 'icmp',
  '2': 'igmp',
  '6': 'tcp',
  '17': 'udp',
  '47': 'gre',
  '50': 'esp',
  '51': 'ah',
  '58': 'ipv6-icmp',
  '132': 'sctp',
  '33': 'dccp',
  '136': 'udplite',
  icmpv6: 'ipv6-icmp',
  'ipv6-icmp': 'ipv6-icmp',
};
const SERVICES: Record<string, number> = {
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  bootps: 67,
  bootpc: 68,
  tftp: 69,
  http: 80,
  kerberos: 88,
  pop3: 110,
  ntp: 123,
  imap: 143,
  snmp: 161,
  ldap: 389,
  https: 443,
  'microsoft-ds': 445,
  submissions: 465,
  smtps: 465,
  syslog: 514,
  submission: 587,
  ldaps: 636,
  imaps: 993,
  pop3s: 995,
  'ms-wbt-server': 3389,
  sip: 5060,
  'sip-tls': 5061,
  'http-alt': 8080,
};

/** Words that start a new expression or statement inside a rule; a generic phrase stops before them. */
const RULE_KEYWORDS = new Set([
  'ip', 'ip6', 'tcp', 'udp', 'udplite', 'sctp', 'dccp', 'th', 'meta', 'ct', 'iifname', 'oifname', 'iif', 'oif', 'iiftype', 'oiftype',
  'mark', 'skuid', 'skgid', 'pkttype', 'icmp', 'icmpv6', 'ether', 'vlan', 'arp', 'fib', 'rt', 'socket', 'osf', 'ah', 'esp', 'comp',
  'limit', 'quota', 'counter', 'log', 'comment', 'accept', 'drop', 'reject', 'return', 'jump', 'goto', 'continue', 'queue', 'dnat',
  'snat', 'masquerade', 'redirect', 'notrack', 'nftrace', 'fwd', 'dup', 'tproxy', 'synproxy', 'flow', 'update', 'add', 'delete',
  'exthdr', 'frag', 'hbh', 'rh', 'mh', 'dst', 'srh', 'cgroup', 'cpu', 'iifgroup', 'oifgroup', 'ibrname', 'obrname', 'ipsec',
  'tunnel', 'secmark', 'last', 'igmp', 'gre', 'geneve', 'vxlan', 'numgen', 'jhash', 'symhash',
]);
/** Words that may start a rule statement besides RULE_KEYWORDS (meta keys written without `meta`, rarer expressions). */
const OTHER_STATEMENTS = new Set([
  'rtclassid', 'sdif', 'sdifname', 'ibriport', 'obriport', 'time', 'day', 'hour', 'secpath', 'random', 'length', 'protocol', 'priority',
  'nfproto', 'l4proto', 'meter', 'xt', 'tcpopt', 'inner', 'gretap', 'broute', 'rt0', 'rt2', 'rt4', 'ip6ext', 'dccp', 'udplite', 'set',
  'map', 'vmap', 'flowtable', 'ct', 'sctp', 'chunk', 'ipsec', 'reset', 'tcp', 'option', 'trace',
]);
/** Fields of the header selectors, so a typo (`ip dadr`) is reported instead of read as an unknown condition. */
const FIELDS: Record<string, readonly string[]> = {
  ip: ['version', 'hdrlength', 'dscp', 'ecn', 'length', 'id', 'frag-off', 'ttl', 'protocol', 'checksum', 'saddr', 'daddr', 'option'],
  ip6: ['version', 'dscp', 'ecn', 'flowlabel', 'length', 'nexthdr', 'hoplimit', 'saddr', 'daddr'],
  tcp: ['sport', 'dport', 'sequence', 'ackseq', 'doff', 'reserved', 'flags', 'window', 'checksum', 'urgptr', 'option'],
  udp: ['sport', 'dport', 'length', 'checksum'],
  udplite: ['sport', 'dport', 'csumcov', 'checksum'],
  th: ['sport', 'dport'],
};
/** Selectors whose next word names the field (`meta skuid`, `ct mark`), even when that word is a keyword too. */
const PREFIX_SELECTORS = new Set(['meta', 'ct', 'ether', 'vlan', 'arp', 'fib', 'rt', 'socket', 'osf', 'exthdr', 'ipsec', 'tunnel']);
/** Words after which a `set` assignment's value ends. */
const STATEMENT_KEYWORDS = new Set(['accept', 'drop', 'reject', 'return', 'jump', 'goto', 'continue', 'queue', 'counter', 'log', 'limit', 'comment', 'notrack', 'dnat', 'snat', 'masquerade', 'redirect', 'fwd', 'dup', 'meta', 'ct']);
const OPERATORS: Record<string, string> = { '==': 'eq', eq: 'eq', '!=': 'ne', ne: 'ne', '<': 'lt', lt: 'lt', '>': 'gt', gt: 'gt', '<=': 'le', le: 'le', '>=': 'ge', ge: 'ge' };

interface TableState {
  family: NftFamily;
  name: string;
  range: Range;
  chains: Map<string, ChainState>;
  sets: Map<string, SetState>;
  blocks: BraceSpan[];
}

interface ChainState {
  table: TableState;
  name: string;
  range: Range;
  base?: { type: string; hook: string; priority: number };
  policy?: 'accept' | 'drop';
  policyRange?: Range;
  rules: Rule[];
  order: number;
  bodies: BraceSpan[];
  /** A chain written inside a rule (`jump { … }`), reached only from that rule. */
  anonymous?: boolean;
}

interface SetState {
  name: string;
  range: Range;
  /** Key type as declared: ipv4_addr, ipv6_addr, inet_service, …; typeof expressions are mapped. */
  keyType: string;
  dynamic: boolean;
  interval: boolean;
  elements: Token[][];
  groups: NftElementGroup[];
  literal: boolean;
}

/** A value after a selector: a list of elements, a named set, or a verdict map. */
interface Value {
  operator: string;
  negated: boolean;
  elements: Token[][];
  setName?: Token;
  vmap?: Array<{ key: Token[]; verdict: Token[] }>;
  unresolvedMap?: string;
  concatenation?: boolean;
  /** The braces of an anonymous set written in the rule (`{ a, b }`), and where its last element ends. */
  group?: NftElementGroup;
}

type Side = 'sources' | 'destinations';

/** Own-property lookup, so that words like `constructor` are not found on the prototype. */
function lookup<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function complementPorts(ranges: PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const out: PortRange[] = [];
  let next = 0;
  for (const r of sorted) {
    if (r.from > next) out.push({ from: next, to: r.from - 1 });
    next = Math.max(next, r.to + 1);
  }
  if (next <= 65535) out.push({ from: next, to: 65535 });
  return out;
}

function intersectPorts(a: PortRange[], b: PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  for (const x of a) for (const y of b) if (Math.max(x.from, y.from) <= Math.min(x.to, y.to)) out.push({ from: Math.max(x.from, y.from), to: Math.min(x.to, y.to) });
  return out;
}

function fullFamily(family: Family): IpInterval {
  return { family, first: 0n, last: familyMax(family) };
}

class NftParser {
  private readonly index: LineIndex;
  private tokens: Token[] = [];
  private pos = 0;
  private readonly references: Reference[] = [];
  private readonly referenceKeys = new Map<string, number[]>();
  private readonly problems: SyntaxProblem[] = [];
  private readonly comments: Comment[] = [];
  private tables = new Map<string, TableState>();
  private readonly defines = new Map<string, Token[]>();
  private readonly includes: NftVendor['includes'] = [];
  private readonly jumps: Array<{ rule: Rule; table: TableState; name: string; range: Range }> = [];
  private readonly setUses: Array<{ table: TableState; name: string; range: Range }> = [];
  private readonly reportedUndefined = new Set<string>();
  /** Rules that `insert` or a position put somewhere other than the end of their chain. */
  private readonly positionedRules = new Set<Rule>();
  /** The named sets each rule matches a side against. */
  private readonly ruleSets = new Map<Rule, Array<{ set: SetState; side: Side; negated: boolean }>>();
  /** The anonymous sets of addresses each rule writes for a side (`ip saddr { … }`). */
  private readonly ruleGroups = new Map<Rule, Array<{ group: NftElementGroup; family: Family; side: Side; negated: boolean }>>();
  private chainOrder = 0;
  /** Whether the last statement read stopped at a block's `}` rather than a newline or `;`. */
  private endedByBrace = false;
  private sawTableBlock = false;
  private readonly limits: AnalysisLimit[] = [];
  /** Reading ended before the end of the file (a long line, or a bound), so what is open there is no mistake. */
  private stopped = false;
  /** Table, chain and set bodies the statement being read sits in. */
  private blockDepth = 0;

  constructor(private readonly text: string) {
    this.index = new LineIndex(text);
  }

  parse(): Parsed<NftVendor> {
    const readable = readableText(this.text, this.index);
    if (readable.limit) {
      this.limits.push(readable.limit);
      this.stopped = true;
    }
    const lexed = lexNft(readable.text);
    this.tokens = lexed.tokens;
    for (const c of lexed.comments) this.comments.push({ range: this.range(c.start, c.end), text: c.text });
    for (const u of lexed.unterminated) if (!this.stopped || u.end < readable.text.length) this.problem(u.start, u.end, t('Unterminated string'));
    while (this.pos < this.tokens.length) this.topLevel();
    return this.finish();
  }

  private range(start: number, end: number): Range {
    return this.index.rangeOf(start, end);
  }

  /** Ends reading at a bound: the tokens end here, so every loop over them finishes. */
  private stop(limit: AnalysisLimit): void {
    this.limits.push(limit);
    this.stopped = true;
    this.tokens = this.tokens.slice(0, this.pos);
  }

  private tokenRange(token: Token): Range {
    return this.range(token.start, token.end);
  }

  private problem(start: number, end: number, message: string, severity: 'error' | 'warning' = 'error'): void {
    this.problems.push({ range: this.range(start, end), message, severity });
  }

  private tokenProblem(token: Token, message: string, severity: 'error' | 'warning' = 'error'): void {
    this.problem(token.start, token.end, message, severity);
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isEnd(token: Token | undefined): boolean {
    return !token || token.kind === 'newline' || (token.kind === 'punct' && token.text === ';');
  }

  /**
   * Reads one statement: tokens up to a newline or `;` outside brackets, or up to a `}` that
   * closes the enclosing block (not consumed). Newlines inside brackets are dropped.
   */
  private readStatement(): Token[] {
    const out: Token[] = [];
    const open: Token[] = [];
    // Inside `jump { … }` a newline ends a statement of the anonymous chain, so it is kept.
    let anonymousChains: Set<Token> | undefined;
    this.endedByBrace = false;
    while (this.pos < this.tokens.length) {
      const token = this.tokens[this.pos]!;
      if (open.length === 0) {
        if (this.isEnd(token)) {
          this.pos++;
          return out;
        }
        if (token.kind === 'punct' && token.text === '}') {
          this.endedByBrace = true;
          return out;
        }
      }
      this.pos++;
      if (token.kind === 'newline') {
        if (anonymousChains && open.length > 0 && anonymousChains.has(open[open.length - 1]!)) out.push(token);
        continue;
      }
      if (token.kind === 'punct') {
        if ((token.text === '{' || token.text === '(' || token.text === '[') && open.length + this.blockDepth >= MAX_NESTING_DEPTH) {
          this.stop(stopAt(this.index, 'nesting', token.start, this.deepestBrackets(), MAX_NESTING_DEPTH));
          return [];
        }
        if (token.text === '{' && (out.at(-1)?.text === 'jump' || out.at(-1)?.text === 'goto')) (anonymousChains ??= new Set()).add(token);
        if (token.text === '{' || token.text === '(' || token.text === '[') open.push(token);
        else if (token.text === '}' || token.text === ')' || token.text === ']') open.pop();
      }
      out.push(token);
    }
    if (open.length > 0 && !this.stopped) this.tokenProblem(open[0]!, t("'{0}' is never closed", open[0]!.text));
    return out;
  }

  /** How deep the brackets of the whole file go, for the message about the bound. */
  private deepestBrackets(): number {
    let depth = 0;
    let deepest = 0;
    for (const token of lexNft(this.text).tokens) {
      if (token.kind !== 'punct') continue;
      if (token.text === '{' || token.text === '(' || token.text === '[') deepest = Math.max(deepest, ++depth);
      else if (token.text === '}' || token.text === ')' || token.text === ']') depth = Math.max(0, depth - 1);
    }
    return deepest;
  }

  private topLevel(): void {
    const token = this.peek()!;
    if (this.isEnd(token)) {
      this.pos++;
      return;
    }
    if (token.kind === 'punct' && token.text === '}') {
      this.tokenProblem(token, t("Unexpected '}'"));
      this.pos++;
      return;
    }
    const word = token.kind === 'word' ? token.text : '';
    switch (word) {
      case 'table':
        this.pos++;
        this.tableCommand(true);
        return;
      case 'define':
      case 'redefine':
        this.pos++;
        this.define(token);
        return;
      case 'undefine': {
        const stmt = this.readStatement();
        const name = stmt[1];
        if (name) this.defines.delete(name.text);
        return;
      }
      case 'include': {
        const stmt = this.readStatement();
        const path = stmt[1];
        if (!path || path.kind !== 'string') this.tokenProblem(token, t('include needs a file name in quotes'));
        else this.includes.push({ path: path.text, range: this.range(token.start, path.end) });
        return;
      }
      case 'flush':
        this.flush(this.readStatement());
        return;
      case 'add':
      case 'create':
      case 'insert':
      case 'replace':
        this.pos++;
        this.objectCommand(word, token);
        return;
      case 'chain':
      case 'set':
      case 'map':
      case 'rule':
      case 'element':
        this.objectCommand('add', token);
        return;
      case 'delete':
      case 'destroy':
        this.deleteCommand(this.readStatement());
        return;
      case 'list':
      case 'reset':
      case 'rename':
      case 'monitor':
      case 'describe':
      case 'export':
      case 'import':
      case 'flowtable':
      case 'counter':
      case 'quota':
      case 'limit':
      case 'ct':
      case 'get':
        this.readStatement();
        return;
      default: {
        const stmt = this.readStatement();
        this.tokenProblem(token, t('Unknown command {0}', token.text));
        if (stmt.length === 0) this.pos++;
      }
    }
  }

  private define(keyword: Token): void {
    this.defineStatement(keyword, this.readStatement());
  }

  /** `define NAME = value` without its keyword; nft also allows it inside tables and chains. */
  private defineStatement(keyword: Token, stmt: Token[]): void {
    const name = stmt[0];
    const equals = stmt[1];
    if (!name || name.kind !== 'word' || !equals || equals.text !== '=' || stmt.length < 3) {
      this.tokenProblem(keyword, t('define needs a name, = and a value'));
      return;
    }
    const value = this.expand(stmt.slice(2), 0);
    this.defines.set(name.text, value);
    // Addresses in a define are references even before (or without) any rule using them.
    for (const token of value) if (token.kind === 'word' && this.looksLikeAddress(token.text)) this.addressReference(token, 'other');
  }

  /**
   * Replaces `$name` by the define's tokens, which keep the positions where the define wrote them.
   * Past MAX_DEFINE_TOKENS tokens (defines doubling one another) reading stops at this statement.
   */
  private expand(tokens: Token[], depth: number): Token[] {
    if (!tokens.some((tk) => tk.kind === 'word' && tk.text.startsWith('$'))) return tokens;
    const out: Token[] = [];
    for (const token of tokens) {
      if (token.kind !== 'word' || !token.text.startsWith('$') || depth > MAX_NESTING_DEPTH) {
        out.push(token);
        continue;
      }
      const suffixed = this.defineWithPort(token);
      if (suffixed) {
        out.push(suffixed);
        continue;
      }
      const value = this.defines.get(token.text.slice(1));
      if (!value) {
        if (!this.reportedUndefined.has(`${token.start}`)) {
          this.reportedUndefined.add(`${token.start}`);
          this.tokenProblem(token, t('Variable {0} is not defined in this file', token.text), 'warning');
        }
        out.push(token);
        continue;
      }
      if (out.length + value.length > MAX_DEFINE_TOKENS) {
        this.stop(stopAt(this.index, 'define-length', tokens[0]!.start, out.length + value.length, MAX_DEFINE_TOKENS));
        return [];
      }
      for (const v of value) out.push(v);
    }
    return out;
  }

  /** `$server:25` (a translation target): the define's one address with the port, at the define's position. */
  private defineWithPort(token: Token): Token | undefined {
    const match = /^\$([A-Za-z_][\w]*):(\d+(?:-\d+)?)$/.exec(token.text);
    const value = match ? this.defines.get(match[1]!) : undefined;
    if (!match || !value || value.length !== 1 || value[0]!.kind !== 'word') return undefined;
    return { ...value[0]!, text: `${value[0]!.text}:${match[2]!}` };
  }

  private parseFamily(stmt: Token[], at: number): { family: NftFamily; next: number } {
    const word = stmt[at]?.text;
    if (word && (NFT_FAMILIES as readonly string[]).includes(word) && stmt[at + 1]?.kind === 'word') return { family: word as NftFamily, next: at + 1 };
    return { family: 'ip', next: at };
  }

  private table(family: NftFamily, name: Token): TableState {
    const key = `${family} ${name.text}`;
    let table = this.tables.get(key);
    if (!table) {
      table = { family, name: name.text, range: this.tokenRange(name), chains: new Map(), sets: new Map(), blocks: [] };
      this.tables.set(key, table);
    }
    return table;
  }

  private findTable(family: NftFamily, name: string): TableState | undefined {
    return this.tables.get(`${family} ${name}`);
  }

  /** `table [family] name [{ … }]` at top level or after `add`. */
  private tableCommand(allowBody: boolean): void {
    const header: Token[] = [];
    while (this.pos < this.tokens.length && !this.isEnd(this.peek()) && !(this.peek()!.kind === 'punct' && (this.peek()!.text === '{' || this.peek()!.text === '}'))) {
      header.push(this.tokens[this.pos]!);
      this.pos++;
    }
    const { family, next } = this.parseFamily(header, 0);
    const name = header[next];
    const at = this.peek();
    if (!name || name.kind !== 'word') {
      const where = header[0] ?? at ?? this.tokens[this.tokens.length - 1];
      if (where) this.tokenProblem(where, t('Missing name after {0}', 'table'));
      if (at?.text === '{') this.skipBlock();
      return;
    }
    if (header.length > next + 1) this.tokenProblem(header[next + 1]!, t('Unexpected {0}', header[next + 1]!.text));
    const table = this.table(family, name);
    if (at && at.kind === 'punct' && at.text === '{' && allowBody) {
      this.sawTableBlock = true;
      this.pos++;
      this.blockDepth++;
      this.tableBody(table, at);
      this.blockDepth--;
    }
  }

  /** Skips a `{ … }` block the parser does not read; the current token is its `{`. */
  private skipBlock(): void {
    const open = this.peek()!;
    let depth = 0;
    while (this.pos < this.tokens.length) {
      const token = this.tokens[this.pos]!;
      this.pos++;
      if (token.kind !== 'punct') continue;
      if (token.text === '{') depth++;
      else if (token.text === '}') {
        depth--;
        if (depth === 0) return;
      }
    }
    if (!this.stopped) this.tokenProblem(open, t("'{0}' is never closed", '{'));
  }

  /** Reads up to the `}` that closes a block opened by `open`; reports an unclosed block, records a closed one in `spans`. */
  private closeBlock(open: Token, spans?: BraceSpan[]): boolean {
    const token = this.peek();
    if (!token) {
      if (!this.stopped) this.tokenProblem(open, t("'{0}' is never closed", '{'));
      return true;
    }
    if (token.kind === 'punct' && token.text === '}') {
      this.pos++;
      spans?.push({ open: open.start, close: token.start });
      return true;
    }
    return false;
  }

  private tableBody(table: TableState, open: Token): void {
    for (;;) {
      if (this.closeBlock(open, table.blocks)) return;
      const token = this.peek()!;
      if (this.isEnd(token)) {
        this.pos++;
        continue;
      }
      const keyword = token.text;
      if (keyword === 'chain' || keyword === 'set' || keyword === 'map') {
        this.pos++;
        const name = this.peek();
        if (!name || name.kind !== 'word') {
          this.tokenProblem(token, t('Missing name after {0}', keyword));
          this.readStatement();
          continue;
        }
        this.pos++;
        const brace = this.peek();
        if (!brace || brace.text !== '{') {
          this.tokenProblem(name, t('Expected {0} after {1}', '{', name.text));
          this.readStatement();
          continue;
        }
        this.pos++;
        this.blockDepth++;
        if (keyword === 'chain') this.chainBody(this.chain(table, name), brace);
        else this.setBody(this.set(table, name, keyword === 'map'), brace);
        this.blockDepth--;
        const after = this.peek();
        if (after && after.kind === 'punct' && after.text === '}') this.tokenProblem(after, t("Expected a newline or ; before '}'"));
        continue;
      }
      if (keyword === 'define' || keyword === 'redefine') {
        this.pos++;
        this.define(token);
        continue;
      }
      const stmt = this.readStatement();
      if (!['flags', 'comment', 'flowtable', 'counter', 'quota', 'ct', 'limit', 'secmark', 'synproxy', 'tunnel'].includes(keyword)) {
        this.tokenProblem(token, t('Unexpected {0} in table {1}', keyword, table.name));
      }
      if (stmt.length === 0) this.pos++;
    }
  }

  private chain(table: TableState, name: Token): ChainState {
    let chain = table.chains.get(name.text);
    if (!chain) {
      chain = { table, name: name.text, range: this.tokenRange(name), rules: [], order: this.chainOrder++, bodies: [] };
      table.chains.set(name.text, chain);
    }
    return chain;
  }

  private set(table: TableState, name: Token, isMap: boolean): SetState {
    let set = table.sets.get(name.text);
    if (!set) {
      set = { name: name.text, range: this.tokenRange(name), keyType: isMap ? 'map' : '', dynamic: false, interval: false, elements: [], groups: [], literal: true };
      table.sets.set(name.text, set);
    }
    return set;
  }

  private chainBody(chain: ChainState, open: Token): void {
    for (;;) {
      if (this.closeBlock(open, chain.bodies)) return;
      const token = this.peek()!;
      if (this.isEnd(token)) {
        this.pos++;
        continue;
      }
      if (token.text === 'define' || token.text === 'redefine') {
        this.pos++;
        this.define(token);
        continue;
      }
      const stmt = this.expand(this.readStatement(), 0);
      if (stmt.length === 0) {
        this.pos++;
        continue;
      }
      this.missingTerminator(stmt);
      this.chainStatement(chain, stmt, 'append');
    }
  }

  /** nft ends statements in a block with a newline or `;`; `accept }` on one line is a syntax error there. */
  private missingTerminator(stmt: Token[]): void {
    if (this.endedByBrace) this.tokenProblem(stmt[stmt.length - 1]!, t("Expected a newline or ; before '}'"));
  }

  /** `positioned`: the rule does not go to the end of the chain (`insert`, `index`, or a `handle` the file cannot know). */
  private chainStatement(chain: ChainState, stmt: Token[], position: 'append' | 'insert' | number, positioned = position !== 'append'): void {
    const head = stmt[0]!;
    if (head.text === 'type' && stmt.some((tk) => tk.text === 'hook')) {
      this.baseChain(chain, stmt);
      return;
    }
    if (head.text === 'policy') {
      const value = stmt[1];
      if (!value || (value.text !== 'accept' && value.text !== 'drop')) {
        this.tokenProblem(value ?? head, t('Policy must be accept or drop, not {0}', value?.text ?? ''));
        return;
      }
      chain.policy = value.text;
      chain.policyRange = this.tokenRange(value);
      return;
    }
    if (head.text === 'comment' || head.text === 'devices' || head.text === 'device') return;
    for (const rule of this.rule(stmt, chain)) {
      if (positioned) this.positionedRules.add(rule);
      if (position === 'append') chain.rules.push(rule);
      else if (position === 'insert') chain.rules.unshift(rule);
      else chain.rules.splice(Math.max(0, Math.min(position, chain.rules.length)), 0, rule);
    }
  }

  private baseChain(chain: ChainState, stmt: Token[]): void {
    const type = stmt[1];
    if (!type || !CHAIN_TYPES.has(type.text)) this.tokenProblem(type ?? stmt[0]!, t('Unknown chain type {0}', type?.text ?? ''));
    const hookAt = stmt.findIndex((tk) => tk.text === 'hook');
    const hook = stmt[hookAt + 1];
    if (!hook || !HOOKS.has(hook.text)) {
      this.tokenProblem(hook ?? stmt[hookAt]!, t('Unknown hook {0}', hook?.text ?? ''));
      return;
    }
    const priorityAt = stmt.findIndex((tk) => tk.text === 'priority');
    let priority = 0;
    if (priorityAt < 0) {
      this.tokenProblem(stmt[0]!, t('Base chain needs a priority'));
    } else {
      const words = stmt.slice(priorityAt + 1).filter((tk) => tk.text !== ';');
      const expression = words.map((tk) => tk.text).join(' ');
      const names = chain.table.family === 'bridge' ? BRIDGE_PRIORITY_NAMES : PRIORITY_NAMES;
      const match = /^(-?\d+|[a-z]+)(?:\s*([+-])\s*(\d+)|\s*(-\d+))?$/.exec(expression.replace(/\s+/g, ' ').trim());
      const base = match ? (/^-?\d+$/.test(match[1]!) ? Number(match[1]) : lookup(names, match[1]!)) : undefined;
      if (!match || base === undefined) {
        this.tokenProblem(words[0] ?? stmt[priorityAt]!, t('Invalid priority {0}', expression));
      } else {
        const offset = match[3] ? Number(match[3]) * (match[2] === '-' ? -1 : 1) : match[4] ? Number(match[4]) : 0;
        priority = base + offset;
      }
    }
    chain.base = { type: type?.text ?? 'filter', hook: hook.text, priority };
  }

  private setBody(set: SetState, open: Token): void {
    for (;;) {
      if (this.closeBlock(open)) return;
      const token = this.peek()!;
      if (this.isEnd(token)) {
        this.pos++;
        continue;
      }
      const stmt = this.expand(this.readStatement(), 0);
      if (stmt.length === 0) {
        this.pos++;
        continue;
      }
      if (stmt[0]!.text !== 'elements') this.missingTerminator(stmt);
      this.setStatement(set, stmt);
    }
  }

  private setStatement(set: SetState, stmt: Token[]): void {
    const head = stmt[0]!.text;
    if (head === 'type') {
      if (set.keyType !== 'map') set.keyType = stmt[1]?.text ?? '';
      else set.keyType = `map:${stmt[1]?.text ?? ''}`;
      if (stmt.some((tk) => tk.text === '.')) set.keyType = 'concat';
    } else if (head === 'typeof') {
      const selector = `${stmt[1]?.text ?? ''} ${stmt[2]?.text ?? ''}`;
      const mapped = /^ip (s|d)addr$/.test(selector) ? 'ipv4_addr' : /^ip6 (s|d)addr$/.test(selector) ? 'ipv6_addr' : /^(tcp|udp|th|sctp|udplite|dccp) (s|d)port$/.test(selector) ? 'inet_service' : selector;
      set.keyType = stmt.some((tk) => tk.text === '.') ? 'concat' : set.keyType === 'map' ? `map:${mapped}` : mapped;
    } else if (head === 'flags') {
      if (stmt.some((tk) => tk.text === 'dynamic' || tk.text === 'timeout')) set.dynamic = true;
      if (stmt.some((tk) => tk.text === 'interval')) set.interval = true;
    } else if (head === 'elements') {
      const brace = stmt.findIndex((tk) => tk.text === '{');
      if (stmt[1]?.text !== '=' || brace < 0) {
        this.tokenProblem(stmt[0]!, t('Expected {0} after {1}', '= {', 'elements'));
        return;
      }
      this.addElements(set, stmt.slice(brace), stmt[0]!.start);
    } else if (!['timeout', 'size', 'counter', 'comment', 'auto-merge', 'policy', 'gc-interval', 'quota', 'automerge', 'limit', 'ct', 'last'].includes(head)) {
      this.tokenProblem(stmt[0]!, t('Unexpected {0} in set {1}', head, set.name));
    }
  }

  /** Elements of a `{ … }` group; `from` is where its statement starts, so tokens a define brought in (written earlier) are told apart. */
  private addElements(set: SetState, group: Token[], from: number): void {
    const { elements, next } = this.splitGroup(group, 0);
    const close = group[next - 1];
    const written = group.slice(0, next).every((tk) => tk.start >= from);
    const last = elements[elements.length - 1]?.at(-1);
    if (written && close && close.text === '}') set.groups.push({ open: group[0]!.start, close: close.start, ...(last ? { lastElementEnd: last.end } : {}) });
    else set.literal = false;
    for (const written of elements) {
      const element = elementKey(written);
      set.elements.push(element);
      const key = element[0];
      const type = set.keyType.replace(/^map:/, '');
      if (key && key.kind === 'word' && (type === 'ipv4_addr' || type === 'ipv6_addr')) this.addressReference(this.joinRange(element), 'other');
    }
  }

  /** A spaced range (`10.0.0.1 - 10.0.0.9`) reads as one token. */
  private joinRange(element: Token[]): Token {
    const first = element[0]!;
    const dash = element[1];
    const last = element[2];
    if (dash && dash.text === '-' && last && last.kind === 'word') return { kind: 'word', text: `${first.text}-${last.text}`, start: first.start, end: last.end };
    return first;
  }

  /**
   * Splits `{ a, b, { c, d }, e : jump x }` into elements (nested braces from defines flattened),
   * each a token list; a map element keeps its `: value` part after the key.
   */
  private splitGroup(tokens: Token[], from: number): { elements: Token[][]; next: number } {
    const elements: Token[][] = [];
    let current: Token[] = [];
    let depth = 0;
    let k = from;
    for (; k < tokens.length; k++) {
      const token = tokens[k]!;
      if (token.kind === 'punct' && token.text === '{') {
        depth++;
        // Braces nest deeper here than in the file when defines holding sets are used inside sets.
        if (depth > MAX_NESTING_DEPTH) {
          this.stop(stopAt(this.index, 'nesting', token.start, depth, MAX_NESTING_DEPTH));
          return { elements: [], next: tokens.length };
        }
        continue;
      }
      if (token.kind === 'punct' && token.text === '}') {
        depth--;
        if (current.length > 0) elements.push(current);
        current = [];
        if (depth <= 0) return { elements, next: k + 1 };
        continue;
      }
      if (token.kind === 'punct' && token.text === ',') {
        if (current.length > 0) elements.push(current);
        current = [];
        continue;
      }
      current.push(token);
    }
    if (current.length > 0) elements.push(current);
    return { elements, next: k };
  }

  private flush(stmt: Token[]): void {
    const what = stmt[1]?.text;
    if (what === 'ruleset') {
      const family = stmt[2]?.text;
      for (const [key, table] of this.tables) if (!family || table.family === family) this.tables.delete(key);
      return;
    }
    if (what === 'table' || what === 'chain' || what === 'set' || what === 'map') {
      const { family, next } = this.parseFamily(stmt, 2);
      const tableName = stmt[next]?.text;
      const table = tableName ? this.findTable(family, tableName) : undefined;
      if (!table) return;
      if (what === 'table') for (const chain of table.chains.values()) chain.rules = [];
      else if (what === 'chain') {
        const chain = table.chains.get(stmt[next + 1]?.text ?? '');
        if (chain) chain.rules = [];
      } else {
        const set = table.sets.get(stmt[next + 1]?.text ?? '');
        if (set) {
          set.elements = [];
          set.groups = [];
          set.literal = true;
        }
      }
      return;
    }
    this.tokenProblem(stmt[0]!, t('Unknown command {0}', `flush ${what ?? ''}`));
  }

  /** `delete table …` and `delete chain …` remove what they name; other deletions need handles and are not modelled. */
  private deleteCommand(stmt: Token[]): void {
    const what = stmt[1]?.text;
    if (what !== 'table' && what !== 'chain') return;
    const { family, next } = this.parseFamily(stmt, 2);
    const tableName = stmt[next]?.text;
    const table = tableName ? this.findTable(family, tableName) : undefined;
    if (!table) return;
    if (what === 'table') this.tables.delete(`${table.family} ${table.name}`);
    else table.chains.delete(stmt[next + 1]?.text ?? '');
  }

  /** `add|insert|create|replace table|chain|rule|set|map|element …` */
  private objectCommand(verb: string, at: Token): void {
    const objectToken = this.peek();
    const object = objectToken?.text;
    if (object === 'table') {
      this.pos++;
      this.tableCommand(true);
      return;
    }
    const stmt = this.readStatement();
    // The statement reader stops before a block's `}`; a body like `{ type …; policy …; }` is inside `stmt`.
    if (!objectToken || !object) {
      this.tokenProblem(at, t('Missing name after {0}', verb));
      return;
    }
    const { family, next } = this.parseFamily(stmt, 1);
    const tableName = stmt[next];
    if (!tableName || tableName.kind !== 'word') {
      this.tokenProblem(objectToken, t('Missing name after {0}', object));
      return;
    }
    let table = this.findTable(family, tableName.text);
    if (!table) {
      this.tokenProblem(tableName, t('Table {0} {1} is not defined in this file', family, tableName.text), 'warning');
      table = this.table(family, tableName);
    }
    const name = stmt[next + 1];
    switch (object) {
      case 'chain': {
        if (!name) {
          this.tokenProblem(objectToken, t('Missing name after {0}', object));
          return;
        }
        const chain = this.chain(table, name);
        const body = stmt.slice(next + 2);
        if (body[0]?.text === '{') this.inlineBlock(body, (part) => this.chainStatement(chain, part, 'append'));
        return;
      }
      case 'set':
      case 'map': {
        if (!name) {
          this.tokenProblem(objectToken, t('Missing name after {0}', object));
          return;
        }
        const set = this.set(table, name, object === 'map');
        const body = stmt.slice(next + 2);
        if (body[0]?.text === '{') this.inlineBlock(body, (part) => this.setStatement(set, this.expand(part, 0)));
        return;
      }
      case 'element': {
        if (!name) {
          this.tokenProblem(objectToken, t('Missing name after {0}', object));
          return;
        }
        const set = table.sets.get(name.text);
        if (!set) {
          this.tokenProblem(name, t('Set {0} is not defined in table {1}', name.text, table.name), 'warning');
          return;
        }
        const group = this.expand(stmt.slice(next + 2), 0);
        if (group[0]?.text === '{') this.addElements(set, group, objectToken.start);
        return;
      }
      case 'rule': {
        if (!name) {
          this.tokenProblem(objectToken, t('Missing name after {0}', object));
          return;
        }
        const chain = table.chains.get(name.text);
        if (!chain) {
          this.tokenProblem(name, t('Chain {0} is not defined in table {1}', name.text, table.name), 'warning');
        }
        let body = stmt.slice(next + 2);
        let position: 'append' | 'insert' | number = verb === 'insert' ? 'insert' : 'append';
        let positioned = position !== 'append';
        if (body[0] && ['position', 'handle', 'index'].includes(body[0].text) && body[1]) {
          if (body[0].text === 'index') position = Number(body[1].text) + (verb === 'insert' ? 0 : 1);
          positioned = true;
          body = body.slice(2);
        }
        const expanded = this.expand(body, 0);
        if (expanded.length === 0) {
          this.tokenProblem(name, t('Rule has no statements'));
          return;
        }
        this.chainStatement(chain ?? this.chain(table, name), expanded, position, positioned);
        return;
      }
      case 'flowtable':
      case 'counter':
      case 'quota':
      case 'limit':
      case 'ct':
      case 'secmark':
      case 'synproxy':
        return;
      default:
        this.tokenProblem(objectToken, t('Unknown command {0}', `${verb} ${object}`));
    }
  }

  /** Statements of a `{ … }` block that arrived inside one statement (`add chain … { type …; policy …; }`). */
  private inlineBlock(body: Token[], each: (statement: Token[]) => void): void {
    let depth = 0;
    let current: Token[] = [];
    for (let k = 1; k < body.length; k++) {
      const token = body[k]!;
      if (token.kind === 'punct' && token.text === '{') depth++;
      if (token.kind === 'punct' && token.text === '}') {
        if (depth === 0) break;
        depth--;
      }
      if (depth === 0 && token.kind === 'punct' && token.text === ';') {
        if (current.length > 0) each(current);
        current = [];
        continue;
      }
      current.push(token);
    }
    if (current.length > 0) each(current);
  }

  private looksLikeAddress(text: string): boolean {
    return /^[0-9a-fA-F:.\/-]+$/.test(text) && /\d/.test(text) && (text.includes('.') || text.includes(':'));
  }

  private addressReference(token: Token, role: ReferenceRole): number {
    const key = `${token.start}:${token.end}`;
    const ids = this.referenceKeys.get(key) ?? [];
    for (const id of ids) if (this.references[id]!.role === role) return id;
    for (const id of ids) {
      const ref = this.references[id]!;
      if (ref.role === 'other') {
        ref.role = role;
        return id;
      }
    }
    const id = this.references.length;
    this.references.push({ text: token.text, role, range: this.tokenRange(token), ...classifyNftAddress(token.text) });
    ids.push(id);
    this.referenceKeys.set(key, ids);
    return id;
  }

  /** Reads the value after a selector starting at `k`: operator, then one token, a `{…}` group, `@set` or a `vmap`. */
  private value(tokens: Token[], k: number): { value: Value; next: number } {
    const value: Value = { operator: 'eq', negated: false, elements: [] };
    const opToken = tokens[k];
    const operator = opToken ? lookup(OPERATORS, opToken.text) : undefined;
    if (opToken && operator && (opToken.kind === 'punct' || tokens[k + 1] !== undefined)) {
      value.operator = operator;
      value.negated = value.operator === 'ne';
      k++;
    }
    const first = tokens[k];
    if (!first) return { value, next: k };
    if (first.text === '.') return this.concatenationCheck(tokens, k, value);
    if (first.kind === 'word' && (first.text === 'vmap' || first.text === 'map')) {
      const isVmap = first.text === 'vmap';
      const group = tokens[k + 1];
      if (group && group.text === '{') {
        const { elements, next } = this.splitGroup(tokens, k + 1);
        if (isVmap) {
          value.vmap = elements.map((element) => {
            const colon = element.findIndex((tk) => tk.text === ':');
            return colon < 0 ? { key: element, verdict: [] } : { key: element.slice(0, colon), verdict: element.slice(colon + 1) };
          });
        } else value.unresolvedMap = 'map';
        return { value, next };
      }
      value.unresolvedMap = group?.text ?? first.text;
      return { value, next: k + 2 };
    }
    if (first.kind === 'punct' && first.text === '{') {
      const { elements, next } = this.splitGroup(tokens, k);
      value.elements = elements;
      const close = tokens[next - 1];
      // Written here, not brought in by a define: after the selector and every token after the previous one in the text.
      const written = k > 0 && first.start > tokens[k - 1]!.start && tokens.slice(k, next).every((tk, i, all) => i === 0 || tk.start > all[i - 1]!.start);
      const last = elements.at(-1)?.at(-1);
      if (written && close?.text === '}' && last) value.group = { open: first.start, close: close.start, lastElementEnd: last.end };
      return this.concatenationCheck(tokens, next, value);
    }
    if (first.kind === 'word' && first.text.startsWith('@')) {
      value.setName = first;
      return this.concatenationCheck(tokens, k + 1, value);
    }
    if (first.kind === 'punct') return { value, next: k };
    const element = [first];
    let next = k + 1;
    if (tokens[next]?.text === '-' && tokens[next + 1]?.kind === 'word') {
      element.push(tokens[next]!, tokens[next + 1]!);
      next += 2;
    }
    value.elements = [element];
    // `ct state established,related` is an anonymous set too, and `ct state established | related` the same flags as a bitmask.
    while ((tokens[next]?.text === ',' || tokens[next]?.text === '|') && tokens[next]!.kind === 'punct' && tokens[next + 1]?.kind === 'word') {
      value.elements.push([tokens[next + 1]!]);
      next += 2;
    }
    return this.concatenationCheck(tokens, next, value);
  }

  private concatenationCheck(tokens: Token[], next: number, value: Value): { value: Value; next: number } {
    if (tokens[next]?.text === '.') {
      value.concatenation = true;
      return { value, next: this.phraseEnd(tokens, next) };
    }
    return { value, next };
  }

  /** Index of the next token at which a new rule expression starts. */
  private phraseEnd(tokens: Token[], k: number): number {
    let depth = 0;
    // The selector, its field, an operator and the first value belong to the phrase even when
    // they are keywords elsewhere (`ether type ip`, `meta l4proto tcp`).
    let start = k + (PREFIX_SELECTORS.has(tokens[k]?.text ?? '') ? 1 : 0);
    if (tokens[start + 1] && Object.hasOwn(OPERATORS, tokens[start + 1]!.text)) start++;
    if (tokens[start + 1]?.kind === 'word') start++;
    let j = start;
    if (j > k && tokens[j]?.kind === 'punct') j--;
    for (; j < tokens.length; j++) {
      const token = tokens[j]!;
      if (token.kind === 'punct' && token.text === '{') depth++;
      else if (token.kind === 'punct' && token.text === '}') depth--;
      else if (depth <= 0 && j > start && token.kind === 'word' && RULE_KEYWORDS.has(token.text) && tokens[j - 1]?.text !== '.') return j;
    }
    return j;
  }

  private addresses(value: Value, role: ReferenceRole, family: Family, table: TableState): AddressMatch {
    const match: AddressMatch = { referenceIds: [], intervals: [], negated: value.negated };
    if (value.setName) {
      const name = value.setName.text.slice(1);
      const set = table.sets.get(name);
      if (!set) {
        this.setUses.push({ table, name, range: this.tokenRange(value.setName) });
        match.unresolved = t('set {0} is not defined in this file', name);
        return match;
      }
      if (set.dynamic) match.unresolved = t('set {0} is filled at run time', name);
      else if (set.elements.length === 0) match.unresolved = t('set {0} has no elements in this file', name);
      for (const element of set.elements) this.addressElement(element, role, family, match);
      return match;
    }
    for (const element of value.elements) this.addressElement(element, role, family, match);
    const bound = match.intervals.length === 1 ? match.intervals[0]! : undefined;
    if (bound && value.operator !== 'eq' && value.operator !== 'ne') {
      // `ip saddr < 10.0.0.0` compares the address as a number.
      const max = familyMax(family);
      const below = (last: bigint): IpInterval[] => (last < 0n ? [] : [{ family, first: 0n, last }]);
      const above = (first: bigint): IpInterval[] => (first > max ? [] : [{ family, first, last: max }]);
      match.intervals = value.operator === 'lt' ? below(bound.first - 1n) : value.operator === 'le' ? below(bound.last) : value.operator === 'gt' ? above(bound.last + 1n) : above(bound.first);
    }
    return match;
  }

  private addressElement(element: Token[], role: ReferenceRole, family: Family, match: AddressMatch): void {
    const token = this.joinRange(element);
    if (token.kind === 'word' && token.text.startsWith('$')) {
      match.unresolved ??= t('variable {0} is set outside this file', token.text);
      return;
    }
    if (token.kind === 'word' && token.text.startsWith('@')) {
      match.unresolved ??= t('set {0} is not defined in this file', token.text.slice(1));
      return;
    }
    const id = this.addressReference(token, role);
    match.referenceIds.push(id);
    const ref = this.references[id]!;
    const reason = unresolvedReason(ref);
    if (reason) match.unresolved ??= reason;
    if (!ref.interval) return;
    if (ref.interval.family !== family) {
      this.tokenProblem(token, family === 4 ? t('{0} is an IPv6 address after ip; use ip6', ref.text) : t('{0} is an IPv4 address after ip6; use ip', ref.text));
      return;
    }
    match.intervals.push(ref.interval);
  }

  private ports(value: Value, table: TableState): PortRange[] | undefined {
    const out: PortRange[] = [];
    let elements = value.elements;
    if (value.setName) {
      const set = table.sets.get(value.setName.text.slice(1));
      if (!set || set.dynamic) return undefined;
      elements = set.elements;
    }
    for (const element of elements) {
      const token = this.joinRange(element);
      const range = parsePortText(token.text);
      if (!range) {
        if (!token.text.startsWith('$')) this.tokenProblem(token, t('Invalid port {0}', token.text));
        return undefined;
      }
      out.push(range);
    }
    if (value.operator === 'lt' || value.operator === 'le' || value.operator === 'gt' || value.operator === 'ge') {
      const n = out[0]?.from;
      if (n === undefined) return undefined;
      if (value.operator === 'lt') return n > 0 ? [{ from: 0, to: n - 1 }] : [];
      if (value.operator === 'le') return [{ from: 0, to: n }];
      if (value.operator === 'gt') return n < 65535 ? [{ from: n + 1, to: 65535 }] : [];
      return [{ from: n, to: 65535 }];
    }
    return value.negated ? complementPorts(out) : out;
  }

  private protocols(value: Value): string[] | undefined {
    const out: string[] = [];
    for (const element of value.elements) {
      const text = element[0]?.text.toLowerCase() ?? '';
      out.push(lookup(PROTOCOL_NAMES, text) ?? text);
    }
    if (value.negated || value.setName) return undefined;
    return out;
  }

  /** One rule statement; a verdict map, and a concatenation with its set of elements, yield one rule per element. */
  private rule(stmt: Token[], chain: ChainState): Rule[] {
    const expanded = this.concatenationRules(stmt, chain);
    if (expanded) return expanded;
    return this.singleRule(stmt, chain);
  }

  /**
   * `ip daddr . tcp dport @m365`, `… { 52.112.0.0/14 . 443 }`, `… vmap { a . b : accept }`: a flow matches when every
   * component matches one element, so each element becomes the rule with one match per component (the catch-all last).
   * Undefined for a statement without a concatenation the file decides (negated, run-time sets, other maps).
   */
  private concatenationRules(stmt: Token[], chain: ChainState): Rule[] | undefined {
    let dot = -1;
    for (let i = 2; i < stmt.length && dot < 0; i++) if (stmt[i]!.text === '.' && isSelector(stmt[i - 2]!, stmt[i - 1]!)) dot = i;
    if (dot < 0) return undefined;
    const start = dot - 2;
    const selectors: Token[][] = [];
    let k = start;
    while (stmt[k] && stmt[k + 1] && isSelector(stmt[k]!, stmt[k + 1]!)) {
      selectors.push([stmt[k]!, stmt[k + 1]!]);
      k += 2;
      if (stmt[k]?.text !== '.') break;
      k++;
    }
    if (selectors.length < 2 || stmt[k - 1]?.text === '.') return undefined;
    const table = chain.table;
    let elements: Token[][];
    let end: number;
    const head = stmt[k];
    if (head?.text.startsWith('@')) {
      const set = table.sets.get(head.text.slice(1));
      if (!set || set.dynamic || set.elements.length === 0) return undefined;
      elements = set.elements;
      end = k + 1;
    } else if (head?.text === '{' || (head?.text === 'vmap' && stmt[k + 1]?.text === '{')) {
      const open = head.text === '{' ? k : k + 1;
      end = this.matchingBrace(stmt, open) + 1;
      elements = this.splitGroup(stmt, open).elements;
      if (head.text === '{' && elements.some((e) => e.some((tk) => tk.text === ':'))) return undefined;
    } else return undefined;
    if (elements.length > MAX_CONCATENATION_ELEMENTS) return undefined;
    const whole = this.range(stmt[0]!.start, stmt[stmt.length - 1]!.end);
    const text = this.text.slice(stmt[0]!.start, stmt[stmt.length - 1]!.end);
    const byElement: Rule[][] = [];
    const catchAll: Rule[][] = [];
    for (const element of elements) {
      const colon = element.findIndex((tk) => tk.text === ':');
      const key = colon < 0 ? element : element.slice(0, colon);
      const verdict = colon < 0 ? [] : element.slice(colon + 1);
      const components = splitAt(key, '.');
      const isCatchAll = key.length === 1 && key[0]!.text === '*';
      if (!isCatchAll && components.length !== selectors.length) return undefined;
      const matches = isCatchAll ? [] : selectors.flatMap((selector, i) => [...selector, ...components[i]!]);
      const rules = this.singleRule([...stmt.slice(0, start), ...matches, ...verdict, ...stmt.slice(end)], chain);
      for (const r of rules) {
        r.range = whole;
        r.text = text;
      }
      (isCatchAll ? catchAll : byElement).push(rules);
    }
    return [...byElement, ...catchAll].flat();
  }

  private singleRule(stmt: Token[], chain: ChainState): Rule[] {
    const first = stmt[0]!;
    const last = stmt[stmt.length - 1]!;
    const rule: Rule = {
      range: this.range(first.start, last.end),
      actionRange: this.range(first.start, first.end),
      action: { type: 'continue' },
      text: this.text.slice(first.start, last.end),
    };
    const table = chain.table;
    const unknown: string[] = [];
    let familyRestriction: Family | undefined;
    let vmap: { value: Value; apply: (r: Rule, key: Token[]) => void } | undefined;
    const restrictProtocols = (protocols: string[]): void => {
      rule.protocols = rule.protocols ? rule.protocols.filter((p) => protocols.includes(p)) : protocols;
    };
    const setAddress = (side: Side, match: AddressMatch, family: Family): void => {
      // `ip saddr != X` never matches IPv6 packets, so the negation is taken within the family.
      if (match.negated && !match.unresolved) {
        const whole = [fullFamily(family)];
        match.intervals = whole.flatMap((w) => subtractIntervals(w, match.intervals));
        match.negated = false;
      }
      const existing = rule[side];
      if (!existing) rule[side] = match;
      else if (!existing.negated && !match.negated && !existing.unresolved && !match.unresolved) {
        existing.intervals = existing.intervals.flatMap((a) =>
          match.intervals.filter((b) => a.family === b.family && a.first <= b.last && b.first <= a.last).map((b) => ({ family: a.family, first: a.first > b.first ? a.first : b.first, last: a.last < b.last ? a.last : b.last })),
        );
        existing.referenceIds.push(...match.referenceIds);
      } else unknown.push(`${side} ${match.referenceIds.map((id) => this.references[id]!.text).join(',')}`);
      familyRestriction = family;
    };
    const setPorts = (side: 'sourcePorts' | 'destinationPorts', ports: PortRange[]): void => {
      rule[side] = rule[side] ? intersectPorts(rule[side], ports) : ports;
    };
    const phrase = (from: number, to: number): string => {
      const text = stmt
        .slice(from, to)
        .map((tk) => (tk.kind === 'string' ? `"${tk.text}"` : tk.text))
        .join(' ');
      return text.length > 120 ? `${text.slice(0, 117)}…` : text;
    };
    const setAction = (action: RuleAction, token: Token): void => {
      rule.action = action;
      rule.actionRange = this.tokenRange(token);
    };

    let k = 0;
    while (k < stmt.length) {
      const token = stmt[k]!;
      const word = token.kind === 'word' ? token.text : '';
      const field = stmt[k + 1]?.text ?? '';
      if ((word === 'ip' || word === 'ip6') && (field === 'saddr' || field === 'daddr')) {
        const family: Family = word === 'ip' ? 4 : 6;
        if (stmt[k + 2]?.text === 'set') {
          // `ip daddr set 127.0.0.1` rewrites the header: a statement, not a match.
          k = this.objectMap(stmt, k + 3);
          continue;
        }
        if (stmt[k + 2]?.kind === 'punct' && ['&', '|', '^'].includes(stmt[k + 2]!.text)) {
          // `ip saddr & 0.0.0.255 < 0.0.0.127`: a masked comparison the model cannot hold, so the rule is uncertain.
          const { next } = this.value(stmt, k + 4);
          unknown.push(phrase(k, next));
          familyRestriction = family;
          k = next;
          continue;
        }
        const { value, next } = this.value(stmt, k + 2);
        const side: Side = field === 'saddr' ? 'sources' : 'destinations';
        if (value.concatenation || value.unresolvedMap) {
          unknown.push(phrase(k, next));
          familyRestriction = family;
          // Addresses inside a concatenation (`ip saddr . tcp dport { 10.0.0.1 . 22 }`) are still references.
          const role: ReferenceRole = field === 'saddr' ? 'source' : 'destination';
          for (const tk of stmt.slice(k + 2, next)) if (tk.kind === 'word' && this.looksLikeAddress(tk.text) && (family === 4 ? tk.text.includes('.') : tk.text.includes(':'))) this.addressReference(tk, role);
        } else if (value.vmap) {
          familyRestriction = family;
          vmap = { value, apply: (r, key) => this.applyVmapAddress(r, side, key, family, table) };
        } else {
          setAddress(side, this.addresses(value, side === 'sources' ? 'source' : 'destination', family, table), family);
          const named = value.setName ? table.sets.get(value.setName.text.slice(1)) : undefined;
          if (named) this.ruleSets.set(rule, [...(this.ruleSets.get(rule) ?? []), { set: named, side, negated: value.negated }]);
          else if (value.group) this.ruleGroups.set(rule, [...(this.ruleGroups.get(rule) ?? []), { group: value.group, family, side, negated: value.negated }]);
        }
        k = next;
        continue;
      }
      if ((word === 'ip' && field === 'protocol') || (word === 'ip6' && field === 'nexthdr') || (word === 'meta' && field === 'l4proto')) {
        const { value, next } = this.value(stmt, k + 2);
        const protocols = this.protocols(value);
        if (word !== 'meta') familyRestriction = word === 'ip' ? 4 : 6;
        if (protocols && !value.vmap) restrictProtocols(protocols);
        else unknown.push(phrase(k, next));
        k = next;
        continue;
      }
      if (PORT_PROTOCOLS.includes(word) && field !== 'dport' && field !== 'sport' && stmt[k + 1]?.kind === 'word') restrictProtocols([word]);
      if ((word === 'ip' || word === 'ip6') && stmt[k + 1]?.kind === 'word' && !['saddr', 'daddr', 'protocol', 'nexthdr'].includes(field)) familyRestriction = word === 'ip' ? 4 : 6;
      if ((PORT_PROTOCOLS.includes(word) || word === 'th') && (field === 'dport' || field === 'sport')) {
        const { value, next } = this.value(stmt, k + 2);
        restrictProtocols(word === 'th' ? PORT_PROTOCOLS : [word]);
        const side = field === 'dport' ? 'destinationPorts' : 'sourcePorts';
        if (value.vmap) vmap = { value, apply: (r, key) => this.applyVmapPorts(r, side, key, table) };
        else if (value.concatenation || value.unresolvedMap) unknown.push(phrase(k, next));
        else {
          const ports = this.ports(value, table);
          if (ports) setPorts(side, ports);
          else unknown.push(phrase(k, next));
        }
        k = next;
        continue;
      }
      if (word === 'meta' && field === 'nfproto') {
        const { value, next } = this.value(stmt, k + 2);
        const names = value.elements.map((e) => e[0]?.text);
        if (!value.negated && names.length === 1 && (names[0] === 'ipv4' || names[0] === 'ipv6')) familyRestriction = names[0] === 'ipv4' ? 4 : 6;
        else unknown.push(phrase(k, next));
        k = next;
        continue;
      }
      if (word === 'ct' && field === 'state') {
        const { value, next } = this.value(stmt, k + 2);
        if (value.vmap) {
          vmap = { value, apply: (r, key) => (r.unknownConditions = [...(r.unknownConditions ?? []), `conntrack state ${key.map((tk) => tk.text).join(' ')}`]) };
          k = next;
          continue;
        }
        const states = value.elements.map((e) => e.map((tk) => tk.text).join(' ')).join(',');
        unknown.push(`conntrack state ${value.negated ? 'not ' : ''}${states || phrase(k + 2, next)}`);
        k = next;
        continue;
      }
      switch (word) {
        case 'accept':
        case 'drop':
        case 'return':
        case 'continue':
          setAction({ type: word }, token);
          k++;
          continue;
        case 'reject':
          setAction({ type: 'reject' }, token);
          k++;
          // `with tcp reset`, `with icmp type host-unreachable`, `with icmpx admin-prohibited`
          if (stmt[k]?.text === 'with') {
            k += 2;
            if (stmt[k]?.text === 'type') k++;
            k++;
          }
          continue;
        case 'jump':
        case 'goto': {
          const target = stmt[k + 1];
          if (target?.kind === 'punct' && target.text === '{') {
            const close = this.matchingBrace(stmt, k + 1);
            const anonymous = this.anonymousChain(chain, target, stmt.slice(k + 2, close));
            setAction({ type: word, target: nftListId(table.family, table.name, anonymous.name) }, token);
            k = close + 1;
            continue;
          }
          if (!target || target.kind !== 'word') {
            this.tokenProblem(token, t('Missing chain name after {0}', word));
            k++;
            continue;
          }
          setAction({ type: word, target: nftListId(table.family, table.name, target.text) }, token);
          this.jumps.push({ rule, table, name: target.text, range: this.tokenRange(target) });
          k += 2;
          continue;
        }
        case 'dnat': {
          const translation = this.dnatTarget(stmt, k + 1, table);
          setAction(translation.action, token);
          // `dnat ip to …` and a target address say which family the rule sees, as `ip daddr` would.
          familyRestriction ??= translation.family;
          k = stmt.length;
          continue;
        }
        case 'snat':
        case 'masquerade':
        case 'redirect':
        case 'tproxy':
        case 'fwd':
          setAction({ type: 'accept' }, token);
          this.translationReferences(stmt.slice(k + 1));
          k = stmt.length;
          continue;
        case 'queue':
          setAction({ type: 'continue' }, token);
          unknown.push(t('verdict from a user-space queue ({0})', 'queue'));
          k = stmt.length;
          continue;
        case 'counter':
        case 'quota':
          if (word === 'quota' && stmt[k + 1]?.text !== 'name') break;
          k++;
          if (stmt[k]?.text === 'name' && stmt[k + 2] && (stmt[k + 2]!.text === 'map' || stmt[k + 2]!.text === '.' || FIELDS[stmt[k + 1]!.text]?.includes(stmt[k + 2]!.text))) {
            k = this.objectMap(stmt, k + 1);
            continue;
          }
          while (k + 1 < stmt.length && (stmt[k]!.text === 'packets' || stmt[k]!.text === 'bytes' || stmt[k]!.text === 'name')) k += 2;
          continue;
        case 'log':
          k++;
          while (k < stmt.length && ['prefix', 'level', 'group', 'snaplen', 'queue-threshold', 'flags'].includes(stmt[k]!.text)) {
            // `flags tcp sequence,options`, `flags ip options`, `flags skuid`: the header names the flags that follow.
            const header = stmt[k]!.text === 'flags' && (stmt[k + 1]?.text === 'tcp' || stmt[k + 1]?.text === 'ip') ? 1 : 0;
            k += 2 + header;
            while (stmt[k]?.text === ',' && stmt[k + 1]) k += 2;
          }
          continue;
        case 'dup':
          k = this.objectMap(stmt, k + (stmt[k + 1]?.text === 'to' ? 2 : 1));
          if (stmt[k]?.text === 'device') k += 2;
          continue;
        case 'comment':
          if (stmt[k + 1]?.kind === 'string') rule.comment = stmt[k + 1]!.text;
          k += 2;
          continue;
        case 'notrack':
          k++;
          continue;
        case 'icmp':
        case 'icmpv6':
          restrictProtocols([word === 'icmp' ? 'icmp' : 'ipv6-icmp']);
          familyRestriction = word === 'icmp' ? 4 : 6;
          break;
        default:
          break;
      }
      if ((word === 'add' || word === 'update' || word === 'delete') && stmt[k + 1]?.text.startsWith('@')) {
        if (stmt[k + 2]?.text === '{') {
          const close = this.matchingBrace(stmt, k + 2);
          // A stateful statement on the element (`{ ip saddr limit rate over 10/second }`) decides whether the rule goes on.
          const stateful = stmt.slice(k + 3, close).findIndex((tk) => tk.kind === 'word' && (tk.text === 'limit' || tk.text === 'quota' || tk.text === 'ct'));
          if (stateful >= 0) unknown.push(phrase(k, close + 1));
          k = close + 1;
        } else k = this.phraseEnd(stmt, k + 2);
        continue;
      }
      if (token.kind === 'punct' && token.text !== '{') {
        if (token.text === '}') this.tokenProblem(token, t("Unexpected '}'"));
        k++;
        continue;
      }
      const end = this.phraseEnd(stmt, k);
      const words = stmt.slice(k, end);
      if (token.kind === 'word' && !token.text.startsWith('$') && !token.text.startsWith('@') && !RULE_KEYWORDS.has(word) && !OTHER_STATEMENTS.has(word)) {
        this.tokenProblem(token, t('Unknown statement {0}', token.text));
      } else if (token.kind === 'word' && Object.hasOwn(FIELDS, word) && stmt[k + 1]?.kind === 'word' && !FIELDS[word]!.includes(field)) {
        this.tokenProblem(stmt[k + 1]!, t('Unknown field {0} after {1}', field, word));
      }
      const assignment = words.findIndex((tk) => tk.text === 'set' && tk.kind === 'word');
      if (assignment > 0) {
        // `meta mark set …`, `ct helper set …`: a statement, whose value may itself contain selectors.
        const valueStart = k + assignment + 1;
        const valueToken = stmt[valueStart];
        if (valueToken && valueToken.kind === 'word' && RULE_KEYWORDS.has(valueToken.text)) {
          let j = valueStart + 1;
          while (j < stmt.length && !(stmt[j]!.kind === 'word' && STATEMENT_KEYWORDS.has(stmt[j]!.text))) j++;
          k = j;
        } else {
          let j = valueStart + 1;
          let depth = stmt[valueStart]?.text === '{' ? 1 : 0;
          for (; j < stmt.length; j++) {
            const next = stmt[j]!;
            if (next.kind === 'punct' && next.text === '{') depth++;
            else if (next.kind === 'punct' && next.text === '}') depth--;
            else if (depth <= 0 && next.kind === 'word' && RULE_KEYWORDS.has(next.text)) break;
          }
          k = j;
        }
        continue;
      }
      if (word === 'limit' || word === 'quota') unknown.push(phrase(k, end));
      else unknown.push(phrase(k, end));
      k = end;
    }

    if (familyRestriction && !rule.sources && !rule.destinations) {
      rule.destinations = { referenceIds: [], intervals: [fullFamily(familyRestriction)], negated: false };
    }
    if (unknown.length > 0) rule.unknownConditions = unknown;
    if (!vmap?.value.vmap) return [rule];
    const rules: Rule[] = [];
    // The catch-all element `*` is looked up only when no other key matched, so it comes last and matches anything.
    const catchAll = (element: { key: Token[] }): boolean => element.key.length === 1 && element.key[0]!.text === '*';
    for (const element of [...vmap.value.vmap.filter((e) => !catchAll(e)), ...vmap.value.vmap.filter(catchAll)]) {
      const copy: Rule = structuredClone(rule);
      if (!catchAll(element)) vmap.apply(copy, element.key);
      const verdict = element.verdict[0];
      if (verdict) {
        copy.actionRange = this.tokenRange(verdict);
        const target = element.verdict[1];
        if (verdict.text === 'accept' || verdict.text === 'drop' || verdict.text === 'return' || verdict.text === 'continue') copy.action = { type: verdict.text };
        else if ((verdict.text === 'jump' || verdict.text === 'goto') && target) {
          copy.action = { type: verdict.text, target: nftListId(table.family, table.name, target.text) };
          this.jumps.push({ rule: copy, table, name: target.text, range: this.tokenRange(target) });
        } else if (verdict.text === 'reject') copy.action = { type: 'reject' };
      }
      rules.push(copy);
    }
    return rules;
  }

  /**
   * An expression whose value a statement uses (`dup to 10.0.0.1`, `counter name ip daddr map { … }`):
   * one word, or selectors joined by `.` and a `map { … }`. Its addresses are references; returns where it ends.
   */
  private objectMap(stmt: Token[], k: number): number {
    let j = k;
    if (RULE_KEYWORDS.has(stmt[k]?.text ?? '')) {
      while (j < stmt.length && stmt[j]!.kind === 'word' && stmt[j]!.text !== 'map') j++;
    }
    if (stmt[j]?.text === 'map' && stmt[j + 1]?.text === '{') j = this.matchingBrace(stmt, j + 1) + 1;
    else j = k + 1;
    this.translationReferences(stmt.slice(k, j));
    return j;
  }

  /** Index of the `}` closing the `{` at `open` (the end of `tokens` when it is not closed). */
  private matchingBrace(tokens: Token[], open: number): number {
    let depth = 0;
    for (let j = open; j < tokens.length; j++) {
      const text = tokens[j]!.kind === 'punct' ? tokens[j]!.text : '';
      if (text === '{') depth++;
      else if (text === '}' && --depth === 0) return j;
    }
    return tokens.length;
  }

  /** `jump { … }`: a chain of its own, named after the rule's chain and line, whose statements end at `;` or a newline. */
  private anonymousChain(parent: ChainState, open: Token, body: Token[]): ChainState {
    const line = this.index.positionAt(open.start).line + 1;
    const name = `${parent.name}/jump@${line}:${this.index.positionAt(open.start).character + 1}`;
    const chain: ChainState = { table: parent.table, name, range: this.tokenRange(open), rules: [], order: this.chainOrder++, bodies: [], anonymous: true };
    parent.table.chains.set(name, chain);
    let depth = 0;
    let current: Token[] = [];
    const flush = (): void => {
      if (current.length > 0) this.chainStatement(chain, current, 'append');
      current = [];
    };
    for (const token of body) {
      if (token.kind === 'punct' && token.text === '{') depth++;
      else if (token.kind === 'punct' && token.text === '}') depth--;
      if (depth === 0 && (token.kind === 'newline' || (token.kind === 'punct' && token.text === ';'))) flush();
      else if (token.kind !== 'newline') current.push(token);
    }
    flush();
    return chain;
  }

  /** Translation targets are addresses too (`snat to 192.0.2.1-192.0.2.10`, a map's values), with no side in the match. */
  private translationReferences(tokens: Token[]): void {
    for (const target of tokens) {
      if (target.kind === 'word' && /^\d+\.[0-9.]+-\d+\.[0-9.]+$/.test(target.text)) {
        this.addressReference(target, 'other');
        continue;
      }
      const address = target.kind === 'word' ? /^\[?([0-9a-fA-F:.]+?(?:\/\d+)?)\]?(?::\d+(?:-\d+)?)?$/.exec(target.text)?.[1] : undefined;
      if (address && this.looksLikeAddress(address) && (address.includes('.') || target.text.startsWith('[') || !/:\d+$/.test(target.text))) {
        this.addressReference({ kind: 'word', text: address, start: target.start + (target.text.startsWith('[') ? 1 : 0), end: target.start + (target.text.startsWith('[') ? 1 : 0) + address.length }, 'other');
      }
    }
  }

  /**
   * `dnat [ip|ip6] [to] ADDRESS[:PORT]`, ADDRESS a host, an `a-b` range or `[v6]`: the local side
   * the rule gives inbound traffic. A target a map, a hash or an unknown variable chooses leaves
   * `to` undefined. The family is the qualifier's, the table's or the address's.
   */
  private dnatTarget(stmt: Token[], from: number, table: TableState): { action: RuleAction; family?: Family } {
    let k = from;
    let family: Family | undefined = table.family === 'ip' ? 4 : table.family === 'ip6' ? 6 : undefined;
    const qualifier = stmt[k]?.text;
    if ((qualifier === 'ip' || qualifier === 'ip6') && stmt[k + 1]?.text !== 'saddr' && stmt[k + 1]?.text !== 'daddr') {
      family = qualifier === 'ip' ? 4 : 6;
      k++;
    }
    if (stmt[k]?.text === 'to') k++;
    const target = this.translationAddress(stmt, k);
    if (!target) {
      this.translationReferences(stmt.slice(k));
      return { action: { type: 'dnat' }, ...(family ? { family } : {}) };
    }
    this.addressReference(target.token, 'other');
    return { action: { type: 'dnat', to: [target.interval], ...(target.ports ? { toPorts: [target.ports] } : {}) }, family: family ?? target.interval.family };
  }

  /** The address (and port) a translation names at `k`: `10.1.1.25`, `10.1.1.25:443`, `10.1.1.30-10.1.1.31`, `[2001:db8::25]:443`, `2001:db8::25`. */
  private translationAddress(stmt: Token[], k: number): { token: Token; interval: IpInterval; ports?: PortRange } | undefined {
    const first = stmt[k];
    if (!first) return undefined;
    let token: Token;
    let portText: string | undefined;
    if (first.kind === 'punct' && first.text === '[') {
      const inner = stmt[k + 1];
      if (!inner || inner.kind !== 'word' || stmt[k + 2]?.text !== ']') return undefined;
      token = inner;
      const after = stmt[k + 3];
      if (after?.kind === 'word' && after.text.startsWith(':')) portText = after.text.slice(1);
    } else if (first.kind === 'word' && first.text.includes('.')) {
      const match = /^([0-9.]+(?:-[0-9.]+)?)(?::(.+))?$/.exec(first.text);
      if (!match) return undefined;
      token = { kind: 'word', text: match[1]!, start: first.start, end: first.start + match[1]!.length };
      portText = match[2];
    } else if (first.kind === 'word' && first.text.includes(':')) {
      token = first;
    } else return undefined;
    const interval = classifyNftAddress(token.text).interval;
    if (!interval) return undefined;
    if (portText === undefined) return { token, interval };
    const ports = parsePortText(portText);
    return ports ? { token, interval, ports } : undefined;
  }

  private applyVmapAddress(rule: Rule, side: Side, key: Token[], family: Family, table: TableState): void {
    const value: Value = { operator: 'eq', negated: false, elements: [key] };
    rule[side] = this.addresses(value, side === 'sources' ? 'source' : 'destination', family, table);
  }

  private applyVmapPorts(rule: Rule, side: 'sourcePorts' | 'destinationPorts', key: Token[], table: TableState): void {
    const ports = this.ports({ operator: 'eq', negated: false, elements: [key] }, table);
    if (ports) rule[side] = ports;
  }

  private finish(): Parsed<NftVendor> {
    for (const jump of this.jumps) {
      if (!jump.table.chains.has(jump.name)) this.problems.push({ range: jump.range, message: t('Chain {0} is not defined in table {1}', jump.name, jump.table.name), severity: 'warning' });
    }
    for (const use of this.setUses) {
      if (!use.table.sets.has(use.name)) this.problems.push({ range: use.range, message: t('Set {0} is not defined in table {1}', use.name, use.table.name), severity: 'warning' });
    }
    const ruleLists: RuleList[] = [];
    const baseChains: ChainState[] = [];
    const natChains: ChainState[] = [];
    const chains: NftChainFacts[] = [];
    const setUses: NftSetUse[] = [];
    const anonymousSets: NftSetFacts[] = [];
    const byPriority = (a: ChainState, b: ChainState): number => a.base!.priority - b.base!.priority || a.order - b.order;
    for (const table of this.tables.values()) {
      const inet = table.family === 'ip' || table.family === 'ip6' || table.family === 'inet';
      for (const chain of table.chains.values()) {
        const id = nftListId(table.family, table.name, chain.name);
        const list: RuleList = { id, name: id, kind: 'packet-filter', rules: chain.rules, range: chain.range };
        if (table.family === 'ip') list.families = [4];
        else if (table.family === 'ip6') list.families = [6];
        else if (table.family === 'arp') list.families = [];
        if (chain.base) {
          list.defaultAction = chain.policy ?? 'accept';
          if (chain.policyRange) list.defaultRange = chain.policyRange;
          if (inet && chain.base.type !== 'nat') baseChains.push(chain);
          if (inet && chain.base.type === 'nat' && chain.base.hook === 'prerouting') {
            list.kind = 'destination-nat';
            natChains.push(chain);
          }
        }
        ruleLists.push(list);
        const positioned = chain.rules.flatMap((rule, index) => (this.positionedRules.has(rule) ? [index] : []));
        if (!chain.anonymous) chains.push({ id, family: table.family, table: table.name, name: chain.name, bodies: chain.bodies, positioned });
        chain.rules.forEach((rule, ruleIndex) => {
          for (const use of this.ruleSets.get(rule) ?? []) setUses.push({ listId: id, ruleIndex, set: nftListId(table.family, table.name, use.set.name), side: use.side, negated: use.negated });
          for (const use of this.ruleGroups.get(rule) ?? []) {
            const setId = `${id}#${ruleIndex}:${use.side}`;
            const keyType = use.family === 4 ? 'ipv4_addr' : 'ipv6_addr';
            anonymousSets.push({ id: setId, name: '', anonymous: true, family: table.family, table: table.name, keyType, interval: true, dynamic: false, groups: [use.group], literal: true });
            setUses.push({ listId: id, ruleIndex, set: setId, side: use.side, negated: use.negated });
          }
        });
      }
    }
    const paths: EvaluationPath[] = [];
    for (const hook of ['input', 'forward', 'output']) {
      const stages = baseChains.filter((c) => c.base!.hook === hook).sort(byPriority);
      if (stages.length === 0) continue;
      paths.push({
        id: `hook:${hook}`,
        name: t('{0} hook', hook),
        direction: lookup(HOOK_DIRECTIONS, hook)!,
        stages: stages.map((c) => nftListId(c.table.family, c.table.name, c.name)),
        range: stages[0]!.range,
      });
    }
    const tables = [...this.tables.values()];
    const vendor: NftVendor = {
      includes: this.includes,
      tables: tables.map((table) => ({ family: table.family, name: table.name, range: table.range, chains: [...table.chains.values()].filter((c) => !c.anonymous).map((c) => c.name), sets: [...table.sets.keys()], blocks: table.blocks })),
      style: this.sawTableBlock || this.tables.size === 0 ? 'tables' : 'commands',
      chains,
      sets: tables.flatMap((table) =>
        [...table.sets.values()].map((set) => ({
          id: nftListId(table.family, table.name, set.name),
          name: set.name,
          anonymous: false,
          family: table.family,
          table: table.name,
          keyType: set.keyType,
          interval: set.interval,
          dynamic: set.dynamic,
          groups: set.groups,
          literal: set.literal,
        })),
      ).concat(anonymousSets),
      setUses,
    };
    // Problems in document order, whichever pass found them.
    this.problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    const prerouting = natChains.sort(byPriority).map((c) => nftListId(c.table.family, c.table.name, c.name));
    return {
      vendor,
      model: {
        dialect: 'nftables',
        references: this.references,
        ruleLists,
        paths,
        problems: this.problems,
        comments: this.comments,
        limits: this.limits,
        ...(prerouting.length > 0 ? { prerouting } : {}),
      },
    };
  }
}

/** More elements than this in a concatenation's set leave the rule uncertain instead of one rule per element. */
const MAX_CONCATENATION_ELEMENTS = 4096;

/** `ip daddr`, `tcp dport`: a header and one of its fields. */
function isSelector(header: Token, field: Token): boolean {
  return header.kind === 'word' && Object.hasOwn(FIELDS, header.text) && FIELDS[header.text]!.includes(field.text);
}

/** Tokens split at each `sep` word (`52.112.0.0/14 . 443` → two components). */
function splitAt(tokens: Token[], sep: string): Token[][] {
  const out: Token[][] = [[]];
  for (const token of tokens) {
    if (token.text === sep) out.push([]);
    else out[out.length - 1]!.push(token);
  }
  return out;
}

/** Words that start a statement attached to a set element (`1.2.3.4 limit rate 1/second counter`), after its key. */
const ELEMENT_STATEMENTS = new Set(['limit', 'counter', 'quota', 'timeout', 'expires', 'comment', 'ct', 'last']);

/** A set element without the statements written after its key; a map element keeps its `: value`. */
function elementKey(element: Token[]): Token[] {
  const at = element.findIndex((tk, i) => i > 0 && tk.kind === 'word' && ELEMENT_STATEMENTS.has(tk.text));
  if (at < 0) return element;
  const colon = element.findIndex((tk, i) => i > at && tk.text === ':');
  return colon < 0 ? element.slice(0, at) : [...element.slice(0, at), ...element.slice(colon)];
}

/** `443`, `https`, `3478-3481`. */
export function parsePortText(text: string): PortRange | undefined {
  const number = (s: string): number | undefined => {
    if (/^\d{1,5}$/.test(s)) {
      const n = Number(s);
      return n <= 65535 ? n : undefined;
    }
    return lookup(SERVICES, s.toLowerCase());
  };
  const dash = text.indexOf('-', 1);
  if (dash > 0 && /^\d/.test(text)) {
    const from = number(text.slice(0, dash));
    const to = number(text.slice(dash + 1));
    if (from === undefined || to === undefined || from > to) return undefined;
    return { from, to };
  }
  const n = number(text);
  return n === undefined ? undefined : { from: n, to: n };
}

const HOSTNAME = /^(?=.*[A-Za-z])[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;

/** One address token as nft reads it: address, prefix, `a-b` range or a host name resolved at load time. */
export function classifyNftAddress(text: string): Omit<Reference, 'range' | 'role' | 'text'> {
  const dash = text.indexOf('-');
  if (dash > 0 && /^[0-9a-fA-F:.]+-[0-9a-fA-F:.]+$/.test(text)) {
    const result = parseAddressRange(text.slice(0, dash), text.slice(dash + 1));
    return result.ok ? { kind: 'range', interval: result.value } : { kind: 'range', invalidReason: result.reason };
  }
  if (text.includes('/')) {
    const result = parseCidr(text);
    if (result.ok) return { kind: 'cidr', interval: cidrToInterval(result.value), ...(result.value.hostBitsSet ? { hostBitsSet: true } : {}) };
    return { kind: 'cidr', invalidReason: result.reason };
  }
  const ip = parseIp(text);
  if (ip.ok) return { kind: ip.value.family === 4 ? 'ipv4' : 'ipv6', interval: { family: ip.value.family, first: ip.value.value, last: ip.value.value } };
  if (HOSTNAME.test(text) && !text.includes(':')) return { kind: 'hostname', hostMatchers: [{ kind: 'exact', host: text.replace(/\.$/, '').toLowerCase() }] };
  return { kind: text.includes(':') ? 'ipv6' : 'ipv4', invalidReason: ip.reason };
}

export function parseNftables(text: string, _context: ParseContext = {}): Parsed<NftVendor> {
  try {
    return new NftParser(text).parse();
  } catch (error) {
    return { vendor: { includes: [], tables: [], style: 'tables', chains: [], sets: [], setUses: [] }, model: parserFailureModel('nftables', 'nftables', error) };
  }
}
