import type { IpInterval } from '../model/address';
import type { PortRange } from '../model/config';

export const INSTANCES = ['Worldwide', 'USGovDoD', 'USGovGCCHigh', 'China'] as const;
export type InstanceId = (typeof INSTANCES)[number];

export const CATEGORIES = ['Optimize', 'Allow', 'Default'] as const;
export type Category = (typeof CATEGORIES)[number];

/** One endpoint set of the web service, every field kept, ports also normalised. */
export interface EndpointSet {
  id: number;
  serviceArea: string;
  serviceAreaDisplayName: string;
  urls: string[];
  ips: string[];
  /** As the service wrote it ("143, 587, 993, 995"); empty when the key was absent. */
  tcpPortsText: string;
  udpPortsText: string;
  tcpPorts: PortRange[];
  udpPorts: PortRange[];
  expressRoute: boolean;
  category: Category;
  required: boolean;
  /** Absent when the service omitted it; may be the empty string. */
  notes?: string;
  /**
   * Set for sets that come from a snapshot other than the instance's current one (the MEM/Intune
   * sets, which a default request leaves out): the date that snapshot was taken.
   */
  capturedOn?: string;
}

export type OtherEndpointDirection = 'inbound' | 'outbound-server' | 'outbound-user' | 'trusted-sites';

/** Destinations of one other-endpoints row that apply to some instances. */
export interface OtherEndpointDestination {
  /** Instances this group applies to; all four when the row does not distinguish. */
  instances: InstanceId[];
  /** FQDNs and wildcard patterns in Microsoft's notation. */
  urls: string[];
  /** IPs and CIDRs, canonical. */
  ips: string[];
  tcpPorts: PortRange[];
  udpPorts: PortRange[];
  /** What the customer side is when it is not an address: "customer EWS/MRS proxy", "customer STS". */
  customerSide?: { en: string; da: string };
  /** A qualification the row states for this group (paths, "only for Exchange 2010 SP3", no port named). */
  note?: { en: string; da: string };
}

export interface OtherEndpointRow {
  row: number;
  purpose: { en: string; da: string };
  direction: OtherEndpointDirection;
  destinations: OtherEndpointDestination[];
  /** Rows whose destination is only documentation. */
  link?: string;
  /** Where the row's facts come from: the Danish seed (2022-01-31) or the newer English article (2025-01-08). */
  provenance: string;
  /** Every revision of the row this extension has shipped, oldest first; the last one is the row as above. */
  revisions: OtherEndpointRevision[];
  /** Misspellings in an earlier revision, with what they stand for. */
  misspellings?: Record<string, string>;
}

/** What one revision changed in the destination groups of some instances. */
export interface OtherEndpointRevisionGroup {
  instances: InstanceId[];
  added: { ips: string[]; urls: string[] };
  removed: { ips: string[]; urls: string[] };
  /** Present when the revision changed the group's ports. */
  tcpPorts?: { before: PortRange[]; after: PortRange[] };
  udpPorts?: { before: PortRange[]; after: PortRange[] };
}

/**
 * One revision of an other-endpoints row: the article revision its facts come from and the
 * extension release that first shipped it. The first revision of a row is its baseline and lists
 * no changes; later ones say what they added, removed and reworded.
 */
export interface OtherEndpointRevision {
  /** The article's ms.date (ISO date). */
  date: string;
  /** The Endpoint Lens release that first shipped this revision. */
  release: string;
  source: string;
  /** The row first appears in this revision. */
  rowAdded?: true;
  /** What the revision changed, in words; also what the groups cannot carry (renamed products, corrected spellings). */
  summary?: string;
  groups: OtherEndpointRevisionGroup[];
}

/** The project's own catalogue file for one instance (catalog/<instance>.json). */
export interface CatalogSnapshot {
  format: 1;
  instance: InstanceId;
  /** The web service's version string (yyyymmddnn). */
  version: string;
  /** Date the snapshot was taken (ISO date). */
  capturedOn: string;
  /** True when the version number is inferred from the capture date, not seen in a /version answer. */
  versionInferred: boolean;
  sets: EndpointSet[];
}

/** catalog/other-endpoints.json */
export interface OtherEndpointsFile {
  format: 1;
  /** The newest revision date of any row: which revision of the article the rows follow. */
  revision: string;
  /** The Endpoint Lens release that first shipped that revision. */
  release: string;
  rows: OtherEndpointRow[];
}

/** catalog/history/<instance>.json: earlier versions and the change records between them. */
export interface CatalogHistory {
  format: 1;
  instance: InstanceId;
  versions: Array<{ version: string; capturedOn: string; versionInferred?: boolean; sets: EndpointSet[] }>;
  changes: CatalogChange[];
}

/** One record of the web service's /changes method, kept as the service describes it. */
export interface CatalogChange {
  id: number;
  endpointSetId: number;
  disposition: 'Change' | 'Add' | 'Remove';
  impact?: string;
  version: string;
  previous?: Record<string, unknown>;
  current?: Record<string, unknown>;
  add?: { effectiveDate?: string; ips?: string[]; urls?: string[] };
  remove?: { ips?: string[]; urls?: string[] };
}

export type CatalogSource = 'web-service' | 'other-endpoints';

export type MatchRelation = 'equal' | 'contains' | 'inside' | 'overlaps' | 'matches';

/** One answer of the index, shaped like the `lookup --json` output. */
export interface CatalogMatch {
  source: CatalogSource;
  instance: InstanceId;
  /** Web-service set id. */
  id?: number;
  /** Other-endpoints row. */
  row?: number;
  serviceArea?: string;
  category?: Category;
  required?: boolean;
  tcpPorts: string;
  udpPorts: string;
  /** The catalogue's own IP/CIDR/URL that matched. */
  entry: string;
  relation: MatchRelation;
  /** For address matches: the catalogue entry as an interval. */
  interval?: IpInterval;
}
