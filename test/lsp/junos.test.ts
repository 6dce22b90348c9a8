import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CodeActionRequest, HoverRequest, TextDocumentEdit, type CodeAction, type Diagnostic, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { TestClient } from './client';

/** A curly-brace Junos configuration through the language server over stdio: the hover on a predefined application, and the verified quick fix. */

let client: TestClient;

before(async () => {
  client = new TestClient({ serviceAreas: ['Skype'] });
  await client.initialize({ trusted: true });
});

after(async () => {
  await client.close();
});

const FILE = 'test/fixtures/findings/junos/srx-teams-partial.junos';

function messageOf(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

test('hover over a predefined Junos application says which ports the device gives it', async () => {
  const uri = await client.open(FILE, 'junos');
  await client.waitForDiagnostics(uri, () => true);
  const lines = client.documents.get(uri)!.getText().split('\n');
  const line = lines.findIndex((l) => l.includes('junos-https'));
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: lines[line]!.indexOf('junos-https') + 2 } });
  assert.ok(hover);
  assert.match((hover.contents as MarkupContent).value, /\*\*junos-https\*\* is a predefined Junos application: TCP 443\./);
});

test('the blocked-required quick fix writes a policy in front of the deny, natively in the curly-brace form, and the finding goes away', async () => {
  const uri = client.uriOf(FILE);
  const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'blocked-required'));
  const diagnostic = published.diagnostics.find((d) => d.code === 'blocked-required' && /endpoint set 12/.test(messageOf(d)));
  assert.ok(diagnostic, published.diagnostics.map(messageOf).join('\n'));
  const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
  const suppression = actions.find((a) => a.title === 'Suppress blocked-required on this line')?.edit?.documentChanges?.find(TextDocumentEdit.is)?.edits[0];
  assert.ok(suppression && 'newText' in suppression, 'a suppression is offered');
  assert.match(suppression.newText, /^\s*# endpoint-lens-disable-next-line blocked-required\r?\n$/);
  const preferred = actions.find((a) => a.isPreferred);
  assert.ok(preferred?.edit, `actions: ${actions.map((a) => a.title).join(' | ')}`);
  assert.equal(preferred.title, 'Insert rules that allow endpoint set 12 (Microsoft Teams, Allow)');
  client.applyWorkspaceEdit(preferred.edit);
  const afterFix = await client.waitForDiagnostics(uri, (p) => !p.diagnostics.some((d) => d.code === 'blocked-required' && /endpoint set 12/.test(messageOf(d))));
  const text = client.documents.get(uri)!.getText();
  assert.match(text, /\n {12}# END endpoint-lens sets-12\n {12}policy deny-rest \{/);
  assert.match(text, /\n {12}address-set EL-SETS-12-M365 \{\n/);
  assert.ok(!/^set /m.test(text));
  assert.ok(!afterFix.diagnostics.some((d) => d.code === 'syntax-error'), 'the edited configuration still parses');
});
