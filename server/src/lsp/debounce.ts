/** The longest an edit waits before its analysis starts: while typing runs fast, or an analysis is slow. */
export const MAX_DEBOUNCE_MS = 250;

/** The shortest wait: edits that arrive together (a paste, a multi-cursor edit, a fix) are still analysed once. */
export const MIN_DEBOUNCE_MS = 15;

/**
 * How long each document waits after an edit before it is analysed. A pause in typing is met
 * with a short wait, so diagnostics follow soon; edits that come in quick succession wait longer,
 * so a burst of typing costs one analysis at its end rather than one per keystroke that is stale
 * before it finishes.
 */
export class AdaptiveDebounce {
  private readonly lastChange = new Map<string, number>();
  private readonly lastAnalysisMs = new Map<string, number>();

  /** The wait for an edit of `uri` made at `now` (ms); remembers the edit. */
  delayFor(uri: string, now: number): number {
    const previous = this.lastChange.get(uri);
    this.lastChange.set(uri, now);
    if (previous !== undefined && now - previous < MAX_DEBOUNCE_MS) return MAX_DEBOUNCE_MS;
    // A slow analysis started on a half-typed word blocks the next one, so it waits a little longer.
    return Math.min(MAX_DEBOUNCE_MS, Math.max(MIN_DEBOUNCE_MS, Math.round((this.lastAnalysisMs.get(uri) ?? 0) / 10)));
  }

  /** How long the document's last analysis took (ms). */
  analysed(uri: string, durationMs: number): void {
    this.lastAnalysisMs.set(uri, durationMs);
  }

  forget(uri: string): void {
    this.lastChange.delete(uri);
    this.lastAnalysisMs.delete(uri);
  }
}
