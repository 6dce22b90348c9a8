import { formatCidr, parseCidr } from '../model/address';
import { t } from '../l10n';
import { parsePortListChecked } from './ports';
import { CATEGORIES, type CatalogHistory, type CatalogSnapshot, type Category, type EndpointSet, type OtherEndpointsFile } from './types';

export type WebServiceParseResult = { ok: true; sets: EndpointSet[] } | { ok: false; reason: string };

/** Longer than any real host pattern; stops a hostile download from filling memory with one string. */
const MAX_URL_LENGTH = 253;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}

/** A canonical CIDR as the service writes it: explicit prefix, no host bits, lower-case compressed IPv6. */
export function isCanonicalCidr(text: string): boolean {
  if (!text.includes('/')) return false;
  const parsed = parseCidr(text);
  return parsed.ok && !parsed.value.hostBitsSet && formatCidr(parsed.value) === text;
}

function stringArray(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: string[] = [];
  for (const item of value) {
    if (typeof item !== 'string') return undefined;
    out.push(item);
  }
  return out;
}

function parseSet(raw: unknown, index: number, seenIds: Set<number>, capturedOn: string | undefined): EndpointSet | string {
  if (!isRecord(raw)) return t('Endpoint set at position {0} is not an object.', index);
  const id = raw.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    return t('Endpoint set at position {0} has no numeric id.', index);
  }
  if (seenIds.has(id)) return t('Endpoint set id {0} appears more than once.', id);
  seenIds.add(id);
  const { serviceArea, serviceAreaDisplayName, category, required } = raw;
  if (typeof serviceArea !== 'string' || serviceArea === '') {
    return t('Endpoint set {0} has no service area.', id);
  }
  if (typeof serviceAreaDisplayName !== 'string') {
    return t('Endpoint set {0} has no service area display name.', id);
  }
  if (!isCategory(category)) return t('Endpoint set {0} has category {1}; expected Optimize, Allow or Default.', id, JSON.stringify(category) ?? 'undefined');
  if (typeof required !== 'boolean') return t('Endpoint set {0} has no true/false "required" field.', id);
  if (raw.expressRoute !== undefined && typeof raw.expressRoute !== 'boolean') {
    return t('Endpoint set {0} has a field "{1}" of the wrong type.', id, 'expressRoute');
  }
  if (raw.notes !== undefined && typeof raw.notes !== 'string') {
    return t('Endpoint set {0} has a field "{1}" of the wrong type.', id, 'notes');
  }

  const urls = raw.urls === undefined ? [] : stringArray(raw.urls);
  if (!urls) return t('Endpoint set {0} has a field "{1}" of the wrong type.', id, 'urls');
  for (const url of urls) {
    if (url === '' || url.length > MAX_URL_LENGTH || /[\s/]/.test(url)) {
      return t('Endpoint set {0} has an invalid URL pattern {1}.', id, JSON.stringify(url.slice(0, 80)));
    }
  }
  const ips = raw.ips === undefined ? [] : stringArray(raw.ips);
  if (!ips) return t('Endpoint set {0} has a field "{1}" of the wrong type.', id, 'ips');
  for (const ip of ips) {
    if (!isCanonicalCidr(ip)) return t('Endpoint set {0} has {1}, which is not a canonical CIDR.', id, JSON.stringify(ip.slice(0, 80)));
  }

  const ports: Record<'tcpPorts' | 'udpPorts', string> = { tcpPorts: '', udpPorts: '' };
  for (const key of ['tcpPorts', 'udpPorts'] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') return t('Endpoint set {0} has a field "{1}" of the wrong type.', id, key);
    const checked = parsePortListChecked(value);
    if (checked.invalid.length > 0) {
      return t('Endpoint set {0} has a port list {1} that is not ports.', id, JSON.stringify(value.slice(0, 80)));
    }
    ports[key] = value;
  }
  if (urls.length === 0 && ips.length === 0) return t('Endpoint set {0} has neither URLs nor IP addresses.', id);

  const set: EndpointSet = {
    id,
    serviceArea,
    serviceAreaDisplayName,
    urls,
    ips,
    tcpPortsText: ports.tcpPorts,
    udpPortsText: ports.udpPorts,
    tcpPorts: parsePortListChecked(ports.tcpPorts).ranges,
    udpPorts: parsePortListChecked(ports.udpPorts).ranges,
    expressRoute: raw.expressRoute === true,
    category,
    required,
  };
  if (typeof raw.notes === 'string') set.notes = raw.notes;
  if (capturedOn !== undefined) set.capturedOn = capturedOn;
  return set;
}

/**
 * Strict validation of the web service's `/endpoints/{instance}` answer before anything uses it:
 * the update client calls this on every download, so a truncated, empty or altered answer is
 * refused with a reason instead of replacing a good catalogue. Keys the service omits (urls, ips,
 * ports, notes, expressRoute) may be absent; fields added by a later service version are ignored.
 */
export function fromWebServiceJson(raw: unknown, options: { capturedOn?: string } = {}): WebServiceParseResult {
  if (!Array.isArray(raw)) return { ok: false, reason: t('The endpoint list is not a JSON array.') };
  if (raw.length === 0) return { ok: false, reason: t('The endpoint list is empty.') };
  const seenIds = new Set<number>();
  const sets: EndpointSet[] = [];
  for (let i = 0; i < raw.length; i++) {
    const parsed = parseSet(raw[i], i, seenIds, options.capturedOn);
    if (typeof parsed === 'string') return { ok: false, reason: parsed };
    sets.push(parsed);
  }
  return { ok: true, sets };
}

function jsonLines(items: readonly unknown[]): string {
  return items.length === 0 ? '[]' : `[\n${items.map((item) => JSON.stringify(item)).join(',\n')}\n]`;
}

/**
 * The one text form of catalogue files (catalog/*.json and the update cache): header fields first,
 * then one endpoint set per line, so a new catalogue version shows up in a diff as the sets that
 * changed. The same input always gives the same bytes.
 */
export function serializeSnapshot(snapshot: CatalogSnapshot): string {
  const header = {
    format: snapshot.format,
    instance: snapshot.instance,
    version: snapshot.version,
    capturedOn: snapshot.capturedOn,
    versionInferred: snapshot.versionInferred,
  };
  return `${JSON.stringify(header).slice(0, -1)},\n"sets": ${jsonLines(snapshot.sets)}\n}\n`;
}

export function serializeHistory(history: CatalogHistory): string {
  const versions = history.versions.map(
    (v) => {
      const head = { version: v.version, capturedOn: v.capturedOn, versionInferred: v.versionInferred ?? false };
      return `${JSON.stringify(head).slice(0, -1)},\n"sets": ${jsonLines(v.sets)}}`;
    },
  );
  const header = { format: history.format, instance: history.instance };
  return `${JSON.stringify(header).slice(0, -1)},\n"versions": [\n${versions.join(',\n')}\n],\n"changes": ${jsonLines(history.changes)}\n}\n`;
}

export function serializeOtherEndpoints(file: OtherEndpointsFile): string {
  return `{"format": ${file.format}, "revision": ${JSON.stringify(file.revision)}, "release": ${JSON.stringify(file.release)},\n"rows": ${jsonLines(file.rows)}\n}\n`;
}
