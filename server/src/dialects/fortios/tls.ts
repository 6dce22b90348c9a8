import type { Rule, RuleList } from '../../model/config';
import type { Range } from '../../model/range';
import { minusPorts } from '../../model/ports';
import { t } from '../../l10n';
import type { Resolver } from './resolve';
import type { FortiScope, FortiSslProfile } from './vendor';

/**
 * SSL/SSH inspection profiles as the common model's TLS-interception lists: one per profile a
 * policy names, whose rules are the exemptions in listed order and whose default is what the
 * profile does to the rest (deep inspection decrypts, certificate inspection does not).
 */

/** FortiGuard categories that hold no Microsoft 365 host (finance and banking, health and wellness, personal privacy): their exemptions never take catalogue traffic. */
const NON_MICROSOFT_CATEGORIES = new Set(['31', '33', '87']);

const BYPASS = { type: 'tls', interception: 'bypass' } as const;

export function profileListId(scope: FortiScope, name: string, hasVdoms: boolean): string {
  return hasVdoms ? `${scope.vdom}|ssl-ssh-profile ${name}` : `ssl-ssh-profile ${name}`;
}

function bypassRule(range: Range, text: string, fields: Partial<Rule>): Rule {
  return { range, actionRange: range, action: BYPASS, text, ...fields };
}

/** The rules of a profile written in the file: what it never decrypts (other UDP and TCP ports), then its exemptions. */
function writtenRules(profile: FortiSslProfile, resolver: Resolver): Rule[] {
  const rules: Rule[] = [];
  // HTTPS inspection reads TLS over TCP; UDP (QUIC among it) passes the profile unread.
  rules.push(bypassRule(profile.range, `ssl-ssh-profile ${profile.name} udp`, { protocols: ['udp'] }));
  if (!profile.inspectAll) {
    const others = minusPorts([{ from: 0, to: 65535 }], profile.httpsPorts);
    if (others.length > 0) rules.push(bypassRule(profile.range, `ssl-ssh-profile ${profile.name} other ports`, { protocols: ['tcp'], destinationPorts: others }));
  }
  for (const exemption of profile.exemptions) {
    const text = `ssl-exempt ${exemption.id} ${exemption.type} ${exemption.names.map((n) => n.name).join(' ')}`;
    if (exemption.type === 'address' || exemption.type === 'address6') {
      const side = resolver.side(exemption.names, exemption.type === 'address' ? 4 : 6);
      if (side.any) rules.push(bypassRule(exemption.range, text, {}));
      else rules.push(bypassRule(exemption.range, text, { destinations: { referenceIds: side.refIds, intervals: side.intervals, negated: false, ...(side.unresolved.length > 0 ? { unresolved: side.unresolved.join('; ') } : {}) } }));
    } else if (exemption.type === 'fortiguard-category') {
      const categories = exemption.names.map((n) => n.name);
      if (categories.every((c) => NON_MICROSOFT_CATEGORIES.has(c))) continue;
      rules.push(bypassRule(exemption.range, text, { unknownConditions: [t('FortiGuard category {0} is looked up by the FortiGate at run time', categories.join(', '))] }));
    } else {
      // wildcard-fqdn, fqdn and regex exemptions match the server's name, which an address flow does not carry.
      const patterns = exemption.names.map((n) => resolver.hostPattern(n.name) ?? n.name).join(', ');
      rules.push(bypassRule(exemption.range, text, { unknownConditions: [t('exemption {0} matches server names ({1}), which are known only from the TLS handshake', exemption.id, patterns)] }));
    }
  }
  return rules;
}

/** A built-in profile the file names without writing it: what every FortiGate ships. */
function builtInList(id: string, name: string, range: Range): RuleList | undefined {
  switch (name) {
    case 'certificate-inspection':
    case 'no-inspection':
      return { id, name: t('SSL/SSH inspection profile {0}', name), kind: 'tls-interception', rules: [], defaultInterception: 'bypass', range };
    case 'deep-inspection':
      return {
        id,
        name: t('SSL/SSH inspection profile {0}', name),
        kind: 'tls-interception',
        rules: [bypassRule(range, 'deep-inspection built-in exemptions', { unknownConditions: [t('the built-in deep-inspection profile exempts Fortinet\'s default list of server names and categories, which this file does not show')] })],
        defaultInterception: 'inspect',
        range,
      };
    default:
      return undefined;
  }
}

/** The interception lists of the profiles a VDOM's policies name (written ones and built-in ones), by profile name. */
export function profileLists(scope: FortiScope, resolver: Resolver, hasVdoms: boolean): Map<string, RuleList> {
  const out = new Map<string, RuleList>();
  for (const policy of scope.policies) {
    const member = policy.sslSshProfile;
    if (!member || out.has(member.name)) continue;
    const id = profileListId(scope, member.name, hasVdoms);
    const profile = scope.sslProfiles.get(member.name);
    if (!profile) {
      const builtIn = builtInList(id, member.name, member.range);
      if (builtIn) out.set(member.name, builtIn);
      continue;
    }
    out.set(member.name, {
      id,
      name: t('SSL/SSH inspection profile {0}', profile.name),
      kind: 'tls-interception',
      rules: writtenRules(profile, resolver),
      defaultInterception: profile.deep ? 'inspect' : 'bypass',
      ...(profile.deepRange ? { defaultRange: profile.deepRange } : {}),
      range: profile.range,
    });
  }
  return out;
}
