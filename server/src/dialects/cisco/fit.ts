import { LineIndex } from '../../model/range';
import { t } from '../../l10n';
import type { FitRequest } from '../dialect';
import type { CiscoVendor } from './vendor';
import { numberedLines } from './render';

const LINE_COMMENT = '!';

const IOS_ACL_HEADER = /^ip(?:v6)? access-list (?:extended |standard )?(\S+)\s*$/;
const IOS_NUMBERED_LINE = /^\s+(?:sequence\s+)?(\d{1,10})\s+(?:permit|deny|remark)\b/;
const IOS_UNNUMBERED_LINE = /^\s+(?:permit|deny|remark)\b/;

function withoutLineBreak(line: string): { line: string; ending: string } {
  const ending = /\r?\n$/.exec(line)?.[0] ?? '';
  return { line: line.slice(0, line.length - ending.length), ending };
}

/**
 * Fits a Cisco block placed inside an IOS named access list, which a device reads as commands in
 * a mode. Entries the block adds to that list get free sequence numbers between the list's
 * entries before and after the place (entries without numbers would go to the end, behind the
 * deny they were meant to precede); other managed blocks' entries count as neighbours, and a block
 * being replaced keeps its numbers while they still fit. When the block leaves the list's mode
 * (object-groups, another list) and entries of the list follow, it ends by entering the list
 * again. Returns the block unchanged elsewhere, or a reason when there are no free numbers
 * (placement refuses such places first).
 */
export function fitIosBlock(request: FitRequest<CiscoVendor>): { block: string; problem?: string } {
  const { text, offset, block, occupied } = request;
  const index = new LineIndex(text);
  const at = offset >= text.length ? index.lineCount : index.positionAt(offset).line;
  const inSpan = (line: number): boolean => occupied.some((s) => s.beginLine <= line && line <= s.endLine);
  const isComment = (line: string): boolean => line.trimStart().startsWith(LINE_COMMENT) || line.trim() === '';

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
  const { previous, limit, listGoesOn } = neighbours(index, headerLine, at, inSpan, isComment);

  const lines = block.split(/(?<=\n)/);
  const shape = blockShape(lines, header);
  const section = shape.entryLines.map((i) => withoutLineBreak(lines[i]!).line);
  let problem: string | undefined;
  if (section.length > 0 && !section.some((l) => IOS_NUMBERED_LINE.test(l))) {
    const gap = limit === undefined ? { after: previous } : { after: previous, before: limit };
    const fresh = numberedLines(section, gap, header.startsWith('ipv6'));
    const kept = request.replaced === undefined ? undefined : keptNumbers(request.replaced.split(/(?<=\n)/), header, fresh, previous, limit);
    const numbered = kept ?? fresh;
    if (numbered) {
      shape.entryLines.forEach((lineNumber, i) => {
        const { ending } = withoutLineBreak(lines[lineNumber]!);
        lines[lineNumber] = numbered[i]! + ending;
      });
    } else {
      problem = t('access list {0} has no free sequence numbers between {1} and {2} for these entries; renumber it ({3}) and insert again', IOS_ACL_HEADER.exec(header)![1]!, previous, limit ?? '', `${header.startsWith('ipv6') ? 'ipv6' : 'ip'} access-list resequence ${IOS_ACL_HEADER.exec(header)![1]!} 10 10`);
    }
  }
  if (listGoesOn && !shape.endsInList && shape.endMarker >= 0) {
    const { ending } = withoutLineBreak(lines[shape.endMarker]!);
    lines.splice(shape.endMarker, 0, header + (ending || '\n'));
  }
  const out = lines.join('');
  return problem ? { block: out, problem } : { block: out };
}

/** The numbers around the place in the list's own mode, walking the file as the device does, and whether the list goes on after it. */
function neighbours(index: LineIndex, headerLine: number, at: number, inSpan: (line: number) => boolean, isComment: (line: string) => boolean): { previous: number; limit?: number; listGoesOn: boolean } {
  const header = index.lineText(headerLine);
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
    const numbered = IOS_NUMBERED_LINE.exec(lineText);
    if (!numbered || mode !== header) continue;
    if (line < at) previous = Math.max(previous, Number(numbered[1]));
    else {
      limit = Number(numbered[1]);
      break;
    }
  }
  return { previous, ...(limit !== undefined ? { limit } : {}), listGoesOn: listGoesOn === true };
}

/** The replaced block's numbered lines, when they say the same as the fresh ones and their numbers still fit: inserting again changes nothing. */
function keptNumbers(replaced: readonly string[], header: string, fresh: readonly string[] | undefined, previous: number, limit: number | undefined): string[] | undefined {
  const shape = blockShape(replaced, header);
  const old = shape.entryLines.map((i) => withoutLineBreak(replaced[i]!).line);
  const strip = (line: string): string => line.replace(/^(\s+)(?:sequence\s+)?\d+\s+/, '$1');
  if (!fresh || old.length !== fresh.length || old.some((l, i) => strip(l) !== strip(fresh[i]!))) return undefined;
  const numbers = old.flatMap((l) => {
    const m = IOS_NUMBERED_LINE.exec(l);
    return m ? [Number(m[1])] : [];
  });
  const ascending = numbers.every((n, i) => n > previous && (limit === undefined || n < limit) && (i === 0 || n > numbers[i - 1]!));
  return ascending ? old : undefined;
}

/** Where a block's lines for the list are (entries, remarks and the comments remarks became), and the mode the block ends in. */
function blockShape(lines: readonly string[], header: string): { entryLines: number[]; endsInList: boolean; endMarker: number } {
  const entryLines: number[] = [];
  let inList = false;
  let endsInList = true;
  let endMarker = -1;
  lines.forEach((rawLine, i) => {
    const { line } = withoutLineBreak(rawLine);
    if (IOS_ACL_HEADER.test(line)) {
      inList = line === header;
      endsInList = inList;
    } else if (line.trimStart().startsWith(LINE_COMMENT)) {
      if (/^\s*\S+\s*END endpoint-lens\b/.test(line)) endMarker = i;
    } else if (!/^\s/.test(line)) {
      inList = false;
      endsInList = false;
    } else if (inList && (IOS_UNNUMBERED_LINE.test(line) || IOS_NUMBERED_LINE.test(line))) entryLines.push(i);
  });
  return { entryLines, endsInList, endMarker };
}
