import type { Position, Range } from '../../model/range';

/** What a word is made of, decided while lexing: all digits (sequence numbers, ACL numbers, ports) or anything else. */
export type TokenKind = 'number' | 'word';

/** One whitespace-separated word of a configuration line: its text, offsets into the whole text and kind. */
export interface CiscoToken {
  text: string;
  start: number;
  end: number;
  kind: TokenKind;
}

/**
 * One physical line. Cisco configuration has no quoting, continuation or block delimiters: a
 * command is a line of words, and sub-mode lines are told apart by indentation or by their first
 * word, which the parser decides.
 */
export interface CiscoLine {
  /** 0-based line number. */
  line: number;
  /** Offset of the line's first character. */
  start: number;
  /** Offset just past the last character before the line break. */
  end: number;
  /** The line starts with a space or tab (a sub-mode line in a device's own output). */
  indented: boolean;
  tokens: CiscoToken[];
}

/** Blanks between words; a byte-order mark (files saved by Windows editors) separates like one. */
function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 11 || code === 12 || code === 0xfeff;
}

/**
 * Splits text into lines of tokens in one pass. Line breaks are \n, \r\n and a lone \r, the same
 * rule LineIndex uses, so positions agree with the rest of the program.
 */
export function lexCisco(text: string): CiscoLine[] {
  const lines: CiscoLine[] = [];
  let lineNumber = 0;
  let lineStart = 0;
  let tokens: CiscoToken[] = [];
  let tokenStart = -1;
  let digits = true;
  const length = text.length;
  for (let i = 0; i <= length; i++) {
    const code = i < length ? text.charCodeAt(i) : 10;
    const isBreak = code === 10 || code === 13;
    if (isBreak || isSpace(code)) {
      if (tokenStart >= 0) {
        tokens.push({ text: text.slice(tokenStart, i), start: tokenStart, end: i, kind: digits ? 'number' : 'word' });
        tokenStart = -1;
      }
      if (isBreak) {
        const first = text.charCodeAt(lineStart);
        lines.push({
          line: lineNumber,
          start: lineStart,
          end: i,
          indented: lineStart < i && (first === 32 || first === 9),
          tokens,
        });
        tokens = [];
        if (code === 13 && i + 1 < length && text.charCodeAt(i + 1) === 10) i++;
        lineNumber++;
        lineStart = i + 1;
        if (i >= length) break;
      }
    } else {
      if (tokenStart < 0) {
        tokenStart = i;
        digits = true;
      }
      if (code < 48 || code > 57) digits = false;
    }
  }
  return lines;
}

/** Positions for offsets on one known line, without a search. */
export function positionOnLine(line: CiscoLine, offset: number): Position {
  return { line: line.line, character: offset - line.start };
}

export function rangeOnLine(line: CiscoLine, start: number, end: number): Range {
  return { start: positionOnLine(line, start), end: positionOnLine(line, end) };
}

/** From the line's first word to its last, or the whole line when it has none. */
export function lineRange(line: CiscoLine): Range {
  const first = line.tokens[0];
  const last = line.tokens[line.tokens.length - 1];
  if (first === undefined || last === undefined) return rangeOnLine(line, line.start, line.end);
  return rangeOnLine(line, first.start, last.end);
}
