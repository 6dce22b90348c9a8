import {
  cidrToInterval,
  familyBits,
  formatCidr,
  parseAddressRange,
  parseCidr,
  parseIp,
  parseNetmaskPair,
  parseWildcardPair,
  unmapIpv4,
  type AddressError,
  type AddressFamily,
  type IpInterval,
} from '../model/address';
import { t } from '../l10n';
import { formatPortList } from './ports';
import {
  hostMatchesParsed,
  isMicrosoftLookingHost,
  isThirdPartyDomain,
  literalSuffix,
  normaliseHost,
  normaliseTenant,
  parsedCovers,
  parseUrlPattern,
  registrableDomain,
  type ParsedUrlPattern,
} from './urlPattern';
import type {
  CatalogMatch,
  CatalogSnapshot,
  Category,
  EndpointSet,
  InstanceId,
  MatchRelation,
  OtherEndpointDestination,
  OtherEndpointRow,
  OtherEndpointsFile,
} from './types';

/** Where a catalogue entry comes from: an endpoint set, or one destination group of an other-endpoints row. */
type Owner = ({ kind: 'set'; set: EndpointSet } | { kind: 'row'; row: OtherEndpointRow; destination: OtherEndpointDestination }) & {
  /** Port lists in their normalised text form, computed once per set or destination group. */
  tcp: string;
  udp: string;
};

interface AddressEntry {
  interval: IpInterval;
  prefixLength: number;
  text: string;
  owner: Owner;
}

interface HostEntry {
  text: string;
  /** Parsed with placeholders as wildcards; re-parsed per tenant when the pattern has `<tenant>`. */
  parsed: ParsedUrlPattern;
  hasTenant: boolean;
  owner: Owner;
}

export type CatalogQueryKind = 'address' | 'host' | 'pattern';

export type CatalogLookupResult =
  | { ok: true; kind: CatalogQueryKind; matches: CatalogMatch[]; interval?: IpInterval; host?: string; note?: string }
  | { ok: false; error: string };

/** Longest query accepted: a DNS name is at most 253 characters; anything longer is not a lookup. */
export const MAX_QUERY_LENGTH = 255;

const CATEGORY_RANK: Record<Category, number> = { Optimize: 0, Allow: 1, Default: 2 };
const RELATION_RANK: Record<MatchRelation, number> = { equal: 0, contains: 1, inside: 2, overlaps: 3, matches: 4 };

function ownerRank(owner: Owner): number {
  return owner.kind === 'set' ? CATEGORY_RANK[owner.set.category] : 3;
}

function ownerNumber(owner: Owner): number {
  return owner.kind === 'set' ? owner.set.id : owner.row.row;
}

interface TrieNode {
  entries?: AddressEntry[];
  zero?: TrieNode;
  one?: TrieNode;
}

/**
 * The address index of one family: a binary trie over prefix bits (a node at depth n is the /n
 * prefix; entries hang on the node of their prefix), so the prefixes that contain an address are
 * the entries met on the walk down its bits, shortest first. Entries that start after the query's
 * first address but inside the query come from all entries sorted by first address, found by
 * binary search. Neither visits entries that do not touch the query.
 */
class FamilyIndex {
  private readonly root: TrieNode = {};
  private sorted: AddressEntry[] = [];
  private firsts: bigint[] = [];
  private readonly bits: number;

  constructor(readonly family: AddressFamily) {
    this.bits = familyBits(family);
  }

  /** The address as 32-bit words, most significant first: the walk then reads bits with number operations, not bigint shifts. */
  private words(value: bigint): number[] {
    if (this.bits === 32) return [Number(value)];
    return [Number(value >> 96n), Number((value >> 64n) & 0xffffffffn), Number((value >> 32n) & 0xffffffffn), Number(value & 0xffffffffn)];
  }

  add(entry: AddressEntry): void {
    const words = this.words(entry.interval.first);
    let node = this.root;
    for (let i = 0; i < entry.prefixLength; i++) {
      if (((words[i >>> 5]! >>> (31 - (i & 31))) & 1) === 0) node = node.zero ??= {};
      else node = node.one ??= {};
    }
    (node.entries ??= []).push(entry);
    this.sorted.push(entry);
  }

  seal(): void {
    this.sorted.sort((a, b) => (a.interval.first < b.interval.first ? -1 : a.interval.first > b.interval.first ? 1 : a.prefixLength - b.prefixLength));
    this.firsts = this.sorted.map((e) => e.interval.first);
  }

