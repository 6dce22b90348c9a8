import { t } from '../../l10n';
import { cidrToInterval, minusIntervals, parseAddressRange, parseCidr, parseIp, parseNetmaskPair, type IpInterval } from '../../model/address';
import type { AddressMatch, Annotation, ConfigModel, EvaluationPath, HostMatch, HostMatcher, PortRange, ProxyAuthentication, Reference, Rule, RuleAction, RuleList, SyntaxProblem } from '../../model/config';
import { ALL_PORTS, intersectPorts, minusPorts } from '../../model/ports';
import type { Range } from '../../model/range';
import { domainMatchers, regexMatchers } from './hosts';
import type { SquidToken } from './lexer';
import { PREDEFINED_ACLS, type SquidAccessLine, type SquidAcl, type SquidVendor } from './vendor';

/** Acl types whose values are host names of the request (CONNECT authority or URL host; the TLS SNI at later bump steps). */
const DOMAIN_TYPES = new Set(['dstdomain', 'ssl::server_name']);
const REGEX_TYPES = new Set(['dstdom_regex', 'ssl::server_name_regex']);
const AUTH_TYPES = new Set(['proxy_auth', 'proxy_auth_regex']);

/** Plain HTTP requests: the catalogue's port-80 traffic. Everything else reaches Squid as CONNECT. */
const PLAIN_HTTP: PortRange[] = [{ from: 80, to: 80 }];

/** Addresses no public service resolves to: unspecified, loopback, private, shared and link-local ranges. */
const NON_PUBLIC: IpInterval[] = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '::/127', 'fc00::/7', 'fe80::/10'].map((c) => {
  const parsed = parseCidr(c);
  if (!parsed.ok) throw new Error(c);
  return cidrToInterval(parsed.value);
});

/** A host test no catalogue host passes: the cache manager's own URLs, addresses no public name resolves to. */
const NO_HOST: HostMatch = { referenceIds: [], matchers: [], negated: false };

/** Steps of ssl_bump: after CONNECT, after the client's hello (SNI), after the server's hello. */
export type BumpStep = 1 | 2 | 3;

/** What one acl, used as written (`!` included), requires of a request. */
interface Condition {
  hosts?: HostMatch;
  destinations?: AddressMatch;
  sources?: AddressMatch;
  ports?: PortRange[];
  authentication?: ProxyAuthentication;
  steps?: Set<BumpStep>;
  /** The acl never matches (an empty acl, `!all`). */
  never?: boolean;
  unknown?: string;
}

export interface Converted {
  model: ConfigModel;
}

class Converter {
  readonly references: Reference[] = [];
  readonly annotations: Annotation[] = [];
  private readonly conditions = new Map<string, Condition>();

  constructor(
    private readonly vendor: SquidVendor,
    private readonly problems: SyntaxProblem[],
  ) {}

  private reference(token: SquidToken, fields: Omit<Reference, 'text' | 'range'>): number {
    this.references.push({ text: token.text, range: token.range, ...fields });
    return this.references.length - 1;
  }

  private fileReason(acl: SquidAcl, file: SquidToken): string {
    return t('acl {0} reads its values from {1}, which is not read here', acl.name, file.text);
  }

  private addresses(acl: SquidAcl, role: 'source' | 'destination'): AddressMatch {
    const ids: number[] = [];
    const intervals: IpInterval[] = [];
    let unresolved: string | undefined;
    for (const value of acl.values) {
      if (value.quoted) {
        unresolved ??= this.fileReason(acl, value);
        continue;
      }
      const parsed = parseSquidAddress(value.text);
      if ('interval' in parsed) {
        ids.push(this.reference(value, { kind: parsed.kind, role, interval: parsed.interval }));
        intervals.push(parsed.interval);
      } else {
        ids.push(this.reference(value, { kind: value.text.includes('/') ? 'cidr' : value.text.includes(':') ? 'ipv6' : 'ipv4', role, invalidReason: parsed.reason }));
      }
    }
    return { referenceIds: ids, intervals, negated: false, ...(unresolved ? { unresolved } : {}) };
  }

