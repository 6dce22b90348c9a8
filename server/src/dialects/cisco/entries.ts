import type { PortRange, ReferenceRole } from '../../model/config';
import { t } from '../../l10n';
import { parseAddress } from './addresses';
import type { CiscoLine } from './lexer';
import { hasPorts, portNumber, protocolName } from './ports';
import { lower, type Reader } from './reader';
import type { AccessList, AclEntry, AddressSpec, MaskForm, PortSpec, ProtocolSpec } from './vendor';

const LOG_LEVELS = new Set([
  'emergencies',
  'alerts',
  'critical',
  'errors',
  'warnings',
  'notifications',
  'informational',
  'debugging',
  'disable',
  'default',
]);

/** Where a parsed entry goes: its list, and the position or sequence number the command gives it. */
interface EntryTarget {
  state: AccessList;
  insertAt: number | undefined;
  sequence: number | undefined;
}

/** The parts every entry has, known once its action word is read. */
type EntryHead = Pick<AclEntry, 'line' | 'text' | 'actionToken' | 'accept' | 'unknownConditions'>;

/**
 * One permit/deny entry from the action word on. Standard lists match one address (the source
 * on IOS, the destination on ASA, where standard lists select routes and split-tunnel networks).
 */
export function parseEntry(
  r: Reader,
  line: CiscoLine,
  start: number,
  state: AccessList,
  standard: boolean,
  maskForm: MaskForm,
  insertAt: number | undefined,
  sequence?: number,
): void {
  const actionToken = line.tokens[start];
  if (actionToken === undefined) {
    r.missing(line, t('permit or deny'));
    return;
  }
  const action = lower(actionToken);
  if (action !== 'permit' && action !== 'deny') {
    r.tokenProblem(line, actionToken, t('Expected permit or deny, found "{0}".', actionToken.text));
    return;
  }
  const head: EntryHead = { line, text: r.lineText(line), actionToken, accept: action === 'permit', unknownConditions: [] };
  const target: EntryTarget = { state, insertAt, sequence };
  if (standard) parseStandardEntry(r, head, start + 1, maskForm, target);
  else parseExtendedEntry(r, head, start + 1, maskForm, target);
}

/** Every entry gets the same fields in the same order, so entries share one object shape. */
function entryOf(head: EntryHead, protocol: ProtocolSpec, source: AddressSpec, destination: AddressSpec): AclEntry {
  const { line, text, actionToken, accept, unknownConditions } = head;
  return { line, text, actionToken, accept, unknownConditions, protocol, source, destination, sequence: 0 };
}

function parseStandardEntry(r: Reader, head: EntryHead, start: number, maskForm: MaskForm, target: EntryTarget): void {
  const role: ReferenceRole = target.state.acl.form === 'asa' ? 'destination' : 'source';
  const address = parseAddress(r, head.line, start, role, maskForm, true);
  if (address === undefined) return;
  const trailing = parseOptions(r, head.line, address.next, null, head.unknownConditions);
  if (trailing === undefined) return;
  const anyAddress: AddressSpec = { type: 'any' };
  const source = role === 'source' ? address.spec : anyAddress;
  const destination = role === 'destination' ? address.spec : anyAddress;
  const draft = entryOf(head, { type: 'protocol', protocol: null }, source, destination);
  addEntry(r, target.state, draft, trailing.inactive, target.insertAt, target.sequence ?? trailing.sequence);
}

function parseExtendedEntry(r: Reader, head: EntryHead, start: number, maskForm: MaskForm, target: EntryTarget): void {
  const line = head.line;
  const tokens = line.tokens;
  let i = start;
  while (['user', 'user-group', 'object-group-user', 'security-group'].includes(lower(tokens[i]))) {
    head.unknownConditions.push(t('identity condition {0}', tokens[i]!.text));
    i += lower(tokens[i]) === 'security-group' ? 3 : 2;
  }
  const parsedProtocol = parseProtocol(r, line, i, target.state);
  if (parsedProtocol === undefined) return;
  const protocol = parsedProtocol.spec;
  const portsAllowed = protocol.type === 'group' || (protocol.protocol !== null && hasPorts(protocol.protocol));
  const source = parseAddress(r, line, parsedProtocol.next, 'source', maskForm, false);
  if (source === undefined) return;
  const afterSource = parsePortSpec(r, line, source.next, portsAllowed, true);
  if (afterSource === undefined) return;
  const destination = parseAddress(r, line, afterSource.next, 'destination', maskForm, false);
  if (destination === undefined) return;
  const afterDestination = parsePortSpec(r, line, destination.next, portsAllowed, false);
  if (afterDestination === undefined) return;
  const trailing = parseOptions(r, line, afterDestination.next, protocol.type === 'protocol' ? protocol.protocol : 'service', head.unknownConditions);
  if (trailing === undefined) return;
  const draft = entryOf(head, protocol, source.spec, destination.spec);
  if (afterSource.spec !== undefined) draft.sourcePorts = afterSource.spec;
  if (afterDestination.spec !== undefined) draft.destinationPorts = afterDestination.spec;
  addEntry(r, target.state, draft, trailing.inactive, target.insertAt, target.sequence ?? trailing.sequence);
}

