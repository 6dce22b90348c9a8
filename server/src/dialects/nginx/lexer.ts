/**
 * nginx's own tokenizer rules (ngx_conf_read_token), one pass over the text:
 * - a word ends at whitespace, `;` or `{`; a `}` ends nothing inside a word (`ok}` is one word),
 *   it only closes a block where a token would start;
 * - `{` right after `$` belongs to the word, so `${host}` is one word;
 * - `"…"` and `'…'` are words whose quotes are not part of the value; `\` takes the next character
 *   literally in and out of quotes, and `\"`, `\'`, `\\`, `\t`, `\r`, `\n` are unescaped;
 * - a closing quote must be followed by whitespace, `;`, `{` or `)`;
 * - `#` starts a comment only where a token would start (`a#b` is one word);
 * - `*_by_lua_block { … }` bodies are Lua, read as one raw token up to the matching brace, as the
 *   Lua module itself does.
 */

export type NginxTokenKind = 'word' | 'open' | 'close' | 'semicolon' | 'comment' | 'raw-block';

export interface NginxToken {
  kind: NginxTokenKind;
  /** Words: the value nginx sees (unescaped, without quotes). Comments: text after `#`. */
  value: string;
  /** Offsets of the whole token as written, quotes included; end is exclusive. */
  start: number;
  end: number;
  /** Offsets of the value as written: inside the quotes for quoted words. */
  contentStart: number;
  contentEnd: number;
  quoted: boolean;
  /** True when an escape makes the value differ from the written text, so offsets inside it do not map 1:1. */
  escaped: boolean;
  /** A quoted word with no closing quote, cut at the end of its line. */
  unterminated?: boolean;
}

export type LexProblemCode = 'unterminated-quote' | 'unexpected-after-quote' | 'unterminated-raw-block';

export interface LexProblem {
  code: LexProblemCode;
  start: number;
  end: number;
  /** The offending character for unexpected-after-quote. */
  detail?: string;
}

export interface LexResult {
  tokens: NginxToken[];
  problems: LexProblem[];
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

const ESCAPES: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', t: '\t', r: '\r', n: '\n' };

function unescape(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '\\' && i + 1 < raw.length) {
      const next = raw[i + 1]!;
      const mapped = ESCAPES[next];
      out += mapped ?? ch + next;
      i++;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Offset just past the brace that closes the Lua block opened at `open`, or -1 at end of text. */
function scanLuaBlock(text: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '{') {
      depth++;
      i++;
    } else if (ch === '}') {
      depth--;
      i++;
      if (depth === 0) return i;
    } else if (ch === '"' || ch === "'") {
      i++;
      while (i < text.length && text[i] !== ch && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i++;
    } else if (ch === '-' && text[i + 1] === '-') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol + 1;
    } else if (ch === '[' && (text[i + 1] === '[' || text[i + 1] === '=')) {
      // Lua long string [[ … ]] or [==[ … ]==]
      let j = i + 1;
      while (text[j] === '=') j++;
      if (text[j] === '[') {
        const close = ']' + '='.repeat(j - i - 1) + ']';
        const end = text.indexOf(close, j + 1);
        i = end < 0 ? text.length : end + close.length;
      } else {
        i++;
      }
    } else {
      i++;
    }
  }
  return -1;
}

const KINDS: readonly NginxTokenKind[] = ['word', 'open', 'close', 'semicolon', 'comment', 'raw-block'];
const WORD = 0;
const OPEN = 1;
const CLOSE = 2;
const SEMICOLON = 3;
const COMMENT = 4;
const RAW_BLOCK = 5;
const QUOTED = 8;
const ESCAPED = 16;
const UNTERMINATED = 32;
/** Slots per token: kind and flags, start, end, contentStart, contentEnd. */
const STRIDE = 5;

/**
 * The tokens of one text as offsets into it, five integers each, so a large file costs no object or
 * substring per token; `token(i)` and `value(i)` make them only for the tokens a reader needs.
 */
export class NginxTokens {
  private slots = new Int32Array(1024 * STRIDE);
  count = 0;

  constructor(readonly text: string) {}

  add(kind: number, start: number, end: number, contentStart: number, contentEnd: number): void {
    if ((this.count + 1) * STRIDE > this.slots.length) {
      const grown = new Int32Array(this.slots.length * 2);
      grown.set(this.slots);
      this.slots = grown;
    }
    const at = this.count++ * STRIDE;
    this.slots[at] = kind;
    this.slots[at + 1] = start;
    this.slots[at + 2] = end;
    this.slots[at + 3] = contentStart;
    this.slots[at + 4] = contentEnd;
  }

  kind(i: number): NginxTokenKind {
    return KINDS[this.slots[i * STRIDE]! & 7]!;
  }

  start(i: number): number {
    return this.slots[i * STRIDE + 1]!;
  }

  end(i: number): number {
    return this.slots[i * STRIDE + 2]!;
  }

  quoted(i: number): boolean {
    return (this.slots[i * STRIDE]! & QUOTED) !== 0;
  }

  /** True when the written text of word `i` is exactly `word` (unquoted, nothing escaped). */
  isBare(i: number, word: string): boolean {
    const at = i * STRIDE;
    const start = this.slots[at + 1]!;
    return (this.slots[at]! & (7 | QUOTED | ESCAPED)) === WORD && this.slots[at + 2]! - start === word.length && this.text.startsWith(word, start);
  }

