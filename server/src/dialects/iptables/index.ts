import type { Dialect } from '../dialect';
import { parseIptables } from './parse';
import { renderIptables } from './render';

export type { IptablesExtra } from './parse';
export { iptablesListId } from './parse';

/** How much of a file detection looks at; the signs sit near the top. */
const DETECT_WINDOW = 200_000;

export const iptablesDialect: Dialect = {
  id: 'iptables',
  displayName: 'iptables',
  lineComment: '#',
  fileNamePatterns: ['*.rules', 'rules.v4', 'rules.v6', 'iptables.*', 'ip6tables.*', '*.iptables'],
  detect(text: string): number {
    const head = text.slice(0, DETECT_WINDOW);
    if (/^\*(filter|nat|mangle|raw|security)[ \t]*$/m.test(head) && /^COMMIT[ \t]*$/m.test(head)) return 1;
    if (/^(sudo +)?(\S*\/)?ip6?tables(-legacy|-nft)? +(-w +)?(-t +\w+ +)?-[AIPNF] /m.test(head)) return 0.9;
    if (/^\$\{?IP6?T(ABLES)?\w*\}? +(-t +\w+ +)?-[AIPNF] /m.test(head)) return 0.85;
    if (/^:(INPUT|OUTPUT|FORWARD) (ACCEPT|DROP) /m.test(head)) return 0.9;
    if (/^-A (INPUT|OUTPUT|FORWARD) /m.test(head)) return 0.7;
    return 0;
  },
  parse: parseIptables,
  render: renderIptables,
};
