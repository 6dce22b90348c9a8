import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { t } from '../l10n';
import { PAC_THREAD_HEAP_MB, PAC_WALL_CLOCK_FACTOR } from '../limits';
import { defaultTotalTimeout, type PacQuery, type PacRunOptions, type PacRunResult, type RawPacResult } from './types';
import type { PacJob, PacWorkerMessage } from './worker';

export type { PacFailureKind, PacQuery, PacRunOptions, PacRunResult } from './types';

/**
 * PAC files are programs from untrusted places (a WPAD server, a colleague's repository). They run
 * only inside QuickJS compiled to WebAssembly, in a worker thread: nothing of the program is ever
 * evaluated by the Node process itself, no Node API is reachable from inside, memory is capped by
 * the QuickJS allocator, and time by QuickJS's interrupt handler with a thread kill behind it.
 * `evaluate` is synchronous: it blocks on the worker with Atomics.wait.
 */
export interface PacSandbox {
  evaluate(program: string, queries: readonly PacQuery[], options: PacRunOptions): PacRunResult[];
  /** Ends the worker thread; the sandbox starts a new one if it is used again. */
  dispose(): void;
}

/** Name of the worker bundle next to dist/server.js and dist/cli.js (scripts/build.mjs writes it). */
export const PAC_WORKER_FILE = 'pac-worker.js';
/** How long a new worker may take to load QuickJS before the sandbox gives up on it. */
const START_TIMEOUT_MS = 15_000;
/**
 * Slack on top of a run's own budget before the worker is killed. QuickJS normally stops a run
 * itself (and then says which line); the kill is for runs it cannot interrupt, so the slack is
 * generous enough that a busy machine does not turn ordinary timeouts into kills.
 */
const KILL_GRACE_MS = 1000;

/** The bundled worker, or the TypeScript source (through tsx) when running from the sources. */
function workerEntry(): { file: string; eval: boolean } {
  const bundled = join(__dirname, PAC_WORKER_FILE);
  if (existsSync(bundled)) return { file: bundled, eval: false };
  const source = join(__dirname, 'worker.ts');
  // Only the sources take this path, where tsx (a development dependency) is installed; the name is
  // not a literal so the bundler does not try to resolve it.
  const tsx = require.resolve(['tsx', 'cjs'].join('/'));
  return { file: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, eval: true };
}

interface Thread {
  worker: Worker;
  port: MessagePort;
  signal: Int32Array;
  ready: boolean;
  failed?: string;
}

function spawn(): Thread {
  const entry = workerEntry();
  const channel = new MessageChannel();
  const shared = new SharedArrayBuffer(4);
  const worker = new Worker(entry.file, {
    eval: entry.eval,
    workerData: { port: channel.port2, signal: shared },
    transferList: [channel.port2],
    // The worker's own JavaScript heap; QuickJS's memory is capped separately inside it.
    resourceLimits: { maxOldGenerationSizeMb: PAC_THREAD_HEAP_MB, maxYoungGenerationSizeMb: 32 },
    stdout: true,
    stderr: true,
  });
  // Neither the thread nor its port may keep a CLI process alive.
  worker.unref();
  channel.port1.unref();
  worker.on('error', () => undefined);
  return { worker, port: channel.port1, signal: new Int32Array(shared), ready: false };
}

/** The next message from the worker, waiting at most until `deadline`; undefined on timeout. */
function nextMessage(thread: Thread, deadline: number): PacWorkerMessage | undefined {
  for (;;) {
    const seen = Atomics.load(thread.signal, 0);
    const received = receiveMessageOnPort(thread.port);
    if (received) return received.message as PacWorkerMessage;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return undefined;
    Atomics.wait(thread.signal, 0, seen, remaining);
  }
}

function waitReady(thread: Thread): boolean {
  if (thread.ready) return true;
  if (thread.failed !== undefined) return false;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const message = nextMessage(thread, deadline);
    if (!message) {
      thread.failed = 'timeout';
      return false;
    }
    if (message.type === 'ready') {
      thread.ready = true;
      return true;
    }
    if (message.type === 'start-failed') {
      thread.failed = message.detail;
      return false;
    }
  }
}

