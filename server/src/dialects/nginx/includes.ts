import type { IncludeStatement, IncludeSyntax } from '../dialect';
import { lex } from './lexer';

/**
 * nginx reads `include PATTERN;` where a directive may stand, in any block (map and geo bodies
 * too), and loads the matching files there; relative patterns are resolved against the
 * configuration prefix, the folder of the main nginx.conf.
 */
function includeStatements(text: string): IncludeStatement[] {
  const tokens = lex(text).tokens.filter((token) => token.kind !== 'comment');
  const out: IncludeStatement[] = [];
  for (let i = 0; i + 2 < tokens.length; i++) {
    const head = tokens[i]!;
    const previous = tokens[i - 1];
    const atStatementStart = !previous || previous.kind === 'semicolon' || previous.kind === 'open' || previous.kind === 'close' || previous.kind === 'raw-block';
    if (!atStatementStart || head.kind !== 'word' || head.quoted || head.value !== 'include') continue;
    const pattern = tokens[i + 1]!;
    const end = tokens[i + 2]!;
    if (pattern.kind !== 'word' || end.kind !== 'semicolon' || pattern.value.length === 0 || pattern.value.includes('$')) continue;
    out.push({ pattern: pattern.value, start: head.start, end: end.end });
  }
  return out;
}

export const nginxIncludes: IncludeSyntax = {
  statements: includeStatements,
  relativeTo: { kind: 'prefix', marker: 'nginx.conf' },
};