  private hosts(acl: SquidAcl): HostMatch {
    const ids: number[] = [];
    const matchers: HostMatcher[] = [];
    let unresolved: string | undefined;
    const caseless = acl.flags.includes('-i');
    for (const value of acl.values) {
      if (value.quoted) {
        unresolved ??= this.fileReason(acl, value);
        continue;
      }
      if (REGEX_TYPES.has(acl.type)) {
        const mine = regexMatchers(value.text, caseless);
        matchers.push(...mine);
        ids.push(this.reference(value, { kind: 'host-regex', role: 'host-pattern', hostMatchers: mine }));
      } else {
        const covering = acl.type === 'dstdomain' ? acl.values.find((other) => other !== value && !other.quoted && coversDomain(other.text, value.text)) : undefined;
        if (covering) this.problems.push({ range: value.range, message: t('acl {0}: {1} is already covered by {2}, and Squid refuses the acl', acl.name, value.text, covering.text), severity: 'error' });
        const mine = domainMatchers(value.text);
        matchers.push(...mine);
        ids.push(this.reference(value, { kind: value.text.startsWith('.') ? 'host-wildcard' : 'hostname', role: 'host-pattern', hostMatchers: mine }));
      }
    }
    return { referenceIds: ids, matchers, negated: false, ...(unresolved ? { unresolved } : {}) };
  }

  private ports(acl: SquidAcl): PortRange[] | string {
    const out: PortRange[] = [];
    for (const value of acl.values) {
      if (value.quoted) return this.fileReason(acl, value);
      const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(value.text);
      const from = m ? Number(m[1]) : NaN;
      const to = m?.[2] !== undefined ? Number(m[2]) : from;
      if (!m || from > 65535 || to > 65535 || to < from) {
        this.problems.push({ range: value.range, message: t('acl {0}: "{1}" is not a port or port range', acl.name, value.text), severity: 'error' });
        continue;
      }
      out.push({ from, to });
    }
    return out;
  }

  /** Reads every acl once, so values of acls no rule uses still get references and problems. */
  readAll(): void {
    for (const name of this.vendor.acls.keys()) this.conditionOf(name);
  }

  /** The meaning of an acl, worked out once per name (a rule line may use it many times). */
  private conditionOf(name: string): Condition {
    const known = this.conditions.get(name);
    if (known) return known;
    const condition = this.readCondition(name);
    this.conditions.set(name, condition);
    return condition;
  }

  private readCondition(name: string): Condition {
    const acl = this.vendor.acls.get(name);
    if (!acl) {
      if (name === 'all') return {};
      const predefined = PREDEFINED_ACLS.get(name);
      if (predefined?.type === 'src') return { sources: { referenceIds: [], intervals: predefined.values.flatMap((v) => { const p = parseSquidAddress(v); return 'interval' in p ? [p.interval] : []; }), negated: false } };
      if (predefined?.type === 'dst') return { hosts: NO_HOST };
      // The cache manager's own URLs are never a Microsoft 365 host.
      if (predefined) return { hosts: NO_HOST };
      return { unknown: t('acl {0} is not defined', name) };
    }
    if (acl.values.length === 0 && acl.type !== 'all') return { never: true };
    const type = acl.type;
    if (DOMAIN_TYPES.has(type) || REGEX_TYPES.has(type)) return { hosts: this.hosts(acl) };
    if (type === 'dst') {
      const destinations = this.addresses(acl, 'destination');
      // Microsoft 365 names never resolve to loopback, private or link-local addresses (`to_localhost`, `to_linklocal`).
      if (!destinations.unresolved && destinations.intervals.length > 0 && minusIntervals(destinations.intervals, NON_PUBLIC).length === 0) return { hosts: NO_HOST };
      return { destinations };
    }
    if (type === 'src') return { sources: this.addresses(acl, 'source') };
    if (type === 'port') {
      const ports = this.ports(acl);
      return typeof ports === 'string' ? { unknown: ports } : { ports };
    }
    if (type === 'method') {
      const methods = acl.values.map((v) => v.text.toUpperCase());
      if (methods.length === 1 && methods[0] === 'CONNECT') return { ports: minusPorts(ALL_PORTS, PLAIN_HTTP) };
      return { unknown: t('acl {0} matches the request methods {1}', name, methods.join(' ')) };
    }
    if (type === 'proto') {
      const protocols = acl.values.map((v) => v.text.toUpperCase());
      if (protocols.length === 1 && protocols[0] === 'HTTP') return { ports: PLAIN_HTTP };
      if (protocols.every((p) => p === 'CACHE_OBJECT')) return { hosts: NO_HOST };
      return { unknown: t('acl {0} matches the URL schemes {1}', name, protocols.join(' ')) };
    }
    if (AUTH_TYPES.has(type)) {
      if (type === 'proxy_auth' && acl.values.length === 1 && acl.values[0]!.text === 'REQUIRED') return { authentication: 'authenticated' };
      return { authentication: 'authenticated', unknown: t('acl {0} admits only some of the users who authenticate', name) };
    }
    if (type === 'at_step') {
      const steps = new Set<BumpStep>();
      for (const v of acl.values) {
        const m = /^SslBump([123])$/.exec(v.text);
        if (m) steps.add(Number(m[1]) as BumpStep);
        else this.problems.push({ range: v.range, message: t('acl {0}: "{1}" is not a bump step (SslBump1, SslBump2, SslBump3)', name, v.text), severity: 'error' });
      }
      return { steps };
    }
    if (type === 'all-of' || type === 'any-of') return { unknown: t('acl {0} combines other acls ({1})', name, type) };
    return { unknown: t('acl {0} ({1}) depends on the request', name, type) };
  }

