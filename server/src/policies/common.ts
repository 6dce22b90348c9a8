import { cidrToInterval, parseCidr, type IpInterval } from '../model/address';
import type { PortRange } from '../model/config';
import type { Policy } from '../model/policy';
import type { EndpointSet, InstanceId, OtherEndpointDestination, OtherEndpointRow } from '../catalog/types';
import type { PendingAddition } from '../catalog/history';
import { t } from '../l10n';

/** The part of the loaded catalogue that policies read; the catalogue class satisfies it. */
export interface PolicyCatalog {
  readonly instance: InstanceId;
  readonly version: string;
  readonly sets: readonly EndpointSet[];
  readonly otherRows: readonly OtherEndpointRow[];
  /** Additions announced for a later day, kept apart from the sets (a catalogue as of a day has them). */
  readonly announced?: readonly PendingAddition[];
}

/** Policies, or the reasons the request cannot be turned into one (already localised). */
export type PolicyResult = { ok: true; policies: Policy[]; notes: string[] } | { ok: false; errors: string[] };

/** Catalogue CIDRs are canonical (validated on load); an entry that still fails is skipped, not guessed. */
export function catalogIntervals(cidrs: readonly string[]): IpInterval[] {
  const out: IpInterval[] = [];
  for (const text of cidrs) {
    const parsed = parseCidr(text);
    if (parsed.ok) out.push(cidrToInterval(parsed.value));
  }
  return out;
}

/** "set 2 Exchange Online Allow": the form every rule comment and hover uses for a web-service set. */
export function setLabel(set: EndpointSet): string {
  return `set ${set.id} ${set.serviceAreaDisplayName} ${set.category}`;
}

export function rowOf(catalog: PolicyCatalog, row: number): OtherEndpointRow | undefined {
  return catalog.otherRows.find((r) => r.row === row);
}

/** The destination groups of a row that apply to the catalogue's instance. */
export function destinationsFor(row: OtherEndpointRow | undefined, instance: InstanceId): OtherEndpointDestination[] {
  if (!row) return [];
  return row.destinations.filter((d) => d.instances.includes(instance));
}

export function portsInclude(ranges: readonly PortRange[], port: number): boolean {
  return ranges.some((r) => r.from <= port && port <= r.to);
}

export const HTTPS: PortRange[] = [{ from: 443, to: 443 }];
export const SMTP: PortRange[] = [{ from: 25, to: 25 }];

/** Reason shown when a catalogue row the policy needs is missing from the loaded catalogue. */
export function missingRowMessage(row: number): string {
  return t('The catalogue has no "other endpoints" row {0}.', row);
}
