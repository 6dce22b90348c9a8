import { diffLineLists } from '../../model/edit';

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

/** The whole of `a` as kept, removed and added lines, from the shared line diff. */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  const ops: Op[] = [];
  let at = 0;
  for (const hunk of diffLineLists(a, b)) {
    for (; at < hunk.fromA; at++) ops.push({ kind: ' ', text: a[at]! });
    for (let i = hunk.fromA; i < hunk.toA; i++) ops.push({ kind: '-', text: a[i]! });
    for (let i = hunk.fromB; i < hunk.toB; i++) ops.push({ kind: '+', text: b[i]! });
    at = hunk.toA;
  }
  for (; at < a.length; at++) ops.push({ kind: ' ', text: a[at]! });
  return ops;
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
