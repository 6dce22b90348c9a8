import { t } from '../../l10n';
import { MAX_LINE_LENGTH } from '../../limits';
import type { AnalysisLimit } from '../../model/config';
import { longLineLimit } from '../bounds';
import { parseAccessListCommand, parseIpAccessListHeader, parseIpv6AccessList, parseNamedAclLine } from './accessLists';
import { parseNameCommand, parseOtherAddresses, parseResolvers } from './addresses';
import { noteAclUses, parseAccessClass, parseAccessGroup, parseInterfaceLine } from './bindings';
import { lexCisco, rangeOnLine, type CiscoLine } from './lexer';
import { parseNetworkMember, parseObjectGroupHeader, parseObjectHeader, parseServiceMember, prescanGroupTypes } from './objects';
import { lower, Reader, type Mode } from './reader';
import type { CiscoInterface, CiscoPlatform, CiscoRead } from './vendor';

/**
 * Reads the lines of a file into the Cisco configuration: one command per line, sub-mode lines
 * (named ACL entries, group members, interface settings) by the mode the command before opened.
 * Lines past the length bound, and everything after them, are not read.
 */
export function readCisco(text: string): CiscoRead {
  const limits: AnalysisLimit[] = [];
  const all = lexCisco(text);
  const long = all.findIndex((line) => line.end - line.start > MAX_LINE_LENGTH);
  if (long >= 0) limits.push(longLineLimit({ line: all[long]!.line, character: 0 }, all[long]!.end - all[long]!.start));
  const lines = long >= 0 ? all.slice(0, long) : all;
  const r = new Reader(text, lines, limits, prescanGroupTypes(lines), detectPlatform(lines));
  for (const line of lines) parseLine(r, line);
  return r;
}

/** ASA vs IOS from commands only one of them has; ties go to ASA, whose ACL syntax is the stricter. */
export function detectPlatform(lines: readonly CiscoLine[]): CiscoPlatform {
  let asa = 0;
  let ios = 0;
  for (const line of lines) {
    const a = lower(line.tokens[0]);
    const b = lower(line.tokens[1]);
    const c = lower(line.tokens[2]);
    if (a === 'asa' && b === 'version') asa += 10;
    else if (a === 'object' && (b === 'network' || b === 'service')) asa += 2;
    else if (a === 'network-object' || a === 'port-object' || a === 'service-object' || a === 'nameif' || a === 'security-level') asa += 2;
    else if (a === 'access-list' && (c === 'extended' || c === 'standard')) asa += 2;
    else if (a === 'access-group') asa += 3;
    else if (a === 'same-security-traffic' || a === 'pager') asa += 2;
    else if (a === 'ip' && (b === 'access-list' || b === 'access-group')) ios += 2;
    else if (a === 'ipv6' && b === 'traffic-filter') ios += 2;
    else if (a === 'access-list' && /^\d+$/.test(b) && (c === 'permit' || c === 'deny')) ios += 2;
    else if (a === 'service' && b === 'timestamps') ios += 3;
    else if (a === 'ip' && (b === 'route' || b === 'cef' || b === 'routing')) ios += 1;
    else if (a === 'line' && b === 'vty') ios += 1;
  }
  return ios > asa ? 'ios' : 'asa';
}

function parseLine(r: Reader, line: CiscoLine): void {
  const first = line.tokens[0];
  if (first === undefined) return;
  if (r.mode.type === 'banner') {
    parseSubLine(r, line, r.mode);
    return;
  }
  if (first.text.startsWith('!') || (first.text.startsWith(':') && !line.indented)) {
    const body = r.text.slice(first.start + 1, line.end).replace(/^[!:]+/, '');
    r.comments.push({ range: rangeOnLine(line, first.start, line.end), text: body.trim() });
    return;
  }
  noteAclUses(r, line);
  if (r.mode.type !== 'none') {
    if (lower(first) === 'exit') {
      r.mode = { type: 'none' };
      return;
    }
    if (parseSubLine(r, line, r.mode)) return;
    r.mode = { type: 'none' };
  }
  parseTopLevel(r, line);
}

