import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCisco } from '../../../server/src/dialects/cisco/parse';
import { ciscoDialect, ciscoTarget, renderCisco, type CiscoTarget } from '../../../server/src/dialects/cisco';
import { numberedLines, sequenceNumbers } from '../../../server/src/dialects/cisco/render';
import { cidrToInterval, parseCidr, parseIp, type IpInterval } from '../../../server/src/model/address';
import type { AddressMatch, ConfigModel } from '../../../server/src/model/config';
import type { Policy, PolicyEntry } from '../../../server/src/model/policy';

function cidr(text: string): IpInterval {
  const parsed = parseCidr(text);
  assert.ok(parsed.ok, text);
  return cidrToInterval(parsed.value);
}

function ip(text: string): { family: 4 | 6; value: bigint } {
  const parsed = parseIp(text);
  assert.ok(parsed.ok, text);
  return parsed.value;
}

interface Packet {
  protocol: 'tcp' | 'udp';
  source: string;
  destination: string;
  port: number;
}

type Outcome = 'permit' | 'deny' | 'unknown';

function sideMatches(match: AddressMatch | undefined, address: string): boolean | 'unknown' {
  if (match === undefined) return true;
  const a = ip(address);
  const inside = match.intervals.some((iv) => iv.family === a.family && iv.first <= a.value && a.value <= iv.last);
  if (inside !== match.negated) return true;
  return match.unresolved !== undefined ? 'unknown' : false;
}

/** First match wins, implicit deny at the end: how the device walks one ACL, written here independently of the analysis. */
function walk(model: ConfigModel, packet: Packet): { outcome: Outcome; listId: string } {
  const family = ip(packet.source).family;
  const path = model.paths.find((p) => {
    const list = model.ruleLists.find((l) => l.id === p.stages[0]);
    return list !== undefined && (list.families === undefined || list.families.includes(family));
  });
  assert.ok(path, `a bound list for IPv${family}; lists: ${model.ruleLists.map((l) => l.id).join(', ')}`);
  const list = model.ruleLists.find((l) => l.id === path.stages[0])!;
  for (const rule of list.rules) {
    if (rule.protocols !== undefined && !rule.protocols.includes(packet.protocol)) continue;
    const source = sideMatches(rule.sources, packet.source);
    const destination = sideMatches(rule.destinations, packet.destination);
    if (source === false || destination === false) continue;
    if (rule.sourcePorts !== undefined) continue;
    if (rule.destinationPorts !== undefined && !rule.destinationPorts.some((p) => p.from <= packet.port && packet.port <= p.to)) continue;
    if (source === 'unknown' || destination === 'unknown' || rule.unknownConditions !== undefined) return { outcome: 'unknown', listId: list.id };
    return { outcome: rule.action.type === 'accept' ? 'permit' : 'deny', listId: list.id };
  }
  return { outcome: list.defaultAction === 'accept' ? 'permit' : 'deny', listId: list.id };
}

const mailServerV4 = '192.0.2.25';
const mailServerV6 = '2001:db8:25::25';

function entry(label: string, setId: number, protocol: 'tcp' | 'udp', ports: Array<[number, number]>, addresses: string[], urls: string[] = []): PolicyEntry {
  return {
    label,
    origin: { source: 'web-service', instance: 'Worldwide', setId },
    protocol,
    ports: ports.map(([from, to]) => ({ from, to })),
    addresses: addresses.map(cidr),
    urls,
  };
}

const exchangeInbound: Policy = {
  purpose: 'exchange-hybrid',
  title: 'Exchange hybrid: mail flow and EWS from Exchange Online',
  action: 'allow',
  direction: 'inbound',
  instance: 'Worldwide',
  catalogVersion: '2026110100',
  entries: [
    {
      ...entry('set 10 Exchange Online Protection (SMTP)', 10, 'tcp', [[25, 25]], ['40.92.0.0/15', '40.107.0.0/16', '52.100.0.0/14', '104.47.0.0/17', '2a01:111:f400::/48', '2a01:111:f403::/48'], ['*.mail.protection.outlook.com']),
      localAddresses: [cidr(`${mailServerV4}/32`), cidr(`${mailServerV6}/128`)],
    },
    {
      ...entry('set 1 Exchange Online (EWS/MRS)', 1, 'tcp', [[443, 443]], ['13.107.6.152/31', '13.107.18.10/31', '13.107.128.0/22', '40.96.0.0/13', '52.96.0.0/14', '132.245.0.0/16', '2603:1006::/40'], ['outlook.office.com']),
      localAddresses: [cidr(`${mailServerV4}/32`), cidr(`${mailServerV6}/128`)],
    },
  ],
};

