import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CodeActionKind,
  CodeActionRequest,
  ExecuteCommandRequest,
  HoverRequest,
  TextDocumentEdit,
  type CodeAction,
  type Diagnostic,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { ROOT, TestClient } from './client';
import { iptablesFile } from '../bench/generate';
import { stormEdit } from './storm';
import { seededRandom } from '../seeded';
import { SERVER_COMMANDS, type InsertPolicyResult } from '../../server/src/protocol';

/**
 * Versions over the real protocol: what the server publishes and the edits it hands out belong
 * to exactly one version of the document, however fast that document changes.
 */

const client = new TestClient({});
before(() => client.initialize({ trusted: true }));
after(() => client.close());

function summary(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${String(d.code)} ${d.severity} ${typeof d.message === 'string' ? d.message : d.message.value}`).sort();
}

/** The version each part of an edit is marked with; `changes` (unversioned) gives none. */
function versionsOf(edit: WorkspaceEdit | undefined): Array<number | null> {
  assert.ok(edit, 'an edit');
  assert.equal(edit.changes, undefined, 'versioned edits only, never `changes`');
  return (edit.documentChanges ?? []).map((c) => (TextDocumentEdit.is(c) ? c.textDocument.version : null));
}

async function codeActions(uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
  const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics, ...(only ? { only } : {}) } })) as CodeAction[];
}

test('after an edit storm with hovers and code actions in flight, the diagnostics are those of the final text', { timeout: 120_000 }, async () => {
  const uri = await client.open('examples/storm.rules.v4', 'iptables', iptablesFile(3000));
  let published = await client.waitForDiagnostics(uri, () => true, 60_000);
  const next = seededRandom(0x5702);
  const inflight: Array<Promise<void>> = [];
  let versionedActions = 0;
  for (let i = 0; i < 400; i++) {
    const askedAt = client.documents.get(uri)!.version;
    if (i % 4 === 0 && published.diagnostics.length > 0) {
      // The editor asks for the fixes under the cursor and the user types on before they arrive.
      const diagnostics = published.diagnostics.slice(0, 3);
      inflight.push(
        codeActions(uri, diagnostics).then((actions) => {
          for (const action of actions) for (const version of versionsOf(action.edit)) assert.equal(version, askedAt, `${action.title}: made for the version it was asked about`);
          versionedActions += actions.length;
        }),
      );
    }
    await client.edit(uri, [stormEdit(client.documents.get(uri)!.getText(), next)]);
    if (i % 3 === 0) {
      const line = 6 + Math.floor(next() * 2000);
      inflight.push(client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: 14 } }).then(() => undefined));
    }
    // An editor sends a change per keystroke; now and then the keyboard pauses and the cursor rests on a diagnostic.
    if (i % 50 === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      published = await client.waitForDiagnostics(uri, () => true, 60_000).catch(() => published);
      const restingAt = client.documents.get(uri)!.version;
      if (published.version === restingAt && published.diagnostics.length > 0) {
        const actions = await codeActions(uri, published.diagnostics.slice(0, 3));
        for (const action of actions) assert.deepEqual(versionsOf(action.edit), [restingAt], action.title);
        versionedActions += actions.length;
      }
    }
  }
  await Promise.all(inflight);
  assert.ok(versionedActions > 0, 'code actions asked while their diagnostics were current have edits');
  const final = await client.waitForDiagnostics(uri, () => true, 60_000);
  assert.equal(final.version, client.documents.get(uri)!.version, 'published under the final version');
  const fresh = await client.open('examples/storm-fresh.rules.v4', 'iptables', client.documents.get(uri)!.getText());
  const expected = await client.waitForDiagnostics(fresh, () => true, 60_000);
  assert.ok(expected.diagnostics.length > 10, 'the final text has plenty to say');
  assert.deepEqual(summary(final.diagnostics), summary(expected.diagnostics));
});

test('every edit the server hands out carries the version it was computed for', { timeout: 60_000 }, async () => {
  // Quick fixes, suppressions and fix-all.
  const nginx = await client.open('examples/versioned.nginx.conf', 'nginx', readFileSync(join(ROOT, 'examples', 'exchange-hybrid.nginx.conf'), 'utf8'));
  const published = await client.waitForDiagnostics(nginx, (p) => p.diagnostics.some((d) => d.code === 'host-bits-set'));
  const version = client.documents.get(nginx)!.version;
  const hostBits = published.diagnostics.filter((d) => d.code === 'host-bits-set');
  const quick = await codeActions(nginx, hostBits);
  assert.ok(quick.some((a) => a.isPreferred) && quick.some((a) => a.title.startsWith('Suppress')), quick.map((a) => a.title).join(' | '));
  const fixAll = await codeActions(nginx, [], [`${CodeActionKind.SourceFixAll}.endpointLens`]);
  assert.equal(fixAll.length, 1);
  for (const action of [...quick, ...fixAll]) assert.deepEqual(versionsOf(action.edit), [version], action.title);

  // An edit that arrives after the document moved on is refused, as an editor refuses it.
  const stale = quick.find((a) => a.isPreferred)!;
  await client.edit(nginx, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '# moved on\n' }]);
  assert.equal(client.applyWorkspaceEdit(stale.edit!), false);

  // Commands: the insert command and refreshing a managed block send workspace/applyEdit.
  client.appliedEdits.length = 0;
  const acl = await client.open('examples/versioned.asa', 'cisco', 'access-list outside_in extended deny ip any any\naccess-group outside_in in interface outside\n');
  await client.waitForDiagnostics(acl);
  const aclVersion = client.documents.get(acl)!.version;
  const inserted = (await client.connection.sendRequest(ExecuteCommandRequest.type, {
    command: SERVER_COMMANDS.insertPolicy,
    arguments: [{ uri: acl, policy: 'exchange-hybrid', features: ['mail-flow'], serverAddresses: ['203.0.113.25'] }],
  })) as InsertPolicyResult;
  assert.equal(inserted.applied, true, inserted.message);
  const block = await client.open('examples/versioned-block.rules.v4', 'iptables', readFileSync(join(ROOT, 'test', 'fixtures', 'findings', 'iptables', 'outdated-block.rules.v4'), 'utf8'));
  await client.waitForDiagnostics(block);
  const blockVersion = client.documents.get(block)!.version;
  const refreshed = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: SERVER_COMMANDS.refreshManagedBlocks, arguments: [{ uri: block }] })) as InsertPolicyResult;
  assert.equal(refreshed.applied, true, refreshed.message);
  assert.deepEqual(client.appliedEdits.map(versionsOf), [[aclVersion], [blockVersion]]);
});

test('a code action asked with diagnostics of an older version gets no edit for the new text', { timeout: 60_000 }, async () => {
  const uri = await client.open('examples/stale.nginx.conf', 'nginx', readFileSync(join(ROOT, 'examples', 'exchange-hybrid.nginx.conf'), 'utf8'));
  const old = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'host-bits-set'));
  const hostBits = old.diagnostics.filter((d) => d.code === 'host-bits-set');
  // Two lines above everything: the old diagnostics' ranges now point at other text.
  await client.edit(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '# one\n# two\n' }]);
  assert.deepEqual(await codeActions(uri, hostBits), []);
  const current = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'host-bits-set'));
  const actions = await codeActions(uri, current.diagnostics.filter((d) => d.code === 'host-bits-set'));
  assert.ok(actions.length > 0);
  for (const action of actions) assert.deepEqual(versionsOf(action.edit), [current.version]);
});

test('a client without versioned edits gets `changes`', { timeout: 60_000 }, async () => {
  const plain = new TestClient({});
  try {
    await plain.initialize({ trusted: true }, true, false);
    const uri = await plain.open('examples/plain.nginx.conf', 'nginx', readFileSync(join(ROOT, 'examples', 'exchange-hybrid.nginx.conf'), 'utf8'));
    const published = await plain.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'host-bits-set'));
    const diagnostic = published.diagnostics.find((d) => d.code === 'host-bits-set')!;
    const actions = (await plain.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
    const preferred = actions.find((a) => a.isPreferred);
    assert.ok(preferred?.edit?.changes?.[uri], 'unversioned edits for a client that cannot take versioned ones');
    assert.equal(preferred.edit.documentChanges, undefined);
  } finally {
    await plain.close();
  }
});

test('edits that change the verdict and back change the diagnostics each time, each for its own version', { timeout: 60_000 }, async () => {
  const uri = await client.open('examples/verdict-flip.rules.v4', 'iptables', '*filter\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n');
  const policy = { start: { line: 1, character: 8 }, end: { line: 1, character: 14 } };
  assert.deepEqual((await client.waitForDiagnostics(uri)).diagnostics, []);
  await client.edit(uri, [{ range: policy, newText: 'DROP' }]);
  const dropped = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
  assert.equal(dropped.version, 2);
  assert.ok(dropped.diagnostics.every((d) => d.code === 'blocked-required'));
  await client.edit(uri, [{ range: { start: policy.start, end: { line: 1, character: 12 } }, newText: 'ACCEPT' }]);
  const accepted = await client.waitForDiagnostics(uri);
  assert.equal(accepted.version, 3);
  assert.deepEqual(accepted.diagnostics, []);
  await client.edit(uri, [{ range: policy, newText: 'DROP' }]);
  const again = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
  assert.equal(again.version, 4);
  assert.deepEqual(summary(again.diagnostics), summary(dropped.diagnostics));
  for (const diagnostic of again.diagnostics) assert.equal((diagnostic.data as { version?: number } | undefined)?.version, 4);
  const actions = await codeActions(uri, again.diagnostics.slice(0, 1));
  assert.ok(actions.length > 0, 'the blocked set has a fix');
  for (const action of actions) assert.deepEqual(versionsOf(action.edit), [4]);
});