  /** Every entry that shares at least one address with the query. */
  touching(query: IpInterval): AddressEntry[] {
    const out: AddressEntry[] = [];
    // Entries starting at or before the query's first address touch it only by containing that address.
    const words = this.words(query.first);
    let node: TrieNode | undefined = this.root;
    for (let i = 0; node; i++) {
      if (node.entries) out.push(...node.entries);
      if (i === this.bits) break;
      node = ((words[i >>> 5]! >>> (31 - (i & 31))) & 1) === 0 ? node.zero : node.one;
    }
    // Entries starting after it touch it exactly when they start no later than its last address.
    let lo = 0;
    let hi = this.firsts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.firsts[mid]! <= query.first) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.sorted.length && this.firsts[i]! <= query.last; i++) out.push(this.sorted[i]!);
    return out;
  }

  /** The linear scan the index replaces; kept for the benchmark and for tests that compare both. */
  touchingByScan(query: IpInterval): AddressEntry[] {
    return this.sorted.filter((e) => e.interval.first <= query.last && query.first <= e.interval.last);
  }
}

/**
 * The relation of a catalogue entry to the query, from the entry's side:
 * - `equal`: the same addresses;
 * - `contains`: the entry holds every address of the query and more (52.112.0.0/14 contains 52.112.4.1);
 * - `inside`: every address of the entry is in the query, which holds more (a /32 of the catalogue inside a queried /8);
 * - `overlaps`: they share some addresses and each has addresses the other lacks (only possible for ranges).
 */
export function addressRelation(entry: IpInterval, query: IpInterval): MatchRelation {
  const startsBefore = entry.first <= query.first;
  const endsAfter = entry.last >= query.last;
  if (entry.first === query.first && entry.last === query.last) return 'equal';
  if (startsBefore && endsAfter) return 'contains';
  if (entry.first >= query.first && entry.last <= query.last) return 'inside';
  return 'overlaps';
}

function destinationApplies(destination: OtherEndpointDestination, instance: InstanceId): boolean {
  return destination.instances.includes(instance);
}

/**
 * Rows of the other-endpoints table as they apply to one instance, each revision with the changes
 * of that instance's groups only; rows without destinations apply everywhere.
 */
export function rowsForInstance(rows: readonly OtherEndpointRow[], instance: InstanceId): OtherEndpointRow[] {
  const out: OtherEndpointRow[] = [];
  for (const row of rows) {
    const revisions = row.revisions.map((r) => ({ ...r, groups: r.groups.filter((g) => g.instances.includes(instance)) }));
    if (row.destinations.length === 0) {
      out.push({ ...row, revisions });
      continue;
    }
    const destinations = row.destinations.filter((d) => destinationApplies(d, instance));
    if (destinations.length > 0) out.push({ ...row, destinations, revisions });
  }
  return out;
}

function addressErrorMessage(query: string, reason: AddressError): string {
  switch (reason) {
    case 'bad-ipv4':
      return t('"{0}" is not a valid IPv4 address (four numbers 0-255 separated by dots).', query);
    case 'bad-ipv6':
      return t('"{0}" is not a valid IPv6 address.', query);
    case 'bad-prefix-length':
      return t('"{0}" has an invalid prefix length (0-32 for IPv4, 0-128 for IPv6).', query);
    case 'range-reversed':
      return t('"{0}" is a range whose first address is after its last.', query);
    case 'mixed-families':
      return t('"{0}" is a range that mixes IPv4 and IPv6.', query);
    case 'empty':
      return t('The query is empty; give an IP address, CIDR, range or host name.');
    default:
      return t('"{0}" is not a valid address.', query);
  }
}

/** A loaded catalogue of one instance with its address and host-name indexes. Build once, query often. */
export class Catalog {
  readonly instance: InstanceId;
  readonly version: string;
  readonly capturedOn: string;
  readonly versionInferred: boolean;
  readonly sets: readonly EndpointSet[];
  readonly otherRows: readonly OtherEndpointRow[];
  /** Registrable domains of every catalogue URL (for stale-entry checks). */
  readonly domains: ReadonlySet<string>;

  private readonly setIndex = new Map<number, EndpointSet>();
  private readonly rowIndex = new Map<number, OtherEndpointRow>();
  private readonly v4 = new FamilyIndex(4);
  private readonly v6 = new FamilyIndex(6);
  /** Host patterns by their literal suffix labels ("onmicrosoft.com"), so a host visits only its own suffixes' buckets. */
  private readonly hostsBySuffix = new Map<string, HostEntry[]>();
  private readonly tenantParses = new Map<string, Map<HostEntry, ParsedUrlPattern>>();

