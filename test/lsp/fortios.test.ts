import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CodeActionRequest, HoverRequest, type CodeAction, type Diagnostic, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { TestClient } from './client';

/** A FortiGate backup through the language server over stdio: hovers on Fortinet's own ISDB entries, and verified quick fixes. */

let client: TestClient;

before(async () => {
  client = new TestClient({ serviceAreas: ['Skype'] });
  await client.initialize({ trusted: true });
});

after(async () => {
  await client.close();
});

const EXAMPLE = 'examples/fortigate-branch.fortios';
const PARTIAL = 'test/fixtures/findings/fortios/teams-partial.fortios';

async function hoverAt(uri: string, needle: string, offset = 1): Promise<string> {
  const lines = client.documents.get(uri)!.getText().split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, needle);
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: lines[line]!.indexOf(needle) + offset } });
  assert.ok(hover, `a hover over ${needle}`);
  return (hover.contents as MarkupContent).value;
}

function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => String(d.code));
}

function messageOf(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

test('hover over an Internet Service name says what it covers, that Fortinet maintains it, and why the verdict stays unknown', async () => {
  const uri = await client.open(EXAMPLE, 'fortios');
  await client.waitForDiagnostics(uri, () => true);
  const office = await hoverAt(uri, 'Microsoft-Office365');
  assert.match(office, /\*\*Microsoft-Office365\*\* is an entry of Fortinet's Internet Service Database: Microsoft 365/);
  assert.match(office, /maintained by Fortinet, not checkable here/);
  assert.match(office, /leaves the verdict unknown rather than guessing/);
  // The policy is where Teams traffic is decided, and the hover says it cannot be told which way.
  assert.match(office, /may allow or block endpoint set 11 .*\(Internet Service Microsoft-Office365 is maintained by Fortinet, not checkable here/);
  const teams = await hoverAt(uri, 'Microsoft-Skype_Teams');
  assert.match(teams, /Microsoft Teams \(and Skype for Business\) signalling and media/);
});

test('the deep-inspection line carries tls-inspected, and its quick fix puts a policy in front that the profile does not apply to', async () => {
  const uri = client.uriOf(EXAMPLE);
  const published = await client.waitForDiagnostics(uri, (p) => codes(p.diagnostics).includes('tls-inspected'));
  const diagnostic = published.diagnostics.find((d) => d.code === 'tls-inspected' && /endpoint set 12/.test(messageOf(d)));
  assert.ok(diagnostic, codes(published.diagnostics).join(', '));
  assert.equal(client.documents.get(uri)!.getText().split('\n')[diagnostic.range.start.line]!.trim(), 'set status deep-inspection');
  const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
  const preferred = actions.find((a) => a.isPreferred);
  assert.ok(preferred?.edit, `actions: ${actions.map((a) => a.title).join(' | ')}`);
  client.applyWorkspaceEdit(preferred.edit);
  const after = await client.waitForDiagnostics(uri, (p) => !p.diagnostics.some((d) => d.code === 'tls-inspected' && /endpoint set 12/.test(messageOf(d))));
  const text = client.documents.get(uri)!.getText();
  assert.match(text, /# BEGIN endpoint-lens \S+ Worldwide \d+\n/);
  // Before policy 3, the first in the list: it inspects the set's TCP 443 (and policy 2 denies its UDP further down).
  assert.match(text, /config firewall policy\n {4}move 4 before 3\nend\n# END endpoint-lens sets-12\n/);
  assert.ok(!codes(after.diagnostics).includes('syntax-error'), 'the edited file still parses');
});

test('a blocked Teams set: the quick fix inserts address objects, a group, services and a policy moved in front, and the finding goes away', async () => {
  const uri = await client.open(PARTIAL, 'fortios');
  const published = await client.waitForDiagnostics(uri, (p) => codes(p.diagnostics).includes('blocked-required'));
  const diagnostic = published.diagnostics.find((d) => d.code === 'blocked-required' && /endpoint set 11/.test(messageOf(d)));
  assert.ok(diagnostic, codes(published.diagnostics).join(', '));
  const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
  assert.ok(actions.some((a) => a.title === 'Suppress blocked-required on this line'), 'a suppression is offered');
  const preferred = actions.find((a) => a.isPreferred);
  assert.ok(preferred?.edit, `actions: ${actions.map((a) => a.title).join(' | ')}`);
  assert.equal(preferred.title, 'Insert rules that allow endpoint set 11 (Microsoft Teams, Optimize)');
  client.applyWorkspaceEdit(preferred.edit);
  const after = await client.waitForDiagnostics(uri, (p) => !p.diagnostics.some((d) => d.code === 'blocked-required' && /endpoint set 11/.test(messageOf(d))));
  const text = client.documents.get(uri)!.getText();
  assert.match(text, /config firewall address\n {4}edit "EL-SETS-11-52\.112\.0\.0-14"\n {8}set subnet 52\.112\.0\.0 255\.252\.0\.0\n/);
  assert.match(text, /config firewall addrgrp\n {4}edit "EL-SETS-11-M365"\n {8}set member "EL-SETS-11-52\.112\.0\.0-14" "EL-SETS-11-52\.122\.0\.0-15"/);
  assert.match(text, /set srcintf "port2"\n {8}set dstintf "port1"\n {8}set action accept/);
  assert.ok(!codes(after.diagnostics).includes('syntax-error'), 'the edited file still parses');
});
