/**
 * Junos configuration text as tokens, for both forms: words (a quoted string is one word without
 * its quotes), the punctuation of the curly-brace form, and comments. `#` starts a comment only
 * where a token could start (an address like `10.0.0.0/8#x` is one word), `/* … *\/` is an
 * annotation comment; both are kept for suppressions and managed-block markers.
 */

export type TokenKind = 'word' | '{' | '}' | ';' | '[' | ']' | 'newline';

export interface Token {
  kind: TokenKind;
  /** The word as the device reads it: quotes removed, backslash escapes resolved. */
  text: string;
  start: number;
  end: number;
  quoted: boolean;
}

export interface LexedComment {
  start: number;
  end: number;
  text: string;
}

export interface Lexed {
  tokens: Token[];
  comments: LexedComment[];
  /** Offsets of strings or annotations that run to the end of the text. */
  unterminated: number[];
}

const PUNCTUATION = new Set(['{', '}', ';', '[', ']']);

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\f' || c === '\v' || c === '\uFEFF';
}

/** Newline tokens are kept so the `set` form can tell its commands apart; the curly-brace form ignores them. */
export function lex(text: string): Lexed {
  const tokens: Token[] = [];
  const comments: LexedComment[] = [];
  const unterminated: number[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n' || c === '\r') {
      const end = c === '\r' && text[i + 1] === '\n' ? i + 2 : i + 1;
      tokens.push({ kind: 'newline', text: '', start: i, end, quoted: false });
      i = end;
      continue;
    }
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      let end = i;
      while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
      comments.push({ start: i, end, text: text.slice(i + 1, end).trim() });
      i = end;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? text.length : close + 2;
      if (close < 0) unterminated.push(i);
      comments.push({ start: i, end, text: text.slice(i + 2, close < 0 ? end : close).trim() });
      i = end;
      continue;
    }
    if (PUNCTUATION.has(c)) {
      tokens.push({ kind: c as TokenKind, text: c, start: i, end: i + 1, quoted: false });
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < text.length) {
          value += text[j + 1];
          j += 2;
        } else value += text[j++];
      }
      if (j >= text.length) unterminated.push(i);
      const end = Math.min(j + 1, text.length);
      tokens.push({ kind: 'word', text: value, start: i, end, quoted: true });
      i = end;
      continue;
    }
    let j = i;
    while (j < text.length) {
      const d = text[j]!;
      if (isSpace(d) || d === '\n' || d === '\r' || PUNCTUATION.has(d) || d === '"') break;
      j++;
    }
    tokens.push({ kind: 'word', text: text.slice(i, j), start: i, end: j, quoted: false });
    i = j;
  }
  return { tokens, comments, unterminated };
}