const teamsOutbound: Policy = {
  purpose: 'sets-11-12',
  title: 'Teams media and signalling',
  action: 'allow',
  direction: 'outbound',
  instance: 'Worldwide',
  catalogVersion: '2026110100',
  entries: [
    entry('set 11 Teams Optimize', 11, 'udp', [[3478, 3481]], ['52.112.0.0/14', '52.122.0.0/15', '2603:1063::/38']),
    entry('set 12 Teams', 12, 'tcp', [[80, 80], [443, 443]], ['13.107.64.0/18', '52.112.0.0/14', '52.122.0.0/15', '2603:1063::/39'], ['*.teams.microsoft.com', 'teams.microsoft.com']),
  ],
};

/** One packet per policy flow: first and last address of every range, every port range end. */
function policyPackets(policy: Policy): Packet[] {
  const packets: Packet[] = [];
  for (const e of policy.entries) {
    for (const range of e.addresses) {
      for (const value of [range.first, range.last]) {
        const remote = formatValue(range.family, value);
        const local = range.family === 4 ? (policy.direction === 'inbound' ? mailServerV4 : '10.40.1.20') : policy.direction === 'inbound' ? mailServerV6 : '2001:db8:40::20';
        for (const port of e.ports.flatMap((p) => [p.from, p.to])) {
          packets.push(
            policy.direction === 'inbound'
              ? { protocol: e.protocol, source: remote, destination: local, port }
              : { protocol: e.protocol, source: local, destination: remote, port },
          );
        }
      }
    }
  }
  return packets;
}

function formatValue(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((value >> s) & 0xffffn).toString(16));
  return groups.join(':');
}

const asaPreamble = ['ASA Version 9.16(4)', 'hostname fw-test', 'interface GigabitEthernet1/1', ' nameif outside', 'interface GigabitEthernet1/2', ' nameif inside', ''].join('\n');
const iosPreamble = (acl: string, acl6: string, direction: 'in' | 'out'): string =>
  ['version 17.6', 'service timestamps log datetime msec', 'hostname rtr-test', 'interface GigabitEthernet0/0', ' description Internet', ` ip access-group ${acl} ${direction}`, ` ipv6 traffic-filter ${acl6} ${direction}`, '!', ''].join('\n');

function roundTrip(policy: Policy, target: CiscoTarget, preamble: string, binding: string): ConfigModel {
  const block = renderCisco(policy, target);
  const model = parseCisco(preamble + block.text + binding).model;
  assert.deepEqual(model.problems, [], block.text);
  return model;
}

function checkVerdicts(model: ConfigModel, policy: Policy, outsider: Packet): void {
  for (const packet of policyPackets(policy)) {
    assert.equal(walk(model, packet).outcome, 'permit', JSON.stringify(packet));
  }
  assert.equal(walk(model, outsider).outcome, 'deny', JSON.stringify(outsider));
}

test('ASA: Exchange hybrid inbound renders, parses back and permits every flow, nothing else', () => {
  const model = roundTrip(exchangeInbound, { platform: 'asa' }, asaPreamble, 'access-group outside_in in interface outside\n');
  assert.equal(model.paths[0]?.direction, 'inbound');
  checkVerdicts(model, exchangeInbound, { protocol: 'tcp', source: '198.51.100.77', destination: mailServerV4, port: 25 });
  assert.equal(walk(model, { protocol: 'tcp', source: '40.92.0.1', destination: mailServerV4, port: 443 }).outcome, 'deny');
  assert.equal(walk(model, { protocol: 'tcp', source: '40.92.0.1', destination: '192.0.2.26', port: 25 }).outcome, 'deny');
  assert.equal(walk(model, { protocol: 'tcp', source: '2a01:111:f402::1', destination: mailServerV6, port: 25 }).outcome, 'deny');
});

