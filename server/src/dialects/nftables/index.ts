import type { Dialect } from '../dialect';
import { parseNftables } from './parse';
import { renderNftables } from './render';

export type { NftExtra } from './parse';
export { nftListId } from './parse';

/** How much of a file detection looks at; the signs sit near the top. */
const DETECT_WINDOW = 200_000;

export const nftablesDialect: Dialect = {
  id: 'nftables',
  displayName: 'nftables',
  lineComment: '#',
  fileNamePatterns: ['*.nft', 'nftables.conf'],
  detect(text: string): number {
    const head = text.slice(0, DETECT_WINDOW);
    if (/^#!\S*\bnft\b/.test(head)) return 1;
    if (/^[ \t]*table[ \t]+(ip|ip6|inet|arp|bridge|netdev)[ \t]+[\w.-]+[ \t]*\{/m.test(head)) return 0.95;
    if (/\bchain[ \t]+[\w.-]+[ \t]*\{[\s]*type[ \t]+(filter|nat|route)[ \t]+hook\b/.test(head)) return 0.95;
    if (/^[ \t]*(add|insert)[ \t]+rule[ \t]+(ip|ip6|inet|bridge|netdev|arp)[ \t]/m.test(head)) return 0.9;
    if (/^[ \t]*(flush ruleset|define[ \t]+\w+[ \t]*=)/m.test(head)) return 0.7;
    return 0;
  },
  parse: parseNftables,
  render: renderNftables,
};
