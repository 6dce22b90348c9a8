/**
 * Tokens of the nft language: words (identifiers, numbers, addresses, prefixes and ranges such as
 * `10.0.0.0/8`, `2001:db8::/32`, `3478-3481`, `$var`, `@set`), strings, punctuation, and newlines,
 * which end statements outside braces. `#` comments run to the end of the line and `\` joins lines.
 * One pass, no backtracking.
 */

export type TokenKind = 'word' | 'string' | 'punct' | 'newline';

export interface Token {
  kind: TokenKind;
  /** For strings, the content without quotes. */
  text: string;
  start: number;
  end: number;
}

export interface NftLexResult {
  tokens: Token[];
  comments: Array<{ start: number; end: number; text: string }>;
  /** Offsets of strings that are not closed on their line. */
  unterminated: Array<{ start: number; end: number }>;
}

const PUNCT = new Set(['{', '}', ';', ',', '=', '(', ')', '[', ']', '<', '>', '!', '|', '&', '^']);
const TWO_CHAR = new Set(['!=', '==', '<=', '>=', '<<', '>>']);

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\f' || c === '\v';
}

export function lexNft(text: string): NftLexResult {
  const tokens: Token[] = [];
  const comments: NftLexResult['comments'] = [];
  const unterminated: NftLexResult['unterminated'] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r')) {
      i += text[i + 1] === '\r' && text[i + 2] === '\n' ? 3 : 2;
      continue;
    }
    if (c === '\n' || c === '\r') {
      const start = i;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      const last = tokens[tokens.length - 1];
      if (last && last.kind !== 'newline') tokens.push({ kind: 'newline', text: '\n', start, end: i });
      continue;
    }
    if (c === '#') {
      const start = i;
      while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
      comments.push({ start, end: i, text: text.slice(start + 1, i).trim() });
      continue;
    }
    if (c === '"') {
      const start = i;
      i++;
      while (i < n && text[i] !== '"' && text[i] !== '\n' && text[i] !== '\r') {
        if (text[i] === '\\' && text[i + 1] === '"') i++;
        i++;
      }
      if (text[i] === '"') {
        tokens.push({ kind: 'string', text: text.slice(start + 1, i), start, end: i + 1 });
        i++;
      } else {
        unterminated.push({ start, end: i });
        tokens.push({ kind: 'string', text: text.slice(start + 1, i), start, end: i });
      }
      continue;
    }
    const two = text.slice(i, i + 2);
    if (TWO_CHAR.has(two)) {
      tokens.push({ kind: 'punct', text: two, start: i, end: i + 2 });
      i += 2;
      continue;
    }
    if (PUNCT.has(c)) {
      tokens.push({ kind: 'punct', text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    const start = i;
    while (i < n) {
      const d = text[i]!;
      if (isSpace(d) || d === '\n' || d === '\r' || d === '#' || d === '"' || PUNCT.has(d)) break;
      if (d === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r')) break;
      i++;
    }
    if (i === start) i++;
    tokens.push({ kind: 'word', text: text.slice(start, i), start, end: i });
  }
  return { tokens, comments, unterminated };
}
