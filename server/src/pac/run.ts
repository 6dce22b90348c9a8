import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  RELEASE_SYNC,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSWASMModule,
} from 'quickjs-emscripten';
import { LineIndex } from '../model/range';
import { PAC_STACK_BYTES, PAC_WALL_CLOCK_FACTOR } from '../limits';
import { threadCpuClock } from './threadClock';
import { PAC_HELPERS_SOURCE } from './helpers';
import { instrumentProgram } from './instrument';
import { defaultTotalTimeout, type PacQuery, type PacRunOptions, type RawPacResult } from './types';

/**
 * Runs a PAC program inside QuickJS compiled to WebAssembly, in whatever thread calls it (the
 * sandbox calls it from a worker thread it can kill). No Node API is reachable from inside;
 * memory is capped by the QuickJS allocator, recursion by its stack limit and time by its
 * interrupt handler.
 */

/** The file name QuickJS reports in stack traces for the user's program. */
const PROGRAM_FILE = 'proxy.pac';
const HELPERS_FILE = 'pac-helpers.js';
/** Name of the wasm file next to the bundle (scripts/build.mjs copies it into dist/). */
export const QUICKJS_WASM_FILE = 'quickjs-release-sync.wasm';

function wasmCandidates(): string[] {
  const out = [join(__dirname, QUICKJS_WASM_FILE)];
  try {
    out.push(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'));
  } catch {
    // Not resolvable inside a packaged extension; the copy next to the bundle is used there.
  }
  return out;
}

/** Loads the QuickJS engine; each thread that runs PAC programs holds one. */
export async function loadQuickJs(): Promise<QuickJSWASMModule> {
  const file = wasmCandidates().find((candidate) => existsSync(candidate));
  // Handing the bytes over ourselves keeps emscripten from guessing paths, which differ between
  // the sources (node_modules) and the esbuild bundle (dist/).
  const variant = file ? newVariant(RELEASE_SYNC, { wasmBinary: toArrayBuffer(readFileSync(file)) }) : RELEASE_SYNC;
  return newQuickJSWASMModuleFromVariant(variant);
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return copy;
}

interface ErrorDump {
  name: string;
  message: string;
  stack: string;
}

function readError(context: QuickJSContext, handle: QuickJSHandle): ErrorDump {
  let dumped: unknown;
  try {
    dumped = context.dump(handle);
  } catch {
    dumped = undefined;
  }
  if (typeof dumped === 'object' && dumped !== null) {
    const d = dumped as Record<string, unknown>;
    return {
      name: typeof d.name === 'string' ? d.name : 'Error',
      message: typeof d.message === 'string' ? d.message : String(d.message),
      stack: typeof d.stack === 'string' ? d.stack : '',
    };
  }
  return { name: 'Error', message: String(dumped), stack: '' };
}

function lineOf(stack: string): number | undefined {
  const match = new RegExp(`${PROGRAM_FILE.replace('.', '\\.')}:(\\d+)`).exec(stack);
  return match?.[1] !== undefined ? Number(match[1]) - 1 : undefined;
}

function classify(error: ErrorDump, timedOut: boolean, callBudgetSpent: boolean, phase: 'load' | 'call'): RawPacResult {
  const line = lineOf(error.stack);
  const base = { name: error.name, detail: error.message, ...(line === undefined ? {} : { line }) };
  if (timedOut || (error.name === 'InternalError' && error.message === 'interrupted')) {
    return { ok: false, reason: callBudgetSpent ? 'call-budget' : 'interrupted', ...base };
  }
  if (/out of memory|string too long/i.test(error.message) || (error.name === 'RangeError' && /invalid (string|array) length/i.test(error.message))) {
    return { ok: false, reason: 'out-of-memory', ...base };
  }
  if (/stack overflow|Maximum call stack/i.test(error.message)) return { ok: false, reason: 'stack-overflow', ...base };
  if (phase === 'load' && error.name === 'SyntaxError') return { ok: false, reason: 'syntax', ...base };
  return { ok: false, reason: 'threw', ...base };
}

/**
 * Runs FindProxyForURL for each query in one fresh runtime, handing each result to `onResult` as
 * soon as it exists (so a caller that has to kill the thread keeps what was done). `hostFailure`
 * says the engine itself misbehaved and should be replaced.
 */
export function runPacQueries(
  module: QuickJSWASMModule,
  program: string,
  queries: readonly PacQuery[],
  options: PacRunOptions,
  onResult: (result: RawPacResult) => void,
): { hostFailure: boolean } {
  let delivered = 0;
  const deliver = (result: RawPacResult): void => {
    delivered++;
    onResult(result);
  };
  const deliverRest = (result: RawPacResult): void => {
    while (delivered < queries.length) deliver(result);
  };
  // Mutated by the finally blocks below: a runtime that fails to tear down also marks the module.
  const outcome = { hostFailure: false };
  const cpu = threadCpuClock();
  const total = defaultTotalTimeout(options);
  const call = { cpu: cpu() + total, wall: Date.now() + total * PAC_WALL_CLOCK_FACTOR };
  const clock = { cpu: 0, wall: 0, interrupted: false };
  const startRun = (): void => {
    clock.interrupted = false;
    clock.cpu = cpu() + options.timeoutMs;
    clock.wall = Date.now() + options.timeoutMs * PAC_WALL_CLOCK_FACTOR;
  };
  const interrupted = (): boolean => clock.interrupted;
  const callBudgetSpent = (): boolean => cpu() > call.cpu || Date.now() > call.wall;
  const instrumented = instrumentProgram(program);
  const lines = new LineIndex(program);
  const returnLines = new Map(instrumented.returns.map((r) => [r.id, lines.positionAt(r.start).line]));

  let runtime;
  try {
    runtime = module.newRuntime();
  } catch (error) {
    deliverRest({ ok: false, reason: 'sandbox', detail: String(error) });
    return { hostFailure: true };
  }
  try {
    runtime.setMemoryLimit(options.memoryBytes);
    runtime.setMaxStackSize(PAC_STACK_BYTES);
    runtime.setInterruptHandler(() => {
      if (cpu() > Math.min(clock.cpu, call.cpu) || Date.now() > Math.min(clock.wall, call.wall)) clock.interrupted = true;
      return clock.interrupted;
    });
    const context = runtime.newContext();
    try {
      startRun();
      const loaded = loadProgram(context, instrumented.program, options, interrupted, callBudgetSpent);
      if ('failure' in loaded) {
        deliverRest(loaded.failure);
        return outcome;
      }
      try {
        for (const query of queries) {
          if (callBudgetSpent()) {
            deliver({ ok: false, reason: 'call-budget' });
            continue;
          }
          startRun();
          deliver(callOnce(context, loaded.fn, loaded.take, query, interrupted, callBudgetSpent, returnLines));
        }
      } finally {
        loaded.fn.dispose();
        loaded.take.dispose();
      }
      return outcome;
    } finally {
      if (!disposeQuietly(() => context.dispose())) outcome.hostFailure = true;
    }
  } catch (error) {
    // An exhausted QuickJS heap can make even handle bookkeeping fail; the run is over either way.
    const message = error instanceof Error ? error.message : String(error);
    deliverRest(/memory/i.test(message) ? { ok: false, reason: 'out-of-memory', detail: message } : { ok: false, reason: 'sandbox', detail: message });
    outcome.hostFailure = true;
    return outcome;
  } finally {
    if (!disposeQuietly(() => runtime.dispose())) outcome.hostFailure = true;
  }
}

/** Installs the helpers, then runs the program's top level; hands back FindProxyForURL and the return log reader. */
function loadProgram(
  context: QuickJSContext,
  program: string,
  options: PacRunOptions,
  wasInterrupted: () => boolean,
  callBudgetSpent: () => boolean,
): { fn: QuickJSHandle; take: QuickJSHandle } | { failure: RawPacResult } {
  const settings = JSON.stringify({ hostAddresses: options.hostAddresses, clientAddress: options.clientAddress });
  const helpers = context.evalCode(`${PAC_HELPERS_SOURCE}(${settings});`, HELPERS_FILE);
  if (helpers.error) {
    const failure = classify(readError(context, helpers.error), wasInterrupted(), callBudgetSpent(), 'call');
    helpers.error.dispose();
    return { failure };
  }
  helpers.value.dispose();
  // Taken before the program runs, so a program that redefines the global cannot swap it.
  const take = context.getProp(context.global, '__endpointLensTakeReturns');
  const loaded = context.evalCode(program, PROGRAM_FILE);
  if (loaded.error) {
    const failure = classify(readError(context, loaded.error), wasInterrupted(), callBudgetSpent(), 'load');
    loaded.error.dispose();
    take.dispose();
    return { failure };
  }
  loaded.value.dispose();
  let fn = context.getProp(context.global, 'FindProxyForURL');
  if (context.typeof(fn) !== 'function') {
    // A file written only for Microsoft's IPv6-aware clients defines just the Ex form.
    fn.dispose();
    fn = context.getProp(context.global, 'FindProxyForURLEx');
  }
  if (context.typeof(fn) !== 'function') {
    fn.dispose();
    take.dispose();
    return { failure: { ok: false, reason: 'no-function' } };
  }
  return { fn, take };
}

/** False when tearing down failed, which means the module's state can no longer be trusted. */
function disposeQuietly(dispose: () => void): boolean {
  try {
    dispose();
    return true;
  } catch {
    return false;
  }
}

function callOnce(
  context: QuickJSContext,
  fn: QuickJSHandle,
  take: QuickJSHandle,
  query: PacQuery,
  wasInterrupted: () => boolean,
  callBudgetSpent: () => boolean,
  returnLines: ReadonlyMap<number, number>,
): RawPacResult {
  const url = context.newString(query.url);
  const host = context.newString(query.host);
  const called = context.callFunction(fn, context.undefined, url, host);
  url.dispose();
  host.dispose();
  if (called.error) {
    const failure = classify(readError(context, called.error), wasInterrupted(), callBudgetSpent(), 'call');
    called.error.dispose();
    disposeResult(context.callFunction(take, context.undefined));
    return failure;
  }
  const type = context.typeof(called.value);
  const value = type === 'string' ? context.getString(called.value) : undefined;
  // typeof says "object" for null, the usual wrong answer; name it as written.
  const kind = type === 'object' && isNull(context, called.value) ? 'null' : type;
  const taken = context.callFunction(take, context.undefined, called.value);
  called.value.dispose();
  let returnId = -1;
  if (!taken.error && context.typeof(taken.value) === 'number') returnId = context.getNumber(taken.value);
  disposeResult(taken);
  if (value === undefined) {
    // Point at the return that handed back the wrong value (`return null;`), when one did.
    const line = returnLines.get(returnId);
    return { ok: false, reason: 'not-a-string', detail: kind, ...(line === undefined ? {} : { line }) };
  }
  return returnId >= 0 ? { ok: true, value, returnId } : { ok: true, value };
}

function isNull(context: QuickJSContext, handle: QuickJSHandle): boolean {
  try {
    return context.dump(handle) === null;
  } catch {
    return false;
  }
}

function disposeResult(result: { error?: QuickJSHandle; value?: QuickJSHandle }): void {
  result.error?.dispose();
  result.value?.dispose();
}
