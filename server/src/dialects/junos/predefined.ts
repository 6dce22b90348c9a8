import type { ApplicationTerm } from './vendor';

/**
 * The predefined applications of Junos that Microsoft 365 traffic meets (`show configuration
 * groups junos-defaults applications`), with the protocol and ports the device gives them. A
 * `junos-*` name not in this table is left unknown rather than guessed.
 */
function term(protocol: string, ...ports: Array<number | [number, number]>): ApplicationTerm {
  return { protocol, destinationPorts: ports.map((p) => (typeof p === 'number' ? { from: p, to: p } : { from: p[0], to: p[1] })), sourcePorts: [] };
}

export const PREDEFINED_APPLICATIONS: ReadonlyMap<string, ApplicationTerm[]> = new Map([
  ['junos-http', [term('tcp', 80)]],
  ['junos-https', [term('tcp', 443)]],
  ['junos-http-ext', [term('tcp', 7001)]],
  ['junos-smtp', [term('tcp', 25)]],
  ['junos-pop3', [term('tcp', 110)]],
  ['junos-imap', [term('tcp', 143)]],
  ['junos-imaps', [term('tcp', 993)]],
  ['junos-ldap', [term('tcp', 389)]],
  ['junos-dns-udp', [term('udp', 53)]],
  ['junos-dns-tcp', [term('tcp', 53)]],
  ['junos-ntp', [term('udp', 123)]],
  ['junos-ftp', [term('tcp', 21)]],
  ['junos-ssh', [term('tcp', 22)]],
  ['junos-telnet', [term('tcp', 23)]],
  ['junos-ike', [term('udp', 500)]],
  ['junos-ike-nat', [term('udp', 4500)]],
  ['junos-sip', [term('udp', 5060), term('tcp', 5060)]],
  ['junos-smb', [term('tcp', 139), term('tcp', 445)]],
  ['junos-ms-sql', [term('tcp', 1433)]],
  ['junos-icmp-all', [{ protocol: 'icmp', destinationPorts: [], sourcePorts: [] }]],
  ['junos-icmp-ping', [{ protocol: 'icmp', destinationPorts: [], sourcePorts: [] }]],
  ['junos-ping', [{ protocol: 'icmp', destinationPorts: [], sourcePorts: [] }]],
  ['junos-icmp6-all', [{ protocol: 'icmp6', destinationPorts: [], sourcePorts: [] }]],
]);

/** Port names Junos takes for `destination-port` and `source-port`. */
export const PORT_NAMES: ReadonlyMap<string, number> = new Map([
  ['ftp', 21],
  ['ssh', 22],
  ['telnet', 23],
  ['smtp', 25],
  ['domain', 53],
  ['http', 80],
  ['pop3', 110],
  ['ntp', 123],
  ['imap', 143],
  ['snmp', 161],
  ['bgp', 179],
  ['ldap', 389],
  ['https', 443],
  ['syslog', 514],
  ['imaps', 993],
  ['sip', 5060],
]);

/** Protocol numbers written as numbers, mapped to the names the model uses. */
export function protocolName(text: string): string {
  switch (text) {
    case '6':
      return 'tcp';
    case '17':
      return 'udp';
    case '1':
      return 'icmp';
    case '58':
    case 'icmpv6':
      return 'icmp6';
    default:
      return text.toLowerCase();
  }
}
