import type { IpInterval } from '../model/address';
import type { ConfigModel, Rule, RuleList } from '../model/config';
import type { LineIndex, Range } from '../model/range';
import type { Dialect, ParseContext } from '../dialects/dialect';
import type { CatalogMatch, EndpointSet, InstanceId, OtherEndpointRow } from '../catalog/types';
import type { Finding } from './finding';
import type { PacRunOptions, PacSandbox } from '../pac/sandbox';
import type { PendingAddition, RemovedEntry } from '../catalog/history';
import type { SetChange } from '../catalog/setChanges';
import type { Direction } from '../model/policy';
import type { Estate } from '../project/estate';

/**
 * What the analysis needs of the catalogue; the catalogue index satisfies it, and so does the
 * catalogue as of a day (catalog/asOf.ts), whose sets leave out additions not yet in effect.
 */
export interface CatalogView {
  instance: InstanceId;
  version: string;
  sets: readonly EndpointSet[];
  otherRows: readonly OtherEndpointRow[];
  /** Additions announced with an effective date after the day the sets are as of. */
  announced?: readonly PendingAddition[];
  lookupAddress(interval: IpInterval): CatalogMatch[];
  lookupHost(host: string, tenant?: string): CatalogMatch[];
}

/** What the analysis needs of the version history: entries that earlier catalogues had, and what is announced. */
export interface HistoryView {
  findRemovedAddress(interval: IpInterval): RemovedEntry[];
  findRemovedUrl(host: string): RemovedEntry[];
  /** Additions the service announced with an effective date after `asOf` (yyyy-mm-dd). */
  pendingAdditions(asOf: string): PendingAddition[];
  /** The oldest stored version (not before `notBefore`) in which a set names the addresses or the host, with those sets. */
  firstNamingVersion(query: { interval: IpInterval } | { host: string }, notBefore?: string): { version: string; setIds: number[] } | undefined;
  /** What happened to a set after `version`, as of the day `asOf`. */
  setChangeSince(setId: number, version: string, asOf: string): SetChange | undefined;
}


/** Settings as the analysis sees them, already resolved for one document. */
export interface AnalysisSettings {
  instance: InstanceId;
  serviceAreas: string[];
  categories: string[];
  includeOptional: boolean;
  tenantName: string;
  /** Sign-in hosts stay on the proxy, which adds the tenant-restriction headers (catalog/tenantRestrictions.ts). */
  tenantRestrictions: boolean;
  /** No IPv6 egress: the catalogue's IPv6 prefixes are not asked of the file. */
  noIPv6: boolean;
  direction: Direction;
  /** Workspace Trust: PAC programs run only when true. */
  trusted: boolean;
  pac: { hostAddresses: Record<string, string>; clientAddress: string };
}

export interface CheckContext {
  model: ConfigModel;
  text: string;
  lines: LineIndex;
  dialect: Dialect;
  catalog: CatalogView;
  history?: HistoryView;
  /** The day (yyyy-mm-dd) the analysis is as of: today, or the day `check --as-of` names. */
  today: string;
  settings: AnalysisSettings;
  /** For a configuration assembled from several files: where each file starts, so messages name a line in its own file. */
  parts?: ParseContext['parts'];
  /** Present for PAC files in trusted workspaces: the sandbox and the budget of a run. */
  pac?: { sandbox: PacSandbox; options: PacRunOptions };
  /** Present for a PAC file that estates of the project config name: the paths `path-inconsistent` checks. */
  estates?: EstatePath[];
}

/** One egress firewall of an estate as its own parse read it. */
export interface EgressFirewall {
  path: string;
  /** As files are named in messages (relative to the project config). */
  name: string;
  model: ConfigModel;
}

/** An estate of `endpoint-lens.json` whose PAC file is the one analysed, with its firewalls read. */
export interface EstatePath {
  estate: Estate;
  configPath: string;
  firewalls: EgressFirewall[];
}

export type Check = (context: CheckContext) => Finding[];

export function listById(model: ConfigModel, id: string): RuleList | undefined {
  return model.ruleLists.find((l) => l.id === id);
}

/** The line a finding about a list default points at: the policy statement, else the list header. */
export function defaultRangeOf(list: RuleList): Range {
  return list.defaultRange ?? list.range;
}


/**
 * "line 40" in messages is 1-based, like every editor shows it; in a configuration of several
 * files the line is the file's own and the file is named: "4 (hybrid-allow.conf)".
 */
export function lineLabel(range: Range, context?: Pick<CheckContext, 'parts' | 'lines'>): string {
  const parts = context?.parts;
  if (!parts || parts.length < 2 || !context) return String(range.start.line + 1);
  const offset = context.lines.offsetAt(range.start);
  let part = parts[0]!;
  for (const candidate of parts) if (candidate.offset <= offset) part = candidate;
  const line = part.line + (range.start.line - context.lines.positionAt(part.offset).line);
  return `${line + 1} (${part.fileName.split(/[\\/]/).pop() ?? part.fileName})`;
}

export function ruleLabel(rule: Rule): string {
  const text = rule.text.trim().replace(/\s+/g, ' ');
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
