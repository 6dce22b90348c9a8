/**
 * Microsoft's URL pattern notation as the endpoint catalogue uses it:
 * - `*.x`: any host below x, one or more labels deep, never x itself;
 * - a label that is only `*` elsewhere (`autodiscover.*.onmicrosoft.com`): exactly one label;
 * - `*` inside a label (`*cdn.onenote.net`, `<tenant>-*.sharepoint.com`): any characters within
 *   that label, including none;
 * - `<tenant>`: the tenant name when one is given, otherwise any one non-empty run of characters
 *   within the label; other placeholders (`<email_domain>`) are always that wildcard.
 * Host names compare case-insensitively, without a trailing dot.
 */

import { globMatches } from '../model/match';

/** Within one label: `?` one character, `*` any run (possibly empty); other characters literal. */
type LabelGlob = string;

export interface ParsedUrlPattern {
  /** True for a leading `*.`: one or more labels before `labels`. */
  deep: boolean;
  labels: LabelGlob[];
}

const MAX_HOST_LENGTH = 253;
/** A written label may exceed DNS's 63 characters only by the placeholder names it contains. */
const MAX_WRITTEN_LABEL_LENGTH = 100;
/** What a pattern may contain besides the wildcard and placeholder syntax. */
const HOST_CHARS = /^[a-z0-9_-]$/;

export function normaliseHost(host: string): string {
  const lower = host.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

function parseLabel(label: string, tenant: string | undefined): LabelGlob | undefined {
  if (label === '*') return '?*';
  let glob = '';
  let i = 0;
  while (i < label.length) {
    const c = label[i]!;
    if (c === '*') {
      if (!glob.endsWith('*')) glob += '*';
      i++;
    } else if (c === '<') {
      const close = label.indexOf('>', i);
      if (close < 0) return undefined;
      const name = label.slice(i + 1, close);
      if (!/^[a-z_][a-z0-9_-]*$/.test(name)) return undefined;
      if (name === 'tenant' && tenant !== undefined) glob += tenant;
      else glob += '?*';
      i = close + 1;
    } else if (HOST_CHARS.test(c)) {
      glob += c;
      i++;
    } else {
      return undefined;
    }
  }
  return glob.length === 0 ? undefined : glob;
}

/** Tenant names are one DNS label; anything else is ignored rather than spliced into patterns. */
export function normaliseTenant(tenant: string | undefined): string | undefined {
  if (tenant === undefined) return undefined;
  const lower = tenant.trim().toLowerCase();
  return /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(lower) ? lower : undefined;
}

/** The pattern's structure, or undefined when it is not a host pattern. */
export function parseUrlPattern(pattern: string, tenant?: string): ParsedUrlPattern | undefined {
  const text = normaliseHost(pattern);
  if (text.length === 0 || text.length > MAX_HOST_LENGTH) return undefined;
  const parts = text.split('.');
  let deep = false;
  if (parts.length > 1 && parts[0] === '*') {
    deep = true;
    parts.shift();
  }
  const filled = normaliseTenant(tenant);
  const labels: LabelGlob[] = [];
  for (const part of parts) {
    if (part.length === 0 || part.length > MAX_WRITTEN_LABEL_LENGTH) return undefined;
    const glob = parseLabel(part, filled);
    if (glob === undefined) return undefined;
    labels.push(glob);
  }
  return { deep, labels };
}

export function hostMatchesParsed(pattern: ParsedUrlPattern, host: string): boolean {
  const labels = host.split('.');
  const extra = labels.length - pattern.labels.length;
  if (pattern.deep ? extra < 1 : extra !== 0) return false;
  for (let i = 0; i < pattern.labels.length; i++) {
    const label = labels[extra + i]!;
    if (label.length === 0 || !globMatches(pattern.labels[i]!, label)) return false;
  }
  return labels.slice(0, extra).every((l) => l.length > 0);
}

/**
 * A matcher for one pattern. A pattern that is not valid host syntax matches nothing; host names
 * longer than DNS allows match nothing.
 */
export function compileUrlPattern(pattern: string, tenant?: string): (host: string) => boolean {
  const parsed = parseUrlPattern(pattern, tenant);
  if (!parsed) return () => false;
  return (host: string) => {
    const name = normaliseHost(host);
    return name.length > 0 && name.length <= MAX_HOST_LENGTH && hostMatchesParsed(parsed, name);
  };
}

/**
 * Whether glob `a` accepts every string glob `b` accepts. `b` is read as a word over its literal
 * characters and two symbols (one unknown character, one unknown run); `a` must match that word,
 * with its own `?` allowed to take a literal or an unknown character and its `*` anything.
 */
function globCovers(a: LabelGlob, b: LabelGlob): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * 1024 + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === a.length) {
      result = j === b.length;
    } else if (a[i] === '*') {
      result = go(i + 1, j) || (j < b.length && go(i, j + 1));
    } else if (j === b.length) {
      result = false;
    } else if (a[i] === '?') {
      result = b[j] !== '*' && go(i + 1, j + 1);
    } else {
      result = a[i] === b[j] && b[j] !== '?' && b[j] !== '*' && go(i + 1, j + 1);
    }
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

export function parsedCovers(a: ParsedUrlPattern, b: ParsedUrlPattern): boolean {
  const k = a.labels.length;
  const n = b.labels.length;
  if (!a.deep) {
    if (b.deep || n !== k) return false;
  } else if (b.deep ? n < k : n < k + 1) {
    return false;
  }
  for (let i = 1; i <= k; i++) {
    if (!globCovers(a.labels[k - i]!, b.labels[n - i]!)) return false;
  }
  return true;
}

