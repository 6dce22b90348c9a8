// Where the iptables write path puts what it writes, on small files that each isolate one case:
// the chain the flow is decided in, the LOG rules in front of a drop, shell loops, -I, restore
// here-documents, ipsets that already hold part of a set, destination NAT, one-family save files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iptablesDialect } from '../../../server/src/dialects/iptables';
import { policyDecisions } from '../../../server/src/analysis/decisions';
import { cidrToInterval, parseCidr } from '../../../server/src/model/address';
import type { Policy } from '../../../server/src/model/policy';
import { buildPolicies, type PolicyRequest } from '../../../server/src/policies';
import { planPolicy, type PolicyPlan } from '../../../server/src/render/plan';
import { shippedCatalog } from '../policies/shipped';

const catalog = shippedCatalog('Worldwide');
const GATEWAYS = join(__dirname, '..', '..', 'fixtures', 'gateways', 'iptables');

function policy(request: PolicyRequest): Policy {
  const result = buildPolicies(catalog, request);
  assert.ok(result.ok && result.policies[0], result.ok ? '' : result.errors.join());
  return result.policies[0];
}

const SET_64 = (): Policy => policy({ policy: 'sets', setIds: [64], serviceAreas: [], categories: [], includeOptional: false });
const MAIL_FLOW = (server: string): Policy => policy({ policy: 'exchange-hybrid', features: ['mail-flow'], serverAddresses: [server] });

function plan(text: string, p: Policy, fileName = 'rules'): PolicyPlan {
  return planPolicy({ text, dialect: iptablesDialect, parseContext: { fileName }, catalog }, p);
}

/** The verdicts the evaluator gives the policy's flows in a text: every one must be "allowed" after an edit. */
function verdicts(text: string, p: Policy, fileName = 'rules'): string[] {
  const model = iptablesDialect.parse(text, { fileName }).model;
  return [...new Set(policyDecisions(model, p, catalog).map((d) => d.outcome.value))];
}

/** The lines of a text that are not the user's: what the plan wrote. */
function written(before: string, after: string): string[] {
  const own = new Set(before.split('\n'));
  return after.split('\n').filter((l) => !own.has(l));
}

function lineAfterBlock(text: string): string {
  const lines = text.split('\n');
  return lines[lines.findIndex((l) => l.startsWith('# END endpoint-lens')) + 1]!;
}

const save = (chains: string, rules: string): string => `*filter\n${chains}\n${rules}\nCOMMIT\n`;

void test('a host firewall gets the rules in OUTPUT, a gateway in FORWARD: where the flow is decided', () => {
  const host = save(':INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]', '-A OUTPUT -o lo -j ACCEPT\n-A OUTPUT -j REJECT');
  const hostPlan = plan(host, SET_64());
  assert.ok(written(host, hostPlan.newText).filter((l) => l.startsWith('-A')).every((l) => l.startsWith('-A OUTPUT ')));
  assert.equal(lineAfterBlock(hostPlan.newText), '-A OUTPUT -j REJECT');
  const gateway = save(':INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]', '-A FORWARD -s 10.0.0.0/8 -p udp --dport 53 -j ACCEPT\n-A FORWARD -j REJECT');
  const gatewayPlan = plan(gateway, SET_64());
  const rules = written(gateway, gatewayPlan.newText).filter((l) => l.startsWith('-A'));
  assert.ok(rules.length > 0 && rules.every((l) => l.startsWith('-A FORWARD ')), 'OUTPUT already accepts; FORWARD is where it is stopped');
  assert.deepEqual(verdicts(gatewayPlan.newText, SET_64()), ['allowed']);
});

void test('a user chain reached by a jump gets the rules in front of its own decision; a shared log-and-drop chain is left alone', () => {
  const text = readFileSync(join(GATEWAYS, 'branch-gateway.rules'), 'utf8');
  const planned = plan(text, SET_64());
  assert.equal(lineAfterBlock(planned.newText), '-A LAN_OUT -j LOGDROP');
  assert.ok(written(text, planned.newText).filter((l) => l.startsWith('-A')).every((l) => l.startsWith('-A LAN_OUT ')));
  assert.deepEqual(verdicts(planned.newText, SET_64()), ['allowed']);
  // The INPUT path also ends in LOGDROP: its caller (INPUT) gets inbound rules, LOGDROP never does.
  const graph = policy({ policy: 'graph-notifications', serverAddresses: [] });
  const inbound = plan(text, graph);
  assert.equal(lineAfterBlock(inbound.newText), '-A INPUT -j LOGDROP');
});

