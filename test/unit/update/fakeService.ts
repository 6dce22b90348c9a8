import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CatalogSnapshot, EndpointSet } from '../../../server/src/catalog/types';
import { updateCatalog } from '../../../server/src/catalog/update';

const root = join(__dirname, '..', '..', '..');

/** The shipped catalogue of an instance, as the project stores it. */
export function shippedSnapshot(file = 'worldwide.json'): CatalogSnapshot {
  return JSON.parse(readFileSync(join(root, 'catalog', file), 'utf8')) as CatalogSnapshot;
}

/** One stored set back in the web service's own JSON form (absent keys omitted, as the service does). */
export function toServiceJson(set: EndpointSet): Record<string, unknown> {
  const out: Record<string, unknown> = { id: set.id, serviceArea: set.serviceArea, serviceAreaDisplayName: set.serviceAreaDisplayName };
  if (set.urls.length > 0) out.urls = set.urls;
  if (set.ips.length > 0) out.ips = set.ips;
  if (set.tcpPortsText !== '') out.tcpPorts = set.tcpPortsText;
  if (set.udpPortsText !== '') out.udpPorts = set.udpPortsText;
  out.expressRoute = set.expressRoute;
  out.category = set.category;
  out.required = set.required;
  if (set.notes !== undefined) out.notes = set.notes;
  return out;
}

/** What the fake answers for one request. */
export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless `raw` is given. */
  json?: unknown;
  raw?: string;
  /** Wait this long before answering (for timeouts). */
  delayMs?: number;
  /** Announce the full length but send only the first half, then cut the connection. */
  truncate?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  clientRequestId: string | null;
  serviceAreas: string | null;
  headers: IncomingMessage['headers'];
}

/**
 * A stand-in for endpoints.office.com on 127.0.0.1 (an ephemeral port): answers through a
 * handler the test can swap, and records every request so tests can count them and check what
 * was sent.
 */
export class FakeWebService {
  readonly requests: RecordedRequest[] = [];
  handler: (path: string) => FakeAnswer = () => ({ status: 404, json: { error: 'not found' } });
  private server: Server | undefined;
  private port = 0;