export function describeFailure(result: RawPacResult): PacRunResult {
  if (result.ok) return result;
  const line = result.line === undefined ? {} : { line: result.line };
  switch (result.reason) {
    case 'interrupted':
      return { ok: false, kind: 'timeout', message: t('The PAC program ran longer than its time budget.'), ...line };
    case 'call-budget':
      return { ok: false, kind: 'budget', message: t('The time budget for all PAC runs of this file was used up.'), ...line };
    case 'out-of-memory':
      return { ok: false, kind: 'memory', message: t('The PAC program used more memory than its budget.'), ...line };
    case 'stack-overflow':
      return { ok: false, kind: 'memory', message: t('The PAC program recursed too deeply (stack overflow).'), ...line };
    case 'syntax':
      return { ok: false, kind: 'compile', message: t('The PAC program does not compile: {0}', result.detail ?? ''), ...line };
    case 'threw':
      return { ok: false, kind: 'exception', message: t('The PAC program threw {0}: {1}', result.name ?? 'Error', result.detail ?? ''), ...line };
    case 'not-a-string':
      return { ok: false, kind: 'exception', message: t('FindProxyForURL returned {0} instead of a proxy string.', result.detail ?? ''), ...line };
    case 'no-function':
      return { ok: false, kind: 'no-function', message: t('The PAC program defines no FindProxyForURL function.') };
    case 'sandbox':
      return { ok: false, kind: 'exception', message: t('The PAC sandbox failed: {0}', result.detail ?? '') };
  }
}

/**
 * `waitOnFirstUse` starts the worker only at the first evaluation, so a process that may never see
 * a PAC file (a `check` thread) spends neither the time nor the memory of loading QuickJS;
 * otherwise it starts and waits now, and a failure to start throws here.
 */
export async function createPacSandbox(options: { waitOnFirstUse?: boolean } = {}): Promise<PacSandbox> {
  let thread: Thread | undefined = options.waitOnFirstUse ? undefined : spawn();
  if (thread) {
    const first = thread;
    // Give the first worker its start-up time without blocking the caller's event loop.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (!waitReady(first)) {
      void first.worker.terminate();
      throw new Error(`endpoint-lens: the PAC sandbox could not start (${first.failed ?? ''})`);
    }
  }

  const kill = (victim: Thread): void => {
    void victim.worker.terminate();
    if (thread === victim) thread = undefined;
  };

  return {
    evaluate(program, queries, options) {
      try {
        thread ??= spawn();
      } catch (error) {
        const failure = describeFailure({ ok: false, reason: 'sandbox', detail: String(error) });
        return queries.map(() => failure);
      }
      const current = thread;
      if (!waitReady(current)) {
        const failure = describeFailure({ ok: false, reason: 'sandbox', detail: t('the PAC worker did not start') });
        kill(current);
        return queries.map(() => failure);
      }
      const job: PacJob = { type: 'job', program, queries: queries.map((q) => ({ url: q.url, host: q.host })), options };
      current.port.postMessage(job);
      const results: PacRunResult[] = [];
      // The thread stops itself by CPU time or at the wall-clock backstop; these deadlines only catch a thread that does not.
      const callDeadline = Date.now() + defaultTotalTimeout(options) * PAC_WALL_CLOCK_FACTOR + KILL_GRACE_MS;
      // Loading the helpers and the program each have a run budget before the first answer.
      let runDeadline = Date.now() + 3 * options.timeoutMs * PAC_WALL_CLOCK_FACTOR + KILL_GRACE_MS;
      const nextRunDeadline = (): number => Date.now() + 2 * options.timeoutMs * PAC_WALL_CLOCK_FACTOR + KILL_GRACE_MS;
      for (;;) {
        const message = nextMessage(current, Math.min(runDeadline, callDeadline));
        if (!message) {
          // QuickJS did not stop itself in time: the thread goes, and the next call gets a new one.
          kill(current);
          const reason = Date.now() >= callDeadline ? 'call-budget' : 'interrupted';
          while (results.length < queries.length) results.push(describeFailure({ ok: false, reason }));
          return results;
        }
        if (message.type === 'result') {
          results.push(describeFailure(message.result));
          runDeadline = nextRunDeadline();
        } else if (message.type === 'done') {
          if (message.restarting) current.ready = false;
          while (results.length < queries.length) results.push(describeFailure({ ok: false, reason: 'sandbox', detail: 'no result' }));
          return results;
        }
      }
    },
    dispose() {
      if (thread) kill(thread);
    },
  };
}
