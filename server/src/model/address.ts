import ipaddr from 'ipaddr.js';

export type AddressFamily = 4 | 6;

/**
 * A contiguous run of addresses of one family, both ends inclusive.
 * bigint keeps IPv4 and IPv6 on one code path; the index converts to its own layout.
 */
export interface IpInterval {
  family: AddressFamily;
  first: bigint;
  last: bigint;
}

/** An address written as a prefix. `hostBitsSet` records `10.1.2.3/8`-style input, whose network is `network`. */
export interface Cidr {
  family: AddressFamily;
  network: bigint;
  prefixLength: number;
  hostBitsSet: boolean;
}

export type AddressParseResult<T> = { ok: true; value: T } | { ok: false; reason: AddressError };

/** Why a token that looks like an address is not one; each has a message in the analysis layer. */
export type AddressError =
  | 'empty'
  | 'too-long'
  | 'bad-ipv4'
  | 'bad-ipv6'
  | 'bad-prefix-length'
  | 'bad-netmask'
  | 'bad-wildcard-mask'
  | 'range-reversed'
  | 'mixed-families';

const MAX_ADDRESS_TEXT = 100;

export function familyBits(family: AddressFamily): number {
  return family === 4 ? 32 : 128;
}

export function familyMax(family: AddressFamily): bigint {
  return family === 4 ? 0xffffffffn : (1n << 128n) - 1n;
}

function bytesToBigint(bytes: number[]): bigint {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value;
}

/** Strict dotted-quad: four decimal parts 0-255 without leading zeros, as firewalls and the catalogue write them. */
export function parseIpv4(text: string): AddressParseResult<bigint> {
  if (text.length === 0) return { ok: false, reason: 'empty' };
  if (text.length > 15) return { ok: false, reason: 'bad-ipv4' };
  // One pass with numbers (a dotted quad fits in 32 bits): this runs once per address of large files.
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 3 || (digits > 0 && part === 0)) return { ok: false, reason: 'bad-ipv4' };
      part = part * 10 + (c - 48);
      digits++;
    } else if (c === 46 && digits > 0 && part <= 255 && dots < 3) {
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      return { ok: false, reason: 'bad-ipv4' };
    }
  }
  if (dots !== 3 || digits === 0 || part > 255) return { ok: false, reason: 'bad-ipv4' };
  return { ok: true, value: BigInt(value * 256 + part) };
}

export function parseIpv6(text: string): AddressParseResult<bigint> {
  if (text.length === 0) return { ok: false, reason: 'empty' };
  // A zone index (fe80::1%eth0) names an interface, not an address we can look up.
  if (text.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(':')) return { ok: false, reason: 'bad-ipv6' };
  if (!ipaddr.IPv6.isValid(text)) return { ok: false, reason: 'bad-ipv6' };
  try {
    return { ok: true, value: bytesToBigint(ipaddr.IPv6.parse(text).toByteArray()) };
  } catch {
    return { ok: false, reason: 'bad-ipv6' };
  }
}

/** One address of either family. */
export function parseIp(text: string): AddressParseResult<{ family: AddressFamily; value: bigint }> {
  if (text.length === 0) return { ok: false, reason: 'empty' };
  if (text.length > MAX_ADDRESS_TEXT) return { ok: false, reason: 'too-long' };
  if (text.includes(':')) {
    const r = parseIpv6(text);
    return r.ok ? { ok: true, value: { family: 6, value: r.value } } : r;
  }
  const r = parseIpv4(text);
  return r.ok ? { ok: true, value: { family: 4, value: r.value } } : r;
}

function prefixMask(family: AddressFamily, prefixLength: number): bigint {
  const bits = BigInt(familyBits(family));
  const hostBits = bits - BigInt(prefixLength);
  return familyMax(family) ^ ((1n << hostBits) - 1n);
}

