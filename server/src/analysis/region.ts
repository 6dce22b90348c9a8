import { mergeIntervals, subtractIntervals, type IpInterval } from '../model/address';
import type { PortRange } from '../model/config';

/**
 * A piece of a flow still undecided during evaluation: some remote addresses × some ports.
 * Rules cut regions apart, which is how "52.112.0.0/15 of 52.112.0.0/14" is found.
 */
export interface Region {
  intervals: IpInterval[];
  ports: PortRange[];
}

export function intersectIntervals(a: readonly IpInterval[], b: readonly IpInterval[]): IpInterval[] {
  const out: IpInterval[] = [];
  for (const x of a) {
    for (const y of b) {
      if (x.family !== y.family) continue;
      const first = x.first > y.first ? x.first : y.first;
      const last = x.last < y.last ? x.last : y.last;
      if (first <= last) out.push({ family: x.family, first, last });
    }
  }
  return mergeIntervals(out);
}

export function minusIntervals(a: readonly IpInterval[], b: readonly IpInterval[]): IpInterval[] {
  return mergeIntervals(a.flatMap((x) => subtractIntervals(x, b)));
}

export function intersectPorts(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  for (const x of a) {
    for (const y of b) {
      const from = Math.max(x.from, y.from);
      const to = Math.min(x.to, y.to);
      if (from <= to) out.push({ from, to });
    }
  }
  return mergePorts(out);
}

export function minusPorts(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  let pieces = a.map((p) => ({ ...p }));
  for (const cut of b) {
    const next: PortRange[] = [];
    for (const p of pieces) {
      if (cut.to < p.from || cut.from > p.to) {
        next.push(p);
        continue;
      }
      if (cut.from > p.from) next.push({ from: p.from, to: cut.from - 1 });
      if (cut.to < p.to) next.push({ from: cut.to + 1, to: p.to });
    }
    pieces = next;
  }
  return mergePorts(pieces);
}

export function mergePorts(ports: readonly PortRange[]): PortRange[] {
  const sorted = [...ports].sort((x, y) => x.from - y.from);
  const out: PortRange[] = [];
  for (const p of sorted) {
    const prev = out[out.length - 1];
    if (prev && p.from <= prev.to + 1) prev.to = Math.max(prev.to, p.to);
    else out.push({ ...p });
  }
  return out;
}

export function regionIsEmpty(region: Region): boolean {
  return region.intervals.length === 0 || region.ports.length === 0;
}

/**
 * Split `region` by a rule that matches `addresses` × `ports` (undefined = any): the part the rule
 * matches and the parts it leaves, each a product region so later rules can cut them again.
 */
export function splitRegion(
  region: Region,
  addresses: readonly IpInterval[] | undefined,
  ports: readonly PortRange[] | undefined,
): { matched: Region | undefined; rest: Region[] } {
  const matchedIntervals = addresses ? intersectIntervals(region.intervals, addresses) : region.intervals;
  const matchedPorts = ports ? intersectPorts(region.ports, ports) : region.ports;
  const matched: Region = { intervals: matchedIntervals, ports: matchedPorts };
  if (regionIsEmpty(matched)) return { matched: undefined, rest: [region] };
  const rest: Region[] = [];
  const otherIntervals = addresses ? minusIntervals(region.intervals, addresses) : [];
  if (otherIntervals.length > 0) rest.push({ intervals: otherIntervals, ports: region.ports });
  const otherPorts = ports ? minusPorts(region.ports, ports) : [];
  if (otherPorts.length > 0) rest.push({ intervals: matchedIntervals, ports: otherPorts });
  return { matched, rest };
}

export const ALL_PORTS: PortRange[] = [{ from: 0, to: 65535 }];
