import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CodeActionRequest,
  ExecuteCommandRequest,
  HoverRequest,
  type CodeAction,
  type Diagnostic,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, TestClient } from './client';
import { detectDialect } from '../../server/src/dialects/detect';
import { SERVER_COMMANDS, type InsertPolicyResult, type MarkdownReport } from '../../server/src/protocol';
import { cli } from '../unit/cli/subprocess';

/**
 * The language server driven over stdio by a real LSP client, as any editor would: these tests need
 * the bundle (`npm run build`, which `npm test` runs first).
 */

let client: TestClient;

before(async () => {
  client = new TestClient({});
  await client.initialize({ trusted: true });
});

after(async () => {
  await client.close();
});

function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => String(d.code));
}

function messageOf(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

function markdownOf(contents: unknown): string {
  return (contents as MarkupContent).value;
}

/** What each example shows first; an example not named here must still have a finding at warning or above. */
const EXPECTED_CODE: Record<string, string> = {
  'egress.rules.v4': 'blocked-required',
  'm365.nft': 'blocked-required',
  'asa-edge.asa': 'shadowed-rule',
  'proxy.pac': 'proxied-optimize',
  'exchange-hybrid.nginx.conf': 'host-bits-set',
  'squid.conf': 'tls-inspected',
};

/** Every file of examples/ (one per dialect), opened with the language its dialect contributes. */
const EXAMPLES = readdirSync(join(ROOT, 'examples'))
  .sort()
  .map((name) => {
    const path = `examples/${name}`;
    const detected = detectDialect(path, readFileSync(join(ROOT, path), 'utf8'));
    assert.ok(detected, `${path} is recognised`);
    return { path, languageId: detected.dialect.language.id, expected: EXPECTED_CODE[name] };
  });

for (const { path, languageId, expected } of EXAMPLES) {
  test(`diagnostics are pushed for ${path}`, async () => {
    const uri = await client.open(path, languageId);
    const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
    if (expected) assert.ok(codes(published.diagnostics).includes(expected), `${path}: ${codes(published.diagnostics).join(', ')}`);
    assert.ok(published.diagnostics.some((d) => (d.severity ?? 1) <= 2), `${path}: some finding at warning or above`);
    for (const d of published.diagnostics) {
      assert.equal(d.source, 'Endpoint Lens');
      assert.match(String(d.codeDescription?.href), /README\.md#/);
    }
  });
}

test('hover over an address shows its catalogue rows as a markdown table', async () => {
  const uri = client.uriOf('examples/egress.rules.v4');
  const document = client.documents.get(uri)!;
  const line = document.getText().split('\n').findIndex((l) => l.includes('52.112.0.0/15'));
  const character = document.getText().split('\n')[line]!.indexOf('52.112.0.0/15') + 3;
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
  assert.ok(hover, 'a hover');
  const text = markdownOf(hover.contents);
  assert.match(text, /\*\*52\.112\.0\.0\/15\*\*/);
  assert.match(text, /\| set 11 \| Microsoft Teams \| Optimize \| yes \|/);
  assert.match(text, /52\.112\.0\.0\/14/);
  assert.match(text, /52\.112\.0\.0\/15 lies inside 52\.112\.0\.0\/14 \(set 11\)/);
  assert.match(text, /2026081400/);
});

test('hover over a non-catalogue address says so briefly', async () => {
  const uri = client.uriOf('examples/egress.rules.v4');
  const lines = client.documents.get(uri)!.getText().split('\n');
  const line = lines.findIndex((l) => l.includes('10.20.0.53/32'));
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: lines[line]!.indexOf('10.20.0.53') + 2 } });
  assert.match(markdownOf(hover?.contents), /not in the Microsoft 365 catalogue/);
});

test('hover over a retired catalogue host says when it left the catalogue', async () => {
  const uri = client.uriOf('examples/proxy.pac');
  const lines = client.documents.get(uri)!.getText().split('\n');
  const line = lines.findIndex((l) => l.includes('www.acompli.com'));
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: lines[line]!.indexOf('acompli') } });
  const text = markdownOf(hover?.contents);
  assert.match(text, /not in the Microsoft 365 catalogue/);
  assert.match(text, /www\.acompli\.com was in set 105 until version 2026073100/);
});