  /** A condition used with `!`. */
  private negate(condition: Condition, name: string): Condition {
    if (condition.never) return {};
    if (condition.unknown && !condition.authentication) return { unknown: condition.unknown };
    if (condition.hosts) return { hosts: { ...condition.hosts, negated: !condition.hosts.negated } };
    if (condition.destinations) return { destinations: { ...condition.destinations, negated: !condition.destinations.negated } };
    // The analysis takes every client to be one the proxy serves, so `!localnet` matches none of them.
    if (condition.sources) return condition.sources.negated ? {} : { never: true };
    if (condition.ports) return { ports: minusPorts(ALL_PORTS, condition.ports) };
    if (condition.authentication) return { authentication: 'unauthenticated' };
    if (condition.steps) return { steps: new Set(([1, 2, 3] as const).filter((s) => !condition.steps!.has(s))) };
    // `!all`: matches nothing.
    if (name === 'all') return { never: true };
    return { unknown: t('acl {0} is used negated', name) };
  }

  /**
   * One access line as a rule: its acls ANDed. A second host or address test on one line cannot
   * be ANDed in the model, so it is kept as a condition the analysis cannot settle.
   * Returns undefined for a line that can never match (`!all`, an empty acl, a step it does not hold at).
   */
  rule(line: SquidAccessLine, action: RuleAction, step?: BumpStep): Rule | undefined {
    const rule: Rule = { range: line.range, actionRange: line.actionToken.range, action, text: line.text };
    const unknown: string[] = [];
    let ports: PortRange[] | undefined;
    for (const use of line.acls) {
      if (!this.vendor.acls.has(use.name) && use.name !== 'all' && !PREDEFINED_ACLS.has(use.name) && !this.reported.has(use.token)) {
        this.reported.add(use.token);
        this.problems.push({ range: use.token.range, message: t('acl {0} is not defined; Squid refuses this configuration', use.name), severity: 'error' });
      }
      const plain = this.conditionOf(use.name);
      const condition = use.negated ? this.negate(plain, use.name) : plain;
      if (condition.never) return undefined;
      if (condition.steps) {
        if (step === undefined) unknown.push(t('acl {0} holds only during SSL bumping', use.name));
        else if (!condition.steps.has(step)) return undefined;
      }
      if (condition.unknown) unknown.push(condition.unknown);
      if (condition.authentication) {
        if (rule.proxyAuthentication && rule.proxyAuthentication !== condition.authentication) return undefined;
        rule.proxyAuthentication = condition.authentication;
      }
      if (condition.ports) ports = ports ? intersectPorts(ports, condition.ports) : condition.ports;
      if (condition.hosts) {
        if (rule.hosts) unknown.push(t('acl {0} is a second host test on this line', use.name));
        else rule.hosts = condition.hosts;
      }
      if (condition.destinations) {
        if (rule.destinations) unknown.push(t('acl {0} is a second address test on this line', use.name));
        else rule.destinations = condition.destinations;
      }
      if (condition.sources) {
        if (rule.sources) unknown.push(t('acl {0} is a second address test on this line', use.name));
        else rule.sources = condition.sources;
      }
    }
    if (ports) {
      if (ports.length === 0) return undefined;
      rule.destinationPorts = ports;
    }
    if (unknown.length > 0) rule.unknownConditions = unknown;
    return rule;
  }