/** The protocol operand: a name or number, or a service or protocol object-group. */
function parseProtocol(r: Reader, line: CiscoLine, at: number, state: AccessList): { spec: ProtocolSpec; next: number } | undefined {
  const protocolToken = line.tokens[at];
  if (protocolToken === undefined) {
    r.missing(line, t('a protocol'));
    return undefined;
  }
  const protocolWord = lower(protocolToken);
  if (protocolWord === 'object-group' || protocolWord === 'object') {
    const nameToken = line.tokens[at + 1];
    if (nameToken === undefined) {
      r.missing(line, t('an object name'));
      return undefined;
    }
    if (r.groupTypes.get(nameToken.text) === 'network') {
      r.tokenProblem(line, nameToken, t('{0} is a network object-group; a service or protocol object-group is expected here.', nameToken.text));
      return undefined;
    }
    return { spec: { type: 'group', name: nameToken.text, token: nameToken, line }, next: at + 2 };
  }
  const name = protocolName(protocolToken.text);
  if (name === undefined) {
    r.tokenProblem(line, protocolToken, t('Unknown protocol "{0}".', protocolToken.text));
    return undefined;
  }
  // In an IPv6 list `icmp` is ICMPv6, the only ICMP such a list can see.
  return { spec: { type: 'protocol', protocol: name === 'icmp' && state.acl.form === 'ipv6' ? 'icmp6' : name }, next: at + 1 };
}

function addEntry(r: Reader, state: AccessList, rule: AclEntry, inactive: boolean, insertAt: number | undefined, explicitSequence: number | undefined): void {
  const comment = state.remarks.length > 0 ? state.remarks.join('\n') : undefined;
  state.remarks = [];
  // An inactive entry stays in the file but the device skips it; its remark goes with it.
  if (inactive) return;
  if (comment !== undefined) rule.comment = comment;
  if (state.sequenced) {
    const sequence = explicitSequence ?? state.nextSequence;
    if (state.live.has(sequence)) {
      r.tokenProblem(rule.line, rule.actionToken, t('Duplicate sequence number {0} in access list {1}.', sequence, state.acl.name));
      return;
    }
    rule.sequence = sequence;
    state.live.set(sequence, rule);
    if (sequence + 10 > state.nextSequence) state.nextSequence = sequence + 10;
    state.entries.push(rule);
    return;
  }
  const count = state.entries.length;
  rule.sequence = insertAt !== undefined && insertAt >= 1 && insertAt <= count ? insertAt - 1 : count;
  state.entries.push(rule);
}

