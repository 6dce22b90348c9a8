import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExecuteCommandRequest } from 'vscode-languageserver-protocol/node';
import { ROOT, TestClient } from './client';
import { SERVER_COMMANDS, type MarkdownReport } from '../../server/src/protocol';
import { cli } from '../unit/cli/subprocess';

/** "Test this PAC file against the catalogue" in the editor and `pac-test` on the command line are one grid. */

let client: TestClient;

before(async () => {
  client = new TestClient({});
  await client.initialize({ trusted: true });
});

after(async () => {
  await client.close();
});

for (const path of ['examples/proxy.pac', 'test/fixtures/pac-test/branch.pac']) {
  test(`pac-test --format markdown prints exactly the editor command's report for ${path}`, async () => {
    const uri = await client.open(path, 'pac', readFileSync(join(ROOT, path), 'utf8'));
    await client.waitForDiagnostics(uri);
    const report = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: SERVER_COMMANDS.testPac, arguments: [{ uri }] })) as MarkdownReport;
    const run = cli(['pac-test', path, '--format', 'markdown', '--shipped']);
    assert.notEqual(run.code, 2, run.err);
    assert.equal(run.out, report.markdown);
    assert.ok(report.markdown.split('\n').length > 200);
  });
}