test('the quick fix for host bits set applies and the diagnostic goes away', async () => {
  const uri = client.uriOf('examples/exchange-hybrid.nginx.conf');
  const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
  const diagnostic = published.diagnostics.find((d) => d.code === 'host-bits-set');
  assert.ok(diagnostic);
  const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic] },
  })) as CodeAction[];
  const preferred = actions.find((a) => a.isPreferred);
  assert.ok(preferred?.edit, `actions: ${actions.map((a) => a.title).join(' | ')}`);
  assert.equal(preferred.title, 'Change to 40.104.0.0/15');
  assert.ok(actions.some((a) => a.title === 'Suppress host-bits-set on this line'));
  client.applyWorkspaceEdit(preferred.edit);
  const after = await client.waitForDiagnostics(uri, (p) => !codes(p.diagnostics).includes('host-bits-set'));
  assert.ok(client.documents.get(uri)!.getText().includes('allow 40.104.0.0/15;'));
  assert.ok(!codes(after.diagnostics).includes('host-bits-set'));
});

test('the pac-wildcard-gap quick fix also matches the apex, and the finding goes away', async () => {
  const uri = client.uriOf('examples/proxy.pac');
  const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'pac-wildcard-gap'));
  const diagnostic = published.diagnostics.find((d) => d.code === 'pac-wildcard-gap')!;
  const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
  const fix = actions.find((a) => a.isPreferred);
  assert.equal(fix?.title, 'Also match teams.microsoft.com');
  client.applyWorkspaceEdit(fix.edit!);
  assert.match(client.documents.get(uri)!.getText(), /shExpMatch\(host, "\*\.teams\.microsoft\.com"\) \|\| host == "teams\.microsoft\.com" \|\|/);
  const after = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
  assert.ok(!codes(after.diagnostics).includes('pac-wildcard-gap'));
});

test('inserting the missing rules for a blocked set makes its finding go away', async () => {
  const uri = client.uriOf('examples/egress.rules.v4');
  const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
  const diagnostic = published.diagnostics.find((d) => d.code === 'blocked-required' && messageOf(d).includes('endpoint set 11 '));
  assert.ok(diagnostic, codes(published.diagnostics).join(','));
  const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
  const insert = actions.find((a) => a.isPreferred && a.title.startsWith('Insert rules'));
  assert.ok(insert?.edit, actions.map((a) => a.title).join(' | '));
  client.applyWorkspaceEdit(insert.edit);
  const text = client.documents.get(uri)!.getText();
  assert.match(text, /BEGIN endpoint-lens sets-11 Worldwide 2026081400/);
  const after = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
  assert.ok(!after.diagnostics.some((d) => d.code === 'blocked-required' && messageOf(d).includes('endpoint set 11 ')), after.diagnostics.map(messageOf).join('\n'));
});

test('an edit re-checks the document (incremental sync)', async () => {
  const uri = await client.open('examples/scratch.rules.v4', 'iptables', '*filter\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n');
  const first = await client.waitForDiagnostics(uri);
  assert.deepEqual(codes(first.diagnostics), []);
  await client.edit(uri, [{ range: { start: { line: 1, character: 8 }, end: { line: 1, character: 14 } }, newText: 'DROP' }]);
  assert.equal(client.documents.get(uri)!.getText(), '*filter\n:OUTPUT DROP [0:0]\nCOMMIT\n');
  const second = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
  assert.ok(codes(second.diagnostics).every((c) => c === 'blocked-required'));
  assert.ok(second.diagnostics.length >= 5, 'one diagnostic per blocked set, not per address');
  assert.ok(second.diagnostics.length < 20);
});

