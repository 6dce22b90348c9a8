/**
 * The facts of Microsoft's "Other endpoints not included in the web service" table, as data for
 * catalog/build.ts. Each row is written as the newest revision states it; `changes` says, per
 * later revision, what that revision added, removed or reworded, so the build can rebuild every
 * earlier revision down to the baseline, the Danish copy in the shared seeds folder (2022-01-31,
 * 24 rows), and check that baseline against the seed. Purposes are our own short descriptions,
 * not the article's wording. Addresses are written as the article writes them; the build turns
 * them into canonical CIDRs.
 *
 * A release that brings newer facts edits the rows, appends its revision to REVISIONS and adds a
 * `changes` entry under that revision's date to every row it changed.
 */
import type { InstanceId, OtherEndpointDirection } from '../server/src/catalog/types';

export interface RowDestinationSource {
  instances?: InstanceId[];
  urls?: string[];
  ips?: string[];
  tcp?: string;
  udp?: string;
  customerSide?: { en: string; da: string };
  note?: { en: string; da: string };
}

/** What one revision changed in a row, relative to the revision before it. */
export interface RowChangeSource {
  /** What changed, in words; the row's provenance repeats it. */
  summary: string;
  /** Addresses and host patterns this revision added (each is in exactly one destination group now). */
  added?: string[];
  /** What the revision before listed and this one does not, by destination group (index into `destinations`). */
  removed?: Array<{ destination: number; entries: string[] }>;
  /** The ports a destination group had in the revision before, when this one changed them. */
  ports?: Array<{ destination: number; tcp?: string; udp?: string }>;
  /** The row did not exist before this revision. */
  rowAdded?: true;
}

export interface RowSource {
  row: number;
  purpose: { en: string; da: string };
  direction: OtherEndpointDirection;
  destinations: RowDestinationSource[];
  link?: string;
  /** Per revision date (one of REVISIONS after the first): what that revision changed. */
  changes?: Record<string, RowChangeSource>;
  /** Seed spellings that are typing errors, with what they stand for. */
  seedTypos?: Record<string, string>;
}

/** One revision of the article the rows follow, and the Endpoint Lens release that first shipped it. */
export interface ArticleRevision {
  date: string;
  release: string;
  source: string;
}

export const SEED_PROVENANCE = 'Danish seed table (ms.date 2022-01-31)';
export const ARTICLE_PROVENANCE =
  'English article "Other endpoints not included in the Microsoft 365 IP Address and URL Web service" (ms.date 2025-01-08, MicrosoftDocs/microsoft-365-docs@ba01cbe59ca4652a0c05a3d15bea4f9bcec94861)';

/** Oldest first; the first is the baseline the seed table gives. */
export const REVISIONS: ArticleRevision[] = [
  { date: '2022-01-31', release: '0.1.0', source: SEED_PROVENANCE },
  { date: '2025-01-08', release: '0.1.0', source: ARTICLE_PROVENANCE },
];

const ARTICLE_DATE = '2025-01-08';

const GOV: InstanceId[] = ['USGovDoD', 'USGovGCCHigh'];
const NO_PORT = {
  en: 'The article names no port for these destinations.',
  da: 'Artiklen angiver ingen port for disse destinationer.',
};
const LEARN = 'https://learn.microsoft.com';

