import { parseAddressRange } from '../../model/address';
import { t } from '../../l10n';
import { addressErrorMessage, hostSpec, IPV4_ANY, IPV6_ANY, parseLiteralAddress } from './addresses';
import { parsePortSpec } from './entries';
import { rangeOnLine, type CiscoLine, type CiscoToken } from './lexer';
import { hasPorts, protocolName } from './ports';
import { lower, type GroupType, type Reader } from './reader';
import type { NetworkMember, NetworkObject, ServiceEntry, ServiceObject } from './vendor';

/** Names of objects and object-groups by type, read first so ACL lines can tell a port group from an address group. */
export function prescanGroupTypes(lines: readonly CiscoLine[]): Map<string, GroupType> {
  const types = new Map<string, GroupType>();
  for (const line of lines) {
    const a = lower(line.tokens[0]);
    if (a !== 'object' && a !== 'object-group') continue;
    const header = groupHeader(line);
    if (header === undefined) continue;
    const { type, name } = header;
    if (!types.has(name)) types.set(name, type);
  }
  return types;
}

/**
 * Type and name of an `object` / `object-group` header: ASA `object-group network N`, IOS XE
 * `object-group ip address N`, `object-group ip port N`, `object-group v6-network N`.
 */
function groupHeader(line: CiscoLine): { type: GroupType; name: string; nameToken: CiscoToken; hint?: CiscoToken } | undefined {
  const b = lower(line.tokens[1]);
  if (b === 'ip' || b === 'ipv6') {
    const c = lower(line.tokens[2]);
    const nameToken = line.tokens[3];
    if (nameToken === undefined) return undefined;
    if (c === 'address') return { type: 'network', name: nameToken.text, nameToken };
    if (c === 'port') return { type: 'service', name: nameToken.text, nameToken };
    return undefined;
  }
  const nameToken = line.tokens[2];
  if (nameToken === undefined) return undefined;
  const type: GroupType =
    b === 'network' || b === 'v6-network' ? 'network' : b === 'service' || b === 'v6-service' ? 'service' : b === 'protocol' ? 'protocol' : 'other';
  const header: { type: GroupType; name: string; nameToken: CiscoToken; hint?: CiscoToken } = { type, name: nameToken.text, nameToken };
  if (line.tokens[3] !== undefined) header.hint = line.tokens[3];
  return header;
}

export function parseObjectHeader(r: Reader, line: CiscoLine): void {
  const tokens = line.tokens;
  const type = lower(tokens[1]);
  const nameToken = tokens[2];
  if (type !== 'network' && type !== 'service') return;
  if (nameToken === undefined) {
    r.missing(line, t('an object name'));
    return;
  }
  const range = rangeOnLine(line, tokens[0]!.start, nameToken.end);
  if (type === 'network') {
    const def = r.config.networkObjects.get(nameToken.text) ?? { name: nameToken.text, kind: 'object' as const, range, members: [] };
    r.config.networkObjects.set(nameToken.text, def);
    r.mode = { type: 'network', def };
  } else {
    const def = r.config.serviceObjects.get(nameToken.text) ?? { name: nameToken.text, kind: 'service-object' as const, range, members: [] };
    r.config.serviceObjects.set(nameToken.text, def);
    r.mode = { type: 'service', def, protocolHint: null };
  }
}

export function parseObjectGroupHeader(r: Reader, line: CiscoLine): void {
  const tokens = line.tokens;
  const header = groupHeader(line);
  if (header === undefined) {
    r.missing(line, t('an object-group type and name'));
    return;
  }
  const nameToken = header.nameToken;
  const type = header.type === 'service' ? 'service' : header.type === 'network' ? 'network' : lower(tokens[1]);
  const range = rangeOnLine(line, tokens[0]!.start, nameToken.end);
  if (type === 'network') {
    const def = r.config.networkObjects.get(nameToken.text) ?? { name: nameToken.text, kind: 'object-group' as const, range, members: [] };
    r.config.networkObjects.set(nameToken.text, def);
    r.mode = { type: 'network', def };
    return;
  }
  if (type === 'service' || type === 'protocol') {
    const kind = type === 'service' ? ('service-group' as const) : ('protocol-group' as const);
    const def = r.config.serviceObjects.get(nameToken.text) ?? { name: nameToken.text, kind, range, members: [] };
    r.config.serviceObjects.set(nameToken.text, def);
    const hintWord = lower(header.hint);
    const protocolHint = hintWord === 'tcp-udp' ? 'tcp-udp' : hintWord === 'tcp' || hintWord === 'udp' ? hintWord : null;
    r.mode = { type: 'service', def, protocolHint };
    return;
  }
  r.mode = { type: 'ignored-group' };
}

