import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatInterval } from '../../../../server/src/model/address';
import type { ConfigModel, Rule } from '../../../../server/src/model/config';
import { LineIndex, type Range } from '../../../../server/src/model/range';
import { classifyCondition } from '../../../../server/src/model/match';
import { coveringRules } from '../../../../server/src/analysis/checks/ruleCoverage';
import { evaluateFlow } from '../../../../server/src/analysis/evaluate';
import type { Flow } from '../../../../server/src/model/policy';
import { parsePanos } from '../../../../server/src/dialects/panos';

function slice(text: string, range: Range): string {
  const index = new LineIndex(text);
  return text.slice(index.offsetAt(range.start), index.offsetAt(range.end));
}

function list(model: ConfigModel, id: string): Rule[] {
  const found = model.ruleLists.find((l) => l.id === id);
  assert.ok(found, `list ${id} in ${model.ruleLists.map((l) => l.id).join(', ')}`);
  return found.rules;
}

/** Rule names of a list in the order the device evaluates them. */
function order(model: ConfigModel, id: string): string[] {
  return [...new Set(list(model, id).map((r) => /^rules (\S+)/.exec(r.text)![1]!))];
}

const ZONES = 'set zone trust network layer3 ethernet1/2\nset zone untrust network layer3 ethernet1/1\n';

void test('display-set output: one rule written over many lines has one range, its action and its fields', () => {
  const text = `${ZONES}set rulebase security rules Web to untrust
set rulebase security rules Web from trust
set rulebase security rules Web source any
set rulebase security rules Web destination [ 52.112.0.0/14 52.122.0.0/15 ]
set rulebase security rules Web application any
set rulebase security rules Web service service-https
set rulebase security rules Web action allow
`;
  const { model } = parsePanos(text);
  const [rule] = list(model, 'vsys1|trust>untrust');
  assert.ok(rule);
  assert.equal(rule.range.start.line, 2);
  assert.equal(rule.range.end.line, 8);
  assert.equal(slice(text, rule.actionRange), 'allow');
  assert.deepEqual(rule.protocols, ['tcp']);
  assert.deepEqual(rule.destinationPorts, [{ from: 443, to: 443 }]);
  assert.deepEqual(rule.destinations?.intervals.map(formatInterval), ['52.112.0.0/14', '52.122.0.0/15']);
  assert.deepEqual(model.references.map((r) => [slice(text, r.range), r.role]), [
    ['52.112.0.0/14', 'destination'],
    ['52.122.0.0/15', 'destination'],
  ]);
  assert.deepEqual(model.problems, []);
});

void test('move top, bottom, before and after reorder the rulebase as the device does; a move of an unknown rule is reported, not applied', () => {
  const text = `${ZONES}set rulebase security rules A from trust to untrust source any destination any application any service any action allow
set rulebase security rules B from trust to untrust source any destination any application any service service-http action deny
set rulebase security rules C from trust to untrust source any destination any application any service service-https action deny
move rulebase security rules C top
move rulebase security rules A before B
move rulebase security rules C after B
move rulebase security rules B bottom
move rulebase security rules Nope before A
`;
  const { model } = parsePanos(text);
  assert.deepEqual(order(model, 'vsys1|trust>untrust'), ['A', 'C', 'B']);
  assert.deepEqual(
    model.problems.map((p) => [p.range.start.line, p.severity, p.message]),
    [[9, 'warning', 'Rule "Nope" is not defined before this move; the device would refuse it, so it is not applied.']],
  );
});

