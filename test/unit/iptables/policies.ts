// Policies the render tests share: what the catalogue commands produce for Teams media, Exchange
// Online web traffic, Exchange hybrid mail flow, and a long list that needs an ipset.
import { cidrToInterval, parseCidr, type IpInterval } from '../../../server/src/model/address';
import type { Policy, PolicyEntry } from '../../../server/src/model/policy';
import type { TestFlow } from './walk';

export function cidrs(...texts: string[]): IpInterval[] {
  return texts.map((text) => {
    const parsed = parseCidr(text);
    if (!parsed.ok) throw new Error(`bad test CIDR ${text}`);
    return cidrToInterval(parsed.value);
  });
}

const teams: PolicyEntry = {
  label: 'set 11 Teams Optimize',
  origin: { source: 'web-service', instance: 'Worldwide', setId: 11 },
  protocol: 'udp',
  ports: [{ from: 3478, to: 3481 }],
  addresses: cidrs('13.107.64.0/18', '52.112.0.0/14', '52.122.0.0/15', '52.112.0.0/16', '2603:1063::/38'),
  urls: [],
};
const exchange: PolicyEntry = {
  label: 'set 1 Exchange Online Optimize',
  origin: { source: 'web-service', instance: 'Worldwide', setId: 1 },
  protocol: 'tcp',
  ports: [{ from: 443, to: 443 }, { from: 80, to: 80 }],
  addresses: cidrs('13.107.6.152/31', '13.107.18.10/31', '13.107.128.0/22', '23.103.160.0/20', '40.96.0.0/13', '40.104.0.0/15', '52.96.0.0/14', '2603:1006::/40', '2603:1016::/36'),
  urls: ['outlook.office.com', 'outlook.office365.com'],
};
const teamsTcp: PolicyEntry = { ...teams, label: 'set 11 Teams Optimize (TCP)', protocol: 'tcp', ports: [{ from: 443, to: 443 }, { from: 80, to: 80 }], addresses: cidrs('52.112.0.0/14') };

export const TEAMS_AND_EXCHANGE: Policy = {
  purpose: 'sets-1-11',
  title: 'Microsoft 365 Optimize: Exchange Online and Teams',
  action: 'allow',
  direction: 'outbound',
  instance: 'Worldwide',
  catalogVersion: '2026110100',
  entries: [teams, exchange, teamsTcp],
};

export const EXCHANGE_HYBRID: Policy = {
  purpose: 'exchange-hybrid',
  title: 'Exchange hybrid: mail flow from Exchange Online Protection',
  action: 'allow',
  direction: 'inbound',
  instance: 'Worldwide',
  catalogVersion: '2026110100',
  entries: [
    {
      label: 'row 6 EOP mail flow',
      origin: { source: 'other-endpoints', row: 6 },
      protocol: 'tcp',
      ports: [{ from: 25, to: 25 }],
      addresses: cidrs('40.92.0.0/15', '40.107.0.0/16', '52.100.0.0/14', '104.47.0.0/17', '2a01:111:f400::/48', '2a01:111:f403::/48'),
      urls: ['*.mail.protection.outlook.com'],
    },
  ],
};

/** 30 separate /24s: more than the renderers put on individual rules. */
export const LONG_LIST: Policy = {
  purpose: 'graph-notifications',
  title: 'Microsoft Graph change notifications',
  action: 'allow',
  direction: 'inbound',
  instance: 'Worldwide',
  catalogVersion: '2026110100',
  entries: [
    {
      label: 'row 23 Graph change notifications',
      origin: { source: 'other-endpoints', row: 23 },
      protocol: 'tcp',
      ports: [{ from: 443, to: 443 }],
      addresses: cidrs(...Array.from({ length: 30 }, (_, k) => `20.${20 + k * 2}.1.0/24`)),
      urls: [],
    },
  ],
};

export const POLICIES: Policy[] = [TEAMS_AND_EXCHANGE, EXCHANGE_HYBRID, LONG_LIST];

/** Every flow of a policy: first and last address of each interval, first and last port of each range. */
export function policyFlows(policy: Policy): TestFlow[] {
  const flows: TestFlow[] = [];
  for (const entry of policy.entries) {
    for (const interval of entry.addresses) {
      for (const remote of new Set([interval.first, interval.last])) {
        for (const range of entry.ports) {
          for (const port of new Set([range.from, range.to])) {
            flows.push({ direction: policy.direction, protocol: entry.protocol, port, family: interval.family, remote });
          }
        }
      }
    }
  }
  return flows;
}
