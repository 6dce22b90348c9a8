import type { Dialect } from '../dialect';
import { nftablesIncludes } from './includes';
import { parseNftables, type NftVendor } from './parse';
import { placeNftables } from './place';
import { RULE_COMMENT_LIMIT, renderNftables, type NftablesTarget } from './render';

export type { NftVendor } from './parse';
export { nftListId } from './parse';

/** How much of a file detection looks at; the signs sit near the top. */
const DETECT_WINDOW = 200_000;

export const nftablesDialect: Dialect<NftVendor, NftablesTarget> = {
  id: 'nftables',
  displayName: 'nftables',
  language: {
    id: 'nftables',
    aliases: ['nftables', 'nft'],
    extensions: ['.nft'],
    filenames: ['nftables.conf'],
    firstLine: '^#!\\s*/(?:usr/)?s?bin/(?:env\\s+)?nft\\b',
    scopeName: 'source.nftables',
  },
  languageIds: ['nftables', 'nft'],
  fileNamePatterns: ['*.nft', 'nftables.conf'],
  comment: { line: '#', ruleCommentLimit: RULE_COMMENT_LIMIT },
  defaultDirection: 'both',
  detect(_path: string, text: string): number {
    const head = text.slice(0, DETECT_WINDOW);
    if (/^#!\S*\bnft\b/.test(head)) return 1;
    if (/^[ \t]*table[ \t]+(ip|ip6|inet|arp|bridge|netdev)[ \t]+[\w.-]+[ \t]*\{/m.test(head)) return 0.95;
    if (/\bchain[ \t]+[\w.-]+[ \t]*\{[\s]*type[ \t]+(filter|nat|route)[ \t]+hook\b/.test(head)) return 0.95;
    if (/^[ \t]*(add|insert)[ \t]+rule[ \t]+(ip|ip6|inet|bridge|netdev|arp)[ \t]/m.test(head)) return 0.9;
    if (/^[ \t]*(flush ruleset|define[ \t]+\w+[ \t]*=)/m.test(head)) return 0.7;
    return 0;
  },
  parse: parseNftables,
  place: placeNftables,
  render: renderNftables,
  includes: nftablesIncludes,
};
