import { mergeIntervals, type IpInterval } from '../model/address';
import type { PortRange } from '../model/config';
import type { FlowOrigin, Policy, PolicyEntry } from '../model/policy';
import { addressKey } from './objectNames';
import { mergePorts } from '../model/ports';
import { t } from '../l10n';

/** Entries that share protocol and ports become one group of rules (one ipset, one nftables set). */
export interface RuleGroup {
  protocol: 'tcp' | 'udp';
  ports: PortRange[];
  labels: string[];
  /** The sets and rows the group's entries are for, in entry order, for rule comments. */
  origins: FlowOrigin[];
  intervals: IpInterval[];
  /** The customer's own addresses the rules are limited to (the on-premises server of inbound rules). */
  local?: IpInterval[];
}

function intervalsKey(intervals: readonly IpInterval[] | undefined): string {
  return (intervals ?? []).map((iv) => `${iv.family}:${iv.first}-${iv.last}`).join(',');
}

/** Groups entries by protocol, port set and local side, merging their addresses; shared by the packet-filter renderers. */
export function groupEntries(entries: readonly PolicyEntry[]): RuleGroup[] {
  const groups = new Map<string, RuleGroup>();
  for (const entry of entries) {
    if (entry.addresses.length === 0) continue;
    const ports = mergePorts(entry.ports);
    const local = entry.localAddresses && entry.localAddresses.length > 0 ? mergeIntervals(entry.localAddresses) : undefined;
    const key = `${entry.protocol}|${ports.map((p) => `${p.from}-${p.to}`).join(',')}|${intervalsKey(local)}`;
    let group = groups.get(key);
    if (!group) {
      group = { protocol: entry.protocol, ports, labels: [], origins: [], intervals: [], ...(local ? { local } : {}) };
      groups.set(key, group);
    }
    if (!group.labels.includes(entry.label)) group.labels.push(entry.label);
    group.origins.push(entry.origin);
    group.intervals.push(...entry.addresses);
  }
  for (const group of groups.values()) group.intervals = mergeIntervals(group.intervals);
  return [...groups.values()];
}

/** Entries of a zone firewall's rule: the remote (and local) addresses it names and every service of its entries. */
export interface AddressBucket {
  remote: IpInterval[];
  local?: IpInterval[];
  services: Array<{ protocol: 'tcp' | 'udp'; ports: PortRange[] }>;
  entries: PolicyEntry[];
}

/** A bucket's services with each protocol's ports merged, sorted; `*` when an entry takes every port. */
function servicesKey(services: AddressBucket['services']): string {
  if (services.some((s) => s.ports.length === 0)) return '*';
  const byProtocol = new Map<string, PortRange[]>();
  for (const s of services) byProtocol.set(s.protocol, [...(byProtocol.get(s.protocol) ?? []), ...s.ports]);
  return [...byProtocol.entries()].map(([protocol, ports]) => `${protocol}:${mergePorts(ports).map((p) => `${p.from}-${p.to}`).join(',')}`).sort().join(';');
}

/**
 * Entries grouped into as few exact rules as the addresses allow (PAN-OS, FortiOS, Junos): entries
 * with the same addresses share a rule with all their services, and rules whose services are the
 * same are merged, so no rule lets an address through on another entry's ports. `families` keeps
 * only the address families the file can hold.
 */
export function addressBuckets(policy: Policy, families?: ReadonlySet<number>): AddressBucket[] {
  const keep = (list: readonly IpInterval[]): IpInterval[] => (families ? list.filter((a) => families.has(a.family)) : [...list]);
  const byAddresses = new Map<string, AddressBucket>();
  for (const entry of policy.entries) {
    const addresses = keep(entry.addresses);
    if (addresses.length === 0) continue;
    const local = policy.direction === 'inbound' && entry.localAddresses ? keep(entry.localAddresses) : undefined;
    const key = `${addressKey(addresses)}|${local ? addressKey(local) : '*'}`;
    const bucket = byAddresses.get(key) ?? { remote: mergeIntervals(addresses), ...(local ? { local: mergeIntervals(local) } : {}), services: [], entries: [] };
    bucket.services.push({ protocol: entry.protocol, ports: entry.ports });
    bucket.entries.push(entry);
    byAddresses.set(key, bucket);
  }
  const byServices = new Map<string, AddressBucket>();
  for (const bucket of byAddresses.values()) {
    const key = `${servicesKey(bucket.services)}|${bucket.local ? addressKey(bucket.local) : '*'}`;
    const merged = byServices.get(key);
    if (merged) {
      merged.remote = mergeIntervals([...merged.remote, ...bucket.remote]);
      merged.entries.push(...bucket.entries);
    } else byServices.set(key, { ...bucket });
  }
  return [...byServices.values()];
}

/**
 * What a block of an address-matching firewall cannot hold, said once each: the URLs of its
 * entries (`urlNote` says how to allow a name on that device) and entries without addresses or URLs.
 */
export function unexpressibleEntries(policy: Policy, urlNote: (url: string, label: string) => string): { notes: string[]; notExpressible: string[] } {
  const notes: string[] = [];
  const notExpressible: string[] = [];
  const seenUrls = new Set<string>();
  for (const entry of policy.entries) {
    for (const url of entry.urls) {
      if (seenUrls.has(url)) continue;
      seenUrls.add(url);
      notes.push(urlNote(url, entry.label));
      notExpressible.push(url);
    }
    if (entry.addresses.length === 0 && entry.urls.length === 0) {
      notes.push(t('{0}: the catalogue lists no addresses or URLs for this entry.', entry.label));
      notExpressible.push(entry.label);
    }
  }
  return { notes, notExpressible };
}
