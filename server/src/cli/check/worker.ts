import { parentPort, workerData } from 'node:worker_threads';
import { Engine, includeOptions } from '../../engine';
import type { CatalogInfo } from '../../protocol';
import { useBundle } from '../../l10n';
import { analyseFile, type CheckRequest, type FileOutcome } from './analyseFile';
import type { FileProject } from './project';

/**
 * `check` analyses each file in a worker thread of its own (see pool.ts), so one file that throws,
 * exhausts its heap or never finishes is reported on that file and the run goes on. This is the
 * thread's side: one engine, one file at a time.
 */

export const CHECK_WORKER_ROLE = 'endpoint-lens-check';

export interface CheckWorkerData {
  role: typeof CHECK_WORKER_ROLE;
  cacheDir?: string;
  /** `--as-of`: the day the catalogue is read as of (announced additions in effect or not). */
  asOf?: string;
  trusted: boolean;
  l10nBundle?: Record<string, string>;
  request: Omit<CheckRequest, 'displayPath'>;
}

export type ToCheckWorker = { type: 'file'; id: number; path: string; displayPath: string; project: FileProject };

export type FromCheckWorker =
  | { type: 'ready'; catalog: CatalogInfo }
  | { type: 'start-failed'; message: string }
  | { type: 'done'; id: number; outcome: FileOutcome }
  | { type: 'failed'; id: number; message: string };

export function isCheckWorker(): boolean {
  return (workerData as Partial<CheckWorkerData> | null)?.role === CHECK_WORKER_ROLE;
}

export function runCheckWorker(): void {
  const data = workerData as CheckWorkerData;
  const port = parentPort;
  if (!port) return;
  useBundle(data.l10nBundle);
  Engine.create({ ...(data.cacheDir ? { cacheDir: data.cacheDir } : {}), ...(data.asOf ? { asOf: data.asOf } : {}), trusted: data.trusted, maxAnalysedBytes: data.request.maxBytes, pacWaitOnFirstUse: true }).then(
    (engine) => {
      // Loading the catalogue now keeps it out of the first file's time budget.
      const { info } = engine.catalog(data.request.settings.instance, data.request.settings.catalog.pinnedVersion);
      port.on('message', (message: ToCheckWorker) => {
        try {
          const outcome = analyseFile(engine, message.path, { ...data.request, settings: message.project.settings, includes: includeOptions(message.project.settings), displayPath: message.displayPath }, message.project.project);
          port.postMessage({ type: 'done', id: message.id, outcome } satisfies FromCheckWorker);
        } catch (error) {
          port.postMessage({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) } satisfies FromCheckWorker);
        }
      });
      port.postMessage({ type: 'ready', catalog: info } satisfies FromCheckWorker);
    },
    (error: unknown) => port.postMessage({ type: 'start-failed', message: error instanceof Error ? error.message : String(error) } satisfies FromCheckWorker),
  );
}
