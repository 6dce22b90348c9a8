import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { t } from '../../l10n';
import type { FileOutcome } from './analyseFile';
import { CHECK_WORKER_ROLE, type CheckWorkerData, type FromCheckWorker, type ToCheckWorker } from './worker';

export interface PoolOptions {
  /** Threads analysing at the same time. */
  jobs: number;
  /** Heap limit of each thread (V8 old generation), in MB. */
  memoryMb: number;
  /** Wall-clock time one file may take before its thread is ended and replaced. */
  fileTimeoutMs: number;
  data: Omit<CheckWorkerData, 'role'>;
}

export type PoolResult = { ok: true; outcome: FileOutcome } | { ok: false; reason: string };

/** A thread that fails this many times in a row before it is ready is not started again. */
const MAX_START_FAILURES = 3;

/** The bundle starts itself; from the sources, the worker module is loaded through tsx. */
function workerEntry(): { file: string; eval: boolean } {
  if (__filename.endsWith('.js')) return { file: __filename, eval: false };
  // Only the sources take this path, where tsx (a development dependency) is installed; the name is
  // not a literal so the bundler does not try to resolve it.
  const tsx = require.resolve(['tsx', 'cjs'].join('/'));
  return { file: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(join(__dirname, 'worker.ts'))}).runCheckWorker();`, eval: true };
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Index of the file being analysed. */
  current?: number;
  timer?: NodeJS.Timeout;
  /** Ended on purpose or failed: messages and events from it no longer count. */
  finished: boolean;
}

/**
 * Analyses files in a pool of worker threads and gives one result per file, in the order of the
 * files whatever the order they finish in. A file whose thread throws, runs out of heap or takes
 * longer than the time limit gets a failure with the reason; its thread is replaced and the run
 * goes on with the next file.
 */
export function analyseInWorkers(files: ReadonlyArray<{ path: string; displayPath: string }>, options: PoolOptions): Promise<PoolResult[]> {
  const results: Array<PoolResult | undefined> = new Array<PoolResult | undefined>(files.length);
  let next = 0;
  let remaining = files.length;
  let startFailures = 0;
  const slots = new Set<Slot>();
  const entry = workerEntry();
  const seconds = Number((options.fileTimeoutMs / 1000).toFixed(1));

  return new Promise((resolve) => {
    const record = (index: number, result: PoolResult): void => {
      if (results[index] !== undefined) return;
      results[index] = result;
      remaining--;
      if (remaining === 0) {
        for (const slot of slots) retire(slot);
        resolve(results as PoolResult[]);
      }
    };

    const retire = (slot: Slot): void => {
      slot.finished = true;
      if (slot.timer) clearTimeout(slot.timer);
      slots.delete(slot);
      void slot.worker.terminate();
    };

    const dispatch = (slot: Slot): void => {
      if (next >= files.length) {
        retire(slot);
        return;
      }
      const index = next++;
      const file = files[index]!;
      slot.current = index;
      slot.timer = setTimeout(() => {
        retire(slot);
        record(index, { ok: false, reason: t('Not analysed: the analysis did not finish within {0} s and was stopped (--file-timeout).', seconds) });
        replace();
      }, options.fileTimeoutMs);
      slot.worker.postMessage({ type: 'file', id: index, path: file.path, displayPath: file.displayPath } satisfies ToCheckWorker);
    };

    /** A thread that died before it was ready counts against starting more; the rest of the files then fail. */
    const failedToStart = (slot: Slot, message: string): void => {
      retire(slot);
      startFailures++;
      if (startFailures < MAX_START_FAILURES) {
        replace();
        return;
      }
      if (slots.size > 0) return;
      while (next < files.length) record(next++, { ok: false, reason: t('Not analysed: the analysis thread could not start: {0}', message) });
    };

    const lost = (slot: Slot, reason: string): void => {
      if (slot.finished) return;
      if (!slot.ready) {
        failedToStart(slot, reason);
        return;
      }
      const index = slot.current;
      retire(slot);
      if (index !== undefined) record(index, { ok: false, reason });
      replace();
    };

    const spawn = (): void => {
      let worker: Worker;
      try {
        worker = new Worker(entry.file, {
          eval: entry.eval,
          workerData: { role: CHECK_WORKER_ROLE, ...options.data } satisfies CheckWorkerData,
          resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
        });
      } catch (error) {
        startFailures = MAX_START_FAILURES;
        while (next < files.length) record(next++, { ok: false, reason: t('Not analysed: the analysis thread could not start: {0}', error instanceof Error ? error.message : String(error)) });
        return;
      }
      const slot: Slot = { worker, ready: false, finished: false };
      slots.add(slot);
      // A thread that never gets ready is given up on after one file's time.
      slot.timer = setTimeout(() => failedToStart(slot, t('it did not start within {0} s', seconds)), options.fileTimeoutMs);
      worker.on('message', (message: FromCheckWorker) => {
        if (slot.finished) return;
        if (message.type === 'ready') {
          clearTimeout(slot.timer);
          slot.ready = true;
          startFailures = 0;
          dispatch(slot);
        } else if (message.type === 'start-failed') {
          failedToStart(slot, message.message);
        } else if (message.id === slot.current) {
          clearTimeout(slot.timer);
          slot.current = undefined;
          record(message.id, message.type === 'done' ? { ok: true, outcome: message.outcome } : { ok: false, reason: t('Not analysed: the analysis failed: {0}', message.message) });
          dispatch(slot);
        }
      });
      worker.on('error', (error: Error & { code?: string }) => {
        lost(
          slot,
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? t('Not analysed: the analysis needed more than {0} MB of memory and was stopped (--max-memory).', options.memoryMb)
            : t('Not analysed: the analysis failed: {0}', error.message),
        );
      });
      worker.on('exit', (code) => lost(slot, t('Not analysed: the analysis thread ended unexpectedly (exit code {0}).', code)));
    };

    const replace = (): void => {
      if (next < files.length && slots.size < options.jobs) spawn();
    };

    if (files.length === 0) {
      resolve([]);
      return;
    }
    for (let i = 0; i < Math.min(options.jobs, files.length); i++) spawn();
  });
}
