import { mergeIntervals, type IpInterval } from '../model/address';

/** Naming shared by the renderers that define named objects (Cisco object-groups, PAN-OS address objects and rules). */

/** A purpose or label as a name part: upper case, runs of other characters as one hyphen. */
export function nameSlug(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'POLICY';
}

/** A name within the device's length limit; a longer one keeps its start and ends in a hash of the whole, so names stay distinct. */
export function clampName(name: string, max: number): string {
  if (name.length <= max) return name;
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) >>> 0;
  const suffix = `-${hash.toString(16).toUpperCase()}`;
  return name.slice(0, max - suffix.length) + suffix;
}

/** Addresses as a key that is equal exactly when they cover the same addresses. */
export function addressKey(intervals: readonly IpInterval[]): string {
  return mergeIntervals(intervals)
    .map((i) => `${i.family}:${i.first.toString(16)}-${i.last.toString(16)}`)
    .join(',');
}
