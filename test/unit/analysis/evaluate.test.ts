import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateFlow } from '../../../server/src/analysis/evaluate';
import { classifyCondition } from '../../../server/src/model/match';
import { cidrToInterval, formatInterval, parseCidr, type IpInterval } from '../../../server/src/model/address';
import type { AddressMatch, ConfigModel, Rule, RuleAction, RuleList } from '../../../server/src/model/config';
import type { Flow } from '../../../server/src/model/policy';

const R = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };

function cidr(text: string): IpInterval {
  const c = parseCidr(text);
  if (!c.ok) throw new Error(text);
  return cidrToInterval(c.value);
}

function match(...cidrs: string[]): AddressMatch {
  return { referenceIds: [], intervals: cidrs.map(cidr), negated: false };
}

function rule(action: RuleAction, extra: Partial<Rule> = {}): Rule {
  return { range: R, actionRange: R, action, text: '', ...extra };
}

function list(id: string, rules: Rule[], defaultAction?: 'accept' | 'drop'): RuleList {
  return { id, name: id, kind: 'packet-filter', rules, range: R, ...(defaultAction ? { defaultAction } : {}) };
}

function model(lists: RuleList[], paths: Array<{ id: string; stages: string[]; direction?: 'inbound' | 'outbound' | 'forward' }>): ConfigModel {
  return { dialect: 'iptables', references: [], ruleLists: lists, paths: paths.map((p) => ({ name: p.id, range: R, ...p })), problems: [], comments: [] };
}

const teams: Flow = {
  origin: { source: 'web-service', instance: 'Worldwide', setId: 11 },
  direction: 'outbound',
  protocol: 'udp',
  ports: [{ from: 3478, to: 3481 }],
  remote: { kind: 'addresses', intervals: [cidr('52.112.0.0/14')] },
};

function summary(m: ConfigModel, flow: Flow): string[] {
  return evaluateFlow(m, flow).flatMap((p) =>
    p.outcomes.map(
      (o) =>
        `${p.path.id} ${o.value} ${o.region.intervals.map(formatInterval).join(',')} ${o.region.ports.map((x) => `${x.from}-${x.to}`).join(',')} @${o.decidedBy ? `${o.decidedBy.listId}#${o.decidedBy.ruleIndex}` : '-'}`,
    ),
  );
}

test('a rule that matches half of a prefix splits the flow', () => {
  const m = model([list('filter:OUTPUT', [rule({ type: 'accept' }, { destinations: match('52.112.0.0/15') })], 'drop')], [{ id: 'out', stages: ['filter:OUTPUT'], direction: 'outbound' }]);
  assert.deepEqual(summary(m, teams).sort(), [
    'out allowed 52.112.0.0/15 3478-3481 @filter:OUTPUT#0',
    'out blocked 52.114.0.0/15 3478-3481 @filter:OUTPUT#-1',
  ]);
});

test('ports are split as well as addresses', () => {
  const m = model([list('c', [rule({ type: 'accept' }, { protocols: ['udp'], destinationPorts: [{ from: 3478, to: 3479 }] })], 'drop')], [{ id: 'p', stages: ['c'] }]);
  assert.deepEqual(summary(m, teams).sort(), ['p allowed 52.112.0.0/14 3478-3479 @c#0', 'p blocked 52.112.0.0/14 3480-3481 @c#-1']);
});

test('jump, RETURN and fall-through come back to the calling chain', () => {
  const m = model(
    [
      list('filter:OUTPUT', [rule({ type: 'jump', target: 'M365' }), rule({ type: 'drop' })], 'accept'),
      list('M365', [rule({ type: 'return' }, { destinations: match('52.113.0.0/16') }), rule({ type: 'accept' }, { destinations: match('52.112.0.0/14') })]),
    ],
    [{ id: 'out', stages: ['filter:OUTPUT'], direction: 'outbound' }],
  );
  assert.deepEqual(summary(m, teams).sort(), [
    'out allowed 52.112.0.0/16,52.114.0.0/15 3478-3481 @M365#1',
    'out blocked 52.113.0.0/16 3478-3481 @filter:OUTPUT#1',
  ].sort());
});

