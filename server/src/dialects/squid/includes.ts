import { LineIndex } from '../../model/range';
import type { IncludeStatement, IncludeSyntax } from '../dialect';
import { lexSquid } from './lexer';

/**
 * Squid reads `include PATTERN …` as a line of its own and parses the files each pattern (a glob)
 * matches in its place, in order. Each pattern stands for its stretch of the line, so the line as a
 * whole is replaced by the files of all of them.
 */
function includeStatements(text: string): IncludeStatement[] {
  const lines = new LineIndex(text);
  const out: IncludeStatement[] = [];
  for (const directive of lexSquid(lines).directives) {
    if (directive.name.text !== 'include' || directive.args.length === 0) continue;
    const starts = directive.args.map((arg, i) => (i === 0 ? lines.offsetAt(directive.range.start) : lines.offsetAt(arg.range.start)));
    const lineEnd = lines.offsetAt(directive.range.end);
    directive.args.forEach((arg, i) => out.push({ pattern: arg.text, start: starts[i]!, end: i + 1 < starts.length ? starts[i + 1]! : lineEnd }));
  }
  return out;
}

/** A relative pattern is looked for beside the including file: Squid resolves it against its working folder, which a configuration kept in a repository does not have. */
export const squidIncludes: IncludeSyntax = {
  statements: includeStatements,
  relativeTo: { kind: 'including-folder' },
};
