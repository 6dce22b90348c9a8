import {
  cidrToInterval,
  parseCidr,
  parseIp,
  parseNetmaskPair,
  parseWildcardPair,
  type AddressParseResult,
  type Cidr,
  type IpInterval,
} from '../../model/address';
import type { Reference, ReferenceKind, ReferenceRole } from '../../model/config';
import { t } from '../../l10n';
import type { CiscoLine, CiscoToken } from './lexer';
import type { Reader } from './reader';
import type { AddressSpec, MaskForm, NetworkMember } from './vendor';

export const IPV4_ANY: IpInterval = { family: 4, first: 0n, last: 0xffffffffn };
export const IPV6_ANY: IpInterval = { family: 6, first: 0n, last: (1n << 128n) - 1n };

function looksLikeIpv4(text: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){0,3}\.?$/.test(text) && text.includes('.');
}

/**
 * Meant as an IPv6 address or prefix: two or more colons among letters, digits and dots, so
 * `2001:db8::zz/64` is a bad address rather than an unknown word.
 */
function looksLikeIpv6(text: string): boolean {
  return text.length <= 60 && /^[0-9A-Za-z.]*:[0-9A-Za-z.]*:[0-9A-Za-z:.]*(\/\d*)?$/.test(text);
}

export function addressErrorMessage(text: string, reason: string): string {
  return t('{0} is not a valid address ({1})', text, reason);
}

function parseIpValue(text: string): bigint {
  let value = 0n;
  for (const part of text.split('.')) value = (value << 8n) | BigInt(Number(part) & 0xff);
  return value;
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
}

/**
 * Addresses in commands that filter nothing (routes, NTP and syslog servers, management access,
 * VPN peers) become references with role 'other', so hover and lookups work on every address in
 * the file. Only words that are addresses beyond doubt count, and a mask pairs with the address
 * before it only when its form is unambiguous: a netmask from 255.x (or 0.0.0.0 after 0.0.0.0,
 * the default route), a wildcard from 0.x that is not 0.0.0.0.
 */
export function parseOtherAddresses(r: Reader, line: CiscoLine): void {
  const tokens = line.tokens;
  for (let i = 1; i < tokens.length; i++) {
    const token = tokens[i]!;
    const text = token.text;
    if (text.includes('/') || text.includes(':')) {
      if (!looksLikeIpv6(text) && !/^[\d.]+\/\d{1,2}$/.test(text)) continue;
      const parsed = parseCidr(text);
      if (!parsed.ok) continue;
      const kind: ReferenceKind = text.includes('/') ? 'cidr' : 'ipv6';
      r.addReference(line, token.start, token.end, kind, 'other', { interval: cidrToInterval(parsed.value), ...(parsed.value.hostBitsSet ? { hostBitsSet: true } : {}) });
      continue;
    }
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) continue;
    const address = parseIp(text);
    if (!address.ok) continue;
    const maskToken = tokens[i + 1];
    const mask = maskToken?.text ?? '';
    const defaultRoute = text === '0.0.0.0' && mask === '0.0.0.0';
    const netmask = (mask.startsWith('255.') || defaultRoute) ? parseNetmaskPair(text, mask) : undefined;
    const wildcard = !defaultRoute && mask.startsWith('0.') && mask !== '0.0.0.0' ? parseWildcardPair(text, mask) : undefined;
    const pair = netmask?.ok ? netmask : wildcard?.ok ? wildcard : undefined;
    if (pair !== undefined && maskToken !== undefined) {
      const kind: ReferenceKind = netmask?.ok ? 'netmask' : 'wildcard-mask';
      r.addReference(line, token.start, maskToken.end, kind, 'other', { interval: cidrToInterval(pair.value), ...(pair.value.hostBitsSet ? { hostBitsSet: true } : {}) });
      i++;
      continue;
    }
    const interval: IpInterval = { family: 4, first: address.value.value, last: address.value.value };
    r.addReference(line, token.start, token.end, 'ipv4', 'other', { interval });
    // A mask that did not pair (0.0.0.0 after a host in a routing `network` command) is not an address of its own.
    if (/^(0|255)\./.test(mask)) i++;
  }
}

