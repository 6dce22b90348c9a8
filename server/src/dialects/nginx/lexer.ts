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

export function lex(text: string): LexResult {
  const tokens: NginxToken[] = [];
  const problems: LexProblem[] = [];
  const n = text.length;
  let i = 0;
  // The first word of the statement being read, to spot Lua blocks.
  let statementFirst: string | undefined;

  const push = (token: NginxToken): void => {
    tokens.push(token);
    if (token.kind === 'word') {
      if (statementFirst === undefined) statementFirst = token.value;
    } else if (token.kind !== 'comment') {
      statementFirst = undefined;
    }
  };
  const punct = (kind: NginxTokenKind, at: number): NginxToken => ({
    kind,
    value: text[at]!,
    start: at,
    end: at + 1,
    contentStart: at,
    contentEnd: at + 1,
    quoted: false,
    escaped: false,
  });

  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const ch = text[i]!;
    if (ch === ';') {
      push(punct('semicolon', i));
      i++;
      continue;
    }
    if (ch === '{') {
      if (statementFirst !== undefined && statementFirst.endsWith('_by_lua_block')) {
        const end = scanLuaBlock(text, i);
        const stop = end < 0 ? n : end;
        if (end < 0) problems.push({ code: 'unterminated-raw-block', start: i, end: i + 1 });
        push({
          kind: 'raw-block',
          value: text.slice(i + 1, end < 0 ? n : end - 1),
          start: i,
          end: stop,
          contentStart: i + 1,
          contentEnd: end < 0 ? n : end - 1,
          quoted: false,
          escaped: false,
        });
        i = stop;
        continue;
      }
      push(punct('open', i));
      i++;
      continue;
    }
    if (ch === '}') {
      push(punct('close', i));
      i++;
      continue;
    }
    if (ch === '#') {
      let j = i + 1;
      while (j < n && text[j] !== '\n' && text[j] !== '\r') j++;
      tokens.push({
        kind: 'comment',
        value: text.slice(i + 1, j),
        start: i,
        end: j,
        contentStart: i + 1,
        contentEnd: j,
        quoted: false,
        escaped: false,
      });
      i = j;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < n && text[j] !== ch) j += text[j] === '\\' ? 2 : 1;
      if (j >= n) {
        // nginx would read to the end of the file and fail there. Ending the string at the end of its
        // line instead keeps everything after it parsed, so the rest of the file still gets checked.
        // No later quote of the same kind exists, so this scan happens at most once per quote kind.
        let eol = i + 1;
        while (eol < n && text[eol] !== '\n' && text[eol] !== '\r') eol++;
        const raw = text.slice(i + 1, eol);
        push({ kind: 'word', value: unescape(raw), start: i, end: eol, contentStart: i + 1, contentEnd: eol, quoted: true, escaped: true, unterminated: true });
        problems.push({ code: 'unterminated-quote', start: i, end: eol });
        i = eol;
        continue;
      }
      const contentEnd = j;
      const raw = text.slice(i + 1, contentEnd);
      const value = unescape(raw);
      const end = j + 1;
      push({ kind: 'word', value, start: i, end, contentStart: i + 1, contentEnd, quoted: true, escaped: value !== raw });
      i = end;
      const after = text[i];
      // `)` is allowed too, for `if ($host = "x")`.
      if (after !== undefined && !isSpace(text.charCodeAt(i)) && after !== ';' && after !== '{' && after !== ')') {
        // nginx stops here; reading on as a new token keeps later problems meaningful.
        problems.push({ code: 'unexpected-after-quote', start: i, end: i + 1, detail: after });
      }
      continue;
    }
    let j = i;
    let afterDollar = false;
    while (j < n) {
      const cj = text.charCodeAt(j);
      const chj = text[j]!;
      if (chj === '\\') {
        j += 2;
        afterDollar = false;
        continue;
      }
      if (chj === '{' && afterDollar) {
        j++;
        afterDollar = false;
        continue;
      }
      if (isSpace(cj) || chj === ';' || chj === '{') break;
      afterDollar = chj === '$';
      j++;
    }
    j = Math.min(j, n);
    const raw = text.slice(i, j);
    const value = unescape(raw);
    push({ kind: 'word', value, start: i, end: j, contentStart: i, contentEnd: j, quoted: false, escaped: value !== raw });
    i = j;
  }
  return { tokens, problems };
}
