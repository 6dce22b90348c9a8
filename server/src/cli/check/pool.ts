import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { t } from '../../l10n';
import { THREAD_START_TIMEOUT_MS } from '../../limits';
import type { FileOutcome } from './analyseFile';
import type { CatalogInfo } from '../../protocol';
import type { FileProject } from './project';
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

/** The files' results, and the catalogue the threads loaded (undefined when none started). */
export interface PoolOutcome {
  results: PoolResult[];
  catalog?: CatalogInfo;
}

interface PoolFile {
  path: string;
  displayPath: string;
  project: FileProject;
}

/** A thread that fails this many times in a row before it is ready is not started again. */
const MAX_START_FAILURES = 3;

/**
 * The bundle starts itself, through bin/check-thread.js and its code cache where the package has it;
 * from the sources, the worker module is loaded through tsx.
 */
function workerEntry(): { file: string; eval: boolean } {
  if (__filename.endsWith('.js')) {
    const entry = join(__dirname, '..', 'bin', 'check-thread.js');
    return { file: existsSync(entry) ? entry : __filename, eval: false };
  }
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
 * Files analysed in a pool of worker threads, one result per file in the order of the files,
 * whatever the order they finish in. A file whose thread throws, runs out of heap or takes longer
 * than the time limit gets a failure with the reason; its thread is replaced and the run goes on.
 */
class WorkerPool {
  private readonly results: Array<PoolResult | undefined>;
  private next = 0;
  private remaining: number;
  private startFailures = 0;
  private readonly slots = new Set<Slot>();
  private readonly entry = workerEntry();
  private readonly seconds: number;
  private catalog: CatalogInfo | undefined;

  constructor(
    private readonly files: readonly PoolFile[],
    private readonly options: PoolOptions,
    private readonly done: (outcome: PoolOutcome) => void,
  ) {
    this.results = new Array<PoolResult | undefined>(files.length);
    this.remaining = files.length;
    this.seconds = Number((options.fileTimeoutMs / 1000).toFixed(1));
  }

  start(): void {
    if (this.files.length === 0) this.done({ results: [] });
    for (let i = 0; i < Math.min(this.options.jobs, this.files.length); i++) this.spawn();
  }

  private record(index: number, result: PoolResult): void {
    if (this.results[index] !== undefined) return;
    this.results[index] = result;
    this.remaining--;
    if (this.remaining > 0) return;
    for (const slot of this.slots) this.retire(slot);
    this.done({ results: this.results as PoolResult[], ...(this.catalog ? { catalog: this.catalog } : {}) });
  }

  /** Every file not yet given to a thread fails with this reason. */
  private failRest(reason: string): void {
    while (this.next < this.files.length) this.record(this.next++, { ok: false, reason });
  }

  private retire(slot: Slot): void {
    slot.finished = true;
    if (slot.timer) clearTimeout(slot.timer);
    this.slots.delete(slot);
    void slot.worker.terminate();
  }

  private replace(): void {
    if (this.next < this.files.length && this.slots.size < this.options.jobs) this.spawn();
  }

  private dispatch(slot: Slot): void {
    if (this.next >= this.files.length) {
      this.retire(slot);
      return;
    }
    const index = this.next++;
    const file = this.files[index]!;
    slot.current = index;
    slot.timer = setTimeout(() => {
      this.retire(slot);
      this.record(index, { ok: false, reason: t('Not analysed: the analysis did not finish within {0} s and was stopped (--file-timeout).', this.seconds) });
      this.replace();
    }, this.options.fileTimeoutMs);
    slot.worker.postMessage({ type: 'file', id: index, path: file.path, displayPath: file.displayPath, project: file.project } satisfies ToCheckWorker);
  }

  /** A thread that died before it was ready counts against starting more; past the limit the remaining files fail. */
  private failedToStart(slot: Slot, message: string): void {
    this.retire(slot);
    this.startFailures++;
    if (this.startFailures < MAX_START_FAILURES) this.replace();
    else if (this.slots.size === 0) this.failRest(t('Not analysed: the analysis thread could not start: {0}', message));
  }

  /** The thread ended or failed: its file (if it had one) gets the reason. */
  private lost(slot: Slot, reason: string): void {
    if (slot.finished) return;
    if (!slot.ready) {
      this.failedToStart(slot, reason);
      return;
    }
    const index = slot.current;
    this.retire(slot);
    if (index !== undefined) this.record(index, { ok: false, reason });
    this.replace();
  }

  private receive(slot: Slot, message: FromCheckWorker): void {
    if (slot.finished) return;
    if (message.type === 'ready') {
      this.catalog ??= message.catalog;
      clearTimeout(slot.timer);
      slot.ready = true;
      this.startFailures = 0;
      this.dispatch(slot);
    } else if (message.type === 'start-failed') {
      this.failedToStart(slot, message.message);
    } else if (message.id === slot.current) {
      clearTimeout(slot.timer);
      slot.current = undefined;
      this.record(message.id, message.type === 'done' ? { ok: true, outcome: message.outcome } : { ok: false, reason: t('Not analysed: the analysis failed: {0}', message.message) });
      this.dispatch(slot);
    }
  }

  private spawn(): void {
    let worker: Worker;
    try {
      worker = new Worker(this.entry.file, {
        eval: this.entry.eval,
        workerData: { role: CHECK_WORKER_ROLE, ...this.options.data } satisfies CheckWorkerData,
        resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb },
      });
    } catch (error) {
      this.failRest(t('Not analysed: the analysis thread could not start: {0}', error instanceof Error ? error.message : String(error)));
      return;
    }
    const slot: Slot = { worker, ready: false, finished: false };
    this.slots.add(slot);
    // A thread that never gets ready is given up on; starting is not the file's time, and a busy machine may take a while.
    const startMs = Math.max(this.options.fileTimeoutMs, THREAD_START_TIMEOUT_MS);
    slot.timer = setTimeout(() => this.failedToStart(slot, t('it did not start within {0} s', startMs / 1000)), startMs);
    worker.on('message', (message: FromCheckWorker) => this.receive(slot, message));
    worker.on('error', (error: Error & { code?: string }) => {
      this.lost(
        slot,
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? t('Not analysed: the analysis needed more than {0} MB of memory and was stopped (--max-memory).', this.options.memoryMb)
          : t('Not analysed: the analysis failed: {0}', error.message),
      );
    });
    worker.on('exit', (code) => this.lost(slot, t('Not analysed: the analysis thread ended unexpectedly (exit code {0}).', code)));
  }
}

/** Analyses files in worker threads (see WorkerPool); one result per file, in the order given. */
export function analyseInWorkers(files: readonly PoolFile[], options: PoolOptions): Promise<PoolOutcome> {
  return new Promise((resolve) => new WorkerPool(files, options, resolve).start());
}