/** IOS `ip name-server A B` and ASA `name-server A` under `dns server-group`: the resolvers the device asks. */
export function parseResolvers(r: Reader, line: CiscoLine, start: number): void {
  for (const token of line.tokens.slice(start)) {
    const parsed = parseIp(token.text);
    if (!parsed.ok) continue;
    const interval: IpInterval = { family: parsed.value.family, first: parsed.value.value, last: parsed.value.value };
    r.addReference(line, token.start, token.end, parsed.value.family === 4 ? 'ipv4' : 'ipv6', 'resolver', { interval });
  }
}

export function parseNameCommand(r: Reader, line: CiscoLine): void {
  const address = line.tokens[1];
  const alias = line.tokens[2];
  if (address === undefined || alias === undefined) return;
  const parsed = parseIp(address.text);
  if (!parsed.ok) {
    r.addReference(line, address.start, address.end, 'ipv4', 'other', { invalidReason: parsed.reason });
    return;
  }
  const interval: IpInterval = { family: parsed.value.family, first: parsed.value.value, last: parsed.value.value };
  const refId = r.addReference(line, address.start, address.end, parsed.value.family === 4 ? 'ipv4' : 'ipv6', undefined, { interval });
  r.names.set(alias.text, { refId, interval });
}

/**
 * One address operand at `start`. Netmask and wildcard pairs become one reference spanning both
 * words; `host X` a reference on the address word alone.
 */
export function parseAddress(
  r: Reader,
  line: CiscoLine,
  start: number,
  role: ReferenceRole,
  maskForm: MaskForm,
  bareHostAllowed: boolean,
): { spec: AddressSpec; next: number } | undefined {
  const tokens = line.tokens;
  const token = tokens[start];
  if (token === undefined) {
    r.missing(line, role === 'source' ? t('a source address') : t('a destination address'));
    return undefined;
  }
  const word = token.text.toLowerCase();
  if (word === 'any') return { spec: { type: 'any' }, next: start + 1 };
  if (word === 'any4') return { spec: { type: 'any', family: 4 }, next: start + 1 };
  if (word === 'any6') return { spec: { type: 'any', family: 6 }, next: start + 1 };
  if (word === 'object' || word === 'object-group' || word === 'interface') {
    const nameToken = tokens[start + 1];
    if (nameToken === undefined) {
      r.missing(line, t('an object name'));
      return undefined;
    }
    if (word === 'interface') return { spec: { type: 'interface', name: nameToken.text }, next: start + 2 };
    const type = r.groupTypes.get(nameToken.text);
    if (type !== undefined && type !== 'network') {
      r.tokenProblem(line, nameToken, t('{0} is not a network object; an address is expected here.', nameToken.text));
      return undefined;
    }
    return { spec: { type: 'named', name: nameToken.text, token: nameToken, line }, next: start + 2 };
  }
  if (word === 'host') {
    const addressToken = tokens[start + 1];
    if (addressToken === undefined) {
      r.missing(line, t('an address after host'));
      return undefined;
    }
    return { spec: hostSpec(r, line, addressToken, role), next: start + 2 };
  }
  const literal = parseLiteralAddress(r, line, tokens, start, role, maskForm, bareHostAllowed);
  if (literal !== undefined) {
    if (literal.member.type === 'literal') return { spec: literal.member, next: literal.next };
    return { spec: { type: 'any' }, next: literal.next };
  }
  const alias = r.names.get(token.text);
  if (alias !== undefined) {
    const maskToken = tokens[start + 1];
    r.markUse(alias.refId, role);
    if (maskToken !== undefined && looksLikeIpv4(maskToken.text)) {
      const pair = pairWithAlias(r, line, alias.interval, maskToken, maskForm);
      return { spec: { type: 'literal', refIds: [alias.refId], intervals: pair.intervals, ...pair.extra }, next: start + 2 };
    }
    return { spec: { type: 'literal', refIds: [alias.refId], intervals: [alias.interval] }, next: start + 1 };
  }
  r.tokenProblem(line, token, t('Expected an address, "any", "host", "object" or "object-group", found "{0}".', token.text));
  return undefined;
}

