import { mergeIntervals, type IpInterval } from '../model/address';
import type { PortRange } from '../model/config';
import type { PolicyEntry } from '../model/policy';
import { mergePorts } from '../model/ports';

/** Entries that share protocol and ports become one group of rules (one ipset, one nftables set). */
export interface RuleGroup {
  protocol: 'tcp' | 'udp';
  ports: PortRange[];
  labels: string[];
  intervals: IpInterval[];
}

/** Groups entries by protocol and port set, merging their addresses; shared by the packet-filter renderers. */
export function groupEntries(entries: readonly PolicyEntry[]): RuleGroup[] {
  const groups = new Map<string, RuleGroup>();
  for (const entry of entries) {
    if (entry.addresses.length === 0) continue;
    const ports = mergePorts(entry.ports);
    const key = `${entry.protocol}|${ports.map((p) => `${p.from}-${p.to}`).join(',')}`;
    let group = groups.get(key);
    if (!group) {
      group = { protocol: entry.protocol, ports, labels: [], intervals: [] };
      groups.set(key, group);
    }
    if (!group.labels.includes(entry.label)) group.labels.push(entry.label);
    group.intervals.push(...entry.addresses);
  }
  for (const group of groups.values()) group.intervals = mergeIntervals(group.intervals);
  return [...groups.values()];
}