/** `a.b.c.d/n` or `x::/n`; a bare address is a host prefix. */
export function parseCidr(text: string): AddressParseResult<Cidr> {
  if (text.length === 0) return { ok: false, reason: 'empty' };
  if (text.length > MAX_ADDRESS_TEXT) return { ok: false, reason: 'too-long' };
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const address = parseIp(addressText);
  if (!address.ok) return address;
  const family = address.value.family;
  let prefixLength = familyBits(family);
  if (slash >= 0) {
    const lengthText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(lengthText)) return { ok: false, reason: 'bad-prefix-length' };
    prefixLength = Number(lengthText);
    if (prefixLength > familyBits(family)) return { ok: false, reason: 'bad-prefix-length' };
  }
  const mask = prefixMask(family, prefixLength);
  const network = address.value.value & mask;
  return { ok: true, value: { family, network, prefixLength, hostBitsSet: network !== address.value.value } };
}

export function cidrToInterval(cidr: Cidr): IpInterval {
  const hostMask = familyMax(cidr.family) ^ prefixMask(cidr.family, cidr.prefixLength);
  return { family: cidr.family, first: cidr.network, last: cidr.network | hostMask };
}

/** Contiguous netmask (255.255.0.0) to prefix length, or undefined when the mask has holes. */
export function netmaskToPrefixLength(mask: bigint, family: AddressFamily): number | undefined {
  const bits = familyBits(family);
  for (let len = 0; len <= bits; len++) {
    if (prefixMask(family, len) === mask) return len;
  }
  return undefined;
}

/** `10.0.0.0 255.0.0.0` (ASA and IOS standard form). */
export function parseNetmaskPair(address: string, netmask: string): AddressParseResult<Cidr> {
  const a = parseIpv4(address);
  if (!a.ok) return a;
  const m = parseIpv4(netmask);
  if (!m.ok) return { ok: false, reason: 'bad-netmask' };
  const prefixLength = netmaskToPrefixLength(m.value, 4);
  if (prefixLength === undefined) return { ok: false, reason: 'bad-netmask' };
  const network = a.value & prefixMask(4, prefixLength);
  return { ok: true, value: { family: 4, network, prefixLength, hostBitsSet: network !== a.value } };
}

/** `10.0.0.0 0.255.255.255` (IOS wildcard form); only contiguous wildcards are ranges. */
export function parseWildcardPair(address: string, wildcard: string): AddressParseResult<Cidr> {
  const a = parseIpv4(address);
  if (!a.ok) return a;
  const w = parseIpv4(wildcard);
  if (!w.ok) return { ok: false, reason: 'bad-wildcard-mask' };
  const prefixLength = netmaskToPrefixLength(w.value ^ 0xffffffffn, 4);
  if (prefixLength === undefined) return { ok: false, reason: 'bad-wildcard-mask' };
  const network = a.value & prefixMask(4, prefixLength);
  return { ok: true, value: { family: 4, network, prefixLength, hostBitsSet: network !== a.value } };
}

/** `first-last` with both ends addresses of one family. */
export function parseAddressRange(first: string, last: string): AddressParseResult<IpInterval> {
  const a = parseIp(first);
  if (!a.ok) return a;
  const b = parseIp(last);
  if (!b.ok) return b;
  if (a.value.family !== b.value.family) return { ok: false, reason: 'mixed-families' };
  if (a.value.value > b.value.value) return { ok: false, reason: 'range-reversed' };
  return { ok: true, value: { family: a.value.family, first: a.value.value, last: b.value.value } };
}

