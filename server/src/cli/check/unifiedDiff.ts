/** Lines of context around each change, as `diff -u` prints them. */
const CONTEXT = 3;

type Op = { kind: ' ' | '-' | '+'; text: string };

/** Marks a last line without a line break, so it differs from the same text with one, as in diff. */
const NO_NEWLINE = '\u0000';

/** Lines without their line breaks. */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += NO_NEWLINE;
  return lines;
}

/**
 * The shortest edit script between two line lists (Myers' O(ND) algorithm), after the common head
 * and tail are set aside, so a few inserted lines in a large file cost little.
 */
function editScript(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const middle = myers(x, y);
  return [...a.slice(0, head).map((text) => ({ kind: ' ' as const, text })), ...middle, ...a.slice(a.length - tail).map((text) => ({ kind: ' ' as const, text }))];
}

function myers(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // Round d only reads diagonals -d…d of the round before, so only those are kept: O(D²) memory.
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let xPos = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let yPos = xPos - k;
      while (xPos < n && yPos < m && a[xPos] === b[yPos]) {
        xPos++;
        yPos++;
      }
      v[offset + k] = xPos;
      if (xPos >= n && yPos >= m) {
        found = true;
        break;
      }
    }
  }
  const ops: Op[] = [];
  let xPos = n;
  let yPos = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const before = trace[d]!;
    const at = (diagonal: number): number => before[diagonal + d]!;
    const k = xPos - yPos;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = prevX - prevK;
    while (xPos > prevX && yPos > prevY) {
      ops.push({ kind: ' ', text: a[--xPos]! });
      yPos--;
    }
    if (d === 0) break;
    if (xPos === prevX) ops.push({ kind: '+', text: b[--yPos]! });
    else ops.push({ kind: '-', text: a[--xPos]! });
  }
  return ops.reverse();
}

/** `diff -u` of two texts under one file name; empty when they are equal. */
export function unifiedDiff(before: string, after: string, name: string): string {
  if (before === after) return '';
  const ops = editScript(splitLines(before), splitLines(after));
  const out = [`--- ${name}`, `+++ ${name}`];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.kind === ' ') {
      i++;
      continue;
    }
    // A hunk: from CONTEXT lines before this change to CONTEXT lines after the last change that is
    // at most 2 × CONTEXT unchanged lines from the one before it.
    const start = Math.max(0, i - CONTEXT);
    let end = i;
    let quiet = 0;
    for (let j = i; j < ops.length; j++) {
      if (ops[j]!.kind === ' ') {
        quiet++;
        if (quiet > 2 * CONTEXT) break;
      } else {
        quiet = 0;
        end = j;
      }
    }
    const stop = Math.min(ops.length, end + 1 + CONTEXT);
    let oldLine = 1;
    let newLine = 1;
    for (let j = 0; j < start; j++) {
      if (ops[j]!.kind !== '+') oldLine++;
      if (ops[j]!.kind !== '-') newLine++;
    }
    const hunk = ops.slice(start, stop);
    const oldCount = hunk.filter((o) => o.kind !== '+').length;
    const newCount = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${oldCount === 0 ? oldLine - 1 : oldLine},${oldCount} +${newCount === 0 ? newLine - 1 : newLine},${newCount} @@`);
    for (const op of hunk) {
      if (op.text.endsWith(NO_NEWLINE)) out.push(`${op.kind}${op.text.slice(0, -1)}`, '\\ No newline at end of file');
      else out.push(`${op.kind}${op.text}`);
    }
    i = stop;
  }
  return out.join('\n') + '\n';
}