  constructor(snapshot: CatalogSnapshot, other: OtherEndpointsFile) {
    this.instance = snapshot.instance;
    this.version = snapshot.version;
    this.capturedOn = snapshot.capturedOn;
    this.versionInferred = snapshot.versionInferred;
    this.sets = snapshot.sets;
    this.otherRows = rowsForInstance(other.rows, snapshot.instance);
    const domains = new Set<string>();
    for (const set of this.sets) {
      this.setIndex.set(set.id, set);
      const owner: Owner = { kind: 'set', set, tcp: formatPortList(set.tcpPorts), udp: formatPortList(set.udpPorts) };
      for (const ip of set.ips) this.addAddress(ip, owner);
      for (const url of set.urls) this.addHost(url, owner, domains);
    }
    for (const row of this.otherRows) {
      this.rowIndex.set(row.row, row);
      for (const destination of row.destinations) {
        const owner: Owner = { kind: 'row', row, destination, tcp: formatPortList(destination.tcpPorts), udp: formatPortList(destination.udpPorts) };
        for (const ip of destination.ips) this.addAddress(ip, owner);
        for (const url of destination.urls) this.addHost(url, owner, domains);
      }
    }
    this.v4.seal();
    this.v6.seal();
    this.domains = domains;
  }

  private addAddress(text: string, owner: Owner): void {
    const parsed = parseCidr(text);
    // Snapshots are validated on load; an entry that still fails to parse cannot match anything.
    if (!parsed.ok) return;
    const entry: AddressEntry = { interval: cidrToInterval(parsed.value), prefixLength: parsed.value.prefixLength, text, owner };
    (parsed.value.family === 4 ? this.v4 : this.v6).add(entry);
  }

  private addHost(text: string, owner: Owner, domains: Set<string>): void {
    const parsed = parseUrlPattern(text);
    if (!parsed) return;
    const suffix = literalSuffix(text);
    const entry: HostEntry = { text, parsed, hasTenant: text.includes('<tenant>'), owner };
    const bucket = this.hostsBySuffix.get(suffix);
    if (bucket) bucket.push(entry);
    else this.hostsBySuffix.set(suffix, [entry]);
    const domain = registrableDomain(suffix);
    if (domain && !isThirdPartyDomain(domain)) domains.add(domain);
  }

  setById(id: number): EndpointSet | undefined {
    return this.setIndex.get(id);
  }

  rowByNumber(row: number): OtherEndpointRow | undefined {
    return this.rowIndex.get(row);
  }

  isMicrosoftLookingHost(host: string): boolean {
    return isMicrosoftLookingHost(host, this.domains);
  }

  private match(owner: Owner, entry: string, relation: MatchRelation, interval?: IpInterval): CatalogMatch {
    const base = { instance: this.instance, entry, relation };
    const withInterval = interval ? { interval } : {};
    if (owner.kind === 'set') {
      const { set } = owner;
      return {
        source: 'web-service',
        ...base,
        id: set.id,
        serviceArea: set.serviceArea,
        category: set.category,
        required: set.required,
        tcpPorts: owner.tcp,
        udpPorts: owner.udp,
        ...withInterval,
      };
    }
    return {
      source: 'other-endpoints',
      ...base,
      row: owner.row.row,
      tcpPorts: owner.tcp,
      udpPorts: owner.udp,
      ...withInterval,
    };
  }

  /**
   * Every catalogue entry that shares addresses with the query, with its relation (see
   * addressRelation). Order: equal, contains, inside, overlaps; within each, smaller entries first
   * (the most specific), then Optimize, Allow, Default, then other-endpoints rows, then by set id or
   * row. An IPv4-mapped IPv6 query (::ffff:a.b.c.d) is looked up as the IPv4 address.
   */
  lookupAddress(interval: IpInterval): CatalogMatch[] {
    const query = unmapIpv4(interval) ?? interval;
    const index = query.family === 4 ? this.v4 : this.v6;
    return this.toMatches(index.touching(query), query);
  }

  /** The same answer as lookupAddress by a scan of every entry; for benchmarks and cross-checks. */
  lookupAddressByScan(interval: IpInterval): CatalogMatch[] {
    const query = unmapIpv4(interval) ?? interval;
    const index = query.family === 4 ? this.v4 : this.v6;
    return this.toMatches(index.touchingByScan(query), query);
  }

