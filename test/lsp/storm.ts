import type { TextEdit } from 'vscode-languageserver-protocol/node';

/** Lines that change what an iptables file says about Microsoft 365 traffic, so every few edits change the findings. */
const RULES = [
  '-A OUTPUT -p tcp -m multiport --dports 80,443 -d 13.107.6.152/31 -j ACCEPT',
  '-A OUTPUT -p tcp -m multiport --dports 80,443 -d 52.96.0.0/14 -j ACCEPT',
  '-A SITES -d 40.108.130.0/17 -j ACCEPT',
  '-A SITES -p udp --dport 3478 -d 52.112.0.0/14 -j DROP',
  '-A OUTPUT -p tcp --dport 443 -d 20.190.128.0/18 -j ACCEPT',
  '-A OUTPUT -p tcp --dport 443 -d 20.190.128.0/18 -j ACCEPT',
  '-A OUTPUT -d 52.112.0.0/14 -j REJECT',
];

/**
 * One small edit to an iptables-save file, as a user makes them: insert a rule, delete a line, or
 * type a character. The table header and COMMIT stay where they are.
 */
export function stormEdit(text: string, next: () => number): TextEdit {
  const lines = text.split('\n');
  const line = 6 + Math.floor(next() * Math.max(1, lines.length - 8));
  const kind = next();
  const at = { line, character: 0 };
  if (kind < 0.45) return { range: { start: at, end: at }, newText: `${RULES[Math.floor(next() * RULES.length)]}\n` };
  if (kind < 0.8) return { range: { start: at, end: { line: line + 1, character: 0 } }, newText: '' };
  const character = Math.floor(next() * (lines[line]?.length ?? 0));
  return { range: { start: { line, character }, end: { line, character } }, newText: next() < 0.5 ? '1' : ' ' };
}
