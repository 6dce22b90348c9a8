import type { IpInterval } from './address';
import type { Range } from './range';

/** A dialect's id (`nginx`, `pac`, …); each dialect folder names its own, so the model lists none. */
export type DialectId = string;

export type ReferenceKind =
  | 'ipv4'
  | 'ipv6'
  | 'cidr'
  | 'range'
  | 'netmask'
  | 'wildcard-mask'
  | 'hostname'
  | 'host-wildcard'
  | 'host-regex';

export type ReferenceRole = 'source' | 'destination' | 'host-pattern' | 'resolver' | 'other';

/**
 * How a host pattern matches, in the semantics of the dialect that wrote it.
 * - exact: the host equals `host` (case-insensitive).
 * - suffix: the host ends with `suffix` as a plain string (PAC dnsDomainIs), so ".x.com" excludes the apex.
 * - glob: shExpMatch semantics, `*` matches any run including dots, `?` one character.
 * - regex: a regular expression in the dialect's flavour, tested against the whole host.
 * A dialect construct that means "apex or any subdomain" (nginx `.x.com`) is two matchers.
 */
export type HostMatcher =
  | { kind: 'exact'; host: string }
  | { kind: 'suffix'; suffix: string }
  | { kind: 'glob'; glob: string }
  | { kind: 'regex'; source: string; flags: string };

/** Every address-like token of a file, where it is and what it is for. */
export interface Reference {
  text: string;
  kind: ReferenceKind;
  role: ReferenceRole;
  range: Range;
  /** Addresses covered, for address kinds that parsed. */
  interval?: IpInterval;
  /** For CIDRs: written with host bits set (`10.1.2.3/8`); the interval is the network the device uses. */
  hostBitsSet?: boolean;
  /** For host kinds. */
  hostMatchers?: HostMatcher[];
  /** Set when the token is meant as an address but does not parse; an AddressError or dialect reason. */
  invalidReason?: string;
}

/** Lower-case protocol name as the dialect wrote it (tcp, udp, icmp, gre, …); numbers are mapped to names. */
export type Protocol = string;

export interface PortRange {
  from: number;
  to: number;
}

/** A set of addresses a rule matches on one side. `undefined` on a rule means "any". */
export interface AddressMatch {
  /** Index into ConfigModel.references for each element, in source order. */
  referenceIds: number[];
  intervals: IpInterval[];
  negated: boolean;
  /**
   * Set when membership cannot be known without outside state: a named ipset with no members in
   * the file, an FQDN object (resolved by the device at run time), a variable defined elsewhere.
   */
  unresolved?: string;
}

export type RuleAction =
  | { type: 'accept' }
  | { type: 'drop' }
  | { type: 'reject' }
  /** iptables/nftables jump: evaluate the target list, come back on RETURN or fall-through. */
  | { type: 'jump'; target: string }
  /** nftables goto: evaluate the target list, never come back. */
  | { type: 'goto'; target: string }
  | { type: 'return' }
  /** A rule that matches but decides nothing (LOG, counter, comment-only). */
  | { type: 'continue' }
  /** PAC: the proxy string returned, e.g. "PROXY p:8080; DIRECT". */
  | { type: 'proxy'; proxies: ProxyDirective[] }
  /**
   * Destination NAT before routing (iptables `-j DNAT`, nft `dnat to`): the local end becomes `to`
   * (undefined when the file does not say, e.g. a map), on `toPorts` when given.
   */
  | { type: 'dnat'; to?: IpInterval[]; toPorts?: PortRange[] };

export interface ProxyDirective {
  kind: 'DIRECT' | 'PROXY' | 'SOCKS' | 'SOCKS4' | 'SOCKS5' | 'HTTP' | 'HTTPS' | 'unknown';
  target?: string;
}