void test('delete and rename of rules, and members added by later commands', () => {
  const text = `${ZONES}set rulebase security rules A from trust to untrust source any destination 10.0.0.1 application any service any action allow
set rulebase security rules A destination 10.0.0.2
set rulebase security rules B from trust to untrust source any destination any application any service any action deny
delete rulebase security rules A destination 10.0.0.1
rename rulebase security rules B to Deny-Rest
set rulebase security rules Gone from trust to untrust source any destination any application any service any action deny
delete rulebase security rules Gone
`;
  const { model } = parsePanos(text);
  assert.deepEqual(order(model, 'vsys1|trust>untrust'), ['A', 'Deny-Rest']);
  assert.deepEqual(list(model, 'vsys1|trust>untrust')[0]!.destinations?.intervals.map(formatInterval), ['10.0.0.2/32']);
});

void test('intrazone traffic is allowed and interzone traffic denied by default; default-security-rules overrides say where', () => {
  const plain = parsePanos(`${ZONES}set rulebase security rules A from trust to untrust source any destination 10.9.9.9 application any service any action allow\n`).model;
  assert.equal(plain.ruleLists.find((l) => l.id === 'vsys1|trust>untrust')?.defaultAction, 'drop');
  assert.equal(plain.ruleLists.find((l) => l.id === 'vsys1|trust>untrust')?.defaultRange, undefined);
  const text = `${ZONES}set rulebase security rules A from trust to trust source any destination any application any service any action deny
set rulebase default-security-rules rules interzone-default action allow
set rulebase default-security-rules rules intrazone-default action deny
set rulebase security rules B from trust to untrust source any destination 10.9.9.9 application any service any action deny
`;
  const { model } = parsePanos(text);
  const inter = model.ruleLists.find((l) => l.id === 'vsys1|trust>untrust')!;
  assert.equal(inter.defaultAction, 'accept');
  assert.equal(inter.defaultRange?.start.line, 3);
  const intra = model.ruleLists.find((l) => l.id === 'vsys1|trust>trust')!;
  assert.equal(intra.defaultAction, 'drop');
  assert.equal(intra.defaultRange?.start.line, 4);
});

void test('zone pairs: inside to an Internet-facing zone is outbound, the reverse inbound; pairs no rule applies to are not paths', () => {
  const text = `set zone L3-Trust network layer3 ethernet1/2
set zone L3-Untrust network layer3 ethernet1/1
set zone dmz network layer3 ethernet1/3
set rulebase security rules Out from L3-Trust to L3-Untrust source any destination any application any service any action allow
set rulebase security rules Mail from L3-Untrust to dmz source any destination 192.0.2.25 application any service any action allow
`;
  const { model } = parsePanos(text);
  assert.deepEqual(
    model.paths.map((p) => `${p.name} ${p.direction}`),
    ['zone L3-Trust to zone L3-Untrust outbound', 'zone L3-Untrust to zone dmz inbound'],
  );
  const unnamed = parsePanos('set zone red network layer3 ethernet1/1\nset zone blue network layer3 ethernet1/2\nset rulebase security rules R from red to blue source any destination any application any service any action allow\n').model;
  assert.deepEqual(unnamed.paths.map((p) => `${p.name} ${p.direction}`), ['zone red to zone blue forward']);
  const anyOnly = parsePanos('set rulebase security rules R from any to any source any destination any application any service any action deny\n').model;
  assert.deepEqual(anyOnly.paths.map((p) => `${p.name} ${p.direction}`), ['any zone to any zone forward']);
});

void test('services: one model rule per protocol, so TCP and UDP ports never cross; application-default with any application is every port', () => {
  const text = `${ZONES}set service teams protocol udp port 3478-3481
set service-group mixed members [ teams service-https ]
set rulebase security rules Mixed from trust to untrust source any destination any application any service mixed action allow
set rulebase security rules Default from trust to untrust source any destination any application any service application-default action deny
`;
  const rules = list(parsePanos(text).model, 'vsys1|trust>untrust');
  assert.deepEqual(
    rules.map((r) => `${r.protocols?.join() ?? 'any'} ${(r.destinationPorts ?? []).map((p) => `${p.from}-${p.to}`).join()}`),
    ['udp 3478-3481', 'tcp 443-443', 'any '],
  );
});

