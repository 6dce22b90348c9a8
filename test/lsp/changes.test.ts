import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ExecuteCommandRequest, HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { TestClient } from './client';
import { SERVER_COMMANDS, type MarkdownReport } from '../../server/src/protocol';

/** History over the protocol: a hover names an other-endpoints row's revisions, the report lists them. */

let client: TestClient;

before(async () => {
  client = new TestClient({});
  await client.initialize({ trusted: true });
});

after(async () => {
  await client.close();
});

const GRAPH = 'server {\n    listen 443 ssl;\n    location /notify {\n        allow 20.190.128.0/18;\n        deny all;\n    }\n}\n';

test('a hover over an address of other-endpoints row 23 shows the row history in one line and the set that holds the same range', async () => {
  const uri = await client.open('examples/graph-hover.nginx.conf', 'nginx', GRAPH);
  await client.waitForDiagnostics(uri);
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 3, character: 16 } });
  assert.ok(hover, 'a hover');
  const text = (hover.contents as MarkupContent).value;
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