void test('the LOG rule that records a drop stays behind the new rules; other rules that decide nothing are not stepped over', () => {
  const logged = save(':OUTPUT DROP [0:0]', '-A OUTPUT -o lo -j ACCEPT\n-A OUTPUT -m limit --limit 5/min -j LOG --log-prefix "out-drop: "\n-A OUTPUT -j DROP');
  const a = plan(logged, SET_64());
  assert.equal(lineAfterBlock(a.newText), '-A OUTPUT -m limit --limit 5/min -j LOG --log-prefix "out-drop: "');
  assert.match(a.summary, /before the logging rule on line 4 of OUTPUT \(filter\), so that it logs only what is still dropped/);
  const byPolicy = save(':FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]', '-A FORWARD -s 10.0.0.0/8 -p udp --dport 53 -j ACCEPT\n-A FORWARD -j NFLOG --nflog-prefix "fwd"');
  assert.equal(lineAfterBlock(plan(byPolicy, SET_64()).newText), '-A FORWARD -j NFLOG --nflog-prefix "fwd"', 'the policy decides; the NFLOG at the end logs what it drops');
  // MSS clamping must see the accepted connections too: the block goes after it.
  const clamp = save(':FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]', '-A FORWARD -s 10.0.0.0/8 -p udp --dport 53 -j ACCEPT\n-A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu');
  const c = plan(clamp, SET_64());
  assert.match(c.newText, /-j TCPMSS --clamp-mss-to-pmtu\n# BEGIN endpoint-lens sets-64 /);
  assert.deepEqual(verdicts(c.newText, SET_64()), ['allowed']);
});

void test('a deciding rule inside a shell loop: the block goes in front of the loop, never into it', () => {
  const text = [
    '#!/bin/sh',
    'iptables -P OUTPUT DROP',
    'for ipt in iptables ip6tables; do',
    '    $ipt -A OUTPUT -o lo -j ACCEPT',
    '    $ipt -A OUTPUT -j REJECT',
    'done',
    '',
  ].join('\n');
  const planned = plan(text, SET_64(), 'firewall.sh');
  assert.match(planned.newText, /# END endpoint-lens sets-64\nfor ipt in iptables ip6tables; do\n/);
  assert.match(planned.summary, /before the loop on line 3, whose rule on line 5 decides/);
  assert.equal(planned.newText.match(/^# BEGIN /gm)?.length, 1, 'one block: the loop would run a block inside it once per family');
  assert.deepEqual(verdicts(planned.newText, SET_64(), 'firewall.sh'), ['allowed']);
});

void test('a deciding rule put in with -I: the new rules follow it, put in front of it the same way', () => {
  const text = '#!/bin/sh\niptables -A OUTPUT -d 10.0.0.53 -p udp --dport 53 -j ACCEPT\niptables -I OUTPUT 1 -o eth0 -j DROP\niptables -I OUTPUT 1 -o lo -j ACCEPT\n';
  const planned = plan(text, SET_64(), 'firewall.sh');
  const rules = written(text, planned.newText).filter((l) => l.startsWith('iptables '));
  assert.ok(rules.length > 0 && rules.every((l) => l.startsWith('iptables -I OUTPUT 1 ')), rules.join('\n'));
  assert.match(planned.newText, /-o eth0 -j DROP\n# BEGIN endpoint-lens sets-64 /);
  assert.deepEqual(verdicts(planned.newText, SET_64(), 'firewall.sh'), ['allowed']);
});

void test('rules iptables-restore reads from a here-document of a script get save lines there; the script keeps its own command word', () => {
  const text = [
    '#!/bin/sh',
    'IPT=/usr/sbin/iptables',
    '$IPT -P INPUT DROP',
    '$IPT -A INPUT -i lo -j ACCEPT',
    '$IPT -A INPUT -j DROP',
    'iptables-restore --noflush <<EOF',
    '*filter',
    ':OUTPUT DROP [0:0]',
    '-A OUTPUT -o lo -j ACCEPT',
    '-A OUTPUT -j REJECT',
    'COMMIT',
    'EOF',
    '',
  ].join('\n');
  const out = plan(text, SET_64(), 'firewall.sh');
  assert.match(out.newText, /^-A OUTPUT -p tcp -d 13\.107\.6\.192\/32 --dport 443 /m);
  assert.equal(lineAfterBlock(out.newText), '-A OUTPUT -j REJECT');
  assert.deepEqual(verdicts(out.newText, SET_64(), 'firewall.sh'), ['allowed']);
  const inbound = plan(text, policy({ policy: 'graph-notifications', serverAddresses: [] }), 'firewall.sh');
  assert.match(inbound.newText, /^\$IPT -A INPUT -p tcp /m, 'the command word of the rules around the decision');
});

void test('an ipset that already holds part of a set gets the missing members, in the file\'s own form, and no new rules', () => {
  const text = readFileSync(join(GATEWAYS, 'ipset-egress.sh'), 'utf8');
  const exchange = policy({ policy: 'sets', setIds: [1], serviceAreas: [], categories: [], includeOptional: false });
  const planned = plan(text, exchange, 'ipset-egress.sh');
  assert.deepEqual(written(text, planned.newText), ['# endpoint-lens sets-1: set 1 (2026081400)', 'ipset add m365-exo 52.96.0.0/14 -exist', 'ipset add m365-exo 150.171.32.0/22 -exist']);
  assert.match(planned.summary, /Added 2 prefixes to the ipset m365-exo after line 18/);
  assert.deepEqual(verdicts(planned.newText, exchange, 'ipset-egress.sh'), ['allowed']);
  const teams = policy({ policy: 'sets', setIds: [11], serviceAreas: [], categories: [], includeOptional: false });
  const restored = plan(text, teams, 'ipset-egress.sh');
  assert.match(restored.newText, /add m365-teams 52\.112\.0\.0\/14\n# endpoint-lens sets-11: set 11 \(2026081400\)\nadd m365-teams 52\.122\.0\.0\/15\nSETS\n/, 'inside the ipset restore here-document');
});

void test('adjacent missing prefixes go into the ipset as one', () => {
  const text = '#!/bin/sh\nipset create web hash:net\nipset add web 192.0.2.0/24\niptables -P OUTPUT DROP\niptables -A OUTPUT -p tcp --dport 443 -m set --match-set web dst -j ACCEPT\n';
  const cidr = (c: string): ReturnType<typeof cidrToInterval> => {
    const parsed = parseCidr(c);
    assert.ok(parsed.ok);
    return cidrToInterval(parsed.value);
  };
  const own: Policy = {
    purpose: 'web',
    title: 'web',
    action: 'allow',
    direction: 'outbound',
    instance: 'Worldwide',
    catalogVersion: '2026081400',
    entries: [{ label: 'set 64', origin: { source: 'web-service', instance: 'Worldwide', setId: 64 }, protocol: 'tcp', ports: [{ from: 443, to: 443 }], addresses: [cidr('192.0.2.0/24'), cidr('198.51.100.0/25'), cidr('198.51.100.128/25')], urls: [] }],
  };
  const planned = plan(text, own, 'firewall.sh');
  assert.deepEqual(written(text, planned.newText), ['# endpoint-lens web: set 64 (2026081400)', 'ipset add web 198.51.100.0/24']);
});

void test('an ipset is not extended when that would change other traffic or not last: a timeout, a drop that uses it, members added in a loop', () => {
  const exchange = policy({ policy: 'sets', setIds: [1], serviceAreas: [], categories: [], includeOptional: false });
  const base = (create: string, adds: string, extra = ''): string =>
    `#!/bin/sh\n${create}\n${adds}\niptables -P OUTPUT DROP\n${extra}iptables -A OUTPUT -p tcp -m multiport --dports 80,443 -m set --match-set exo dst -j ACCEPT\niptables -A OUTPUT -p udp --dport 443 -m set --match-set exo dst -j ACCEPT\n`;
  const adds = 'ipset add exo 40.96.0.0/13\nipset add exo 40.104.0.0/15';
  const cases = {
    timeout: base('ipset create exo hash:net timeout 3600', adds),
    drop: base('ipset create exo hash:net', adds, 'iptables -A INPUT -m set --match-set exo src -j DROP\n'),
    loop: base('ipset create exo hash:net', 'for net in 40.96.0.0/13 40.104.0.0/15; do\n    ipset add exo $net\ndone'),
  };
  for (const [name, text] of Object.entries(cases)) {
    const planned = plan(text, exchange, 'firewall.sh');
    assert.ok(!written(text, planned.newText).some((l) => l.startsWith('ipset add exo')), `${name}: no member added`);
    assert.match(planned.newText, /# BEGIN endpoint-lens sets-1 /, `${name}: a block instead`);
    assert.deepEqual(verdicts(planned.newText, exchange, 'firewall.sh'), ['allowed'], name);
  }
});

const DNAT = readFileSync(join(GATEWAYS, 'dnat-exchange.rules'), 'utf8');

void test('inbound rules for a server behind destination NAT go to FORWARD, match its inside address and say why, by either address', () => {
  for (const server of ['203.0.113.25', '10.1.1.25']) {
    const planned = plan(DNAT, MAIL_FLOW(server));
    const rules = written(DNAT, planned.newText).filter((l) => l.startsWith('-A'));
    assert.ok(rules.length === 4 && rules.every((l) => l.startsWith('-A FORWARD -p tcp -s ') && l.includes(' -d 10.1.1.25/32 --dport 25 ')), `${server}: ${rules.join('\n')}`);
    assert.match(planned.newText, /^# Destination NAT on line 7 \(PREROUTING \(nat\)\) sends this traffic on to the server, so these rules match the translated address on the forward path\.$/m);
    assert.deepEqual(verdicts(planned.newText, MAIL_FLOW(server)), ['allowed'], server);
  }
  // Without the DNAT rules the same insert goes to this host's own INPUT.
  const undone = DNAT.replace(/^-A PREROUTING .*\n/gm, '');
  assert.ok(written(undone, plan(undone, MAIL_FLOW('203.0.113.25')).newText).some((l) => l.startsWith('-A INPUT ')));
});

void test('traffic destination NAT does not send to the server is not placed anywhere, and the plan says why', () => {
  const planned = plan(DNAT, policy({ policy: 'exchange-hybrid', features: ['mailbox-migration'], serverAddresses: ['10.1.1.30'] }));
  assert.deepEqual(planned.edits, []);
  assert.match(planned.summary, /destination NAT \(line 9\) sends none of this traffic \(TCP 443\) to the server, so no filter rule can let it reach it; add a DNAT rule for it first/);
});

void test('a save file of one family: the other family is one pointer line; a policy with nothing of its family is not placed', () => {
  const v6 = `# Generated by ip6tables-save\n${save(':INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]', '-A OUTPUT -o lo -j ACCEPT')}`;
  const planned = plan(v6, SET_64(), 'rules.v6');
  assert.deepEqual(written(v6, planned.newText).filter((l) => l.startsWith('# IPv4')), ['# IPv4: 2 prefixes belong in the iptables rules; insert "sets-64" there too: 13.107.6.192/32 13.107.9.192/32']);
  assert.ok(written(v6, planned.newText).some((l) => l.startsWith('-A OUTPUT -p tcp -d 2620:1ec:4::192/128 ')));
  const v4 = save(':INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]', '-A INPUT -i lo -j ACCEPT');
  const nothing = plan(v4, MAIL_FLOW('2001:db8::25'), 'rules.v4');
  assert.deepEqual(nothing.edits, []);
  assert.match(nothing.summary, /no IPv4 server address was given, and this file holds IPv4 rules only/);
});

void test('a rule fragment without *filter gets its rules in front of the one that decides, as -A lines', () => {
  const fragment = '-A OUTPUT -o lo -j ACCEPT\n-A OUTPUT -j REJECT\n';
  const planned = plan(fragment, SET_64(), 'egress.rules');
  assert.equal(lineAfterBlock(planned.newText), '-A OUTPUT -j REJECT');
  assert.doesNotMatch(planned.newText, /^\*filter|^COMMIT/m);
  assert.deepEqual(verdicts(planned.newText, SET_64(), 'egress.rules'), ['allowed']);
});

void test('inserting again what an ipset edit let through changes nothing, and says that the ipset holds it', () => {
  const text = readFileSync(join(GATEWAYS, 'ipset-egress.sh'), 'utf8');
  const exchange = policy({ policy: 'sets', setIds: [1], serviceAreas: [], categories: [], includeOptional: false });
  const once = plan(text, exchange, 'ipset-egress.sh').newText;
  const twice = plan(once, exchange, 'ipset-egress.sh');
  assert.deepEqual(twice.edits, []);
  assert.match(twice.summary, /the ipset m365-exo, which the rule on line \d+ accepts, already holds these addresses/);
});