void test('App-IDs, users, categories and schedules leave the match unknown, named, and never read as a state or interface condition', () => {
  const text = `${ZONES}set schedule office recurring weekly monday 08:00-17:00
set rulebase security rules R from trust to untrust source any source-user corp\\\\staff destination any category social-networking application [ ms-teams ms-office365 ] service application-default schedule office hip-profiles managed action allow
`;
  const [rule] = list(parsePanos(text).model, 'vsys1|trust>untrust');
  const conditions = rule!.unknownConditions ?? [];
  assert.equal(conditions.length, 5);
  assert.match(conditions[0]!, /^App-ID ms-teams, ms-office365 is identified by the firewall/);
  for (const condition of conditions) assert.equal(classifyCondition(condition), 'uncertain', condition);
});

void test('external lists, FQDN objects and dynamic groups make a side unresolved, each named; undefined names are reported', () => {
  const text = `${ZONES}set external-list EDL1 type ip url https://lists.example.com/m365.txt
set address owa fqdn outlook.office365.com
set address-group tagged dynamic filter "'m365' and 'prod'"
set rulebase security rules R1 from trust to untrust source any destination EDL1 application any service any action allow
set rulebase security rules R2 from trust to untrust source any destination owa application any service any action allow
set rulebase security rules R3 from trust to untrust source any destination tagged application any service any action allow
set rulebase security rules R4 from trust to untrust source any destination [ missing panw-torexit-ip-list ] application any service any action deny
`;
  const { model } = parsePanos(text);
  const reasons = list(model, 'vsys1|trust>untrust').map((r) => r.destinations?.unresolved);
  assert.deepEqual(reasons, [
    'external dynamic list EDL1 (https://lists.example.com/m365.txt) is fetched by the firewall at run time',
    'FQDN object owa (outlook.office365.com) is resolved by the firewall at run time',
    "dynamic address group tagged gets its members at run time (filter 'm365' and 'prod')",
    "address missing is not defined in this file; panw-torexit-ip-list is a predefined Palo Alto Networks list (Tor exit nodes); its content is Palo Alto's, not checkable here",
  ]);
  assert.deepEqual(model.problems.map((p) => p.message), ['Address "missing" is not defined in this file.']);
  const owa = model.references.find((r) => r.kind === 'hostname');
  assert.equal(owa?.text, 'outlook.office365.com');
  assert.ok((model.annotations ?? []).some((a) => slice(text, a.range) === 'panw-torexit-ip-list' && /Tor exit nodes/.test(a.markdown)));
});

void test('ip-range, ip-wildcard with holes, negate-destination and disabled rules', () => {
  const text = `${ZONES}set address R ip-range 10.0.0.1-10.0.0.9
set address W ip-wildcard 10.1.0.5/0.0.3.0
set rulebase security rules Off from trust to untrust source any destination any application any service any action deny disabled yes
set rulebase security rules Not from trust to untrust source any destination [ R W ] negate-destination yes application any service any action deny
`;
  const { model } = parsePanos(text);
  const rules = list(model, 'vsys1|trust>untrust');
  assert.equal(rules.length, 1);
  assert.equal(rules[0]!.destinations?.negated, true);
  assert.deepEqual(rules[0]!.destinations?.intervals.map(formatInterval), ['10.0.0.1-10.0.0.9', '10.1.0.5/32', '10.1.1.5/32', '10.1.2.5/32', '10.1.3.5/32']);
  assert.equal(model.references.find((r) => r.text === '10.1.0.5/0.0.3.0')?.interval, undefined);
});

