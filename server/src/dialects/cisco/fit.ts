import { LineIndex } from '../../model/range';
import type { FitRequest } from '../dialect';
import type { CiscoVendor } from './parse';

const LINE_COMMENT = '!';

const IOS_ACL_HEADER = /^ip(?:v6)? access-list (?:extended |standard )?(\S+)\s*$/;

function withoutLineBreak(line: string): { line: string; ending: string } {
  const ending = /\r?\n$/.exec(line)?.[0] ?? '';
  return { line: line.slice(0, line.length - ending.length), ending };
}

/**
 * Fits a Cisco block placed inside an IOS named access list, which a device reads as commands in
 * a mode: when the block leaves the list's mode (object-groups, another list) and entries of the
 * list follow, the block ends by entering the list again. Its entries already carry the sequence
 * numbers of their place (see the render target). Returns the block unchanged elsewhere.
 */
export function fitIosBlock(request: FitRequest<CiscoVendor>): { block: string } {
  const { text, offset, block, occupied } = request;
  const index = new LineIndex(text);
  const at = offset >= text.length ? index.lineCount : index.positionAt(offset).line;
  const inSpan = (line: number): boolean => occupied.some((s) => s.beginLine <= line && line <= s.endLine);
  const isComment = (line: string): boolean => line.trimStart().startsWith(LINE_COMMENT) || line.trim() === '';

  // The user's list the place is in: the last top-level command before it, outside managed blocks.
  let header: string | undefined;
  for (let line = at - 1; line >= 0; line--) {
    const lineText = index.lineText(line);
    if (inSpan(line) || isComment(lineText) || /^\s/.test(lineText)) continue;
    if (IOS_ACL_HEADER.test(lineText)) header = lineText;
    break;
  }
  if (header === undefined) return { block };
  let listGoesOn = false;
  for (let line = at; line < index.lineCount; line++) {
    const lineText = index.lineText(line);
    if (isComment(lineText)) continue;
    listGoesOn = /^\s/.test(lineText);
    break;
  }
  const lines = block.split(/(?<=\n)/);
  const shape = blockShape(lines, header);
  if (listGoesOn && !shape.endsInList && shape.endMarker >= 0) {
    const { ending } = withoutLineBreak(lines[shape.endMarker]!);
    lines.splice(shape.endMarker, 0, header + (ending || '\n'));
  }
  return { block: lines.join('') };
}

/** The mode the block ends in, and where its END marker is. */
function blockShape(lines: readonly string[], header: string): { endsInList: boolean; endMarker: number } {
  let endsInList = true;
  let endMarker = -1;
  lines.forEach((rawLine, i) => {
    const { line } = withoutLineBreak(rawLine);
    if (IOS_ACL_HEADER.test(line)) endsInList = line === header;
    else if (line.trimStart().startsWith(LINE_COMMENT)) {
      if (/^\s*\S+\s*END endpoint-lens\b/.test(line)) endMarker = i;
    } else if (!/^\s/.test(line)) endsInList = false;
  });
  return { endsInList, endMarker };
}