test('ASA: Teams outbound in the unified list, IPv4 and IPv6', () => {
  const model = roundTrip(teamsOutbound, { platform: 'asa' }, asaPreamble, 'access-group inside_in in interface inside\n');
  assert.equal(model.paths[0]?.direction, 'outbound');
  checkVerdicts(model, teamsOutbound, { protocol: 'udp', source: '10.40.1.20', destination: '52.124.0.1', port: 3478 });
  assert.equal(walk(model, { protocol: 'udp', source: '10.40.1.20', destination: '52.112.0.1', port: 3482 }).outcome, 'deny');
  assert.equal(walk(model, { protocol: 'udp', source: '2001:db8:40::20', destination: '2603:1064::1', port: 3478 }).outcome, 'deny');
  // Outside the listed ranges, TCP 443 meets the teams.microsoft.com FQDN object: only the device's own lookup decides.
  assert.equal(walk(model, { protocol: 'tcp', source: '2001:db8:40::20', destination: '2603:1063:200::1', port: 443 }).outcome, 'unknown');
});

test('IOS: Exchange hybrid inbound with object-groups and an ipv6 access-list', () => {
  const model = roundTrip(
    exchangeInbound,
    { platform: 'ios' },
    iosPreamble('EL-EXCHANGE-HYBRID', 'EL-EXCHANGE-HYBRID-V6', 'in'),
    '',
  );
  assert.deepEqual(model.paths.map((p) => p.direction), ['inbound', 'inbound']);
  checkVerdicts(model, exchangeInbound, { protocol: 'tcp', source: '203.0.113.9', destination: mailServerV4, port: 25 });
  assert.equal(walk(model, { protocol: 'tcp', source: '2603:1007::1', destination: mailServerV6, port: 443 }).outcome, 'deny');
});

test('IOS: Teams outbound into an existing named list and a numbered one', () => {
  const named = roundTrip(teamsOutbound, { platform: 'ios', aclId: 'ACL LAN-IN' }, iosPreamble('LAN-IN', 'LAN-IN-V6', 'out'), '');
  checkVerdicts(named, teamsOutbound, { protocol: 'tcp', source: '10.40.1.20', destination: '13.107.128.1', port: 443 });
  const numbered = roundTrip(teamsOutbound, { platform: 'ios', aclId: 'ACL 120' }, iosPreamble('120', 'EL-SETS-11-12-V6', 'out'), '');
  checkVerdicts(numbered, teamsOutbound, { protocol: 'tcp', source: '10.40.1.20', destination: '13.107.128.1', port: 443 });
  const text = renderCisco(teamsOutbound, { platform: 'ios', aclId: 'ACL 120' }).text;
  assert.match(text, /^access-list 120 permit udp any 52\.112\.0\.0 0\.3\.255\.255 range 3478 3481$/m);
  assert.doesNotMatch(text, /object-group/);
});

test('managed block markers, merged prefixes, service groups and netmask vs wildcard form', () => {
  const policy: Policy = {
    ...teamsOutbound,
    entries: [entry('set 12 Teams', 12, 'tcp', [[443, 443], [80, 80], [443, 443]], ['52.112.0.0/15', '52.114.0.0/15', '52.112.4.0/24', '13.107.64.0/18'])],
  };
  const asa = renderCisco(policy, { platform: 'asa' }).text.split('\n');
  assert.equal(asa[0], '! BEGIN endpoint-lens sets-11-12 Worldwide 2026110100');
  assert.equal(asa[asa.length - 2], '! END endpoint-lens sets-11-12');
  assert.equal(asa[asa.length - 1], '');
  assert.ok(asa.includes(' network-object 52.112.0.0 255.252.0.0'));
  assert.ok(asa.includes(' network-object 13.107.64.0 255.255.192.0'));
  assert.equal(asa.filter((l) => l.startsWith(' network-object')).length, 2);
  assert.ok(asa.includes('object-group service EL-SETS-11-12-SET12-TCP tcp'));
  assert.deepEqual(asa.filter((l) => l.startsWith(' port-object')), [' port-object eq 80', ' port-object eq 443']);
  assert.ok(asa.includes('access-list inside_in extended permit tcp any object-group EL-SETS-11-12-SET12 object-group EL-SETS-11-12-SET12-TCP'));
  const ios = renderCisco(policy, { platform: 'ios' }).text.split('\n');
  assert.ok(ios.includes(' 52.112.0.0 255.252.0.0'));
  assert.ok(ios.includes(' permit object-group EL-SETS-11-12-SET12-TCP any object-group EL-SETS-11-12-SET12'));
  const plain = renderCisco(policy, { platform: 'ios', aclId: 'ACL 150' }).text;
  assert.match(plain, /^access-list 150 permit tcp any 52\.112\.0\.0 0\.3\.255\.255 eq 443$/m);
});

