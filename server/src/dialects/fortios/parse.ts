import { parserFailureModel, type ParseContext, type Parsed } from '../dialect';
import { readableText } from '../bounds';
import { LineIndex } from '../../model/range';
import { convert, type FortiPairList } from './convert';
import { lexFortios } from './lexer';
import { ObjectReader } from './objects';
import { buildTree } from './tree';
import type { FortiVendor } from './vendor';

/** The vendor model with what its conversion made of it, which placement reads. */
export interface FortiParsedVendor extends FortiVendor {
  /** Rule list id → the interface pair, family and policies behind it. */
  lists: Map<string, FortiPairList>;
}

/**
 * FortiOS configuration as `show`, `show full-configuration` and backup files print it, and as
 * admins paste CLI scripts: `config … edit … set … next … end`, VDOMs included. Firewall
 * policies (`config firewall policy`, and `policy6` before 6.4) are evaluated top-down in listed
 * order after every `move`, each in the interface pairs its srcintf and dstintf name (zones from
 * `config system zone` count as one interface), ending in the implicit deny. A pair from an
 * inside interface to one that faces the Internet (`set role wan`, or a name like wan1, sd-wan,
 * ISP-A when no role is set) is an outbound path and the reverse an inbound one; when none faces
 * the Internet every pair of two different interfaces is a path for both directions. Only pairs
 * some policy applies to are paths.
 */
export function parseFortios(text: string, _context?: ParseContext): Parsed<FortiParsedVendor> {
  const lines = new LineIndex(text);
  try {
    const readable = readableText(text, lines);
    const tree = buildTree(lexFortios(readable.text), lines);
    const reader = new ObjectReader(lines, tree);
    const vendor = reader.read();
    const converted = convert({ vendor, references: reader.references, problems: reader.problems, comments: reader.comments, statements: tree.statements });
    const model = readable.limit ? { ...converted.model, limits: [readable.limit] } : converted.model;
    return { vendor: { ...vendor, lists: converted.lists }, model };
  } catch (error) {
    return { vendor: { scopes: [], interfaces: new Map(), hasVdoms: false, openAtEnd: false, lists: new Map() }, model: parserFailureModel('fortios', 'FortiOS', error) };
  }
}
