import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineIndex, type Range } from '../../../../server/src/model/range';
import { decisionsToPlace, policyDecisions } from '../../../../server/src/analysis/decisions';
import { findManagedBlocks } from '../../../../server/src/model/managedBlock';
import { commentSyntaxOf } from '../../../../server/src/dialects/dialect';
import { detectDialect } from '../../../../server/src/dialects/detect';
import { detectPanos, panosDialect, parsePanos, renderPanos } from '../../../../server/src/dialects/panos';
import { buildPolicies } from '../../../../server/src/policies';
import type { Policy } from '../../../../server/src/model/policy';
import { shippedCatalog } from '../../policies/shipped';
import { fixture, planIn } from '../../render/cases';

function teams(): Policy {
  const built = buildPolicies(shippedCatalog('Worldwide'), { policy: 'sets', setIds: [11], serviceAreas: [], categories: [], includeOptional: false });
  assert.ok(built.ok && built.policies[0]);
  return built.policies[0];
}

function placementOf(text: string, policy: Policy) {
  const parsed = parsePanos(text);
  const { decisions } = decisionsToPlace(policyDecisions(parsed.model, policy, shippedCatalog('Worldwide')));
  return panosDialect.place({ text, lines: new LineIndex(text), parsed, policy, decisions, occupied: findManagedBlocks(text, commentSyntaxOf(panosDialect, text)).blocks });
}

void test('set form: the block goes at the end, and its move names the rule that decides in the zone pair', () => {
  const text = fixture('pa-display-set.panos');
  const placement = placementOf(text, teams());
  assert.equal(placement.parts.length, 1);
  const part = placement.parts[0]!;
  assert.ok(part.kind === 'block');
  // Block-Threats names untrust from any zone, so traffic from the DMZ to the Internet is checked too.
  assert.deepEqual(part.target, { form: 'set', prefix: [], rulebase: 'rulebase', from: ['dmz', 'trust'], to: ['untrust'], before: 'Block-Threats' });
  assert.equal(part.point.offset, text.length);
  assert.match(part.point.description, /with a move before rule "Block-Threats" of security rules, which would otherwise decide this traffic/);
  const rendered = renderPanos(teams(), part.target).text;
  assert.match(rendered, /^move rulebase security rules EL-SETS-11 before Block-Threats$/m);
  assert.match(rendered, /^set rulebase security rules EL-SETS-11 from \[ dmz trust \] to untrust source any destination EL-SETS-11-M365 application any service EL-SETS-11-UDP-3478-3481 action allow description "endpoint-lens sets-11: set 11 \(\d+\)"$/m);
});

void test('XML form: the rule stands before the deciding <entry>, objects go in their sections, missing sections are made', () => {
  const text = fixture('pa-running-config.xml');
  const placement = placementOf(text, teams());
  const blocks = placement.parts.filter((p) => p.kind === 'block');
  assert.deepEqual(blocks.map((p) => p.target.part), ['address', 'address-group', 'service', 'rules']);
  const rules = blocks[3]!;
  assert.match(text.slice(rules.point.offset).split('\n')[0]!, /^\s*<entry name="Deny-All">$/);
  assert.match(rules.point.description, /before rule "Deny-All" of security rules/);
  const plan = planIn(panosDialect, text, teams());
  assert.match(plan.newText, /<address-group>\n\s*<!-- BEGIN endpoint-lens sets-11 /);
  assert.match(plan.newText, /<service>\n\s*<!-- BEGIN endpoint-lens sets-11 [\s\S]*<!-- END endpoint-lens sets-11 -->\n\s*<\/service>\n\s*<\/entry>\n\s*<\/vsys>/);
});

void test('Panorama: a rule a shared post-rule would stop goes at the end of the device group\'s post-rules, with its objects in the group', () => {
  const text = fixture('panorama.xml');
  const blocks = placementOf(text, teams()).parts.filter((p) => p.kind === 'block');
  assert.deepEqual(
    blocks.map((p) => p.target),
    ['address', 'address-group', 'service', 'rules'].map((part) => ({ form: 'xml', prefix: ['device-group', 'Branches'], rulebase: 'post-rulebase', from: ['trust'], to: ['untrust'], part })),
  );
  const plan = planIn(panosDialect, text, teams());
  assert.match(plan.newText, /<post-rulebase>\n\s*<security>\n\s*<rules>\n\s*<!-- BEGIN endpoint-lens sets-11 [\s\S]*<!-- END endpoint-lens sets-11 -->\n\s*<\/rules>\n\s*<\/security>\n\s*<\/post-rulebase>\n\s*<\/entry>\n\s*<\/device-group>/);
});

void test('an XML file not written one element per line gets no edit, and says how to make one possible', () => {
  const oneLine = fixture('pa-running-config.xml').replace(/\n\s*/g, '');
  const placement = placementOf(oneLine, teams());
  assert.deepEqual(placement.parts, []);
  assert.match(placement.notPlaced[0]!.reason, /xmllint --format/);
});

void test('detection: set commands and XML exports are PAN-OS; Cisco, Junos set commands and other XML are not', () => {
  assert.equal(detectPanos('', fixture('pa-display-set.panos')), 1);
  assert.equal(detectPanos('', fixture('pa-running-config.xml')), 1);
  assert.equal(detectPanos('', fixture('asa.cfg')), 0);
  assert.ok(detectPanos('', 'set security policies from-zone trust to-zone untrust policy p1 match source-address any\nset interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24\n') < 0.5);
  assert.ok(detectPanos('', '<?xml version="1.0"?><project><config>x</config></project>') < 0.5);
  // running-config.xml is claimed by Cisco's running-config* as well; the content settles it.
  assert.equal(detectDialect('backup/running-config.xml', fixture('pa-running-config.xml'))?.dialect.id, 'panos');
  assert.equal(detectDialect('fw01-export.xml', fixture('panorama.xml'))?.dialect.id, 'panos');
  assert.equal(detectDialect('fw01.txt', fixture('pa-display-set.panos'))?.dialect.id, 'panos');
});

void test('comments follow the form: # in set files, XML comments in XML exports', () => {
  assert.deepEqual(commentSyntaxOf(panosDialect, fixture('pa-display-set.panos')), { line: '#' });
  assert.deepEqual(commentSyntaxOf(panosDialect, fixture('panorama.xml')), { line: '<!--', close: '-->' });
});

const findings = join(__dirname, '..', '..', '..', 'fixtures', 'findings', 'panos');

function slice(text: string, range: Range): string {
  const index = new LineIndex(text);
  return text.slice(index.offsetAt(range.start), index.offsetAt(range.end));
}

for (const name of readdirSync(findings).filter((f) => !f.endsWith('.expected.json'))) {
  void test(`fixture ${name}: every range points at the text it claims`, () => {
    const text = readFileSync(join(findings, name), 'utf8');
    const model = parsePanos(text).model;
    for (const reference of model.references) assert.equal(slice(text, reference.range), reference.text);
    for (const list of model.ruleLists) {
      for (const rule of list.rules) {
        assert.match(slice(text, rule.actionRange), /^(allow|deny|drop|reset-client|reset-server|reset-both)$/);
        const written = slice(text, rule.range);
        assert.ok(written.includes(/^rules (\S+)/.exec(rule.text)![1]!), `${name}: the rule's range holds its name`);
      }
    }
    for (const comment of model.comments) assert.match(slice(text, comment.range), /^(#|<!--)/);
    for (const annotation of model.annotations ?? []) assert.ok(slice(text, annotation.range).length > 0);
  });
}
