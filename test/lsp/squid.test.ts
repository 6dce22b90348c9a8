import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CodeActionRequest, HoverRequest, type CodeAction, type Diagnostic, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { TestClient } from './client';

/** A squid.conf through the language server over stdio: the hover over a parent proxy, and the verified quick fix for TLS inspection. */

let client: TestClient;

before(async () => {
  client = new TestClient({ categories: ['Optimize', 'Allow'] });
  await client.initialize({ trusted: true });
});

after(async () => {
  await client.close();
});

const FILE = 'examples/squid.conf';

function messageOf(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

test('hover over cache_peer says the traffic is chained to an upstream proxy', async () => {
  const uri = await client.open(FILE, 'squid');
  await client.waitForDiagnostics(uri, () => true);
  const lines = client.documents.get(uri)!.getText().split('\n');
  const line = lines.findIndex((l) => l.startsWith('cache_peer'));
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: 2 } });
  assert.ok(hover);
  assert.match((hover.contents as MarkupContent).value, /Upstream proxy.*parent proxy\.isp\.example:8080/s);
});

test('the tls-inspected quick fix splices the set before the bump, and the finding goes away', async () => {
  const uri = client.uriOf(FILE);
  const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'tls-inspected'));
  const diagnostic = published.diagnostics.find((d) => d.code === 'tls-inspected' && /endpoint set 1 /.test(messageOf(d)));
  assert.ok(diagnostic, published.diagnostics.map(messageOf).join('\n'));
  assert.equal(diagnostic.severity, 1, 'an error for an Optimize set');
  const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
  const preferred = actions.find((a) => a.isPreferred);
  assert.ok(preferred?.edit, `actions: ${actions.map((a) => a.title).join(' | ')}`);
  assert.equal(preferred.title, 'Insert rules that exempt endpoint set 1 (Exchange Online, Optimize) from TLS inspection');
  client.applyWorkspaceEdit(preferred.edit);
  const after = await client.waitForDiagnostics(uri, (p) => !p.diagnostics.some((d) => d.code === 'tls-inspected' && /endpoint set 1 /.test(messageOf(d))));
  const text = client.documents.get(uri)!.getText();
  const splice = text.indexOf('ssl_bump splice endpoint_lens_sets-1_1_hosts');
  assert.ok(splice >= 0 && splice < text.indexOf('ssl_bump peek step1'), 'the splice comes before the first ssl_bump line');
  assert.ok(text.indexOf('http_access allow endpoint_lens_sets-1_1_hosts') < text.indexOf('http_access deny !authenticated'), 'and the allow before the authentication rule');
  assert.ok(!after.diagnostics.some((d) => d.code === 'syntax-error' && d.severity === 1));
});
