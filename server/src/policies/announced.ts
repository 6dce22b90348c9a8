import { intervalContains } from '../model/address';
import type { Policy } from '../model/policy';
import type { EndpointSet } from '../catalog/types';
import { t } from '../l10n';
import { catalogIntervals, type PolicyCatalog } from './common';

/** Written into a managed block made without announced additions, so a refresh leaves them out too. */
export const ANNOUNCED_PARAMETER = 'announced';
const EXCLUDED = 'exclude';

function withEntries(set: EndpointSet, ips: readonly string[], urls: readonly string[]): EndpointSet {
  const addIps = ips.filter((ip) => !set.ips.includes(ip));
  const addUrls = urls.filter((url) => !set.urls.some((u) => u.toLowerCase() === url.toLowerCase()));
  return addIps.length + addUrls.length === 0 ? set : { ...set, ips: [...set.ips, ...addIps], urls: [...set.urls, ...addUrls] };
}

/**
 * The catalogue a policy is made from. A catalogue as of a day lists announced additions apart
 * from their sets; with `include` (the default of every insert command) they go into the rules
 * now, so nothing is blocked on the day they take effect.
 */
export function catalogWithAnnounced(catalog: PolicyCatalog, include: boolean): PolicyCatalog {
  const announced = catalog.announced ?? [];
  if (!include || announced.length === 0) return catalog;
  const sets = catalog.sets.map((set) => {
    const mine = announced.filter((a) => a.setId === set.id);
    return mine.length === 0 ? set : withEntries(set, mine.flatMap((a) => a.ips), mine.flatMap((a) => a.urls));
  });
  return { ...catalog, sets };
}

/** Parameters a block records for the choice; nothing when announced additions are included. */
export function announcedParameters(include: boolean): Record<string, string[]> {
  return include ? {} : { [ANNOUNCED_PARAMETER]: [EXCLUDED] };
}

export function includesAnnounced(parameters: Record<string, string[]>): boolean {
  return !(parameters[ANNOUNCED_PARAMETER] ?? []).includes(EXCLUDED);
}

/** Announced entries (addresses and URLs) that the policies' rules carry, with the dates they take effect. */
export function announcedEntriesIn(catalog: PolicyCatalog, policies: readonly Policy[]): Array<{ entry: string; effectiveDate: string }> {
  const out: Array<{ entry: string; effectiveDate: string }> = [];
  for (const addition of catalog.announced ?? []) {
    for (const ip of addition.ips) {
      const [interval] = catalogIntervals([ip]);
      if (interval && policies.some((p) => p.entries.some((e) => e.addresses.some((a) => intervalContains(a, interval))))) out.push({ entry: ip, effectiveDate: addition.effectiveDate });
    }
    for (const url of addition.urls) {
      if (policies.some((p) => p.entries.some((e) => e.urls.some((u) => u.toLowerCase() === url.toLowerCase())))) out.push({ entry: url, effectiveDate: addition.effectiveDate });
    }
  }
  return out.filter((item, i) => out.findIndex((o) => o.entry === item.entry) === i);
}

/** The sentence the insert commands add: how many announced additions went in, or were left out. */
export function announcedNote(entries: ReadonlyArray<{ entry: string; effectiveDate: string }>, included: boolean): string | undefined {
  if (entries.length === 0) return undefined;
  const dates = [...new Set(entries.map((e) => e.effectiveDate))].sort().join(', ');
  if (included) {
    return entries.length === 1
      ? t('1 announced addition is included ({0}, effective {1}).', entries[0]!.entry, dates)
      : t('{0} announced additions are included (effective {1}).', entries.length, dates);
  }
  return entries.length === 1
    ? t('1 announced addition is left out ({0}, effective {1}); refreshing the block on or after that day adds it.', entries[0]!.entry, dates)
    : t('{0} announced additions are left out (effective {1}); refreshing the block on or after those days adds them.', entries.length, dates);
}
