import { LineIndex, type Range } from './range';
import { t } from '../l10n';
import { leadingWhitespace } from './edit';

/** The word every marker carries, so blocks of this tool are told apart from the user's comments. */
export const MARKER_TAG = 'endpoint-lens';
export const PARAMETERS_WORD = 'parameters';

/** Generated text between `BEGIN endpoint-lens <purpose> <instance> <version>` and `END endpoint-lens <purpose>`. */
export interface ManagedBlock {
  purpose: string;
  instance: string;
  version: string;
  /** Read from the `endpoint-lens parameters key=a,b` line after BEGIN; empty when there is none. */
  parameters: Record<string, string[]>;
  /** Whole lines: from the start of the BEGIN line to just after the END line's line break. */
  startOffset: number;
  endOffset: number;
  range: Range;
  beginLine: number;
  endLine: number;
  /** Leading whitespace of the BEGIN line; a replacement keeps it. */
  indent: string;
}

export type ManagedBlockProblemKind = 'unterminated' | 'mismatched-end' | 'end-without-begin';

/** A marker that does not pair up; reported, never guessed at, and the text around it is left alone. */
export interface ManagedBlockProblem {
  kind: ManagedBlockProblemKind;
  purpose: string;
  range: Range;
  message: string;
}

export interface ManagedBlockScan {
  blocks: ManagedBlock[];
  problems: ManagedBlockProblem[];
}

export const BEGIN_RE = /^BEGIN[ \t]+endpoint-lens(?:[ \t]+(\S+))?(?:[ \t]+(\S+))?(?:[ \t]+(\S+))?/;
export const END_RE = /^END[ \t]+endpoint-lens(?:[ \t]+(\S+))?/;
export const PARAMETERS_RE = /^endpoint-lens[ \t]+parameters(?:[ \t]+(.*))?$/;

/**
 * How a dialect writes a comment on one line: its marker, and for a syntax without line comments
 * the text that closes the comment on the same line (XML: `<!--` and `-->`).
 */
export type LineComment = string | { line: string; close?: string };

function markerOf(comment: LineComment): { line: string; close?: string } {
  return typeof comment === 'string' ? { line: comment } : comment;
}

/** The comment body of a line that is a line comment, or undefined. */
export function commentBody(line: string, comment: LineComment): string | undefined {
  const { line: marker, close } = markerOf(comment);
  const trimmed = line.trimStart();
  if (!trimmed.startsWith(marker)) return undefined;
  const body = trimmed.slice(marker.length).trim();
  return close !== undefined && body.endsWith(close) ? body.slice(0, body.length - close.length).trim() : body;
}

/** `text` as one comment line (without indentation or line break). */
export function commentLine(comment: LineComment, text: string): string {
  const { line: marker, close } = markerOf(comment);
  return close === undefined ? `${marker} ${text}` : `${marker} ${text} ${close}`;
}


/** Characters left as they are in parameter values; everything else is percent-encoded. */
const SAFE_VALUE = /^[A-Za-z0-9._:/-]*$/;

