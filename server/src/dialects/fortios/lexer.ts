/** One word of a FortiOS command: its text without quotes, and where it stands in the whole text. */
export interface FortiToken {
  text: string;
  start: number;
  end: number;
  quoted: boolean;
}

/** One command: the words up to the line break that ends it (a quoted value may hold line breaks, as certificates do). */
export interface FortiStatement {
  /** 0-based line the command starts on. */
  line: number;
  start: number;
  end: number;
  tokens: FortiToken[];
  /** A `#` line: `show` output starts with `#config-version=…`, scripts use them as comments. */
  comment?: { start: number; text: string };
  /** Offset of a quote that the text never closes. */
  unterminatedQuote?: number;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 11 || code === 12 || code === 0xfeff;
}

function isBreak(code: number): boolean {
  return code === 10 || code === 13;
}

/**
 * Splits FortiOS CLI text into commands in one pass. The CLI reads `"…"` and `'…'` as one word, a
 * backslash keeping the next character (`\"`, `\\`); a quote may run over line breaks, so a
 * certificate or replacement message stays one value. Line breaks are \n, \r\n and a lone \r, as
 * LineIndex counts them.
 */
export function lexFortios(text: string): FortiStatement[] {
  const out: FortiStatement[] = [];
  const length = text.length;
  let line = 0;
  let i = 0;
  const newline = (at: number): number => {
    line++;
    return text.charCodeAt(at) === 13 && text.charCodeAt(at + 1) === 10 ? at + 2 : at + 1;
  };
  while (i < length) {
    while (i < length && isSpace(text.charCodeAt(i))) i++;
    if (i >= length) break;
    if (isBreak(text.charCodeAt(i))) {
      i = newline(i);
      continue;
    }
    const statement: FortiStatement = { line, start: i, end: i, tokens: [] };
    if (text[i] === '#') {
      let end = i;
      while (end < length && !isBreak(text.charCodeAt(end))) end++;
      statement.comment = { start: i, text: text.slice(i + 1, end).trim() };
      statement.end = end;
      out.push(statement);
      i = end;
      continue;
    }
    while (i < length && !isBreak(text.charCodeAt(i))) {
      const code = text.charCodeAt(i);
      if (isSpace(code)) {
        i++;
        continue;
      }
      const c = text[i]!;
      if (c === '"' || c === "'") {
        const open = i;
        let k = i + 1;
        let value = '';
        while (k < length && text[k] !== c) {
          if (text[k] === '\\' && k + 1 < length) k++;
          if (isBreak(text.charCodeAt(k))) {
            // Lines inside a quoted value still count, so later ranges stay right.
            if (text.charCodeAt(k) === 13 && text.charCodeAt(k + 1) === 10) {
              value += '\r';
              k++;
            }
            line++;
          }
          value += text[k];
          k++;
        }
        if (k >= length) statement.unterminatedQuote = open;
        statement.tokens.push({ text: value, start: open, end: Math.min(k + 1, length), quoted: true });
        i = Math.min(k + 1, length);
        continue;
      }
      let k = i;
      while (k < length && !isSpace(text.charCodeAt(k)) && !isBreak(text.charCodeAt(k)) && text[k] !== '"' && text[k] !== "'") k++;
      statement.tokens.push({ text: text.slice(i, k), start: i, end: k, quoted: false });
      i = k;
    }
    statement.end = i;
    out.push(statement);
  }
  return out;
}
