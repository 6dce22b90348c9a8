import { LineIndex, type Range } from './range';

/** The spaces and tabs a line starts with. */
export function leadingWhitespace(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** The file's line break, so inserted text matches it. */
export function lineBreakOf(text: string): string {
  const crlf = text.indexOf('\r\n');
  const lf = text.indexOf('\n');
  return crlf >= 0 && crlf <= lf ? '\r\n' : '\n';
}

/** The text with non-overlapping edits applied (positions refer to the original text). */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const index = new LineIndex(text);
  const withOffsets = edits.map((e, order) => ({ start: index.offsetAt(e.range.start), end: index.offsetAt(e.range.end), newText: e.newText, order }));
  // From the end backwards; insertions at one offset keep their given order.
  withOffsets.sort((a, b) => b.start - a.start || b.end - a.end || b.order - a.order);
  let out = text;
  for (const e of withOffsets) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}


/** Lines with their line breaks, so joining them gives the text back. */
function splitLines(text: string): string[] {
  return text.length === 0 ? [] : text.split(/(?<=\r\n|\n|\r(?!\n))/);
}

/** Lines a[fromA, toA) are replaced by b[fromB, toB). */
export interface LineHunk {
  fromA: number;
  toA: number;
  fromB: number;
  toB: number;
}

/** Above this many changed lines on both sides the diff is one replacement, so a huge rewrite costs no quadratic search. */
const MAX_DIFF_LINES = 4000;

/**
 * The hunks that turn line list `a` into `b`: Myers' shortest edit script on the lines between the
 * common head and tail, in order, adjacent changes joined.
 */
export function diffLineLists(a: readonly string[], b: readonly string[]): LineHunk[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  if (midA.length === 0 && midB.length === 0) return [];
  const hunks = midA.length + midB.length > MAX_DIFF_LINES ? [{ fromA: 0, toA: midA.length, fromB: 0, toB: midB.length }] : myersHunks(midA, midB);
  return hunks.map((h) => ({ fromA: h.fromA + head, toA: h.toA + head, fromB: h.fromB + head, toB: h.toB + head }));
}

/**
 * The line hunks that turn `before` into `after`, each as one edit against `before`: insertions
 * stay insertions, so an editor keeps the user's own lines, cursor and undo history around them.
 */
export function diffEdits(before: string, after: string): TextEdit[] {
  if (before === after) return [];
  const a = splitLines(before);
  const b = splitLines(after);
  const index = new LineIndex(before);
  const starts: number[] = [0];
  for (const line of a) starts.push(starts[starts.length - 1]! + line.length);
  return diffLineLists(a, b).map((h) => ({ range: index.rangeOf(starts[h.fromA]!, starts[h.toA]!), newText: b.slice(h.fromB, h.toB).join('') }));
}

/** Myers' O(ND) diff of two line arrays, as hunks of replaced lines in order; the frontier of each round is kept only for its own diagonals. */
function myersHunks(a: readonly string[], b: readonly string[]): LineHunk[] {
  const n = a.length;
  const m = b.length;
  const offset = n + m + 1;
  const v = new Int32Array(2 * offset + 1);
  // Round d reads only diagonals -d…d of the round before, so only those are kept.
  const trace: Int32Array[] = [];
  search: for (let d = 0; d <= n + m; d++) {
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) break search;
    }
  }
  const moves: Array<{ deleted: boolean; x: number; y: number }> = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d > 0; d--) {
    const frontier = trace[d]!;
    const at = (diagonal: number): number => frontier[diagonal + d]!;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    moves.push({ deleted: !down, x: prevX, y: prevY });
    x = prevX;
    y = prevY;
  }
  moves.reverse();
  const hunks: LineHunk[] = [];
  for (const move of moves) {
    const toA = move.deleted ? move.x + 1 : move.x;
    const toB = move.deleted ? move.y : move.y + 1;
    const last = hunks[hunks.length - 1];
    if (last && last.toA === move.x && last.toB === move.y) {
      last.toA = toA;
      last.toB = toB;
    } else hunks.push({ fromA: move.x, toA, fromB: move.y, toB });
  }
  return hunks;
}
