import { cidrToInterval, parseCidr, type IpInterval } from '../model/address';
import type { PortRange, Rule } from '../model/config';
import { intersectPorts } from '../model/ports';
import type { Flow, FlowOrigin } from '../model/policy';
import type { EndpointSet, OtherEndpointRow } from '../catalog/types';
import type { AnalysisSettings, CatalogView } from './context';

/** Other-endpoints rows whose inbound traffic comes from Exchange Online's own addresses. */
const EXCHANGE_INBOUND_ROWS = [6, 7, 8] as const;

export function intervalsOf(entries: readonly string[]): IpInterval[] {
  const out: IpInterval[] = [];
  for (const entry of entries) {
    const parsed = parseCidr(entry);
    if (parsed.ok) out.push(cidrToInterval(parsed.value));
  }
  return out;
}

/**
 * The service areas a plain web-service request returns. Intune (MEM) sets come only when asked for
 * by name, as the service itself does, so a default check matches Microsoft's default list.
 */
export const DEFAULT_SERVICE_AREAS = ['Common', 'Exchange', 'SharePoint', 'Skype'];

export function setInScope(set: EndpointSet, settings: AnalysisSettings): boolean {
  if (!set.required && !settings.includeOptional) return false;
  const areas = settings.serviceAreas.length > 0 ? settings.serviceAreas : DEFAULT_SERVICE_AREAS;
  if (!areas.some((a) => a.toLowerCase() === set.serviceArea.toLowerCase())) return false;
  if (settings.categories.length > 0 && !settings.categories.includes(set.category)) return false;
  return true;
}

function addressFlows(origin: FlowOrigin, direction: Flow['direction'], intervals: IpInterval[], tcp: PortRange[], udp: PortRange[]): Flow[] {
  if (intervals.length === 0) return [];
  const flows: Flow[] = [];
  if (tcp.length > 0) flows.push({ origin, direction, protocol: 'tcp', ports: tcp, remote: { kind: 'addresses', intervals } });
  if (udp.length > 0) flows.push({ origin, direction, protocol: 'udp', ports: udp, remote: { kind: 'addresses', intervals } });
  return flows;
}

function rowFlows(row: OtherEndpointRow, instance: string): Flow[] {
  const direction = row.direction === 'inbound' ? 'inbound' : 'outbound';
  return row.destinations
    .filter((d) => (d.instances as readonly string[]).includes(instance))
    .flatMap((d) => addressFlows({ source: 'other-endpoints', row: row.row }, direction, intervalsOf(d.ips), d.tcpPorts, d.udpPorts));
}

/**
 * Outbound: every in-scope set's IPs × its TCP and UDP ports, plus the other-endpoints rows with
 * addresses when optional endpoints are included (Microsoft calls all of them optional for most
 * customers). The customer side is "any client".
 */
export function outboundFlows(catalog: CatalogView, settings: AnalysisSettings): Flow[] {
  const flows: Flow[] = [];
  for (const set of catalog.sets) {
    if (!setInScope(set, settings)) continue;
    const origin: FlowOrigin = { source: 'web-service', instance: catalog.instance, setId: set.id };
    flows.push(...addressFlows(origin, 'outbound', intervalsOf(set.ips), set.tcpPorts, set.udpPorts));
  }
  if (settings.includeOptional) {
    for (const row of catalog.otherRows) if (row.direction !== 'inbound') flows.push(...rowFlows(row, catalog.instance));
  }
  return flows;
}

/**
 * Inbound (Exchange hybrid): mail from Exchange Online Protection on TCP 25 (the Exchange set that
 * lists port 25), and EWS/MRS, free/busy and hybrid proxy authentication on TCP 443 from Exchange
 * Online's addresses (rows 6–8 point at the Exchange Online sets for their sources).
 */
export function inboundFlows(catalog: CatalogView, settings: AnalysisSettings): Flow[] {
  const flows: Flow[] = [];
  const exchange = catalog.sets.filter((s) => s.serviceArea === 'Exchange' && s.ips.length > 0);
  const https: PortRange[] = [{ from: 443, to: 443 }];
  const smtp: PortRange[] = [{ from: 25, to: 25 }];
  for (const set of exchange) {
    if (set.tcpPorts.some((p) => p.from <= 25 && 25 <= p.to)) {
      const origin: FlowOrigin = { source: 'web-service', instance: catalog.instance, setId: set.id };
      flows.push(...addressFlows(origin, 'inbound', intervalsOf(set.ips), smtp, []));
    }
  }
  const online = exchange.find((s) => s.category === 'Optimize' && s.tcpPorts.some((p) => p.from <= 443 && 443 <= p.to));
  if (online) {
    const row = catalog.otherRows.find((r) => (EXCHANGE_INBOUND_ROWS as readonly number[]).includes(r.row));
    const origin: FlowOrigin = row ? { source: 'other-endpoints', row: row.row } : { source: 'web-service', instance: catalog.instance, setId: online.id };
    flows.push(...addressFlows(origin, 'inbound', intervalsOf(online.ips), https, []));
  }
  if (settings.includeOptional) {
    for (const row of catalog.otherRows) if (row.direction === 'inbound') flows.push(...rowFlows(row, catalog.instance));
  }
  return flows;
}

