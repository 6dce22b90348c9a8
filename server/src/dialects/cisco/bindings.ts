import { t } from '../../l10n';
import { parseLiteralAddress, parseOtherAddresses } from './addresses';
import type { CiscoLine } from './lexer';
import { lower, type Reader } from './reader';
import type { AclBinding, CiscoInterface } from './vendor';

function noteUse(r: Reader, name: string | undefined, use: string): void {
  if (name === undefined || name.length === 0) return;
  const uses = r.config.otherUses.get(name) ?? [];
  // A few examples say enough; a cap keeps thousands of route-map lines linear.
  if (uses.length < 5 && !uses.includes(use)) uses.push(use);
  r.config.otherUses.set(name, uses);
}

/**
 * Lists named by commands that use an ACL to select routes, VPN or NAT traffic rather than to
 * filter an interface: `match ip address` (route-map, class-map), `match address` (crypto map),
 * `ip nat … list|access-list`, ASA `nat|static|capture … access-list`, `split-tunnel-network-list`,
 * `vpn-filter`, `distribute-list`.
 */
export function noteAclUses(r: Reader, line: CiscoLine): void {
  const tokens = line.tokens;
  const a = lower(tokens[0]);
  if (a === 'access-list' || a === 'no' || a === 'remark' || a === 'permit' || a === 'deny' || /^\d+$/.test(a)) return;
  if (a === 'match') {
    const b = lower(tokens[1]);
    const use = r.lineText(line);
    if ((b === 'ip' || b === 'ipv6') && lower(tokens[2]) === 'address') {
      if (lower(tokens[3]) === 'prefix-list') return;
      for (const token of tokens.slice(3)) noteUse(r, token.text, use);
    } else if (b === 'address' || b === 'access-list') {
      noteUse(r, tokens[2]?.text, use);
    } else if (b === 'access-group') {
      noteUse(r, lower(tokens[2]) === 'name' ? tokens[3]?.text : tokens[2]?.text, use);
    }
    return;
  }
  if (a === 'split-tunnel-network-list' || a === 'ipv6-split-tunnel-network-list' || a === 'vpn-filter') {
    if (lower(tokens[1]) === 'value') noteUse(r, tokens[2]?.text, r.lineText(line));
    return;
  }
  if (a === 'distribute-list') {
    noteUse(r, tokens[1]?.text, r.lineText(line));
    return;
  }
  const isNat = (a === 'ip' || a === 'ipv6') && lower(tokens[1]) === 'nat';
  for (let i = 1; i < tokens.length - 1; i++) {
    const word = lower(tokens[i]);
    if (i === 1 && (a === 'ip' || a === 'ipv6')) continue;
    if (word === 'access-list' || (isNat && word === 'list')) noteUse(r, tokens[i + 1]!.text, r.lineText(line));
  }
}

export function parseInterfaceLine(r: Reader, line: CiscoLine, state: CiscoInterface): boolean {
  const tokens = line.tokens;
  const a = lower(tokens[0]);
  const b = lower(tokens[1]);
  if (a === 'nameif' && tokens[1] !== undefined) {
    state.nameif = tokens[1].text;
    return true;
  }
  if (a === 'description') {
    const last = tokens[tokens.length - 1]!;
    if (tokens[1] !== undefined) state.description = r.text.slice(tokens[1].start, last.end);
    return true;
  }
  if ((a === 'ip' && b === 'access-group') || (a === 'ipv6' && b === 'traffic-filter')) {
    const aclToken = tokens[2];
    const direction = lower(tokens[3]);
    if (aclToken === undefined || (direction !== 'in' && direction !== 'out')) {
      r.missing(line, t('an access list name and in or out'));
      return true;
    }
    const binding: AclBinding = { acl: aclToken.text, aclToken, line, direction, families: a === 'ip' ? 'ip' : 'ipv6', interfaceState: state };
    r.config.bindings.push(binding);
    return true;
  }
  if ((a === 'ip' || a === 'ipv6') && b === 'address') {
    // The interface's own address: hover and lookups want it, rules never match on it.
    if (tokens[2] !== undefined && lower(tokens[2]) !== 'dhcp' && lower(tokens[2]) !== 'autoconfig') {
      const first = r.references.length;
      parseLiteralAddress(r, line, tokens, 2, 'other', 'netmask', true);
      // An interface address is a host inside its subnet by design, not a mistyped network.
      for (let id = first; id < r.references.length; id++) delete r.references[id]!.hostBitsSet;
    }
    return true;
  }
  if (a === 'ip' && (b === 'access-list' || b === 'route')) {
    if (line.indented) parseOtherAddresses(r, line);
    return line.indented;
  }
  if (line.indented) {
    if (a !== 'description') parseOtherAddresses(r, line);
    return true;
  }
  return ['security-level', 'shutdown', 'no', 'ipv6', 'speed', 'duplex', 'mtu', 'switchport', 'vlan', 'standby', 'encapsulation'].includes(a) && !(a === 'ipv6' && b === 'access-list');
}

export function parseAccessClass(r: Reader, line: CiscoLine, lineName: string): void {
  const tokens = line.tokens;
  const offset = lower(tokens[0]) === 'ipv6' ? 1 : 0;
  if (lower(tokens[offset]) !== 'access-class') return;
  const aclToken = tokens[offset + 1];
  const direction = lower(tokens[offset + 2]);
  if (aclToken === undefined || (direction !== 'in' && direction !== 'out')) {
    r.missing(line, t('an access list name and in or out'));
    return;
  }
  r.config.bindings.push({ acl: aclToken.text, aclToken, line, direction, families: offset === 1 ? 'ipv6' : 'ip', interfaceName: lineName, management: true });
}

/** ASA `access-group NAME in|out interface IF [control-plane]` and `access-group NAME global`. */
export function parseAccessGroup(r: Reader, line: CiscoLine): void {
  const tokens = line.tokens;
  const aclToken = tokens[1];
  const direction = lower(tokens[2]);
  if (aclToken === undefined || direction === '') {
    r.missing(line, t('an access list name and in, out or global'));
    return;
  }
  if (direction === 'global') {
    r.config.bindings.push({ acl: aclToken.text, aclToken, line, direction: 'global', families: 'both' });
    return;
  }
  if (direction !== 'in' && direction !== 'out') {
    r.tokenProblem(line, tokens[2]!, t('Expected in, out or global, found "{0}".', tokens[2]!.text));
    return;
  }
  if (lower(tokens[3]) !== 'interface' || tokens[4] === undefined) {
    r.missing(line, t('interface and an interface name'));
    return;
  }
  const binding: AclBinding = { acl: aclToken.text, aclToken, line, direction, families: 'both', interfaceName: tokens[4].text };
  if (lower(tokens[5]) === 'control-plane') binding.management = true;
  r.config.bindings.push(binding);
}
