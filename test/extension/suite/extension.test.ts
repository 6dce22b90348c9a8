import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'endpoint-lens.endpoint-lens';

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite runs with the examples folder open');
  return vscode.Uri.joinPath(folder.uri, name);
}

async function open(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(name));
  return vscode.window.showTextDocument(document);
}

function positionOf(document: vscode.TextDocument, text: string, occurrence = 0): vscode.Position {
  let index = -1;
  for (let n = 0; n <= occurrence; n++) {
    index = document.getText().indexOf(text, index + 1);
    assert.notEqual(index, -1, `${text} occurs in ${document.fileName}`);
  }
  return document.positionAt(index);
}

function codeOf(diagnostic: vscode.Diagnostic): string | number | undefined {
  const code = diagnostic.code;
  return typeof code === 'object' ? code.value : code;
}

/** Polls until `check` returns a value; the server answers asynchronously. */
async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

describe('Endpoint Lens in the extension host', () => {
  before(async () => {
    await open('egress.rules.v4');
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed in the development host`);
    await extension.activate();
  });

  it('activates for an iptables file and gives it the iptables language', () => {
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.equal(vscode.window.activeTextEditor?.document.languageId, 'iptables');
  });

  it('contributes every command under the Endpoint Lens category', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['insertExchangeHybrid', 'insertEndpointSets', 'insertGraphNotifications', 'refreshManagedBlocks', 'updateCatalog', 'showCatalogReport', 'testPac', 'showOutput']) {
      assert.ok(commands.includes(`endpointLens.${id}`), `endpointLens.${id} is registered`);
    }
  });

  it('reports a blocked required endpoint in the Problems panel', async () => {
    const uri = workspaceFile('egress.rules.v4');
    const diagnostics = await eventually('diagnostics for egress.rules.v4', () => {
      const found = vscode.languages.getDiagnostics(uri);
      return found.some((d) => codeOf(d) === 'blocked-required') ? found : undefined;
    });
    const blocked = diagnostics.filter((d) => codeOf(d) === 'blocked-required');
    assert.ok(blocked.every((d) => d.severity === vscode.DiagnosticSeverity.Error));
    assert.ok(blocked.some((d) => /endpoint set 1\b/.test(d.message)), blocked.map((d) => d.message).join('\n'));
    assert.ok(diagnostics.some((d) => codeOf(d) === 'host-bits-set'));
  });

  it('hovers an address with its catalogue rows', async () => {
    const document = (await open('egress.rules.v4')).document;
    const position = positionOf(document, '52.96.0.0/14').translate(0, 2);
    const hovers = await eventually('a hover', async () => {
      const result = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
      return result.length > 0 ? result : undefined;
    });
    const text = hoverText(hovers);
    assert.match(text, /Exchange Online/);
    assert.match(text, /Optimize/);
  });

  it('offers the quick fix that clears host bits', async () => {
    const document = (await open('egress.rules.v4')).document;
    const start = positionOf(document, '40.108.130.0/17');
    const range = new vscode.Range(start, start.translate(0, '40.108.130.0/17'.length));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, range);
    const fix = actions.find((a) => a.title === 'Change to 40.108.128.0/17');
    assert.ok(fix, actions.map((a) => a.title).join(', '));
    assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
    assert.ok(fix.edit, 'the fix carries its edit');
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.ok(document.getText().includes('40.108.128.0/17'));
    assert.ok(!document.getText().includes('40.108.130.0/17'));
  });

  it('inserts Exchange hybrid rules from given input, once even when run twice', async () => {
    const document = (await open('exchange-hybrid.nginx.conf')).document;
    const args = { features: ['mailbox-migration', 'autodiscover'], serverAddresses: ['10.10.5.25'] };
    const first = await vscode.commands.executeCommand<{ applied: boolean; message: string }>('endpointLens.insertExchangeHybrid', args);
    assert.ok(first?.applied, first?.message);
    await eventually('the inserted block', () => (document.getText().includes('BEGIN endpoint-lens exchange-hybrid') ? true : undefined));
    const once = document.getText();
    const second = await vscode.commands.executeCommand<{ applied: boolean; message: string }>('endpointLens.insertExchangeHybrid', args);
    assert.ok(second, 'the second run answers');
    assert.equal(document.getText().split('BEGIN endpoint-lens exchange-hybrid').length, once.split('BEGIN endpoint-lens exchange-hybrid').length, 'no second block');
  });

  it('inserts the Microsoft Graph change-notification allow-list', async () => {
    const document = (await open('exchange-hybrid.nginx.conf')).document;
    const result = await vscode.commands.executeCommand<{ applied: boolean; message: string }>('endpointLens.insertGraphNotifications', { serverAddresses: ['10.10.5.30'] });
    assert.ok(result?.applied, result?.message);
    await eventually('the Graph block', () => (document.getText().includes('graph-notifications') ? true : undefined));
  });

  it('inserts rules for chosen endpoint sets', async () => {
    const document = (await open('m365.nft')).document;
    const result = await vscode.commands.executeCommand<{ applied: boolean; message: string }>('endpointLens.insertEndpointSets', { setIds: [11] });
    assert.ok(result?.applied, result?.message);
    await eventually('the sets block', () => (/BEGIN endpoint-lens sets/.test(document.getText()) ? true : undefined));
  });
});