test('Insert Exchange hybrid rules through the server command edits the file', async () => {
  const uri = await client.open('examples/hybrid.asa', 'cisco', 'access-list outside_in extended deny ip any any\naccess-group outside_in in interface outside\n');
  await client.waitForDiagnostics(uri);
  const result = (await client.connection.sendRequest(ExecuteCommandRequest.type, {
    command: SERVER_COMMANDS.insertPolicy,
    arguments: [{ uri, policy: 'exchange-hybrid', features: ['mail-flow', 'mailbox-migration'], serverAddresses: ['203.0.113.25'] }],
  })) as InsertPolicyResult;
  assert.equal(result.applied, true, result.message);
  const text = client.documents.get(uri)!.getText();
  assert.match(text, /! BEGIN endpoint-lens exchange-hybrid-inbound Worldwide 2026081400/);
  assert.ok(text.indexOf('BEGIN endpoint-lens') < text.indexOf('deny ip any any'), 'the block goes before the rule that would shadow it');
  const again = (await client.connection.sendRequest(ExecuteCommandRequest.type, {
    command: SERVER_COMMANDS.insertPolicy,
    arguments: [{ uri, policy: 'exchange-hybrid', features: ['mail-flow', 'mailbox-migration'], serverAddresses: ['203.0.113.25'] }],
  })) as InsertPolicyResult;
  assert.equal(client.documents.get(uri)!.getText(), text, `inserting twice equals once: ${again.message}`);
});

test('the PAC test command answers with a grid per set', async () => {
  const uri = client.uriOf('examples/proxy.pac');
  const report = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: SERVER_COMMANDS.testPac, arguments: [{ uri }] })) as MarkdownReport;
  assert.match(report.markdown, /\| 31 \| Optimize \| `probe\.sharepoint\.com` \| PROXY proxy\.corp\.example:8080; DIRECT \| 26 \| ⚠ \|/);
  assert.match(report.markdown, /\| 1 \| Optimize \| `outlook\.office\.com` \| DIRECT \| 20 \|/);
});

// "Test this PAC file against the catalogue" in the editor and `pac-test` on the command line are one grid.
for (const path of ['examples/proxy.pac', 'test/fixtures/pac-test/branch.pac']) {
  test(`pac-test --format markdown prints exactly the editor command's report for ${path}`, async () => {
    // A document of its own: earlier tests edit the open examples.
    const uri = await client.open(path.replace(/\.pac$/, '-as-on-disk.pac'), 'pac', readFileSync(join(ROOT, path), 'utf8'));
    const report = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: SERVER_COMMANDS.testPac, arguments: [{ uri }] })) as MarkdownReport;
    const run = cli(['pac-test', path, '--format', 'markdown', '--shipped']);
    assert.notEqual(run.code, 2, run.err);
    assert.equal(run.out, report.markdown);
    assert.ok(report.markdown.split('\n').length > 200);
  });
}
const GRAPH = 'server {\n    listen 443 ssl;\n    location /notify {\n        allow 20.190.128.0/18;\n        deny all;\n    }\n}\n';

test('a hover over an address of other-endpoints row 23 shows the row history in one line and the set that holds the same range', async () => {
  const uri = await client.open('examples/graph-hover.nginx.conf', 'nginx', GRAPH);
  await client.waitForDiagnostics(uri);
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 3, character: 16 } });
  assert.ok(hover, 'a hover');
  const text = markdownOf(hover.contents);
  assert.match(text, /- Other-endpoints row 23: \+38 addresses, \+16 CIDRs, −12 addresses on 2025-01-08\. 20\.190\.128\.0\/18 came with the 2025-01-08 revision\./);
  assert.match(text, /- Other-endpoints row 23: 16 of its 106 addresses are also in endpoint set 56, so one allow-list entry serves both\. 20\.190\.128\.0\/18 is set 56's own entry\./);
});

test('the catalogue report lists other-endpoints row revisions next to web-service changes', async () => {
  const report = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: SERVER_COMMANDS.catalogReport, arguments: [{ sinceVersion: '2024123100' }] })) as MarkdownReport;
  assert.match(report.markdown, /^# Catalogue changes for Worldwide since version 2025120100\n/, 'nothing older is stored, so the report starts at the oldest stored version');
  assert.match(report.markdown, /## Set 193: /);
  assert.match(report.markdown, /## Other endpoints \(revision 2025-01-08, shipped with Endpoint Lens 0\.1\.0\)\n\nThese rows have no feed; they change only when a new release of Endpoint Lens ships them\./);
  assert.match(report.markdown, /- Row 23 \([^\n]+\): \+38 addresses, \+16 CIDRs, −12 addresses on 2025-01-08: [^\n]+\n {2}- not permitted by graph-hover\.nginx\.conf line 5\n/, 'the open file allows one of the addresses the revision added');
  assert.ok(report.markdown.indexOf('## Set 193') < report.markdown.indexOf('## Other endpoints'));
});