export interface Rule {
  /** Range of the whole rule (the line or statement). */
  range: Range;
  /** Range of the word that states the action, for "the rule that decides" pointers. */
  actionRange: Range;
  action: RuleAction;
  /** undefined = any protocol. */
  protocols?: Protocol[];
  sources?: AddressMatch;
  destinations?: AddressMatch;
  sourcePorts?: PortRange[];
  destinationPorts?: PortRange[];
  /** For host-based rules (PAC conditions, nginx server_name/map): which hosts match. */
  hosts?: { referenceIds: number[]; matchers: HostMatcher[]; negated: boolean };
  /**
   * Conditions that the analysis cannot decide from the file alone (conntrack state, interface,
   * time, user, a PAC condition that is not a host test). A rule with any of these yields "unknown"
   * for flows its other conditions match.
   */
  unknownConditions?: string[];
  /** Free text the author attached (iptables -m comment, ACL remark). */
  comment?: string;
  /**
   * The zones a rule of a zone-based firewall applies between (absent sides: any zone; `only`: the
   * rule's own intrazone or interzone limit). Each path already stands for one zone pair, so the
   * evaluator never reads this; the shadow and redundancy checks do, because an earlier rule hides
   * a later one only if it applies wherever the later one does.
   */
  zones?: { from?: string[]; to?: string[]; only?: 'intrazone' | 'interzone' };
  /** The source line(s) as written, for messages. */
  text: string;
}

export type ListKind =
  /** Packet filter: iptables chain, nftables chain, Cisco ACL. */
  | 'packet-filter'
  /** nginx allow/deny for requests to a context. */
  | 'http-access'
  /** PAC FindProxyForURL returns, in program order. */
  | 'proxy-selection'
  /** nginx stream map on $ssl_preread_server_name. */
  | 'sni-routing'
  /** Destination NAT before routing; its rules' `dnat` actions decide which path inbound traffic takes. */
  | 'destination-nat';

export type TrafficDirection = 'inbound' | 'outbound' | 'forward';

export interface RuleList {
  /** Unique within the model; jump targets refer to it ("filter:OUTPUT", "inet fw:input", "ACL outside_in"). */
  id: string;
  /** As the user would name it in a message. */
  name: string;
  kind: ListKind;
  rules: Rule[];
  /**
   * What happens to a flow that falls off the end: iptables policy, nftables chain policy, Cisco
   * implicit deny, nginx "allow everything" when no rule matched. `undefined` for user chains,
   * which return to the caller.
   */
  defaultAction?: 'accept' | 'drop';
  /** Where the default is stated; absent when it is implicit. */
  defaultRange?: Range;
  /** Range of the list's header (chain declaration, `access-list` name, `location` line). */
  range: Range;
  /** Address families this list sees; undefined = both. */
  families?: (4 | 6)[];
}

/**
 * One path a flow takes through the device: the lists it meets in order. A flow is allowed by the
 * path only when every stage lets it through (nftables base chains on one hook by priority; a Cisco
 * interface with its bound ACL). iptables user chains and nftables jump targets are not stages;
 * they are reached by jumps.
 */
export interface EvaluationPath {
  id: string;
  name: string;
  direction?: TrafficDirection;
  /** List ids in the order the device applies them; empty for a routed path where nothing filters (every client gets through). */
  stages: string[];
  /**
   * Unset: every stage must let a flow through. `first-match`: the stages read as one list (an ASA
   * interface ACL, then the global ACL): the first rule that matches in any stage decides, and
   * only the last stage's default applies.
   */
  stageOrder?: 'first-match';
  range: Range;
  /** For a device that routes a connection by its listener and a request by its path: which flows take this path. */
  route?: PathRoute;
}

/**
 * How a request path selects a location, in nginx's terms: `exact` (`=`), `prefix`, `prefix-final`
 * (`^~`, a match that stops the regular-expression search) and `regex` (`~`, `~*` when `caseless`).
 */
