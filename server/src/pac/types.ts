/** One question to FindProxyForURL. */
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

/** `budget`: the time for all runs of one file ran out before this one; a bound of Endpoint Lens, not a fault of the program. */
export type PacFailureKind = 'timeout' | 'budget' | 'memory' | 'exception' | 'compile' | 'no-function';

export type PacRunResult =
  | { ok: true; value: string; returnId?: number }
  /** `line` is 0-based, like every position in the model. */
  | { ok: false; kind: PacFailureKind; message: string; line?: number };

/** Why a run failed, before it is put into words (the words are made where the locale is known). */
export type PacFailureReason =
  | 'interrupted'
  | 'call-budget'
  | 'out-of-memory'
  | 'stack-overflow'
  | 'syntax'
  | 'threw'
  | 'not-a-string'
  | 'no-function'
  | 'sandbox';

export type RawPacResult =
  | { ok: true; value: string; returnId?: number }
  | { ok: false; reason: PacFailureReason; name?: string; detail?: string; line?: number };

export function defaultTotalTimeout(options: PacRunOptions): number {
  return options.totalTimeoutMs ?? options.timeoutMs * 20;
}