void test('a rule shadows a later one only where its zones cover the later rule\'s', () => {
  const text = `set zone trust network layer3 ethernet1/2
set zone dmz network layer3 ethernet1/3
set zone untrust network layer3 ethernet1/1
set rulebase security rules Narrow from trust to untrust source any destination any application any service any action deny
set rulebase security rules Wide from [ trust dmz ] to untrust source any destination 52.112.0.0/14 application any service any action allow
set rulebase security rules Any from any to untrust source any destination any application any service any action deny
set rulebase security rules Late from dmz to untrust source any destination 52.112.0.0/14 application any service any action deny
`;
  const { model } = parsePanos(text);
  const zones = list(model, 'vsys1|dmz>untrust').map((r) => r.zones);
  assert.deepEqual(zones, [{ from: ['trust', 'dmz'], to: ['untrust'] }, { to: ['untrust'] }, { from: ['dmz'], to: ['untrust'] }]);
  // In trust → untrust, Narrow matches all Wide matches there, but Wide also applies from dmz: not shadowed.
  assert.deepEqual(coveringRules(list(model, 'vsys1|trust>untrust')), []);
  // Wide applies from dmz as well, so Late (from dmz, the same addresses) never takes effect.
  assert.deepEqual(coveringRules(list(model, 'vsys1|dmz>untrust')), [{ index: 2, by: 0 }]);
});

void test('vsys, device groups and shared scopes: each rulebase its own lists, Panorama rules in shared pre, group pre, group post, shared post order', () => {
  const text = `set shared address EXO ip-netmask 52.96.0.0/14
set shared post-rulebase security rules Shared-Post from any to any source any destination any application any service any action deny
set device-group Branches post-rulebase security rules DG-Post from trust to untrust source any destination any application any service service-http action deny
set device-group Branches pre-rulebase security rules DG-Pre from trust to untrust source any destination EXO application any service any action allow
set shared pre-rulebase security rules Shared-Pre from trust to untrust source any destination panw-known-ip-list application any service any action drop
set vsys vsys2 rulebase security rules V2 from lab to wan source any destination any application any service any action allow
`;
  const { model, vendor } = parsePanos(text);
  assert.ok(vendor.panorama);
  assert.deepEqual(order(model, 'dg:Branches|trust>untrust'), ['Shared-Pre', 'DG-Pre', 'DG-Post', 'Shared-Post']);
  assert.deepEqual(list(model, 'dg:Branches|trust>untrust')[1]!.destinations?.intervals.map(formatInterval), ['52.96.0.0/14']);
  assert.deepEqual(order(model, 'vsys2|lab>wan'), ['V2']);
  assert.ok(model.paths.some((p) => p.id === 'vsys2|lab>wan' && p.name === 'vsys2: zone lab to zone wan'));
});

const XML = `<?xml version="1.0"?>
<config version="10.1.0" urldb="paloaltonetworks">
  <devices>
    <entry name="localhost.localdomain">
      <vsys>
        <entry name="vsys1">
          <zone>
            <entry name="trust"/>
            <entry name="untrust"/>
          </zone>
          <address>
            <entry name="Teams">
              <ip-netmask>52.112.0.0/14</ip-netmask>
            </entry>
          </address>
          <rulebase>
            <security>
              <rules>
                <entry name="Teams-Out">
                  <from><member>trust</member></from>
                  <to><member>untrust</member></to>
                  <source><member>any</member></source>
                  <destination><member>Teams</member></destination>
                  <application><member>any</member></application>
                  <service><member>any</member></service>
                  <action>allow</action>
                </entry>
              </rules>
            </security>
            <default-security-rules>
              <rules>
                <entry name="interzone-default">
                  <action>deny</action>
                </entry>
              </rules>
            </default-security-rules>
          </rulebase>
        </entry>
      </vsys>
    </entry>
  </devices>
</config>
`;

