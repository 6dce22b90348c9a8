import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrToInterval, intervalContains, parseCidr } from '../../../server/src/model/address';
import type { Policy } from '../../../server/src/model/policy';
import { buildPolicies, policyForBlock, type PolicyCatalog } from '../../../server/src/policies';
import type { PendingAddition } from '../../../server/src/catalog/history';
import { shippedCatalog } from './shipped';

const ANNOUNCED: PendingAddition[] = [
  { changeId: 1, setId: 11, version: '2026120100', effectiveDate: '2026-12-01', ips: ['52.120.0.0/16'], urls: [] },
  { changeId: 2, setId: 1, version: '2026120100', effectiveDate: '2026-12-15', ips: ['40.112.0.0/16'], urls: [] },
];

/** The shipped catalogue as a catalogue as of a day sees it: the additions are announced, not yet in their sets. */
function catalogWithAnnouncements(): PolicyCatalog {
  const catalog = shippedCatalog('Worldwide');
  return { instance: catalog.instance, version: catalog.version, sets: catalog.sets, otherRows: catalog.otherRows, announced: ANNOUNCED };
}

function allows(policies: readonly Policy[], text: string): boolean {
  const parsed = parseCidr(text);
  assert.ok(parsed.ok);
  const wanted = cidrToInterval(parsed.value);
  return policies.some((p) => p.entries.some((e) => e.addresses.some((a) => intervalContains(a, wanted))));
}

test('announced additions go into the rules by default, and the note says how many', () => {
  const result = buildPolicies(catalogWithAnnouncements(), { policy: 'sets', setIds: [11], serviceAreas: [], categories: [], includeOptional: false });
  assert.ok(result.ok);
  assert.ok(allows(result.policies, '52.120.0.0/16'));
  assert.ok(!allows(result.policies, '40.112.0.0/16'), 'the addition of another set is not in a set-11 block');
  assert.deepEqual(result.notes, ['1 announced addition is included (52.120.0.0/16, effective 2026-12-01).']);
  assert.equal(result.policies[0]!.parameters?.announced, undefined, 'the default leaves the block parameters as they were');
});

test('left out on request: the block records it, a refresh keeps it out, the note says what was left out', () => {
  const catalog = catalogWithAnnouncements();
  const result = buildPolicies(catalog, { policy: 'exchange-hybrid', features: ['mailbox-migration'], serverAddresses: ['192.0.2.25'], includeAnnounced: false });
  assert.ok(result.ok);
  assert.ok(!allows(result.policies, '40.112.0.0/16'));
  assert.deepEqual(result.notes, ['1 announced addition is left out (40.112.0.0/16, effective 2026-12-15); refreshing the block on or after that day adds it.']);
  const policy = result.policies[0]!;
  assert.deepEqual(policy.parameters?.announced, ['exclude']);
  const refreshed = policyForBlock(catalog, { purpose: policy.purpose, parameters: policy.parameters ?? {} });
  assert.ok(refreshed.ok);
  assert.ok(!allows([refreshed.policy], '40.112.0.0/16'), 'refreshing keeps the choice');
  const both = buildPolicies(catalog, { policy: 'sets', setIds: [], serviceAreas: ['Exchange', 'Skype'], categories: ['Optimize'], includeOptional: false });
  assert.ok(both.ok);
  assert.deepEqual(both.notes, ['2 announced additions are included (effective 2026-12-01, 2026-12-15).']);
});

test('a catalogue without announcements builds exactly as before and says nothing about them', () => {
  const catalog = shippedCatalog('Worldwide');
  const result = buildPolicies(catalog, { policy: 'sets', setIds: [11], serviceAreas: [], categories: [], includeOptional: false, includeAnnounced: false });
  assert.ok(result.ok);
  assert.deepEqual(result.notes, []);
});
