import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { QuickJSWASMModule } from 'quickjs-emscripten';
import { loadQuickJs, runPacQueries } from './run';
import type { PacQuery, PacRunOptions, RawPacResult } from './types';

/**
 * The thread PAC programs run in. The sandbox waits for it synchronously and terminates it when a
 * run overstays its budget: QuickJS checks its interrupt handler only every few thousand steps, and
 * a step can be a built-in call that scans megabytes, so only a thread kill bounds time for sure.
 */

export interface PacJob {
  type: 'job';
  program: string;
  queries: PacQuery[];
  options: PacRunOptions;
}

export type PacWorkerMessage =
  | { type: 'ready' }
  | { type: 'start-failed'; detail: string }
  | { type: 'result'; result: RawPacResult }
  /** `restarting`: the engine is being replaced; the next job waits for `ready`. */
  | { type: 'done'; restarting: boolean };

interface WorkerSetup {
  port: MessagePort;
  signal: SharedArrayBuffer;
}

const setup = workerData as WorkerSetup | undefined;

if (parentPort && setup) {
  const { port } = setup;
  const signal = new Int32Array(setup.signal);
  const send = (message: PacWorkerMessage): void => {
    port.postMessage(message);
    // Wake the waiting sandbox only after the message is queued, so it always finds it.
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  let module: QuickJSWASMModule | undefined;
  const start = (): void => {
    loadQuickJs().then(
      (loaded) => {
        module = loaded;
        send({ type: 'ready' });
      },
      (error: unknown) => send({ type: 'start-failed', detail: String(error) }),
    );
  };
  port.on('message', (job: PacJob) => {
    if (job.type !== 'job' || !module) return;
    const outcome = runPacQueries(module, job.program, job.queries, job.options, (result) => send({ type: 'result', result }));
    send({ type: 'done', restarting: outcome.hostFailure });
    if (outcome.hostFailure) {
      // The engine's own state is suspect; the next job waits for a fresh one.
      module = undefined;
      start();
    }
  });
  start();
}