function pairWithAlias(
  r: Reader,
  line: CiscoLine,
  interval: IpInterval,
  maskToken: CiscoToken,
  maskForm: MaskForm,
): { intervals: IpInterval[]; extra: { unresolved?: string } } {
  const address = formatIpv4(interval.first);
  const parsed = maskForm === 'netmask' ? parseNetmaskPair(address, maskToken.text) : parseWildcardPair(address, maskToken.text);
  if (parsed.ok) return { intervals: [cidrToInterval(parsed.value)], extra: {} };
  r.tokenProblem(line, maskToken, addressErrorMessage(maskToken.text, parsed.reason));
  return { intervals: [], extra: { unresolved: addressErrorMessage(maskToken.text, parsed.reason) } };
}

export function hostSpec(r: Reader, line: CiscoLine, addressToken: CiscoToken, role: ReferenceRole | undefined): AddressSpec {
  const parsed = parseIp(addressToken.text);
  if (parsed.ok) {
    const interval: IpInterval = { family: parsed.value.family, first: parsed.value.value, last: parsed.value.value };
    const refId = r.addReference(line, addressToken.start, addressToken.end, parsed.value.family === 4 ? 'ipv4' : 'ipv6', role, { interval });
    return { type: 'literal', refIds: [refId], intervals: [interval] };
  }
  const alias = r.names.get(addressToken.text);
  if (alias !== undefined) {
    if (role !== undefined) r.markUse(alias.refId, role);
    return { type: 'literal', refIds: [alias.refId], intervals: [alias.interval] };
  }
  const kind: ReferenceKind = addressToken.text.includes(':') ? 'ipv6' : 'ipv4';
  const refId = r.addReference(line, addressToken.start, addressToken.end, kind, role, { invalidReason: parsed.reason });
  if (!looksLikeIpv4(addressToken.text) && !looksLikeIpv6(addressToken.text)) {
    r.tokenProblem(line, addressToken, t('"{0}" is neither an address nor a name defined with the name command.', addressToken.text), 'warning');
  }
  return { type: 'literal', refIds: [refId], intervals: [], unresolved: addressErrorMessage(addressToken.text, parsed.reason) };
}

/**
 * A written address: `a.b.c.d mask`, `prefix/len`, or (where the form allows it) a bare address.
 * Returns undefined when the word does not look like an address at all, so callers can try names.
 */