/** Trailing keywords after the addresses and ports. */
function parseOptions(
  r: Reader,
  line: CiscoLine,
  start: number,
  protocol: string | null,
  unknownConditions: string[],
): { inactive: boolean; sequence?: number } | undefined {
  const tokens = line.tokens;
  let inactive = false;
  let sequence: number | undefined;
  let i = start;
  let icmpTypeSeen = false;
  while (i < tokens.length) {
    const token = tokens[i]!;
    const word = token.text.toLowerCase();
    if (word === 'log' || word === 'log-input') {
      i++;
      while (i < tokens.length) {
        const w = lower(tokens[i]);
        if (/^\d+$/.test(w) || LOG_LEVELS.has(w)) i++;
        else if (w === 'interval' && tokens[i + 1] !== undefined) i += 2;
        else break;
      }
      continue;
    }
    if (word === 'inactive') {
      inactive = true;
      i++;
      continue;
    }
    if (word === 'time-range' || word === 'dscp' || word === 'precedence' || word === 'tos' || word === 'option' || word === 'flow-label') {
      const value = tokens[i + 1];
      if (value === undefined) {
        r.missing(line, t('a value after {0}', token.text));
        return undefined;
      }
      unknownConditions.push(`${token.text} ${value.text}`);
      i += 2;
      continue;
    }
    if (word === 'established' || word === 'fragments' || word === 'ack' || word === 'syn' || word === 'rst' || word === 'fin' || word === 'psh' || word === 'urg' || word === 'match-all' || word === 'match-any') {
      unknownConditions.push(token.text);
      i++;
      continue;
    }
    if (word === 'ttl') {
      const count = lower(tokens[i + 1]) === 'range' ? 4 : 3;
      unknownConditions.push(tokens.slice(i, i + count).map((x) => x.text).join(' '));
      i += count;
      continue;
    }
    if (word === 'reflect') {
      i += 2;
      if (lower(tokens[i]) === 'timeout') i += 2;
      continue;
    }
    if (word === 'sequence' && tokens[i + 1] !== undefined && tokens[i + 1]!.kind === 'number') {
      sequence = Number(tokens[i + 1]!.text);
      i += 2;
      continue;
    }
    if ((protocol === 'icmp' || protocol === 'icmp6' || protocol === 'service') && !icmpTypeSeen) {
      // An ICMP type (name or number, optionally a code, or an icmp-type object-group) after the destination.
      icmpTypeSeen = true;
      if (word === 'object-group') i += 2;
      else {
        i++;
        if (/^\d+$/.test(lower(tokens[i]))) i++;
      }
      continue;
    }
    r.tokenProblem(line, token, t('Unexpected "{0}" in access list entry.', token.text));
    return undefined;
  }
  const result: { inactive: boolean; sequence?: number } = { inactive };
  if (sequence !== undefined) result.sequence = sequence;
  return result;
}

/**
 * Port condition at `start`, if any. After the source address an `object-group` is a port group
 * only when it names a service group; otherwise it is the destination address.
 */
export function parsePortSpec(
  r: Reader,
  line: CiscoLine,
  start: number,
  portsAllowed: boolean,
  afterSource: boolean,
): { spec?: PortSpec; next: number } | undefined {
  const tokens = line.tokens;
  const token = tokens[start];
  const word = lower(token);
  if (token === undefined) return { next: start };
  if (word === 'portgroup') {
    const nameToken = tokens[start + 1];
    if (nameToken === undefined) {
      r.missing(line, t('an object name'));
      return undefined;
    }
    return { spec: { type: 'group', name: nameToken.text, token: nameToken, line }, next: start + 2 };
  }
  if (word === 'object-group') {
    const nameToken = tokens[start + 1];
    if (nameToken === undefined) return { next: start };
    const type = r.groupTypes.get(nameToken.text);
    if (type === 'service') return { spec: { type: 'group', name: nameToken.text, token: nameToken, line }, next: start + 2 };
    if (afterSource || type === 'network' || type === 'other' || type === 'protocol') return { next: start };
    return { spec: { type: 'group', name: nameToken.text, token: nameToken, line }, next: start + 2 };
  }
  if (!['eq', 'neq', 'lt', 'gt', 'range'].includes(word)) return { next: start };
  if (!portsAllowed) {
    r.tokenProblem(line, token, t('Port conditions need tcp, udp or sctp, not this protocol.'));
    return undefined;
  }
  const count = word === 'range' ? 2 : 1;
  const values: number[] = [];
  for (let k = 1; k <= count; k++) {
    const valueToken = tokens[start + k];
    if (valueToken === undefined) {
      r.missing(line, t('a port number or name'));
      return undefined;
    }
    const value = portNumber(valueToken.text);
    if (value === undefined) {
      r.tokenProblem(line, valueToken, t('Unknown port "{0}".', valueToken.text));
      return undefined;
    }
    values.push(value);
  }
  const ranges = portRanges(word, values);
  if (ranges === undefined) {
    r.problem(line, token.start, tokens[start + count]!.end, t('This port condition matches no port.'));
    return undefined;
  }
  return { spec: { type: 'ranges', ranges }, next: start + 1 + count };
}

function portRanges(operator: string, values: number[]): PortRange[] | undefined {
  const a = values[0]!;
  switch (operator) {
    case 'eq':
      return [{ from: a, to: a }];
    case 'lt':
      return a === 0 ? undefined : [{ from: 0, to: a - 1 }];
    case 'gt':
      return a === 65535 ? undefined : [{ from: a + 1, to: 65535 }];
    case 'neq': {
      const out: PortRange[] = [];
      if (a > 0) out.push({ from: 0, to: a - 1 });
      if (a < 65535) out.push({ from: a + 1, to: 65535 });
      return out;
    }
    default: {
      const b = values[1]!;
      return a <= b ? [{ from: a, to: b }] : undefined;
    }
  }
}

