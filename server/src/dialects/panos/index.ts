import type { CommentSyntax, Dialect } from '../dialect';
import { formOf, parsePanos, type PanosParsedVendor } from './parse';
import { placePanos } from './place';
import { renderPanos, type PanosTarget } from './render';

export { parsePanos, formOf, type PanosParsedVendor } from './parse';
export { renderPanos, type PanosTarget } from './render';

const SCOPE = '(?:(?:vsys|device-group|template) \\S+ (?:config )?|shared )?';
const SET_PATTERNS: ReadonlyArray<{ pattern: RegExp; weight: number }> = [
  { pattern: new RegExp(`^set ${SCOPE}address \\S+ (?:ip-netmask|ip-range|ip-wildcard|fqdn) `), weight: 0.4 },
  { pattern: new RegExp(`^set ${SCOPE}address-group \\S+ (?:static|dynamic) `), weight: 0.4 },
  { pattern: new RegExp(`^set ${SCOPE}service \\S+ protocol (?:tcp|udp|sctp)\\b`), weight: 0.4 },
  { pattern: new RegExp(`^set ${SCOPE}(?:pre-|post-)?rulebase (?:security|nat|pbf|decryption|default-security-rules) `), weight: 0.5 },
  { pattern: new RegExp(`^move ${SCOPE}(?:pre-|post-)?rulebase security rules `), weight: 0.5 },
  { pattern: /^set (?:deviceconfig|mgt-config) /, weight: 0.4 },
  { pattern: new RegExp(`^set ${SCOPE}zone \\S+ network `), weight: 0.4 },
  { pattern: /^set network (?:interface ethernet|virtual-router) /, weight: 0.3 },
];

/** How much a text looks like a PAN-OS configuration: the XML export's root and sections, or `set` commands only PAN-OS has. */
export function detectPanos(_path: string, text: string): number {
  const sample = text.length > 200_000 ? text.slice(0, 200_000) : text;
  if (formOf(sample) === 'xml') {
    if (!/<config\b/.test(sample)) return 0;
    let score = /<config\s[^>]*\burldb=/.test(sample) ? 0.5 : 0.2;
    for (const tag of ['<devices>', '<vsys>', '<device-group>', '<rulebase>', '<pre-rulebase>', '<deviceconfig>', '<shared>']) if (sample.includes(tag)) score += 0.2;
    return Math.min(1, score);
  }
  let score = 0;
  for (const rawLine of sample.split(/\r\n|\r|\n/)) {
    const line = rawLine.trimStart();
    if (!line.startsWith('set ') && !line.startsWith('move ')) continue;
    const hit = SET_PATTERNS.find((p) => p.pattern.test(line));
    if (hit) score += hit.weight;
    if (score >= 1) return 1;
  }
  return Math.min(1, score);
}

const SET_COMMENT: CommentSyntax = { line: '#' };
const XML_COMMENT: CommentSyntax = { line: '<!--', close: '-->' };

export const panosDialect: Dialect<PanosParsedVendor, PanosTarget> = {
  id: 'panos',
  displayName: 'PAN-OS',
  language: {
    id: 'panos',
    aliases: ['PAN-OS', 'panos'],
    extensions: ['.panos'],
    filenamePatterns: ['*.panos.xml', 'running-config.xml', 'candidate-config.xml'],
    firstLine: '^(?:set (?:deviceconfig|mgt-config|shared|vsys|device-group|address|address-group|service|zone|rulebase) |<config version="\\d)',
    scopeName: 'source.panos',
  },
  languageIds: ['panos', 'pan-os', 'paloalto'],
  fileNamePatterns: ['*.panos', '*.panos.xml', 'running-config.xml', 'candidate-config.xml'],
  // The CLI has no comments; script files of set commands use `#`, an XML export has XML comments.
  comment: SET_COMMENT,
  commentIn: (text) => (formOf(text) === 'xml' ? XML_COMMENT : SET_COMMENT),
  defaultDirection: 'both',
  detect: detectPanos,
  parse: (text, context) => parsePanos(text, context),
  place: placePanos,
  render: renderPanos,
};