/** A line inside `object network` or `object-group network`; false when it is not one (a new command). */
export function parseNetworkMember(r: Reader, line: CiscoLine, def: NetworkObject): boolean {
  const word = lower(line.tokens[0]);
  if (word === 'description' || word === 'nat') return true;
  if (def.kind !== 'object') return parseGroupMember(r, line, def);
  // An object holds one value; a later line replaces it.
  const member = parseObjectValue(r, line, word);
  if (member === false) return line.indented;
  if (member !== undefined) def.members = [member];
  return true;
}

/** `host`, `subnet`, `range` or `fqdn` of a network object; false for a word that is none of them. */
function parseObjectValue(r: Reader, line: CiscoLine, word: string): NetworkMember | undefined | false {
  const tokens = line.tokens;
  if (word === 'host') return hostMember(r, line, 1);
  if (word === 'range') return parseRangeMember(r, line, 1);
  if (word === 'subnet') {
    if (tokens[1] === undefined) {
      r.missing(line, t('a network and netmask'));
      return undefined;
    }
    const literal = parseLiteralAddress(r, line, tokens, 1, undefined, 'netmask', false);
    if (literal === undefined) r.tokenProblem(line, tokens[1], t('Expected a network and netmask, found "{0}".', tokens[1].text));
    return literal?.member;
  }
  if (word !== 'fqdn') return false;
  const family = lower(tokens[1]);
  const hostToken = tokens[family === 'v4' || family === 'v6' ? 2 : 1];
  if (hostToken === undefined) {
    r.missing(line, t('a host name'));
    return undefined;
  }
  const host = hostToken.text.toLowerCase();
  const refId = r.addReference(line, hostToken.start, hostToken.end, 'hostname', undefined, { hostMatchers: [{ kind: 'exact', host }] });
  return { type: 'fqdn', refId, host };
}

/** `host ADDRESS` (or `host ALIAS`) with the address at `at`. */
function hostMember(r: Reader, line: CiscoLine, at: number): NetworkMember | undefined {
  const addressToken = line.tokens[at];
  if (addressToken === undefined) {
    r.missing(line, t('an address after host'));
    return undefined;
  }
  const spec = hostSpec(r, line, addressToken, undefined);
  return spec.type === 'literal' ? spec : undefined;
}

/** A member line of an object-group: `network-object …`, `group-object`, or (IOS) the address alone. */
function parseGroupMember(r: Reader, line: CiscoLine, def: NetworkObject): boolean {
  const tokens = line.tokens;
  let word = lower(tokens[0]);
  let i = 0;
  if (word === 'network-object') {
    i = 1;
    word = lower(tokens[1]);
    if (word === '') {
      r.missing(line, t('an address'));
      return true;
    }
  }
  if (word === 'group-object' || (i === 1 && word === 'object')) {
    const nameToken = tokens[i + 1];
    if (nameToken === undefined) r.missing(line, t('an object name'));
    else def.members.push({ type: 'named', name: nameToken.text, token: nameToken, line });
    return true;
  }
  const keyword = word === 'host' ? hostMember(r, line, i + 1) : word === 'range' ? parseRangeMember(r, line, i + 1) : false;
  if (keyword !== false) {
    if (keyword !== undefined) def.members.push(keyword);
    return true;
  }
  if (word === 'any') {
    def.members.push({ type: 'literal', refIds: [], intervals: [IPV4_ANY, IPV6_ANY] });
    return true;
  }
  const first = tokens[i]!;
  const literal = parseLiteralAddress(r, line, tokens, i, undefined, 'netmask', false);
  if (literal !== undefined) {
    def.members.push(literal.member);
    return true;
  }
  if (i !== 1 && !line.indented) return false;
  const alias = r.names.get(first.text);
  if (alias !== undefined) def.members.push({ type: 'literal', refIds: [alias.refId], intervals: [alias.interval] });
  else r.tokenProblem(line, first, t('Expected an address, "host", "range" or "group-object", found "{0}".', first.text));
  return true;
}

function parseRangeMember(r: Reader, line: CiscoLine, index: number): NetworkMember | undefined {
  const firstToken = line.tokens[index];
  const lastToken = line.tokens[index + 1];
  if (firstToken === undefined || lastToken === undefined) {
    r.missing(line, t('a first and a last address'));
    return undefined;
  }
  const parsed = parseAddressRange(firstToken.text, lastToken.text);
  if (!parsed.ok) {
    const refId = r.addReference(line, firstToken.start, lastToken.end, 'range', undefined, { invalidReason: parsed.reason });
    return { type: 'literal', refIds: [refId], intervals: [], unresolved: addressErrorMessage(r.text.slice(firstToken.start, lastToken.end), parsed.reason) };
  }
  const refId = r.addReference(line, firstToken.start, lastToken.end, 'range', undefined, { interval: parsed.value });
  return { type: 'literal', refIds: [refId], intervals: [parsed.value] };
}

