import type { IpInterval } from '../../model/address';
import type { AnalysisLimit, Comment, PortRange, Reference, SyntaxProblem } from '../../model/config';
import type { Range } from '../../model/range';
import type { CiscoLine, CiscoToken } from './lexer';

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

/** What placement and the renderer read: the lists, groups and bindings as conversion resolved them. */
export interface CiscoVendor {
  platform: CiscoPlatform;
  hostname?: string;
  networkGroups: CiscoNetworkGroup[];
  acls: CiscoAcl[];
  bindings: CiscoBinding[];
}

export type MaskForm = 'netmask' | 'wildcard';

/** A name written in an entry or a group, with where it stands for problems about it. */
export interface NameUse {
  name: string;
  token: CiscoToken;
  line: CiscoLine;
}

/** Addresses written out; `refIds` index the references, `unresolved` says why they are not all known. */
export interface LiteralAddresses {
  type: 'literal';
  refIds: number[];
  intervals: IpInterval[];
  unresolved?: string;
}

export type AddressSpec =
  | { type: 'any'; family?: 4 | 6 }
  | LiteralAddresses
  | ({ type: 'named' } & NameUse)
  | { type: 'interface'; name: string };

export type PortSpec = { type: 'ranges'; ranges: PortRange[] } | ({ type: 'group' } & NameUse);

export type ProtocolSpec = { type: 'protocol'; protocol: string | null } | ({ type: 'group' } & NameUse);

/** One permit or deny entry of an access list, with its operands as written. */
export interface AclEntry {
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

/** An access list (`access-list NAME …` lines, an `ip access-list` block or an IPv6 list) as it is read. */
export interface AccessList {
  acl: CiscoAcl;
  headerRange: Range;
  entries: AclEntry[];
  /** Remarks waiting for the entry they describe. */
  remarks: string[];
  /** IOS named lists keep entries ordered by sequence number. */
  sequenced: boolean;
  nextSequence: number;
  /** Entries by sequence number, so duplicates and `no N` are found without scanning the list. */
  live: Map<number, AclEntry>;
  /** Remarks written with a sequence number, which takes that number on the device too. */
  numberedRemarks: Array<{ line: number; sequence: number }>;
}

/** One member of a network object or object-group. */
export type NetworkMember = LiteralAddresses | ({ type: 'named' } & NameUse) | { type: 'fqdn'; refId: number; host: string };

export interface NetworkObject {
  name: string;
  kind: 'object' | 'object-group';
  range: Range;
  members: NetworkMember[];
  lastMemberLine?: number;
}

/** One protocol/port combination a service object or service group stands for. */
export interface ServiceEntry {
  /** null = any protocol. */
  protocol: string | null;
  sourcePorts?: PortRange[];
  destinationPorts?: PortRange[];
}

export type ServiceMember = { type: 'entry'; entry: ServiceEntry } | ({ type: 'named' } & NameUse);

export interface ServiceObject {
  name: string;
  kind: 'service-object' | 'service-group' | 'protocol-group';
  range: Range;
  members: ServiceMember[];
}

export interface CiscoInterface {
  name: string;
  nameif?: string;
  description?: string;
}

/** `access-group`, `ip access-group`, `ipv6 traffic-filter` or `access-class`: a list applied somewhere. */
export interface AclBinding {
  acl: string;
  aclToken: CiscoToken;
  line: CiscoLine;
  direction: 'in' | 'out' | 'global';
  /** Which lists the command binds: ASA access-group binds any list of that name. */
  families: 'ip' | 'ipv6' | 'both';
  interfaceState?: CiscoInterface;
  interfaceName?: string;
  /** `line vty` access-class: traffic to the device itself. */
  management?: boolean;
}

/** The configuration as the grammar read it, in Cisco's own terms; convert.ts turns it into the common model. */
export interface CiscoConfig {
  platform: CiscoPlatform;
  /** ASA releases before 9.0 keep IPv4 and IPv6 in separate lists; `access-list` then matches IPv4 only. */
  legacyAsa: boolean;
  hostname?: string;
  /** By list id (`ACL NAME`, `IPv6 ACL NAME`), in the order the file first names them. */
  accessLists: Map<string, AccessList>;
  networkObjects: Map<string, NetworkObject>;
  serviceObjects: Map<string, ServiceObject>;
  /** Every `interface` block, for the ones an ASA global list is the only filter of. */
  interfaces: CiscoInterface[];
  bindings: AclBinding[];
  /** ACL name → the commands that use it for something other than an interface filter. */
  otherUses: Map<string, string[]>;
}

/** What the grammar hands to conversion: the configuration and what reading it found. */
export interface CiscoRead {
  config: CiscoConfig;
  lines: readonly CiscoLine[];
  references: Reference[];
  /** Bit 1: used as a source, bit 2: as a destination; decides the role of object members. */
  referenceUse: number[];
  /** The role of the reference was fixed where it was written. */
  roleDecided: boolean[];
  problems: SyntaxProblem[];
  comments: Comment[];
  limits: AnalysisLimit[];
}
