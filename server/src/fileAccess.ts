import { createHash, randomUUID } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { t } from './l10n';

/**
 * Every file the CLI, the catalogue cache and the update client read or write goes through here:
 * only regular files are read (a FIFO, socket or device would block or never end), a read never
 * takes more than its cap even when the file grows while it is read, and a write replaces the file
 * whole or not at all, leaving no temporary file behind.
 */

/** What identifies one version of a file on disk: enough to tell that it changed under us. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
}

export type ReadFailure = 'missing' | 'not-regular' | 'too-large' | 'unreadable';

/** `utf8` is false when the bytes are not valid UTF-8 and the text has replacement characters. */
export type ReadResult = { ok: true; text: string; stamp: FileStamp; utf8: boolean } | { ok: false; failure: ReadFailure; message: string };

export interface ReadOptions {
  /** Larger files are refused; checked on the open descriptor and again while reading. */
  maxBytes: number;
}

/** Configuration, catalogue and state files are small; this is a generous cap for them. */
export const MAX_DATA_FILE_BYTES = 64 * 1024 * 1024;

/** On systems without O_NONBLOCK (Windows) FIFOs do not exist in this form. */
const NONBLOCK = constants.O_NONBLOCK ?? 0;
const READ_CHUNK = 1024 * 1024;

function stampOf(stat: Stats): FileStamp {
  return { size: stat.size, mtimeMs: stat.mtimeMs, dev: stat.dev, ino: stat.ino, mode: stat.mode, uid: stat.uid, gid: stat.gid, nlink: stat.nlink };
}

/** "a FIFO", "a socket", … for the "not a regular file" message. */
function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return t('a folder');
  if (stat.isFIFO()) return t('a FIFO');
  if (stat.isSocket()) return t('a socket');
  if (stat.isCharacterDevice()) return t('a character device');
  if (stat.isBlockDevice()) return t('a block device');
  return t('not a file');
}

function errorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (error instanceof Error ? error.message : String(error));
}

function notRegular(path: string, stat: Stats): ReadResult {
  return { ok: false, failure: 'not-regular', message: t('not a regular file: {0} ({1})', path, kindOf(stat)) };
}

function tooLarge(path: string, size: number, maxBytes: number): ReadResult {
  return { ok: false, failure: 'too-large', message: t('{0} is {1}; the limit is {2}.', path, formatBytes(size), formatBytes(maxBytes)) };
}

/** 1536 → "1.5 KB", 64 MiB → "64 MB": the unit people read in a message. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} B`;
}

/** A byte-order mark is kept, so text written back keeps it too. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decode(bytes: Buffer): { text: string; utf8: boolean } {
  try {
    return { text: strictUtf8.decode(bytes), utf8: true };
  } catch {
    return { text: bytes.toString('utf8'), utf8: false };
  }
}

/** Reads the open descriptor to its end, but never more than `maxBytes + 1` bytes. */
function readBounded(fd: number, maxBytes: number): Buffer | undefined {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK, maxBytes + 1 - total));
    const read = readSync(fd, chunk, 0, chunk.length, null);
    if (read === 0) break;
    chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
    total += read;
    if (total > maxBytes) return undefined;
  }
  return Buffer.concat(chunks, total);
}

/**
 * The text of a regular file (UTF-8), or why it was not read. The type is checked before opening
 * (so a FIFO is never opened) and again on the descriptor, which is opened non-blocking, so a file
 * swapped for a FIFO in between cannot block either.
 */
export function readRegularFile(path: string, options: ReadOptions): ReadResult {
  let before: Stats;
  try {
    before = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, failure: 'missing', message: t('{0} does not exist.', path) };
    return { ok: false, failure: 'unreadable', message: t('Cannot read {0}: {1}', path, errorText(error)) };
  }
  if (!before.isFile()) return notRegular(path, before);
  if (before.size > options.maxBytes) return tooLarge(path, before.size, options.maxBytes);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NONBLOCK);
  } catch (error) {
    return { ok: false, failure: 'unreadable', message: t('Cannot read {0}: {1}', path, errorText(error)) };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return notRegular(path, stat);
    if (stat.size > options.maxBytes) return tooLarge(path, stat.size, options.maxBytes);
    const bytes = readBounded(fd, options.maxBytes);
    if (!bytes) return tooLarge(path, options.maxBytes + 1, options.maxBytes);
    return { ok: true, ...decode(bytes), stamp: stampOf(stat) };
  } catch (error) {
    return { ok: false, failure: 'unreadable', message: t('Cannot read {0}: {1}', path, errorText(error)) };
  } finally {
    closeSync(fd);
  }
}

/** `readRegularFile` for JSON data files: the parsed value, or undefined when missing or unusable. */
export function readJsonFile(path: string): { ok: true; value: unknown; stamp: FileStamp } | { ok: false; failure: ReadFailure | 'malformed'; message: string } {
  const read = readRegularFile(path, { maxBytes: MAX_DATA_FILE_BYTES });
  if (!read.ok) return read;
  try {
    return { ok: true, value: JSON.parse(read.text) as unknown, stamp: read.stamp };
  } catch (error) {
    return { ok: false, failure: 'malformed', message: t('{0} cannot be read: {1}', path, error instanceof Error ? error.message : String(error)) };
  }
}