export function formatIp(family: AddressFamily, value: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  }
  const bytes: number[] = [];
  for (let s = 120n; s >= 0n; s -= 8n) bytes.push(Number((value >> s) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIp(cidr.family, cidr.network)}/${cidr.prefixLength}`;
}

/** The smallest list of prefixes that covers exactly the interval, in address order. */
export function intervalToCidrs(interval: IpInterval): Cidr[] {
  const out: Cidr[] = [];
  const bits = familyBits(interval.family);
  let start = interval.first;
  while (start <= interval.last) {
    let size = 0;
    while (size < bits) {
      const next = size + 1;
      const block = 1n << BigInt(next);
      if (start % block !== 0n || start + block - 1n > interval.last) break;
      size = next;
    }
    out.push({ family: interval.family, network: start, prefixLength: bits - size, hostBitsSet: false });
    start += 1n << BigInt(size);
  }
  return out;
}

export function formatInterval(interval: IpInterval): string {
  const cidrs = intervalToCidrs(interval);
  if (cidrs.length === 1) return formatCidr(cidrs[0]!);
  return `${formatIp(interval.family, interval.first)}-${formatIp(interval.family, interval.last)}`;
}

export function intervalsOverlap(a: IpInterval, b: IpInterval): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

export function intervalContains(outer: IpInterval, inner: IpInterval): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

/** Sorted, overlapping and adjacent intervals joined; used wherever lists are deduplicated or merged. */
export function mergeIntervals(intervals: readonly IpInterval[]): IpInterval[] {
  const sorted = [...intervals].sort((a, b) => a.family - b.family || (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const out: IpInterval[] = [];
  for (const iv of sorted) {
    const prev = out[out.length - 1];
    if (prev && prev.family === iv.family && iv.first <= prev.last + 1n) {
      if (iv.last > prev.last) prev.last = iv.last;
    } else {
      out.push({ ...iv });
    }
  }
  return out;
}

/**
 * A test for "does this interval meet any of `intervals`", answered by binary search over the
 * merged list, for sets of thousands of rule addresses asked about many times.
 */
export function overlapTest(intervals: readonly IpInterval[]): (interval: IpInterval) => boolean {
  const merged = mergeIntervals(intervals);
  return (interval) => {
    // The first merged interval that ends at or after the start of `interval`, in its family.
    let low = 0;
    let high = merged.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const m = merged[mid]!;
      if (m.family < interval.family || (m.family === interval.family && m.last < interval.first)) low = mid + 1;
      else high = mid;
    }
    const found = merged[low];
    return found !== undefined && found.family === interval.family && found.first <= interval.last;
  };
}

/** `a` minus every interval in `cut` (same family only). */
export function subtractIntervals(a: IpInterval, cut: readonly IpInterval[]): IpInterval[] {
  let pieces: IpInterval[] = [{ ...a }];
  for (const c of cut) {
    if (c.family !== a.family) continue;
    const next: IpInterval[] = [];
    for (const p of pieces) {
      if (c.last < p.first || c.first > p.last) {
        next.push(p);
        continue;
      }
      if (c.first > p.first) next.push({ family: p.family, first: p.first, last: c.first - 1n });
      if (c.last < p.last) next.push({ family: p.family, first: c.last + 1n, last: p.last });
    }
    pieces = next;
  }
  return pieces;
}

/** Addresses in both lists, merged. */
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

/** Addresses of `a` that are in no interval of `b`, merged. */
export function minusIntervals(a: readonly IpInterval[], b: readonly IpInterval[]): IpInterval[] {
  if (a.length === 0) return [];
  const cut = mergeIntervals(b);
  const out: IpInterval[] = [];
  // Both lists sorted and merged: one sweep, each cut visited once per family.
  let c = 0;
  for (const piece of mergeIntervals(a)) {
    while (c < cut.length && (cut[c]!.family < piece.family || (cut[c]!.family === piece.family && cut[c]!.last < piece.first))) c++;
    let first = piece.first;
    let k = c;
    for (; k < cut.length && cut[k]!.family === piece.family && cut[k]!.first <= piece.last; k++) {
      const next = cut[k]!;
      if (next.first > first) out.push({ family: piece.family, first, last: next.first - 1n });
      if (next.last >= piece.last) {
        first = piece.last + 1n;
        break;
      }
      first = next.last + 1n;
    }
    if (first <= piece.last) out.push({ family: piece.family, first, last: piece.last });
  }
  return out;
}

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) as the IPv4 interval it stands for, or undefined. */
export function unmapIpv4(interval: IpInterval): IpInterval | undefined {
  if (interval.family !== 6) return undefined;
  const base = 0xffffn << 32n;
  if (interval.first >= base && interval.last <= (base | 0xffffffffn)) {
    return { family: 4, first: interval.first - base, last: interval.last - base };
  }
  return undefined;
}