export function parseServiceMember(r: Reader, line: CiscoLine, def: ServiceObject, protocolHint: string | null): boolean {
  const tokens = line.tokens;
  const word = lower(tokens[0]);
  if (word === 'description') return true;
  if (word === 'group-object' || (word === 'service-object' && (lower(tokens[1]) === 'object' || lower(tokens[1]) === 'object-group'))) {
    const nameToken = word === 'group-object' ? tokens[1] : tokens[2];
    if (nameToken === undefined) {
      r.missing(line, t('an object name'));
      return true;
    }
    def.members.push({ type: 'named', name: nameToken.text, token: nameToken, line });
    return true;
  }
  if (word === 'port-object') {
    const protocols = protocolHint === 'tcp-udp' ? ['tcp', 'udp'] : protocolHint === null ? [null] : [protocolHint];
    const ports = parsePortSpec(r, line, 1, true, false);
    if (ports === undefined) return true;
    if (ports.spec === undefined || ports.spec.type !== 'ranges') {
      const at = tokens[1];
      if (at === undefined) r.missing(line, t('eq or range'));
      else r.tokenProblem(line, at, t('Expected eq or range, found "{0}".', at.text));
      return true;
    }
    for (const protocol of protocols) def.members.push({ type: 'entry', entry: { protocol, destinationPorts: ports.spec.ranges } });
    return true;
  }
  if (['eq', 'neq', 'lt', 'gt', 'range'].includes(word)) {
    // IOS XE `object-group ip port` members: ports for whatever protocol the entry names.
    const ports = parsePortSpec(r, line, 0, true, false);
    if (ports?.spec?.type === 'ranges') def.members.push({ type: 'entry', entry: { protocol: protocolHint, destinationPorts: ports.spec.ranges } });
    return true;
  }
  if (word === 'protocol-object') {
    const protocolToken = tokens[1];
    if (protocolToken === undefined) {
      r.missing(line, t('a protocol'));
      return true;
    }
    const protocol = protocolName(protocolToken.text);
    if (protocol === undefined) r.tokenProblem(line, protocolToken, t('Unknown protocol "{0}".', protocolToken.text));
    else def.members.push({ type: 'entry', entry: { protocol } });
    return true;
  }
  // ASA `service-object tcp destination eq 443`, ASA object `service tcp …`, IOS group members `tcp eq 443`.
  const entries = parseServiceEntry(r, line, word === 'service-object' || word === 'service' ? 1 : 0);
  if (entries === false) return false;
  if (entries === undefined) return true;
  if (def.kind === 'service-object') def.members = entries.map((e) => ({ type: 'entry' as const, entry: e }));
  else for (const e of entries) def.members.push({ type: 'entry', entry: e });
  return true;
}

/**
 * A protocol and its `source`/`destination` port conditions from `start` on; `tcp-udp` stands for
 * two entries. False when an unindented line does not start with a protocol (a new command).
 */
function parseServiceEntry(r: Reader, line: CiscoLine, start: number): ServiceEntry[] | undefined | false {
  const tokens = line.tokens;
  const protocolToken = tokens[start];
  if (protocolToken === undefined) {
    r.missing(line, t('a protocol'));
    return undefined;
  }
  const protocolWord = protocolToken.text.toLowerCase();
  const protocol = protocolWord === 'tcp-udp' ? 'tcp-udp' : protocolName(protocolToken.text);
  if (protocol === undefined || (start === 0 && !line.indented && protocol === null)) {
    if (start === 0 && !line.indented) return false;
    r.tokenProblem(line, protocolToken, t('Unknown protocol "{0}".', protocolToken.text));
    return undefined;
  }
  const portsAllowed = protocol === 'tcp-udp' || (protocol !== null && hasPorts(protocol));
  const entry: ServiceEntry = { protocol: protocol === 'tcp-udp' ? 'tcp' : protocol };
  let i = start + 1;
  while (i < tokens.length) {
    const keyword = lower(tokens[i]);
    let side: 'source' | 'destination' = 'destination';
    if (keyword === 'source' || keyword === 'destination') {
      side = keyword;
      i++;
    }
    const ports = parsePortSpec(r, line, i, portsAllowed, false);
    if (ports === undefined) return undefined;
    if (ports.spec === undefined || ports.spec.type !== 'ranges') {
      if (protocol === 'icmp' || protocol === 'icmp6') break;
      const at = tokens[i];
      if (at === undefined) r.missing(line, t('eq, lt, gt, neq or range'));
      else r.tokenProblem(line, at, t('Expected eq, lt, gt, neq or range, found "{0}".', at.text));
      return undefined;
    }
    if (side === 'source') entry.sourcePorts = ports.spec.ranges;
    else entry.destinationPorts = ports.spec.ranges;
    i = ports.next;
  }
  return protocol === 'tcp-udp' ? [entry, { ...entry, protocol: 'udp' }] : [entry];
}