test('nftables stages: accept ends one base chain only, drop is final', () => {
  const m = model(
    [list('inet a:output', [rule({ type: 'accept' })], 'accept'), list('inet b:output', [rule({ type: 'drop' }, { destinations: match('52.112.0.0/16') })], 'accept')],
    [{ id: 'hook output', stages: ['inet a:output', 'inet b:output'], direction: 'outbound' }],
  );
  assert.deepEqual(summary(m, teams).sort(), [
    'hook output allowed 52.113.0.0-52.115.255.255 3478-3481 @inet b:output#-1',
    'hook output blocked 52.112.0.0/16 3478-3481 @inet b:output#0',
  ]);
});

test('protocol and loopback rules do not match; established-only accepts do not let a new connection out', () => {
  const m = model(
    [
      list(
        'filter:OUTPUT',
        [
          rule({ type: 'accept' }, { protocols: ['tcp'] }),
          rule({ type: 'accept' }, { unknownConditions: ['out-interface lo'] }),
          rule({ type: 'accept' }, { unknownConditions: ['conntrack state ESTABLISHED,RELATED'] }),
        ],
        'drop',
      ),
    ],
    [{ id: 'out', stages: ['filter:OUTPUT'], direction: 'outbound' }],
  );
  assert.deepEqual(summary(m, teams), ['out blocked 52.112.0.0/14 3478-3481 @filter:OUTPUT#-1']);
});

test('an unresolved set makes the verdict unknown only where the outcomes differ', () => {
  const unresolved: AddressMatch = { referenceIds: [], intervals: [], negated: false, unresolved: 'ipset m365 has no members in this file' };
  const m = model([list('c', [rule({ type: 'accept' }, { destinations: unresolved })], 'drop')], [{ id: 'p', stages: ['c'] }]);
  const [only] = evaluateFlow(m, teams);
  assert.equal(only?.outcomes.length, 1);
  assert.equal(only?.outcomes[0]?.value, 'unknown');
  assert.match(only?.outcomes[0]?.reason ?? '', /ipset m365/);
  const m2 = model([list('c', [rule({ type: 'drop' }, { destinations: unresolved })], 'drop')], [{ id: 'p', stages: ['c'] }]);
  assert.equal(evaluateFlow(m2, teams)[0]?.outcomes[0]?.value, 'blocked');
});

test('negated destination and inbound direction use the right side', () => {
  const inbound: Flow = { ...teams, direction: 'inbound', protocol: 'tcp', ports: [{ from: 25, to: 25 }], remote: { kind: 'addresses', intervals: [cidr('40.92.0.0/15')] } };
  const neg: AddressMatch = { ...match('40.92.0.0/16'), negated: true };
  const m = model([list('filter:INPUT', [rule({ type: 'drop' }, { sources: neg })], 'accept')], [{ id: 'in', stages: ['filter:INPUT'], direction: 'inbound' }]);
  assert.deepEqual(summary(m, inbound).sort(), ['in allowed 40.92.0.0/16 25-25 @filter:INPUT#-1', 'in blocked 40.93.0.0/16 25-25 @filter:INPUT#0']);
  assert.deepEqual(summary(m, teams), [], 'an inbound-only path does not see outbound flows');
});

test('a jump loop ends as unknown instead of hanging', () => {
  const m = model([list('A', [rule({ type: 'jump', target: 'B' })], 'drop'), list('B', [rule({ type: 'jump', target: 'A' })])], [{ id: 'p', stages: ['A'] }]);
  const outcome = evaluateFlow(m, teams)[0]?.outcomes[0];
  assert.equal(outcome?.value, 'unknown');
});

test('conditions are classified the way a new connection meets them', () => {
  assert.equal(classifyCondition('ct state new'), 'matches');
  assert.equal(classifyCondition('ct state established,related'), 'never');
  assert.equal(classifyCondition('oifname "lo"'), 'never');
  assert.equal(classifyCondition('-o eth0'), 'matches');
  assert.equal(classifyCondition('time 09:00-17:00'), 'uncertain');
});

