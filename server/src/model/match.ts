import { familyMax, mergeIntervals, intersectIntervals, minusIntervals, type IpInterval } from './address';
import type { AddressMatch, HostMatcher, PortRange, Rule } from './config';
import type { Flow } from './policy';
import { intersectPorts } from './ports';
import type { Region } from './region';
import { t } from '../l10n';

const PROTOCOL_ANY = new Set(['any', 'all', 'ip', 'ipv6', '0']);
const PROTOCOL_NUMBERS: Record<string, string> = { '6': 'tcp', '17': 'udp' };

/** Which side of a rule holds the Microsoft end of the flow. */
function remoteSide(rule: Rule, flow: Flow): AddressMatch | undefined {
  return flow.direction === 'inbound' ? rule.sources : rule.destinations;
}

function localSide(rule: Rule, flow: Flow): AddressMatch | undefined {
  return flow.direction === 'inbound' ? rule.destinations : rule.sources;
}

function complement(intervals: readonly IpInterval[]): IpInterval[] {
  const all: IpInterval[] = [
    { family: 4, first: 0n, last: familyMax(4) },
    { family: 6, first: 0n, last: familyMax(6) },
  ];
  return minusIntervals(all, intervals);
}

/**
 * Conditions the file alone cannot settle are sorted here. A new outbound connection is not
 * ESTABLISHED, so state-only accepts do not let it through; loopback interfaces never carry
 * Microsoft traffic; other interface names are taken to be the ones the author routes it over.
 * Anything else (time, user, owner, FQDN objects) leaves the verdict unknown.
 */