function encodeValue(value: string): string {
  if (SAFE_VALUE.test(value)) return value;
  return [...value].map((c) => (SAFE_VALUE.test(c) ? c : encodeURIComponent(c).replace(/[!'()*]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`))).join('');
}

function decodeValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** `features=mail-flow,free-busy servers=192.0.2.10/32`, keys sorted so the line is stable. */
export function formatParameters(parameters: Record<string, string[]>): string {
  return Object.keys(parameters)
    .sort()
    .filter((key) => /^[A-Za-z][A-Za-z0-9]*$/.test(key))
    .map((key) => `${key}=${(parameters[key] ?? []).map(encodeValue).join(',')}`)
    .join(' ');
}

export function parseParameters(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const token of text.split(/[ \t]+/)) {
    const eq = token.indexOf('=');
    if (eq <= 0) continue;
    const key = token.slice(0, eq);
    const value = token.slice(eq + 1);
    out[key] = value === '' ? [] : value.split(',').map(decodeValue);
  }
  return out;
}

/** Every managed block of the text. Never throws; markers that do not pair become problems. */
export function findManagedBlocks(text: string, lineComment: LineComment): ManagedBlockScan {
  const index = new LineIndex(text);
  const blocks: ManagedBlock[] = [];
  const problems: ManagedBlockProblem[] = [];
  let open: { purpose: string; instance: string; version: string; line: number; indent: string; parameters: Record<string, string[]> } | undefined;
  const lineRange = (line: number): Range => {
    const lineText = index.lineText(line);
    return { start: { line, character: 0 }, end: { line, character: lineText.length } };
  };
  const unterminated = (o: NonNullable<typeof open>): void => {
    problems.push({
      kind: 'unterminated',
      purpose: o.purpose,
      range: lineRange(o.line),
      message: t('Managed block "{0}" has no END marker; it is left as it is.', o.purpose),
    });
  };
  for (let line = 0; line < index.lineCount; line++) {
    const lineText = index.lineText(line);
    const body = commentBody(lineText, lineComment);
    if (body === undefined) continue;
    const begin = BEGIN_RE.exec(body);
    if (begin) {
      if (open) unterminated(open);
      open = { purpose: begin[1] ?? '', instance: begin[2] ?? '', version: begin[3] ?? '', line, indent: leadingWhitespace(lineText), parameters: {} };
      continue;
    }
    const parametersLine = PARAMETERS_RE.exec(body);
    if (parametersLine && open && Object.keys(open.parameters).length === 0) {
      open.parameters = parseParameters(parametersLine[1] ?? '');
      continue;
    }
    const end = END_RE.exec(body);
    if (!end) continue;
    const endPurpose = end[1] ?? '';
    if (!open) {
      problems.push({
        kind: 'end-without-begin',
        purpose: endPurpose,
        range: lineRange(line),
        message: t('END marker of managed block "{0}" has no BEGIN marker.', endPurpose),
      });
      continue;
    }
    if (endPurpose !== open.purpose) {
      problems.push({
        kind: 'mismatched-end',
        purpose: open.purpose,
        range: lineRange(line),
        message: t('Managed block "{0}" ends with the END marker of "{1}"; it is left as it is.', open.purpose, endPurpose),
      });
      open = undefined;
      continue;
    }
    const startOffset = index.offsetAt({ line: open.line, character: 0 });
    const endOffset = line + 1 < index.lineCount ? index.offsetAt({ line: line + 1, character: 0 }) : text.length;
    blocks.push({
      purpose: open.purpose,
      instance: open.instance,
      version: open.version,
      parameters: open.parameters,
      startOffset,
      endOffset,
      range: index.rangeOf(startOffset, endOffset),
      beginLine: open.line,
      endLine: line,
      indent: open.indent,
    });
    open = undefined;
  }
  if (open) unterminated(open);
  return { blocks, problems };
}

/** Web-service versions are yyyymmddnn; compared as numbers when both are, as text otherwise. */
export function compareVersions(a: string, b: string): number {
  if (/^\d{1,20}$/.test(a) && /^\d{1,20}$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface OutdatedBlock {
  purpose: string;
  instance: string;
  /** As written on the BEGIN line; empty when the marker has none. */
  version: string;
  currentVersion: string;
  /** The whole block. */
  range: Range;
  /** The BEGIN line, where a finding should point. */
  beginRange: Range;
}

/**
 * Blocks made from an older catalogue than the current one of their instance (finding
 * `managed-block-outdated`). `currentVersion` answers per instance; instances it does not know
 * are not judged.
 */
export function outdatedBlocks(
  text: string,
  lineComment: LineComment,
  currentVersion: string | ((instance: string) => string | undefined),
): OutdatedBlock[] {
  const out: OutdatedBlock[] = [];
  const index = new LineIndex(text);
  for (const block of findManagedBlocks(text, lineComment).blocks) {
    const current = typeof currentVersion === 'string' ? currentVersion : currentVersion(block.instance);
    if (current === undefined) continue;
    if (block.version !== '' && compareVersions(block.version, current) >= 0) continue;
    out.push({
      purpose: block.purpose,
      instance: block.instance,
      version: block.version,
      currentVersion: current,
      range: block.range,
      beginRange: { start: { line: block.beginLine, character: 0 }, end: { line: block.beginLine, character: index.lineText(block.beginLine).length } },
    });
  }
  return out;
}

