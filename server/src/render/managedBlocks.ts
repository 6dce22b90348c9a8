import { LineIndex, type Range } from '../model/range';
import type { Policy, RenderedBlock } from '../model/policy';
import type { Dialect, ParseOptions } from '../dialects/dialect';
import type { TextEdit } from '../analysis/finding';
import { policyForBlock, type PolicyCatalog } from '../policies';
import { choosePlacement, fitIosBlock, pacHostParameter, renamePacHost } from './placement';
import { t } from '../l10n';

/** The word every marker carries, so blocks of this tool are told apart from the user's comments. */
export const MARKER_TAG = 'endpoint-lens';
const PARAMETERS_WORD = 'parameters';

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

const BEGIN_RE = /^BEGIN[ \t]+endpoint-lens(?:[ \t]+(\S+))?(?:[ \t]+(\S+))?(?:[ \t]+(\S+))?/;
const END_RE = /^END[ \t]+endpoint-lens(?:[ \t]+(\S+))?/;
const PARAMETERS_RE = /^endpoint-lens[ \t]+parameters(?:[ \t]+(.*))?$/;

/** The comment body of a line that is a line comment, or undefined. */
function commentBody(line: string, lineComment: string): string | undefined {
  const trimmed = line.trimStart();
  if (!trimmed.startsWith(lineComment)) return undefined;
  return trimmed.slice(lineComment.length).trim();
}