export interface LocationMatch {
  kind: 'exact' | 'prefix' | 'prefix-final' | 'regex';
  pattern: string;
  caseless?: boolean;
}

/**
 * The connections and requests a path receives. A flow takes it only on one of the listener's
 * protocols and ports; of the paths of one `server`, a request takes the one whose chain of
 * locations it selects (the server's own path when it selects none), and a flow with no known
 * request path takes every one of them.
 */
export interface PathRoute {
  /** `addresses`: the local addresses a listener is bound to; absent when it takes every address of the host. */
  listeners: Array<{ protocol: 'tcp' | 'udp'; ports: PortRange[]; addresses?: IpInterval[] }>;
  /** Shared by the paths of one listener block. */
  server: string;
  /** From the outermost location down to this path's own; empty for the server itself. */
  locations: Array<{ id: string; match: LocationMatch }>;
}

export interface SyntaxProblem {
  range: Range;
  /** English message through the localisation layer. */
  message: string;
  /** `info` for a note about how the file was read that is not a mistake in it (a fragment without its table header). */
  severity: 'error' | 'warning' | 'info';
}

/** Which bound of Endpoint Lens a file went past (the bounds themselves are in server/src/limits.ts). */
export type AnalysisLimitKind =
  | 'nesting'
  | 'syntax-depth'
  | 'line-length'
  | 'rules'
  | 'variable-length'
  | 'define-length'
  | 'object-group-depth'
  | 'jump-depth'
  | 'uncertain-depth'
  | 'evaluation-steps'
  | 'host-pattern-length'
  | 'pac-time';

/** A bound the file went past, where, and by how much; the analysis-limit check puts it into words. */
export interface AnalysisLimit {
  kind: AnalysisLimitKind;
  range: Range;
  /** How much of the bounded thing the file has there; the bound plus one when counting stopped at the bound. */
  found: number;
  limit: number;
  /** Set when reading stopped here: nothing from this line on was analysed. */
  stoppedReading?: boolean;
}

export interface Comment {
  range: Range;
  /** Text without the comment marker, trimmed. */
  text: string;
}

/** A return statement of a proxy-selection program, numbered as the sandbox records them. */
export interface ScriptReturn {
  id: number;
  range: Range;
  /** Index of the rule of the proxy-selection list this return is, when it is one. */
  ruleIndex?: number;
}

/**
 * A proxy-selection program the analysis can run (a PAC file): its source, its returns and the
 * calls that make the browser resolve the host.
 */
export interface ProxyScript {
  program: string;
  returns: ScriptReturn[];
  dnsDependencies: Array<{ range: Range; call: string }>;
  /** Parameter names of the entry function as written (`url`, `host` in most files). */
  urlParameter?: string;
  hostParameter?: string;
}

export interface ConfigModel {
  dialect: DialectId;
  references: Reference[];
  ruleLists: RuleList[];
  paths: EvaluationPath[];
  problems: SyntaxProblem[];
  comments: Comment[];
  /** Bounds the parser went past; absent when the whole file was read. */
  limits?: AnalysisLimit[];
  /**
   * Destination-NAT lists applied before routing, in order. Inbound traffic to a local address
   * they translate is forwarded to the new address instead of being delivered to this host.
   */
  prerouting?: string[];
  /** Set for dialects whose proxy selection is a program (PAC). */
  script?: ProxyScript;
  /**
   * What the dialect knows about a name written at a range that neither the file nor the catalogue
   * says (a vendor's own list or application signature): markdown for the hover.
   */
  annotations?: Annotation[];
  /** Commands that apply a filter the file does not define, which the device accepts and then filters nothing with. */
  undefinedFilters?: UndefinedFilter[];
}

/** A filter applied by name that the file does not define (IOS `ip access-group` naming no list); the message, localised, says what the device does. */
export interface UndefinedFilter {
  range: Range;
  message: string;
}

export interface Annotation {
  range: Range;
  markdown: string;
}
