import * as http from 'node:http';
import * as https from 'node:https';
import { t } from '../l10n';

/** What one GET of a web-service method came to; never a thrown error, so the caller can keep the old catalogue. */
export type FetchResult =
  | { kind: 'ok'; status: number; body: unknown }
  | { kind: 'http-error'; status: number; retryAfterSeconds?: number }
  | { kind: 'network'; message: string }
  | { kind: 'timeout' }
  | { kind: 'malformed'; message: string };

/** Fetches one URL and parses its body as JSON. The update client takes another one in tests or hosts. */
export type FetchJson = (url: string, timeoutMs: number) => Promise<FetchResult>;

/** Far above the real /endpoints answer (about 100 kB); stops a broken mirror from filling memory. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d{1,9}$/.test(text)) return Number(text);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}

/**
 * GET with node:http/https, so that inside VS Code's extension host the user's proxy settings
 * apply. No headers are added: Node sends only Host and Connection (it has no default
 * User-Agent), so the web service learns nothing beyond the URL itself. The timeout covers the
 * whole exchange, not just idle time, so a server that trickles bytes cannot hold an update open.
 */
export const fetchJsonOverHttp: FetchJson = (url, timeoutMs) =>
  new Promise<FetchResult>((resolve) => {
    let settled = false;
    // Filled once the request exists; the timer may fire first when the URL cannot even be requested.
    const inFlight: { request?: http.ClientRequest } = {};
    const timer = setTimeout(() => {
      finish({ kind: 'timeout' });
      inFlight.request?.destroy();
    }, timeoutMs);
    const finish = (result: FetchResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      finish({ kind: 'network', message: t('{0} is not a valid URL.', url) });
      return;
    }
    const client = parsed.protocol === 'https:' ? https : parsed.protocol === 'http:' ? http : undefined;
    if (!client) {
      finish({ kind: 'network', message: t('{0} is not an http or https URL.', url) });
      return;
    }
    const request = client.get(parsed, (response) => {
      const status = response.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        response.resume();
        const retryAfterSeconds = parseRetryAfter(header(response.headers['retry-after']), new Date());
        finish(retryAfterSeconds === undefined ? { kind: 'http-error', status } : { kind: 'http-error', status, retryAfterSeconds });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          finish({ kind: 'malformed', message: t('The answer is larger than {0} bytes.', MAX_BODY_BYTES) });
          response.destroy();
          return;
        }
        chunks.push(chunk);
      });
      // A connection cut before Content-Length was reached ends here, not in 'end'.
      response.on('aborted', () => finish({ kind: 'malformed', message: t('The answer was cut off before it was complete.') }));
      response.on('error', () => finish({ kind: 'malformed', message: t('The answer was cut off before it was complete.') }));
      response.on('end', () => {
        if (!response.complete) {
          finish({ kind: 'malformed', message: t('The answer was cut off before it was complete.') });
          return;
        }
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          finish({ kind: 'ok', status, body: JSON.parse(text) as unknown });
        } catch {
          finish({ kind: 'malformed', message: t('The answer is not valid JSON ({0} bytes).', size) });
        }
      });
    });
    inFlight.request = request;
    request.on('error', (error: NodeJS.ErrnoException) => {
      finish({ kind: 'network', message: error.code ?? error.message });
    });
  });

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
