import type { FindingCode } from '../analysis/finding';
import { t } from '../l10n';

/** Where each finding code is documented; the README has one section per code. */
export const DOCS_BASE = 'https://github.com/endpoint-lens/endpoint-lens/blob/main/README.md';

export function codeHref(code: string): string {
  return `${DOCS_BASE}#${code}`;
}

/** What a finding code means, in one line and in a paragraph: SARIF rule metadata and help texts. */
export function describeCode(code: FindingCode): { short: string; full: string } {
  switch (code) {
    case 'blocked-required':
      return {
        short: t('A required Microsoft 365 endpoint is blocked'),
        full: t('A rule or the default policy blocks traffic to an endpoint set the catalogue marks as required. Reported once per endpoint set and deciding line.'),
      };
    case 'proxied-optimize':
      return {
        short: t('A PAC file sends an Optimize or Allow endpoint to a proxy'),
        full: t('Running the PAC file for the catalogue\'s hosts gives a proxy for an Optimize or Allow endpoint; Microsoft asks that these go DIRECT.'),
      };
    case 'incomplete-set':
      return {
        short: t('Only part of an endpoint set is referenced'),
        full: t('A rule list names most but not all prefixes of an endpoint set with matching ports, so some of its traffic takes another path.'),
      };
    case 'stale-entry':
      return {
        short: t('An address or URL is no longer in the catalogue'),
        full: t('An earlier catalogue version listed this address or URL and the current one does not; the message says when it was removed.'),
      };
    case 'host-bits-set':
      return {
        short: t('A CIDR has host bits set'),
        full: t('A CIDR with host bits set, which most devices silently turn into its network address.'),
      };
    case 'invalid-address':
      return {
        short: t('An address, CIDR or netmask is not valid'),
        full: t('A token meant as an address that the device rejects or reads differently.'),
      };
    case 'shadowed-rule':
      return {
        short: t('A rule never takes effect'),
        full: t('An earlier rule with another action matches everything this rule matches, so this rule never decides.'),
      };
    case 'redundant-entry':
      return {
        short: t('An entry repeats another'),
        full: t('A rule repeats an earlier one with the same action, or an address is already covered by another in the same rule.'),
      };
    case 'undefined-filter':
      return {
        short: t('A filter is applied that the file does not define'),
        full: t('A command applies an access list the file does not define, which the device accepts and then filters nothing with (IOS ip access-group, access-class): the traffic there is permitted until the list exists.'),
      };
    case 'pac-wildcard-gap':
      return {
        short: t('A PAC wildcard misses the domain itself'),
        full: t('shExpMatch(host, "*.x") and dnsDomainIs(host, ".x") do not match x itself; when the catalogue lists it too, its requests take another branch.'),
      };
    case 'pac-dns-dependency':
      return {
        short: t('A PAC decision depends on DNS'),
        full: t('isInNet and dnsResolve resolve the host on every request, so a slow or split DNS delays every page.'),
      };
    case 'pac-runtime-error':
      return {
        short: t('The PAC file fails when it runs'),
        full: t('The PAC program threw, did not compile, ran past its time or memory budget, or returned something that is not a proxy string.'),
      };
    case 'managed-block-outdated':
      return {
        short: t('A managed block is from an older catalogue'),
        full: t('A block of generated rules was made from an older catalogue version than the one in use; refreshing it brings it up to date.'),
      };
    case 'syntax-error':
      return {
        short: t('The file cannot be read as the device would'),
        full: t('The parser could not read this part of the file; a file that did not parse never looks clean.'),
      };
    case 'pending-addition':
      return {
        short: t('An announced addition will be blocked when it takes effect'),
        full: t('Microsoft announced an addition to an endpoint set with an effective date still ahead; the configuration would block it (or a PAC file would send it to a proxy) on that date.'),
      };
    case 'catalog-change-impact':
      return {
        short: t('A catalogue change breaks rules written for an earlier version'),
        full: t('A set the rules name gained addresses they lack, moved to Default without published addresses, or changed ports since the catalogue version the rules were written against.'),
      };
    case 'tenant-restrictions-bypass':
      return {
        short: t('Sign-in goes DIRECT although the proxy adds tenant-restriction headers'),
        full: t('With tenant restrictions on, a PAC file sends a Microsoft sign-in host DIRECT, so the proxy never sees the request and cannot add the Restrict-Access-To-Tenants or sec-Restrict-Tenant-Access-Policy header.'),
      };
    case 'tls-inspected':
      return {
        short: t('TLS inspection decrypts Optimize or Allow traffic'),
        full: t('A TLS interception rule or default (ssl_bump bump, deep inspection) applies to an endpoint of an Optimize or Allow set, which Microsoft asks to bypass TLS break-and-inspect. An error for Optimize, a warning for Allow, at the rule that decides to inspect.'),
      };
    case 'proxy-auth-required':
      return {
        short: t('A required Optimize or Allow endpoint sits behind proxy authentication'),
        full: t('Traffic to a required endpoint of an Optimize or Allow set gets through the proxy only after the client has authenticated; Microsoft asks for these endpoints to be exempt from proxy authentication. Reported at the rule that asks for credentials.'),
      };
    case 'path-inconsistent':
      return {
        short: t('The PAC file and a firewall on the path disagree'),
        full: t('In an estate of endpoint-lens.json, the PAC file sends a catalogue host DIRECT (or to a proxy) and an egress firewall of that estate blocks the set\'s addresses or ports from the client networks (or from the proxy), so the connection fails although each file looks right on its own.'),
      };
    case 'config-problem':
      return {
        short: t('A value in endpoint-lens.json is not valid'),
        full: t('A key of the project config has a value of the wrong type or out of range, or names a file that is not there; the default (or the editor setting) is used for that key instead.'),
      };
    case 'not-analysed':
      return {
        short: t('The file was not analysed'),
        full: t('The file is too large, binary, empty, not a regular file or of no known dialect, or its analysis failed or ran out of time or memory; nothing in it was checked.'),
      };
    case 'analysis-limit':
      return {
        short: t('The file goes past a bound of Endpoint Lens'),
        full: t('The file nests, expands, jumps or runs past one of the bounds Endpoint Lens puts on the work for one file; the finding says which and where, and the rest of the file decides nothing.'),
      };
    case 'include-problem':
      return {
        short: t('An include cannot be followed'),
        full: t('An include names a file that is missing, unreadable, binary, includes itself again or lies deeper than the include bound; the configuration is checked without it, so what it would add is unknown.'),
      };
  }
}
