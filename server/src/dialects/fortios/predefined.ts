import type { PortRange } from '../../model/config';
import { t } from '../../l10n';
import type { ServicePorts } from './vendor';

/**
 * What a FortiGate knows without the file saying so: the services and groups every unit ships
 * with (a `show` lists only those changed), and the Internet Service Database entries FortiGuard
 * maintains for Microsoft. ISDB content is Fortinet's, so the evaluation never guesses it.
 */

const one = (port: number): PortRange[] => [{ from: port, to: port }];
const tcp = (...ports: number[]): ServicePorts[] => ports.map((p) => ({ protocol: 'tcp', ports: one(p) }));
const udp = (...ports: number[]): ServicePorts[] => ports.map((p) => ({ protocol: 'udp', ports: one(p) }));
const ALL_PORTS: PortRange[] = [{ from: 1, to: 65535 }];

/** A predefined service: its ports, or `every` for one that matches all traffic of its protocols. */
export interface PredefinedService {
  ports: ServicePorts[];
  /** ALL (protocol IP 0): every protocol, every port. */
  everything?: boolean;
  /** ICMP services, which no Microsoft 365 flow uses. */
  icmp?: boolean;
}

export const PREDEFINED_SERVICES: ReadonlyMap<string, PredefinedService> = new Map<string, PredefinedService>([
  ['ALL', { ports: [], everything: true }],
  ['ALL_TCP', { ports: [{ protocol: 'tcp', ports: ALL_PORTS }] }],
  ['ALL_UDP', { ports: [{ protocol: 'udp', ports: ALL_PORTS }] }],
  ['ALL_ICMP', { ports: [], icmp: true }],
  ['ALL_ICMP6', { ports: [], icmp: true }],
  ['PING', { ports: [], icmp: true }],
  ['HTTP', { ports: tcp(80) }],
  ['HTTPS', { ports: tcp(443) }],
  ['SMTP', { ports: tcp(25) }],
  ['SMTPS', { ports: tcp(465) }],
  ['SUBMISSION', { ports: tcp(587) }],
  ['POP3', { ports: tcp(110) }],
  ['POP3S', { ports: tcp(995) }],
  ['IMAP', { ports: tcp(143) }],
  ['IMAPS', { ports: tcp(993) }],
  ['DNS', { ports: [...tcp(53), ...udp(53)] }],
  ['NTP', { ports: [...tcp(123), ...udp(123)] }],
  ['SSH', { ports: tcp(22) }],
  ['TELNET', { ports: tcp(23) }],
  ['FTP', { ports: tcp(21) }],
  ['KERBEROS', { ports: [...tcp(88), ...udp(88)] }],
  ['LDAP', { ports: tcp(389) }],
  ['LDAP_UDP', { ports: udp(389) }],
  ['SMB', { ports: tcp(445) }],
  ['SAMBA', { ports: tcp(139) }],
  ['DCE-RPC', { ports: [...tcp(135), ...udp(135)] }],
  ['RDP', { ports: tcp(3389) }],
  ['SIP', { ports: [...tcp(5060), ...udp(5060)] }],
  ['SNMP', { ports: [...tcp(161, 162), ...udp(161, 162)] }],
  ['SYSLOG', { ports: udp(514) }],
  ['TRACEROUTE', { ports: [{ protocol: 'udp', ports: [{ from: 33434, to: 33535 }] }] }],
]);

/** Service groups every unit ships with, by member name. */
export const PREDEFINED_SERVICE_GROUPS: ReadonlyMap<string, readonly string[]> = new Map([
  ['Email Access', ['DNS', 'IMAP', 'IMAPS', 'POP3', 'POP3S', 'SMTP', 'SMTPS']],
  ['Web Access', ['DNS', 'HTTP', 'HTTPS']],
  ['Windows AD', ['DCE-RPC', 'DNS', 'KERBEROS', 'LDAP', 'LDAP_UDP', 'SAMBA', 'SMB']],
  ['Exchange Server', ['DCE-RPC', 'DNS', 'HTTPS']],
]);

/** ISDB ids FortiOS writes in `internet-service-id` before 6.4, for the Microsoft entries. */
const ISDB_IDS: ReadonlyMap<string, string> = new Map([
  ['327681', 'Microsoft-Web'],
  ['327682', 'Microsoft-ICMP'],
  ['327683', 'Microsoft-DNS'],
  ['327684', 'Microsoft-Outbound_Email'],
  ['327686', 'Microsoft-SSH'],
  ['327687', 'Microsoft-FTP'],
  ['327782', 'Microsoft-Office365'],
  ['327786', 'Microsoft-Azure'],
]);

/** What a Microsoft entry of the ISDB covers, in a phrase; undefined for other owners' entries. */
function microsoftCoverage(name: string): string | undefined {
  const base = name.replace(/\..*$/, '');
  switch (base) {
    case 'Microsoft-Office365':
      return name.includes('.Published')
        ? t('the Microsoft 365 endpoints as Microsoft publishes them, in Fortinet\'s copy')
        : t('Microsoft 365 (Exchange Online, SharePoint and OneDrive, Teams, sign-in and the Office apps) as Fortinet records it');
    case 'Microsoft-Azure':
      return t('Microsoft Azure\'s public address space, which Microsoft 365 services partly share');
    case 'Microsoft-Skype_Teams':
    case 'Microsoft-Teams':
      return t('Microsoft Teams (and Skype for Business) signalling and media');
    case 'Microsoft-Outlook':
      return t('Outlook and Exchange Online');
    case 'Microsoft-Web':
      return t('Microsoft\'s web servers on HTTP and HTTPS');
    case 'Microsoft-DNS':
      return t('Microsoft\'s DNS servers');
    case 'Microsoft-Outbound_Email':
      return t('Microsoft\'s mail servers on SMTP');
    case 'Microsoft-Intune':
      return t('Microsoft Intune device management');
    default:
      return base.startsWith('Microsoft-') ? t('a Microsoft service as Fortinet records it') : undefined;
  }
}

export interface InternetServiceDescription {
  /** The entry's name, from its id when the file gives a number. */
  name: string;
  /** For the verdict: why it is unknown, naming the entry. */
  reason: string;
  /** For the hover: what the entry covers and whose content it is. */
  note: string;
  microsoft: boolean;
}

/** An ISDB entry in a policy: what it is and why the traffic it matches is not known from the file. */
export function describeInternetService(written: string): InternetServiceDescription {
  const name = ISDB_IDS.get(written) ?? written;
  const shown = name === written ? name : `${name} (${written})`;
  const coverage = microsoftCoverage(name);
  const reason = t('Internet Service {0} is maintained by Fortinet, not checkable here', shown);
  if (coverage !== undefined) {
    return {
      name,
      reason,
      note: t('**{0}** is an entry of Fortinet\'s Internet Service Database: {1}. Its addresses and ports are maintained by Fortinet, not checkable here: FortiGuard updates them on the unit, and they need not equal Microsoft\'s catalogue. A policy that names it leaves the verdict unknown rather than guessing.', shown, coverage),
      microsoft: true,
    };
  }
  return {
    name,
    reason,
    note: t('**{0}** is an entry of Fortinet\'s Internet Service Database. Its addresses and ports are maintained by Fortinet, not checkable here; a policy that names it leaves the verdict unknown.', shown),
    microsoft: false,
  };
}

/** Address names every unit has: `all` is any address, `none` no address. */
export function predefinedAddress(name: string): 'all' | 'none' | undefined {
  const lower = name.toLowerCase();
  return lower === 'all' ? 'all' : lower === 'none' ? 'none' : undefined;
}
