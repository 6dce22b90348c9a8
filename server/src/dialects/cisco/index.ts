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
    if (line.startsWith('ASA Version') || line.startsWith(': Saved') || line.startsWith('Building configuration') || /^Current configuration ?: \d+ bytes/.test(line)) score += 1;
    else if (/^access-list\s+\S+\s+(extended|standard|remark|permit|deny)\s/.test(line)) score += 0.4;
    else if (/^ip(v6)? access-list\s/.test(line)) score += 0.5;
    else if (/^object-group\s+(network|service)\s/.test(line) || /^object\s+network\s/.test(line)) score += 0.4;
    else if (/^access-group\s+\S+\s+(in|out|global)\b/.test(line) || /^ip access-group\s/.test(line)) score += 0.4;
    else if (/^interface\s+(GigabitEthernet|TenGigabitEthernet|FastEthernet|Ethernet\d|Management|Port-channel|Vlan)/i.test(line)) score += 0.2;
    else if (/^interface\s+\S+$/.test(rawLine)) score += 0.15;
    else if (/^\s+ip address \d+\.\d+\.\d+\.\d+ \d+\.\d+\.\d+\.\d+/.test(rawLine) || /^\s+(?:no )?shutdown$/.test(rawLine) || /^\s+switchport mode /.test(rawLine)) score += 0.15;
    else if (/^(?:version \d+\.\d+|service (?:timestamps|password-encryption|config)\b|enable (?:secret|password)\b|username \S+ (?:privilege|secret|password)\b|line (?:con|vty|aux) \d)/.test(rawLine)) score += 0.25;
    else if (/^(?:router (?:ospf|bgp|eigrp|rip)\b|ip route \d+\.\d+\.\d+\.\d+ \d+\.\d+\.\d+\.\d+ |ip domain[- ]name |ntp server |snmp-server community |logging (?:host|buffered) |aaa new-model$|vlan \d+$|spanning-tree mode )/.test(rawLine)) score += 0.25;
    else if (/^(?:nameif |security-level \d+$)/.test(line)) score += 0.3;
    else if (/^hostname\s+\S+$/.test(line)) hostname = true;
    else if (line === '!' || line.startsWith('! ')) bangLines++;
    if (score >= 1) return 1;
  }
  if (hostname && bangLines > 0) score += 0.4;
  else if (hostname) score += 0.25;
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
