import type { Dialect } from '../dialect';
import { parseFortios, type FortiParsedVendor } from './parse';
import { placeFortios } from './place';
import { keepPolicyIds, POLICY_COMMENT_LIMIT, renderFortios, type FortiTarget } from './render';

export { parseFortios, type FortiParsedVendor } from './parse';
export { renderFortios, type FortiTarget } from './render';

const SIGNS: ReadonlyArray<{ pattern: RegExp; weight: number }> = [
  { pattern: /^#config-version=[A-Z0-9]+-\d+\.\d+/, weight: 1 },
  { pattern: /^config firewall (?:policy6?|address6?|addrgrp6?|service (?:custom|group)|ssl-ssh-profile|vip|ippool|internet-service\S*)\s*$/, weight: 0.5 },
  { pattern: /^config (?:system (?:global|interface|zone|settings|admin|dns)|vdom|global|router static|user local|vpn ipsec phase1-interface)\s*$/, weight: 0.4 },
  { pattern: /^set (?:srcintf|dstintf|srcaddr|dstaddr|internet-service-name|ssl-ssh-profile|utm-status|tcp-portrange|udp-portrange)\s/, weight: 0.3 },
  { pattern: /^set (?:subnet \d+\.\d+\.\d+\.\d+ \d+\.\d+\.\d+\.\d+|uuid [0-9a-f-]{36})\s*$/, weight: 0.2 },
];

/** How much a text looks like a FortiOS configuration: the `#config-version` header of a backup, or `config firewall …` tables with their `edit`/`set`/`next`/`end`. */
export function detectFortios(_path: string, text: string): number {
  const sample = text.length > 200_000 ? text.slice(0, 200_000) : text;
  let score = 0;
  let structure = 0;
  for (const raw of sample.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (line === 'next' || line === 'end' || /^edit (?:"[^"]*"|\d+)$/.test(line)) structure++;
    const hit = SIGNS.find((s) => s.pattern.test(line));
    if (hit) score += hit.weight;
    if (score >= 1 && structure >= 2) return 1;
  }
  return structure > 0 ? Math.min(1, score) : Math.min(0.3, score);
}

export const fortiosDialect: Dialect<FortiParsedVendor, FortiTarget> = {
  id: 'fortios',
  displayName: 'FortiOS',
  language: {
    id: 'fortios',
    aliases: ['FortiOS', 'FortiGate', 'fortios'],
    extensions: ['.fortios', '.fgt'],
    filenamePatterns: ['*.fortios.conf', 'fortigate*.conf', 'FGT*.conf'],
    firstLine: '^(?:#config-version=FG|config (?:firewall|system|vdom|global)\\b)',
    scopeName: 'source.fortios',
  },
  languageIds: ['fortios', 'fortigate'],
  fileNamePatterns: ['*.fortios', '*.fgt', '*.fortios.conf', 'fortigate*.conf', 'FGT*.conf'],
  // The CLI has no comments, but backups start with `#config-version=` lines and scripts use `#`.
  comment: { line: '#', ruleCommentLimit: POLICY_COMMENT_LIMIT },
  defaultDirection: 'both',
  detect: detectFortios,
  parse: (text, context) => parseFortios(text, context),
  place: placeFortios,
  render: renderFortios,
  fitBlock: ({ block, replaced, parsed }) => ({ block: keepPolicyIds(block, replaced, new Set(parsed.vendor.scopes.flatMap((s) => s.policies.flatMap((p) => (/^\d+$/.test(p.id) ? [Number(p.id)] : []))))) }),
};
