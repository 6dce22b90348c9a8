import type { Dialect } from '../dialect';
import { parsePac } from './parse';
import { renderPac } from './render';

/** Proxy auto-config files: JavaScript with a FindProxyForURL function. */
export const pacDialect: Dialect = {
  id: 'pac',
  displayName: 'PAC',
  lineComment: '//',
  fileNamePatterns: ['*.pac', 'wpad.dat', 'proxy.pac'],
  detect(text: string): number {
    // The function name is what browsers look for; a definition of it is as certain as it gets.
    if (/\bfunction\s+FindProxyForURL(Ex)?\s*\(/.test(text)) return 1;
    if (/\bFindProxyForURL(Ex)?\s*=\s*(async\s+)?(function\b|\()/.test(text)) return 0.9;
    return /\bFindProxyForURL\b/.test(text) ? 0.5 : 0;
  },
  parse: (text) => parsePac(text),
  render: (policy, target) => renderPac(policy, target),
};
