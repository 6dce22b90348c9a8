/**
 * Which text an analysis belongs to. Taken from the document as a request or change arrives,
 * before anything awaits, so nothing that happens later can mix one version's results with
 * another version's text.
 */
export interface Snapshot {
  uri: string;
  version: number;
  text: string;
  languageId: string;
}

/** The document as it is now; taken before any await, so later changes cannot leak into what is computed from it. */
export function snapshotOf(document: { uri: string; version: number; languageId: string; getText(): string }): Snapshot {
  return { uri: document.uri, version: document.version, text: document.getText(), languageId: document.languageId };
}

/** The analysis of one snapshot, as the server keeps and hands out. */
export interface VersionedResult<T> {
  version: number;
  /** The text that was analysed; edits and fixes are computed from it, never from the live document. */
  text: string;
  value: T;
}

interface Job<T> {
  snapshot: Snapshot;
  generation: number;
  /** The document's epoch when the job was made; another file of its configuration changing bumps it. */
  epoch: number;
  waiters: Array<(result: VersionedResult<T> | undefined) => void>;
}

/**
 * The analyses of open documents, one version at a time per document:
 * - an answer is for exactly the version asked about, or none when a newer version arrived
 *   before that one was analysed;
 * - per document at most one analysis runs and one waits; a newer request replaces the waiting
 *   one (its callers get none), so a storm of edits costs two analyses, not one per edit;
 * - only the analysis of the document's current version is kept, so memory does not grow with
 *   the number of versions typed.
 */
export class DocumentAnalyses<T> {
  private readonly kept = new Map<string, { result: VersionedResult<T>; generation: number }>();
  private readonly running = new Map<string, Job<T> & { done: Promise<VersionedResult<T> | undefined> }>();
  private readonly waiting = new Map<string, Job<T>>();
  /** Bumped when settings, the catalogue or trust change: analyses made before are not kept. */
  private generation = 0;
  /** Per document: bumped when a file its analysis read besides the document itself changed. */
  private readonly epochs = new Map<string, number>();

  constructor(
    private readonly analyse: (snapshot: Snapshot, stillWanted: () => boolean) => Promise<T | undefined>,
    /** The document's version now, or undefined once it is closed. */
    private readonly currentVersion: (uri: string) => number | undefined,
  ) {}

  /** True while `snapshot` is still the document's newest version and nothing made its analysis obsolete. */
  private isCurrent(snapshot: Snapshot, generation: number, epoch = this.epochOf(snapshot.uri)): boolean {
    return this.currentVersion(snapshot.uri) === snapshot.version && generation === this.generation && epoch === this.epochOf(snapshot.uri);
  }

  private epochOf(uri: string): number {
    return this.epochs.get(uri) ?? 0;
  }

  analysisOf(snapshot: Snapshot): Promise<VersionedResult<T> | undefined> {
    const kept = this.kept.get(snapshot.uri);
    const epoch = this.epochOf(snapshot.uri);
    if (kept && kept.result.version === snapshot.version && kept.generation === this.generation) return Promise.resolve(kept.result);
    const running = this.running.get(snapshot.uri);
    if (running && running.snapshot.version === snapshot.version && running.generation === this.generation && running.epoch === epoch) return running.done;
    if (!this.isCurrent(snapshot, this.generation)) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiting = this.waiting.get(snapshot.uri);
      if (waiting && waiting.snapshot.version === snapshot.version && waiting.generation === this.generation && waiting.epoch === epoch) {
        waiting.waiters.push(resolve);
        return;
      }
      // An older version still waiting will never be wanted again: its callers get no answer.
      for (const superseded of waiting?.waiters ?? []) superseded(undefined);
      this.waiting.set(snapshot.uri, { snapshot, generation: this.generation, epoch, waiters: [resolve] });
      this.startNext(snapshot.uri);
    });
  }

  private startNext(uri: string): void {
    if (this.running.has(uri)) return;
    const job = this.waiting.get(uri);
    if (!job) return;
    this.waiting.delete(uri);
    const done = this.run(job);
    this.running.set(uri, { ...job, done });
    void done.then((result) => {
      this.running.delete(uri);
      for (const resolve of job.waiters) resolve(result);
      this.startNext(uri);
    });
  }

  private async run(job: Job<T>): Promise<VersionedResult<T> | undefined> {
    const { snapshot, generation, epoch } = job;
    let value: T | undefined;
    try {
      value = await this.analyse(snapshot, () => this.isCurrent(snapshot, generation, epoch));
    } catch {
      value = undefined;
    }
    if (value === undefined) return undefined;
    const result = { version: snapshot.version, text: snapshot.text, value };
    // Kept only while it is the newest version; an older result is answered to those who asked for it, then dropped.
    if (this.isCurrent(snapshot, generation, epoch)) this.kept.set(snapshot.uri, { result, generation });
    return result;
  }

  /**
   * Another file the document's analysis read (an include, its includer) changed: the same version
   * of the document is analysed again, and an analysis already under way is not kept.
   */
  invalidateDocument(uri: string): void {
    this.epochs.set(uri, this.epochOf(uri) + 1);
    this.kept.delete(uri);
  }

  /** Analyses made so far no longer count (settings, catalogue or trust changed). */
  invalidate(): void {
    this.generation++;
    this.kept.clear();
  }

  /** The document was closed: forget it, and answer whoever waits for it with none. */
  forget(uri: string): void {
    this.kept.delete(uri);
    this.epochs.delete(uri);
    for (const resolve of this.waiting.get(uri)?.waiters ?? []) resolve(undefined);
    this.waiting.delete(uri);
  }

  /** How many documents have a kept result, a running and a waiting analysis (tests check it stays flat). */
  get size(): { kept: number; running: number; waiting: number } {
    return { kept: this.kept.size, running: this.running.size, waiting: this.waiting.size };
  }
}