  async start(): Promise<void> {
    const server = createServer((req, res) => this.answer(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  count(pathPrefix: string): number {
    return this.requests.filter((r) => r.path.startsWith(pathPrefix)).length;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.requests.push({
      method: req.method ?? '',
      path: url.pathname,
      clientRequestId: url.searchParams.get('clientrequestid'),
      serviceAreas: url.searchParams.get('ServiceAreas'),
      headers: req.headers,
    });
    const answer = this.handler(url.pathname);
    const send = (): void => {
      if (res.destroyed) return;
      const body = answer.raw ?? JSON.stringify(answer.json ?? null);
      const bytes = Buffer.from(body, 'utf8');
      res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(bytes.length), ...answer.headers });
      if (answer.truncate) {
        res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
        return;
      }
      res.end(bytes);
    };
    if (answer.delayMs) {
      const timer = setTimeout(send, answer.delayMs);
      res.on('close', () => clearTimeout(timer));
    } else {
      send();
    }
  }
}

/**
 * A catalogue release with the kinds of change admins must act on before they happen: additions
 * announced with an effective date still ahead, an address removed, an addition already in
 * effect, changed ports and a set moved to Default that no longer publishes addresses. The
 * service answers as of 2026-11-26; every effective date is counted from that day.
 */
export const CHANGES_SCENARIO = {
  previousVersion: '2026081400',
  version: '2026120100',
  servedOn: '2026-11-26T12:00:00Z',
  /** Sets 11 and 12 (Teams): effective 2026-12-01. */
  teamsAddition: '52.120.0.0/16',
  /** Sets 1 and 2 (Exchange Online): effective 2026-12-15. */
  exchangeAddition: '40.112.0.0/16',
  /** Sets 9 and 10 (Exchange Online Protection): in effect since 2026-11-20. */
  protectionAddition: '40.94.0.0/16',
  /** Removed from sets 9 and 10. */
  protectionRemoval: '104.47.0.0/17',
  /** Set 31 (SharePoint Online): effective 2026-12-10. */
  sharePointAnnouncedHost: '*.sharepointonline.com',
  /** Set 31: in effect since 2026-11-20. */
  sharePointAddedHost: '*.sharepoint.microsoft',
  /** Set 11's UDP ports after the release. */
  teamsUdpPorts: '3478-3481, 50000-50059',
} as const;

/** The scenario's `/endpoints/Worldwide` answer: the shipped catalogue with the scenario's changes applied. */
export function scenarioEndpoints(): Array<Record<string, unknown>> {
  const s = CHANGES_SCENARIO;
  const sets = shippedSnapshot().sets.map(toServiceJson);
  const set = (id: number): Record<string, unknown> => sets.find((x) => x.id === id)!;
  const add = (id: number, key: 'ips' | 'urls', entry: string): void => {
    set(id)[key] = [...((set(id)[key] as string[] | undefined) ?? []), entry];
  };
  for (const id of [11, 12]) add(id, 'ips', s.teamsAddition);
  for (const id of [1, 2]) add(id, 'ips', s.exchangeAddition);
  for (const id of [9, 10]) {
    add(id, 'ips', s.protectionAddition);
    set(id).ips = (set(id).ips as string[]).filter((ip) => ip !== s.protectionRemoval);
  }
  add(31, 'urls', s.sharePointAnnouncedHost);
  add(31, 'urls', s.sharePointAddedHost);
  set(11).udpPorts = s.teamsUdpPorts;
  const s46 = set(46);
  s46.category = 'Default';
  delete s46.ips;
  return sets;
}

/** The scenario's `/changes/Worldwide/2026081400` answer, as the service writes change records. */
export function scenarioChanges(): Array<Record<string, unknown>> {
  const s = CHANGES_SCENARIO;
  const version = s.version;
  const set46 = shippedSnapshot().sets.find((x) => x.id === 46)!;
  return [
    ...[11, 12].map((id, i) => ({ id: 12001 + i, endpointSetId: id, disposition: 'Change', impact: 'AddedIp', version, add: { effectiveDate: '20261201', ips: [s.teamsAddition] } })),
    ...[1, 2].map((id, i) => ({ id: 12003 + i, endpointSetId: id, disposition: 'Change', impact: 'AddedIp', version, add: { effectiveDate: '20261215', ips: [s.exchangeAddition] } })),
    ...[9, 10].map((id, i) => ({ id: 12005 + i, endpointSetId: id, disposition: 'Change', impact: 'AddedIp', version, add: { effectiveDate: '20261120', ips: [s.protectionAddition] } })),
    ...[9, 10].map((id, i) => ({ id: 12007 + i, endpointSetId: id, disposition: 'Change', impact: 'RemovedIpOrUrl', version, remove: { ips: [s.protectionRemoval] } })),
    { id: 12009, endpointSetId: 46, disposition: 'Change', impact: 'MovedIpOrUrl', version, previous: { category: 'Allow' }, current: { category: 'Default' }, remove: { ips: set46.ips } },
    { id: 12010, endpointSetId: 11, disposition: 'Change', impact: 'OtherNonPriorityChanges', version, previous: { udpPorts: '3478, 3479, 3480, 3481' }, current: { udpPorts: s.teamsUdpPorts } },
    { id: 12011, endpointSetId: 31, disposition: 'Change', impact: 'AddedUrl', version, add: { effectiveDate: '20261210', urls: [s.sharePointAnnouncedHost] } },
    { id: 12012, endpointSetId: 31, disposition: 'Change', impact: 'AddedUrl', version, add: { effectiveDate: '20261120', urls: [s.sharePointAddedHost] } },
  ];
}

/** Answers `/version`, `/endpoints` and `/changes` for Worldwide as the scenario release. */
export function serveScenario(service: FakeWebService): void {
  const s = CHANGES_SCENARIO;
  const endpoints = scenarioEndpoints();
  const changes = scenarioChanges();
  service.handler = (path) => {
    if (path === '/version/Worldwide') return { json: { instance: 'Worldwide', latest: s.version } };
    if (path === '/endpoints/Worldwide') return { json: endpoints };
    if (path === `/changes/Worldwide/${s.previousVersion}`) return { json: changes };
    return { status: 404, json: { error: 'unknown method' } };
  };
}

/**
 * A catalogue cache that holds the scenario release, installed the way users get it: the update
 * client asks a fake web service on 127.0.0.1. The caller removes the folder.
 */
export async function installScenario(): Promise<string> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'endpoint-lens-scenario-'));
  const service = new FakeWebService();
  await service.start();
  try {
    serveScenario(service);
    const outcome = await updateCatalog({ baseUrl: service.baseUrl, instance: 'Worldwide', cacheDir, force: true, now: () => new Date(CHANGES_SCENARIO.servedOn) });
    if (outcome.status !== 'updated') throw new Error(`scenario not installed: ${outcome.message}`);
  } finally {
    await service.stop();
  }
  return cacheDir;
}
