import { LineIndex } from '../../model/range';
import { t } from '../../l10n';
import type { FitRequest } from '../dialect';
import type { CiscoVendor } from './parse';

const LINE_COMMENT = '!';

const IOS_ACL_HEADER = /^ip(?:v6)? access-list (?:extended |standard )?(\S+)\s*$/;
const IOS_NUMBERED_ENTRY = /^\s+(\d{1,10})\s+(?:permit|deny|remark)\b/;
const IOS_UNNUMBERED_ENTRY = /^(\s+)((?:permit|deny|remark)\b.*)$/;

function withoutLineBreak(line: string): { line: string; ending: string } {
  const ending = /\r?\n$/.exec(line)?.[0] ?? '';
  return { line: line.slice(0, line.length - ending.length), ending };
}

/**
 * Fits a Cisco block placed inside an IOS named access list, which a device reads as commands in
 * a mode. Entries the block adds to that list get free sequence numbers between the list's entries
 * before and after the place (entries without numbers would go to the end, behind the deny they
 * were meant to precede); other managed blocks' entries count as neighbours too. When the block
 * leaves the list's mode (object-groups, an IPv6 list) and entries of the list follow, the block
 * ends by entering the list again. Returns the block unchanged elsewhere, or a reason when there
 * are no free numbers.
 */
export function fitIosBlock(request: FitRequest<CiscoVendor>): { block: string; problem?: string } {
  const { text, offset, block, occupied } = request;
  const replacedBlock = request.replaced;
  const lineComment = LINE_COMMENT;
  const index = new LineIndex(text);
  const at = offset >= text.length ? index.lineCount : index.positionAt(offset).line;
  const inSpan = (line: number): boolean => occupied.some((s) => s.beginLine <= line && line <= s.endLine);
  const isComment = (line: string): boolean => line.trimStart().startsWith(lineComment) || line.trim() === '';

  // The user's list the place is in: the last top-level command before it, outside managed blocks.
  let headerLine = -1;
  for (let line = at - 1; line >= 0; line--) {
    const lineText = index.lineText(line);
    if (inSpan(line) || isComment(lineText) || /^\s/.test(lineText)) continue;
    if (IOS_ACL_HEADER.test(lineText)) headerLine = line;
    break;
  }
  if (headerLine < 0) return { block };
  const header = index.lineText(headerLine);
  const name = IOS_ACL_HEADER.exec(header)![1]!;

  // Walk the file as the device would, knowing which list each numbered entry lands in.
  let mode: string | undefined;
  let previous = 0;
  let limit: number | undefined;
  let listGoesOn: boolean | undefined;
  for (let line = headerLine; line < index.lineCount; line++) {
    const lineText = index.lineText(line);
    if (line === at) mode = header;
    if (isComment(lineText)) continue;
    if (line >= at && listGoesOn === undefined) listGoesOn = /^\s/.test(lineText);
    if (IOS_ACL_HEADER.test(lineText)) {
      mode = lineText;
      continue;
    }
    if (!/^\s/.test(lineText)) {
      if (line >= at && !inSpan(line)) break;
      mode = undefined;
      continue;
    }
    const numbered = IOS_NUMBERED_ENTRY.exec(lineText);
    if (!numbered || mode !== header) continue;
    if (line < at) previous = Math.max(previous, Number(numbered[1]));
    else {
      limit = Number(numbered[1]);
      break;
    }
  }

  const lines = block.split(/(?<=\n)/);
  const shape = iosBlockShape(lines, header, lineComment);
  const entryLines = shape.entryLines;
  // A block being replaced keeps its numbers when they still fit, so inserting again changes nothing.
  const kept = replacedBlock === undefined ? [] : iosBlockShape(replacedBlock.split(/(?<=\n)/), header, lineComment).numbers;
  const keepNumbers =
    limit !== undefined &&
    kept.length === entryLines.length &&
    kept.every((n, i) => n > previous && n < limit && (i === 0 || n > kept[i - 1]!));
  let problem: string | undefined;
  if (keepNumbers) {
    entryLines.forEach((lineNumber, i) => {
      const { line, ending } = withoutLineBreak(lines[lineNumber]!);
      lines[lineNumber] = line.replace(IOS_UNNUMBERED_ENTRY, (_m, indent: string, rest: string) => `${indent}${kept[i]!} ${rest}`) + ending;
    });
  } else if (limit !== undefined && entryLines.length > 0) {
    const step = Math.floor((limit - previous) / (entryLines.length + 1));
    if (step < 1) {
      problem = t('access list {0} has no free sequence numbers between {1} and {2}; renumber it (ip access-list resequence) and insert again', name, previous, limit);
    } else {
      entryLines.forEach((lineNumber, i) => {
        const { line, ending } = withoutLineBreak(lines[lineNumber]!);
        lines[lineNumber] = line.replace(IOS_UNNUMBERED_ENTRY, (_m, indent: string, rest: string) => `${indent}${previous + step * (i + 1)} ${rest}`) + ending;
      });
    }
  }
  if (listGoesOn === true && !shape.endsInList && shape.endMarker >= 0) {
    const endMarker = shape.endMarker;
    const { ending } = withoutLineBreak(lines[endMarker]!);
    lines.splice(endMarker, 0, header + (ending || '\n'));
  }
  const out = lines.join('');
  return problem ? { block: out, problem } : { block: out };
}

/** Where a block's entries for the list are, their numbers if written, and the mode the block ends in. */
function iosBlockShape(lines: readonly string[], header: string, lineComment: string): { entryLines: number[]; numbers: number[]; endsInList: boolean; endMarker: number } {
  const entryLines: number[] = [];
  const numbers: number[] = [];
  let inList = false;
  let endsInList = true;
  let endMarker = -1;
  lines.forEach((rawLine, i) => {
    const { line } = withoutLineBreak(rawLine);
    if (IOS_ACL_HEADER.test(line)) {
      inList = line === header;
      endsInList = inList;
    } else if (line.trimStart().startsWith(lineComment)) {
      if (/^\s*\S+\s*END endpoint-lens\b/.test(line)) endMarker = i;
    } else if (!/^\s/.test(line)) {
      inList = false;
      endsInList = false;
    } else if (inList) {
      if (IOS_UNNUMBERED_ENTRY.test(line)) entryLines.push(i);
      const numbered = IOS_NUMBERED_ENTRY.exec(line);
      if (numbered) numbers.push(Number(numbered[1]));
    }
  });
  return { entryLines, numbers, endsInList, endMarker };
}

