import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { HoverRequest, type Diagnostic, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { TestClient } from './client';

/**
 * The server without `workspace/configuration` (settings from initializationOptions, as a plain
 * LSP client would send them), hostile PAC files, binary and huge files: each gets a clear answer
 * and the server keeps serving other documents.
 */

let client: TestClient;

function messageOf(d: Diagnostic | undefined): string {
  return d === undefined ? '' : typeof d.message === 'string' ? d.message : d.message.value;
}

before(async () => {
  client = new TestClient();
  await client.initialize({ trusted: true, settings: { serviceAreas: ['SharePoint'], categories: ['Optimize'] } }, false);
});

after(async () => {
  await client.close();
});

const HOSTILE: Array<[string, string]> = [
  ['loop.pac', 'function FindProxyForURL(url, host) { while (true) {} }'],
  ['alloc.pac', 'function FindProxyForURL(url, host) { var s = "x"; for (;;) s += s; }'],
  ['escape.pac', 'function FindProxyForURL(url, host) { return require("child_process").execSync("id").toString(); }'],
  ['process.pac', 'function FindProxyForURL(url, host) { return process.env.HOME; }'],
  ['constructor.pac', 'function FindProxyForURL(url, host) { return this.constructor.constructor("return process")().pid; }'],
];

for (const [name, text] of HOSTILE) {
  test(`hostile PAC ${name} ends as pac-runtime-error and the server keeps answering`, async () => {
    const uri = await client.open(`examples/${name}`, 'pac', text);
    const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0, 30_000);
    assert.ok(published.diagnostics.some((d) => d.code === 'pac-runtime-error'), JSON.stringify(published.diagnostics.map((d) => d.message)));
    const other = await client.open(`examples/after-${name}.rules.v4`, 'iptables', '*filter\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -d 52.104.0.0/14 -j ACCEPT\nCOMMIT\n');
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: other }, position: { line: 2, character: 14 } });
    assert.match((hover?.contents as MarkupContent).value, /set 31/);
  });
}

test('settings from initializationOptions apply without workspace/configuration', async () => {
  const uri = await client.open('examples/scope.rules.v4', 'iptables', '*filter\n:OUTPUT DROP [0:0]\nCOMMIT\n');
  const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
  assert.equal(published.diagnostics.length, 1, 'only the SharePoint Optimize set is in scope');
  assert.match(messageOf(published.diagnostics[0]), /endpoint set 31 /);
});

test('a binary file gets a notice, not a crash', async () => {
  const uri = await client.open('examples/binary.rules.v4', 'iptables', '\u0000\u0001\u0002ELF\u0000\u0000garbage');
  const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
  assert.match(messageOf(published.diagnostics[0]), /binary file/);
});

test('a file over the size limit gets a notice, not a hang', async () => {
  const big = '*filter\n:OUTPUT ACCEPT [0:0]\n' + '-A OUTPUT -d 10.0.0.1 -j ACCEPT\n'.repeat(200_000) + 'COMMIT\n';
  const uri = await client.open('examples/huge.rules.v4', 'iptables', big);
  const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0, 30_000);
  assert.match(messageOf(published.diagnostics[0]), /analyses files up to/);
});

test('a hover on one document is answered while a large document is still being analysed', async () => {
  const small = await client.open('examples/small.rules.v4', 'iptables', '*filter\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -d 52.104.0.0/14 -j ACCEPT\nCOMMIT\n');
  await client.waitForDiagnostics(small);
  const rules = Array.from({ length: 60_000 }, (_, n) => `-A OUTPUT -p tcp --dport ${1024 + (n % 5000)} -d 10.${Math.floor(n / 250) % 250}.${n % 250}.0/24 -j ACCEPT`);
  const big = await client.open('examples/big.rules.v4', 'iptables', `*filter\n:OUTPUT DROP [0:0]\n${rules.join('\n')}\nCOMMIT\n`);
  const order: string[] = [];
  const diagnostics = client.waitForDiagnostics(big, (p) => p.diagnostics.length > 0, 120_000).then(() => order.push('big diagnostics'));
  // Let the analysis of the big file begin (it takes seconds) before asking about the small one.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const hover = client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: small }, position: { line: 2, character: 14 } }).then((h) => {
    order.push('hover');
    return h;
  });
  const answer = await hover;
  await diagnostics;
  assert.match((answer?.contents as MarkupContent).value, /set 31/);
  assert.deepEqual(order, ['hover', 'big diagnostics']);
});

test('files matched by endpointLens.exclude (relative to the workspace folder) get no diagnostics', async () => {
  const excluding = new TestClient({ exclude: ['examples/vendor/**'] });
  try {
    await excluding.initialize({ trusted: true });
    const text = '*filter\n:OUTPUT DROP [0:0]\nCOMMIT\n';
    const skipped = await excluding.open('examples/vendor/edge.rules.v4', 'iptables', text);
    const checked = await excluding.open('examples/own/edge.rules.v4', 'iptables', text);
    const own = await excluding.waitForDiagnostics(checked, (p) => p.diagnostics.length > 0);
    assert.ok(own.diagnostics.length > 0);
    const vendor = await excluding.waitForDiagnostics(skipped);
    assert.deepEqual(vendor.diagnostics, []);
  } finally {
    await excluding.close();
  }
});
