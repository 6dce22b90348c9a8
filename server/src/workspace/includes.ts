import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { looksBinary, readRegularFile } from '../fileAccess';
import type { IncludeOptions, IncludeSyntax, SourcePart } from '../dialects/dialect';
import { LineIndex, type Range } from '../model/range';
import { MAX_INCLUDE_DEPTH, MAX_INCLUDED_FILES } from '../limits';
import { t } from '../l10n';
import { expandGlob, hasGlob } from './glob';

/**
 * A configuration as the device loads it: one text in which every include statement is replaced
 * by the files it names (globs in glob(3) order), so the dialect's parser reads included directives
 * in the including context, plus the map from that text back to each file. Nothing here knows a
 * dialect: the dialect says how its includes are written and what relative paths mean.
 */

/** Reads one file's text; the editor answers from open documents first. */
export type ReadText = (path: string) => { ok: true; text: string } | { ok: false; message: string };

/** The default reader: regular files only, within the size limit. */
export function diskReader(maxBytes: number): ReadText {
  return (path) => readRegularFile(path, { maxBytes });
}

/** A stretch of the assembled text that is a stretch of one file. */
export interface SourceSegment {
  start: number;
  end: number;
  file: string;
  fileStart: number;
}

/** How a file came into the configuration: the include statement (file and range) of each step from the root. */
export interface IncludeLink {
  file: string;
  range: Range;
}

export interface AssembledFile {
  path: string;
  text: string;
  lines: LineIndex;
  /** The include statements from the root down to this file; empty for the root (and a companion). */
  chain: IncludeLink[];
}

/** An include that could not be followed, at its statement in the including file. */
export interface IncludeProblem {
  file: string;
  range: Range;
  message: string;
  chain: IncludeLink[];
}

export interface AssembledConfiguration {
  root: string;
  text: string;
  segments: SourceSegment[];
  /** Every file read into the text, the root first, each once (a file included twice keeps its first chain). */
  files: Map<string, AssembledFile>;
  problems: IncludeProblem[];
  /** Where each file's own text starts, for the parser (ParseContext.parts). */
  parts: SourcePart[];
}

