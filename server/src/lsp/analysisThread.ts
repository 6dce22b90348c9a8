import { Worker, parentPort, workerData } from 'node:worker_threads';
import { Engine } from '../engine';
import type { Detection } from '../dialects/detect';
import { dialectById } from '../dialects/all';
import type { Finding } from '../analysis/finding';
import type { ConfigModel, DialectId } from '../model/config';
import type { EndpointLensSettings } from '../protocol';
import { useBundle } from '../l10n';

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
}

export interface AnalysisAnswer {
  model: ConfigModel;
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
          const analysis = engine.analyzeDocument(message.path, message.text, message.settings, { dialect, by: message.by, confidence: message.confidence });
          const answer: AnalysisAnswer = { model: analysis.model, findings: analysis.findings, ...(analysis.notice ? { notice: analysis.notice } : {}) };
          port.postMessage({ type: 'answer', id: message.id, answer } satisfies FromThread);
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

/**
 * The server's side. `analyze` resolves with the thread's answer, or with undefined when the
 * thread cannot be used (not bundled, failed to start, crashed): the caller then analyses in its
 * own thread, so a broken worker never means missing diagnostics.
 */
export class AnalysisThread {
  private worker: Worker | undefined;
  private broken = false;
  private nextId = 1;
  private readonly pending = new Map<number, (answer: AnalysisAnswer | undefined) => void>();

  constructor(
    private options: Omit<ThreadOptions, 'role'>,
    private readonly log: (message: string) => void,
  ) {}

  private start(): Worker | undefined {
    if (this.worker) return this.worker;
    // Only the bundle can start itself as a thread; from the sources analysis stays in-process.
    if (this.broken || !__filename.endsWith('.js')) return undefined;
    try {
      const worker = new Worker(__filename, { workerData: { role: ANALYSIS_THREAD_ROLE, ...this.options } satisfies ThreadOptions });
      worker.on('message', (message: FromThread) => {
        const resolve = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.type === 'failed') this.log(`analysis thread: ${message.message}`);
        resolve?.(message.type === 'answer' ? message.answer : undefined);
      });
      worker.on('error', (error) => this.stop(`analysis thread failed: ${error.message}`));
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

  private stop(reason: string): void {
    this.log(reason);
    this.worker = undefined;
    // A thread that died once is not trusted again this session; analysis goes on in-process.
    this.broken = true;
    for (const resolve of this.pending.values()) resolve(undefined);
    this.pending.clear();
  }

  analyze(request: AnalysisRequest): Promise<AnalysisAnswer | undefined> {
    const worker = this.start();
    if (!worker) return Promise.resolve(undefined);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      try {
        worker.postMessage({ type: 'analyze', id, ...request } satisfies ToThread);
      } catch (error) {
        this.pending.delete(id);
        this.log(`analysis thread: ${error instanceof Error ? error.message : String(error)}`);
        resolve(undefined);
      }
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