  private toMatches(entries: AddressEntry[], query: IpInterval): CatalogMatch[] {
    const ranked = entries.map((e) => ({ e, relation: addressRelation(e.interval, query), size: e.interval.last - e.interval.first }));
    ranked.sort(
      (a, b) =>
        RELATION_RANK[a.relation] - RELATION_RANK[b.relation] ||
        (a.size < b.size ? -1 : a.size > b.size ? 1 : 0) ||
        ownerRank(a.e.owner) - ownerRank(b.e.owner) ||
        ownerNumber(a.e.owner) - ownerNumber(b.e.owner) ||
        (a.e.text < b.e.text ? -1 : a.e.text > b.e.text ? 1 : 0),
    );
    return ranked.map((r) => this.match(r.e.owner, r.e.text, r.relation, r.e.interval));
  }

  private parsedFor(entry: HostEntry, tenant: string | undefined): ParsedUrlPattern {
    if (!entry.hasTenant || tenant === undefined) return entry.parsed;
    let cache = this.tenantParses.get(tenant);
    if (!cache) {
      cache = new Map();
      this.tenantParses.set(tenant, cache);
    }
    let parsed = cache.get(entry);
    if (!parsed) {
      parsed = parseUrlPattern(entry.text, tenant) ?? entry.parsed;
      cache.set(entry, parsed);
    }
    return parsed;
  }

  /**
   * Catalogue URL patterns for a host name or a pattern. For a host: every pattern that matches it
   * (`equal` when the pattern is that very host). For a pattern: every catalogue pattern that
   * matches all hosts of the query or whose hosts the query all matches (`equal` when both hold).
   * `<tenant>` in catalogue patterns is filled from `tenant` when given.
   */
  lookupHost(hostOrPattern: string, tenant?: string): CatalogMatch[] {
    const filledTenant = normaliseTenant(tenant);
    const text = normaliseHost(hostOrPattern);
    const query = parseUrlPattern(text, filledTenant);
    if (!query) return [];
    const isHost = !query.deep && query.labels.every((l) => !/[*?]/.test(l));
    const found: Array<{ entry: HostEntry; relation: MatchRelation }> = [];
    if (isHost) {
      const host = query.labels.join('.');
      const labels = host.split('.');
      const suffixes = [''];
      for (let i = labels.length - 1; i >= 0; i--) suffixes.push(labels.slice(i).join('.'));
      for (const suffix of suffixes) {
        for (const entry of this.hostsBySuffix.get(suffix) ?? []) {
          const parsed = this.parsedFor(entry, filledTenant);
          if (!hostMatchesParsed(parsed, host)) continue;
          const exact = !parsed.deep && parsed.labels.join('.') === host;
          found.push({ entry, relation: exact ? 'equal' : 'matches' });
        }
      }
    } else {
      const suffix = literalSuffix(text);
      for (const [key, bucket] of this.hostsBySuffix) {
        if (!isLabelSuffix(key, suffix) && !isLabelSuffix(suffix, key)) continue;
        for (const entry of bucket) {
          const parsed = this.parsedFor(entry, filledTenant);
          const covers = parsedCovers(parsed, query);
          const covered = parsedCovers(query, parsed);
          if (covers || covered) found.push({ entry, relation: covers && covered ? 'equal' : 'matches' });
        }
      }
    }
    found.sort(
      (a, b) =>
        RELATION_RANK[a.relation] - RELATION_RANK[b.relation] ||
        ownerRank(a.entry.owner) - ownerRank(b.entry.owner) ||
        ownerNumber(a.entry.owner) - ownerNumber(b.entry.owner) ||
        (a.entry.text < b.entry.text ? -1 : a.entry.text > b.entry.text ? 1 : 0),
    );
    return found.map((f) => this.match(f.entry.owner, f.entry.text, f.relation));
  }

  /** Parse a user's query (address, CIDR, range a-b, host name or wildcard) and look it up. */
  lookup(queryText: string, tenant?: string): CatalogLookupResult {
    const parsed = parseQuery(queryText);
    if (!parsed.ok) return parsed;
    if (parsed.kind === 'address') {
      const result: CatalogLookupResult = { ok: true, kind: 'address', interval: parsed.interval, matches: this.lookupAddress(parsed.interval) };
      if (parsed.note !== undefined) result.note = parsed.note;
      return result;
    }
    return { ok: true, kind: parsed.kind, host: parsed.host, matches: this.lookupHost(parsed.host, tenant) };
  }
}

