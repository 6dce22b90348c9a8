/** One word of a `set` command: its text without quotes, and where it stands in the whole text. */
export interface SetToken {
  text: string;
  start: number;
  end: number;
  quoted: boolean;
}

/** One physical line of a `set` file. */
export interface SetLine {
  /** 0-based. */
  line: number;
  start: number;
  end: number;
  tokens: SetToken[];
  /** A `#` line: the file's comments (the CLI has none of its own; script files use `#`). */
  comment?: { start: number; text: string };
  /** A quote opened and not closed on the line. */
  unterminatedQuote?: number;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 11 || code === 12 || code === 0xfeff;
}

/**
 * Splits a `set` file into lines of words in one pass. The CLI reads `"…"` and `'…'` as one word
 * (a backslash keeps a quote inside), and `[` `]` as list brackets even when written against a word.
 * Line breaks are \n, \r\n and a lone \r, as LineIndex counts them.
 */
export function lexSet(text: string): SetLine[] {
  const lines: SetLine[] = [];
  const length = text.length;
  let lineNumber = 0;
  let i = 0;
  while (i <= length) {
    const lineStart = i;
    let end = i;
    while (end < length && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
    const line: SetLine = { line: lineNumber, start: lineStart, end, tokens: [] };
    let j = lineStart;
    while (j < end && isSpace(text.charCodeAt(j))) j++;
    if (text[j] === '#') {
      line.comment = { start: j, text: text.slice(j + 1, end).trim() };
    } else {
      while (j < end) {
        const c = text[j]!;
        if (isSpace(text.charCodeAt(j))) {
          j++;
          continue;
        }
        if (c === '[' || c === ']') {
          line.tokens.push({ text: c, start: j, end: j + 1, quoted: false });
          j++;
          continue;
        }
        if (c === '"' || c === "'") {
          let k = j + 1;
          let value = '';
          while (k < end && text[k] !== c) {
            if (text[k] === '\\' && k + 1 < end) k++;
            value += text[k];
            k++;
          }
          if (k >= end) line.unterminatedQuote = j;
          line.tokens.push({ text: value, start: j, end: Math.min(k + 1, end), quoted: true });
          j = k + 1;
          continue;
        }
        let k = j;
        while (k < end && !isSpace(text.charCodeAt(k)) && text[k] !== '[' && text[k] !== ']' && text[k] !== '"') k++;
        line.tokens.push({ text: text.slice(j, k), start: j, end: k, quoted: false });
        j = k;
      }
    }
    lines.push(line);
    if (end >= length) break;
    i = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
    lineNumber++;
  }
  return lines;
}
