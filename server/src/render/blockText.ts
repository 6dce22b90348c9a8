import { leadingWhitespace } from '../model/edit';
import { BEGIN_RE, MARKER_TAG, PARAMETERS_RE, PARAMETERS_WORD, commentBody, commentLine, formatParameters, type LineComment } from '../model/managedBlock';
import type { Policy, RenderedBlock } from '../model/policy';

/**
 * A rendered block made ready for one place in one file: the parameters line after BEGIN, the
 * lines shifted to the place's indentation (keeping their relative indentation) and the file's
 * line breaks.
 */
export function prepareBlockText(rendered: RenderedBlock, policy: Policy, lineComment: LineComment, indent: string, lineBreak: string, notes: readonly string[] = []): string {
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
  const header: string[] = [];
  if (beginAt >= 0 && !hasParametersLine && Object.keys(parameters).length > 0) header.push(`${MARKER_TAG} ${PARAMETERS_WORD} ${formatParameters(parameters)}`);
  header.push(...notes.map((n) => n.replace(/[\r\n]+/g, ' ')));
  if (beginAt >= 0 && header.length > 0) {
    const at = leadingWhitespace(lines[beginAt]!);
    lines.splice(beginAt + 1, 0, ...header.map((h) => `${at}${commentLine(lineComment, h)}`));
  }
  const nonEmpty = lines.filter((l) => l.trim() !== '');
  const common = nonEmpty.reduce<number>((min, l) => Math.min(min, leadingWhitespace(l).length), Number.POSITIVE_INFINITY);
  const strip = Number.isFinite(common) ? common : 0;
  return lines.map((l) => (l.trim() === '' ? '' : indent + l.slice(strip))).join(lineBreak) + lineBreak;
}
