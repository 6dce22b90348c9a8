import { cidrToInterval, formatCidr, parseCidr, type AddressError, type IpInterval } from '../model/address';
import type { PortRange, TrafficDirection } from '../model/config';
import type { Policy, PolicyEntry } from '../model/policy';
import type { EndpointSet } from '../catalog/types';
import { EXCHANGE_HYBRID_FEATURES, type ExchangeHybridFeature } from '../protocol';
import { t } from '../l10n';
import {
  HTTPS,
  SMTP,
  catalogIntervals,
  destinationsFor,
  missingRowMessage,
  portsInclude,
  rowOf,
  setLabel,
  type PolicyCatalog,
  type PolicyResult,
} from './common';
import { announcedParameters, catalogWithAnnounced } from './announced';
import { requestPathOf } from '../catalog/requestPaths';

export interface ExchangeHybridOptions {
  features: readonly string[];
  /** On-premises Exchange server addresses (IPs or CIDRs); needed by every inbound feature. */
  serverAddresses: readonly string[];
  /** Put additions announced for a later day into the rules now (the default). */
  includeAnnounced?: boolean;
}

/** Which way each feature's traffic goes; inbound ones reach the on-premises server. */
const FEATURE_DIRECTION: Record<ExchangeHybridFeature, 'inbound' | 'outbound'> = {
  'mailbox-migration': 'inbound',
  'free-busy': 'inbound',
  'hybrid-configuration-wizard': 'outbound',
  autodiscover: 'inbound',
  'hybrid-authentication': 'outbound',
  'mail-flow': 'inbound',
};

/** One managed block per direction, because a block sits in one chain or list. */
export function exchangeHybridPurpose(direction: 'inbound' | 'outbound'): string {
  return `exchange-hybrid-${direction}`;
}

export function isExchangeHybridFeature(value: string): value is ExchangeHybridFeature {
  return (EXCHANGE_HYBRID_FEATURES as readonly string[]).includes(value);
}

export function featureDirection(feature: ExchangeHybridFeature): 'inbound' | 'outbound' {
  return FEATURE_DIRECTION[feature];
}

function addressErrorText(reason: AddressError): string {
  switch (reason) {
    case 'empty':
      return t('it is empty');
    case 'too-long':
      return t('it is too long');
    case 'bad-ipv4':
      return t('it is not a valid IPv4 address');
    case 'bad-ipv6':
      return t('it is not a valid IPv6 address');
    case 'bad-prefix-length':
      return t('the prefix length is out of range');
    default:
      return t('it is not an address');
  }
}

/** Server addresses as intervals, or one clear message per address that is not usable. */
export function parseServerAddresses(texts: readonly string[]): { intervals: IpInterval[]; canonical: string[]; errors: string[] } {
  const intervals: IpInterval[] = [];
  const canonical: string[] = [];
  const errors: string[] = [];
  for (const raw of texts) {
    const text = raw.trim();
    const parsed = parseCidr(text);
    if (!parsed.ok) {
      errors.push(t('Server address "{0}" is not an IP address or CIDR: {1}.', text, addressErrorText(parsed.reason)));
      continue;
    }
    if (parsed.value.hostBitsSet) {
      // 192.0.2.10/24 usually means "the server 192.0.2.10 on a /24"; allowing the whole /24 in would be a surprise.
      errors.push(t('Server address "{0}" has host bits set; write the server as {1} or the network as {2}.', text, text.slice(0, text.indexOf('/')), formatCidr(parsed.value)));
      continue;
    }
    const text2 = formatCidr(parsed.value);
    if (canonical.includes(text2)) continue;
    canonical.push(text2);
    intervals.push(cidrToInterval(parsed.value));
  }
  return { intervals, canonical, errors };
}

/** Exchange Online's own addresses that connect to on-premises servers over HTTPS (web service, Exchange sets with IPs on TCP 443). */
function exchangeOnlineHttpsSets(catalog: PolicyCatalog): EndpointSet[] {
  return catalog.sets.filter((s) => s.serviceArea === 'Exchange' && s.ips.length > 0 && portsInclude(s.tcpPorts, 443));
}

