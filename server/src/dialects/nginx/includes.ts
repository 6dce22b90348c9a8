import type { IncludeStatement, IncludeSyntax } from '../dialect';
import { lexCompact, type NginxTokens } from './lexer';

/**
 * nginx reads `include PATTERN;` where a directive may stand, in any block (map and geo bodies
 * too), and loads the matching files there; relative patterns are resolved against the
 * configuration prefix, the folder of the main nginx.conf.
 */
function includeStatements(text: string): IncludeStatement[] {
  if (!text.includes('include')) return [];
  const { tokens } = lexCompact(text);
  const out: IncludeStatement[] = [];
  let atStatementStart = true;
  for (let i = 0; i < tokens.count; i++) {
    const kind = tokens.kind(i);
    if (kind === 'comment') continue;
    const head = i;
    const startsStatement = atStatementStart;
    atStatementStart = kind !== 'word';
    if (!startsStatement || !tokens.isBare(head, 'include')) continue;
    const pattern = nextToken(tokens, head + 1);
    const end = nextToken(tokens, pattern + 1);
    if (end >= tokens.count || tokens.kind(pattern) !== 'word' || tokens.kind(end) !== 'semicolon') continue;
    const value = tokens.value(pattern);
    if (value.length === 0 || value.includes('$')) continue;
    out.push({ pattern: value, start: tokens.start(head), end: tokens.end(end) });
  }
  return out;
}

/** The first token at or after `i` that is not a comment. */
function nextToken(tokens: NginxTokens, i: number): number {
  let j = i;
  while (j < tokens.count && tokens.kind(j) === 'comment') j++;
  return j;
}

export const nginxIncludes: IncludeSyntax = {
  statements: includeStatements,
  relativeTo: { kind: 'prefix', marker: 'nginx.conf' },
};
