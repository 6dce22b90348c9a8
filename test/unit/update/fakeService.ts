import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogSnapshot, EndpointSet } from '../../../server/src/catalog/types';

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