/** The folder of the nearest `marker` file from `start` upwards, or undefined. */
export function findUp(start: string, marker: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, marker);
    try {
      if (existsSync(candidate) && statSync(candidate).isFile()) return dir;
    } catch {
      // An entry we may not look at is not the marker.
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The folders relative include patterns of `includingFile` are looked for in, in order. */
export function searchFolders(syntax: IncludeSyntax, includingFile: string, root: string, options: IncludeOptions): string[] {
  if (syntax.relativeTo.kind === 'prefix') {
    const prefix = options.nginxPrefix ?? findUp(dirname(root), syntax.relativeTo.marker) ?? dirname(root);
    return [resolve(dirname(root), prefix)];
  }
  return [dirname(includingFile), ...(options.includePath ?? []).map((p) => resolve(dirname(root), p))];
}

/** The files an include pattern names, or why it names none the device could load. */
function resolvePattern(pattern: string, folders: readonly string[], budget: number): { files: string[] } | { missing: string } {
  const candidates = isAbsolute(pattern) ? [pattern] : folders.map((folder) => join(folder, pattern));
  if (hasGlob(pattern)) {
    // A glob that matches nothing is not an error to nginx or nft: it includes nothing.
    for (const candidate of candidates) {
      const matched = expandGlob(candidate, budget);
      if (matched.length > 0) return { files: matched };
    }
    return { files: [] };
  }
  for (const candidate of candidates) if (existsSync(candidate)) return { files: [candidate] };
  return { missing: candidates[0] ?? pattern };
}

export interface AssembleOptions extends IncludeOptions {
  /** Largest assembled text; includes past it are reported and not read. */
  maxTotalChars?: number;
}

/**
 * The configuration rooted at `root` (whose text is given, as the editor has it), with its
 * includes followed and its companions appended. Never throws on what it reads: an include that
 * cannot be followed is a problem at its statement and is left in the text as written.
 */
export function assembleConfiguration(root: string, rootText: string, syntax: IncludeSyntax, read: ReadText, options: AssembleOptions = {}): AssembledConfiguration {
  const maxTotal = options.maxTotalChars ?? Number.MAX_SAFE_INTEGER;
  const pieces: string[] = [];
  const segments: SourceSegment[] = [];
  const files = new Map<string, AssembledFile>();
  const problems: IncludeProblem[] = [];
  const parts: AssembledConfiguration['parts'] = [];
  let length = 0;
  let included = 0;

  const emit = (text: string, file?: string, fileStart = 0): void => {
    if (text.length === 0) return;
    if (file !== undefined) segments.push({ start: length, end: length + text.length, file, fileStart });
    pieces.push(text);
    length += text.length;
  };

  const fileOf = (path: string, text: string, chain: IncludeLink[]): AssembledFile => {
    const known = files.get(path);
    if (known) return known;
    const entry = { path, text, lines: new LineIndex(text), chain };
    files.set(path, entry);
    return entry;
  };

  const splice = (file: AssembledFile, chain: IncludeLink[], stack: readonly string[]): void => {
    let cursor = 0;
    const statements = safeStatements(syntax, file.text);
    for (const statement of statements) {
      emit(file.text.slice(cursor, statement.start), file.path, cursor);
      cursor = statement.start;
      const range = file.lines.rangeOf(statement.start, statement.end);
      const problem = (message: string): void => {
        problems.push({ file: file.path, range, message, chain });
      };
      const link: IncludeLink = { file: file.path, range };
      if (stack.length > MAX_INCLUDE_DEPTH) {
        problem(t('Includes are nested more than {0} deep here; {1} was not read.', MAX_INCLUDE_DEPTH, statement.pattern));
        continue;
      }
      const found = resolvePattern(statement.pattern, searchFolders(syntax, file.path, root, options), MAX_INCLUDED_FILES - included + 1);
      if ('missing' in found) {
        problem(t('{0} does not exist ({1}), so what it would include is not known.', statement.pattern, found.missing));
        continue;
      }
      const loaded: Array<{ path: string; text: string }> = [];
      for (const path of found.files) {
        if (stack.includes(path)) {
          problem(t('{0} includes itself through {1}; the device refuses such a loop, and it was not followed.', path, [...stack.slice(stack.indexOf(path)), path].map((p) => p.split(/[\\/]/).pop() ?? p).join(' → ')));
          continue;
        }
        if (++included > MAX_INCLUDED_FILES) {
          problem(t('The configuration includes more than {0} files; {1} and the rest were not read.', MAX_INCLUDED_FILES, path));
          break;
        }
        const text = read(path);
        if (!text.ok) {
          problem(t('{0} cannot be included: {1}', path, text.message));
          continue;
        }
        if (looksBinary(text.text)) {
          problem(t('{0} looks like a binary file, not configuration; it was not read.', path));
          continue;
        }
        if (length + text.text.length > maxTotal) {
          problem(t('{0} was not read: the configuration would be larger than Endpoint Lens analyses.', path));
          continue;
        }
        loaded.push({ path, text: text.text });
      }
      // An include none of whose files could be read stays as written, so the parser still knows something is included here.
      if (loaded.length === 0 && found.files.length > 0) continue;
      cursor = statement.end;
      for (const next of loaded) {
        const entry = fileOf(next.path, next.text, [...chain, link]);
        emit('\n');
        parts.push({ offset: length, fileName: next.path, line: 0 });
        splice(entry, [...chain, link], [...stack, next.path]);
        emit('\n');
        parts.push({ offset: length, fileName: file.path, line: file.lines.positionAt(statement.end).line });
      }
    }
    emit(file.text.slice(cursor), file.path, cursor);
  };

  const rootFile = fileOf(root, rootText, []);
  parts.push({ offset: 0, fileName: root, line: 0 });
  splice(rootFile, [], [root]);
  for (const companion of syntax.companions?.(root) ?? []) {
    if (!existsSync(companion)) continue;
    const text = read(companion);
    if (!text.ok || looksBinary(text.text)) {
      const message = text.ok ? t('{0} looks like a binary file, not configuration; it was not read.', companion) : t('{0} cannot be read with this file: {1}', companion, text.message);
      problems.push({ file: root, range: rootFile.lines.rangeOf(0, 0), message, chain: [] });
      continue;
    }
    const entry = fileOf(companion, text.text, []);
    emit('\n');
    parts.push({ offset: length, fileName: companion, line: 0 });
    splice(entry, [], [root, companion]);
  }
  return { root, text: pieces.join(''), segments, files, problems, parts: mergeParts(parts) };
}

/** A dialect's statement finder is user-text code too: a failure there means no includes, never a crash. */
function safeStatements(syntax: IncludeSyntax, text: string): ReturnType<IncludeSyntax['statements']> {
  try {
    return syntax.statements(text).filter((s) => s.start >= 0 && s.end <= text.length && s.start < s.end).sort((a, b) => a.start - b.start);
  } catch {
    return [];
  }
}

/** Drops parts that start where the next starts (an include of nothing). */
function mergeParts(parts: AssembledConfiguration['parts']): AssembledConfiguration['parts'] {
  const out: AssembledConfiguration['parts'] = [];
  for (const part of parts) {
    const last = out[out.length - 1];
    if (last && last.offset === part.offset) out[out.length - 1] = part;
    else out.push(part);
  }
  return out;
}

/** True when the configuration is more than its root alone: something was included or appended, or an include failed. */
export function isMultiFile(configuration: AssembledConfiguration): boolean {
  return configuration.files.size > 1 || configuration.problems.length > 0;
}

/** The segment holding an offset of the assembled text; an offset between segments belongs to the one before. */
export function segmentAt(configuration: AssembledConfiguration, offset: number): SourceSegment | undefined {
  const { segments } = configuration;
  let low = 0;
  let high = segments.length - 1;
  let best: SourceSegment | undefined;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const segment = segments[mid]!;
    if (segment.start <= offset) {
      best = segment;
      low = mid + 1;
    } else high = mid - 1;
  }
  return best;
}

/** A range of the assembled text as a range of the file it lies in; an end past that file's stretch is cut there. */
export function toFileRange(configuration: AssembledConfiguration, lines: LineIndex, range: Range): { file: string; range: Range } | undefined {
  const start = lines.offsetAt(range.start);
  const end = lines.offsetAt(range.end);
  const segment = segmentAt(configuration, start);
  if (!segment) return undefined;
  const entry = configuration.files.get(segment.file);
  if (!entry) return undefined;
  const from = Math.min(segment.fileStart + (start - segment.start), segment.fileStart + (segment.end - segment.start));
  const to = Math.max(from, Math.min(segment.fileStart + (end - segment.start), segment.fileStart + (segment.end - segment.start)));
  return { file: segment.file, range: entry.lines.rangeOf(from, to) };
}

/** An offset in one file as an offset of the assembled text (its first copy when it is included twice). */
export function fromFileOffset(configuration: AssembledConfiguration, file: string, offset: number): number | undefined {
  for (const segment of configuration.segments) {
    if (segment.file !== file) continue;
    const length = segment.end - segment.start;
    if (offset >= segment.fileStart && offset <= segment.fileStart + length) return segment.start + (offset - segment.fileStart);
  }
  return undefined;
}