  private readonly reported = new Set<SquidToken>();
}

/** Whether dstdomain value `outer` (`.x.com`) takes every name `inner` does: Squid refuses an acl that has both. */
function coversDomain(outer: string, inner: string): boolean {
  const a = outer.toLowerCase();
  const b = inner.toLowerCase();
  if (!a.startsWith('.') || a === b) return false;
  return b === a.slice(1) || b.endsWith(a);
}

/** `10.0.0.0/8`, `10.0.0.0/255.0.0.0`, `10.0.0.1-10.0.0.9`, `2001:db8::/32`, a bare address. */
export function parseSquidAddress(text: string): { interval: IpInterval; kind: Reference['kind'] } | { reason: string } {
  const range = /^([^-/]+)-([^-/]+)$/.exec(text);
  if (range) {
    const parsed = parseAddressRange(range[1]!, range[2]!);
    return parsed.ok ? { interval: parsed.value, kind: 'range' } : { reason: parsed.reason };
  }
  const slash = text.indexOf('/');
  if (slash > 0 && text.slice(slash + 1).includes('.')) {
    const parsed = parseNetmaskPair(text.slice(0, slash), text.slice(slash + 1));
    return parsed.ok ? { interval: cidrToInterval(parsed.value), kind: 'netmask' } : { reason: parsed.reason };
  }
  if (slash > 0) {
    const parsed = parseCidr(text);
    return parsed.ok ? { interval: cidrToInterval(parsed.value), kind: 'cidr' } : { reason: parsed.reason };
  }
  const ip = parseIp(text);
  if (!ip.ok) return { reason: ip.reason };
  return { interval: { family: ip.value.family, first: ip.value.value, last: ip.value.value }, kind: ip.value.family === 4 ? 'ipv4' : 'ipv6' };
}

function tlsAction(action: string, step: BumpStep, after: 'peek' | 'stare' | undefined): RuleAction | 'next' | 'skip' {
  switch (action) {
    case 'splice':
    case 'none':
      return { type: 'tls', interception: 'bypass' };
    case 'bump':
    case 'client-first':
    case 'server-first':
      // After peeking at the server's certificate Squid can no longer bump; it splices.
      return { type: 'tls', interception: step === 3 && after === 'peek' ? 'bypass' : 'inspect' };
    case 'terminate':
      return { type: 'drop' };
    default:
      return step === 3 ? 'skip' : 'next';
  }
}

export const SSL_BUMP_START = 'ssl_bump';

/** `#2` for the second ssl_bump line with the same text as this one, nothing for the first. */
function textCount(vendor: SquidVendor, index: number): string {
  const text = vendor.sslBump[index]!.text;
  const before = vendor.sslBump.slice(0, index).filter((l) => l.text === text).length;
  return before === 0 ? '' : `#${before + 1}`;
}

/**
 * ssl_bump as first-match lists, one per step: Squid runs the rules again at each step with
 * `at_step` telling the steps apart; `peek` and `stare` go on to the next step, whose list
 * ends in splice, except after `stare` at step 2, where Squid bumps unless told otherwise.
 * Step 3 has one list per peek/stare rule of step 2, since what it may do depends on which.
 */
function bumpLists(converter: Converter, vendor: SquidVendor, range: Range): RuleList[] {
  const lists: RuleList[] = [];
  const listFor = (step: BumpStep, after: 'peek' | 'stare' | undefined, id: string, from: Range): RuleList => {
    const rules: Rule[] = [];
    vendor.sslBump.forEach((line, index) => {
      const mapped = tlsAction(line.action, step, after);
      if (mapped === 'skip') return;
      let action: RuleAction;
      if (mapped === 'next') {
        // Named by the line's text, not its position, so a finding keeps its subject when lines are inserted above.
        const nextId = step === 1 ? `${SSL_BUMP_START}#2` : `${SSL_BUMP_START}#3:${line.text}${textCount(vendor, index)}`;
        if (step === 2) lists.push(listFor(3, line.action === 'stare' ? 'stare' : 'peek', nextId, line.range));
        action = { type: 'goto', target: nextId };
      } else action = mapped;
      const rule = converter.rule(line, action, step);
      if (rule) rules.push(rule);
    });
    const stared = step === 3 && after === 'stare';
    return { id, name: 'ssl_bump', kind: 'tls-interception', rules, defaultInterception: stared ? 'inspect' : 'bypass', range: from, ...(step === 3 ? { defaultRange: from } : {}) };
  };
  lists.push(listFor(1, undefined, SSL_BUMP_START, range));
  if (vendor.sslBump.some((l) => l.action === 'peek' || l.action === 'stare')) lists.push(listFor(2, undefined, `${SSL_BUMP_START}#2`, range));
  return lists;
}

