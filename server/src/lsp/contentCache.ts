import { createHash } from 'node:crypto';

/**
 * A digest of everything an analysis is computed from. Every input is length-prefixed, so no two
 * different lists of inputs can run together into the same digest input.
 */
export function contentKey(inputs: readonly string[]): string {
  const hash = createHash('sha256');
  for (const input of inputs) hash.update(`${input.length}:`).update(input);
  return hash.digest('hex');
}

/**
 * The last analysis per slot (a file, or the configuration a file is the root of), handed out
 * again only for the same content key: a document analysed again with unchanged inputs (a file
 * of its configuration was opened, the workspace scan finished) costs no analysis,
 * and its model, already read back for hovers, stays read back. One entry per slot, so memory
 * does not grow with the versions typed.
 */
export class LastAnalysisCache<T> {
  private readonly entries = new Map<string, { key: string; value: T }>();

  get(slot: string, key: string): T | undefined {
    const entry = this.entries.get(slot);
    return entry?.key === key ? entry.value : undefined;
  }

  set(slot: string, key: string, value: T): void {
    this.entries.set(slot, { key, value });
  }

  forget(slot: string): void {
    this.entries.delete(slot);
  }

  /** The catalogue, trust or settings changed: what was computed before is not reused. */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
