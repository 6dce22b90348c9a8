import { parserFailureModel, type Parsed } from '../dialect';
import { mergePorts } from '../../model/ports';
import {
  cidrToInterval,
  mergeIntervals,
  parseAddressRange,
  parseCidr,
  parseIp,
  parseNetmaskPair,
  parseWildcardPair,
  type AddressParseResult,
  type Cidr,
  type IpInterval,
} from '../../model/address';
import type {
  AddressMatch,
  AnalysisLimit,
  Comment,
  ConfigModel,
  EvaluationPath,
  PortRange,
  Reference,
  ReferenceKind,
  ReferenceRole,
  Rule,
  RuleList,
  SyntaxProblem,
  TrafficDirection,
  UndefinedFilter,
} from '../../model/config';
import type { Range } from '../../model/range';
import { t } from '../../l10n';
import { lexCisco, rangeOnLine, type CiscoLine, type CiscoToken } from './lexer';
import { hasPorts, portNumber, protocolName } from './ports';
import { longLineLimit } from '../bounds';
import { MAX_LINE_LENGTH, MAX_OBJECT_GROUP_DEPTH } from '../../limits';

export type CiscoPlatform = 'asa' | 'ios';

/** A network object or object-group as resolved, so renderers can reuse a group with the same addresses. */
export interface CiscoNetworkGroup {
  name: string;
  kind: 'object' | 'object-group';
  /** Merged addresses of every member, nested groups included. */
  intervals: IpInterval[];
  range: Range;
  /** Why membership is not fully known (FQDN members, unknown or cyclic nested groups). */
  unresolved?: string;
  /** 0-based line of the group's last member, where new members go; absent when it has none. */
  lastMemberLine?: number;
  /** The ACL entries that name the group, by list id and line, the side and the action. */
  uses: Array<{ listId: string; line: number; side: 'source' | 'destination'; accept: boolean }>;
  /** Words naming the group outside those entries and its own header (nested groups, NAT, other commands). */
  otherMentions: number;
}

/** The access list behind each RuleList, in the device's own terms. */
export interface CiscoAcl {
  listId: string;
  name: string;
  /** asa: `access-list NAME extended`; ios-numbered: `access-list 101`; ios-named: `ip access-list`; ipv6: either platform's IPv6 list. */
  form: 'asa' | 'ios-numbered' | 'ios-named' | 'ipv6';
  standard: boolean;
  /**
   * Commands that use the list for something other than filtering transit traffic (route-map,
   * crypto map, NAT, split tunnel, line vty access-class); such a list gets no EvaluationPath.
   */
  usedFor?: string[];
  /** IOS named lists: the sequence number of each numbered line (entries and remarks), by 0-based line. */
  sequences?: Array<{ line: number; sequence: number }>;
}

export interface CiscoBinding {
  acl: string;
  /** Interface as the binding names it (ASA nameif, IOS interface name, `line vty 0 4`); absent for ASA `global`. */
  interfaceName?: string;
  direction: 'in' | 'out' | 'global';
  range: Range;
}

/** What the Cisco parser knows beyond the common model; placement and the renderer read it. */
export interface CiscoVendor {
  platform: CiscoPlatform;
  hostname?: string;
  networkGroups: CiscoNetworkGroup[];
  acls: CiscoAcl[];
  bindings: CiscoBinding[];
}


const IPV4_ANY: IpInterval = { family: 4, first: 0n, last: 0xffffffffn };
const IPV6_ANY: IpInterval = { family: 6, first: 0n, last: (1n << 128n) - 1n };

type MaskForm = 'netmask' | 'wildcard';

type AddressSpec =
  | { type: 'any'; family?: 4 | 6 }
  | { type: 'literal'; refIds: number[]; intervals: IpInterval[]; unresolved?: string }
  | { type: 'named'; name: string; token: CiscoToken; line: CiscoLine }
  | { type: 'interface'; name: string };

type PortSpec = { type: 'ranges'; ranges: PortRange[] } | { type: 'group'; name: string; token: CiscoToken; line: CiscoLine };

type ProtocolSpec = { type: 'protocol'; protocol: string | null } | { type: 'group'; name: string; token: CiscoToken; line: CiscoLine };

interface RuleDraft {
  line: CiscoLine;
  text: string;
  actionToken: CiscoToken;
  accept: boolean;
  protocol: ProtocolSpec;
  source: AddressSpec;
  sourcePorts?: PortSpec;
  destination: AddressSpec;
  destinationPorts?: PortSpec;
  unknownConditions: string[];
  comment?: string;
  /** IOS named lists: the sequence number. Elsewhere: the position the entry was inserted at (ASA `line N`). */
  sequence: number;
  /** Removed later with `no N`. */
  removed?: boolean;
}

interface AclState {
  acl: CiscoAcl;
  headerRange: Range;
  drafts: RuleDraft[];
  remarks: string[];
  /** IOS named lists keep entries ordered by sequence number. */
  sequenced: boolean;
  nextSequence: number;
  /** Entries by sequence number, so duplicates and `no N` are found without scanning the list. */
  live: Map<number, RuleDraft>;
  /** Remarks written with a sequence number, which takes that number on the device too. */
  numberedRemarks: Array<{ line: number; sequence: number }>;
}

/** One member of a network object or object-group. */
type NetworkMember =
  | { type: 'literal'; refIds: number[]; intervals: IpInterval[]; unresolved?: string }
  | { type: 'named'; name: string; token: CiscoToken; line: CiscoLine }
  | { type: 'fqdn'; refId: number; host: string };

interface NetworkGroupDef {
  name: string;
  kind: 'object' | 'object-group';
  range: Range;
  members: NetworkMember[];
  lastMemberLine?: number;
}

/** One protocol/port combination a service object or service group stands for. */
interface ServiceEntry {
  /** null = any protocol. */
  protocol: string | null;
  sourcePorts?: PortRange[];
  destinationPorts?: PortRange[];
}

type ServiceMember = { type: 'entry'; entry: ServiceEntry } | { type: 'named'; name: string; token: CiscoToken; line: CiscoLine };

interface ServiceGroupDef {
  name: string;
  kind: 'service-object' | 'service-group' | 'protocol-group';
  range: Range;
  members: ServiceMember[];
}

interface ResolvedNetwork {
  intervals: IpInterval[];
  refIds: number[];
  unresolved?: string;
  /** Computed once per group: a big group used by many rules must not be scanned per rule. */
  families?: Set<4 | 6>;
}

interface ResolvedService {
  entries: ServiceEntry[];
  unresolved?: string;
}

interface InterfaceState {
  name: string;
  nameif?: string;
  description?: string;
}

interface PendingBinding {
  acl: string;
  aclToken: CiscoToken;
  line: CiscoLine;
  direction: 'in' | 'out' | 'global';
  /** Which lists the command binds: ASA access-group binds any list of that name. */
  families: 'ip' | 'ipv6' | 'both';
  interfaceState?: InterfaceState;
  interfaceName?: string;
  /** `line vty` access-class: traffic to the device itself. */
  management?: boolean;
}

type Mode =
  | { type: 'none' }
  | { type: 'acl'; state: AclState }
  | { type: 'network'; def: NetworkGroupDef }
  | { type: 'service'; def: ServiceGroupDef; protocolHint: string | null }
  | { type: 'ignored-group' }
  | { type: 'interface'; state: InterfaceState }
  | { type: 'line'; name: string }
  /** Banner text runs until the delimiter comes back; its words are prose, not commands. */
  | { type: 'banner'; delimiter: string };

type GroupType = 'network' | 'service' | 'protocol' | 'other';

/** Interface name words that say which side of the device a binding faces; see directionOf. */
const OUTSIDE_WORDS = new Set(['outside', 'internet', 'wan', 'untrust', 'untrusted', 'external', 'isp']);
const INSIDE_WORDS = new Set(['inside', 'lan', 'trust', 'trusted', 'internal']);

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

function lower(token: CiscoToken | undefined): string {
  return token === undefined ? '' : token.text.toLowerCase();
}

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

function addressErrorMessage(text: string, reason: string): string {
  return t('{0} is not a valid address ({1})', text, reason);
}

/**
 * Which way traffic crosses a binding, from the interface's name: a list applied `in` on an
 * Internet-facing interface (outside, internet, wan, untrust, external, isp) sees inbound traffic
 * and `out` there sees outbound; on an inside-facing interface (inside, lan, trust, internal) `in`
 * sees traffic leaving for the Internet and `out` traffic arriving from it. Anything else (dmz,
 * GigabitEthernet0/1 without a telling description, ASA `global`) is 'forward'. Names are split
 * into words so Vlan10 does not read as "lan" and untrust is not read as "trust".
 */
