import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CodeActionRequest, HoverRequest, TextDocumentEdit, type CodeAction, type Diagnostic, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { TestClient } from './client';

/** A PAN-OS file of each form through the language server over stdio: hovers on Palo Alto's own objects, and the verified quick fix. */

let client: TestClient;

before(async () => {
  client = new TestClient({ serviceAreas: ['Skype'] });
  await client.initialize({ trusted: true });
});

after(async () => {
  await client.close();
});

const SET_FILE = 'examples/pa-edge.panos';
const XML_FILE = 'test/fixtures/findings/panos/running-config-teams.xml';

async function hoverAt(uri: string, needle: string, offset = 1): Promise<string> {
  const lines = client.documents.get(uri)!.getText().split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, needle);
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: lines[line]!.indexOf(needle) + offset } });
  assert.ok(hover, `a hover over ${needle}`);
  return (hover.contents as MarkupContent).value;
}

test('hover over a predefined Palo Alto list and a hosted Microsoft 365 list says whose content it is', async () => {
  const uri = await client.open(SET_FILE, 'panos');
  await client.waitForDiagnostics(uri, () => true);
  const threat = await hoverAt(uri, 'panw-known-ip-list');
  assert.match(threat, /\*\*panw-known-ip-list\*\* is a predefined external dynamic list of Palo Alto Networks: addresses known to be malicious/);
  assert.match(threat, /cannot be checked here/);
  // The first rule already names a list whose content is not known, so it is where the verdict stays unknown, and the hover says why.
  assert.match(threat, /may allow or block endpoint set 11 .*\(panw-known-ip-list is a predefined Palo Alto Networks list \(addresses known to be malicious\); its content is Palo Alto's, not checkable here\)/);
  const hosted = await hoverAt(uri, 'destination M365-Hosted', 'destination '.length + 1);
  assert.match(hosted, /EDL Hosting Service \(https:\/\/saasedl\.paloaltonetworks\.com\/feeds\/m365\/worldwide\/any\/all\/ipv4\)/);
  assert.match(hosted, /Its content is Palo Alto's/);
});

test('hover over an App-ID explains what it covers and that the verdict stays unknown', async () => {
  const uri = client.uriOf(SET_FILE);
  const text = await hoverAt(uri, 'ms-office365-base');
  assert.match(text, /\*\*ms-office365-base\*\* is a Palo Alto Networks App-ID for the common part of Microsoft 365/);
  assert.match(text, /leaves the verdict unknown rather than guessing/);
});

function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => String(d.code));
}

test('an XML running config: the blocked-required quick fix inserts XML entries, and the finding goes away', async () => {
  const uri = await client.open(XML_FILE, 'panos');
  const published = await client.waitForDiagnostics(uri, (p) => codes(p.diagnostics).includes('blocked-required'));
  const diagnostic = published.diagnostics.find((d) => d.code === 'blocked-required' && /endpoint set 11/.test(typeof d.message === 'string' ? d.message : d.message.value));
  assert.ok(diagnostic, codes(published.diagnostics).join(', '));
  const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
  const suppress = actions.find((a) => a.title === 'Suppress blocked-required on this line');
  const suppression = suppress?.edit?.documentChanges?.find(TextDocumentEdit.is)?.edits[0];
  assert.ok(suppression && 'newText' in suppression, 'a suppression is offered');
  assert.match(suppression.newText, /^\s*<!-- endpoint-lens-disable-next-line blocked-required -->\r?\n$/);
  const preferred = actions.find((a) => a.isPreferred);
  assert.ok(preferred?.edit, `actions: ${actions.map((a) => a.title).join(' | ')}`);
  assert.equal(preferred.title, 'Insert rules that allow endpoint set 11 (Microsoft Teams, Optimize)');
  client.applyWorkspaceEdit(preferred.edit);
  const after = await client.waitForDiagnostics(uri, (p) => !p.diagnostics.some((d) => d.code === 'blocked-required' && /endpoint set 11/.test(typeof d.message === 'string' ? d.message : d.message.value)));
  const text = client.documents.get(uri)!.getText();
  assert.match(text, /<!-- BEGIN endpoint-lens sets-11 Worldwide \d+ -->\n\s*<!-- endpoint-lens parameters sets=11 -->/);
  assert.match(text, /<entry name="EL-SETS-11">[\s\S]*<action>allow<\/action>[\s\S]*<\/entry>\n\s*<!-- END endpoint-lens sets-11 -->\n\s*<entry name="Deny-Rest"/);
  assert.ok(!codes(after.diagnostics).includes('syntax-error'), 'the edited XML still parses');
});
