import { formatPortList, parsePortList } from './ports';
import { CATEGORIES, type CatalogChange, type Category, type EndpointSet } from './types';

/**
 * What happened to one endpoint set between two catalogue versions, named the way the web
 * service names it: the `impact` words of its change records and the `previous`/`current` fields
 * when the service sent any, otherwise what the stored snapshots of both versions show.
 */
export interface SetChange {
  setId: number;
  fromVersion: string;
  toVersion: string;
  /** `AddedIp`, `RemovedIpOrUrl`, `MovedIpOrUrl`, … from the change records; derived from the difference when there are none. */
  impacts: string[];
  /** True when change records told of the span; false when only the stored snapshots did. */
  fromRecords: boolean;
  category?: { before: Category; after: Category };
  /** Normalised port lists (`80,443`), before and after. */
  tcpPorts?: { before: string; after: string };
  udpPorts?: { before: string; after: string };
  addedIps: string[];
  removedIps: string[];
  addedUrls: string[];
  removedUrls: string[];
  /** Removed entries that another set of the newer version lists. */
  movedTo: Array<{ entry: string; setId: number }>;
  /** The set is in the older version and gone from the newer one. */
  setRemoved: boolean;
  /** The newer version's set publishes no addresses (only host names). */
  publishesAddresses: boolean;
}

export interface SetChangeInput {
  setId: number;
  fromVersion: string;
  toVersion: string;
  /** The set in the older version, when that version is stored. */
  before?: EndpointSet;
  /** Whether the older version is stored at all (a set missing from a stored version did not exist then). */
  beforeKnown: boolean;
  /** Every set of the newer version, to tell a move from a removal. */
  after: readonly EndpointSet[];
  /** Change records of the span (older version excluded, newer included), any set. */
  records: readonly CatalogChange[];
  /** Added entries whose effective date is still ahead: not changes yet. */
  pending: ReadonlySet<string>;
}

function difference(a: readonly string[], b: readonly string[]): string[] {
  const lower = new Set(b.map((x) => x.toLowerCase()));
  return a.filter((x) => !lower.has(x.toLowerCase()));
}

function normalisedPorts(value: unknown): string | undefined {
  return typeof value === 'string' ? formatPortList(parsePortList(value)) : undefined;
}

function categoryOf(value: unknown): Category | undefined {
  return CATEGORIES.find((c) => c === value);
}

function fieldChange<T extends string>(records: readonly CatalogChange[], field: string, read: (value: unknown) => T | undefined): { before: T; after: T } | undefined {
  let before: T | undefined;
  let after: T | undefined;
  for (const record of records) {
    const previous = read(record.previous?.[field]);
    const current = read(record.current?.[field]);
    before ??= previous;
    if (current !== undefined) after = current;
  }
  return before !== undefined && after !== undefined && before !== after ? { before, after } : undefined;
}

function derivedImpacts(change: Omit<SetChange, 'impacts'>): string[] {
  const impacts: string[] = [];
  if (change.addedIps.length > 0 && change.addedUrls.length > 0) impacts.push('AddedIpAndUrl');
  else if (change.addedIps.length > 0) impacts.push('AddedIp');
  else if (change.addedUrls.length > 0) impacts.push('AddedUrl');
  if (change.movedTo.length > 0) impacts.push('MovedIpOrUrl');
  if (change.removedIps.length + change.removedUrls.length > change.movedTo.length) impacts.push('RemovedIpOrUrl');
  return impacts;
}

/**
 * The change of one set over a span, or undefined when nothing is known to have changed (or the
 * set did not exist at the start, so no rule can have been written against it).
 */
export function describeSetChange(input: SetChangeInput): SetChange | undefined {
  const records = input.records.filter((r) => r.endpointSetId === input.setId);
  const after = input.after.find((s) => s.id === input.setId);
  if (input.beforeKnown && !input.before) return undefined;
  let addedIps: string[];
  let removedIps: string[];
  let addedUrls: string[];
  let removedUrls: string[];
  let category: SetChange['category'];
  let tcpPorts: SetChange['tcpPorts'];
  let udpPorts: SetChange['udpPorts'];
  const before = input.before;
  if (before) {
    addedIps = difference(after?.ips ?? [], before.ips);
    removedIps = difference(before.ips, after?.ips ?? []);
    addedUrls = difference(after?.urls ?? [], before.urls);
    removedUrls = difference(before.urls, after?.urls ?? []);
    if (after && after.category !== before.category) category = { before: before.category, after: after.category };
    const tcp = { before: formatPortList(before.tcpPorts), after: formatPortList(after?.tcpPorts ?? before.tcpPorts) };
    const udp = { before: formatPortList(before.udpPorts), after: formatPortList(after?.udpPorts ?? before.udpPorts) };
    if (tcp.before !== tcp.after) tcpPorts = tcp;
    if (udp.before !== udp.after) udpPorts = udp;
  } else {
    if (records.length === 0) return undefined;
    addedIps = [...new Set(records.flatMap((r) => r.add?.ips ?? []))];
    removedIps = [...new Set(records.flatMap((r) => r.remove?.ips ?? []))];
    addedUrls = [...new Set(records.flatMap((r) => r.add?.urls ?? []))];
    removedUrls = [...new Set(records.flatMap((r) => r.remove?.urls ?? []))];
    tcpPorts = fieldChange(records, 'tcpPorts', normalisedPorts);
    udpPorts = fieldChange(records, 'udpPorts', normalisedPorts);
    category = fieldChange(records, 'category', categoryOf);
  }
  addedIps = addedIps.filter((ip) => !input.pending.has(ip.toLowerCase()));
  addedUrls = addedUrls.filter((url) => !input.pending.has(url.toLowerCase()));
  const elsewhere = new Map<string, number>();
  for (const set of input.after) {
    if (set.id === input.setId) continue;
    for (const entry of [...set.ips, ...set.urls]) if (!elsewhere.has(entry.toLowerCase())) elsewhere.set(entry.toLowerCase(), set.id);
  }
  const movedTo = [...removedIps, ...removedUrls].flatMap((entry) => {
    const setId = elsewhere.get(entry.toLowerCase());
    return setId === undefined ? [] : [{ entry, setId }];
  });
  const base: Omit<SetChange, 'impacts'> = {
    setId: input.setId,
    fromVersion: input.fromVersion,
    toVersion: input.toVersion,
    fromRecords: records.length > 0,
    addedIps,
    removedIps,
    addedUrls,
    removedUrls,
    movedTo,
    setRemoved: before !== undefined && after === undefined,
    publishesAddresses: (after?.ips.length ?? 0) > 0,
    ...(category ? { category } : {}),
    ...(tcpPorts ? { tcpPorts } : {}),
    ...(udpPorts ? { udpPorts } : {}),
  };
  const changed = addedIps.length + removedIps.length + addedUrls.length + removedUrls.length > 0 || category || tcpPorts || udpPorts || base.setRemoved;
  if (!changed) return undefined;
  const recorded = [...new Set(records.flatMap((r) => (r.impact ? [r.impact] : [])))];
  return { ...base, impacts: recorded.length > 0 ? recorded : derivedImpacts(base) };
}
