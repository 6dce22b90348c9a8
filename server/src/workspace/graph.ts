import { compareBytes } from './glob';

/**
 * Which files include which, over a set of files (a `check` run's, a workspace's): for each file,
 * every file its configuration brings in when it is read as the root. A file is analysed inside the
 * configuration of its root: the first (in byte order) of the files that include it and are
 * included by none; in a cycle, where every file includes the others, the first of them.
 */
export class IncludeGraph {
  private readonly reach = new Map<string, ReadonlySet<string>>();

  /** What `file` brings in when it is read as a root (itself excluded); an empty list forgets its edges. */
  set(file: string, members: Iterable<string>): void {
    const others = new Set([...members].filter((m) => m !== file));
    if (others.size === 0) this.reach.delete(file);
    else this.reach.set(file, others);
  }

  delete(file: string): void {
    this.reach.delete(file);
  }

  /** Files that include `file`, directly or through others, in byte order. */
  includersOf(file: string): string[] {
    const out: string[] = [];
    for (const [candidate, members] of this.reach) if (members.has(file)) out.push(candidate);
    return out.sort(compareBytes);
  }

  /** The files `file` brings in. */
  membersOf(file: string): string[] {
    return [...(this.reach.get(file) ?? [])].sort(compareBytes);
  }

  /** The file whose configuration `file` is read in: itself when nothing includes it. */
  rootOf(file: string): string {
    const includers = this.includersOf(file);
    if (includers.length === 0) return file;
    const uncovered = includers.find((candidate) => this.includersOf(candidate).length === 0);
    return uncovered ?? [file, ...includers].sort(compareBytes)[0]!;
  }
}
