import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type WorkspaceEdit,
  type TextEdit,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  PublishDiagnosticsNotification,
  ApplyWorkspaceEditRequest,
  TextDocumentEdit,
  ConfigurationRequest,
  ShutdownRequest,
  ExitNotification,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

export const ROOT = join(__dirname, '..', '..');

/**
 * A real LSP client for tests: the bundled server as a child process over stdio, documents kept
 * in sync with incremental edits, and waiting helpers for pushed diagnostics.
 */
export class TestClient {
  readonly connection: ProtocolConnection;
  private readonly child: ChildProcess;
  private readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: Array<{ uri: string; test: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  readonly documents = new Map<string, TextDocument>();
  /** What the server asked us to apply with workspace/applyEdit. */
  readonly appliedEdits: WorkspaceEdit[] = [];
  stderr = '';

  constructor(settings: Record<string, unknown> = {}) {
    this.child = spawn(process.execPath, [join(ROOT, 'bin', 'endpoint-lens-server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.diagnostics.set(params.uri, params);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i]!;
        if (w.uri === params.uri && w.test(params)) {
          this.waiters.splice(i, 1);
          w.resolve(params);
        }
      }
    });
    this.connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => settings));
    this.connection.onRequest(ApplyWorkspaceEditRequest.type, (params) => {
      this.appliedEdits.push(params.edit);
      return { applied: this.applyWorkspaceEdit(params.edit) };
    });
    this.connection.listen();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** `documentChanges`: whether this client accepts versioned edits, as VS Code does. */
  async initialize(initializationOptions: Record<string, unknown> = {}, configuration = true, documentChanges = true, workspaceFolder = ROOT): Promise<void> {
    await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(workspaceFolder).toString(),
      capabilities: { workspace: { configuration, applyEdit: true, workspaceEdit: { documentChanges } } },
      initializationOptions,
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
  }

  uriOf(path: string): string {
    return pathToFileURL(join(ROOT, path)).toString();
  }

  async open(path: string, languageId: string, text = readFileSync(join(ROOT, path), 'utf8')): Promise<string> {
    const uri = this.uriOf(path);
    this.documents.set(uri, TextDocument.create(uri, languageId, 1, text));
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  /** Send edits as incremental changes, last first, so each range still refers to the text it was made for. */
  async edit(uri: string, edits: TextEdit[]): Promise<void> {
    const document = this.documents.get(uri);
    if (!document) throw new Error(`not open: ${uri}`);
    const version = document.version + 1;
    const contentChanges = [...edits]
      .sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)
      .map((e) => ({ range: e.range, text: e.newText }));
    TextDocument.update(document, contentChanges, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
  }

  /**
   * Apply a server's workspace edit the way an editor does, as one full-text change per document.
   * Like an editor it refuses the whole edit when a versioned part was made for another version.
   */
  applyWorkspaceEdit(edit: WorkspaceEdit): boolean {
    const parts: Array<{ uri: string; version: number | null; edits: TextEdit[] }> = Object.entries(edit.changes ?? {}).map(([uri, edits]) => ({ uri, version: null, edits }));
    for (const change of edit.documentChanges ?? []) {
      if (!TextDocumentEdit.is(change)) return false;
      const edits = change.edits.filter((e): e is TextEdit => 'newText' in e);
      if (edits.length !== change.edits.length) return false;
      parts.push({ uri: change.textDocument.uri, version: change.textDocument.version, edits });
    }
    if (parts.some((p) => !this.documents.has(p.uri) || (p.version !== null && p.version !== this.documents.get(p.uri)!.version))) return false;
    for (const { uri, edits } of parts) {
      const document = this.documents.get(uri)!;
      const version = document.version + 1;
      const next = TextDocument.create(uri, document.languageId, version, TextDocument.applyEdits(document, edits));
      this.documents.set(uri, next);
      this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text: next.getText() }] }).catch(() => undefined);
    }
    return true;
  }

  /** Diagnostics for `uri` once they satisfy `test` (for the newest version by default). */
  waitForDiagnostics(uri: string, test: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 20_000): Promise<PublishDiagnosticsParams> {
    const current = this.diagnostics.get(uri);
    const version = this.documents.get(uri)?.version;
    const fresh = (p: PublishDiagnosticsParams): boolean => (version === undefined || p.version === undefined || p.version === this.documents.get(uri)?.version) && test(p);
    if (current && fresh(current)) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({
        uri,
        test: fresh,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }

  async close(): Promise<void> {
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // The server may already be gone; the process is killed below either way.
    }
    this.connection.dispose();
    this.child.kill();
  }
}
