import { familyBits, mergeIntervals, type IpInterval } from '../model/address';
import type { AddressMatch, Rule, RuleList } from '../model/config';
import type { Flow } from '../model/policy';

/**
 * Which rules of a long list can touch a flow's addresses, so the evaluator visits those and not
 * every rule of a 45,000-rule chain for each of a hundred flows. A rule whose remote side names
 * addresses none of the regions meet cannot change them; every other rule stays a candidate.
 */

/** Lists shorter than this are walked rule by rule; the index would cost more than it saves. */
const INDEXED_LIST_LENGTH = 64;

/** Intervals wider than this share of their family's space are not indexed: they would make every search walk far. */
const WIDE_PREFIX_BITS = 8;

interface RemoteIndex {
  /** Rules that may match any address: no remote side, negated, unresolved, or very wide. */
  unrestricted: number[];
  /** Remote intervals by family then start, with the largest end so far, for the backward walk. */
  entries: Array<{ interval: IpInterval; rule: number; maxLast: bigint }>;
}

const indexes = new WeakMap<RuleList, { inbound?: RemoteIndex; outbound?: RemoteIndex }>();

function remoteOf(rule: Rule, inbound: boolean): AddressMatch | undefined {
  return inbound ? rule.sources : rule.destinations;
}

function isWide(interval: IpInterval): boolean {
  return interval.last - interval.first >= 1n << BigInt(familyBits(interval.family) - WIDE_PREFIX_BITS);
}

function buildIndex(list: RuleList, inbound: boolean): RemoteIndex {
  const unrestricted: number[] = [];
  const raw: Array<{ interval: IpInterval; rule: number }> = [];
  list.rules.forEach((rule, i) => {
    if (rule.action.type === 'continue') return;
    const side = remoteOf(rule, inbound);
    const intervals = side && !side.negated && !side.unresolved ? mergeIntervals(side.intervals) : undefined;
    if (!intervals || intervals.some(isWide)) unrestricted.push(i);
    else for (const interval of intervals) raw.push({ interval, rule: i });
  });
  raw.sort((a, b) => a.interval.family - b.interval.family || (a.interval.first < b.interval.first ? -1 : a.interval.first > b.interval.first ? 1 : 0));
  const entries: RemoteIndex['entries'] = [];
  for (const [i, entry] of raw.entries()) {
    const previous = i > 0 && raw[i - 1]!.interval.family === entry.interval.family ? entries[i - 1]!.maxLast : -1n;
    entries.push({ ...entry, maxLast: previous > entry.interval.last ? previous : entry.interval.last });
  }
  return { unrestricted, entries };
}

function indexOf(list: RuleList, inbound: boolean): RemoteIndex {
  let byDirection = indexes.get(list);
  if (!byDirection) {
    byDirection = {};
    indexes.set(list, byDirection);
  }
  const key = inbound ? 'inbound' : 'outbound';
  return (byDirection[key] ??= buildIndex(list, inbound));
}

/** Rules whose indexed intervals meet `query`: the last entry starting at or before its end, walked back while ends can still reach it. */
function meeting(entries: RemoteIndex['entries'], query: IpInterval, into: Set<number>): void {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    const e = entries[mid]!.interval;
    if (e.family < query.family || (e.family === query.family && e.first <= query.last)) low = mid + 1;
    else high = mid;
  }
  for (let i = low - 1; i >= 0; i--) {
    const entry = entries[i]!;
    if (entry.interval.family !== query.family || entry.maxLast < query.first) break;
    if (entry.interval.last >= query.first) into.add(entry.rule);
  }
}

/**
 * Indices from `start` on, in order, of the rules of `list` that may match part of `regions` for
 * this flow; undefined when the list is short enough to walk whole.
 */
export function candidateRules(list: RuleList, flow: Flow, regions: ReadonlyArray<{ intervals: readonly IpInterval[] }>, start: number): number[] | undefined {
  if (list.rules.length - start < INDEXED_LIST_LENGTH) return undefined;
  const index = indexOf(list, flow.direction === 'inbound');
  const found = new Set<number>();
  for (const region of regions) for (const interval of region.intervals) meeting(index.entries, interval, found);
  const out: number[] = [];
  for (const i of index.unrestricted) if (i >= start) out.push(i);
  for (const i of found) if (i >= start) out.push(i);
  return out.sort((a, b) => a - b);
}
