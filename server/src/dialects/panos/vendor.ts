import type { PortRange } from '../../model/config';
import type { Range } from '../../model/range';

/** How the file is written: `set` commands (`show | display set`, CLI scripts) or the XML configuration. */
export type PanosForm = 'set' | 'xml';

/** One name of a member list as written (`trust`, `O365-IPs`, `any`), with where it stands. */
export interface Member {
  name: string;
  range: Range;
}

/** The value of an address object; `refId` indexes the model's references. */
export type AddressValue =
  | { type: 'ip-netmask' | 'ip-range'; refId: number }
  /** A wildcard mask may be non-contiguous (`10.0.0.5/0.0.255.0`); its reference holds the whole text. */
  | { type: 'ip-wildcard'; refId: number }
  | { type: 'fqdn'; refId: number; host: string };

export interface PanosAddress {
  name: string;
  range: Range;
  value?: AddressValue;
  description?: string;
}

export interface PanosAddressGroup {
  name: string;
  range: Range;
  /** Static members; undefined for a dynamic group. */
  members?: Member[];
  /** The tag filter of a dynamic group, as written. */
  dynamicFilter?: string;
}

export interface PanosService {
  name: string;
  range: Range;
  protocol?: 'tcp' | 'udp' | 'sctp';
  ports: PortRange[];
  sourcePorts?: PortRange[];
}

export interface PanosServiceGroup {
  name: string;
  range: Range;
  members: Member[];
}

/** An external dynamic list: the firewall fetches its content from `url` (or from Palo Alto for predefined lists). */
export interface PanosExternalList {
  name: string;
  range: Range;
  /** ip, domain, url, predefined-ip, predefined-url, imsi, imei. */
  type?: string;
  url?: string;
}

export interface PanosZone {
  name: string;
  range: Range;
}

export type RulebaseName = 'rulebase' | 'pre-rulebase' | 'post-rulebase';

export type RuleType = 'universal' | 'intrazone' | 'interzone';

/** One security policy rule with every match field the evaluation reads; lists hold `any` as written. */
export interface PanosRule {
  name: string;
  rulebase: RulebaseName;
  /** Where the rule is written: its `set` commands from first to last, or its `<entry>` element. */
  range: Range;
  /** The lines the rule is written on; set commands of one rule can be apart. */
  lines: number[];
  nameRange: Range;
  from: Member[];
  to: Member[];
  source: Member[];
  destination: Member[];
  negateSource: boolean;
  negateDestination: boolean;
  sourceUser: Member[];
  category: Member[];
  application: Member[];
  service: Member[];
  hipProfiles: Member[];
  sourceHip: Member[];
  destinationHip: Member[];
  sourceDevice: Member[];
  destinationDevice: Member[];
  action?: { value: string; range: Range };
  disabled: boolean;
  ruleType: RuleType;
  schedule?: string;
  description?: string;
}

/** `default-security-rules`: an override of the action PAN-OS applies when no rule matches. */
export interface PanosDefaultRule {
  action: string;
  range: Range;
}

/** Offsets of one element of an XML file: `<name …>` at `start`, its content from `openEnd` to `closeStart`. */
export interface ElementSpan {
  start: number;
  openEnd: number;
  closeStart: number;
  end: number;
  selfClosing: boolean;
}

/** Where a scope's sections stand in an XML file, for edits that add entries to them. */
export interface XmlScopeLayout {
  /** The scope's own element (`<entry name="vsys1">`, `<shared>`, a device group's `<entry>`). */
  element: ElementSpan;
  /** `address`, `address-group`, `service`, `service-group`, and each rulebase's `rulebase`, `security` and `rules` as `pre-rulebase/security/rules`. */
  sections: Map<string, ElementSpan>;
  /** Rule name → its `<entry>` element. */
  rules: Map<string, ElementSpan>;
}

export type ScopeKind = 'vsys' | 'device-group' | 'shared';

export interface PanosScope {
  kind: ScopeKind;
  /** vsys1, the device group's name, or `shared`. */
  name: string;
  /** The words a `set` command starts with to reach this scope: [], [vsys, vsys2], [device-group, DG], [shared]. */
  setPrefix: string[];
  addresses: Map<string, PanosAddress>;
  addressGroups: Map<string, PanosAddressGroup>;
  services: Map<string, PanosService>;
  serviceGroups: Map<string, PanosServiceGroup>;
  externalLists: Map<string, PanosExternalList>;
  zones: Map<string, PanosZone>;
  /** In the device's final order within each rulebase, after every `move`. */
  rules: PanosRule[];
  defaults: { intrazone?: PanosDefaultRule; interzone?: PanosDefaultRule };
  /** The rulebase's header: the first line that writes a rule of this scope, or the `<rules>` element. */
  rulebaseRange?: Range;
  /** Set form: the lines that add, change, move or delete a rule of this scope, in order. */
  ruleLines: number[];
  xml?: XmlScopeLayout;
}

/** What the PAN-OS parser knows beyond the common model; only this dialect reads it. */
export interface PanosVendor {
  form: PanosForm;
  /** Every scope of the file in order of appearance; `shared` holds objects (and Panorama's shared rules). */
  scopes: PanosScope[];
  /** Panorama configurations put rules in device groups and pre/post rulebases. */
  panorama: boolean;
}
