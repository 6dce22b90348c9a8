import { serialize } from 'node:v8';
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { Engine, type AnalyzeOptions } from '../engine';
import type { Detection } from '../dialects/detect';
import { dialectById } from '../dialects/all';
import type { Finding } from '../analysis/finding';
import type { DialectId } from '../model/config';
import type { EndpointLensSettings } from '../protocol';
import { useBundle } from '../l10n';
import { ANALYSIS_THREAD_HEAP_MB } from '../limits';

/**
 * Analysis runs in a thread of its own so that a large file (or a PAC program that uses its whole
 * budget) never holds up hovers, code actions and diagnostics of other documents. The thread has
 * its own engine; what it sends back is plain data: the model and the findings.
 */

export const ANALYSIS_THREAD_ROLE = 'endpoint-lens-analysis';

interface ThreadOptions {
  role: typeof ANALYSIS_THREAD_ROLE;
  cacheDir?: string;
  trusted: boolean;
  l10nBundle?: Record<string, string>;
}

export interface AnalysisRequest {
  path: string;
  text: string;
  settings: EndpointLensSettings;
  dialect: DialectId;
  by: Detection['by'];
  confidence: number;
  /** The assembled configuration's parts and the estates of a PAC file (see Engine.estatePaths), as analyzeDocument takes them. */
  options?: AnalyzeOptions;
}

export interface AnalysisAnswer {
  /**
   * The model in V8's serialisation. Turning a large model back into objects takes the receiving
   * thread a second or more, so the server does it only when a hover, code action or command needs it.
   */
  model: Uint8Array;
  findings: Finding[];
  notice?: string;
}

type ToThread =
  | ({ type: 'analyze'; id: number } & AnalysisRequest)
  | { type: 'reload'; cacheDir?: string }
  | { type: 'trust'; trusted: boolean };

type FromThread = { type: 'answer'; id: number; answer: AnalysisAnswer } | { type: 'failed'; id: number; message: string };

export function isAnalysisThread(): boolean {
  return (workerData as Partial<ThreadOptions> | null)?.role === ANALYSIS_THREAD_ROLE;
}

/** The thread's side: one engine, one request at a time, answers in order. */
export function runAnalysisThread(): void {
  const options = workerData as ThreadOptions;
  const port = parentPort;
  if (!port) return;
  useBundle(options.l10nBundle);
  const ready = Engine.create({ ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}), trusted: options.trusted });
  port.on('message', (message: ToThread) => {
    ready.then(
      (engine) => {
        if (message.type === 'reload') {
          engine.reload(message.cacheDir);
          return;
        }
        if (message.type === 'trust') {
          engine.trusted = message.trusted;
          return;
        }
        const dialect = dialectById(message.dialect);
        if (!dialect) {
          port.postMessage({ type: 'failed', id: message.id, message: `unknown dialect ${message.dialect}` } satisfies FromThread);
          return;
        }
        try {
          const analysis = engine.analyzeDocument(message.path, message.text, message.settings, { dialect, by: message.by, confidence: message.confidence }, message.options);
          const answer: AnalysisAnswer = { model: serialize(analysis.model), findings: analysis.findings, ...(analysis.notice ? { notice: analysis.notice } : {}) };
          // Handing the buffer over instead of copying it keeps the server's thread free for requests.
          const { buffer } = answer.model;
          port.postMessage({ type: 'answer', id: message.id, answer } satisfies FromThread, buffer instanceof ArrayBuffer ? [buffer] : []);
        } catch (error) {
          port.postMessage({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) } satisfies FromThread);
        }
      },
      (error: unknown) => {
        if (message.type === 'analyze') port.postMessage({ type: 'failed', id: message.id, message: String(error) } satisfies FromThread);
      },
    );
  });
}

/** What the thread made of a request. */
export type ThreadOutcome =
  | { kind: 'answer'; answer: AnalysisAnswer }
  /** The request was superseded before the thread got to it, and was never sent. */
  | { kind: 'cancelled' }
  /** The thread ran out of its heap on this document; it is restarted for the next one. */
  | { kind: 'out-of-memory' }
  /** The thread cannot be used (not bundled, failed to start, crashed): the caller analyses in its own thread. */
  | { kind: 'unavailable' };

interface Queued {
  request: AnalysisRequest;
  wanted: () => boolean;
  resolve: (outcome: ThreadOutcome) => void;
}