test('an existing object-group with the same addresses is reused, not redefined', () => {
  const existing = parseCisco(
    ['ASA Version 9.16(4)', 'object-group network TEAMS-MEDIA', ' network-object 52.112.0.0 255.252.0.0', ' network-object 52.122.0.0 255.254.0.0'].join('\n'),
  ).vendor;
  const target = ciscoTarget(existing);
  const text = renderCisco(teamsOutbound, target).text;
  assert.match(text, /permit udp any object-group TEAMS-MEDIA range 3478 3481/);
  assert.doesNotMatch(text, /object-group network EL-SETS-11-12-SET11\n/);
  assert.equal(target.platform, 'asa');
});

test('URLs become comments that say why, or ASA FQDN objects for exact hosts going out', () => {
  const asa = renderCisco(teamsOutbound, { platform: 'asa' });
  assert.deepEqual(asa.notExpressible, ['*.teams.microsoft.com']);
  assert.match(asa.text, /^! \*\.teams\.microsoft\.com \(set 12 Teams\): access lists match addresses, not names/m);
  assert.match(asa.text, /^object network EL-FQDN-teams\.microsoft\.com\n fqdn teams\.microsoft\.com$/m);
  const parsed = parseCisco(asaPreamble + asa.text + 'access-group inside_in in interface inside\n').model;
  const fqdnRule = parsed.ruleLists[0]!.rules.find((r) => r.text.includes('EL-FQDN'));
  assert.match(fqdnRule?.destinations?.unresolved ?? '', /FQDN/);
  const ios = renderCisco(teamsOutbound, { platform: 'ios' });
  assert.deepEqual(ios.notExpressible, ['*.teams.microsoft.com', 'teams.microsoft.com']);
  assert.doesNotMatch(ios.text, /fqdn/);
});

test('a deny policy renders deny lines', () => {
  const policy: Policy = { ...teamsOutbound, action: 'deny', entries: [entry('set 11', 11, 'udp', [[3478, 3481]], ['52.112.0.0/14'])] };
  const text = renderCisco(policy, { platform: 'asa' }).text;
  assert.match(text, /^access-list inside_in extended deny udp any 52\.112\.0\.0 255\.252\.0\.0 range 3478 3481$/m);
});

test('inbound IPv6 ranges without an IPv6 server address are named in a comment, not dropped silently', () => {
  const policy: Policy = {
    ...exchangeInbound,
    entries: [{ ...exchangeInbound.entries[0]!, localAddresses: [cidr(`${mailServerV4}/32`)] }],
  };
  const block = renderCisco(policy, { platform: 'asa' });
  assert.match(block.text, /The IPv6 addresses are not rendered because no on-premises IPv6 address was given\./);
  assert.ok(block.notExpressible.some((n) => n.endsWith('IPv6')));
});

test('the dialect record renders through the same function', () => {
  assert.equal(ciscoDialect.render(teamsOutbound, { platform: 'asa' }).text, renderCisco(teamsOutbound, { platform: 'asa' }).text);
});

test('IOS: a block placed inside a named list leaves the lines after it in that list', () => {
  const target: CiscoTarget = { platform: 'ios', aclId: 'ACL INSIDE-OUT' };
  const block = renderCisco(teamsOutbound, target).text;
  const text = [
    iosPreamble('INSIDE-OUT', 'INSIDE-OUT-V6', 'out').replace('description Internet', 'description WAN uplink'),
    'ip access-list extended INSIDE-OUT',
    ' permit udp any host 192.0.2.53 eq 53',
    block + ' deny ip any any log',
    '',
  ].join('\n');
  const model = parseCisco(text).model;
  assert.deepEqual(model.problems, []);
  const v4 = model.ruleLists.find((l) => l.id === 'ACL INSIDE-OUT')!;
  const v6 = model.ruleLists.find((l) => l.id === 'IPv6 ACL INSIDE-OUT-V6')!;
  assert.equal(v4.rules[v4.rules.length - 1]!.text, 'deny ip any any log');
  assert.ok(v6.rules.every((r) => r.action.type === 'accept'));
  checkVerdicts(model, teamsOutbound, { protocol: 'udp', source: '10.40.1.20', destination: '52.124.0.1', port: 3478 });
});

test('entries that share a label share one remark', () => {
  const policy: Policy = {
    ...teamsOutbound,
    entries: [entry('set 12 Teams', 12, 'tcp', [[443, 443]], ['52.112.0.0/14']), entry('set 12 Teams', 12, 'udp', [[443, 443]], ['52.112.0.0/14'])],
  };
  const text = renderCisco(policy, { platform: 'asa' }).text;
  assert.equal(text.split('\n').filter((l) => l.includes('remark')).length, 1);
});

