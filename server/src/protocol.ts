/**
 * The contract between the VS Code client and the language server beyond standard LSP: custom
 * method names, command ids and their argument shapes. Both sides import this file; it has no
 * runtime dependencies so it bundles into either.
 */

/** Handed over in `initialize`. Every field is optional so other editors can send nothing. */
export interface InitializationOptions {
  /** Contents of l10n/bundle.l10n.<locale>.json for the display language, when not English. */
  l10nBundle?: Record<string, string>;
  /** VS Code's Workspace Trust; PAC files are executed only when true. Defaults to true elsewhere. */
  trusted?: boolean;
  /** Folder the update client writes catalogues to (global storage); the shipped snapshot when empty. */
  catalogCacheDir?: string;
  /** Settings for editors without `workspace/configuration`; same shape as the `endpointLens` section. */
  settings?: Partial<EndpointLensSettings>;
}

/** The project config's file name; the nearest one up the tree from a file applies to it. */
export const PROJECT_CONFIG_NAME = 'endpoint-lens.json';

export type Severity = 'error' | 'warning' | 'information' | 'hint' | 'off';

/** The `endpointLens` configuration section, typed. */
export interface EndpointLensSettings {
  instance: 'Worldwide' | 'USGovDoD' | 'USGovGCCHigh' | 'China';
  /** Empty = every service area. */
  serviceAreas: string[];
  /** Empty = every category. */
  categories: Array<'Optimize' | 'Allow' | 'Default'>;
  includeOptional: boolean;
  tenantName: string;
  /**
   * The proxy adds tenant-restriction headers to sign-in traffic: the sign-in hosts stay on the
   * proxy (no `proxied-optimize` for them, no edit sends them DIRECT, a DIRECT for them is reported).
   */
  tenantRestrictions: boolean;
  /**
   * The site has no IPv6 egress (the web service's `NoIPv6`): the catalogue's IPv6 prefixes are out
   * of scope, so nothing is reported about them.
   */
  noIPv6: boolean;
  /** Folders `include` looks in after the including file's own (nftables `-I`), absolute or relative to the project config. */
  includePath: string[];
  /** Per dialect id: which traffic the file's rules are checked for. */
  direction: Record<string, 'outbound' | 'inbound' | 'both'>;
  exclude: string[];
  severity: Record<string, Severity>;
  catalog: { autoUpdate: boolean; url: string; pinnedVersion: string };
  pac: { hostAddresses: Record<string, string>; clientAddress: string };
}

export const DEFAULT_SETTINGS: EndpointLensSettings = {
  instance: 'Worldwide',
  serviceAreas: [],
  categories: [],
  includeOptional: false,
  tenantName: '',
  tenantRestrictions: false,
  noIPv6: false,
  includePath: [],
  direction: {},
  exclude: [],
  severity: {},
  catalog: { autoUpdate: true, url: 'https://endpoints.office.com', pinnedVersion: '' },
  pac: { hostAddresses: {}, clientAddress: '10.0.0.10' },
};

/** Request client → server: what catalogue is in use. */
export const CATALOG_INFO_REQUEST = 'endpointLens/catalogInfo';
export interface CatalogInfo {
  instance: string;
  version: string;
  capturedOn: string;
  source: 'shipped' | 'cache';
  versionInferred: boolean;
  /** The revision of the "other endpoints" rows in use and the release that shipped it; they change only with a release. */
  otherEndpoints: { revision: string; release: string };
  warning?: string;
}

/** Notification client → server: a new catalogue is in the cache folder; reload and re-check. */
export const CATALOG_CHANGED_NOTIFICATION = 'endpointLens/catalogChanged';
export interface CatalogChangedParams {
  catalogCacheDir: string;
}

/** Notification client → server: Workspace Trust changed. */
export const TRUST_CHANGED_NOTIFICATION = 'endpointLens/trustChanged';
export interface TrustChangedParams {
  trusted: boolean;
}

/** Server commands (workspace/executeCommand); the server applies edits with workspace/applyEdit. */
export const SERVER_COMMANDS = {
  insertPolicy: 'endpointLens.server.insertPolicy',
  refreshManagedBlocks: 'endpointLens.server.refreshManagedBlocks',
  testPac: 'endpointLens.server.testPac',
  catalogReport: 'endpointLens.server.catalogReport',
  describeEstate: 'endpointLens.server.describeEstate',
  checkWorkspace: 'endpointLens.server.checkWorkspace',
} as const;

/** "Describe this estate": the open PAC file, the firewall files its clients leave through, and the client networks. */
export interface DescribeEstateParams {
  uri: string;
  egressUris: string[];
  clients: string[];
}

/** What "Check workspace" did: files it published diagnostics for (those not open) and the findings in them. */
export interface CheckWorkspaceResult {
  files: number;
  findings: number;
}

export type PolicyName = 'exchange-hybrid' | 'graph-notifications' | 'sets';

export const EXCHANGE_HYBRID_FEATURES = [
  'mailbox-migration',
  'free-busy',
  'hybrid-configuration-wizard',
  'autodiscover',
  'hybrid-authentication',
  'mail-flow',
] as const;
export type ExchangeHybridFeature = (typeof EXCHANGE_HYBRID_FEATURES)[number];

export interface InsertPolicyParams {
  uri: string;
  policy: PolicyName;
  /** exchange-hybrid */
  features?: ExchangeHybridFeature[];
  /** exchange-hybrid: on-premises server addresses (IPs or CIDRs). */
  serverAddresses?: string[];
  /** sets: explicit set ids, or filters. */
  setIds?: number[];
  serviceAreas?: string[];
  categories?: string[];
  includeOptional?: boolean;
  /** exchange-hybrid and sets: put additions the service announced for a later day into the rules now (default true). */
  includeAnnounced?: boolean;
}

export interface InsertPolicyResult {
  applied: boolean;
  /** Localised explanation when nothing was applied, or a summary of what was. */
  message: string;
}

export interface RefreshManagedBlocksParams {
  uri: string;
}

export interface TestPacParams {
  uri: string;
}

/** Markdown documents the client shows in a preview. */
export interface MarkdownReport {
  title: string;
  markdown: string;
}

export interface CatalogReportParams {
  /** The version this workspace saw last; the report covers what changed since. */
  sinceVersion?: string;
}
