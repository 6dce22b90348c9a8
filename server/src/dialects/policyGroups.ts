import { mergeIntervals, type IpInterval } from '../model/address';
import type { PortRange } from '../model/config';
import type { FlowOrigin, PolicyEntry } from '../model/policy';
import { mergePorts } from '../model/ports';

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