function leadingWhitespace(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
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
export function findManagedBlocks(text: string, lineComment: string): ManagedBlockScan {
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

/** The file's line break, so inserted text matches it. */
export function lineBreakOf(text: string): string {
  const crlf = text.indexOf('\r\n');
  const lf = text.indexOf('\n');
  return crlf >= 0 && crlf <= lf ? '\r\n' : '\n';
}

/**
 * A rendered block made ready for one place in one file: the parameters line after BEGIN, the
 * lines shifted to the place's indentation (keeping their relative indentation) and the file's
 * line breaks.
 */
export function prepareBlockText(rendered: RenderedBlock, policy: Policy, lineComment: string, indent: string, lineBreak: string): string {
  const lines = rendered.text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  const beginAt = lines.findIndex((l) => {
    const body = commentBody(l, lineComment);
    return body !== undefined && BEGIN_RE.test(body);
  });
  const parameters = policy.parameters ?? {};
  const hasParametersLine = lines.some((l) => {
    const body = commentBody(l, lineComment);
    return body !== undefined && PARAMETERS_RE.test(body);
  });
  if (beginAt >= 0 && !hasParametersLine && Object.keys(parameters).length > 0) {
    const beginLine = lines[beginAt]!;
    lines.splice(beginAt + 1, 0, `${leadingWhitespace(beginLine)}${lineComment} ${MARKER_TAG} ${PARAMETERS_WORD} ${formatParameters(parameters)}`);
  }
  const nonEmpty = lines.filter((l) => l.trim() !== '');
  const common = nonEmpty.reduce<number>((min, l) => Math.min(min, leadingWhitespace(l).length), Number.POSITIVE_INFINITY);
  const strip = Number.isFinite(common) ? common : 0;
  return lines.map((l) => (l.trim() === '' ? '' : indent + l.slice(strip))).join(lineBreak) + lineBreak;
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
  lineComment: string,
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

/** The text with non-overlapping edits applied (positions refer to the original text). */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const index = new LineIndex(text);
  const withOffsets = edits.map((e, order) => ({ start: index.offsetAt(e.range.start), end: index.offsetAt(e.range.end), newText: e.newText, order }));
  // From the end backwards; insertions at one offset keep their given order.
  withOffsets.sort((a, b) => b.start - a.start || b.end - a.end || b.order - a.order);
  let out = text;
  for (const e of withOffsets) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/**
 * Re-rendering one existing block, from the file as it would be without the block. The block
 * stays where it is unless a rule before it would now stop its traffic (a block that used to hold
 * only host names and now holds addresses, say); then it moves in front of that rule.
 */
export function replacementForBlock(
  text: string,
  block: ManagedBlock,
  dialect: Dialect,
  policy: Policy,
  parseOptions?: ParseOptions,
): { edits: TextEdit[]; newText: string; moved: boolean; notExpressible: string[] } {
  const without = text.slice(0, block.startOffset) + text.slice(block.endOffset);
  const model = dialect.parse(without, parseOptions);
  const others = findManagedBlocks(without, dialect.lineComment).blocks;
  const placement = choosePlacement(without, model, dialect, policy, others);
  const rendered = dialect.render(policy, placement.target);
  const limit = placement.point.limit;
  const moved = limit !== undefined && block.startOffset > limit;
  const offset = moved ? placement.point.offset : block.startOffset;
  let newText = prepareBlockText(rendered, policy, dialect.lineComment, moved ? placement.point.indent : block.indent, lineBreakOf(text));
  const hostName = dialect.id === 'pac' ? pacHostParameter(model) : undefined;
  if (hostName) newText = renamePacHost(newText, hostName);
  if (dialect.id === 'cisco') newText = fitIosBlock(without, offset, newText, dialect.lineComment, others, moved ? undefined : text.slice(block.startOffset, block.endOffset)).block;
  if (!moved) return { edits: [{ range: block.range, newText }], newText, moved, notExpressible: rendered.notExpressible };
  const at = new LineIndex(text).positionAt(offset);
  return {
    edits: [
      { range: { start: at, end: at }, newText },
      { range: block.range, newText: '' },
    ],
    newText,
    moved,
    notExpressible: rendered.notExpressible,
  };
}

export type BlockPolicyResult = { ok: true; policy: Policy } | { ok: false; errors: string[] };

export interface RefreshResult {
  /** Against the original text, non-overlapping; empty when every block is current. */
  edits: TextEdit[];
  /** The text with the edits applied. */
  text: string;
  /**
   * Every block rebuilt, in file order, with its own edits (empty when unchanged). A block that
   * moves in front of a rule that would now stop it has two: the insertion and the removal.
   */
  refreshed: Array<{ purpose: string; fromVersion: string; toVersion: string; changed: boolean; edits: TextEdit[] }>;
  skipped: Array<{ purpose: string; reason: string }>;
  problems: ManagedBlockProblem[];
}

/**
 * Re-render every managed block from the current catalogue. A block of another instance, or one
 * whose policy cannot be rebuilt, is left as it is and listed in `skipped`.
 */
export function refreshManagedBlocks(
  text: string,
  dialect: Dialect,
  catalog: PolicyCatalog,
  policyForPurpose: (block: ManagedBlock) => BlockPolicyResult = (block) => policyForBlock(catalog, block),
  parseOptions?: ParseOptions,
): RefreshResult {
  const scan = findManagedBlocks(text, dialect.lineComment);
  const result: RefreshResult = { edits: [], text, refreshed: [], skipped: [], problems: scan.problems };
  for (const block of scan.blocks) {
    if (block.instance !== catalog.instance) {
      result.skipped.push({ purpose: block.purpose, reason: t('the block is for the {0} instance; the catalogue in use is {1}', block.instance, catalog.instance) });
      continue;
    }
    const built = policyForPurpose(block);
    if (!built.ok) {
      result.skipped.push({ purpose: block.purpose, reason: built.errors.join(' ') });
      continue;
    }
    const { edits, newText, moved } = replacementForBlock(text, block, dialect, built.policy, parseOptions);
    const changed = moved || newText !== text.slice(block.startOffset, block.endOffset);
    result.refreshed.push({ purpose: block.purpose, fromVersion: block.version, toVersion: built.policy.catalogVersion, changed, edits: changed ? edits : [] });
    if (changed) result.edits.push(...edits);
  }
  result.text = applyTextEdits(text, result.edits);
  return result;
}
