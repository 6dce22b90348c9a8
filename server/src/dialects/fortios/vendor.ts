import type { PortRange } from '../../model/config';
import type { Range } from '../../model/range';
import type { ConfigBlock } from './tree';

/** One name of a list setting as written (`"port1"`, `"all"`, `"M365-Teams"`), with where it stands. */
export interface Member {
  name: string;
  range: Range;
}

/** The value of an address object; `refId` indexes the model's references. */
export type AddressValue =
  | { type: 'ipmask' | 'iprange'; refId: number }
  | { type: 'fqdn'; refId: number; host: string }
  | { type: 'wildcard-fqdn'; refId: number; pattern: string }
  /** geography, dynamic, interface-subnet, mac, …: the firewall works them out at run time. */
  | { type: 'other'; kind: string };

export interface FortiAddress {
  name: string;
  family: 4 | 6;
  range: Range;
  value?: AddressValue;
  comment?: string;
}

export interface FortiAddressGroup {
  name: string;
  family: 4 | 6;
  range: Range;
  members: Member[];
  /** `set exclude enable` with `set exclude-member …`: addresses taken out of the members. */
  exclude: Member[];
}

export interface ServicePorts {
  protocol: 'tcp' | 'udp' | 'sctp';
  ports: PortRange[];
  /** `443:1024-65535`: the source ports after the colon. */
  sourcePorts?: PortRange[];
}

export interface FortiService {
  name: string;
  range: Range;
  /** TCP/UDP/SCTP (the default), ICMP, ICMP6, IP. */
  protocol: string;
  ports: ServicePorts[];
  /** `set protocol IP` with `set protocol-number N` (0: every protocol). */
  protocolNumber?: number;
  /** `set iprange`/`set fqdn` on a service: it also limits the destination. */
  destinationLimit?: string;
}

export interface FortiServiceGroup {
  name: string;
  range: Range;
  members: Member[];
}

/** `config system interface` entry: its role and the VDOM it belongs to. */
export interface FortiInterface {
  name: string;
  range: Range;
  role?: string;
  vdom?: string;
}

/** `config system zone`: interfaces that policies name together. */
export interface FortiZone {
  name: string;
  range: Range;
  interfaces: Member[];
}

/** One firewall policy with every field the evaluation reads. */
export interface FortiPolicy {
  /** `edit N`: the policy id the CLI and `move` use. */
  id: string;
  idRange: Range;
  name?: string;
  range: Range;
  lines: number[];
  srcintf: Member[];
  dstintf: Member[];
  srcaddr: Member[];
  dstaddr: Member[];
  srcaddr6: Member[];
  dstaddr6: Member[];
  srcaddrNegate: boolean;
  dstaddrNegate: boolean;
  service: Member[];
  serviceNegate: boolean;
  action: string;
  actionRange: Range;
  /** `set status disable`: the policy is skipped. */
  disabled: boolean;
  schedule?: string;
  /** `set internet-service enable` with `internet-service-name` (or the older `internet-service-id`). */
  internetService: Member[];
  internetServiceGroups: Member[];
  internetServiceCustom: Member[];
  users: Member[];
  groups: Member[];
  sslSshProfile?: Member;
  /** `set utm-status enable`: the security profiles, the SSL/SSH inspection profile among them, apply. */
  utm: boolean;
  comments?: string;
  /** From `config firewall policy6` (FortiOS 6.x and earlier): every address is IPv6. */
  ipv6Table: boolean;
}

/** `config firewall ssl-ssh-profile` entry: how HTTPS is inspected and what is exempt. */
export interface FortiSslProfile {
  name: string;
  range: Range;
  /** `set inspect-all deep-inspection` (or `status deep-inspection`) under `config https` or `config ssl`. */
  deep: boolean;
  /** Where deep inspection is switched on. */
  deepRange?: Range;
  /** `config ssl` `set inspect-all deep-inspection`: every TCP port; otherwise only `httpsPorts`. */
  inspectAll: boolean;
  /** `config https` `set ports …` (443 unless written). */
  httpsPorts: PortRange[];
  exemptions: FortiSslExemption[];
}

export interface FortiSslExemption {
  id: string;
  range: Range;
  /** fqdn-category, address, address6, wildcard-fqdn, finance (the category) and others as written. */
  type: string;
  /** The object or category names the exemption refers to. */
  names: Member[];
}

/** One VDOM's objects and policies (the whole file when it has no VDOMs). */
export interface FortiScope {
  /** `root`, a VDOM name, or '' for a file without VDOMs. */
  vdom: string;
  addresses: Map<string, FortiAddress>;
  addressGroups: Map<string, FortiAddressGroup>;
  services: Map<string, FortiService>;
  serviceGroups: Map<string, FortiServiceGroup>;
  zones: Map<string, FortiZone>;
  sslProfiles: Map<string, FortiSslProfile>;
  /** In the device's order after every `move`. */
  policies: FortiPolicy[];
  /** The `config firewall policy` blocks, for placement. */
  policyTables: ConfigBlock[];
}

/** What the FortiOS parser knows beyond the common model; only this dialect reads it. */
export interface FortiVendor {
  scopes: FortiScope[];
  interfaces: Map<string, FortiInterface>;
  hasVdoms: boolean;
  /** The file ends inside a `config` block or an entry (a cut-off export). */
  openAtEnd: boolean;
}

