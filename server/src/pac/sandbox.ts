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
import { t } from '../l10n';
import { PAC_HELPERS_SOURCE } from './helpers';
import { instrumentProgram } from './instrument';

/**
 * PAC files are programs from untrusted places (a WPAD server, a colleague's repository). They run
 * here only inside QuickJS compiled to WebAssembly: no Node API is reachable from inside, memory is
 * capped by the QuickJS allocator and time by an interrupt handler. Nothing of the program is ever
 * evaluated by the Node process itself.
 */

export interface PacQuery {
  url: string;
  host: string;
}

export interface PacRunOptions {
  /** The DNS table: host name → address, or several separated by spaces, commas or semicolons. */
  hostAddresses: Record<string, string>;
  /** What myIpAddress/myIpAddressEx answer. */
  clientAddress: string;
  /** Budget of one run: loading the program, or one FindProxyForURL call. */
  timeoutMs: number;
  /** Memory limit of the QuickJS runtime for the whole call. */
  memoryBytes: number;
  /**
   * Budget of the whole call across all queries; once spent the remaining queries report a
   * timeout without running. Defaults to twenty single-run budgets.
   */
  totalTimeoutMs?: number;
}

export type PacFailureKind = 'timeout' | 'memory' | 'exception' | 'compile' | 'no-function';

export type PacRunResult =
  | { ok: true; value: string; returnId?: number }
  /** `line` is 0-based, like every position in the model. */
  | { ok: false; kind: PacFailureKind; message: string; line?: number };

export interface PacSandbox {
  evaluate(program: string, queries: readonly PacQuery[], options: PacRunOptions): PacRunResult[];
}

/** The file name QuickJS reports in stack traces for the user's program. */
const PROGRAM_FILE = 'proxy.pac';
const HELPERS_FILE = 'pac-helpers.js';
/** Name of the wasm file next to the bundle (scripts/build.mjs copies it into dist/). */
export const QUICKJS_WASM_FILE = 'quickjs-release-sync.wasm';
/** QuickJS's own stack limit; deep recursion ends as a stack overflow long before the wasm stack runs out. */
const MAX_STACK_BYTES = 96 * 1024;

