import type { PortRange } from '../../model/config';
import type { Range } from '../../model/range';
import type { Container, JunosForm } from './statements';

/** A name as written in a list (`trust`, `O365-Exchange`, `junos-https`), with where it stands. */
export interface Member {
  name: string;
  range: Range;
}

/** An address-book entry's value; `refId` indexes the model's references. */
export type AddressValue =
  | { kind: 'prefix' | 'range-address'; refId: number }
  /** `wildcard-address 10.0.0.5/255.0.255.255`: the runs it matches when they are few enough. */
  | { kind: 'wildcard-address'; refId: number }
  | { kind: 'dns-name'; refId: number; host: string };

export interface JunosAddress {
  name: string;
  range: Range;
  value?: AddressValue;
  description?: string;
}

export interface JunosAddressSet {
  name: string;
  range: Range;
  /** `address NAME` members. */
  addresses: Member[];
  /** `address-set NAME` members (nested sets). */
  sets: Member[];
}

/**
 * An address book: `global`, one attached to zones (`attach zone`), or a zone's own legacy book
 * (`security zones security-zone Z address-book`).
 */
export interface AddressBook {
  name: string;
  /** The zones whose policies look names up here; empty for the global book. */
  zones: string[];
  global: boolean;
  legacyZone?: string;
  addresses: Map<string, JunosAddress>;
  sets: Map<string, JunosAddressSet>;
}

/** One term of an application: a protocol and its ports (an application without terms has one). */
export interface ApplicationTerm {
  name?: string;
  protocol?: string;
  destinationPorts: PortRange[];
  sourcePorts: PortRange[];
  /** A port name or value not known here. */
  unknownPort?: string;
}

export interface JunosApplication {
  name: string;
  range: Range;
  terms: ApplicationTerm[];
}

export interface JunosApplicationSet {
  name: string;
  range: Range;
  applications: Member[];
  sets: Member[];
}

export interface JunosZone {
  name: string;
  range: Range;
}

/** A security policy: between two zones, or global (then `fromZones`/`toZones` narrow it when given). */
export interface JunosPolicy {
  name: string;
  /** Zone pair of a zone policy; undefined for a global policy. */
  pair?: { from: string; to: string };
  range: Range;
  /** The lines the policy is written on; set commands of one policy can be apart. */
  lines: number[];
  nameRange: Range;
  sourceAddresses: Member[];
  destinationAddresses: Member[];
  applications: Member[];
  sourceExcluded: boolean;
  destinationExcluded: boolean;
  /** Global policies: `match from-zone` / `match to-zone`. */
  fromZones: Member[];
  toZones: Member[];
  /** Match conditions only the device knows at run time, as words for the verdict. */
  runTime: Member[];
  dynamicApplications: Member[];
  action?: { value: 'permit' | 'deny' | 'reject'; range: Range };
  description?: string;
}

/** What the Junos parser knows beyond the common model; only this dialect reads it. */
export interface JunosVendor {
  form: JunosForm;
  books: AddressBook[];
  applications: Map<string, JunosApplication>;
  applicationSets: Map<string, JunosApplicationSet>;
  zones: Map<string, JunosZone>;
  /** Zone policies per pair (`from>to`), in the device's order after every `insert`. */
  zonePolicies: Map<string, JunosPolicy[]>;
  /** Global policies in order; they apply after the zone policies of every pair. */
  globalPolicies: JunosPolicy[];
  defaultPolicy?: { action: 'permit-all' | 'deny-all'; range: Range };
  /** Set form: the lines that write, order or remove a policy, in order. */
  policyLines: number[];
  /** Curly-brace form: every `{ … }` by its path. */
  containers: Map<string, Container>;
  /** Whether the file keeps addresses in zones' own address books (which rules out the global book). */
  legacyBooks: boolean;
}

export function pairKey(from: string, to: string): string {
  return `${from}>${to}`;
}
