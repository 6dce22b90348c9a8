import { intersectIntervals, minusIntervals, type IpInterval } from './address';
import { intersectPorts, minusPorts } from './ports';
import type { PortRange } from './config';

/**
 * A piece of a flow still undecided during evaluation: some remote addresses × some ports.
 * Rules cut regions apart, which is how "52.112.0.0/15 of 52.112.0.0/14" is found.
 */
export interface Region {
  intervals: IpInterval[];
  ports: PortRange[];
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
