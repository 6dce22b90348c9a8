// Where the write path puts nftables rules, asked of the evaluator's own decisions: the chain and
// rule that decide, the form the file is written in, destination NAT, and the sets the file
// already lets Microsoft 365 through by. The gateway corpus (test/gateways) runs the same on
// whole configurations through the CLI and nft.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nftablesDialect } from '../../../server/src/dialects/nftables';
import { buildPolicies, requestFromInsertParams, type PolicyRequest } from '../../../server/src/policies';
import { insertPolicies } from '../../../server/src/features/edits';
import { analyserFor, gatewayCases } from '../../gateways/harness';
import type { Policy } from '../../../server/src/model/policy';
import { findManagedBlocks } from '../../../server/src/model/managedBlock';
import { shippedCatalog } from '../policies/shipped';
import { planIn } from '../render/cases';

function policy(request: PolicyRequest): Policy {
  const result = buildPolicies(shippedCatalog('Worldwide'), request);
  assert.ok(result.ok && result.policies[0], JSON.stringify(request));
  return result.policies[0];
}

const TEAMS_MEDIA = (): Policy => policy({ policy: 'sets', setIds: [11], serviceAreas: [], categories: [], includeOptional: false });
const ENTRA = (): Policy => policy({ policy: 'sets', setIds: [56], serviceAreas: [], categories: [], includeOptional: false });
const MAIL_FLOW = (server: string): Policy => policy({ policy: 'exchange-hybrid', features: ['mail-flow'], serverAddresses: [server] });

/** The plan, with the line the first block starts on and the line after the last block. */
function planned(text: string, p: Policy): { text: string; summary: string; blocks: string[]; after: string[] } {
  const plan = planIn(nftablesDialect, text, p);
  const found = findManagedBlocks(plan.newText, '#').blocks.filter((b) => b.purpose === p.purpose);
  const lines = plan.newText.split('\n');
  return {
    text: plan.newText,
    summary: plan.summary,
    blocks: found.map((b) => plan.newText.slice(b.startOffset, b.endOffset)),
    after: found.map((b) => (lines[b.endLine + 1] ?? '').trim()),
  };
}

const GATEWAY = `table inet filter {
\tchain forward {
\t\ttype filter hook forward priority filter; policy drop;
\t\tct state established,related accept
\t\tiifname "lan0" oifname "wan0" udp dport 53 accept
\t\tiifname "lan0" oifname "wan0" jump log_drop
\t}
\tchain log_drop {
\t\tlog prefix "drop " counter
\t\tdrop
\t}
\tchain output {
\t\ttype filter hook output priority filter; policy accept;
\t}
}
`;

void test('a gateway: the forward chain, in front of the jump to the shared log-and-drop chain, not the output chain', () => {
  const result = planned(GATEWAY, TEAMS_MEDIA());
  assert.deepEqual(result.after, ['iifname "lan0" oifname "wan0" jump log_drop']);
  assert.match(result.summary, /before the rule on line 6 of inet filter:forward/);
  assert.match(result.blocks[0]!, /^\t\tip daddr \{ 52\.112\.0\.0\/14, 52\.122\.0\.0\/15 \} udp dport 3478-3481 accept comment "endpoint-lens sets-11: set 11 \(\d+\)"$/m);
});

void test('a host: the output chain, in front of its final reject, with both families in an inet table', () => {
  const text = 'table inet filter {\n\tchain output {\n\t\ttype filter hook output priority filter; policy drop;\n\t\toif "lo" accept\n\t\tlog prefix "out " reject\n\t}\n}\n';
  const result = planned(text, TEAMS_MEDIA());
  assert.deepEqual(result.after, ['log prefix "out " reject']);
  assert.match(result.blocks[0]!, /ip daddr .* accept/);
  assert.match(result.blocks[0]!, /ip6 daddr \{ 2603:1063::\/38 \}/);
});

