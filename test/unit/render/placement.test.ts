import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Policy } from '../../../server/src/model/policy';
import { LineIndex } from '../../../server/src/model/range';
import { buildPolicies, type PolicyRequest } from '../../../server/src/policies';
import { decisionsToPlace, policyDecisions } from '../../../server/src/analysis/decisions';
import { editSites } from '../../../server/src/dialects/placement';
import type { Placement } from '../../../server/src/dialects/dialect';
import { findManagedBlocks } from '../../../server/src/model/managedBlock';
import { shippedCatalog } from '../policies/shipped';
import { fileCases, planIn, type FileCase } from './cases';

function policy(request: PolicyRequest, instance: 'Worldwide' | 'USGovGCCHigh' = 'Worldwide'): Policy {
  const result = buildPolicies(shippedCatalog(instance), request);
  assert.ok(result.ok && result.policies[0]);
  return result.policies[0];
}

const MAIL_FLOW = (): Policy => policy({ policy: 'exchange-hybrid', features: ['mail-flow'], serverAddresses: ['192.0.2.10'] });
const MAILBOX_MIGRATION = (): Policy => policy({ policy: 'exchange-hybrid', features: ['mailbox-migration'], serverAddresses: ['192.0.2.10'] });
const file = (name: string): FileCase => fileCases().find((f) => f.name === name)!;

/** What the dialect proposes for the policy in the file, from the evaluator's decisions. */
function placementOf(f: FileCase, p: Policy): Placement<unknown> {
  const parsed = f.dialect.parse(f.text);
  const { decisions } = decisionsToPlace(policyDecisions(parsed.model, p, shippedCatalog('Worldwide')));
  return f.dialect.place({ text: f.text, lines: new LineIndex(f.text), parsed, policy: p, decisions, occupied: findManagedBlocks(f.text, f.dialect.comment.line).blocks });
}

void test('the target carries the file form: iptables save or script, Cisco platform, nftables chain body, PAC fallback proxy', () => {
  const targets = Object.fromEntries(
    fileCases()
      .filter((f) => f.name !== 'ip6tables-save.rules')
      .map((f) => {
        const part = placementOf(f, f.dialect.id === 'nginx' ? MAILBOX_MIGRATION() : MAIL_FLOW()).parts[0];
        assert.ok(part?.kind === 'block', f.name);
        return [f.name, part.target];
      }),
  );
  assert.deepEqual(targets['iptables-save.rules'], { style: 'save', chain: 'INPUT', families: [4] });
  // An ip6tables-save file has no rule for a server with only an IPv4 address, and says so.
  const v6 = placementOf(file('ip6tables-save.rules'), MAIL_FLOW());
  assert.deepEqual(v6.parts, []);
  assert.match(v6.notPlaced[0]!.reason, /no IPv6 server address was given, and this file holds IPv6 rules only/);
  assert.deepEqual(targets['firewall.sh'], { style: 'script', chain: 'INPUT', families: [4] });
  assert.deepEqual(targets['nftables.conf'], { mode: 'body', family: 'inet', table: 'filter', chain: 'input' });
  assert.equal((targets['nginx.conf'] as { mode: string }).mode, 'access');
  assert.equal((targets['proxy.pac'] as { proxy?: string }).proxy, 'PROXY proxy.contoso.example:3128; DIRECT');
  assert.equal((targets['asa.cfg'] as { platform: string }).platform, 'asa');
  assert.equal((targets['ios.cfg'] as { platform: string }).platform, 'ios');
});

void test('the block goes in the list the flow traverses, in front of the rule that decides it', () => {
  const cases: Array<[string, RegExp]> = [
    ['iptables-save.rules', /^-A INPUT -j LOGDROP$/],
    ['nftables.conf', /^\s*counter drop$/],
    ['asa.cfg', /^access-list outside_in extended deny ip any any log$/],
    ['ios.cfg', /^ 1000 deny ip any any log$/],
    ['nginx.conf', /^\s*deny all;$/],
  ];
  for (const [name, next] of cases) {
    const f = file(name);
    // nginx serves the web part of hybrid; its mail flow arrives elsewhere.
    const part = placementOf(f, name === 'nginx.conf' ? MAILBOX_MIGRATION() : MAIL_FLOW()).parts[0];
    assert.ok(part?.kind === 'block', name);
    const following = f.text.slice(part.point.offset).split('\n')[0]!;
    assert.match(following, next, name);
    assert.ok(part.point.window && part.point.window.to === part.point.offset, `${name}: nothing after the deciding rule takes effect`);
  }
});

void test('nginx without a server for SMTP places no mail-flow rules, and says why', () => {
  const placement = placementOf(file('nginx.conf'), MAIL_FLOW());
  assert.deepEqual(placement.parts, []);
  assert.match(placement.notPlaced[0]!.reason, /no server of this nginx file listens on TCP 25, so none of its allow\/deny lines sees this traffic/);
});

void test('a jump to a log-and-drop chain is decided at the jump, not inside the shared chain', () => {
  const f = file('iptables-save.rules');
  const model = f.dialect.parse(f.text).model;
  const decisions = policyDecisions(model, MAIL_FLOW(), shippedCatalog('Worldwide')).filter((d) => d.outcome.value === 'blocked');
  assert.ok(decisions.length > 0);
  assert.ok(
    decisions.every((d) => d.outcome.trace.length === 2 && d.outcome.trace[1]!.listId === 'filter:LOGDROP'),
    'the evaluator records the jump and the drop inside LOGDROP',
  );
  const sites = editSites(model, decisions);
  assert.equal(sites.length, 1);
  assert.equal(sites[0]!.list.id, 'filter:INPUT');
  assert.equal(sites[0]!.list.rules[sites[0]!.ruleIndex]!.text.trim(), '-A INPUT -j LOGDROP');
});

void test('an ASA object-group with the same addresses is reused instead of defined again', () => {
  const f = file('asa.cfg');
  const eop = ['40.92.0.0 255.254.0.0', '40.107.0.0 255.255.0.0', '52.100.0.0 255.252.0.0', '104.47.0.0 255.255.128.0'];
  const text = f.text.replace('!\naccess-list outside_in', `object-group network EOP\n${eop.map((e) => ` network-object ${e}`).join('\n')}\n!\naccess-list outside_in`);
  const inserted = planIn(f.dialect, text, MAIL_FLOW()).newText;
  assert.match(inserted, /access-list outside_in extended permit tcp object-group EOP host 192\.0\.2\.10 eq 25/);
  assert.equal(inserted.match(/^object-group network /gm)?.length, 2, 'only ADMIN-NETS and EOP');
});
