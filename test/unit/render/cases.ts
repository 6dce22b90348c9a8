import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dialect } from '../../../server/src/dialects/dialect';
import { dialectById } from '../../../server/src/dialects/all';
import type { InstanceId } from '../../../server/src/catalog/types';
import type { Policy } from '../../../server/src/model/policy';
import { buildPolicies, type PolicyRequest } from '../../../server/src/policies';
import { planPolicy, type PolicyPlan } from '../../../server/src/render/plan';
import { findManagedBlocks } from '../../../server/src/model/managedBlock';
import type { Catalog } from '../../../server/src/catalog';
import { shippedCatalog } from '../policies/shipped';
import { instanceFromString } from '../../../server/src/catalog/load';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'render');

/** A realistic file of each dialect (and form) the insert commands are used on. */
export interface FileCase {
  name: string;
  dialect: Dialect;
  text: string;
}

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

function dialect(id: string): Dialect {
  const found = dialectById(id);
  assert.ok(found, `dialect ${id} is registered`);
  return found;
}

export function fileCases(): FileCase[] {
  return [
    { name: 'iptables-save.rules', dialect: dialect('iptables'), text: fixture('iptables-save.rules') },
    { name: 'ip6tables-save.rules', dialect: dialect('iptables'), text: fixture('ip6tables-save.rules') },
    { name: 'firewall.sh', dialect: dialect('iptables'), text: fixture('firewall.sh') },
    { name: 'nftables.conf', dialect: dialect('nftables'), text: fixture('nftables.conf') },
    { name: 'nginx.conf', dialect: dialect('nginx'), text: fixture('nginx.conf') },
    { name: 'proxy.pac', dialect: dialect('pac'), text: fixture('proxy.pac') },
    { name: 'asa.cfg', dialect: dialect('cisco'), text: fixture('asa.cfg') },
    { name: 'ios.cfg', dialect: dialect('cisco'), text: fixture('ios.cfg') },
  ];
}

export const SERVERS = ['192.0.2.10', '2001:db8::10'];

/** Every policy the commands offer, for the instances whose catalogue differs in what matters. */
export const POLICY_REQUESTS: Array<{ instance: InstanceId; request: PolicyRequest }> = [
  {
    instance: 'Worldwide',
    request: {
      policy: 'exchange-hybrid',
      features: ['mailbox-migration', 'free-busy', 'hybrid-configuration-wizard', 'autodiscover', 'hybrid-authentication', 'mail-flow'],
      serverAddresses: SERVERS,
    },
  },
  { instance: 'USGovGCCHigh', request: { policy: 'exchange-hybrid', features: ['hybrid-configuration-wizard', 'mail-flow'], serverAddresses: SERVERS } },
  { instance: 'Worldwide', request: { policy: 'graph-notifications', serverAddresses: [] } },
  { instance: 'China', request: { policy: 'graph-notifications', serverAddresses: ['192.0.2.20'] } },
  { instance: 'Worldwide', request: { policy: 'sets', setIds: [], serviceAreas: ['Exchange', 'Skype'], categories: ['Optimize', 'Allow'], includeOptional: false } },
  { instance: 'Worldwide', request: { policy: 'sets', setIds: [46, 56, 64], serviceAreas: [], categories: [], includeOptional: false } },
];

export function allPolicies(): Policy[] {
  const out: Policy[] = [];
  for (const { instance, request } of POLICY_REQUESTS) {
    const result = buildPolicies(shippedCatalog(instance), request);
    assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
    out.push(...result.policies);
  }
  return out;
}

/** The shipped catalogue of the policy's instance. */
export function catalogFor(policy: Policy): Catalog {
  return shippedCatalog(instanceFromString(policy.instance) ?? 'Worldwide');
}

/** The write path's plan for a policy in a text, with the shipped catalogue of the policy's instance. */
export function planIn(dialect: Dialect, text: string, policy: Policy, catalog: Catalog = catalogFor(policy)): PolicyPlan {
  return planPolicy({ text, dialect, parseContext: {}, catalog }, policy);
}

/** The text with the policy planned into it. */
export function insertText(dialect: Dialect, text: string, policy: Policy, catalog?: Catalog): string {
  return planIn(dialect, text, policy, catalog).newText;
}

/** The file with the policy's blocks inserted (one per list it takes effect in), checked to be insertions of whole blocks. */
export function insertInto(file: FileCase, policy: Policy): { text: string; blocks: Array<{ startOffset: number; endOffset: number }>; summary: string } {
  const plan = planIn(file.dialect, file.text, policy);
  assert.equal(plan.problems.length, 0, plan.summary);
  assert.ok(plan.edits.length >= 1, `${file.name} ${policy.purpose}: ${plan.summary}`);
  assert.ok(
    plan.edits.every((e) => e.range.start.line === e.range.end.line && e.range.start.character === 0 && e.range.end.character === 0),
    `${file.name} ${policy.purpose}: insertions only`,
  );
  const text = plan.newText;
  const blocks = findManagedBlocks(text, file.dialect.comment.line).blocks.filter((b) => b.purpose === policy.purpose);
  assert.ok(blocks.length > 0, `${file.name} ${policy.purpose}: the inserted block is found again`);
  return { text, blocks, summary: plan.summary };
}

/**
 * Whether an iptables save file (one address family) has no place for any of an inbound policy:
 * the server has no address in the file's family, and the plan says so instead of inserting.
 */
export function serverOutsideFamily(file: FileCase, policy: Policy): boolean {
  if (file.dialect.id !== 'iptables' || policy.direction !== 'inbound') return false;
  const families = new Set(file.dialect.parse(file.text).model.ruleLists.flatMap((l) => l.families ?? []));
  if (families.size !== 1 || /^\s*ip6?tables\s/m.test(file.text)) return false;
  return policy.entries.every((e) => e.localAddresses !== undefined && e.localAddresses.length > 0 && !e.localAddresses.some((a) => families.has(a.family)));
}

/** The text without the given blocks. */
export function withoutBlocks(text: string, blocks: ReadonlyArray<{ startOffset: number; endOffset: number }>): string {
  let out = text;
  for (const block of [...blocks].sort((a, b) => b.startOffset - a.startOffset)) out = out.slice(0, block.startOffset) + out.slice(block.endOffset);
  return out;
}
