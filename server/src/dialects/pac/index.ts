import type { Dialect } from '../dialect';
import { parsePac, type PacVendor } from './parse';
import { placePac } from './place';
import { renderPac, type PacTarget } from './render';

/** Proxy auto-config files: JavaScript with a FindProxyForURL function. */
export const pacDialect: Dialect<PacVendor, PacTarget> = {
  id: 'pac',
  displayName: 'PAC',
  language: {
    id: 'pac',
    aliases: ['Proxy Auto-Config', 'PAC'],
    extensions: ['.pac'],
    filenames: ['wpad.dat', 'proxy.pac'],
    firstLine: '^\\s*(?:/[/*].*)?\\s*function\\s+FindProxyForURL\\b',
    scopeName: 'source.pac',
  },
  languageIds: ['pac'],
  fileNamePatterns: ['*.pac', 'wpad.dat', 'proxy.pac'],
  comment: { line: '//' },
  defaultDirection: 'outbound',
  detect(_path: string, text: string): number {
    // The function name is what browsers look for; a definition of it is as certain as it gets.
    if (/\bfunction\s+FindProxyForURL(Ex)?\s*\(/.test(text)) return 1;
    if (/\bFindProxyForURL(Ex)?\s*=\s*(async\s+)?(function\b|\()/.test(text)) return 0.9;
    return /\bFindProxyForURL\b/.test(text) ? 0.5 : 0;
  },
  parse: (text) => parsePac(text),
  place: placePac,
  render: renderPac,
};