function accessAction(action: string): RuleAction {
  return action === 'allow' ? { type: 'accept' } : { type: 'drop' };
}

const ORIGIN: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function annotate(vendor: SquidVendor, annotations: Annotation[]): void {
  const parents = vendor.peers.filter((p) => p.type === 'parent');
  const upstream = parents.map((p) => `${p.host}:${p.port}`).join(', ');
  for (const peer of parents) {
    annotations.push({ range: peer.range, markdown: t('**Upstream proxy.** Squid chains requests to the parent {0}:{1}; that proxy\'s own access rules and TLS inspection decide as well, and are not checked here.', peer.host, peer.port) });
  }
  for (const line of vendor.neverDirect) {
    if (line.action !== 'allow') continue;
    annotations.push({ range: line.range, markdown: parents.length > 0 ? t('**Chained.** Requests this matches never go direct: Squid sends them to the parent proxy ({0}), whose rules are not checked here.', upstream) : t('**Chained.** Requests this matches never go direct, but this file defines no parent cache_peer for them, so Squid fails them.') });
  }
  for (const line of vendor.alwaysDirect) {
    if (line.action !== 'allow') continue;
    annotations.push({ range: line.range, markdown: t('**Direct.** Requests this matches go straight to the origin server, never through a parent proxy.') });
  }
}

/**
 * squid.conf to the common model: http_access is one first-match list, evaluated by request host
 * and port (Squid decides by name; it resolves names itself only for `dst` acls), ending in
 * Squid's implicit rule, the opposite of the last line (deny when there is none). When a port
 * has `ssl-bump`, the ssl_bump lists decide whether an allowed CONNECT is decrypted.
 */
export function convertSquid(vendor: SquidVendor, problems: SyntaxProblem[], comments: ConfigModel['comments']): ConfigModel {
  const converter = new Converter(vendor, problems);
  converter.readAll();
  const rules = vendor.httpAccess.map((line) => converter.rule(line, accessAction(line.action))).filter((r): r is Rule => r !== undefined);
  const last = vendor.httpAccess[vendor.httpAccess.length - 1];
  const listRange = vendor.httpAccess[0]?.range ?? ORIGIN;
  const fragment = vendor.ports.length === 0 && vendor.httpAccess.length > 0;
  if (fragment) problems.push({ range: listRange, message: t('No http_port in this file: read as a part of a larger squid.conf, so the implicit last http_access rule is not applied here'), severity: 'info' });
  const access: RuleList = {
    id: 'http_access',
    name: 'http_access',
    kind: 'http-access',
    rules,
    range: listRange,
    ...(fragment ? {} : { defaultAction: last?.action === 'deny' ? 'accept' : 'drop' }),
  };
  const bumping = vendor.ports.some((p) => p.sslBump);
  const tls = bumping ? bumpLists(converter, vendor, vendor.sslBump[0]?.range ?? vendor.ports.find((p) => p.sslBump)!.range) : [];
  for (const include of vendor.includes) problems.push({ range: include.range, message: t('Included file {0} is not read with this one; its rules are not part of this analysis', include.path), severity: 'info' });
  const path: EvaluationPath = {
    id: 'squid',
    name: 'http_access',
    direction: 'outbound',
    stages: ['http_access'],
    range: listRange,
    decidesBy: 'host',
    ...(bumping ? { tlsInterception: SSL_BUMP_START } : {}),
  };
  const annotations: Annotation[] = [...converter.annotations];
  annotate(vendor, annotations);
  return {
    dialect: 'squid',
    references: converter.references,
    ruleLists: [access, ...tls],
    paths: [path],
    problems,
    comments,
    ...(annotations.length > 0 ? { annotations } : {}),
  };
}
