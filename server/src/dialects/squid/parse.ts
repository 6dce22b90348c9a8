import type { ConfigModel, SyntaxProblem } from '../../model/config';
import { LineIndex } from '../../model/range';
import { boundRules, readableText } from '../bounds';
import { parserFailureModel, type ParseContext, type Parsed } from '../dialect';
import { convertSquid } from './convert';
import { readDirectives } from './grammar';
import { lexSquid } from './lexer';
import type { SquidVendor } from './vendor';

export type { SquidVendor } from './vendor';

function emptyVendor(): SquidVendor {
  return { acls: new Map(), httpAccess: [], sslBump: [], alwaysDirect: [], neverDirect: [], ports: [], peers: [], includes: [] };
}

/** squid.conf: lexer → directives → vendor model → common model. Never throws. */
export function parseSquid(text: string, _context?: ParseContext): Parsed<SquidVendor> {
  try {
    const lines = new LineIndex(text);
    const readable = readableText(text, lines);
    const lexed = lexSquid(readable.text === text ? lines : new LineIndex(readable.text));
    const problems: SyntaxProblem[] = [];
    const vendor = readDirectives(lexed.directives, problems);
    let model: ConfigModel = convertSquid(vendor, problems, lexed.comments);
    if (readable.limit) model = { ...model, limits: [readable.limit] };
    return { vendor, model: boundRules(model) };
  } catch (error) {
    return { vendor: emptyVendor(), model: parserFailureModel('squid', 'Squid', error) };
  }
}