void test('XML running config: rules, objects and defaults with exact ranges', () => {
  const { model, vendor } = parsePanos(XML);
  assert.equal(vendor.form, 'xml');
  assert.deepEqual(model.problems, []);
  const rules = list(model, 'vsys1|trust>untrust');
  assert.equal(rules.length, 1);
  assert.equal(slice(XML, rules[0]!.actionRange), 'allow');
  assert.match(slice(XML, rules[0]!.range), /^<entry name="Teams-Out">[\s\S]*<\/entry>$/);
  assert.equal(slice(XML, model.references[0]!.range), '52.112.0.0/14');
  const inter = model.ruleLists.find((l) => l.id === 'vsys1|trust>untrust')!;
  assert.equal(slice(XML, inter.defaultRange!), 'deny');
  assert.equal(slice(XML, inter.range), '<rules>');
});

void test('an XML API answer wrapping the configuration is read; other XML is said not to be a PAN-OS configuration', () => {
  const wrapped = `<response status="success"><result>${XML.replace('<?xml version="1.0"?>\n', '')}</result></response>`;
  assert.equal(list(parsePanos(wrapped).model, 'vsys1|trust>untrust').length, 1);
  const other = parsePanos('<project><name>x</name></project>').model;
  assert.deepEqual(other.problems.map((p) => p.message), ['The root element is <project>; a PAN-OS configuration starts with <config>.']);
});

void test('a file of commands that yields nothing says so, a file of comments does not', () => {
  assert.deepEqual(parsePanos('set deviceconfig system hostname fw\n').model.problems.map((p) => p.message), ['No security rules or address objects found; nothing in this file is checked.']);
  assert.deepEqual(parsePanos('# nothing yet\n\n').model.problems, []);
});

function flow(direction: 'outbound' | 'inbound', protocol: 'tcp' | 'udp', port: number, first: bigint): Flow {
  return { origin: { source: 'web-service', instance: 'Worldwide', setId: 11 }, direction, protocol, ports: [{ from: port, to: port }], remote: { kind: 'addresses', intervals: [{ family: 4, first, last: first }] } };
}

void test('evaluation: first match within the zone pair, the interzone default, and App-IDs left unknown with the name', () => {
  const text = `${ZONES}set rulebase security rules Apps from trust to untrust source any destination any application ms-teams service application-default action allow
set rulebase security rules Web from trust to untrust source any destination any application any service service-https action allow
`;
  const { model } = parsePanos(text);
  const teams = 0x34700001n; // 52.112.0.1
  const outcomes = (f: Flow): string[] => evaluateFlow(model, f).flatMap((e) => e.outcomes.map((o) => `${e.path.name}: ${o.value} ${o.decidedBy?.ruleIndex ?? ''} ${o.reason ?? ''}`.trim()));
  assert.deepEqual(outcomes(flow('outbound', 'tcp', 443, teams)), ['zone trust to zone untrust: allowed 1']);
  assert.deepEqual(outcomes(flow('outbound', 'udp', 3478, teams)), ["zone trust to zone untrust: unknown 0 App-ID ms-teams is identified by the firewall from Palo Alto's signatures, not checkable here"]);
  const blocked = parsePanos(`${ZONES}set rulebase security rules Web from trust to untrust source any destination 10.0.0.0/8 application any service any action allow\n`).model;
  const [evaluation] = evaluateFlow(blocked, flow('outbound', 'tcp', 443, teams));
  assert.equal(evaluation?.outcomes[0]?.value, 'blocked');
  assert.equal(evaluation?.outcomes[0]?.decidedBy?.ruleIndex, -1);
});

void test('a service group member defined nowhere is reported and leaves the rule unknown', () => {
  const text = `${ZONES}set service-group web members [ service-https missing-svc ]
set rulebase security rules R from trust to untrust source any destination any application any service web action deny
`;
  const { model } = parsePanos(text);
  const rules = list(model, 'vsys1|trust>untrust');
  assert.deepEqual(rules.map((r) => r.unknownConditions), [['service missing-svc is not defined in this file']]);
  assert.deepEqual(model.problems.map((p) => [p.range.start.line, p.message]), [[2, 'Service "missing-svc" is not defined in this file.']]);
});