void test('each base chain on the hook that drops gets its own block; an ip table leaves IPv6 to the inet one without a note', () => {
  const text = `table ip legacy {
\tchain output {
\t\ttype filter hook output priority filter; policy drop;
\t\tip daddr 10.0.0.0/8 accept
\t}
}
table inet guard {
\tchain output {
\t\ttype filter hook output priority filter + 10; policy drop;
\t\tip daddr 10.0.0.0/8 accept
\t}
}
`;
  const result = planned(text, TEAMS_MEDIA());
  assert.equal(result.blocks.length, 2);
  assert.doesNotMatch(result.blocks[0]!, /ip6|IPv6/);
  assert.match(result.blocks[1]!, /ip6 daddr/);
  const ipOnly = planned(text.slice(0, text.indexOf('table inet guard')), TEAMS_MEDIA());
  assert.deepEqual(ipOnly.blocks[0]!.split('\n').filter((l) => l.includes('IPv6')).map((l) => l.trim()), ['# 1 IPv6 prefix is left out: table ip legacy sees only IPv4.']);
});

void test('a verdict map decides at its rule, and a goto to a log-and-reject chain at the goto', () => {
  const text = `table inet guard {
\tchain output {
\t\ttype filter hook output priority filter; policy accept;
\t\tudp dport vmap { 3478-3481 : jump media, 53 : accept }
\t}
\tchain media {
\t\tip daddr 10.0.0.0/8 accept
\t\tgoto reject_log
\t}
\tchain reject_log {
\t\tlog prefix "guard "
\t\treject
\t}
}
`;
  assert.deepEqual(planned(text, TEAMS_MEDIA()).after, ['goto reject_log']);
  const dropped = planned(text.replace('3478-3481 : jump media', '3478-3481 : drop'), TEAMS_MEDIA());
  assert.deepEqual(dropped.after, ['udp dport vmap { 3478-3481 : drop, 53 : accept }']);
});