export const ROWS: RowSource[] = [
  {
    row: 1,
    purpose: { en: 'Import Service for PST and file ingestion (network upload).', da: 'Importtjenesten til PST- og filimport (netværksupload).' },
    direction: 'outbound-user',
    destinations: [],
    link: 'https://support.office.com/article/use-network-upload-to-import-your-organization-pst-files-to-office-365-103f940c-0468-4e1a-b527-cc8ad13a5ea6',
  },
  {
    row: 2,
    purpose: { en: 'Microsoft Support and Recovery Assistant (SaRA) diagnostics.', da: 'Microsoft Support- og genoprettelsesassistent (SaRA) til fejlfinding.' },
    direction: 'outbound-server',
    destinations: [
      {
        urls: [
          'autodiscover.outlook.com',
          'officecdn.microsoft.com',
          'api.diagnostics.office.com',
          'apibasic.diagnostics.office.com',
          'autodiscover-s.outlook.com',
          'cloudcheckenabler.azurewebsites.net',
          'login.live.com',
          'login.microsoftonline.com',
          'login.windows.net',
          'o365diagtelemetry.trafficmanager.net',
          'odc.officeapps.live.com',
          'offcatedge.azureedge.net',
          'officeapps.live.com',
          'outlook.office365.com',
          'outlookdiagnostics.azureedge.net',
          'sara.api.support.microsoft.com',
        ],
        tcp: '443',
        note: { en: 'All destinations are https:// URLs.', da: 'Alle destinationer er https://-adresser.' },
      },
    ],
    changes: { [ARTICLE_DATE]: { summary: 'adds sara.api.support.microsoft.com', added: ['sara.api.support.microsoft.com'] } },
  },
  {
    row: 3,
    purpose: {
      en: 'Microsoft Entra Connect with the SSO option: WinRM and remote PowerShell to the customer STS.',
      da: 'Microsoft Entra Connect med SSO: WinRM og fjern-PowerShell til kundens STS.',
    },
    direction: 'inbound',
    destinations: [
      {
        tcp: '80,443',
        customerSide: { en: 'Customer STS (AD FS server and AD FS proxy)', da: 'Kundens STS (AD FS-server og AD FS-proxy)' },
      },
    ],
    changes: { [ARTICLE_DATE]: { summary: '"Azure AD Connect" renamed "Microsoft Entra Connect"' } },
  },
  {
    row: 4,
    purpose: { en: 'Federation STS such as AD FS proxy servers (federated customers only).', da: 'Federerings-STS som AD FS-proxyservere (kun federerede kunder).' },
    direction: 'inbound',
    destinations: [
      {
        tcp: '443,49443',
        customerSide: { en: 'Customer STS such as AD FS proxy', da: 'Kundens STS, f.eks. AD FS-proxy' },
        note: { en: 'TCP 49443 is used with client TLS.', da: 'TCP 49443 bruges med klient-TLS.' },
      },
    ],
  },
  {
    row: 5,
    purpose: {
      en: 'Exchange Online Unified Messaging integration with an on-premises session border controller.',
      da: 'Exchange Online Unified Messaging-integration med en lokal sessionsgrænsecontroller.',
    },
    direction: 'outbound-server',
    destinations: [
      {
        urls: ['*.um.outlook.com'],
        note: { en: 'Traffic goes both ways between the SBC and these hosts; the article names no port.', da: 'Trafikken går begge veje mellem SBC og disse værter; artiklen angiver ingen port.' },
      },
    ],
  },
  {
    row: 6,
    purpose: {
      en: 'Mailbox migration from on-premises Exchange hybrid: Microsoft 365 connects to the published EWS/MRS proxy.',
      da: 'Postkasseflytning fra lokal Exchange hybrid: Microsoft 365 forbinder til den publicerede EWS/MRS-proxy.',
    },
    direction: 'inbound',
    destinations: [
      {
        tcp: '443',
        customerSide: { en: 'Customer on-premises EWS/MRS proxy', da: 'Kundens lokale EWS/MRS-proxy' },
        note: {
          en: 'To restrict sources, allow the Exchange Online addresses of the web service.',
          da: 'Begræns kilderne til webtjenestens Exchange Online-adresser.',
        },
      },
    ],
  },
  {
    row: 7,
    purpose: { en: 'Exchange hybrid coexistence such as free/busy sharing.', da: 'Exchange hybrid-sameksistens som deling af ledig/optaget-tid.' },
    direction: 'inbound',
    destinations: [{ customerSide: { en: 'Customer on-premises Exchange server', da: 'Kundens lokale Exchange-server' }, note: NO_PORT }],
  },
  {
    row: 8,
    purpose: { en: 'Exchange hybrid proxy authentication.', da: 'Exchange hybrid-proxygodkendelse.' },
    direction: 'inbound',
    destinations: [{ customerSide: { en: 'Customer on-premises STS', da: 'Kundens lokale STS' }, note: NO_PORT }],
  },
  {
    row: 9,
    purpose: {
      en: 'Exchange Hybrid Configuration Wizard (needed only while configuring hybrid).',
      da: 'Exchange-guiden Hybridkonfiguration (kun nødvendig under konfiguration af hybrid).',
    },
    direction: 'outbound-server',
    destinations: [
      {
        urls: ['domains.live.com'],
        tcp: '80,443',
        note: { en: 'Only for the Exchange 2010 SP3 hybrid configuration wizard.', da: 'Kun til guiden Hybridkonfiguration i Exchange 2010 SP3.' },
      },
      { instances: GOV, ips: ['40.118.209.192/32', '168.62.190.41/32'], note: NO_PORT },
      {
        instances: ['Worldwide'],
        urls: ['*.store.core.windows.net', 'asl.configure.office.com', 'tds.configure.office.com', 'mshybridservice.trafficmanager.net', 'aka.ms', 'shcwreleaseprod.blob.core.windows.net'],
        note: {
          en: 'The article lists aka.ms/hybridwizard and shcwreleaseprod.blob.core.windows.net/shcw/* (paths on those hosts); it names no port.',
          da: 'Artiklen angiver aka.ms/hybridwizard og shcwreleaseprod.blob.core.windows.net/shcw/* (stier på disse værter); den angiver ingen port.',
        },
      },
    ],
    changes: {
      [ARTICLE_DATE]: {
        summary: 'the blob storage destination is written shcwreleaseprod.blob.core.windows.net/shcw/* instead of *shcwreleaseprod.blob.core.windows.net/shcw/',
        added: ['shcwreleaseprod.blob.core.windows.net'],
        removed: [{ destination: 2, entries: ['*shcwreleaseprod.blob.core.windows.net'] }],
      },
    },
  },
  {
    row: 10,
    purpose: {
      en: 'AutoDetect for hybrid modern authentication with Outlook for iOS and Android.',
      da: 'AutoDetect til hybrid moderne godkendelse med Outlook til iOS og Android.',
    },
    direction: 'inbound',
    destinations: [
      {
        urls: ['<email_domain>.outlookmobile.com', '<email_domain>.outlookmobile.us'],
        ips: ['52.125.128.0/20', '52.127.96.0/23'],
        tcp: '443',
        customerSide: { en: 'Customer on-premises Exchange server', da: 'Kundens lokale Exchange-server' },
      },
    ],
    changes: {
      [ARTICLE_DATE]: {
        summary: '*.acompli.net dropped; *.outlookmobile.com and *.outlookmobile.us became <email_domain>.outlookmobile.com and <email_domain>.outlookmobile.us',
        added: ['<email_domain>.outlookmobile.com', '<email_domain>.outlookmobile.us'],
        removed: [{ destination: 0, entries: ['*.acompli.net', '*.outlookmobile.com', '*.outlookmobile.us'] }],
      },
    },
  },
  {
    row: 11,
    purpose: { en: 'Exchange hybrid Microsoft Entra authentication (application proxy).', da: 'Exchange hybrid Microsoft Entra-godkendelse (programproxy).' },
    direction: 'outbound-server',
    destinations: [{ urls: ['*.msappproxy.net'], note: { en: 'TCP; the article names no port.', da: 'TCP; artiklen angiver ingen port.' } }],
    changes: { [ARTICLE_DATE]: { summary: '"Azure AD" renamed "Microsoft Entra"' } },
  },
  {
    row: 12,
    purpose: {
      en: 'Screen sharing of Skype for Business clients from Office 2013 and earlier (RDP over TCP 443).',
      da: 'Skærmdeling i Skype for Business-klienter fra Office 2013 og tidligere (RDP over TCP 443).',
    },
    direction: 'outbound-user',
    destinations: [{ ips: ['52.112.0.0/14'], tcp: '443' }],
  },
  {
    row: 13,
    purpose: {
      en: 'Skype for Business on-premises hybrid server connectivity to Skype for Business Online.',
      da: 'Forbindelse fra lokal Skype for Business hybridserver til Skype for Business Online.',
    },
    direction: 'outbound-server',
    destinations: [{ ips: ['13.107.64.0/18', '52.112.0.0/14'], tcp: '50000-59999,5061', udp: '50000-59999' }],
  },
  {
    row: 14,
    purpose: { en: 'Cloud PSTN with on-premises hybrid connectivity.', da: 'Cloud PSTN med lokal hybridforbindelse.' },
    direction: 'inbound',
    destinations: [],
    link: `${LEARN}/skypeforbusiness/hybrid/plan-hybrid-connectivity`,
  },
  {
    row: 15,
    purpose: { en: 'Authentication and identity host in the browser Trusted Sites zone.', da: 'Godkendelses- og identitetsvært i browserens zone Websteder, du har tillid til.' },
    direction: 'trusted-sites',
    destinations: [{ urls: ['secure.aadcdn.microsoftonline-p.com'] }],
  },
  {
    row: 16,
    purpose: {
      en: 'Microsoft Teams hosts in the browser Trusted Sites zone, with first- and third-party cookies enabled.',
      da: 'Microsoft Teams-værter i browserens zone Websteder, du har tillid til, med første- og tredjepartscookies slået til.',
    },
    direction: 'trusted-sites',
    destinations: [],
    link: `${LEARN}/microsoftteams/known-issues`,
  },
  {
    row: 17,
    purpose: {
      en: "SharePoint Online and OneDrive hosts of the tenant in the browser Trusted Sites zone.",
      da: 'Lejerens SharePoint Online- og OneDrive-værter i browserens zone Websteder, du har tillid til.',
    },
    direction: 'trusted-sites',
    destinations: [
      {
        urls: ['<tenant>.sharepoint.com', '<tenant>-*.sharepoint.com'],
        note: {
          en: 'Every sharepoint.com host that carries the tenant name, such as <tenant>-my.sharepoint.com.',
          da: 'Alle sharepoint.com-værter med lejerens navn, f.eks. <tenant>-my.sharepoint.com.',
        },
      },
    ],
  },
  {
    row: 18,
    purpose: {
      en: 'Yammer (browser only, authenticated user passed through a proxy) in the browser Trusted Sites zone.',
      da: 'Yammer (kun i browseren, den godkendte bruger sendes gennem en proxy) i zonen Websteder, du har tillid til.',
    },
    direction: 'trusted-sites',
    destinations: [],
  },
  {
    row: 19,
    purpose: {
      en: 'Microsoft Entra Connect synchronising on-premises accounts to Microsoft Entra ID.',
      da: 'Microsoft Entra Connect, der synkroniserer lokale konti til Microsoft Entra ID.',
    },
    direction: 'outbound-server',
    destinations: [],
    link: `${LEARN}/azure/active-directory/hybrid/reference-connect-ports`,
    changes: { [ARTICLE_DATE]: { summary: '"Azure AD Connect" renamed "Microsoft Entra Connect"' } },
  },
  {
    row: 20,
    purpose: {
      en: 'Microsoft Entra Connect with 21Vianet in China synchronising on-premises accounts.',
      da: 'Microsoft Entra Connect hos 21Vianet i Kina, der synkroniserer lokale konti.',
    },
    direction: 'outbound-server',
    destinations: [
      { instances: ['China'], urls: ['*.digicert.com', '*.entrust.net'], tcp: '80' },
      { instances: ['China'], urls: ['*.chinacloudapi.cn', 'secure.aadcdn.partner.microsoftonline-p.cn', '*.partner.microsoftonline.cn'], tcp: '443' },
    ],
    link: 'https://docs.azure.cn/zh-cn/active-directory/hybrid/tshoot-connect-connectivity',
    changes: { [ARTICLE_DATE]: { summary: '"Azure AD Connect" renamed "Microsoft Entra Connect"' } },
  },
  {
    row: 21,
    purpose: { en: 'Microsoft Stream with a Microsoft Entra user token (Worldwide, including GCC).', da: 'Microsoft Stream med et Microsoft Entra-brugertoken (globalt, inkl. GCC).' },
    direction: 'inbound',
    destinations: [
      {
        instances: ['Worldwide'],
        urls: [
          '*.cloudapp.net',
          '*.api.microsoftstream.com',
          '*.notification.api.microsoftstream.com',
          'amp.azure.net',
          'api.microsoftstream.com',
          'az416426.vo.msecnd.net',
          's0.assets-yammer.com',
          'vortex.data.microsoft.com',
          'web.microsoftstream.com',
        ],
        tcp: '443',
      },
    ],
    changes: { [ARTICLE_DATE]: { summary: '"Azure AD" renamed "Microsoft Entra"' } },
  },
  {
    row: 22,
    purpose: {
      en: 'MFA Server for multifactor authentication requests and its AD DS setup.',
      da: 'MFA-server til anmodninger om multifaktorgodkendelse og opsætning med AD DS.',
    },
    direction: 'outbound-server',
    destinations: [],
    link: `${LEARN}/azure/active-directory/authentication/howto-mfaserver-deploy#plan-your-deployment`,
    changes: { [ARTICLE_DATE]: { summary: '"Azure AD" renamed "Microsoft Entra" in the linked title' } },
  },
  {
    row: 23,
    purpose: {
      en: 'Microsoft Graph change notifications delivered to the subscriber endpoint.',
      da: 'Microsoft Graph-ændringsmeddelelser, der leveres til abonnentens slutpunkt.',
    },
    direction: 'inbound',
    destinations: [
      {
        instances: ['Worldwide'],
        ips: [
          '52.159.23.209', '52.159.17.84', '13.78.204.0', '52.148.24.136', '52.148.27.39', '52.147.213.251', '52.147.213.181',
          '20.127.53.125', '40.76.162.99', '40.76.162.42', '70.37.95.92', '70.37.95.11', '70.37.92.195', '70.37.93.191',
          '70.37.90.219', '20.9.36.45', '20.9.35.166', '20.9.36.128', '20.9.37.73', '20.9.37.76', '20.96.21.67',
          '20.69.245.215', '104.46.117.15', '20.96.21.98', '20.96.21.115', '137.135.11.161', '137.135.11.116',
          '20.253.156.113', '137.135.11.222', '137.135.11.250', '52.159.107.50', '52.159.107.4', '52.159.124.33',
          '52.159.109.205', '52.159.102.72', '20.98.68.182', '20.98.68.57', '20.98.68.200', '20.98.68.203', '20.98.68.218',
          '20.171.81.121', '20.25.189.138', '20.171.82.192', '20.171.83.146', '20.171.83.157', '52.142.114.29',
          '52.142.115.31', '20.223.139.245', '51.104.159.213', '51.104.159.181', '51.124.75.43', '51.124.73.177',
          '104.40.209.182', '51.138.90.7', '51.138.90.52', '20.199.102.157', '20.199.102.73', '20.216.150.67', '20.111.9.46',
          '20.111.9.77', '13.87.81.123', '13.87.81.35', '20.90.99.1', '13.87.81.133', '13.87.81.141', '20.91.212.211',
          '20.91.212.136', '20.91.213.57', '20.91.208.88', '20.91.209.147', '20.44.210.83', '20.44.210.146', '20.212.153.162',
          '52.148.115.48', '52.148.114.238', '40.80.232.177', '40.80.232.118', '52.231.196.24', '40.80.233.14',
          '40.80.239.196', '20.48.12.75', '20.48.11.201', '20.89.108.161', '20.48.14.35', '20.48.15.147', '104.215.13.23',
          '104.215.6.169', '20.89.240.165', '104.215.18.55', '104.215.12.254',
          '20.20.32.0/19', '20.190.128.0/18', '20.231.128.0/19', '40.126.0.0/18', '2603:1006:2000::/48', '2603:1007:200::/48',
          '2603:1016:1400::/48', '2603:1017::/48', '2603:1026:3000::/48', '2603:1027:1::/48', '2603:1036:3000::/48',
          '2603:1037:1::/48', '2603:1046:2000::/48', '2603:1047:1::/48', '2603:1056:2000::/48', '2603:1057:2::/48',
        ],
        tcp: '443',
      },
      {
        instances: GOV,
        ips: [
          '52.244.33.45', '52.244.35.174', '52.243.157.104', '52.243.157.105', '52.182.25.254', '52.182.25.110', '52.181.25.67',
          '52.181.25.66', '52.244.111.156', '52.244.111.170', '52.243.147.249', '52.243.148.19', '52.182.32.51', '52.182.32.143',
          '52.181.24.199', '52.181.24.220', '20.140.232.0/23', '52.126.194.0/23', '2001:489a:3500::/50',
        ],
        tcp: '443',
      },
      {
        instances: ['China'],
        ips: [
          '42.159.72.35', '42.159.72.47', '42.159.180.55', '42.159.180.56', '40.125.138.23', '40.125.136.69', '40.72.155.199',
          '40.72.155.216', '40.72.70.0/23', '52.130.2.32/27', '52.130.3.64/27', '52.130.17.192/27', '52.130.18.32/27',
          '2406:e500:5500::/48',
        ],
        tcp: '443',
      },
    ],
    changes: {
      [ARTICLE_DATE]: {
        summary:
          'public cloud list from 64 to 106 entries (12 addresses dropped, 38 addresses and 16 CIDRs added); US Government adds 20.140.232.0/23, 52.126.194.0/23, 2001:489a:3500::/50; China adds 40.72.70.0/23, four 52.130.x /27 ranges and 2406:e500:5500::/48',
        added: [
          '13.78.204.0', '20.127.53.125', '70.37.95.92', '70.37.95.11', '70.37.92.195', '70.37.93.191', '70.37.90.219', '20.9.36.45',
          '20.9.35.166', '20.9.36.128', '20.9.37.73', '20.9.37.76', '104.46.117.15', '20.253.156.113', '52.159.124.33', '20.98.68.182',
          '20.98.68.57', '20.98.68.200', '20.98.68.203', '20.98.68.218', '20.171.81.121', '20.25.189.138', '20.171.82.192', '20.171.83.146',
          '20.171.83.157', '20.223.139.245', '104.40.209.182', '20.216.150.67', '20.90.99.1', '20.91.212.211', '20.91.212.136', '20.91.213.57',
          '20.91.208.88', '20.91.209.147', '20.212.153.162', '52.231.196.24', '20.89.108.161', '20.89.240.165',
          '20.20.32.0/19', '20.190.128.0/18', '20.231.128.0/19', '40.126.0.0/18', '2603:1006:2000::/48', '2603:1007:200::/48',
          '2603:1016:1400::/48', '2603:1017::/48', '2603:1026:3000::/48', '2603:1027:1::/48', '2603:1036:3000::/48', '2603:1037:1::/48',
          '2603:1046:2000::/48', '2603:1047:1::/48', '2603:1056:2000::/48', '2603:1057:2::/48',
          '20.140.232.0/23', '52.126.194.0/23', '2001:489a:3500::/50',
          '40.72.70.0/23', '52.130.2.32/27', '52.130.3.64/27', '52.130.17.192/27', '52.130.18.32/27', '2406:e500:5500::/48',
        ],
        removed: [
          {
            destination: 0,
            entries: [
              '13.85.192.59', '13.85.192.123', '13.89.108.233', '13.89.104.147', '52.229.38.131', '52.183.67.212', '40.74.203.28',
              '40.74.203.27', '13.86.37.15', '52.154.246.238', '52.151.30.78', '52.191.173.85',
            ],
          },
        ],
      },
    },
    seedTypos: { '52.243.148.1 9': '52.243.148.19' },
  },
  {
    row: 24,
    purpose: {
      en: 'Network Connection Status Indicator of Windows 10 and 11; without it Microsoft 365 Apps assume no internet.',
      da: 'Statusindikator for netværksforbindelse i Windows 10 og 11; uden den antager Microsoft 365 Apps, at der ikke er internet.',
    },
    direction: 'outbound-server',
    destinations: [{ urls: ['www.msftconnecttest.com'], note: NO_PORT }],
    link: `${LEARN}/windows/privacy/manage-windows-11-endpoints`,
    changes: {
      [ARTICLE_DATE]: {
        summary: '13.107.4.52 dropped; host spelled www.msftconnecttest.com (the seed has "mstf")',
        removed: [{ destination: 0, entries: ['13.107.4.52'] }],
      },
    },
    seedTypos: { 'www.mstfconnecttest.com': 'www.msftconnecttest.com' },
  },
  {
    row: 25,
    purpose: {
      en: 'Teams push notifications on Android and Apple mobile devices (Google and Apple push services).',
      da: 'Teams-pushmeddelelser på Android- og Apple-mobilenheder (Googles og Apples pushtjenester).',
    },
    direction: 'outbound-server',
    destinations: [],
    link: 'https://firebase.google.com/docs/cloud-messaging/concept-options#messaging-ports-and-your-firewall',
    changes: { [ARTICLE_DATE]: { summary: 'row added; ports are in Google Firebase and Apple push notification documentation', rowAdded: true } },
  },
];