/** Exchange Online Protection's SMTP senders: Exchange sets with IPs on TCP 25. */
function exchangeOnlineProtectionSets(catalog: PolicyCatalog): EndpointSet[] {
  return catalog.sets.filter((s) => s.serviceArea === 'Exchange' && s.ips.length > 0 && portsInclude(s.tcpPorts, 25));
}

interface Builder {
  catalog: PolicyCatalog;
  servers: IpInterval[];
  entries: Map<'inbound' | 'outbound', PolicyEntry[]>;
  notes: string[];
  errors: string[];
}

function push(b: Builder, direction: 'inbound' | 'outbound', entry: PolicyEntry): void {
  const list = b.entries.get(direction) ?? [];
  list.push(entry);
  b.entries.set(direction, list);
}

/** The row's own TCP ports for the customer side, or HTTPS when the row does not say. */
function rowTcpPorts(b: Builder, row: number): PortRange[] {
  const ports = destinationsFor(rowOf(b.catalog, row), b.catalog.instance).flatMap((d) => d.tcpPorts);
  return ports.length > 0 ? ports : HTTPS;
}

/** Inbound HTTPS from every Exchange Online set that carries addresses, for the given row's purpose. */
function inboundFromExchangeOnline(b: Builder, row: number): void {
  if (!rowOf(b.catalog, row)) {
    b.errors.push(missingRowMessage(row));
    return;
  }
  const sets = exchangeOnlineHttpsSets(b.catalog);
  if (sets.length === 0) {
    b.notes.push(t('The {0} catalogue has no Exchange Online set with addresses on TCP 443; row {1} adds no rules.', b.catalog.instance, row));
  }
  const ports = rowTcpPorts(b, row);
  for (const set of sets) {
    push(b, 'inbound', {
      label: `${setLabel(set)}, row ${row}`,
      origin: { source: 'other-endpoints', row },
      protocol: 'tcp',
      ports,
      addresses: catalogIntervals(set.ips),
      urls: [],
      localAddresses: b.servers,
      ...requestPathOfRow(row),
    });
  }
}

/** The request path of an inbound row's web requests, for placing its rules where that path is served. */
function requestPathOfRow(row: number): { requestPath?: string } {
  const path = requestPathOf({ source: 'other-endpoints', row });
  return path ? { requestPath: path } : {};
}

/** Rows whose destinations are Microsoft's own (outbound), or the Microsoft side of an inbound row. */
function rowEntries(b: Builder, row: number, direction: 'inbound' | 'outbound'): void {
  const found = rowOf(b.catalog, row);
  if (!found) {
    b.errors.push(missingRowMessage(row));
    return;
  }
  const groups = destinationsFor(found, b.catalog.instance).filter((d) => d.ips.length > 0 || d.urls.length > 0);
  if (groups.length === 0 && direction === 'outbound') {
    b.notes.push(t('Row {0} lists no endpoints for the {1} instance; it adds no rules.', row, b.catalog.instance));
  }
  for (const group of groups) {
    const protocols: Array<['tcp' | 'udp', PortRange[]]> = [];
    if (group.tcpPorts.length > 0 || group.udpPorts.length === 0) protocols.push(['tcp', group.tcpPorts.length > 0 ? group.tcpPorts : HTTPS]);
    if (group.udpPorts.length > 0) protocols.push(['udp', group.udpPorts]);
    for (const [protocol, ports] of protocols) {
      push(b, direction, {
        label: `row ${row}`,
        origin: { source: 'other-endpoints', row },
        protocol,
        ports,
        addresses: catalogIntervals(group.ips),
        urls: [...group.urls],
        ...(direction === 'inbound' ? { localAddresses: b.servers, ...requestPathOfRow(row) } : {}),
      });
    }
  }
}