function wasmCandidates(): string[] {
  const out = [join(__dirname, QUICKJS_WASM_FILE)];
  try {
    out.push(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'));
  } catch {
    // Not resolvable inside a packaged extension; the copy next to the bundle is used there.
  }
  return out;
}

let modulePromise: Promise<QuickJSWASMModule> | undefined;

async function loadModule(): Promise<QuickJSWASMModule> {
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

export async function createPacSandbox(): Promise<PacSandbox> {
  modulePromise ??= loadModule();
  let module = await modulePromise;
  let replacing = false;
  return {
    evaluate(program, queries, options) {
      const outcome = evaluateInModule(module, program, queries, options);
      // A host-side failure inside the wasm (the Node stack running out mid-call) can leave the
      // module's own state inconsistent; later calls get a fresh module as soon as it is ready.
      if (outcome.hostFailure && !replacing) {
        replacing = true;
        modulePromise = loadModule();
        modulePromise.then(
          (fresh) => {
            module = fresh;
            replacing = false;
          },
          () => {
            replacing = false;
          },
        );
      }
      return outcome.results;
    },
  };
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

function classify(error: ErrorDump, timedOut: boolean, phase: 'load' | 'call'): PacRunResult {
  const line = lineOf(error.stack);
  const base = line === undefined ? {} : { line };
  if (timedOut || (error.name === 'InternalError' && error.message === 'interrupted')) {
    return { ok: false, kind: 'timeout', message: t('The PAC program ran longer than its time budget.'), ...base };
  }
  if (/out of memory|string too long/i.test(error.message) || (error.name === 'RangeError' && /invalid (string|array) length/i.test(error.message))) {
    return { ok: false, kind: 'memory', message: t('The PAC program used more memory than its budget.'), ...base };
  }
  if (/stack overflow|Maximum call stack/i.test(error.message)) {
    return { ok: false, kind: 'memory', message: t('The PAC program recursed too deeply (stack overflow).'), ...base };
  }
  if (phase === 'load' && error.name === 'SyntaxError') {
    return { ok: false, kind: 'compile', message: t('The PAC program does not compile: {0}', error.message), ...base };
  }
  return { ok: false, kind: 'exception', message: t('The PAC program threw {0}: {1}', error.name, error.message), ...base };
}

function evaluateInModule(
  module: QuickJSWASMModule,
  program: string,
  queries: readonly PacQuery[],
  options: PacRunOptions,
): { results: PacRunResult[]; hostFailure: boolean } {
  const results: PacRunResult[] = [];
  // Mutated by the finally blocks below: a runtime that fails to tear down also marks the module.
  const outcome = { results, hostFailure: false };
  const callDeadline = Date.now() + (options.totalTimeoutMs ?? options.timeoutMs * 20);
  const clock = { runDeadline: 0, interrupted: false };
  const startRun = (): void => {
    clock.interrupted = false;
    clock.runDeadline = Date.now() + options.timeoutMs;
  };
  const instrumented = instrumentProgram(program);

  let runtime;
  try {
    runtime = module.newRuntime();
  } catch (error) {
    const failure: PacRunResult = { ok: false, kind: 'memory', message: t('The PAC sandbox could not start: {0}', String(error)) };
    return { results: queries.map(() => failure), hostFailure: true };
  }
  try {
    runtime.setMemoryLimit(options.memoryBytes);
    runtime.setMaxStackSize(MAX_STACK_BYTES);
    runtime.setInterruptHandler(() => {
      if (Date.now() > Math.min(clock.runDeadline, callDeadline)) clock.interrupted = true;
      return clock.interrupted;
    });
    const context = runtime.newContext();
    try {
      startRun();
      const loaded = loadProgram(context, instrumented.program, options, () => clock.interrupted);
      if ('failure' in loaded) {
        results.push(...queries.map(() => loaded.failure));
        return outcome;
      }
      try {
        for (const query of queries) {
          if (Date.now() > callDeadline) {
            results.push({ ok: false, kind: 'timeout', message: t('The time budget for all PAC runs of this file was used up.') });
            continue;
          }
          startRun();
          results.push(callOnce(context, loaded.fn, loaded.take, query, () => clock.interrupted));
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
    const failure: PacRunResult = /memory/i.test(message)
      ? { ok: false, kind: 'memory', message: t('The PAC program used more memory than its budget.') }
      : { ok: false, kind: 'exception', message: t('The PAC sandbox failed: {0}', message) };
    while (results.length < queries.length) results.push(failure);
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
): { fn: QuickJSHandle; take: QuickJSHandle } | { failure: PacRunResult } {
  const settings = JSON.stringify({ hostAddresses: options.hostAddresses, clientAddress: options.clientAddress });
  const helpers = context.evalCode(`${PAC_HELPERS_SOURCE}(${settings});`, HELPERS_FILE);
  if (helpers.error) {
    const failure = classify(readError(context, helpers.error), wasInterrupted(), 'call');
    helpers.error.dispose();
    return { failure };
  }
  helpers.value.dispose();
  // Taken before the program runs, so a program that redefines the global cannot swap it.
  const take = context.getProp(context.global, '__endpointLensTakeReturns');
  const loaded = context.evalCode(program, PROGRAM_FILE);
  if (loaded.error) {
    const failure = classify(readError(context, loaded.error), wasInterrupted(), 'load');
    loaded.error.dispose();
    take.dispose();
    return { failure };
  }
  loaded.value.dispose();
  const fn = context.getProp(context.global, 'FindProxyForURL');
  if (context.typeof(fn) !== 'function') {
    fn.dispose();
    take.dispose();
    return { failure: { ok: false, kind: 'no-function', message: t('The PAC program defines no FindProxyForURL function.') } };
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
): PacRunResult {
  const url = context.newString(query.url);
  const host = context.newString(query.host);
  const called = context.callFunction(fn, context.undefined, url, host);
  url.dispose();
  host.dispose();
  if (called.error) {
    const failure = classify(readError(context, called.error), wasInterrupted(), 'call');
    called.error.dispose();
    disposeResult(context.callFunction(take, context.undefined));
    return failure;
  }
  const kind = context.typeof(called.value);
  const value = kind === 'string' ? context.getString(called.value) : undefined;
  const taken = context.callFunction(take, context.undefined, called.value);
  called.value.dispose();
  let returnId = -1;
  if (!taken.error && context.typeof(taken.value) === 'number') returnId = context.getNumber(taken.value);
  disposeResult(taken);
  if (value === undefined) {
    return { ok: false, kind: 'exception', message: t('FindProxyForURL returned {0} instead of a proxy string.', kind) };
  }
  return returnId >= 0 ? { ok: true, value, returnId } : { ok: true, value };
}

function disposeResult(result: { error?: QuickJSHandle; value?: QuickJSHandle }): void {
  result.error?.dispose();
  result.value?.dispose();
}
