import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** Resident memory of a process now and at its peak (VmHWM), in MB, from /proc. */
export function processMemory(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}

/**
 * Parse throughput of `fn` on `text`: the best of three runs (after a warm-up on a slice), in MB/s,
 * and the heap the last result still holds. Prints one line.
 */
export function measureThroughput(label: string, text: string, fn: (t: string) => unknown, labelWidth = 6): void {
  fn(text.slice(0, 100_000));
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let best = Infinity;
  let kept: unknown;
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    kept = fn(text);
    best = Math.min(best, performance.now() - start);
  }
  const heapAfter = process.memoryUsage().heapUsed;
  const mb = Buffer.byteLength(text) / (1024 * 1024);
  console.log(
    `${label.padEnd(labelWidth)} ${mb.toFixed(1)} MB in ${best.toFixed(0)} ms = ${(mb / (best / 1000)).toFixed(1)} MB/s; heap held by the result about ${((heapAfter - heapBefore) / (1024 * 1024)).toFixed(0)} MB`,
  );
  if (kept === undefined) throw new Error('no result');
}
