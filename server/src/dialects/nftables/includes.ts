import type { IncludeStatement, IncludeSyntax } from '../dialect';
import { lexNft } from './lexer';

/**
 * nft reads `include "PATTERN"` as a statement of its own, at the top level or inside a block, and
 * parses the matching files in its place; a relative pattern is looked for beside the including
 * file, then in the include path.
 */
function includeStatements(text: string): IncludeStatement[] {
  const { tokens } = lexNft(text);
  const out: IncludeStatement[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) {
    const head = tokens[i]!;
    const previous = tokens[i - 1];
    const atStatementStart = !previous || previous.kind === 'newline' || (previous.kind === 'punct' && (previous.text === ';' || previous.text === '{' || previous.text === '}'));
    if (!atStatementStart || head.kind !== 'word' || head.text !== 'include') continue;
    const pattern = tokens[i + 1]!;
    if (pattern.kind !== 'string' || pattern.text.length === 0) continue;
    out.push({ pattern: pattern.text, start: head.start, end: pattern.end });
  }
  return out;
}

export const nftablesIncludes: IncludeSyntax = {
  statements: includeStatements,
  relativeTo: { kind: 'including-folder' },
};