function addFeature(b: Builder, feature: ExchangeHybridFeature): void {
  switch (feature) {
    case 'mailbox-migration':
      inboundFromExchangeOnline(b, 6);
      return;
    case 'free-busy':
      inboundFromExchangeOnline(b, 7);
      inboundFromExchangeOnline(b, 8);
      return;
    case 'hybrid-configuration-wizard':
      rowEntries(b, 9, 'outbound');
      return;
    case 'autodiscover':
      // Row 10 names the AutoDetect service's own ranges; Exchange Online's addresses also call the server.
      rowEntries(b, 10, 'inbound');
      inboundFromExchangeOnline(b, 10);
      return;
    case 'hybrid-authentication':
      rowEntries(b, 11, 'outbound');
      return;
    case 'mail-flow': {
      const sets = exchangeOnlineProtectionSets(b.catalog);
      if (sets.length === 0) {
        b.notes.push(t('The {0} catalogue has no Exchange Online Protection set with addresses on TCP 25; mail flow adds no rules.', b.catalog.instance));
      }
      for (const set of sets) {
        push(b, 'inbound', {
          label: setLabel(set),
          origin: { source: 'web-service', instance: b.catalog.instance, setId: set.id },
          protocol: 'tcp',
          ports: SMTP,
          addresses: catalogIntervals(set.ips),
          urls: [],
          localAddresses: b.servers,
        });
      }
      return;
    }
  }
}

/**
 * The Exchange hybrid rules for the chosen features: inbound from Exchange Online to the
 * on-premises server (rows 6, 7, 8, 10 and mail flow) and outbound from the server (rows 9, 11).
 * Gives one policy per direction that has features.
 */
export function exchangeHybridPolicies(given: PolicyCatalog, options: ExchangeHybridOptions): PolicyResult {
  const includeAnnounced = options.includeAnnounced !== false;
  const catalog = catalogWithAnnounced(given, includeAnnounced);
  const errors: string[] = [];
  const features: ExchangeHybridFeature[] = [];
  for (const raw of options.features) {
    const name = raw.trim();
    if (!isExchangeHybridFeature(name)) {
      errors.push(t('Unknown Exchange hybrid feature "{0}"; choose from {1}.', name, EXCHANGE_HYBRID_FEATURES.join(', ')));
    } else if (!features.includes(name)) {
      features.push(name);
    }
  }
  if (options.features.length === 0) errors.push(t('Choose at least one Exchange hybrid feature.'));
  const servers = parseServerAddresses(options.serverAddresses);
  errors.push(...servers.errors);
  const needsServer = features.some((f) => FEATURE_DIRECTION[f] === 'inbound');
  if (needsServer && options.serverAddresses.length === 0) {
    errors.push(t('Inbound Exchange hybrid features need the on-premises server address (for example 192.0.2.10).'));
  }
  if (errors.length > 0) return { ok: false, errors };

  // Features in the one documented order, so the same choice always renders the same block.
  const ordered = EXCHANGE_HYBRID_FEATURES.filter((f) => features.includes(f));
  const builder: Builder = { catalog, servers: servers.intervals, entries: new Map(), notes: [], errors: [] };
  for (const feature of ordered) addFeature(builder, feature);
  if (builder.errors.length > 0) return { ok: false, errors: builder.errors };

  const policies: Policy[] = [];
  for (const direction of ['inbound', 'outbound'] as const) {
    const directionFeatures = ordered.filter((f) => FEATURE_DIRECTION[f] === direction);
    if (directionFeatures.length === 0) continue;
    const parameters: Record<string, string[]> = { features: directionFeatures, ...announcedParameters(includeAnnounced) };
    if (direction === 'inbound') parameters.servers = servers.canonical;
    policies.push({
      purpose: exchangeHybridPurpose(direction),
      title: `Exchange hybrid ${direction}: ${directionFeatures.join(', ')}`,
      action: 'allow',
      direction: direction satisfies TrafficDirection,
      instance: catalog.instance,
      catalogVersion: catalog.version,
      entries: builder.entries.get(direction) ?? [],
      parameters,
    });
  }
  return { ok: true, policies, notes: builder.notes };
}
