import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HoverRequest, type Diagnostic, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { ROOT, TestClient } from './client';

/** endpoint-lens.json and estates over LSP: the bundle is driven over stdio (`npm run build` first). */

const BRANCH = 'test/fixtures/estate/branch';
let client: TestClient;

before(async () => {
  client = new TestClient({});
  await client.initialize({ trusted: true });
});

after(async () => {
  await client.close();
});

const pathCodes = (diagnostics: Diagnostic[]): Diagnostic[] => diagnostics.filter((d) => d.code === 'path-inconsistent');

void test('a PAC file in an estate whose firewall agrees has no path-inconsistent diagnostic; the open firewall text is the one checked', async () => {
  const pac = await client.open(`${BRANCH}/proxy/wpad.dat`, 'pac');
  const agreeing = await client.waitForDiagnostics(pac, () => true);
  assert.deepEqual(pathCodes(agreeing.diagnostics), []);

  const rules = readFileSync(join(ROOT, BRANCH, 'fw', 'edge.rules.v4'), 'utf8').replace(/^-A FORWARD -s 10\.20\.0\.0\/16 -d \S+ -p udp --dport 443 -j ACCEPT\n/m, '');
  await client.open(`${BRANCH}/fw/edge.rules.v4`, 'iptables', rules);
  // A change of the project config re-checks every open file, with the firewall's open text.
  const config = await client.open(`${BRANCH}/endpoint-lens.json`, 'json');
  await client.edit(config, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, newText: '  "tenantName": "",\n' }]);
  const disagreeing = await client.waitForDiagnostics(pac, (p) => pathCodes(p.diagnostics).length > 0);
  const [d] = pathCodes(disagreeing.diagnostics);
  assert.equal(d!.range.start.line + 1, 5);
  assert.match(typeof d!.message === 'string' ? d!.message : d!.message.value, /DIRECT, but fw\/edge\.rules\.v4 blocks .* on UDP 443 from the clients/);
  assert.deepEqual(d!.relatedInformation?.map((r) => [r.location.uri.split('/').slice(-2).join('/'), r.location.range.start.line + 1]), [['fw/edge.rules.v4', 5], ['branch/endpoint-lens.json', 8]]);

  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: config }, position: { line: 8, character: 10 } });
  const text = (hover?.contents as MarkupContent | undefined)?.value ?? '';
  assert.match(text, /\*\*Estate "branch"\*\*/);
  assert.match(text, /Clients `10\.20\.0\.0\/16` run `proxy\/wpad\.dat`\./);
  assert.match(text, /Sets sent DIRECT: 1; sets sent to the proxy: \d+\./);
  assert.match(text, /- Estate "branch": this return sends/);
});

void test('bad values in an open endpoint-lens.json are config-problem diagnostics at the value', async () => {
  const uri = await client.open('test/fixtures/estate/endpoint-lens.json', 'json', '{\n  "noIPv6": "yes",\n  "severity": { "stale-entry": "loud" }\n}\n');
  const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
  assert.deepEqual(
    published.diagnostics.map((d) => `${String(d.code)} ${d.range.start.line + 1}:${d.range.start.character + 1} ${typeof d.message === 'string' ? d.message : ''}`),
    ['config-problem 2:13 noIPv6 must be true or false, not "yes".', 'config-problem 3:32 severity.stale-entry must be one of error, warning, information, hint, off, not "loud".'],
  );
});