function isLabelSuffix(suffix: string, of: string): boolean {
  return suffix === '' || suffix === of || of.endsWith('.' + suffix);
}

/** `52.112.0.0 255.252.0.0` (netmask) or `52.112.0.0 0.3.255.255` (Cisco wildcard), as configs write them. */
function netmaskQuery(text: string, address: string, mask: string): ParsedQuery {
  const netmask = parseNetmaskPair(address, mask);
  const wildcard = netmask.ok ? undefined : parseWildcardPair(address, mask);
  const cidr = netmask.ok ? netmask : wildcard!.ok ? wildcard! : netmask;
  if (!cidr.ok) return { ok: false, error: addressErrorMessage(text, cidr.reason) };
  const interval = cidrToInterval(cidr.value);
  const notes = [
    ...(netmask.ok ? [] : [t('{0} is read as a wildcard mask ({1}).', mask, formatCidr(cidr.value))]),
    ...(cidr.value.hostBitsSet ? [t('{0} has host bits set; looked up {1}.', text, formatCidr(cidr.value))] : []),
  ];
  return notes.length > 0 ? { ok: true, kind: 'address', interval, note: notes.join(' ') } : { ok: true, kind: 'address', interval };
}

export type ParsedQuery =
  | { ok: true; kind: 'address'; interval: IpInterval; note?: string }
  | { ok: true; kind: 'host' | 'pattern'; host: string }
  | { ok: false; error: string };

/** The address-or-host a user typed, checked; the error says what is wrong in words. */
export function parseQuery(queryText: string): ParsedQuery {
  if (queryText.length > MAX_QUERY_LENGTH) {
    return { ok: false, error: t('The query is {0} characters long; at most {1} are allowed.', queryText.length, MAX_QUERY_LENGTH) };
  }
  let text = queryText.trim();
  if (text.length === 0) return { ok: false, error: addressErrorMessage(text, 'empty') };
  const range = /^([0-9A-Fa-f:.]+)\s*-\s*([0-9A-Fa-f:.]+)$/.exec(text);
  const addressLike = (side: string) => /^[\d.]+$/.test(side) || side.includes(':');
  if (range && addressLike(range[1]!) && addressLike(range[2]!)) {
    const r = parseAddressRange(range[1]!, range[2]!);
    return r.ok ? { ok: true, kind: 'address', interval: r.value } : { ok: false, error: addressErrorMessage(text, r.reason) };
  }
  const pair = /^(\d{1,3}(?:\.\d{1,3}){3})\s+(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (pair) return netmaskQuery(text, pair[1]!, pair[2]!);
  if (/^[\d.]+(\/.*)?$/.test(text) || /^[0-9A-Fa-f]*:[0-9A-Fa-f:.]*(\/.*)?$/.test(text)) {
    const slash = text.indexOf('/');
    if (slash < 0) {
      const ip = parseIp(text);
      if (!ip.ok) return { ok: false, error: addressErrorMessage(text, ip.reason) };
      return { ok: true, kind: 'address', interval: { family: ip.value.family, first: ip.value.value, last: ip.value.value } };
    }
    const cidr = parseCidr(text);
    if (!cidr.ok) return { ok: false, error: addressErrorMessage(text, cidr.reason) };
    const interval = cidrToInterval(cidr.value);
    // Devices read 10.1.2.3/8 as 10.0.0.0/8 (or refuse it); look up what they would use and say so.
    if (cidr.value.hostBitsSet) return { ok: true, kind: 'address', interval, note: t('{0} has host bits set; looked up {1}.', text, formatCidr(cidr.value)) };
    return { ok: true, kind: 'address', interval };
  }
  // A pasted URL ("https://outlook.office365.com/owa") stands for its host.
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)/i.exec(text);
  if (url) text = url[1]!.replace(/^[^@]*@/, '').replace(/:\d+$/, '');
  const pattern = parseUrlPattern(text);
  if (!pattern || !/[a-z0-9*>]/i.test(text)) {
    return { ok: false, error: t('"{0}" is not an IP address, CIDR, address range or host name.', text.slice(0, 80)) };
  }
  const host = normaliseHost(text);
  const isPattern = pattern.deep || pattern.labels.some((l) => /[*?]/.test(l));
  return { ok: true, kind: isPattern ? 'pattern' : 'host', host };
}
