import type { Dialect } from '../dialect';
import { fitIosBlock } from './fit';
import { parseCisco, type CiscoVendor } from './parse';
import { placeCisco } from './place';
import { renderCisco, type CiscoTarget } from './render';

export { parseCisco, directionOf, type CiscoVendor, type CiscoAcl, type CiscoBinding, type CiscoNetworkGroup, type CiscoPlatform } from './parse';
export { renderCisco, ciscoTarget, type CiscoTarget } from './render';

/** How much a text looks like Cisco configuration, from commands no other supported dialect has. */
export function detectCisco(_path: string, text: string): number {
  const sample = text.length > 200_000 ? text.slice(0, 200_000) : text;
  let score = 0;
  let bangLines = 0;
  let hostname = false;
  for (const rawLine of sample.split(/\r\n|\r|\n/)) {
    const line = rawLine.trimStart();
    if (line.startsWith('ASA Version') || line.startsWith(': Saved')) score += 1;
    else if (/^access-list\s+\S+\s+(extended|standard|remark|permit|deny)\s/.test(line)) score += 0.4;
    else if (/^ip(v6)? access-list\s/.test(line)) score += 0.5;
    else if (/^object-group\s+(network|service)\s/.test(line) || /^object\s+network\s/.test(line)) score += 0.4;
    else if (/^access-group\s+\S+\s+(in|out|global)\b/.test(line) || /^ip access-group\s/.test(line)) score += 0.4;
    else if (/^interface\s+(GigabitEthernet|TenGigabitEthernet|FastEthernet|Ethernet\d|Management|Port-channel|Vlan)/i.test(line)) score += 0.2;
    else if (/^hostname\s+\S+$/.test(line)) hostname = true;
    else if (line === '!' || line.startsWith('! ')) bangLines++;
    if (score >= 1) return 1;
  }
  if (hostname && bangLines > 0) score += 0.4;
  return Math.min(1, score);
}

export const ciscoDialect: Dialect<CiscoVendor, CiscoTarget> = {
  id: 'cisco',
  displayName: 'Cisco ASA/IOS',
  language: {
    id: 'cisco',
    aliases: ['Cisco ASA/IOS', 'cisco'],
    extensions: ['.asa', '.ios'],
    filenamePatterns: ['*-confg', '*.asa.cfg', '*.ios.cfg'],
    firstLine: '^(?:: Saved|ASA Version \\d|!\\s*$|version \\d+\\.\\d+$|hostname \\S+$|Building configuration)',
    scopeName: 'source.cisco',
  },
  languageIds: ['cisco', 'cisco-ios', 'ios', 'asa'],
  fileNamePatterns: ['*.asa', '*.ios', '*-confg', '*.cisco', 'running-config*', 'startup-config*'],
  comment: { line: '!' },
  defaultDirection: 'both',
  detect: detectCisco,
  parse: (text) => parseCisco(text),
  place: placeCisco,
  render: renderCisco,
  fitBlock: fitIosBlock,
};
