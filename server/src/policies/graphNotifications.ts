import type { PortRange } from '../model/config';
import type { PolicyEntry } from '../model/policy';
import { t } from '../l10n';
import { parseServerAddresses } from './exchangeHybrid';
import { HTTPS, catalogIntervals, destinationsFor, missingRowMessage, rowOf, type PolicyCatalog, type PolicyResult } from './common';

export const GRAPH_NOTIFICATIONS_PURPOSE = 'graph-notifications';
const GRAPH_ROW = 23;

export interface GraphNotificationsOptions {
  /** The customer's notification endpoint (webhook receiver), when known; otherwise any local address. */
  serverAddresses?: readonly string[];
}

/**
 * Microsoft Graph change notifications (other-endpoints row 23): inbound HTTPS from the
 * instance's notification senders to the customer's webhook endpoint.
 */
export function graphNotificationsPolicy(catalog: PolicyCatalog, options: GraphNotificationsOptions = {}): PolicyResult {
  const servers = parseServerAddresses(options.serverAddresses ?? []);
  if (servers.errors.length > 0) return { ok: false, errors: servers.errors };
  const row = rowOf(catalog, GRAPH_ROW);
  if (!row) return { ok: false, errors: [missingRowMessage(GRAPH_ROW)] };
  const groups = destinationsFor(row, catalog.instance).filter((d) => d.ips.length > 0 || d.urls.length > 0);
  if (groups.length === 0) {
    return { ok: false, errors: [t('Row {0} lists no Microsoft Graph notification senders for the {1} instance.', GRAPH_ROW, catalog.instance)] };
  }
  const entries: PolicyEntry[] = groups.map((group) => {
    // The row says TCP 443 and warns that subscriptions may name other ports; 443 is the documented default.
    const ports: PortRange[] = group.tcpPorts.length > 0 ? group.tcpPorts : HTTPS;
    return {
      label: `row ${GRAPH_ROW}`,
      origin: { source: 'other-endpoints', row: GRAPH_ROW },
      protocol: 'tcp',
      ports,
      addresses: catalogIntervals(group.ips),
      urls: [...group.urls],
      ...(servers.intervals.length > 0 ? { localAddresses: servers.intervals } : {}),
    };
  });
  const parameters: Record<string, string[]> = {};
  if (servers.canonical.length > 0) parameters.servers = servers.canonical;
  return {
    ok: true,
    notes: [],
    policies: [
      {
        purpose: GRAPH_NOTIFICATIONS_PURPOSE,
        title: 'Microsoft Graph change notifications inbound',
        action: 'allow',
        direction: 'inbound',
        instance: catalog.instance,
        catalogVersion: catalog.version,
        entries,
        parameters,
      },
    ],
  };
}
