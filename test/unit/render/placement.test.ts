import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Policy } from '../../../server/src/model/policy';
import { buildPolicies, type PolicyRequest } from '../../../server/src/policies';
import { choosePlacement, firstShadowingRule } from '../../../server/src/render/placement';
import { applyTextEdits, planInsertion } from '../../../server/src/render/insert';
import { flowsOfPolicy } from '../../../server/src/policies';
import { shippedCatalog } from '../policies/shipped';
import { fileCases, type FileCase } from './cases';

function policy(request: PolicyRequest, instance: 'Worldwide' | 'USGovGCCHigh' = 'Worldwide'): Policy {
  const result = buildPolicies(shippedCatalog(instance), request);
  assert.ok(result.ok && result.policies[0]);
  return result.policies[0];
}

const MAIL_FLOW = (): Policy => policy({ policy: 'exchange-hybrid', features: ['mail-flow'], serverAddresses: ['192.0.2.10'] });
const file = (name: string): FileCase => fileCases().find((f) => f.name === name)!;

void test('the target carries the file form: iptables save or script, Cisco platform, nftables chain, PAC fallback proxy', () => {
  const styles = Object.fromEntries(
    fileCases().map((f) => [f.name, choosePlacement(f.text, f.dialect.parse(f.text), f.dialect, MAIL_FLOW()).target.style]),
  );
  assert.deepEqual(styles, {
    'iptables-save.rules': 'save',
    'ip6tables-save.rules': 'save',
    'firewall.sh': 'script',
    'nftables.conf': 'chain',
    'nginx.conf': 'access',
    'proxy.pac': 'PROXY proxy.contoso.example:3128; DIRECT',
    'asa.cfg': 'asa',
    'ios.cfg': 'ios',
  });
});

void test('the list is the one of the direction, and the place is in front of the first rule that stops the traffic', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['iptables-save.rules', 'filter:INPUT', /^-A INPUT -j LOGDROP$/],
    ['nftables.conf', 'inet filter:input', /^\s*counter drop$/],
    ['asa.cfg', 'ACL outside_in', /^access-list outside_in extended deny ip any any log$/],
    ['ios.cfg', 'ACL OUTSIDE-IN', /^ 1000 deny ip any any log$/],
    ['nginx.conf', 'location /EWS/', /^\s*deny all;$/],
  ];
  for (const [name, listId, next] of cases) {
    const f = file(name);
    const placement = choosePlacement(f.text, f.dialect.parse(f.text), f.dialect, MAIL_FLOW());
    assert.ok(placement.list?.id.endsWith(listId), `${name}: ${placement.list?.id}`);
    assert.equal(placement.point.before, true, name);
    const following = f.text.slice(placement.point.offset).split('\n')[0]!;
    assert.match(following, next, name);
  }
});

void test('a jump to a chain that drops shadows like a drop', () => {
  const f = file('iptables-save.rules');
  const model = f.dialect.parse(f.text);
  const input = model.ruleLists.find((l) => l.id === 'filter:INPUT')!;
  const flows = flowsOfPolicy(MAIL_FLOW());
  const lists = new Map(model.ruleLists.map((l) => [l.id, l]));
  const index = firstShadowingRule(input, flows, lists);
  assert.ok(index !== undefined);
  assert.equal(input.rules[index]!.text.trim(), '-A INPUT -j LOGDROP');
  // Without the chain to look into, the jump decides nothing.
  assert.equal(firstShadowingRule(input, flows), undefined);
});

void test('an ASA object-group with the same addresses is reused instead of defined again', () => {
  const f = file('asa.cfg');
  const eop = ['40.92.0.0 255.254.0.0', '40.107.0.0 255.255.0.0', '52.100.0.0 255.252.0.0', '104.47.0.0 255.255.128.0'];
  const text = f.text.replace('!\naccess-list outside_in', `object-group network EOP\n${eop.map((e) => ` network-object ${e}`).join('\n')}\n!\naccess-list outside_in`);
  const plan = planInsertion(text, f.dialect.parse(text), f.dialect, MAIL_FLOW());
  const inserted = applyTextEdits(text, plan.edits);
  assert.match(inserted, /access-list outside_in extended permit tcp object-group EOP host 192\.0\.2\.10 eq 25/);
  assert.equal(inserted.match(/^object-group network /gm)?.length, 2, 'only ADMIN-NETS and EOP');
});