test('entries with the same addresses, protocol and ports give one ACL line and one group', () => {
  const policy: Policy = {
    ...exchangeInbound,
    entries: [
      { ...entry('set 1 Exchange Online', 1, 'tcp', [[443, 443]], ['13.107.6.152/31', '13.107.18.10/31']), localAddresses: [cidr(`${mailServerV4}/32`)] },
      { ...entry('row 6 mailbox migration', 6, 'tcp', [[443, 443]], ['13.107.18.10/31', '13.107.6.152/31']), localAddresses: [cidr(`${mailServerV4}/32`)] },
    ],
  };
  const lines = renderCisco(policy, { platform: 'asa' }).text.split('\n');
  assert.equal(lines.filter((l) => l.startsWith('object-group network')).length, 1);
  assert.equal(lines.filter((l) => l.includes(' extended permit ')).length, 1);
  assert.equal(lines.filter((l) => l.includes(' remark ')).length, 1);
});

void test('IOS sequence numbers: steps of 10 where the gap has room, smaller steps where not, none when it is full', () => {
  assert.deepEqual(sequenceNumbers({ after: 20, before: 100 }, 3), [30, 40, 50]);
  assert.deepEqual(sequenceNumbers({ after: 0, before: 10 }, 3), [2, 4, 6]);
  assert.deepEqual(sequenceNumbers({ after: 10, before: 20 }, 9), [11, 12, 13, 14, 15, 16, 17, 18, 19]);
  assert.equal(sequenceNumbers({ after: 20, before: 21 }, 1), undefined);
  assert.deepEqual(sequenceNumbers({ after: 40 }, 2), [50, 60]);
});

void test('remarks stay within 100 characters and descriptions within 200, cut between words only', () => {
  const words = Array.from({ length: 60 }, (_v, i) => `word${i}`).join(' ');
  const policy: Policy = { ...teamsOutbound, entries: [entry(words, 12, 'tcp', [[443, 443]], ['52.112.0.0/14', '52.122.0.0/15'])] };
  const lines = renderCisco(policy, { platform: 'asa' }).text.split('\n');
  const remark = lines.find((l) => l.includes(' remark '))!.replace(/^access-list \S+ remark /, '');
  const description = lines.find((l) => l.startsWith(' description '))!.replace(/^ description /, '');
  for (const [text, limit] of [[remark, 100], [description, 200]] as const) {
    assert.ok(text.length <= limit, text);
    assert.ok(text.endsWith('…'));
    assert.ok(words.startsWith(text.slice(0, -1)) && words[text.length - 1] === ' ', `${text} ends at a word`);
  }
});

void test('entries of an IOS named list take the numbers of their gap; remarks give way to comments when the gap is small', () => {
  const lines = [' remark set 12 Teams', ' permit tcp any 52.112.0.0 0.3.255.255 eq 443'];
  assert.deepEqual(numberedLines(lines, { after: 20, before: 100 }, false), [' 30 remark set 12 Teams', ' 40 permit tcp any 52.112.0.0 0.3.255.255 eq 443']);
  assert.deepEqual(numberedLines(lines, { after: 20, before: 22 }, false), ['! set 12 Teams', ' 21 permit tcp any 52.112.0.0 0.3.255.255 eq 443']);
  assert.equal(numberedLines(lines, { after: 20, before: 21 }, false), undefined);
});

void test('entries for an IOS IPv6 list are numbered with sequence N; its remarks are comments', () => {
  const numbered = numberedLines([' remark set 11 Teams', ' permit udp any 2603:1063::/38 range 3478 3481'], { after: 10, before: 100 }, true)!;
  assert.deepEqual(numbered, ['! set 11 Teams', ' sequence 20 permit udp any 2603:1063::/38 range 3478 3481']);
  const model = parseCisco(`ipv6 access-list LAN6-IN\n sequence 10 permit udp any any eq domain\n${numbered.join('\n')}\n sequence 100 deny ipv6 any any\n`).model;
  assert.deepEqual(model.problems, []);
  assert.deepEqual(model.ruleLists.find((l) => l.id === 'IPv6 ACL LAN6-IN')!.rules.map((r) => r.action.type), ['accept', 'accept', 'drop']);
});