export function parseLiteralAddress(
  r: Reader,
  line: CiscoLine,
  tokens: readonly CiscoToken[],
  start: number,
  role: ReferenceRole | undefined,
  maskForm: MaskForm,
  bareHostAllowed: boolean,
): { member: NetworkMember; next: number } | undefined {
  const token = tokens[start]!;
  const text = token.text;
  if (text.includes('/') && (looksLikeIpv6(text) || /^[\d.]+\/\d*$/.test(text))) {
    const parsed = parseCidr(text);
    if (!parsed.ok) {
      const refId = r.addReference(line, token.start, token.end, 'cidr', role, { invalidReason: parsed.reason });
      return { member: { type: 'literal', refIds: [refId], intervals: [], unresolved: addressErrorMessage(text, parsed.reason) }, next: start + 1 };
    }
    const interval = cidrToInterval(parsed.value);
    const refId = r.addReference(line, token.start, token.end, 'cidr', role, { interval, ...(parsed.value.hostBitsSet ? { hostBitsSet: true } : {}) });
    return { member: { type: 'literal', refIds: [refId], intervals: [interval] }, next: start + 1 };
  }
  if (looksLikeIpv6(text) && text.includes(':')) {
    const parsed = parseIp(text);
    if (!parsed.ok) {
      const refId = r.addReference(line, token.start, token.end, 'ipv6', role, { invalidReason: parsed.reason });
      return { member: { type: 'literal', refIds: [refId], intervals: [], unresolved: addressErrorMessage(text, parsed.reason) }, next: start + 1 };
    }
    const interval: IpInterval = { family: parsed.value.family, first: parsed.value.value, last: parsed.value.value };
    const refId = r.addReference(line, token.start, token.end, 'ipv6', role, { interval });
    return { member: { type: 'literal', refIds: [refId], intervals: [interval] }, next: start + 1 };
  }
  if (!looksLikeIpv4(text)) return undefined;
  const maskToken = tokens[start + 1];
  if (maskToken === undefined || !looksLikeIpv4(maskToken.text)) {
    if (!bareHostAllowed) {
      // The address itself is fine; the command lacks its mask, which the syntax problem says.
      const parsedHost = parseIp(text);
      const fields: Partial<Reference> = parsedHost.ok
        ? { interval: { family: 4, first: parsedHost.value.value, last: parsedHost.value.value } }
        : { invalidReason: parsedHost.reason };
      const refId = r.addReference(line, token.start, token.end, 'ipv4', role, fields);
      const message = maskForm === 'netmask' ? t('{0} needs a netmask, or write "host {0}".', text) : t('{0} needs a wildcard mask, or write "host {0}".', text);
      r.tokenProblem(line, token, message);
      return { member: { type: 'literal', refIds: [refId], intervals: [], unresolved: message }, next: start + 1 };
    }
    const parsed = parseIp(text);
    if (!parsed.ok) {
      const refId = r.addReference(line, token.start, token.end, 'ipv4', role, { invalidReason: parsed.reason });
      return { member: { type: 'literal', refIds: [refId], intervals: [], unresolved: addressErrorMessage(text, parsed.reason) }, next: start + 1 };
    }
    const interval: IpInterval = { family: 4, first: parsed.value.value, last: parsed.value.value };
    const refId = r.addReference(line, token.start, token.end, 'ipv4', role, { interval });
    return { member: { type: 'literal', refIds: [refId], intervals: [interval] }, next: start + 1 };
  }
  const kind: ReferenceKind = maskForm === 'netmask' ? 'netmask' : 'wildcard-mask';
  const parsed: AddressParseResult<Cidr> = maskForm === 'netmask' ? parseNetmaskPair(text, maskToken.text) : parseWildcardPair(text, maskToken.text);
  const pairText = r.text.slice(token.start, maskToken.end);
  if (!parsed.ok) {
    const refId = r.addReference(line, token.start, maskToken.end, kind, role, { invalidReason: parsed.reason });
    hintMaskForm(r, line, maskToken, maskForm, text);
    return { member: { type: 'literal', refIds: [refId], intervals: [], unresolved: addressErrorMessage(pairText, parsed.reason) }, next: start + 2 };
  }
  const interval = cidrToInterval(parsed.value);
  const refId = r.addReference(line, token.start, maskToken.end, kind, role, { interval, ...(parsed.value.hostBitsSet ? { hostBitsSet: true } : {}) });
  return { member: { type: 'literal', refIds: [refId], intervals: [interval] }, next: start + 2 };
}

/** A wildcard where a netmask belongs (or the reverse) is the commonest ACL typo; say which was meant. */
function hintMaskForm(r: Reader, line: CiscoLine, maskToken: CiscoToken, maskForm: MaskForm, address: string): void {
  const otherForm = maskForm === 'netmask' ? parseWildcardPair(address, maskToken.text) : parseNetmaskPair(address, maskToken.text);
  if (!otherForm.ok) return;
  const flipped = formatIpv4(parseIpValue(maskToken.text) ^ 0xffffffffn);
  const message =
    maskForm === 'netmask'
      ? t('{0} is a wildcard mask, but this command takes a netmask; did you mean {1}?', maskToken.text, flipped)
      : t('{0} is a netmask, but IOS access lists take wildcard masks; did you mean {1}?', maskToken.text, flipped);
  r.tokenProblem(line, maskToken, message, 'warning');
}