void test('a file of commands: add commands in front of the appended rule that decides, insert commands after an inserted one', () => {
  const text = `add table inet edge
add chain inet edge output { type filter hook output priority filter; policy drop; }
add rule inet edge output oif "lo" accept
add rule inet edge output counter drop
`;
  const appended = planned(text, TEAMS_MEDIA());
  assert.deepEqual(appended.after, ['add rule inet edge output counter drop']);
  assert.match(appended.blocks[0]!, /^add rule inet edge output ip daddr @el_sets_11_output_v4 udp dport 3478-3481 accept/m);
  const inserted = planned(`${text}insert rule inet edge output udp dport 3478-3481 drop\n`, TEAMS_MEDIA());
  assert.match(inserted.text, /insert rule inet edge output udp dport 3478-3481 drop\n# BEGIN endpoint-lens sets-11/);
  assert.match(inserted.blocks[0]!, /^insert rule inet edge output ip daddr @el_sets_11_output_v4 udp dport 3478-3481 accept/m);
  assert.match(inserted.summary, /as insert commands that put the rules in front of the rule on line 5 of inet edge:output/);
});

void test('a chain written on one line gets commands after its table', () => {
  const text = 'table inet f {\n\tchain output { type filter hook output priority 0; policy drop; }\n}\n';
  const result = planned(text, TEAMS_MEDIA());
  assert.match(result.text, /^}\n# BEGIN endpoint-lens sets-11/m);
  assert.match(result.blocks[0]!, /^add rule inet f output ip daddr @el_sets_11_output_v4/m);
  const decided = planned('table inet f {\n\tchain output { type filter hook output priority 0; udp dport 3478 drop; }\n}\n', TEAMS_MEDIA());
  assert.match(decided.blocks[0]!, /^insert rule inet f output ip daddr/m);
});

const DNAT = `define PUBLIC = 203.0.113.25
table ip nat {
\tchain prerouting {
\t\ttype nat hook prerouting priority dstnat; policy accept;
\t\tiifname "wan0" ip daddr $PUBLIC tcp dport 25 dnat to 10.1.1.25
\t}
}
table inet filter {
\tchain input {
\t\ttype filter hook input priority filter; policy drop;
\t}
\tchain forward {
\t\ttype filter hook forward priority filter; policy drop;
\t\tiifname "wan0" oifname "dmz0" ip saddr 198.51.100.0/24 ip daddr 10.1.1.25 tcp dport 25 accept
\t\tcounter drop
\t}
}
`;

void test('inbound mail to the public address of a DNAT\'d server: the forward chain, the inside address, and a note that says why', () => {
  const result = planned(DNAT, MAIL_FLOW('203.0.113.25'));
  assert.deepEqual(result.after, ['counter drop']);
  assert.match(result.blocks[0]!, /# Destination NAT on line 5 \(ip nat:prerouting\) sends this traffic on to the server/);
  assert.match(result.blocks[0]!, /ip saddr \{ [^}]+ \} ip daddr 10\.1\.1\.25 tcp dport 25 accept/);
  assert.ok(result.blocks[0]!.split('\n').every((l) => l.trim().startsWith('#') || !l.includes('203.0.113.25')), 'no rule names the public address');
  const inside = planned(DNAT, MAIL_FLOW('10.1.1.25'));
  assert.deepEqual(inside.after, ['counter drop']);
  // Named by its inside address, the server is still reached through the DNAT rule, and the note says which.
  assert.match(inside.blocks[0]!, /# Destination NAT on line 5 \(ip nat:prerouting\)/);
});

void test('destination NAT to another port: the forward rules name the translated port', () => {
  const result = planned(DNAT.replace('dnat to 10.1.1.25', 'dnat to 10.1.1.25:2525'), MAIL_FLOW('203.0.113.25'));
  assert.match(result.blocks[0]!, /ip daddr 10\.1\.1\.25 tcp dport 2525 accept/);
});

void test('destination NAT through a map is not placed, and says why', () => {
  const text = DNAT.replace('ip daddr $PUBLIC tcp dport 25 dnat to 10.1.1.25', 'tcp dport 25 dnat to ip daddr map { 203.0.113.25 : 10.1.1.25 }');
  const plan = planIn(nftablesDialect, text, MAIL_FLOW('203.0.113.25'));
  assert.equal(plan.edits.length, 0);
  assert.match(plan.summary, /destination NAT on line 5 takes the inside address from a map/);
});

const ENTRA_HOST = `table inet filter {
\tset entra_v4 {
\t\ttype ipv4_addr
\t\tflags interval
\t\telements = { 20.20.32.0/19, 20.190.128.0/18, 40.126.0.0/18 }
\t}
\tset entra_v6 {
\t\ttype ipv6_addr
\t\tflags interval
\t\telements = {
\t\t\t2603:1006:2000::/48, 2603:1007:200::/48, 2603:1016:1400::/48, 2603:1017::/48,
\t\t\t2603:1026:3000::/48, 2603:1027:1::/48, 2603:1036:3000::/48, 2603:1037:1::/48,
\t\t\t2603:1046:2000::/48, 2603:1047:1::/48, 2603:1056:2000::/48, 2603:1057:2::/48
\t\t}
\t}
\tchain output {
\t\ttype filter hook output priority filter; policy drop;
\t\tip daddr @entra_v4 tcp dport { 80, 443 } accept
\t\tip6 daddr @entra_v6 tcp dport { 80, 443 } accept
\t}
}
`;

/** The lines a plan changes, as `-old` / `+new`. */
function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  return [...a.filter((l) => !b.includes(l)).map((l) => `-${l.trim()}`), ...b.filter((l) => !a.includes(l)).map((l) => `+${l.trim()}`)];
}

void test('a named set that already holds most of an endpoint set gets the missing element, not a block', () => {
  const plan = planIn(nftablesDialect, ENTRA_HOST, ENTRA());
  assert.deepEqual(changedLines(ENTRA_HOST, plan.newText), [
    '-elements = { 20.20.32.0/19, 20.190.128.0/18, 40.126.0.0/18 }',
    `+elements = { 20.20.32.0/19, 20.190.128.0/18, 40.126.0.0/18, 20.231.128.0/19 comment "endpoint-lens sets-56: set 56 (${ENTRA().catalogVersion})" }`,
  ]);
  assert.match(plan.summary, /Added 20\.231\.128\.0\/19 to set entra_v4 \(line 5\), which the rule on line 18 lets through\./);
  const sixMissing = ENTRA_HOST.replace(', 2603:1057:2::/48', '');
  const six = planIn(nftablesDialect, sixMissing, ENTRA());
  assert.match(six.newText, /2603:1056:2000::\/48,\n\t\t\t2603:1057:2::\/48 comment "endpoint-lens sets-56: set 56 \(\d+\)"\n\t\t\}/);
});