/** The ports of a set's traffic that goes through a forward proxy: web requests; SMTP, IMAP and POP go around it. */
const PROXIED_PORTS: PortRange[] = [
  { from: 80, to: 80 },
  { from: 443, to: 443 },
];

/**
 * Outbound requests by host name: every in-scope set's URL patterns × its web ports, the traffic a
 * forward proxy decides by name. Evaluated only on paths that decide by host.
 */
export function hostFlowsFor(catalog: CatalogView, settings: AnalysisSettings): Flow[] {
  if (settings.direction === 'inbound') return [];
  const flows: Flow[] = [];
  for (const set of catalog.sets) {
    const ports = setInScope(set, settings) ? intersectPorts(set.tcpPorts, PROXIED_PORTS) : [];
    if (ports.length === 0) continue;
    const origin: FlowOrigin = { source: 'web-service', instance: catalog.instance, setId: set.id };
    for (const url of set.urls) flows.push({ origin, direction: 'outbound', protocol: 'tcp', ports, remote: { kind: 'host', pattern: url } });
  }
  return flows;
}

export function flowsFor(catalog: CatalogView, settings: AnalysisSettings): Flow[] {
  const flows: Flow[] = [];
  if (settings.direction !== 'inbound') flows.push(...outboundFlows(catalog, settings));
  if (settings.direction !== 'outbound') flows.push(...inboundFlows(catalog, settings));
  return flows;
}

/**
 * The inbound flows of "other endpoints" rows the file itself names as senders, when optional
 * rows are not in scope: an allow-list for some of a row's addresses (a Graph change-notification
 * receiver) shows the author wants the row, so the rest of it is checked too.
 */
export function namedRowFlows(catalog: CatalogView, settings: AnalysisSettings, named: (intervals: readonly IpInterval[]) => boolean): Flow[] {
  if (settings.includeOptional || settings.direction === 'outbound') return [];
  return catalog.otherRows.filter((row) => row.direction === 'inbound').flatMap((row) => rowFlows(row, catalog.instance).filter((f) => f.remote.kind === 'addresses' && named(f.remote.intervals)));
}

/**
 * The flows of some addresses of one set or row alone, with its ports, direction and scope: the
 * traffic an announced addition or a catalogue change adds. Rows keep their numbers (inbound
 * Exchange traffic is named after them) but lose every other destination.
 */
export function flowsForEntries(catalog: CatalogView, settings: AnalysisSettings, of: { setId: number } | { row: number }, ips: readonly string[]): Flow[] {
  const wanted = new Set(ips);
  const otherRows = catalog.otherRows.map((row) =>
    'row' in of && row.row === of.row ? { ...row, destinations: row.destinations.map((d) => ({ ...d, ips: d.ips.filter((ip) => wanted.has(ip)) })) } : { ...row, destinations: [] },
  );
  const set = 'setId' in of ? catalog.sets.find((s) => s.id === of.setId) : undefined;
  const view: CatalogView = { ...catalog, sets: set ? [{ ...set, ips: [...ips], urls: [] }] : [], otherRows };
  return flowsFor(view, 'row' in of ? { ...settings, includeOptional: true } : settings);
}

/** Whether a rule could carry a set's traffic: no port restriction, or one that meets the set's ports. */
export function portsFit(rule: Rule, set: EndpointSet): boolean {
  const ports = rule.destinationPorts;
  if (!ports || ports.length === 0) return true;
  const protocols = rule.protocols?.map((p) => p.toLowerCase());
  const tcp = !protocols || protocols.includes('tcp') ? intersectPorts(ports, set.tcpPorts).length > 0 : false;
  const udp = !protocols || protocols.includes('udp') ? intersectPorts(ports, set.udpPorts).length > 0 : false;
  return tcp || udp;
}

export function originKey(origin: FlowOrigin): string {
  return origin.source === 'web-service' ? `set:${origin.setId}` : `row:${origin.row}`;
}

function ipv4Only(ips: readonly string[]): string[] {
  return ips.filter((ip) => !ip.includes(':'));
}

/**
 * The catalogue as a site without IPv6 egress sees it (`noIPv6`, as the web service's `NoIPv6`
 * parameter): no set, row or announced addition asks for an IPv6 prefix. Lookups stay whole, so a
 * hover over an IPv6 address still says which set it belongs to.
 */
export function withoutIPv6(catalog: CatalogView): CatalogView {
  return {
    instance: catalog.instance,
    version: catalog.version,
    sets: catalog.sets.map((s) => ({ ...s, ips: ipv4Only(s.ips) })),
    otherRows: catalog.otherRows.map((r) => ({ ...r, destinations: r.destinations.map((d) => ({ ...d, ips: ipv4Only(d.ips) })) })),
    ...(catalog.announced ? { announced: catalog.announced.map((a) => ({ ...a, ips: ipv4Only(a.ips) })).filter((a) => a.ips.length > 0 || a.urls.length > 0) } : {}),
    lookupAddress: (interval) => catalog.lookupAddress(interval),
    lookupHost: (host, tenant) => catalog.lookupHost(host, tenant),
  };
}
