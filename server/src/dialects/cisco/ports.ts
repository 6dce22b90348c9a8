/**
 * Port and protocol names the ASA and IOS command lines accept in place of numbers. ASA shows its
 * names in `show running-config` (www, https, smtp); IOS shows some names and numbers for the rest,
 * so both spellings must read the same.
 */
const PORT_NAMES: Readonly<Record<string, number>> = {
  aol: 5190,
  bgp: 179,
  biff: 512,
  bootpc: 68,
  bootps: 67,
  chargen: 19,
  cifs: 3020,
  'citrix-ica': 1494,
  cmd: 514,
  ctiqbe: 2748,
  daytime: 13,
  discard: 9,
  dnsix: 195,
  domain: 53,
  drip: 3949,
  echo: 7,
  exec: 512,
  finger: 79,
  ftp: 21,
  'ftp-data': 20,
  gopher: 70,
  h323: 1720,
  hostname: 101,
  http: 80,
  https: 443,
  ident: 113,
  imap4: 143,
  irc: 194,
  isakmp: 500,
  kerberos: 750,
  klogin: 543,
  kshell: 544,
  ldap: 389,
  ldaps: 636,
  login: 513,
  lotusnotes: 1352,
  lpd: 515,
  'mobile-ip': 434,
  msrpc: 135,
  nameserver: 42,
  'netbios-dgm': 138,
  'netbios-ns': 137,
  'netbios-ss': 139,
  'netbios-ssn': 139,
  nfs: 2049,
  nntp: 119,
  'non500-isakmp': 4500,
  ntp: 123,
  'pcanywhere-data': 5631,
  'pcanywhere-status': 5632,
  'pim-auto-rp': 496,
  pop2: 109,
  pop3: 110,
  pptp: 1723,
  radius: 1645,
  'radius-acct': 1646,
  rip: 520,
  rsh: 514,
  rtsp: 554,
  'secureid-udp': 5510,
  sip: 5060,
  smtp: 25,
  snmp: 161,
  snmptrap: 162,
  sqlnet: 1521,
  ssh: 22,
  sunrpc: 111,
  syslog: 514,
  tacacs: 49,
  talk: 517,
  telnet: 23,
  tftp: 69,
  time: 37,
  uucp: 540,
  vxlan: 4789,
  who: 513,
  whois: 43,
  www: 80,
  xdmcp: 177,
};

/** A port written as a number (0-65535) or one of the device's names; undefined when neither. */
export function portNumber(text: string): number | undefined {
  if (/^\d{1,5}$/.test(text)) {
    const n = Number(text);
    return n <= 65535 ? n : undefined;
  }
  const lower = text.toLowerCase();
  return Object.prototype.hasOwnProperty.call(PORT_NAMES, lower) ? PORT_NAMES[lower] : undefined;
}

const PROTOCOL_NUMBERS: Readonly<Record<number, string>> = {
  1: 'icmp',
  2: 'igmp',
  4: 'ipinip',
  6: 'tcp',
  17: 'udp',
  47: 'gre',
  50: 'esp',
  51: 'ahp',
  58: 'icmp6',
  88: 'eigrp',
  89: 'ospf',
  103: 'pim',
  132: 'sctp',
};

const PROTOCOL_NAMES = new Set([
  'tcp',
  'udp',
  'icmp',
  'icmp6',
  'igmp',
  'ipinip',
  'gre',
  'esp',
  'ahp',
  'eigrp',
  'ospf',
  'pim',
  'sctp',
  'igrp',
  'nos',
  'pcp',
  'snp',
  'ipsec',
  'pptp',
]);

const PROTOCOL_ALIASES: Readonly<Record<string, string>> = { 'ipv6-icmp': 'icmp6', ah: 'ahp' };

/**
 * A protocol keyword: `null` for "any IP protocol" (`ip`, `ipv6`), a lower-case name, or undefined
 * when the word is not a protocol.
 */
export function protocolName(text: string): string | null | undefined {
  const lower = text.toLowerCase();
  if (lower === 'ip' || lower === 'ipv6') return null;
  if (PROTOCOL_NAMES.has(lower)) return lower;
  const alias = PROTOCOL_ALIASES[lower];
  if (alias !== undefined) return alias;
  if (/^\d{1,3}$/.test(lower)) {
    const n = Number(lower);
    if (n > 255) return undefined;
    if (n === 0) return null;
    return PROTOCOL_NUMBERS[n] ?? String(n);
  }
  return undefined;
}

/** Protocols whose rules may carry port conditions. */
export function hasPorts(protocol: string): boolean {
  return protocol === 'tcp' || protocol === 'udp' || protocol === 'sctp';
}