/**
 * The server's side. Requests wait here, not in the thread's message queue, and go over one at a
 * time: a request superseded while it waited (a newer version of its document arrived) is dropped
 * without being sent, so the thread never works on text nobody will see.
 */
export class AnalysisThread {
  private worker: Worker | undefined;
  private broken = false;
  private nextId = 1;
  private readonly queue: Queued[] = [];
  private busy: { id: number; resolve: (outcome: ThreadOutcome) => void } | undefined;

  constructor(
    private options: Omit<ThreadOptions, 'role'>,
    private readonly log: (message: string) => void,
  ) {}

  private start(): Worker | undefined {
    if (this.worker) return this.worker;
    // Only the bundle can start itself as a thread; from the sources analysis stays in-process.
    if (this.broken || !__filename.endsWith('.js')) return undefined;
    try {
      const worker = new Worker(__filename, {
        workerData: { role: ANALYSIS_THREAD_ROLE, ...this.options } satisfies ThreadOptions,
        resourceLimits: { maxOldGenerationSizeMb: ANALYSIS_THREAD_HEAP_MB, maxYoungGenerationSizeMb: 16 },
      });
      worker.on('message', (message: FromThread) => {
        if (this.busy?.id !== message.id) return;
        const { resolve } = this.busy;
        this.busy = undefined;
        if (message.type === 'failed') this.log(`analysis thread: ${message.message}`);
        resolve(message.type === 'answer' ? { kind: 'answer', answer: message.answer } : { kind: 'unavailable' });
        this.pump();
      });
      worker.on('error', (error: Error & { code?: string }) => {
        if (this.worker !== worker) return;
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') this.restart(`analysis thread ran out of memory: ${error.message}`);
        else this.stop(`analysis thread failed: ${error.message}`);
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) this.stop(`analysis thread exited with code ${code}`);
      });
      worker.unref();
      this.worker = worker;
      return worker;
    } catch (error) {
      this.broken = true;
      this.log(`analysis thread could not start: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** The document being analysed used up the thread's heap: it alone is not analysed, the next request gets a new thread. */
  private restart(reason: string): void {
    this.log(reason);
    this.worker = undefined;
    const busy = this.busy;
    this.busy = undefined;
    busy?.resolve({ kind: 'out-of-memory' });
    this.pump();
  }

  private stop(reason: string): void {
    this.log(reason);
    this.worker = undefined;
    // A thread that died once for another reason is not trusted again this session; analysis goes on in-process.
    this.broken = true;
    this.busy?.resolve({ kind: 'unavailable' });
    this.busy = undefined;
    for (const queued of this.queue.splice(0)) queued.resolve({ kind: 'unavailable' });
  }

  private pump(): void {
    while (!this.busy && this.queue.length > 0) {
      const next = this.queue.shift()!;
      if (!next.wanted()) {
        next.resolve({ kind: 'cancelled' });
        continue;
      }
      const worker = this.start();
      if (!worker) {
        next.resolve({ kind: 'unavailable' });
        continue;
      }
      const id = this.nextId++;
      this.busy = { id, resolve: next.resolve };
      try {
        worker.postMessage({ type: 'analyze', id, ...next.request } satisfies ToThread);
      } catch (error) {
        this.busy = undefined;
        this.log(`analysis thread: ${error instanceof Error ? error.message : String(error)}`);
        next.resolve({ kind: 'unavailable' });
      }
    }
  }

  /** `wanted` is asked again just before the request is sent; false drops it. */
  analyze(request: AnalysisRequest, wanted: () => boolean): Promise<ThreadOutcome> {
    if (this.broken || !__filename.endsWith('.js')) return Promise.resolve({ kind: 'unavailable' });
    return new Promise((resolve) => {
      this.queue.push({ request, wanted, resolve });
      this.pump();
    });
  }

  reload(cacheDir: string | undefined): void {
    if (cacheDir !== undefined) this.options = { ...this.options, cacheDir };
    this.worker?.postMessage({ type: 'reload', ...(cacheDir !== undefined ? { cacheDir } : {}) } satisfies ToThread);
  }

  setTrusted(trusted: boolean): void {
    this.options = { ...this.options, trusted };
    this.worker?.postMessage({ type: 'trust', trusted } satisfies ToThread);
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