  /** Words: the value nginx sees; comments: the text after `#`; punctuation: its character. */
  value(i: number): string {
    const at = i * STRIDE;
    const raw = this.text.slice(this.slots[at + 3], this.slots[at + 4]);
    return (this.slots[at]! & ESCAPED) !== 0 ? unescape(raw) : raw;
  }

  token(i: number): NginxToken {
    const at = i * STRIDE;
    const flags = this.slots[at]!;
    const token: NginxToken = {
      kind: KINDS[flags & 7]!,
      value: this.value(i),
      start: this.slots[at + 1]!,
      end: this.slots[at + 2]!,
      contentStart: this.slots[at + 3]!,
      contentEnd: this.slots[at + 4]!,
      quoted: (flags & QUOTED) !== 0,
      escaped: (flags & ESCAPED) !== 0,
    };
    if ((flags & UNTERMINATED) !== 0) token.unterminated = true;
    return token;
  }
}

export interface CompactLexResult {
  tokens: NginxTokens;
  problems: LexProblem[];
}

/** Flags for a word written as `raw`: escaped only when unescaping changes it. */
function escapeFlag(text: string, from: number, to: number): number {
  const raw = text.slice(from, to);
  return raw.includes('\\') && unescape(raw) !== raw ? ESCAPED : 0;
}

/** Offset where the unquoted word starting at `i` ends. */
function wordEnd(text: string, i: number): number {
  const n = text.length;
  let j = i;
  let afterDollar = false;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === 92) {
      j += 2;
      afterDollar = false;
      continue;
    }
    if (c === 123 && afterDollar) {
      j++;
      afterDollar = false;
      continue;
    }
    if (isSpace(c) || c === 59 || c === 123) break;
    afterDollar = c === 36;
    j++;
  }
  return Math.min(j, n);
}

/** Reads the quoted word at `i` into `tokens`; returns the offset after it. */
function quotedWord(text: string, i: number, tokens: NginxTokens, problems: LexProblem[]): number {
  const n = text.length;
  const quote = text.charCodeAt(i);
  let j = i + 1;
  while (j < n && text.charCodeAt(j) !== quote) j += text.charCodeAt(j) === 92 ? 2 : 1;
  if (j >= n) {
    // nginx would read to the end of the file and fail there. Ending the string at the end of its
    // line instead keeps everything after it parsed, so the rest of the file still gets checked.
    // No later quote of the same kind exists, so this scan happens at most once per quote kind.
    let eol = i + 1;
    while (eol < n && text[eol] !== '\n' && text[eol] !== '\r') eol++;
    tokens.add(WORD | QUOTED | ESCAPED | UNTERMINATED, i, eol, i + 1, eol);
    problems.push({ code: 'unterminated-quote', start: i, end: eol });
    return eol;
  }
  const end = j + 1;
  tokens.add(WORD | QUOTED | escapeFlag(text, i + 1, j), i, end, i + 1, j);
  const after = text[end];
  // `)` is allowed too, for `if ($host = "x")`.
  if (after !== undefined && !isSpace(text.charCodeAt(end)) && after !== ';' && after !== '{' && after !== ')') {
    // nginx stops here; reading on as a new token keeps later problems meaningful.
    problems.push({ code: 'unexpected-after-quote', start: end, end: end + 1, detail: after });
  }
  return end;
}

/** The compact tokens of `text`. */
export function lexCompact(text: string): CompactLexResult {
  const tokens = new NginxTokens(text);
  const problems: LexProblem[] = [];
  const n = text.length;
  let i = 0;
  // The first word of the statement being read, to spot Lua blocks.
  let statementFirst = -1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 35) {
      let j = i + 1;
      while (j < n && text[j] !== '\n' && text[j] !== '\r') j++;
      tokens.add(COMMENT, i, j, i + 1, j);
      i = j;
      continue;
    }
    if (c === 59 || c === 125) {
      tokens.add(c === 59 ? SEMICOLON : CLOSE, i, i + 1, i, i + 1);
      statementFirst = -1;
      i++;
      continue;
    }
    if (c === 123) {
      if (statementFirst >= 0 && tokens.value(statementFirst).endsWith('_by_lua_block')) {
        const end = scanLuaBlock(text, i);
        const stop = end < 0 ? n : end;
        if (end < 0) problems.push({ code: 'unterminated-raw-block', start: i, end: i + 1 });
        tokens.add(RAW_BLOCK, i, stop, i + 1, end < 0 ? n : end - 1);
        i = stop;
      } else {
        tokens.add(OPEN, i, i + 1, i, i + 1);
        i++;
      }
      statementFirst = -1;
      continue;
    }
    if (statementFirst < 0) statementFirst = tokens.count;
    if (c === 34 || c === 39) {
      i = quotedWord(text, i, tokens, problems);
      continue;
    }
    const j = wordEnd(text, i);
    tokens.add(WORD | escapeFlag(text, i, j), i, j, i, j);
    i = j;
  }
  return { tokens, problems };
}

/** Every token as an object: for tests and small texts; parsing reads `lexCompact`. */
export function lex(text: string): LexResult {
  const { tokens, problems } = lexCompact(text);
  return { tokens: Array.from({ length: tokens.count }, (_, i) => tokens.token(i)), problems };
}