void test('the set is left alone when a rule drops by it, when its elements come from a define, or when the rule does not carry the ports', () => {
  const block = (text: string): boolean => findManagedBlocks(planIn(nftablesDialect, text, ENTRA()).newText, '#').blocks.some((b) => b.purpose === 'sets-56');
  assert.ok(block(ENTRA_HOST.replace('\t\tip6 daddr @entra_v6', '\t\tip daddr @entra_v4 udp dport 53 drop\n\t\tip6 daddr @entra_v6')));
  assert.ok(block(ENTRA_HOST.replace('elements = { 20.20.32.0/19, 20.190.128.0/18, 40.126.0.0/18 }', 'elements = $ENTRA').replace('table inet filter {', 'define ENTRA = { 20.20.32.0/19, 20.190.128.0/18, 40.126.0.0/18 }\ntable inet filter {')));
  assert.ok(block(ENTRA_HOST.replace('ip daddr @entra_v4 tcp dport { 80, 443 }', 'ip daddr @entra_v4 tcp dport 443')));
  assert.ok(!block(ENTRA_HOST));
});

void test('add element commands and the anonymous set of a rule are extended the same way', () => {
  const commands = `add table inet edge
add set inet edge teams_v4 { type ipv4_addr; flags interval; }
add element inet edge teams_v4 { 52.112.0.0/14 }
add chain inet edge output { type filter hook output priority filter; policy drop; }
add rule inet edge output ip daddr @teams_v4 udp dport 3478-3481 accept
`;
  const added = planIn(nftablesDialect, commands, TEAMS_MEDIA()).newText;
  assert.match(added, /^add element inet edge teams_v4 \{ 52\.112\.0\.0\/14, 52\.122\.0\.0\/15 comment "endpoint-lens sets-11: set 11 \(\d+\)" \}$/m);
  const anonymous = 'table inet f {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t\tip saddr { 40.92.0.0/15, 40.107.0.0/16, 52.100.0.0/14 } ip daddr 192.0.2.10 tcp dport 25 accept\n\t}\n}\n';
  const plan = planIn(nftablesDialect, anonymous, MAIL_FLOW('192.0.2.10'));
  assert.match(plan.newText, /ip saddr \{ 40\.92\.0\.0\/15, 40\.107\.0\.0\/16, 52\.100\.0\.0\/14, 104\.47\.0\.0\/17 comment "[^"]+" \} ip daddr 192\.0\.2\.10 tcp dport 25 accept/);
  assert.match(plan.summary, /Added 104\.47\.0\.0\/17 to the addresses of the rule on line 4\./);
});

void test('inserting a policy that needs a block a second time leaves the file as the first time did', async () => {
  let checked = 0;
  for (const gateway of gatewayCases('nftables')) {
    const analysed = await analyserFor(gateway);
    for (const insert of gateway.expectation.inserts ?? []) {
      const run = (text: string): string => {
        const subject = analysed.engine.editSubject(gateway.path, analysed.analyse(text), analysed.settings);
        const built = buildPolicies(subject.catalog, requestFromInsertParams({ uri: gateway.path, ...insert.request }));
        assert.ok(built.ok);
        return insertPolicies(subject, built.policies).newText;
      };
      const once = run(gateway.text);
      if (findManagedBlocks(once, '#').blocks.length === 0) continue;
      assert.equal(run(once), once, `${gateway.name} ${insert.request.policy}`);
      checked++;
    }
  }
  assert.ok(checked >= 6, `only ${checked} inserts checked`);
});