export function classifyCondition(condition: string): 'matches' | 'never' | 'uncertain' {
  const text = condition.toLowerCase();
  if (/\b(ct ?state|conntrack|state)\b/.test(text)) {
    if (/\bnew\b/.test(text)) return 'matches';
    if (/\b(established|related|invalid|untracked)\b/.test(text)) return 'never';
    return 'uncertain';
  }
  if (/\b(interface|iifname|oifname|iif|oif|in-interface|out-interface)\b|(^|\s)-[io]\b/.test(text)) {
    return /(^|[\s"'=])lo(\b|$)/.test(text) ? 'never' : 'matches';
  }
  return 'uncertain';
}

const matchedCache = new WeakMap<AddressMatch, IpInterval[]>();

/** The addresses a side matches, merged (and complemented when negated) once per side, not per flow. */
function matchedIntervals(side: AddressMatch): IpInterval[] {
  let intervals = matchedCache.get(side);
  if (!intervals) {
    intervals = side.negated ? complement(side.intervals) : mergeIntervals(side.intervals);
    matchedCache.set(side, intervals);
  }
  return intervals;
}

/** Cheap test before splitting: most rules of a long list touch none of a flow's addresses. */
export function touches(region: Region, addresses: readonly IpInterval[]): boolean {
  for (const a of region.intervals) {
    for (const b of addresses) {
      if (a.family === b.family && a.first <= b.last && b.first <= a.last) return true;
    }
  }
  return false;
}

export interface RuleMatch {
  addresses?: IpInterval[];
  ports?: PortRange[];
  uncertain?: string;
}

/** What part of the flow a rule matches, or undefined when it cannot match this flow at all. */
export function matchRule(rule: Rule, flow: Flow): RuleMatch | undefined {
  if (rule.protocols && rule.protocols.length > 0) {
    const names = rule.protocols.map((p) => PROTOCOL_NUMBERS[p.toLowerCase()] ?? p.toLowerCase());
    if (!names.some((p) => PROTOCOL_ANY.has(p) || p === flow.protocol)) return undefined;
  }
  const hostCondition = flow.remote.kind === 'host' ? hostConditionOf(rule, flow.remote.pattern) : rule.hosts ? 'never' : 'matches';
  if (hostCondition === 'never') return undefined;
  if (rule.sourcePorts && rule.sourcePorts.length > 0) {
    // The client's source port is ephemeral; a rule on fixed source ports is for other traffic.
    const ephemeral = intersectPorts([{ from: 1024, to: 65535 }], rule.sourcePorts);
    if (ephemeral.length !== 1 || ephemeral[0]!.from !== 1024 || ephemeral[0]!.to !== 65535) return undefined;
  }
  let uncertain: string | undefined = hostCondition === 'matches' ? undefined : hostCondition.uncertain;
  if (rule.proxyAuthentication) {
    if (flow.authenticated === undefined) uncertain ??= t('the rule holds only for clients that have authenticated to the proxy');
    else if (flow.authenticated !== (rule.proxyAuthentication === 'authenticated')) return undefined;
  }
  for (const condition of rule.unknownConditions ?? []) {
    const kind = classifyCondition(condition);
    if (kind === 'never') return undefined;
    if (kind === 'uncertain') uncertain ??= condition;
  }
  const local = localSide(rule, flow);
  if (local && flow.local && !local.unresolved) {
    const overlap = intersectIntervals(flow.local, local.intervals).length > 0;
    const fullyInside = minusIntervals(flow.local, local.intervals).length === 0;
    if (local.negated ? fullyInside : !overlap) return undefined;
  }
  const match: RuleMatch = {};
  const remote = remoteSide(rule, flow);
  if (remote && flow.remote.kind === 'host') {
    // A proxy resolves the name itself to test an address acl; the file cannot say what it gets.
    uncertain ??= remote.unresolved ?? t('the device resolves {0} to test the rule\'s addresses', flow.remote.pattern);
  } else if (remote) {
    if (remote.unresolved) uncertain ??= remote.unresolved;
    else match.addresses = matchedIntervals(remote);
  }
  if (rule.destinationPorts && rule.destinationPorts.length > 0) match.ports = rule.destinationPorts;
  if (uncertain) match.uncertain = uncertain;
  return match;
}


/**
 * Whether a rule's host test takes one concrete host name: a rule without one takes every host;
 * a regular expression or a list the file does not hold leaves it uncertain.
 */
function hostConditionOf(rule: Rule, host: string): 'matches' | 'never' | { uncertain: string } {
  const hosts = rule.hosts;
  if (!hosts) return 'matches';
  if (hosts.unresolved) return { uncertain: hosts.unresolved };
  const name = host.toLowerCase();
  let unknown: HostMatcher | undefined;
  let matched = false;
  for (const matcher of hosts.matchers) {
    const result = hostMatcherMatches(matcher, name);
    if (result === true) {
      matched = true;
      break;
    }
    if (result === undefined) unknown ??= matcher;
  }
  if (!matched && unknown) return { uncertain: t('whether {0} matches the regular expression {1} is not tested', name, unknown.kind === 'regex' ? unknown.source : '') };
  return matched !== hosts.negated ? 'matches' : 'never';
}

/**
 * A glob over the whole text: `*` is any run of characters, `?` one character (shExpMatch, and one
 * label of a catalogue pattern). Iterative with one backtrack point, so linear for `*`-only globs
 * in practice.
 */
export function globMatches(glob: string, text: string): boolean {
  let g = 0;
  let s = 0;
  let star = -1;
  let mark = 0;
  while (s < text.length) {
    if (g < glob.length && (glob[g] === '?' || glob[g] === text[s])) {
      g++;
      s++;
    } else if (g < glob.length && glob[g] === '*') {
      star = g++;
      mark = s;
    } else if (star >= 0) {
      g = star + 1;
      s = ++mark;
    } else return false;
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}

/**
 * Whether one host matcher takes a (lower-case) host name, in the semantics HostMatcher states.
 * Undefined for a regular expression: a user's expression is not run here, where one that
 * backtracks without end would hold up the whole analysis.
 */
export function hostMatcherMatches(matcher: HostMatcher, host: string): boolean | undefined {
  switch (matcher.kind) {
    case 'exact':
      return matcher.host.toLowerCase() === host;
    case 'suffix':
      return host.endsWith(matcher.suffix.toLowerCase());
    case 'glob':
      return globMatches(matcher.glob.toLowerCase(), host);
    case 'regex':
      return undefined;
  }
}