export function directionOf(names: readonly (string | undefined)[], direction: 'in' | 'out' | 'global'): TrafficDirection {
  if (direction === 'global') return 'forward';
  for (const name of names) {
    if (name === undefined) continue;
    const words = name.toLowerCase().split(/[^a-z]+/);
    if (words.some((w) => OUTSIDE_WORDS.has(w))) return direction === 'in' ? 'inbound' : 'outbound';
    if (words.some((w) => INSIDE_WORDS.has(w))) return direction === 'in' ? 'outbound' : 'inbound';
  }
  return 'forward';
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

/** Names of objects and object-groups by type, read first so ACL lines can tell a port group from an address group. */
function prescanGroupTypes(lines: readonly CiscoLine[]): Map<string, GroupType> {
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

class CiscoParser {
  readonly references: Reference[] = [];
  readonly problems: SyntaxProblem[] = [];
  readonly comments: Comment[] = [];
  private readonly lines: CiscoLine[];
  private readonly groupTypes: Map<string, GroupType>;
  private readonly platform: CiscoPlatform;
  private readonly acls = new Map<string, AclState>();
  private readonly networkDefs = new Map<string, NetworkGroupDef>();
  private readonly serviceDefs = new Map<string, ServiceGroupDef>();
  private readonly names = new Map<string, { refId: number; interval: IpInterval }>();
  private readonly bindings: PendingBinding[] = [];
  /** Every `interface` block, for the ones an ASA global list is the only filter of. */
  private readonly interfaces: InterfaceState[] = [];
  private readonly resolvedNetworks = new Map<string, ResolvedNetwork | 'visiting'>();
  private readonly resolvedServices = new Map<string, ResolvedService | 'visiting'>();
  /** Bit 1: used as a source, bit 2: as a destination; decides the role of object members. */
  private readonly referenceUse: number[] = [];
  private readonly roleDecided: boolean[] = [];
  private readonly groupUseMarks = new Map<string, number>();
  private hostname: string | undefined;
  private mode: Mode = { type: 'none' };
  /** ACL name → the commands that use it for something other than an interface filter. */
  private readonly otherUses = new Map<string, string[]>();
  /** ASA releases before 9.0 keep IPv4 and IPv6 in separate lists; `access-list` then matches IPv4 only. */
  private legacyAsa = false;
  private readonly limits: AnalysisLimit[] = [];
  private readonly undefinedFilters: UndefinedFilter[] = [];
  /** ACL entries naming each network group, filled as lists are built. */
  private readonly groupUses = new Map<string, CiscoNetworkGroup['uses']>();

  constructor(private readonly text: string) {
    const lines = lexCisco(text);
    const long = lines.findIndex((line) => line.end - line.start > MAX_LINE_LENGTH);
    if (long >= 0) this.limits.push(longLineLimit({ line: lines[long]!.line, character: 0 }, lines[long]!.end - lines[long]!.start));
    this.lines = long >= 0 ? lines.slice(0, long) : lines;
    this.groupTypes = prescanGroupTypes(this.lines);
    this.platform = detectPlatform(this.lines);
  }

  parse(): Parsed<CiscoVendor> {
    for (const line of this.lines) this.parseLine(line);
    const ruleLists: RuleList[] = [];
    const acls: CiscoAcl[] = [];
    for (const state of this.acls.values()) {
      ruleLists.push(this.buildList(state));
      const uses = this.otherUses.get(state.acl.name);
      const acl: CiscoAcl = uses === undefined ? { ...state.acl } : { ...state.acl, usedFor: uses };
      if (state.sequenced) acl.sequences = sequencesOf(state);
      acls.push(acl);
    }
    const paths = this.buildPaths(ruleLists);
    for (let id = 0; id < this.references.length; id++) {
      if (this.roleDecided[id]) continue;
      const use = this.referenceUse[id] ?? 0;
      const reference = this.references[id]!;
      reference.role = use === 1 ? 'source' : use === 2 ? 'destination' : 'other';
    }
    const networkGroups: CiscoNetworkGroup[] = [];
    const mentions = this.wordCounts();
    for (const def of this.networkDefs.values()) {
      const resolved = this.resolveNetwork(def.name, 0);
      const uses = this.groupUses.get(def.name) ?? [];
      const group: CiscoNetworkGroup = { name: def.name, kind: def.kind, intervals: resolved.intervals, range: def.range, uses, otherMentions: (mentions.get(def.name) ?? 0) - 1 - uses.length };
      if (resolved.unresolved !== undefined) group.unresolved = resolved.unresolved;
      if (def.lastMemberLine !== undefined) group.lastMemberLine = def.lastMemberLine;
      networkGroups.push(group);
    }
    const vendor: CiscoVendor = {
      platform: this.platform,
      networkGroups,
      acls,
      bindings: this.bindings.map((b) => {
        const binding: CiscoBinding = { acl: b.acl, direction: b.direction, range: this.lineRange(b.line) };
        const interfaceName = b.interfaceState?.name ?? b.interfaceName;
        if (interfaceName !== undefined) binding.interfaceName = interfaceName;
        return binding;
      }),
    };
    if (this.hostname !== undefined) vendor.hostname = this.hostname;
    const model: ConfigModel = { dialect: 'cisco', references: this.references, ruleLists, paths, problems: this.problems, comments: this.comments, limits: this.limits };
    if (this.undefinedFilters.length > 0) model.undefinedFilters = this.undefinedFilters;
    return { vendor, model };
  }

  /** How often each word occurs in the file, to tell where a group is named. */
  private wordCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const line of this.lines) for (const token of line.tokens) if (this.networkDefs.has(token.text)) counts.set(token.text, (counts.get(token.text) ?? 0) + 1);
    return counts;
  }

  private lineRange(line: CiscoLine): Range {
    const first = line.tokens[0];
    const last = line.tokens[line.tokens.length - 1];
    if (first === undefined || last === undefined) return rangeOnLine(line, line.start, line.end);
    return rangeOnLine(line, first.start, last.end);
  }

  private lineText(line: CiscoLine): string {
    const first = line.tokens[0];
    const last = line.tokens[line.tokens.length - 1];
    return first === undefined || last === undefined ? '' : this.text.slice(first.start, last.end);
  }

  private problem(line: CiscoLine, start: number, end: number, message: string, severity: 'error' | 'warning' = 'error'): void {
    this.problems.push({ range: rangeOnLine(line, start, end), message, severity });
  }

  private tokenProblem(line: CiscoLine, token: CiscoToken, message: string, severity: 'error' | 'warning' = 'error'): void {
    this.problem(line, token.start, token.end, message, severity);
  }

  /** A problem for a line that stopped before a required word; points at the last word it has. */
  private missing(line: CiscoLine, what: string): void {
    const last = line.tokens[line.tokens.length - 1];
    const at = last === undefined ? line.start : last.end;
    this.problem(line, last?.start ?? at, at, t('Incomplete command: expected {0}.', what));
  }

  private addReference(
    line: CiscoLine,
    start: number,
    end: number,
    kind: ReferenceKind,
    role: ReferenceRole | undefined,
    fields: Partial<Reference> = {},
  ): number {
    const id = this.references.length;
    this.references.push({
      text: this.text.slice(start, end),
      kind,
      role: role ?? 'other',
      range: rangeOnLine(line, start, end),
      ...fields,
    });
    this.roleDecided.push(role !== undefined);
    this.referenceUse.push(0);
    return id;
  }

  private parseLine(line: CiscoLine): void {
    const first = line.tokens[0];
    if (first === undefined) return;
    if (this.mode.type === 'banner') {
      this.parseSubLine(line, this.mode);
      return;
    }
    if (first.text.startsWith('!') || (first.text.startsWith(':') && !line.indented)) {
      const body = this.text.slice(first.start + 1, line.end).replace(/^[!:]+/, '');
      this.comments.push({ range: rangeOnLine(line, first.start, line.end), text: body.trim() });
      return;
    }
    this.noteAclUses(line);
    if (this.mode.type !== 'none') {
      if (lower(first) === 'exit') {
        this.mode = { type: 'none' };
        return;
      }
      if (this.parseSubLine(line, this.mode)) return;
      this.mode = { type: 'none' };
    }
    this.parseTopLevel(line);
  }

  private noteUse(name: string | undefined, use: string): void {
    if (name === undefined || name.length === 0) return;
    const uses = this.otherUses.get(name) ?? [];
    // A few examples say enough; a cap keeps thousands of route-map lines linear.
    if (uses.length < 5 && !uses.includes(use)) uses.push(use);
    this.otherUses.set(name, uses);
  }

  /**
   * Lists named by commands that use an ACL to select routes, VPN or NAT traffic rather than to
   * filter an interface: `match ip address` (route-map, class-map), `match address` (crypto map),
   * `ip nat … list|access-list`, ASA `nat|static|capture … access-list`, `split-tunnel-network-list`,
   * `vpn-filter`, `distribute-list`.
   */
  private noteAclUses(line: CiscoLine): void {
    const tokens = line.tokens;
    const a = lower(tokens[0]);
    if (a === 'access-list' || a === 'no' || a === 'remark' || a === 'permit' || a === 'deny' || /^\d+$/.test(a)) return;
    if (a === 'match') {
      const b = lower(tokens[1]);
      const use = this.lineText(line);
      if ((b === 'ip' || b === 'ipv6') && lower(tokens[2]) === 'address') {
        if (lower(tokens[3]) === 'prefix-list') return;
        for (const token of tokens.slice(3)) this.noteUse(token.text, use);
      } else if (b === 'address' || b === 'access-list') {
        this.noteUse(tokens[2]?.text, use);
      } else if (b === 'access-group') {
        this.noteUse(lower(tokens[2]) === 'name' ? tokens[3]?.text : tokens[2]?.text, use);
      }
      return;
    }
    if (a === 'split-tunnel-network-list' || a === 'ipv6-split-tunnel-network-list' || a === 'vpn-filter') {
      if (lower(tokens[1]) === 'value') this.noteUse(tokens[2]?.text, this.lineText(line));
      return;
    }
    if (a === 'distribute-list') {
      this.noteUse(tokens[1]?.text, this.lineText(line));
      return;
    }
    const isNat = (a === 'ip' || a === 'ipv6') && lower(tokens[1]) === 'nat';
    for (let i = 1; i < tokens.length - 1; i++) {
      const word = lower(tokens[i]);
      if (i === 1 && (a === 'ip' || a === 'ipv6')) continue;
      if (word === 'access-list' || (isNat && word === 'list')) this.noteUse(tokens[i + 1]!.text, this.lineText(line));
    }
  }

  /** Returns false when the line is not part of the current sub-mode (it is then read as a top-level command). */
  private parseSubLine(line: CiscoLine, mode: Exclude<Mode, { type: 'none' }>): boolean {
    const word = lower(line.tokens[0]);
    switch (mode.type) {
      case 'acl':
        return this.parseNamedAclLine(line, mode.state);
      case 'network': {
        const member = this.parseNetworkMember(line, mode.def);
        if (member && !['description', 'nat'].includes(word)) mode.def.lastMemberLine = line.line;
        return member;
      }
      case 'service':
        return this.parseServiceMember(line, mode.def, mode.protocolHint);
      case 'ignored-group':
        return (
          line.indented ||
          ['icmp-object', 'group-object', 'description', 'user', 'user-group', 'security-group', 'protocol-object'].includes(word)
        );
      case 'interface':
        return this.parseInterfaceLine(line, mode.state);
      case 'banner': {
        const body = this.text.slice(line.start, line.end);
        if (body.includes(mode.delimiter)) this.mode = { type: 'none' };
        return true;
      }
      case 'line':
        if (word === 'access-class' || word === 'ipv6') {
          this.parseAccessClass(line, mode.name);
          return true;
        }
        return line.indented;
    }
  }

  private parseTopLevel(line: CiscoLine): void {
    const tokens = line.tokens;
    const a = lower(tokens[0]);
    const b = lower(tokens[1]);
    switch (a) {
      case 'access-list':
        this.parseAccessListCommand(line);
        return;
      case 'ip':
        if (b === 'access-list') this.parseIpAccessListHeader(line);
        else if (b === 'name-server') this.parseResolvers(line, 2);
        else this.parseOtherAddresses(line);
        return;
      case 'name-server':
        this.parseResolvers(line, 1);
        return;
      case 'ipv6':
        if (b === 'access-list') this.parseIpv6AccessList(line);
        else this.parseOtherAddresses(line);
        return;
      case 'object':
        this.parseObjectHeader(line);
        return;
      case 'object-group':
        this.parseObjectGroupHeader(line);
        return;
      case 'access-group':
        this.parseAccessGroup(line);
        return;
      case 'interface': {
        const nameTokens = tokens.slice(1);
        const name = nameTokens.map((x) => x.text).join(' ');
        if (name.length === 0) {
          this.missing(line, t('an interface name'));
          return;
        }
        const state: InterfaceState = { name };
        this.interfaces.push(state);
        this.mode = { type: 'interface', state };
        return;
      }
      case 'line':
        this.mode = { type: 'line', name: this.lineText(line) };
        return;
      case 'name':
        this.parseNameCommand(line);
        return;
      case 'banner':
        this.parseBanner(line);
        return;
      case 'hostname':
        if (tokens[1] !== undefined) this.hostname = tokens[1].text;
        return;
      case 'asa':
        if (b === 'version' && /^[1-8]\./.test(tokens[2]?.text ?? '')) this.legacyAsa = true;
        return;
      case 'description':
      case 'remark':
      case 'domain-name':
        return;
      default:
        this.parseOtherAddresses(line);
        return;
    }
  }

  /**
   * Addresses in commands that filter nothing (routes, NTP and syslog servers, management access,
   * VPN peers) become references with role 'other', so hover and lookups work on every address in
   * the file. Only words that are addresses beyond doubt count, and a mask pairs with the address
   * before it only when its form is unambiguous: a netmask from 255.x (or 0.0.0.0 after 0.0.0.0,
   * the default route), a wildcard from 0.x that is not 0.0.0.0.
   */
  private parseOtherAddresses(line: CiscoLine): void {
    const tokens = line.tokens;
    for (let i = 1; i < tokens.length; i++) {
      const token = tokens[i]!;
      const text = token.text;
      if (text.includes('/') || text.includes(':')) {
        if (!looksLikeIpv6(text) && !/^[\d.]+\/\d{1,2}$/.test(text)) continue;
        const parsed = parseCidr(text);
        if (!parsed.ok) continue;
        const kind: ReferenceKind = text.includes('/') ? 'cidr' : 'ipv6';
        this.addReference(line, token.start, token.end, kind, 'other', { interval: cidrToInterval(parsed.value), ...(parsed.value.hostBitsSet ? { hostBitsSet: true } : {}) });
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
        this.addReference(line, token.start, maskToken.end, kind, 'other', { interval: cidrToInterval(pair.value), ...(pair.value.hostBitsSet ? { hostBitsSet: true } : {}) });
        i++;
        continue;
      }
      const interval: IpInterval = { family: 4, first: address.value.value, last: address.value.value };
      this.addReference(line, token.start, token.end, 'ipv4', 'other', { interval });
      // A mask that did not pair (0.0.0.0 after a host in a routing `network` command) is not an address of its own.
      if (/^(0|255)\./.test(mask)) i++;
    }
  }

  /**
   * IOS `banner motd ^C … ^C` spans lines up to the closing delimiter (the first character of the
   * text, or the two characters ^C as running-config prints Ctrl-C); ASA banners are one line each.
   */
  private parseBanner(line: CiscoLine): void {
    const textToken = line.tokens[2];
    if (textToken === undefined || this.platform === 'asa') return;
    const delimiter = textToken.text.startsWith('^C') ? '^C' : textToken.text.charAt(0);
    const rest = this.text.slice(textToken.start + delimiter.length, line.end);
    if (!rest.includes(delimiter)) this.mode = { type: 'banner', delimiter };
  }

  /** IOS `ip name-server A B` and ASA `name-server A` under `dns server-group`: the resolvers the device asks. */
  private parseResolvers(line: CiscoLine, start: number): void {
    for (const token of line.tokens.slice(start)) {
      const parsed = parseIp(token.text);
      if (!parsed.ok) continue;
      const interval: IpInterval = { family: parsed.value.family, first: parsed.value.value, last: parsed.value.value };
      this.addReference(line, token.start, token.end, parsed.value.family === 4 ? 'ipv4' : 'ipv6', 'resolver', { interval });
    }
  }

  private parseNameCommand(line: CiscoLine): void {
    const address = line.tokens[1];
    const alias = line.tokens[2];
    if (address === undefined || alias === undefined) return;
    const parsed = parseIp(address.text);
    if (!parsed.ok) {
      this.addReference(line, address.start, address.end, 'ipv4', 'other', { invalidReason: parsed.reason });
      return;
    }
    const interval: IpInterval = { family: parsed.value.family, first: parsed.value.value, last: parsed.value.value };
    const refId = this.addReference(line, address.start, address.end, parsed.value.family === 4 ? 'ipv4' : 'ipv6', undefined, { interval });
    this.names.set(alias.text, { refId, interval });
  }

  private aclState(name: string, token: CiscoToken, line: CiscoLine, form: CiscoAcl['form'], standard: boolean): AclState {
    const listId = form === 'ipv6' ? `IPv6 ACL ${name}` : `ACL ${name}`;
    let state = this.acls.get(listId);
    if (state === undefined) {
      state = {
        acl: { listId, name, form, standard },
        headerRange: rangeOnLine(line, line.tokens[0]?.start ?? token.start, token.end),
        drafts: [],
        remarks: [],
        sequenced: form === 'ios-named' || (form === 'ipv6' && this.platform === 'ios'),
        nextSequence: 10,
        live: new Map(),
        numberedRemarks: [],
      };
      this.acls.set(listId, state);
    }
    return state;
  }

  /** `access-list …` in its ASA (extended/standard/remark/line) and IOS numbered forms. */
  private parseAccessListCommand(line: CiscoLine): void {
    const tokens = line.tokens;
    const nameToken = tokens[1];
    if (nameToken === undefined) {
      this.missing(line, t('an access list name'));
      return;
    }
    let i = 2;
    let insertAt: number | undefined;
    if (lower(tokens[i]) === 'line' && tokens[i + 1] !== undefined && /^\d+$/.test(tokens[i + 1]!.text)) {
      insertAt = Number(tokens[i + 1]!.text);
      i += 2;
    }
    const keyword = lower(tokens[i]);
    const numbered = /^\d+$/.test(nameToken.text);
    if (keyword === '') {
      this.missing(line, t('extended, standard, remark, permit or deny'));
      return;
    }
    if (keyword === 'extended' || keyword === 'standard') {
      const state = this.aclState(nameToken.text, nameToken, line, 'asa', keyword === 'standard');
      this.parseEntry(line, i + 1, state, keyword === 'standard', 'netmask', insertAt);
      return;
    }
    if (keyword === 'remark') {
      const form = numbered && this.platform === 'ios' ? 'ios-numbered' : 'asa';
      const state = this.aclState(nameToken.text, nameToken, line, form, numbered && isStandardNumber(Number(nameToken.text)));
      this.addRemark(line, i, state);
      return;
    }
    if (keyword === 'webtype' || keyword === 'ethertype' || keyword === 'rename' || keyword === 'alert-interval' || keyword === 'deny-flow-max') {
      return;
    }
    if (numbered && (keyword === 'permit' || keyword === 'deny' || keyword === 'dynamic')) {
      const number = Number(nameToken.text);
      const standard = isStandardNumber(number);
      if (!standard && !isExtendedNumber(number)) return;
      const state = this.aclState(nameToken.text, nameToken, line, 'ios-numbered', standard);
      let start = i;
      if (keyword === 'dynamic') {
        start = i + 2;
        if (lower(tokens[start]) === 'timeout') start += 2;
      }
      this.parseEntry(line, start, state, standard, 'wildcard', undefined);
      return;
    }
    if (keyword === 'permit' || keyword === 'deny') {
      // ASA before 8.3 accepted `access-list NAME permit …` without `extended`; the device reads it as extended.
      const state = this.aclState(nameToken.text, nameToken, line, 'asa', false);
      this.parseEntry(line, i, state, false, 'netmask', insertAt);
      return;
    }
    const token = tokens[i]!;
    this.tokenProblem(line, token, t('Unknown access-list keyword "{0}".', token.text));
  }

  private addRemark(line: CiscoLine, remarkIndex: number, state: AclState): void {
    const next = line.tokens[remarkIndex + 1];
    const last = line.tokens[line.tokens.length - 1];
    if (next !== undefined && last !== undefined) state.remarks.push(this.text.slice(next.start, last.end));
  }

  /** `ip access-list extended|standard NAME` opens the IOS named-list mode. */
  private parseIpAccessListHeader(line: CiscoLine): void {
    const tokens = line.tokens;
    const kind = lower(tokens[2]);
    if (['resequence', 'logging', 'log-update', 'persistent', 'helper', 'role-based', 'match-local-traffic'].includes(kind)) return;
    let standard = false;
    let nameToken = tokens[2];
    if (kind === 'extended' || kind === 'standard') {
      standard = kind === 'standard';
      nameToken = tokens[3];
    }
    if (nameToken === undefined) {
      this.missing(line, t('an access list name'));
      return;
    }
    const state = this.aclState(nameToken.text, nameToken, line, 'ios-named', standard);
    this.mode = { type: 'acl', state };
  }

  /** `ipv6 access-list NAME` opens IOS mode; with more words it is the ASA 8.x one-line entry. */
  private parseIpv6AccessList(line: CiscoLine): void {
    const tokens = line.tokens;
    const kind = lower(tokens[2]);
    if ((kind === 'extended' || kind === 'standard') && tokens[3] !== undefined && tokens[4] === undefined) {
      // `ipv6 access-list extended|standard NAME` (IOS XE, NX-OS style) opens the list like the plain form.
      const state = this.aclState(tokens[3].text, tokens[3], line, 'ipv6', kind === 'standard');
      this.mode = { type: 'acl', state };
      return;
    }
    const nameToken = tokens[2];
    if (nameToken === undefined) {
      this.missing(line, t('an access list name'));
      return;
    }
    const state = this.aclState(nameToken.text, nameToken, line, 'ipv6', false);
    const keyword = lower(tokens[3]);
    if (keyword === '') {
      this.mode = { type: 'acl', state };
      return;
    }
    let i = 3;
    let insertAt: number | undefined;
    if (keyword === 'line' && tokens[4] !== undefined && /^\d+$/.test(tokens[4].text)) {
      insertAt = Number(tokens[4].text);
      i = 5;
    }
    if (lower(tokens[i]) === 'remark') {
      this.addRemark(line, i, state);
      return;
    }
    this.parseEntry(line, i, state, false, 'netmask', insertAt);
  }

  private parseNamedAclLine(line: CiscoLine, state: AclState): boolean {
    const tokens = line.tokens;
    let i = 0;
    let sequence: number | undefined;
    if (/^\d+$/.test(tokens[0]!.text)) {
      sequence = Number(tokens[0]!.text);
      i = 1;
    } else if (lower(tokens[0]) === 'sequence' && tokens[1] !== undefined && /^\d+$/.test(tokens[1].text)) {
      sequence = Number(tokens[1].text);
      i = 2;
    }
    const word = lower(tokens[i]);
    if (word === 'permit' || word === 'deny') {
      this.parseEntry(line, i, state, state.acl.standard, 'wildcard', undefined, sequence);
      return true;
    }
    if (word === 'remark') {
      this.addRemark(line, i, state);
      if (sequence !== undefined && state.sequenced) state.numberedRemarks.push({ line: line.line, sequence });
      return true;
    }
    if (word === 'no' && tokens[1] !== undefined && /^\d+$/.test(tokens[1].text)) {
      const removed = state.live.get(Number(tokens[1].text));
      if (removed !== undefined) {
        removed.removed = true;
        state.live.delete(removed.sequence);
      }
      return true;
    }
    if (word === 'evaluate' || word === 'statistics' || word === 'fragments' || word === 'dynamic') return true;
    if (line.indented || sequence !== undefined) {
      const token = tokens[i] ?? tokens[0]!;
      this.tokenProblem(line, token, t('Unknown access list entry "{0}"; expected permit, deny or remark.', token.text));
      return true;
    }
    return false;
  }

  /**
   * One permit/deny entry from the action word on. Standard lists match one address (the source
   * on IOS, the destination on ASA, where standard lists select routes and split-tunnel networks).
   */
  private parseEntry(
    line: CiscoLine,
    start: number,
    state: AclState,
    standard: boolean,
    maskForm: MaskForm,
    insertAt: number | undefined,
    sequence?: number,
  ): void {
    const tokens = line.tokens;
    const actionToken = tokens[start];
    if (actionToken === undefined) {
      this.missing(line, t('permit or deny'));
      return;
    }
    const action = lower(actionToken);
    if (action !== 'permit' && action !== 'deny') {
      this.tokenProblem(line, actionToken, t('Expected permit or deny, found "{0}".', actionToken.text));
      return;
    }
    const unknownConditions: string[] = [];
    let i = start + 1;
    const text = this.lineText(line);
    const accept = action === 'permit';
    if (standard) {
      const role: ReferenceRole = state.acl.form === 'asa' ? 'destination' : 'source';
      const address = this.parseAddress(line, i, role, maskForm, true);
      if (address === undefined) return;
      i = address.next;
      const trailing = this.parseOptions(line, i, null, unknownConditions);
      if (trailing === undefined) return;
      const anyAddress: AddressSpec = { type: 'any' };
      const draft: RuleDraft = {
        line,
        text,
        actionToken,
        accept,
        unknownConditions,
        protocol: { type: 'protocol', protocol: null },
        source: role === 'source' ? address.spec : anyAddress,
        destination: role === 'destination' ? address.spec : anyAddress,
        sequence: 0,
      };
      this.pushDraft(state, draft, trailing.inactive, insertAt, sequence ?? trailing.sequence);
      return;
    }
    while (['user', 'user-group', 'object-group-user', 'security-group'].includes(lower(tokens[i]))) {
      const what = tokens[i]!.text;
      unknownConditions.push(t('identity condition {0}', what));
      i += lower(tokens[i]) === 'security-group' ? 3 : 2;
    }
    const protocolToken = tokens[i];
    if (protocolToken === undefined) {
      this.missing(line, t('a protocol'));
      return;
    }
    let protocol: ProtocolSpec;
    const protocolWord = lower(protocolToken);
    if (protocolWord === 'object-group' || protocolWord === 'object') {
      const nameToken = tokens[i + 1];
      if (nameToken === undefined) {
        this.missing(line, t('an object name'));
        return;
      }
      const type = this.groupTypes.get(nameToken.text);
      if (type === 'network') {
        this.tokenProblem(line, nameToken, t('{0} is a network object-group; a service or protocol object-group is expected here.', nameToken.text));
        return;
      }
      protocol = { type: 'group', name: nameToken.text, token: nameToken, line };
      i += 2;
    } else {
      const name = protocolName(protocolToken.text);
      if (name === undefined) {
        this.tokenProblem(line, protocolToken, t('Unknown protocol "{0}".', protocolToken.text));
        return;
      }
      // In an IPv6 list `icmp` is ICMPv6, the only ICMP such a list can see.
      protocol = { type: 'protocol', protocol: name === 'icmp' && state.acl.form === 'ipv6' ? 'icmp6' : name };
      i += 1;
    }
    const portsAllowed = protocol.type === 'group' || (protocol.protocol !== null && hasPorts(protocol.protocol));
    const source = this.parseAddress(line, i, 'source', maskForm, false);
    if (source === undefined) return;
    i = source.next;
    const afterSource = this.parsePortSpec(line, i, portsAllowed, true);
    if (afterSource === undefined) return;
    const sourcePorts = afterSource.spec;
    i = afterSource.next;
    const destination = this.parseAddress(line, i, 'destination', maskForm, false);
    if (destination === undefined) return;
    i = destination.next;
    const afterDestination = this.parsePortSpec(line, i, portsAllowed, false);
    if (afterDestination === undefined) return;
    i = afterDestination.next;
    const trailing = this.parseOptions(line, i, protocol.type === 'protocol' ? protocol.protocol : 'service', unknownConditions);
    if (trailing === undefined) return;
    const draft: RuleDraft = {
      line,
      text,
      actionToken,
      accept,
      unknownConditions,
      protocol,
      source: source.spec,
      destination: destination.spec,
      sequence: 0,
    };
    if (sourcePorts !== undefined) draft.sourcePorts = sourcePorts;
    if (afterDestination.spec !== undefined) draft.destinationPorts = afterDestination.spec;
    this.pushDraft(state, draft, trailing.inactive, insertAt, sequence ?? trailing.sequence);
  }

  private pushDraft(state: AclState, rule: RuleDraft, inactive: boolean, insertAt: number | undefined, explicitSequence: number | undefined): void {
    const comment = state.remarks.length > 0 ? state.remarks.join('\n') : undefined;
    state.remarks = [];
    // An inactive entry stays in the file but the device skips it; its remark goes with it.
    if (inactive) return;
    if (comment !== undefined) rule.comment = comment;
    if (state.sequenced) {
      const sequence = explicitSequence ?? state.nextSequence;
      if (state.live.has(sequence)) {
        this.tokenProblem(rule.line, rule.actionToken, t('Duplicate sequence number {0} in access list {1}.', sequence, state.acl.name));
        return;
      }
      rule.sequence = sequence;
      state.live.set(sequence, rule);
      if (sequence + 10 > state.nextSequence) state.nextSequence = sequence + 10;
      state.drafts.push(rule);
      return;
    }
    const count = state.drafts.length;
    rule.sequence = insertAt !== undefined && insertAt >= 1 && insertAt <= count ? insertAt - 1 : count;
    state.drafts.push(rule);
  }

  /** Trailing keywords after the addresses and ports. */
  private parseOptions(
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
          this.missing(line, t('a value after {0}', token.text));
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
      if (word === 'sequence' && tokens[i + 1] !== undefined && /^\d+$/.test(tokens[i + 1]!.text)) {
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
      this.tokenProblem(line, token, t('Unexpected "{0}" in access list entry.', token.text));
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
  private parsePortSpec(
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
        this.missing(line, t('an object name'));
        return undefined;
      }
      return { spec: { type: 'group', name: nameToken.text, token: nameToken, line }, next: start + 2 };
    }
    if (word === 'object-group') {
      const nameToken = tokens[start + 1];
      if (nameToken === undefined) return { next: start };
      const type = this.groupTypes.get(nameToken.text);
      if (type === 'service') return { spec: { type: 'group', name: nameToken.text, token: nameToken, line }, next: start + 2 };
      if (afterSource || type === 'network' || type === 'other' || type === 'protocol') return { next: start };
      return { spec: { type: 'group', name: nameToken.text, token: nameToken, line }, next: start + 2 };
    }
    if (!['eq', 'neq', 'lt', 'gt', 'range'].includes(word)) return { next: start };
    if (!portsAllowed) {
      this.tokenProblem(line, token, t('Port conditions need tcp, udp or sctp, not this protocol.'));
      return undefined;
    }
    const count = word === 'range' ? 2 : 1;
    const values: number[] = [];
    for (let k = 1; k <= count; k++) {
      const valueToken = tokens[start + k];
      if (valueToken === undefined) {
        this.missing(line, t('a port number or name'));
        return undefined;
      }
      const value = portNumber(valueToken.text);
      if (value === undefined) {
        this.tokenProblem(line, valueToken, t('Unknown port "{0}".', valueToken.text));
        return undefined;
      }
      values.push(value);
    }
    const ranges = portRanges(word, values);
    if (ranges === undefined) {
      this.problem(line, token.start, tokens[start + count]!.end, t('This port condition matches no port.'));
      return undefined;
    }
    return { spec: { type: 'ranges', ranges }, next: start + 1 + count };
  }

  /**
   * One address operand at `start`. Netmask and wildcard pairs become one reference spanning both
   * words; `host X` a reference on the address word alone.
   */
  private parseAddress(
    line: CiscoLine,
    start: number,
    role: ReferenceRole,
    maskForm: MaskForm,
    bareHostAllowed: boolean,
  ): { spec: AddressSpec; next: number } | undefined {
    const tokens = line.tokens;
    const token = tokens[start];
    if (token === undefined) {
      this.missing(line, role === 'source' ? t('a source address') : t('a destination address'));
      return undefined;
    }
    const word = token.text.toLowerCase();
    if (word === 'any') return { spec: { type: 'any' }, next: start + 1 };
    if (word === 'any4') return { spec: { type: 'any', family: 4 }, next: start + 1 };
    if (word === 'any6') return { spec: { type: 'any', family: 6 }, next: start + 1 };
    if (word === 'object' || word === 'object-group' || word === 'interface') {
      const nameToken = tokens[start + 1];
      if (nameToken === undefined) {
        this.missing(line, t('an object name'));
        return undefined;
      }
      if (word === 'interface') return { spec: { type: 'interface', name: nameToken.text }, next: start + 2 };
      const type = this.groupTypes.get(nameToken.text);
      if (type !== undefined && type !== 'network') {
        this.tokenProblem(line, nameToken, t('{0} is not a network object; an address is expected here.', nameToken.text));
        return undefined;
      }
      return { spec: { type: 'named', name: nameToken.text, token: nameToken, line }, next: start + 2 };
    }
    if (word === 'host') {
      const addressToken = tokens[start + 1];
      if (addressToken === undefined) {
        this.missing(line, t('an address after host'));
        return undefined;
      }
      return { spec: this.hostSpec(line, addressToken, role), next: start + 2 };
    }
    const literal = this.parseLiteralAddress(line, tokens, start, role, maskForm, bareHostAllowed);
    if (literal !== undefined) {
      if (literal.member.type === 'literal') return { spec: literal.member, next: literal.next };
      return { spec: { type: 'any' }, next: literal.next };
    }
    const alias = this.names.get(token.text);
    if (alias !== undefined) {
      const maskToken = tokens[start + 1];
      this.markUse(alias.refId, role);
      if (maskToken !== undefined && looksLikeIpv4(maskToken.text)) {
        const pair = this.pairWithAlias(line, alias.interval, maskToken, maskForm);
        return { spec: { type: 'literal', refIds: [alias.refId], intervals: pair.intervals, ...pair.extra }, next: start + 2 };
      }
      return { spec: { type: 'literal', refIds: [alias.refId], intervals: [alias.interval] }, next: start + 1 };
    }
    this.tokenProblem(line, token, t('Expected an address, "any", "host", "object" or "object-group", found "{0}".', token.text));
    return undefined;
  }

  private pairWithAlias(
    line: CiscoLine,
    interval: IpInterval,
    maskToken: CiscoToken,
    maskForm: MaskForm,
  ): { intervals: IpInterval[]; extra: { unresolved?: string } } {
    const address = formatIpv4(interval.first);
    const parsed = maskForm === 'netmask' ? parseNetmaskPair(address, maskToken.text) : parseWildcardPair(address, maskToken.text);
    if (parsed.ok) return { intervals: [cidrToInterval(parsed.value)], extra: {} };
    this.tokenProblem(line, maskToken, addressErrorMessage(maskToken.text, parsed.reason));
    return { intervals: [], extra: { unresolved: addressErrorMessage(maskToken.text, parsed.reason) } };
  }

  private hostSpec(line: CiscoLine, addressToken: CiscoToken, role: ReferenceRole | undefined): AddressSpec {
    const parsed = parseIp(addressToken.text);
    if (parsed.ok) {
      const interval: IpInterval = { family: parsed.value.family, first: parsed.value.value, last: parsed.value.value };
      const refId = this.addReference(line, addressToken.start, addressToken.end, parsed.value.family === 4 ? 'ipv4' : 'ipv6', role, { interval });
      return { type: 'literal', refIds: [refId], intervals: [interval] };
    }
    const alias = this.names.get(addressToken.text);
    if (alias !== undefined) {
      if (role !== undefined) this.markUse(alias.refId, role);
      return { type: 'literal', refIds: [alias.refId], intervals: [alias.interval] };
    }
    const kind: ReferenceKind = addressToken.text.includes(':') ? 'ipv6' : 'ipv4';
    const refId = this.addReference(line, addressToken.start, addressToken.end, kind, role, { invalidReason: parsed.reason });
    if (!looksLikeIpv4(addressToken.text) && !looksLikeIpv6(addressToken.text)) {
      this.tokenProblem(line, addressToken, t('"{0}" is neither an address nor a name defined with the name command.', addressToken.text), 'warning');
    }
    return { type: 'literal', refIds: [refId], intervals: [], unresolved: addressErrorMessage(addressToken.text, parsed.reason) };
  }

  /**
   * A written address: `a.b.c.d mask`, `prefix/len`, or (where the form allows it) a bare address.
   * Returns undefined when the word does not look like an address at all, so callers can try names.
   */
  private parseLiteralAddress(
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
        const refId = this.addReference(line, token.start, token.end, 'cidr', role, { invalidReason: parsed.reason });
        return { member: { type: 'literal', refIds: [refId], intervals: [], unresolved: addressErrorMessage(text, parsed.reason) }, next: start + 1 };
      }
      const interval = cidrToInterval(parsed.value);
      const refId = this.addReference(line, token.start, token.end, 'cidr', role, { interval, ...(parsed.value.hostBitsSet ? { hostBitsSet: true } : {}) });
      return { member: { type: 'literal', refIds: [refId], intervals: [interval] }, next: start + 1 };
    }
    if (looksLikeIpv6(text) && text.includes(':')) {
      const parsed = parseIp(text);
      if (!parsed.ok) {
        const refId = this.addReference(line, token.start, token.end, 'ipv6', role, { invalidReason: parsed.reason });
        return { member: { type: 'literal', refIds: [refId], intervals: [], unresolved: addressErrorMessage(text, parsed.reason) }, next: start + 1 };
      }
      const interval: IpInterval = { family: parsed.value.family, first: parsed.value.value, last: parsed.value.value };
      const refId = this.addReference(line, token.start, token.end, 'ipv6', role, { interval });
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
        const refId = this.addReference(line, token.start, token.end, 'ipv4', role, fields);
        const message = maskForm === 'netmask' ? t('{0} needs a netmask, or write "host {0}".', text) : t('{0} needs a wildcard mask, or write "host {0}".', text);
        this.tokenProblem(line, token, message);
        return { member: { type: 'literal', refIds: [refId], intervals: [], unresolved: message }, next: start + 1 };
      }
      const parsed = parseIp(text);
      if (!parsed.ok) {
        const refId = this.addReference(line, token.start, token.end, 'ipv4', role, { invalidReason: parsed.reason });
        return { member: { type: 'literal', refIds: [refId], intervals: [], unresolved: addressErrorMessage(text, parsed.reason) }, next: start + 1 };
      }
      const interval: IpInterval = { family: 4, first: parsed.value.value, last: parsed.value.value };
      const refId = this.addReference(line, token.start, token.end, 'ipv4', role, { interval });
      return { member: { type: 'literal', refIds: [refId], intervals: [interval] }, next: start + 1 };
    }
    const kind: ReferenceKind = maskForm === 'netmask' ? 'netmask' : 'wildcard-mask';
    const parsed: AddressParseResult<Cidr> = maskForm === 'netmask' ? parseNetmaskPair(text, maskToken.text) : parseWildcardPair(text, maskToken.text);
    const pairText = this.text.slice(token.start, maskToken.end);
    if (!parsed.ok) {
      const refId = this.addReference(line, token.start, maskToken.end, kind, role, { invalidReason: parsed.reason });
      this.hintMaskForm(line, maskToken, maskForm, text);
      return { member: { type: 'literal', refIds: [refId], intervals: [], unresolved: addressErrorMessage(pairText, parsed.reason) }, next: start + 2 };
    }
    const interval = cidrToInterval(parsed.value);
    const refId = this.addReference(line, token.start, maskToken.end, kind, role, { interval, ...(parsed.value.hostBitsSet ? { hostBitsSet: true } : {}) });
    return { member: { type: 'literal', refIds: [refId], intervals: [interval] }, next: start + 2 };
  }

  /** A wildcard where a netmask belongs (or the reverse) is the commonest ACL typo; say which was meant. */
  private hintMaskForm(line: CiscoLine, maskToken: CiscoToken, maskForm: MaskForm, address: string): void {
    const otherForm = maskForm === 'netmask' ? parseWildcardPair(address, maskToken.text) : parseNetmaskPair(address, maskToken.text);
    if (!otherForm.ok) return;
    const flipped = formatIpv4(parseIpValue(maskToken.text) ^ 0xffffffffn);
    const message =
      maskForm === 'netmask'
        ? t('{0} is a wildcard mask, but this command takes a netmask; did you mean {1}?', maskToken.text, flipped)
        : t('{0} is a netmask, but IOS access lists take wildcard masks; did you mean {1}?', maskToken.text, flipped);
    this.tokenProblem(line, maskToken, message, 'warning');
  }

  private markUse(refId: number, role: ReferenceRole): void {
    const bit = role === 'source' ? 1 : role === 'destination' ? 2 : 0;
    this.referenceUse[refId] = (this.referenceUse[refId] ?? 0) | bit;
  }

  private parseObjectHeader(line: CiscoLine): void {
    const tokens = line.tokens;
    const type = lower(tokens[1]);
    const nameToken = tokens[2];
    if (type !== 'network' && type !== 'service') return;
    if (nameToken === undefined) {
      this.missing(line, t('an object name'));
      return;
    }
    const range = rangeOnLine(line, tokens[0]!.start, nameToken.end);
    if (type === 'network') {
      const def = this.networkDefs.get(nameToken.text) ?? { name: nameToken.text, kind: 'object' as const, range, members: [] };
      this.networkDefs.set(nameToken.text, def);
      this.mode = { type: 'network', def };
    } else {
      const def = this.serviceDefs.get(nameToken.text) ?? { name: nameToken.text, kind: 'service-object' as const, range, members: [] };
      this.serviceDefs.set(nameToken.text, def);
      this.mode = { type: 'service', def, protocolHint: null };
    }
  }

  private parseObjectGroupHeader(line: CiscoLine): void {
    const tokens = line.tokens;
    const header = groupHeader(line);
    if (header === undefined) {
      this.missing(line, t('an object-group type and name'));
      return;
    }
    const nameToken = header.nameToken;
    const type = header.type === 'service' ? 'service' : header.type === 'network' ? 'network' : lower(tokens[1]);
    const range = rangeOnLine(line, tokens[0]!.start, nameToken.end);
    if (type === 'network') {
      const def = this.networkDefs.get(nameToken.text) ?? { name: nameToken.text, kind: 'object-group' as const, range, members: [] };
      this.networkDefs.set(nameToken.text, def);
      this.mode = { type: 'network', def };
      return;
    }
    if (type === 'service' || type === 'protocol') {
      const kind = type === 'service' ? ('service-group' as const) : ('protocol-group' as const);
      const def = this.serviceDefs.get(nameToken.text) ?? { name: nameToken.text, kind, range, members: [] };
      this.serviceDefs.set(nameToken.text, def);
      const hintWord = lower(header.hint);
      const protocolHint = hintWord === 'tcp-udp' ? 'tcp-udp' : hintWord === 'tcp' || hintWord === 'udp' ? hintWord : null;
      this.mode = { type: 'service', def, protocolHint };
      return;
    }
    this.mode = { type: 'ignored-group' };
  }

  private parseNetworkMember(line: CiscoLine, def: NetworkGroupDef): boolean {
    const tokens = line.tokens;
    let word = lower(tokens[0]);
    let i = 0;
    if (word === 'description' || word === 'nat') return true;
    if (def.kind === 'object') {
      if (word === 'host') {
        const addressToken = tokens[1];
        if (addressToken === undefined) {
          this.missing(line, t('an address after host'));
          return true;
        }
        const spec = this.hostSpec(line, addressToken, undefined);
        if (spec.type === 'literal') def.members = [spec];
        return true;
      }
      if (word === 'subnet') {
        if (tokens[1] === undefined) {
          this.missing(line, t('a network and netmask'));
          return true;
        }
        const literal = this.parseLiteralAddress(line, tokens, 1, undefined, 'netmask', false);
        if (literal === undefined) this.tokenProblem(line, tokens[1], t('Expected a network and netmask, found "{0}".', tokens[1].text));
        else def.members = [literal.member];
        return true;
      }
      if (word === 'range') {
        const member = this.parseRangeMember(line, 1);
        if (member !== undefined) def.members = [member];
        return true;
      }
      if (word === 'fqdn') {
        let hostIndex = 1;
        const family = lower(tokens[1]);
        if (family === 'v4' || family === 'v6') hostIndex = 2;
        const hostToken = tokens[hostIndex];
        if (hostToken === undefined) {
          this.missing(line, t('a host name'));
          return true;
        }
        const host = hostToken.text.toLowerCase();
        const refId = this.addReference(line, hostToken.start, hostToken.end, 'hostname', undefined, { hostMatchers: [{ kind: 'exact', host }] });
        def.members = [{ type: 'fqdn', refId, host }];
        return true;
      }
      return line.indented;
    }
    if (word === 'network-object') {
      i = 1;
      word = lower(tokens[1]);
      if (word === '') {
        this.missing(line, t('an address'));
        return true;
      }
    }
    if (word === 'group-object' || (i === 1 && word === 'object')) {
      const nameToken = tokens[i + 1];
      if (nameToken === undefined) {
        this.missing(line, t('an object name'));
        return true;
      }
      def.members.push({ type: 'named', name: nameToken.text, token: nameToken, line });
      return true;
    }
    if (word === 'host') {
      const addressToken = tokens[i + 1];
      if (addressToken === undefined) {
        this.missing(line, t('an address after host'));
        return true;
      }
      const spec = this.hostSpec(line, addressToken, undefined);
      if (spec.type === 'literal') def.members.push(spec);
      return true;
    }
    if (word === 'range') {
      const member = this.parseRangeMember(line, i + 1);
      if (member !== undefined) def.members.push(member);
      return true;
    }
    if (word === 'any') {
      def.members.push({ type: 'literal', refIds: [], intervals: [IPV4_ANY, IPV6_ANY] });
      return true;
    }
    const first = tokens[i]!;
    const literal = this.parseLiteralAddress(line, tokens, i, undefined, 'netmask', false);
    if (literal !== undefined) {
      def.members.push(literal.member);
      return true;
    }
    if (i === 1 || line.indented) {
      const alias = this.names.get(first.text);
      if (alias !== undefined) {
        def.members.push({ type: 'literal', refIds: [alias.refId], intervals: [alias.interval] });
        return true;
      }
      this.tokenProblem(line, first, t('Expected an address, "host", "range" or "group-object", found "{0}".', first.text));
      return true;
    }
    return false;
  }

  private parseRangeMember(line: CiscoLine, index: number): NetworkMember | undefined {
    const firstToken = line.tokens[index];
    const lastToken = line.tokens[index + 1];
    if (firstToken === undefined || lastToken === undefined) {
      this.missing(line, t('a first and a last address'));
      return undefined;
    }
    const parsed = parseAddressRange(firstToken.text, lastToken.text);
    if (!parsed.ok) {
      const refId = this.addReference(line, firstToken.start, lastToken.end, 'range', undefined, { invalidReason: parsed.reason });
      return { type: 'literal', refIds: [refId], intervals: [], unresolved: addressErrorMessage(this.text.slice(firstToken.start, lastToken.end), parsed.reason) };
    }
    const refId = this.addReference(line, firstToken.start, lastToken.end, 'range', undefined, { interval: parsed.value });
    return { type: 'literal', refIds: [refId], intervals: [parsed.value] };
  }

  private parseServiceMember(line: CiscoLine, def: ServiceGroupDef, protocolHint: string | null): boolean {
    const tokens = line.tokens;
    const word = lower(tokens[0]);
    if (word === 'description') return true;
    if (word === 'group-object' || (word === 'service-object' && (lower(tokens[1]) === 'object' || lower(tokens[1]) === 'object-group'))) {
      const nameToken = word === 'group-object' ? tokens[1] : tokens[2];
      if (nameToken === undefined) {
        this.missing(line, t('an object name'));
        return true;
      }
      def.members.push({ type: 'named', name: nameToken.text, token: nameToken, line });
      return true;
    }
    if (word === 'port-object') {
      const protocols = protocolHint === 'tcp-udp' ? ['tcp', 'udp'] : protocolHint === null ? [null] : [protocolHint];
      const ports = this.parsePortSpec(line, 1, true, false);
      if (ports === undefined) return true;
      if (ports.spec === undefined || ports.spec.type !== 'ranges') {
        const at = tokens[1];
        if (at === undefined) this.missing(line, t('eq or range'));
        else this.tokenProblem(line, at, t('Expected eq or range, found "{0}".', at.text));
        return true;
      }
      for (const protocol of protocols) def.members.push({ type: 'entry', entry: { protocol, destinationPorts: ports.spec.ranges } });
      return true;
    }
    if (['eq', 'neq', 'lt', 'gt', 'range'].includes(word)) {
      // IOS XE `object-group ip port` members: ports for whatever protocol the entry names.
      const ports = this.parsePortSpec(line, 0, true, false);
      if (ports?.spec?.type === 'ranges') def.members.push({ type: 'entry', entry: { protocol: protocolHint, destinationPorts: ports.spec.ranges } });
      return true;
    }
    if (word === 'protocol-object') {
      const protocolToken = tokens[1];
      if (protocolToken === undefined) {
        this.missing(line, t('a protocol'));
        return true;
      }
      const protocol = protocolName(protocolToken.text);
      if (protocol === undefined) this.tokenProblem(line, protocolToken, t('Unknown protocol "{0}".', protocolToken.text));
      else def.members.push({ type: 'entry', entry: { protocol } });
      return true;
    }
    // ASA `service-object tcp destination eq 443`, ASA object `service tcp …`, IOS group members `tcp eq 443`.
    let start = 0;
    if (word === 'service-object' || word === 'service') start = 1;
    const protocolToken = tokens[start];
    if (protocolToken === undefined) {
      this.missing(line, t('a protocol'));
      return true;
    }
    const protocolWord = protocolToken.text.toLowerCase();
    const protocol = protocolWord === 'tcp-udp' ? 'tcp-udp' : protocolName(protocolToken.text);
    if (protocol === undefined || (start === 0 && !line.indented && protocol === null)) {
      if (start === 0 && !line.indented) return false;
      this.tokenProblem(line, protocolToken, t('Unknown protocol "{0}".', protocolToken.text));
      return true;
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
      const ports = this.parsePortSpec(line, i, portsAllowed, false);
      if (ports === undefined) return true;
      if (ports.spec === undefined || ports.spec.type !== 'ranges') {
        if (protocol === 'icmp' || protocol === 'icmp6') break;
        const at = tokens[i];
        if (at === undefined) this.missing(line, t('eq, lt, gt, neq or range'));
        else this.tokenProblem(line, at, t('Expected eq, lt, gt, neq or range, found "{0}".', at.text));
        return true;
      }
      if (side === 'source') entry.sourcePorts = ports.spec.ranges;
      else entry.destinationPorts = ports.spec.ranges;
      i = ports.next;
    }
    const entries: ServiceEntry[] = protocol === 'tcp-udp' ? [entry, { ...entry, protocol: 'udp' }] : [entry];
    if (def.kind === 'service-object') def.members = entries.map((e) => ({ type: 'entry' as const, entry: e }));
    else for (const e of entries) def.members.push({ type: 'entry', entry: e });
    return true;
  }

  private parseInterfaceLine(line: CiscoLine, state: InterfaceState): boolean {
    const tokens = line.tokens;
    const a = lower(tokens[0]);
    const b = lower(tokens[1]);
    if (a === 'nameif' && tokens[1] !== undefined) {
      state.nameif = tokens[1].text;
      return true;
    }
    if (a === 'description') {
      const last = tokens[tokens.length - 1]!;
      if (tokens[1] !== undefined) state.description = this.text.slice(tokens[1].start, last.end);
      return true;
    }
    if ((a === 'ip' && b === 'access-group') || (a === 'ipv6' && b === 'traffic-filter')) {
      const aclToken = tokens[2];
      const direction = lower(tokens[3]);
      if (aclToken === undefined || (direction !== 'in' && direction !== 'out')) {
        this.missing(line, t('an access list name and in or out'));
        return true;
      }
      const binding: PendingBinding = { acl: aclToken.text, aclToken, line, direction, families: a === 'ip' ? 'ip' : 'ipv6', interfaceState: state };
      this.bindings.push(binding);
      return true;
    }
    if ((a === 'ip' || a === 'ipv6') && b === 'address') {
      // The interface's own address: hover and lookups want it, rules never match on it.
      if (tokens[2] !== undefined && lower(tokens[2]) !== 'dhcp' && lower(tokens[2]) !== 'autoconfig') {
        const first = this.references.length;
        this.parseLiteralAddress(line, tokens, 2, 'other', 'netmask', true);
        // An interface address is a host inside its subnet by design, not a mistyped network.
        for (let id = first; id < this.references.length; id++) delete this.references[id]!.hostBitsSet;
      }
      return true;
    }
    if (a === 'ip' && (b === 'access-list' || b === 'route')) {
      if (line.indented) this.parseOtherAddresses(line);
      return line.indented;
    }
    if (line.indented) {
      if (a !== 'description') this.parseOtherAddresses(line);
      return true;
    }
    return ['security-level', 'shutdown', 'no', 'ipv6', 'speed', 'duplex', 'mtu', 'switchport', 'vlan', 'standby', 'encapsulation'].includes(a) && !(a === 'ipv6' && b === 'access-list');
  }

  private parseAccessClass(line: CiscoLine, lineName: string): void {
    const tokens = line.tokens;
    const offset = lower(tokens[0]) === 'ipv6' ? 1 : 0;
    if (lower(tokens[offset]) !== 'access-class') return;
    const aclToken = tokens[offset + 1];
    const direction = lower(tokens[offset + 2]);
    if (aclToken === undefined || (direction !== 'in' && direction !== 'out')) {
      this.missing(line, t('an access list name and in or out'));
      return;
    }
    this.bindings.push({ acl: aclToken.text, aclToken, line, direction, families: offset === 1 ? 'ipv6' : 'ip', interfaceName: lineName, management: true });
  }

  /** ASA `access-group NAME in|out interface IF [control-plane]` and `access-group NAME global`. */
  private parseAccessGroup(line: CiscoLine): void {
    const tokens = line.tokens;
    const aclToken = tokens[1];
    const direction = lower(tokens[2]);
    if (aclToken === undefined || direction === '') {
      this.missing(line, t('an access list name and in, out or global'));
      return;
    }
    if (direction === 'global') {
      this.bindings.push({ acl: aclToken.text, aclToken, line, direction: 'global', families: 'both' });
      return;
    }
    if (direction !== 'in' && direction !== 'out') {
      this.tokenProblem(line, tokens[2]!, t('Expected in, out or global, found "{0}".', tokens[2]!.text));
      return;
    }
    if (lower(tokens[3]) !== 'interface' || tokens[4] === undefined) {
      this.missing(line, t('interface and an interface name'));
      return;
    }
    const binding: PendingBinding = { acl: aclToken.text, aclToken, line, direction, families: 'both', interfaceName: tokens[4].text };
    if (lower(tokens[5]) === 'control-plane') binding.management = true;
    this.bindings.push(binding);
  }

  /** Once per place: a group resolved again from another rule meets the bound at the same member. */
  private groupDepthLimit(line: CiscoLine | undefined, token: CiscoToken | undefined): void {
    if (line === undefined || token === undefined) return;
    const range = rangeOnLine(line, token.start, token.end);
    if (this.limits.some((l) => l.kind === 'object-group-depth' && l.range.start.line === range.start.line)) return;
    this.limits.push({ kind: 'object-group-depth', range, found: MAX_OBJECT_GROUP_DEPTH + 1, limit: MAX_OBJECT_GROUP_DEPTH });
  }

  private resolveNetwork(name: string, depth: number, useLine?: CiscoLine, useToken?: CiscoToken): ResolvedNetwork {
    const cached = this.resolvedNetworks.get(name);
    if (cached === 'visiting') {
      if (useLine !== undefined && useToken !== undefined) {
        this.tokenProblem(useLine, useToken, t('Object-group {0} contains itself through nested groups.', name));
      }
      return { intervals: [], refIds: [], unresolved: t('object-group {0} contains itself', name) };
    }
    if (cached !== undefined) return cached;
    const def = this.networkDefs.get(name);
    if (def === undefined) {
      if (useLine !== undefined && useToken !== undefined) {
        this.tokenProblem(useLine, useToken, t('Object {0} is not defined in this file.', name), 'warning');
      }
      return { intervals: [], refIds: [], unresolved: t('object {0} is not defined in this file', name) };
    }
    if (depth >= MAX_OBJECT_GROUP_DEPTH) {
      this.groupDepthLimit(useLine, useToken);
      return { intervals: [], refIds: [], unresolved: t('object-group {0} is nested too deeply', name) };
    }
    this.resolvedNetworks.set(name, 'visiting');
    const intervals: IpInterval[] = [];
    const refIds: number[] = [];
    const reasons: string[] = [];
    for (const member of def.members) {
      if (member.type === 'literal') {
        for (const iv of member.intervals) intervals.push(iv);
        for (const id of member.refIds) refIds.push(id);
        if (member.unresolved !== undefined) reasons.push(member.unresolved);
      } else if (member.type === 'fqdn') {
        refIds.push(member.refId);
        reasons.push(t('{0} is an FQDN object; the device resolves it at run time', member.host));
      } else {
        const nested = this.resolveNetwork(member.name, depth + 1, member.line, member.token);
        for (const iv of nested.intervals) intervals.push(iv);
        for (const id of nested.refIds) refIds.push(id);
        if (nested.unresolved !== undefined) reasons.push(nested.unresolved);
      }
    }
    const resolved: ResolvedNetwork = { intervals: mergeIntervals(intervals), refIds: [...new Set(refIds)].sort((x, y) => x - y) };
    if (reasons.length > 0) resolved.unresolved = [...new Set(reasons)].join('; ');
    this.resolvedNetworks.set(name, resolved);
    return resolved;
  }

  private resolveService(name: string, depth: number, useLine?: CiscoLine, useToken?: CiscoToken): ResolvedService {
    const cached = this.resolvedServices.get(name);
    if (cached === 'visiting') {
      if (useLine !== undefined && useToken !== undefined) {
        this.tokenProblem(useLine, useToken, t('Object-group {0} contains itself through nested groups.', name));
      }
      return { entries: [], unresolved: t('object-group {0} contains itself', name) };
    }
    if (cached !== undefined) return cached;
    const def = this.serviceDefs.get(name);
    if (def !== undefined && depth >= MAX_OBJECT_GROUP_DEPTH) {
      this.groupDepthLimit(useLine, useToken);
      return { entries: [], unresolved: t('object-group {0} is nested too deeply', name) };
    }
    if (def === undefined) {
      if (useLine !== undefined && useToken !== undefined) {
        this.tokenProblem(useLine, useToken, t('Object {0} is not defined in this file.', name), 'warning');
      }
      return { entries: [], unresolved: t('object {0} is not defined in this file', name) };
    }
    this.resolvedServices.set(name, 'visiting');
    const entries: ServiceEntry[] = [];
    const reasons: string[] = [];
    for (const member of def.members) {
      if (member.type === 'entry') entries.push(member.entry);
      else {
        const nested = this.resolveService(member.name, depth + 1, member.line, member.token);
        for (const entry of nested.entries) entries.push(entry);
        if (nested.unresolved !== undefined) reasons.push(nested.unresolved);
      }
    }
    const resolved: ResolvedService = { entries };
    if (reasons.length > 0) resolved.unresolved = [...new Set(reasons)].join('; ');
    this.resolvedServices.set(name, resolved);
    return resolved;
  }

  /** Marks every member reference of a group (nested ones too) as used in a role, each group at most once per role. */
  private markGroupUse(name: string, role: 'source' | 'destination', depth: number): void {
    const bit = role === 'source' ? 1 : 2;
    const marks = this.groupUseMarks.get(name) ?? 0;
    if ((marks & bit) !== 0 || depth >= MAX_OBJECT_GROUP_DEPTH) return;
    this.groupUseMarks.set(name, marks | bit);
    const def = this.networkDefs.get(name);
    if (def === undefined) return;
    for (const member of def.members) {
      if (member.type === 'literal') for (const id of member.refIds) this.markUse(id, role);
      else if (member.type === 'fqdn') this.markUse(member.refId, role);
      else this.markGroupUse(member.name, role, depth + 1);
    }
  }

  private addressMatch(spec: AddressSpec, role: 'source' | 'destination'): { match: AddressMatch | undefined; families: Set<4 | 6> } {
    switch (spec.type) {
      case 'any':
        if (spec.family === undefined) return { match: undefined, families: new Set([4, 6]) };
        return {
          match: { referenceIds: [], intervals: [spec.family === 4 ? IPV4_ANY : IPV6_ANY], negated: false },
          families: new Set([spec.family]),
        };
      case 'literal': {
        for (const id of spec.refIds) this.markUse(id, role);
        const match: AddressMatch = { referenceIds: spec.refIds, intervals: spec.intervals, negated: false };
        if (spec.unresolved !== undefined) match.unresolved = spec.unresolved;
        return { match, families: familiesOf(spec.intervals, spec.unresolved !== undefined) };
      }
      case 'named': {
        const resolved = this.resolveNetwork(spec.name, 0, spec.line, spec.token);
        this.markGroupUse(spec.name, role, 0);
        const match: AddressMatch = { referenceIds: resolved.refIds, intervals: resolved.intervals, negated: false };
        if (resolved.unresolved !== undefined) match.unresolved = resolved.unresolved;
        resolved.families ??= familiesOf(resolved.intervals, resolved.unresolved !== undefined);
        return { match, families: resolved.families };
      }
      case 'interface':
        return {
          match: { referenceIds: [], intervals: [], negated: false, unresolved: t('the address of interface {0} is known only to the device', spec.name) },
          families: new Set([4, 6]),
        };
    }
  }

  private portRangesOf(spec: PortSpec | undefined): { ranges?: PortRange[]; unresolved?: string } {
    if (spec === undefined) return {};
    if (spec.type === 'ranges') return { ranges: spec.ranges };
    const resolved = this.resolveService(spec.name, 0, spec.line, spec.token);
    const ranges: PortRange[] = [];
    for (const entry of resolved.entries) for (const r of entry.destinationPorts ?? []) ranges.push(r);
    const result: { ranges?: PortRange[]; unresolved?: string } = { ranges: mergePorts(ranges) };
    if (resolved.unresolved !== undefined) result.unresolved = resolved.unresolved;
    return result;
  }

  private buildList(state: AclState): RuleList {
    const drafts = state.sequenced ? state.drafts.filter((d) => d.removed !== true).sort((a, b) => a.sequence - b.sequence) : applyInsertions(state.drafts);
    const rules: Rule[] = [];
    const families = new Set<4 | 6>();
    for (const draft of drafts) {
      for (const [side, spec] of [['source', draft.source], ['destination', draft.destination]] as const) {
        if (spec.type !== 'named') continue;
        const uses = this.groupUses.get(spec.name) ?? [];
        uses.push({ listId: state.acl.listId, line: draft.line.line, side, accept: draft.accept });
        this.groupUses.set(spec.name, uses);
      }
      const source = this.addressMatch(draft.source, 'source');
      const destination = this.addressMatch(draft.destination, 'destination');
      const sourcePorts = this.portRangesOf(draft.sourcePorts);
      const destinationPorts = this.portRangesOf(draft.destinationPorts);
      for (const f of source.families) if (destination.families.has(f)) families.add(f);
      const base: Rule = {
        range: this.lineRange(draft.line),
        actionRange: rangeOnLine(draft.line, draft.actionToken.start, draft.actionToken.end),
        action: draft.accept ? { type: 'accept' } : { type: 'drop' },
        text: draft.text,
      };
      if (source.match !== undefined) base.sources = source.match;
      if (destination.match !== undefined) base.destinations = destination.match;
      if (draft.comment !== undefined) base.comment = draft.comment;
      const unknown = [...draft.unknownConditions];
      if (sourcePorts.unresolved !== undefined) unknown.push(sourcePorts.unresolved);
      if (destinationPorts.unresolved !== undefined) unknown.push(destinationPorts.unresolved);
      for (const combination of this.serviceCombinations(draft.protocol, sourcePorts.ranges, destinationPorts.ranges, unknown)) {
        const rule: Rule = { ...base };
        if (combination.protocol !== null) rule.protocols = [combination.protocol];
        if (combination.sourcePorts !== undefined) rule.sourcePorts = combination.sourcePorts;
        if (combination.destinationPorts !== undefined) rule.destinationPorts = combination.destinationPorts;
        if (combination.unknown.length > 0) rule.unknownConditions = combination.unknown;
        rules.push(rule);
      }
    }
    const list: RuleList = {
      id: state.acl.listId,
      name: state.acl.form === 'ipv6' ? t('IPv6 access list {0}', state.acl.name) : t('access list {0}', state.acl.name),
      kind: 'packet-filter',
      rules,
      defaultAction: 'drop',
      range: state.headerRange,
    };
    if (state.acl.form === 'ipv6') list.families = [6];
    else if (state.acl.form === 'ios-named' || state.acl.form === 'ios-numbered' || this.legacyAsa) list.families = [4];
    else if (families.size === 1) list.families = [...families];
    return list;
  }

  /**
   * A service group in the protocol position stands for several protocol/port combinations; each
   * becomes its own rule (same line, same range) so first-match order is kept exactly. Entries with
   * the same protocol and source ports are joined.
   */
  private serviceCombinations(
    protocol: ProtocolSpec,
    sourcePorts: PortRange[] | undefined,
    destinationPorts: PortRange[] | undefined,
    unknown: string[],
  ): Array<{ protocol: string | null; sourcePorts?: PortRange[]; destinationPorts?: PortRange[]; unknown: string[] }> {
    if (protocol.type === 'protocol') {
      const one: { protocol: string | null; sourcePorts?: PortRange[]; destinationPorts?: PortRange[]; unknown: string[] } = { protocol: protocol.protocol, unknown };
      if (sourcePorts !== undefined) one.sourcePorts = sourcePorts;
      if (destinationPorts !== undefined) one.destinationPorts = destinationPorts;
      return [one];
    }
    const resolved = this.resolveService(protocol.name, 0, protocol.line, protocol.token);
    const extraUnknown = resolved.unresolved !== undefined ? [...unknown, resolved.unresolved] : unknown;
    if (resolved.entries.length === 0) return [{ protocol: null, unknown: extraUnknown.length > 0 ? extraUnknown : [t('service object {0} has no entries', protocol.name)] }];
    const joined = new Map<string, { protocol: string | null; sourcePorts?: PortRange[]; destinationPorts?: PortRange[]; unknown: string[] }>();
    for (const entry of resolved.entries) {
      const entrySource = entry.sourcePorts ?? sourcePorts;
      const entryDestination = entry.destinationPorts ?? destinationPorts;
      const key = `${entry.protocol ?? '*'}|${entrySource === undefined ? '*' : JSON.stringify(entrySource)}`;
      const existing = joined.get(key);
      if (existing !== undefined) {
        if (existing.destinationPorts === undefined || entryDestination === undefined) delete existing.destinationPorts;
        else existing.destinationPorts = mergePorts([...existing.destinationPorts, ...entryDestination]);
        continue;
      }
      const combination: { protocol: string | null; sourcePorts?: PortRange[]; destinationPorts?: PortRange[]; unknown: string[] } = {
        protocol: entry.protocol,
        unknown: extraUnknown,
      };
      if (entrySource !== undefined) combination.sourcePorts = entrySource;
      if (entryDestination !== undefined) combination.destinationPorts = entryDestination;
      joined.set(key, combination);
    }
    return [...joined.values()];
  }

  /**
   * One path per binding. On ASA an interface's `in` list is read with the global list after it
   * (what neither matches meets the implicit deny), and the global list alone filters traffic
   * entering an interface without an `in` list. A list bound nowhere is evaluated on its own and
   * named as not bound, unless another command uses it to select routes, VPN or NAT traffic.
   */
  private buildPaths(lists: readonly RuleList[]): EvaluationPath[] {
    const paths: EvaluationPath[] = [];
    const bound = new Set<string>();
    const byId = new Map(lists.map((l) => [l.id, l]));
    const targetsOf = (binding: PendingBinding): string[] => {
      const candidates: string[] = [];
      if (binding.families !== 'ipv6') candidates.push(`ACL ${binding.acl}`);
      if (binding.families !== 'ip') candidates.push(`IPv6 ACL ${binding.acl}`);
      return candidates.filter((id) => byId.has(id));
    };
    const resolved = this.bindings.map((binding) => ({ binding, targets: targetsOf(binding) }));
    const globals = resolved.filter((r) => r.binding.direction === 'global' && r.targets.length > 0);
    const globalOf = (listId: string): { listId: string; binding: PendingBinding } | undefined => {
      const family = listId.startsWith('IPv6 ') ? 'IPv6 ' : '';
      for (const g of globals) {
        const match = g.targets.find((id) => (id.startsWith('IPv6 ') ? 'IPv6 ' : '') === family);
        if (match !== undefined) return { listId: match, binding: g.binding };
      }
      return undefined;
    };
    const filtered = new Set<string>();
    for (const { binding, targets } of resolved) {
      if (targets.length === 0) {
        this.undefinedBinding(binding);
        continue;
      }
      for (const listId of targets) bound.add(listId);
      // Traffic to the device itself (vty logins, ASA control plane) is never a Microsoft 365 flow.
      if (binding.management || binding.direction === 'global') continue;
      const iface = binding.interfaceState;
      const interfaceName = iface?.nameif ?? iface?.name ?? binding.interfaceName;
      if (binding.direction === 'in' && interfaceName !== undefined) filtered.add(interfaceName);
      const direction = directionOf([iface?.nameif, iface?.name ?? binding.interfaceName, iface?.description], binding.direction);
      for (const listId of targets) {
        const global = binding.direction === 'in' ? globalOf(listId) : undefined;
        const name = global
          ? t('ACL {0} on {1} in, then ACL {2} global', binding.acl, interfaceName ?? '', global.binding.acl)
          : t('ACL {0} on {1} {2}', binding.acl, interfaceName ?? '', binding.direction);
        paths.push({
          id: `${listId} @${binding.line.line + 1}`,
          name: targets.length > 1 && listId.startsWith('IPv6') ? `${name} (IPv6)` : name,
          direction,
          stages: global ? [listId, global.listId] : [listId],
          ...(global ? { stageOrder: 'first-match' as const } : {}),
          range: this.lineRange(binding.line),
        });
      }
    }
    for (const { binding, targets } of globals) paths.push(...this.globalPaths(binding, targets, filtered));
    for (const list of lists) {
      if (bound.has(list.id)) continue;
      // A list that only selects routes, VPN or NAT traffic filters nothing; a list with no use in
      // this file may be bound elsewhere, so it is evaluated on its own.
      const aclName = list.id.replace(/^(IPv6 )?ACL /, '');
      if (this.otherUses.has(aclName)) continue;
      list.name = list.id.startsWith('IPv6 ') ? t('IPv6 access list {0} (not bound to an interface)', aclName) : t('access list {0} (not bound to an interface)', aclName);
      paths.push({ id: list.id, name: t('ACL {0} (not bound to an interface)', aclName), stages: [list.id], range: list.range });
    }
    return paths;
  }

  /**
   * The global list on its own: for each named interface without an `in` list, in the direction
   * its name says; once, as forwarded traffic, when the file declares no named interfaces.
   */
  private globalPaths(binding: PendingBinding, targets: readonly string[], filtered: ReadonlySet<string>): EvaluationPath[] {
    const named = this.interfaces.filter((i) => i.nameif !== undefined);
    const open = named.filter((i) => !filtered.has(i.nameif!));
    const range = this.lineRange(binding.line);
    const paths: EvaluationPath[] = [];
    for (const listId of targets) {
      const suffix = targets.length > 1 && listId.startsWith('IPv6') ? ' (IPv6)' : '';
      if (named.length === 0) {
        paths.push({ id: `${listId} @${binding.line.line + 1}`, name: t('ACL {0} global', binding.acl) + suffix, direction: 'forward', stages: [listId], range });
        continue;
      }
      for (const iface of open) {
        paths.push({
          id: `${listId} @${binding.line.line + 1} ${iface.nameif!}`,
          name: t('ACL {0} global, on {1} in', binding.acl, iface.nameif!) + suffix,
          direction: directionOf([iface.nameif, iface.name, iface.description], 'in'),
          stages: [listId],
          range,
        });
      }
    }
    return paths;
  }

  /**
   * A binding of a list the file does not define. IOS accepts it and filters nothing there until
   * the list exists; ASA refuses the command.
   */
  private undefinedBinding(binding: PendingBinding): void {
    const token = binding.aclToken;
    if (this.platform !== 'ios') {
      this.tokenProblem(binding.line, token, t('Access list {0} is not defined in this file.', binding.acl), 'warning');
      return;
    }
    const command = binding.management ? 'access-class' : binding.families === 'ipv6' ? 'ipv6 traffic-filter' : 'ip access-group';
    this.undefinedFilters.push({
      range: rangeOnLine(binding.line, token.start, token.end),
      message: t('Access list {0} is not defined in this file. IOS accepts {1} with it anyway and permits all traffic here until the list exists.', binding.acl, command),
    });
  }
}