test('a base chain of one family lets the other family pass by on the same hook', () => {
  const v4only: RuleList = { ...list('ip fw:output', [], 'drop'), families: [4] };
  const both = list('inet late:output', [], 'accept');
  const m = model([v4only, both], [{ id: 'hook:output', stages: ['ip fw:output', 'inet late:output'], direction: 'outbound' }]);
  const dual: Flow = { ...teams, remote: { kind: 'addresses', intervals: [cidr('52.112.0.0/14'), cidr('2603:1063::/38')] } };
  assert.deepEqual(summary(m, dual).sort(), ['hook:output allowed 2603:1063::/38 3478-3481 @inet late:output#-1', 'hook:output blocked 52.112.0.0/14 3478-3481 @ip fw:output#-1']);
});

/** Inbound SMTP from Exchange Online Protection to a server, over a gateway whose destination NAT sends it on. */
function natGateway(): ConfigModel {
  const nat: RuleList = {
    ...list('nat:PREROUTING', [
      rule({ type: 'dnat', to: [cidr('10.1.1.25/32')] }, { protocols: ['tcp'], destinations: match('203.0.113.25/32'), destinationPorts: [{ from: 25, to: 25 }] }),
      rule({ type: 'dnat', to: [cidr('10.1.1.30/32')] }, { protocols: ['tcp'], destinations: match('203.0.113.26/32'), destinationPorts: [{ from: 25, to: 25 }] }),
    ], 'accept'),
    kind: 'destination-nat',
    families: [4],
  };
  const forward = list('filter:FORWARD', [], 'drop');
  const input = list('filter:INPUT', [], 'drop');
  return { ...model([nat, forward, input], [{ id: 'fwd', stages: ['filter:FORWARD'], direction: 'forward' }, { id: 'in', stages: ['filter:INPUT'], direction: 'inbound' }]), prerouting: ['nat:PREROUTING'] };
}

const smtpIn = (local: string[], remote = ['40.92.0.0/15']): Flow => ({
  origin: { source: 'web-service', instance: 'Worldwide', setId: 10 },
  direction: 'inbound',
  protocol: 'tcp',
  ports: [{ from: 25, to: 25 }],
  remote: { kind: 'addresses', intervals: remote.map(cidr) },
  local: local.map(cidr),
});

function routes(m: ConfigModel, flow: Flow): string[] {
  return evaluateFlow(m, flow)
    .map((p) => `${p.path.id} local=${(p.flow.local ?? []).map(formatInterval).join(',')} ${p.outcomes.some((o) => o.translatedBy) ? 'translated' : 'as sent'}`)
    .sort();
}

test('destination NAT: a server given by its public address or by its inside address is reached on the forward path, translated', () => {
  const m = natGateway();
  assert.deepEqual(routes(m, smtpIn(['203.0.113.25/32'])), ['fwd local=10.1.1.25/32 translated']);
  // The inside address is reached only through the rule that translates to it, not through the one for another server.
  assert.deepEqual(routes(m, smtpIn(['10.1.1.25/32'])), ['fwd local=10.1.1.25/32 translated']);
  // Both addresses at once say the same thing once.
  assert.deepEqual(routes(m, smtpIn(['203.0.113.25/32', '10.1.1.25/32'])), ['fwd local=10.1.1.25/32 translated']);
  // Traffic no rule sends to the inside address reaches it by no path at all.
  assert.deepEqual(routes(m, { ...smtpIn(['10.1.1.25/32']), ports: [{ from: 443, to: 443 }] }), []);
  // Traffic to the public address that is not translated stays with this host.
  assert.deepEqual(routes(m, { ...smtpIn(['203.0.113.25/32']), ports: [{ from: 443, to: 443 }] }), ['fwd local=203.0.113.25/32 as sent', 'in local=203.0.113.25/32 as sent']);
});

test('destination NAT of one family leaves the other family as it was sent', () => {
  const m = natGateway();
  const dual = smtpIn(['203.0.113.25/32', '2001:db8::25/128'], ['40.92.0.0/15', '2a01:111:f400::/48']);
  const outcomes = evaluateFlow(m, dual).flatMap((p) => p.outcomes.map((o) => `${p.path.id} ${o.region.intervals.map(formatInterval).join(',')} ${o.translatedBy ? 'translated' : 'as sent'}`));
  assert.ok(outcomes.includes('fwd 40.92.0.0/15 translated'), outcomes.join('\n'));
  assert.ok(!outcomes.some((o) => o.includes('2a01:') && o.endsWith('translated')), 'IPv6 is not translated by an IPv4 rule');
});
