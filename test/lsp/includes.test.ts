import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DidCloseTextDocumentNotification, ExecuteCommandRequest, HoverRequest, type Diagnostic, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { join } from 'node:path';
import { ROOT, TestClient } from './client';
import { SERVER_COMMANDS, type CheckWorkspaceResult } from '../../server/src/protocol';

/** Includes over the protocol: a snippet opened alone is read in the configuration that includes it (needs the bundle). */

const TREE = 'test/fixtures/includes/nginx';
let client: TestClient;

before(async () => {
  client = new TestClient({});
  await client.initialize({ trusted: true }, true, true, join(ROOT, 'test', 'fixtures', 'includes'));
});

after(async () => {
  await client.close();
});

const inContext = (d: Diagnostic): boolean => (d.relatedInformation ?? []).some((r) => r.message === 'Included from 10-exchange.conf line 6' && r.location.uri.endsWith('/conf.d/10-exchange.conf'));

test('a snippet opened alone gets the findings of the configuration that includes it, and its first line says which', async () => {
  const snippet = await client.open(`${TREE}/snippets/hybrid-allow.conf`, 'nginx');
  const published = await client.waitForDiagnostics(snippet, (p) => p.diagnostics.some(inContext));
  const blocked = published.diagnostics.find(inContext)!;
  assert.equal(blocked.code, 'blocked-required');
  assert.equal(blocked.range.start.line, 3);
  assert.equal(published.version, 1);
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: snippet }, position: { line: 0, character: 2 } });
  assert.match((hover?.contents as MarkupContent).value, /Read as part of the configuration of nginx\.conf \(included from 10-exchange\.conf line 6\)/);
});

test('editing the snippet analyses the file that includes it again; closing it reads it from disk again', async () => {
  const snippet = client.uriOf(`${TREE}/snippets/hybrid-allow.conf`);
  const site = await client.open(`${TREE}/conf.d/10-exchange.conf`, 'nginx');
  const shadowed = (p: { diagnostics: Diagnostic[] }): boolean => p.diagnostics.some((d) => d.code === 'shadowed-rule' && d.range.start.line === 6);
  await client.waitForDiagnostics(site, shadowed);
  // Without `deny all` in the snippet, the allow written after the include is no longer hidden.
  await client.edit(snippet, [{ range: { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } }, newText: '' }]);
  const after = await client.waitForDiagnostics(site, (p) => !shadowed(p) && p.diagnostics.some((d) => d.code === 'include-problem'));
  assert.deepEqual(after.diagnostics.map((d) => [d.code, d.range.start.line]), [['include-problem', 11], ['include-problem', 20]]);
  const edited = await client.waitForDiagnostics(snippet, (p) => p.version === 2);
  assert.ok(!edited.diagnostics.some((d) => d.code === 'blocked-required'), 'the snippet lets everything through now');
  await client.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: snippet } });
  client.documents.delete(snippet);
  await client.waitForDiagnostics(site, shadowed);
});

test('Check workspace publishes diagnostics for files that are not open, each in its configuration', async () => {
  const loop = client.uriOf(`${TREE}/snippets/loop-b.conf`);
  const waiting = client.waitForDiagnostics(loop, (p) => p.diagnostics.some((d) => d.code === 'include-problem'));
  const result = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: SERVER_COMMANDS.checkWorkspace, arguments: [{}] })) as CheckWorkspaceResult;
  const published = await waiting;
  assert.match(published.diagnostics[0]!.message as string, /includes itself through loop-a\.conf → loop-b\.conf → loop-a\.conf/);
  assert.ok(result.files >= 10, `files checked: ${result.files}`);
  assert.ok(result.findings > 0);
});

test('an nftables include found only in the include path of endpoint-lens.json resolves in the editor', async () => {
  const main = await client.open('test/fixtures/includes/include-path/fw/main.nft', 'nftables');
  const published = await client.waitForDiagnostics(main, (p) => p.version === 1);
  assert.ok(!published.diagnostics.some((d) => d.code === 'include-problem' || d.code === 'syntax-error'), JSON.stringify(published.diagnostics.map((d) => [d.code, d.message])));
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: main }, position: { line: 0, character: 2 } });
  assert.match((hover?.contents as MarkupContent).value, /Read with the 1 files it includes/);
});
