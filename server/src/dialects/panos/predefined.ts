import type { PortRange } from '../../model/config';
import { t } from '../../l10n';

/**
 * What PAN-OS knows without the file saying so: its predefined services and lists, and the
 * App-IDs and hosted lists Palo Alto Networks maintains for Microsoft 365. Their content is Palo
 * Alto's, so the evaluation never guesses it: it names them and leaves the verdict unknown.
 */

/** Services every PAN-OS firewall has. */
export const PREDEFINED_SERVICES: ReadonlyMap<string, { protocol: 'tcp'; ports: PortRange[] }> = new Map([
  ['service-http', { protocol: 'tcp', ports: [{ from: 80, to: 80 }, { from: 8080, to: 8080 }] }],
  ['service-https', { protocol: 'tcp', ports: [{ from: 443, to: 443 }] }],
]);

/** What each predefined IP list of Palo Alto Networks holds, in a phrase. */
function predefinedListCoverage(name: string): string | undefined {
  switch (name) {
    case 'panw-highrisk-ip-list':
      return t('addresses Palo Alto Networks rates as high risk');
    case 'panw-known-ip-list':
      return t('addresses known to be malicious');
    case 'panw-bulletproof-ip-list':
      return t('addresses of bulletproof hosting providers');
    case 'panw-torexit-ip-list':
      return t('Tor exit nodes');
    default:
      return name.startsWith('panw-') ? t('addresses Palo Alto Networks maintains under this name') : undefined;
  }
}

/** A list name the firewall knows without a definition in the file. */
export function isPredefinedList(name: string): boolean {
  return name.startsWith('panw-');
}

/** Palo Alto Networks' EDL Hosting Service: lists of SaaS endpoints it publishes for firewalls to fetch. */
const HOSTED_LIST = /^https?:\/\/saasedl\.paloaltonetworks\.com\/feeds\/([^/?#]+)/i;

/** The hosted feed a list URL names (`m365`, `azure`, …), when it is Palo Alto's. */
export function hostedFeed(url: string | undefined): string | undefined {
  return url ? HOSTED_LIST.exec(url)?.[1]?.toLowerCase() : undefined;
}

export interface ListDescription {
  /** For the verdict: why it is unknown, naming the list. */
  reason: string;
  /** For the hover: what the list covers and whose content it is. */
  note: string;
  /** Maintained by Palo Alto Networks rather than the customer. */
  vendorShipped: boolean;
}

/** An external dynamic list in a rule: what it is and why its addresses are not known here. */
export function describeList(name: string, url: string | undefined): ListDescription {
  const feed = hostedFeed(url);
  if (feed !== undefined) {
    const microsoft = feed === 'm365' || feed === 'office365';
    return {
      reason: t('external dynamic list {0} is Palo Alto Networks\' hosted {1} feed; the firewall fetches it, and its content is Palo Alto\'s, not checkable here', name, feed),
      note: microsoft
        ? t('**{0}** is a list from Palo Alto Networks\' EDL Hosting Service ({1}): Palo Alto\'s copy of Microsoft 365 endpoints, which the firewall fetches and refreshes itself. Its content is Palo Alto\'s, not Microsoft\'s catalogue as shipped here, so rules using it are not checked against the catalogue: their verdict stays unknown.', name, url ?? '')
        : t('**{0}** is a list from Palo Alto Networks\' EDL Hosting Service ({1}), which the firewall fetches and refreshes itself. Its content is Palo Alto\'s, so rules using it are not checked: their verdict stays unknown.', name, url ?? ''),
      vendorShipped: true,
    };
  }
  const coverage = predefinedListCoverage(name);
  if (coverage !== undefined) {
    return {
      reason: t('{0} is a predefined Palo Alto Networks list ({1}); its content is Palo Alto\'s, not checkable here', name, coverage),
      note: t('**{0}** is a predefined external dynamic list of Palo Alto Networks: {1}. It comes with Palo Alto\'s threat content, not from this file, so which addresses it holds cannot be checked here; a rule using it leaves the verdict unknown.', name, coverage),
      vendorShipped: true,
    };
  }
  const source = url ?? t('no source named in this file');
  return {
    reason: t('external dynamic list {0} ({1}) is fetched by the firewall at run time', name, source),
    note: t('**{0}** is an external dynamic list: the firewall fetches its addresses from {1} at run time, so they cannot be checked here; a rule using it leaves the verdict unknown.', name, source),
    vendorShipped: false,
  };
}

/** What Palo Alto's App-IDs for Microsoft 365 cover, in a phrase. */
function microsoftApplication(name: string): string | undefined {
  switch (name) {
    case 'ms-office365':
      return t('Microsoft 365 as a whole: a container of the Office 365 applications (sign-in and portal, Exchange Online, SharePoint Online and OneDrive, Teams, the Office web apps)');
    case 'ms-office365-base':
      return t('the common part of Microsoft 365 that the other Office 365 App-IDs depend on (sign-in, the portal and shared services)');
    case 'ms-teams':
      return t('Microsoft Teams chat, signalling and collaboration; calls and meetings media are ms-teams-audio-video');
    case 'ms-teams-audio-video':
      return t('the audio and video media of Microsoft Teams calls and meetings');
    case 'outlook-web-online':
      return t('Outlook on the web for Exchange Online');
    case 'sharepoint-online':
      return t('SharePoint Online');
    default:
      return /^(ms-|office365|outlook|sharepoint|skype|onedrive|msft|microsoft)/.test(name) ? t('Microsoft traffic, as Palo Alto Networks identifies it') : undefined;
  }
}

export interface ApplicationDescription {
  reason: string;
  note: string;
  microsoft: boolean;
}

/** An App-ID in a rule: traffic matches it by what the firewall identifies, which the file cannot tell. */
export function describeApplication(name: string): ApplicationDescription {
  const coverage = microsoftApplication(name);
  if (coverage !== undefined) {
    return {
      reason: t('App-ID {0} is identified by the firewall from Palo Alto\'s signatures, not checkable here', name),
      note: t('**{0}** is a Palo Alto Networks App-ID for {1}. Which sessions it matches comes with Palo Alto\'s content updates, not from this file, so it cannot be checked against the catalogue here: a rule that names it leaves the verdict unknown rather than guessing.', name, coverage),
      microsoft: true,
    };
  }
  return {
    reason: t('App-ID {0} is identified by the firewall from Palo Alto\'s signatures, not checkable here', name),
    note: t('**{0}** is an App-ID: the firewall matches it by identifying the application in the session, so whether Microsoft 365 traffic matches cannot be told from the file; a rule that names it leaves the verdict unknown.', name),
    microsoft: false,
  };
}