/** True when every host name that pattern `b` stands for is matched by pattern `a`. */
export function patternCoversPattern(a: string, b: string, tenant?: string): boolean {
  const pa = parseUrlPattern(a, tenant);
  const pb = parseUrlPattern(b, tenant);
  return pa !== undefined && pb !== undefined && parsedCovers(pa, pb);
}

function fillGlob(glob: LabelGlob, run: string): string {
  return glob.replaceAll('?*', 'probe').replaceAll('?', 'x').replaceAll('*', run);
}

/**
 * A few concrete host names a pattern stands for, used as test flows: the shortest (each `*` run
 * empty, one label under `*.`) and a fuller one (runs filled, two labels under `*.`). An exact
 * host gives itself; a pattern that is not valid host syntax gives nothing.
 */
export function probeHosts(pattern: string, tenant?: string): string[] {
  const parsed = parseUrlPattern(pattern, tenant);
  if (!parsed) return [];
  const shortest = [...(parsed.deep ? ['probe'] : []), ...parsed.labels.map((l) => fillGlob(l, ''))];
  const fuller = [...(parsed.deep ? ['probe', 'probe'] : []), ...parsed.labels.map((l) => fillGlob(l, 'probe'))];
  const out = [shortest.join('.'), fuller.join('.')];
  return out.filter((host, i) => out.indexOf(host) === i && host.split('.').every((l) => l.length > 0));
}

/** True when the pattern has no wildcard or placeholder left (after tenant substitution). */
export function isExactHost(pattern: string, tenant?: string): boolean {
  const parsed = parseUrlPattern(pattern, tenant);
  return parsed !== undefined && !parsed.deep && parsed.labels.every((l) => !/[*?]/.test(l));
}

/**
 * Microsoft's own domains (registrable part); with the domains of the catalogue's URLs they decide
 * which unknown host names in a config look like Microsoft 365 endpoints that were dropped.
 */
const KNOWN_MICROSOFT_DOMAINS = [
  'aka.ms', 'azure.cn', 'azure.com', 'azure.net', 'azure.us', 'azureedge.net', 'bing.com', 'chinacloudapi.cn', 'gfx.ms',
  'live.com', 'live.net', 'lync.com', 'microsoft.cn', 'microsoft.com', 'microsoft.us', 'microsoft365.com',
  'microsoftonline-p.com', 'microsoftonline.cn', 'microsoftonline.com', 'microsoftonline.us', 'msauth.net', 'msecnd.net',
  'msedge.net', 'msft.net', 'msftauth.net', 'msftconnecttest.com', 'msidentity.com', 'msocdn.com', 'office.com',
  'office.net', 'office365.cn', 'office365.com', 'office365.us', 'onedrive.com', 'onenote.com', 'onenote.net',
  'onmicrosoft.com', 'onmicrosoft.us', 'outlook.cn', 'outlook.com', 'partner.outlook.cn', 'sharepoint.cn',
  'sharepoint.com', 'sharepoint.us', 'sharepointonline.com', 'skype.com', 'svc.ms', 'windows.com', 'windows.net',
  'yammer.com',
];

/**
 * Domains the catalogue lists that are not Microsoft's: certificate authorities (revocation and
 * chain downloads) and hardware vendors (TPM attestation). A host under them is not a dropped
 * Microsoft 365 endpoint.
 */
const THIRD_PARTY_DOMAINS = new Set([
  'akamaihd.net', 'amd.com', 'digicert.com', 'entrust.net', 'geotrust.com', 'globalsign.com', 'globalsign.net',
  'identrust.com', 'intel.com', 'letsencrypt.org', 'omniroot.com', 'public-trust.com', 'symcb.com', 'symcd.com',
  'verisign.com', 'verisign.net',
]);

export function isThirdPartyDomain(domain: string): boolean {
  return THIRD_PARTY_DOMAINS.has(normaliseHost(domain));
}

/** Second-level names under which registrable domains sit one label deeper. */
const SHARED_SUFFIXES = new Set(['com.cn', 'net.cn', 'org.cn', 'gov.cn', 'co.uk', 'com.au', 'co.jp']);

/** The registrable domain of a literal host suffix: `a.b.office.com` → `office.com`, `x.net.cn` → its 3 labels. */
export function registrableDomain(host: string): string | undefined {
  const labels = normaliseHost(host).split('.');
  if (labels.length < 2 || labels.some((l) => !/^[a-z0-9_-]+$/.test(l))) return undefined;
  const two = labels.slice(-2).join('.');
  if (SHARED_SUFFIXES.has(two)) return labels.length >= 3 ? labels.slice(-3).join('.') : undefined;
  return two;
}

/** The literal labels at the end of a pattern (`autodiscover.*.onmicrosoft.com` → `onmicrosoft.com`). */
export function literalSuffix(pattern: string): string {
  const labels = normaliseHost(pattern).split('.');
  const out: string[] = [];
  for (let i = labels.length - 1; i >= 0; i--) {
    const label = labels[i]!;
    if (!/^[a-z0-9_-]+$/.test(label)) break;
    out.unshift(label);
  }
  return out.join('.');
}

/**
 * Whether a host name lies under a Microsoft domain: the built-in list, the `.microsoft` top-level
 * domain, or `extraDomains` (a catalogue passes the registrable domains of its own URLs).
 */
export function isMicrosoftLookingHost(host: string, extraDomains?: ReadonlySet<string>): boolean {
  const name = normaliseHost(host);
  if (name === 'microsoft' || name.endsWith('.microsoft')) return true;
  const labels = name.split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const suffix = labels.slice(i).join('.');
    if (KNOWN_MICROSOFT_DOMAINS.includes(suffix) || extraDomains?.has(suffix)) return true;
  }
  return false;
}