/** NUL bytes or a high share of control characters: a binary file opened by mistake. */
export function looksBinary(text: string): boolean {
  const sample = text.slice(0, 8192);
  if (sample.includes('\u0000')) return true;
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) control++;
  }
  return sample.length > 0 && control / sample.length > 0.1;
}

/** Names of temporary files made here; the update client removes stale ones by this pattern. */
export const TEMP_FILE_PATTERN = /^\.[0-9a-z]+-\d+-[0-9a-f]{8}\.tmp$/;

function tempPathBeside(path: string): string {
  return join(dirname(path), `.${Date.now().toString(36)}-${process.pid}-${randomUUID().slice(0, 8)}.tmp`);
}

/** Makes a rename durable; folders cannot be opened this way on Windows, where NTFS journals it. */
function syncFolder(dir: string): void {
  try {
    const dirFd = openSync(dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Durability of the folder entry is best effort; the rename has already happened.
  }
}

export interface AtomicWriteOptions {
  /** Mode of the new file (default 0o644, or the target's when `keep` is given). */
  mode?: number;
  /** Give the new file this owner and group; a failure to do so fails the write. */
  owner?: { uid: number; gid: number };
  /**
   * Called after the new content is on disk and before the rename; a string return stops the
   * write (the temporary file is removed) and is the reason given.
   */
  beforeRename?: () => string | undefined;
}

/** `code` is the system's error code (ENOSPC, EACCES…) when the operating system refused. */
export type WriteResult = { ok: true } | { ok: false; message: string; code?: string };

/**
 * Replace a file so that a reader sees either the old bytes or the new ones, never a mix: the new
 * content goes to a temporary file in the same folder (same file system, so rename is atomic), is
 * flushed, then renamed over the target. On any failure (a full disk included) the temporary file
 * is removed and the target is left as it was.
 */
export function writeFileAtomic(path: string, content: string, options: AtomicWriteOptions = {}): WriteResult {
  const temp = tempPathBeside(path);
  let fd: number | undefined;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    const bytes = Buffer.from(content, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    if (options.owner) {
      const own = fstatSync(fd);
      if (own.uid !== options.owner.uid || own.gid !== options.owner.gid) fchownSync(fd, options.owner.uid, options.owner.gid);
    }
    fchmodSync(fd, options.mode ?? 0o644);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    const refusal = options.beforeRename?.();
    if (refusal !== undefined) {
      rmSync(temp, { force: true });
      return { ok: false, message: refusal };
    }
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    return { ok: false, message: t('Cannot write {0}: {1}', path, errorText(error)), ...(code ? { code } : {}) };
  }
  syncFolder(dirname(path));
  return { ok: true };
}

/** `writeFileAtomic` for callers that treat a failed write as an error of their own. */
export function writeFileAtomicOrThrow(path: string, content: string): void {
  const result = writeFileAtomic(path, content);
  if (!result.ok) throw Object.assign(new Error(result.message), result.code ? { code: result.code } : {});
}

/** What a file's content is compared by, so the content need not be kept or sent between threads. */
export function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function sameVersion(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.dev === b.dev;
}

/**
 * Write an edited version of a file that was read earlier, the way an admin expects an editor to:
 * a symlink is resolved and its target written (the link stays a link), the target keeps its mode
 * and owner, the write is atomic, and nothing is written when the file changed since it was read
 * (size, time or content differ just before the rename) or when replacing it would split hard links.
 */
export function replaceEditedFile(path: string, original: { stamp: FileStamp; digest: string }, edited: string): WriteResult {
  let target: string;
  try {
    target = realpathSync(path);
  } catch (error) {
    return { ok: false, message: t('Cannot write {0}: {1}', path, errorText(error)) };
  }
  if (original.stamp.nlink > 1) {
    return { ok: false, message: t('{0} has {1} hard links; replacing it would separate them, so it was not written.', path, original.stamp.nlink) };
  }
  const changed = (): string | undefined => {
    const now = readRegularFile(target, { maxBytes: original.stamp.size });
    if (!now.ok || !sameVersion(now.stamp, original.stamp) || digestOf(now.text) !== original.digest) {
      return t('{0} changed since it was read; nothing was written.', path);
    }
    return undefined;
  };
  return writeFileAtomic(target, edited, {
    mode: original.stamp.mode & 0o7777,
    owner: { uid: original.stamp.uid, gid: original.stamp.gid },
    beforeRename: changed,
  });
}

/** A regular file's text from disk; undefined when it is not one or cannot be read. */
export function readDiskFile(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** Whether anything is at the path (a project config, a file an estate names). */
export function fileExists(path: string): boolean {
  return existsSync(path);
}