/** Returns false when the line is not part of the current sub-mode (it is then read as a top-level command). */
function parseSubLine(r: Reader, line: CiscoLine, mode: Exclude<Mode, { type: 'none' }>): boolean {
  const word = lower(line.tokens[0]);
  switch (mode.type) {
    case 'acl':
      return parseNamedAclLine(r, line, mode.state);
    case 'network': {
      const member = parseNetworkMember(r, line, mode.def);
      if (member && !['description', 'nat'].includes(word)) mode.def.lastMemberLine = line.line;
      return member;
    }
    case 'service':
      return parseServiceMember(r, line, mode.def, mode.protocolHint);
    case 'ignored-group':
      return (
        line.indented ||
        ['icmp-object', 'group-object', 'description', 'user', 'user-group', 'security-group', 'protocol-object'].includes(word)
      );
    case 'interface':
      return parseInterfaceLine(r, line, mode.state);
    case 'banner': {
      const body = r.text.slice(line.start, line.end);
      if (body.includes(mode.delimiter)) r.mode = { type: 'none' };
      return true;
    }
    case 'line':
      if (word === 'access-class' || word === 'ipv6') {
        parseAccessClass(r, line, mode.name);
        return true;
      }
      return line.indented;
  }
}

/** `interface NAME` opens the interface's sub-mode; the name may be several words (`Ethernet 1/1`). */
function parseInterfaceHeader(r: Reader, line: CiscoLine): void {
  const name = line.tokens.slice(1).map((x) => x.text).join(' ');
  if (name.length === 0) {
    r.missing(line, t('an interface name'));
    return;
  }
  const state: CiscoInterface = { name };
  r.config.interfaces.push(state);
  r.mode = { type: 'interface', state };
}

function parseIpCommand(r: Reader, line: CiscoLine): void {
  const b = lower(line.tokens[1]);
  if (b === 'access-list') parseIpAccessListHeader(r, line);
  else if (b === 'name-server') parseResolvers(r, line, 2);
  else parseOtherAddresses(r, line);
}

/** `line vty 0 4` opens the sub-mode its `access-class` lines belong to. */
function parseLineHeader(r: Reader, line: CiscoLine): void {
  r.mode = { type: 'line', name: r.lineText(line) };
}

function parseHostname(r: Reader, line: CiscoLine): void {
  if (line.tokens[1] !== undefined) r.config.hostname = line.tokens[1].text;
}

function parseAsaVersion(r: Reader, line: CiscoLine): void {
  if (lower(line.tokens[1]) === 'version' && /^[1-8]\./.test(line.tokens[2]?.text ?? '')) r.config.legacyAsa = true;
}

function ignoreCommand(): void {}

/** Top-level commands by their first word; any other line is only searched for addresses. */
const COMMANDS = new Map<string, (r: Reader, line: CiscoLine) => void>([
  ['access-list', parseAccessListCommand],
  ['ip', parseIpCommand],
  ['name-server', (r, line) => parseResolvers(r, line, 1)],
  ['ipv6', (r, line) => (lower(line.tokens[1]) === 'access-list' ? parseIpv6AccessList(r, line) : parseOtherAddresses(r, line))],
  ['object', parseObjectHeader],
  ['object-group', parseObjectGroupHeader],
  ['access-group', parseAccessGroup],
  ['interface', parseInterfaceHeader],
  ['line', parseLineHeader],
  ['name', parseNameCommand],
  ['banner', parseBanner],
  ['hostname', parseHostname],
  ['asa', parseAsaVersion],
  ['description', ignoreCommand],
  ['remark', ignoreCommand],
  ['domain-name', ignoreCommand],
]);

function parseTopLevel(r: Reader, line: CiscoLine): void {
  (COMMANDS.get(lower(line.tokens[0])) ?? parseOtherAddresses)(r, line);
}

/**
 * IOS `banner motd ^C … ^C` spans lines up to the closing delimiter (the first character of the
 * text, or the two characters ^C as running-config prints Ctrl-C); ASA banners are one line each.
 */
function parseBanner(r: Reader, line: CiscoLine): void {
  const textToken = line.tokens[2];
  if (textToken === undefined || r.config.platform === 'asa') return;
  const delimiter = textToken.text.startsWith('^C') ? '^C' : textToken.text.charAt(0);
  const rest = r.text.slice(textToken.start + delimiter.length, line.end);
  if (!rest.includes(delimiter)) r.mode = { type: 'banner', delimiter };
}
