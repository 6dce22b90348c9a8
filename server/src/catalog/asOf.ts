import type { IpInterval } from '../model/address';
import type { Catalog } from './index';
import type { CatalogHistoryIndex, PendingAddition } from './history';
import type { CatalogMatch, EndpointSet, InstanceId, OtherEndpointRow } from './types';

/**
 * The catalogue as it stands on one day. Microsoft announces additions with an effective date and
 * may list them before that date; until then they are not in use, so a set here lists them only
 * once the day has come (and gains those the latest change records name but the endpoint list
 * does not yet carry). What is still ahead is in `announced`, for the insert commands and the
 * `pending-addition` check. Lookups answer from the full catalogue, so a hover still names the set
 * an announced address belongs to.
 */
export interface CatalogAsOf {
  readonly instance: InstanceId;
  readonly version: string;
  /** The day (yyyy-mm-dd) the sets are as of. */
  readonly asOf: string;
  readonly sets: readonly EndpointSet[];
  readonly otherRows: readonly OtherEndpointRow[];
  /** Additions whose effective date is after `asOf`, soonest first. */
  readonly announced: readonly PendingAddition[];
  lookupAddress(interval: IpInterval): CatalogMatch[];
  lookupHost(host: string, tenant?: string): CatalogMatch[];
}

function withEntries(set: EndpointSet, remove: ReadonlySet<string>, add: { ips: string[]; urls: string[] }): EndpointSet {
  const ips = set.ips.filter((ip) => !remove.has(ip.toLowerCase()));
  const urls = set.urls.filter((url) => !remove.has(url.toLowerCase()));
  for (const ip of add.ips) if (!ips.includes(ip)) ips.push(ip);
  for (const url of add.urls) if (!urls.some((u) => u.toLowerCase() === url.toLowerCase())) urls.push(url);
  return { ...set, ips, urls };
}

export function catalogAsOf(catalog: Catalog, history: Pick<CatalogHistoryIndex, 'datedAdditions'> | undefined, asOf: string): CatalogAsOf {
  const dated = history?.datedAdditions() ?? [];
  const announced = dated.filter((a) => a.effectiveDate > asOf);
  // Earlier versions' additions are already in (or later removed from) the snapshot in use.
  const effective = dated.filter((a) => a.effectiveDate <= asOf && a.version === catalog.version);
  const ahead = new Map<number, Set<string>>();
  for (const a of announced) {
    const entries = ahead.get(a.setId) ?? new Set<string>();
    for (const entry of [...a.ips, ...a.urls]) entries.add(entry.toLowerCase());
    ahead.set(a.setId, entries);
  }
  // An entry announced twice counts from its earlier date.
  for (const a of effective) for (const entry of [...a.ips, ...a.urls]) ahead.get(a.setId)?.delete(entry.toLowerCase());
  const sets = catalog.sets.map((set) => {
    const remove = ahead.get(set.id) ?? new Set<string>();
    const mine = effective.filter((a) => a.setId === set.id);
    const add = { ips: mine.flatMap((a) => a.ips), urls: mine.flatMap((a) => a.urls) };
    return remove.size === 0 && add.ips.length + add.urls.length === 0 ? set : withEntries(set, remove, add);
  });
  return {
    instance: catalog.instance,
    version: catalog.version,
    asOf,
    sets,
    otherRows: catalog.otherRows,
    announced,
    lookupAddress: (interval) => catalog.lookupAddress(interval),
    lookupHost: (host, tenant) => catalog.lookupHost(host, tenant),
  };
}