/**
 * Final order of entries that were each inserted at a position of the list as it was then (ASA
 * `access-list NAME line N`; appends insert at the end). Placed from the last insertion back,
 * each entry takes the free slot its position names, found in a Fenwick tree, so a file of many
 * `line 1` commands stays O(n log n) instead of shifting the array each time.
 */
function applyInsertions(drafts: readonly RuleDraft[]): RuleDraft[] {
  const n = drafts.length;
  const tree = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    tree[i]! += 1;
    const parent = i + (i & -i);
    if (parent <= n) tree[parent]! += tree[i]!;
  }
  let top = 1;
  while (top * 2 <= n) top *= 2;
  const out = new Array<RuleDraft>(n);
  for (let k = n - 1; k >= 0; k--) {
    const draft = drafts[k]!;
    // The (position + 1)-th free slot, by binary lifting over the tree.
    let remaining = draft.sequence + 1;
    let slot = 0;
    for (let step = top; step > 0; step >>= 1) {
      const next = slot + step;
      if (next <= n && tree[next]! < remaining) {
        slot = next;
        remaining -= tree[next]!;
      }
    }
    out[slot] = draft;
    for (let i = slot + 1; i <= n; i += i & -i) tree[i]! -= 1;
  }
  return out;
}

/** The numbers a sequenced list holds on the device: its live entries and its numbered remarks, in order. */
function sequencesOf(state: AclState): Array<{ line: number; sequence: number }> {
  const entries = [...state.live.values()].map((d) => ({ line: d.line.line, sequence: d.sequence }));
  return [...entries, ...state.numberedRemarks].sort((a, b) => a.sequence - b.sequence);
}

function isStandardNumber(n: number): boolean {
  return (n >= 1 && n <= 99) || (n >= 1300 && n <= 1999);
}

function isExtendedNumber(n: number): boolean {
  return (n >= 100 && n <= 199) || (n >= 2000 && n <= 2699);
}

function familiesOf(intervals: readonly IpInterval[], unresolved: boolean): Set<4 | 6> {
  const families = new Set<4 | 6>();
  for (const iv of intervals) families.add(iv.family);
  if (unresolved || families.size === 0) return new Set([4, 6]);
  return families;
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


function parseIpValue(text: string): bigint {
  let value = 0n;
  for (const part of text.split('.')) value = (value << 8n) | BigInt(Number(part) & 0xff);
  return value;
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
}

/** Parses a Cisco ASA or IOS configuration (whole file or fragment). Never throws on user text. */
export function parseCisco(text: string): Parsed<CiscoVendor> {
  try {
    return new CiscoParser(text).parse();
  } catch (error) {
    return { vendor: { platform: 'asa', networkGroups: [], acls: [], bindings: [] }, model: parserFailureModel('cisco', 'Cisco ASA/IOS', error) };
  }
}
