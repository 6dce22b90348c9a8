import type { LineIndex, Range } from '../../model/range';

/** One word of a directive line: its text without quotes and where it is. */
export interface SquidToken {
  text: string;
  range: Range;
  /** Written in double quotes: for acl values, a file Squid reads the values from. */
  quoted: boolean;
}

/** One directive: its name, its arguments, and the range of the whole (possibly continued) line. */
export interface SquidDirective {
  name: SquidToken;
  args: SquidToken[];
  range: Range;
}

export interface SquidComment {
  range: Range;
  text: string;
}

export interface SquidLexed {
  directives: SquidDirective[];
  comments: SquidComment[];
}

/**
 * squid.conf is line based: `#` starts a comment at the start of a line (after blanks), a line
 * ending in `\` continues on the next, words are split on blanks, and `"…"` quotes one word (for
 * acl values it names a file). A `#` inside a line is part of a word, as Squid reads it.
 */
export function lexSquid(lines: LineIndex): SquidLexed {
  const directives: SquidDirective[] = [];
  const comments: SquidComment[] = [];
  let tokens: SquidToken[] = [];
  let startOffset = -1;
  for (let line = 0; line < lines.lineCount; line++) {
    const lineStart = lines.offsetAt({ line, character: 0 });
    const raw = lines.lineText(line);
    const trimmed = raw.trimStart();
    if (tokens.length === 0 && trimmed.startsWith('#')) {
      const at = raw.length - trimmed.length;
      comments.push({ range: lines.rangeOf(lineStart + at, lineStart + raw.length), text: trimmed.slice(1).trim() });
      continue;
    }
    const continued = /\\\s*$/.test(raw);
    const body = continued ? raw.slice(0, raw.lastIndexOf('\\')) : raw;
    let i = 0;
    while (i < body.length) {
      const c = body[i]!;
      if (c === ' ' || c === '\t' || c === '\r') {
        i++;
        continue;
      }
      const from = i;
      if (c === '"') {
        const close = body.indexOf('"', i + 1);
        const end = close < 0 ? body.length : close + 1;
        tokens.push({ text: body.slice(i + 1, close < 0 ? body.length : close), range: lines.rangeOf(lineStart + from, lineStart + end), quoted: true });
        i = end;
        continue;
      }
      while (i < body.length && body[i] !== ' ' && body[i] !== '\t' && body[i] !== '\r') i++;
      if (startOffset < 0) startOffset = lineStart + from;
      tokens.push({ text: body.slice(from, i), range: lines.rangeOf(lineStart + from, lineStart + i), quoted: false });
    }
    if (tokens.length > 0 && startOffset < 0) startOffset = lines.offsetAt(tokens[0]!.range.start);
    if (continued && line + 1 < lines.lineCount) continue;
    if (tokens.length > 0) {
      const last = tokens[tokens.length - 1]!;
      directives.push({ name: tokens[0]!, args: tokens.slice(1), range: { start: lines.positionAt(startOffset), end: last.range.end } });
    }
    tokens = [];
    startOffset = -1;
  }
  return { directives, comments };
}
