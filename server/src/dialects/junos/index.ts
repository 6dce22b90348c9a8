import type { Dialect } from '../dialect';
import { parseJunos, type JunosParsedVendor } from './parse';
import { placeJunos } from './place';
import { renderJunos, type JunosTarget } from './render';
import { formOf } from './statements';

export { parseJunos, type JunosParsedVendor } from './parse';
export { renderJunos, type JunosTarget } from './render';

const SET_PATTERNS: ReadonlyArray<{ pattern: RegExp; weight: number }> = [
  { pattern: /^(?:set|deactivate|delete|activate) security policies (?:from-zone \S+ to-zone \S+|global) policy /, weight: 0.6 },
  { pattern: /^insert security policies (?:from-zone \S+ to-zone \S+|global) policy \S+ (?:before|after) policy /, weight: 0.6 },
  { pattern: /^set security (?:address-book \S+ (?:address|address-set|attach) |zones security-zone |policies default-policy |screen |nat )/, weight: 0.4 },
  { pattern: /^set applications (?:application|application-set) \S+ /, weight: 0.4 },
  { pattern: /^set (?:system host-name|interfaces (?:ge|xe|et|fxp|irb|reth|lo)-?\d*\S* unit |routing-options static route )/, weight: 0.3 },
  { pattern: /^set version \d+\.\d/, weight: 0.3 },
];

const HIERARCHICAL_PATTERNS: ReadonlyArray<{ pattern: RegExp; weight: number }> = [
  { pattern: /^\s*from-zone \S+ to-zone \S+ \{/m, weight: 0.6 },
  { pattern: /^\s*security-zone \S+ \{/m, weight: 0.4 },
  { pattern: /^\s*address-book \{/m, weight: 0.3 },
  { pattern: /^\s*(?:inactive: )?policy \S+ \{\s*\n\s*match \{/m, weight: 0.4 },
  { pattern: /^\s*application(?:-set)? \S+ \{\s*\n\s*(?:protocol|term|application) /m, weight: 0.3 },
  { pattern: /^## Last (?:commit|changed): /m, weight: 0.3 },
  { pattern: /^version \d+\.\d+[A-Z]\d/m, weight: 0.3 },
  { pattern: /^\s*default-policy \{\s*\n\s*(?:permit|deny)-all;/m, weight: 0.4 },
];

/**
 * How much a text looks like a Junos configuration: `set` commands only Junos has, or the
 * curly-brace hierarchy's own statements (zone pairs, security zones, `## Last commit`). Braces
 * alone say nothing: nginx and nftables use them too.
 */
export function detectJunos(_path: string, text: string): number {
  const sample = text.length > 200_000 ? text.slice(0, 200_000) : text;
  let score = 0;
  if (formOf(sample) === 'hierarchical') {
    for (const { pattern, weight } of HIERARCHICAL_PATTERNS) if (pattern.test(sample)) score += weight;
    return Math.min(1, score);
  }
  for (const rawLine of sample.split(/\r\n|\r|\n/)) {
    const line = rawLine.trimStart();
    if (!/^(?:set|insert|delete|deactivate|activate) /.test(line)) continue;
    const hit = SET_PATTERNS.find((p) => p.pattern.test(line));
    if (hit) score += hit.weight;
    if (score >= 1) return 1;
  }
  return Math.min(1, score);
}

export const junosDialect: Dialect<JunosParsedVendor, JunosTarget> = {
  id: 'junos',
  displayName: 'Junos',
  language: {
    id: 'junos',
    aliases: ['Junos', 'Juniper SRX', 'junos'],
    extensions: ['.junos', '.jcfg'],
    filenames: ['juniper.conf'],
    firstLine: '^(?:## Last (?:commit|changed): |set (?:version|system host-name|security|applications) |version \\d+\\.\\d+[A-Z])',
    scopeName: 'source.junos',
  },
  languageIds: ['junos', 'juniper', 'jun'],
  fileNamePatterns: ['*.junos', '*.jcfg', 'juniper.conf'],
  // Both forms take `#` to the end of the line as a comment (`load merge` and `load set` skip it).
  comment: { line: '#' },
  defaultDirection: 'both',
  detect: detectJunos,
  parse: (text, context) => parseJunos(text, context),
  place: placeJunos,
  render: renderJunos,
};
