import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minimatch } from 'minimatch';
import {
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Engine, resolveSettings, type DocumentAnalysis } from '../engine';
import type { Detection } from '../dialects/detect';
import { planAllFixes, planFix, suppressionEdit } from '../render/fixes';
import type { Finding } from '../analysis/finding';
import { applyTextEdits, type TextEdit } from '../model/edit';
import { verifyEdit } from '../render/verify';
import { t, useBundle } from '../l10n';
import {
  CATALOG_CHANGED_NOTIFICATION,
  CATALOG_INFO_REQUEST,
  SERVER_COMMANDS,
  TRUST_CHANGED_NOTIFICATION,
  type CatalogChangedParams,
  type CatalogInfo,
  type EndpointLensSettings,
  type InitializationOptions,
  type TrustChangedParams,
} from '../protocol';
import { FIX_ALL, QUICK_FIX, toDiagnostic, type DiagnosticData } from './convert';
import { hoverFor } from './hover';
import { AnalysisThread } from './analysisThread';
import { LineIndex } from '../model/range';
import { executeServerCommand } from './commands';

/** Edits typed in quick succession are analysed once, this long after the last one. */
const DEBOUNCE_MS = 250;

interface CachedAnalysis {
  version: number;
  analysis: DocumentAnalysis;
  settings: EndpointLensSettings;
}

function uriToPath(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}

/** Hand control back to the event loop so hovers and other requests are served between steps. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface ServerState {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  engine: Engine;
  settingsFor(uri: string): Promise<EndpointLensSettings>;
  analysisFor(document: TextDocument): Promise<CachedAnalysis | undefined>;
  analyzeNow(document: TextDocument): Promise<void>;
}

export function startServer(connection: Connection, options: { cacheDir?: string | undefined } = {}): void {
  const documents = new TextDocuments(TextDocument);
  let engine: Engine | undefined;
  let thread: AnalysisThread | undefined;
  let hasConfiguration = false;
  let initialSettings: EndpointLensSettings = resolveSettings(undefined);
  const settingsCache = new Map<string, Promise<EndpointLensSettings>>();
  const cache = new Map<string, CachedAnalysis>();
  const timers = new Map<string, NodeJS.Timeout>();
  const inFlight = new Map<string, Promise<CachedAnalysis | undefined>>();

  const log = (message: string): void => connection.console.log(message);

  async function settingsFor(uri: string): Promise<EndpointLensSettings> {
    if (!hasConfiguration) return initialSettings;
    let pending = settingsCache.get(uri);
    if (!pending) {
      pending = connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'endpointLens' })
        .then((value: unknown) => resolveSettings(value ?? initialSettings))
        .catch(() => initialSettings);
      settingsCache.set(uri, pending);
    }
    return pending;
  }

  let workspaceFolders: string[] = [];

  /** `exclude` globs are written relative to the workspace folder; absolute globs work as well. */
  function isExcluded(path: string, globs: readonly string[]): boolean {
    if (globs.length === 0) return false;
    const candidates = [path.replace(/\\/g, '/')];
    for (const folder of workspaceFolders) {
      const inside = relative(folder, path);
      if (inside && !inside.startsWith('..') && !isAbsolute(inside)) candidates.push(inside.replace(/\\/g, '/'));
    }
    return globs.some((glob) => candidates.some((candidate) => minimatch(candidate, glob, { dot: true })));
  }

  function detection(document: TextDocument, path: string): Detection | undefined {
    return engine?.detect(path, document.getText(), { languageId: document.languageId });
  }

  async function analysisFor(document: TextDocument): Promise<CachedAnalysis | undefined> {
    const cached = cache.get(document.uri);
    if (cached && cached.version === document.version) return cached;
    const key = `${document.uri}@${document.version}`;
    const running = inFlight.get(key);
    if (running) return running;
    const job = (async (): Promise<CachedAnalysis | undefined> => {
      const settings = await settingsFor(document.uri);
      if (!engine) return undefined;
      const path = uriToPath(document.uri);
      if (isExcluded(path, settings.exclude)) return undefined;
      const found = detection(document, path);
      if (!found) return undefined;
      await yieldToEventLoop();
      const stale = (): boolean => documents.get(document.uri)?.version !== document.version;
      // A newer version arrived while we waited: that one will be analysed instead.
      if (stale()) return undefined;
      const text = document.getText();
      const answer = await thread?.analyze({ path, text, settings, dialect: found.dialect.id, by: found.by, confidence: found.confidence });
      if (stale()) return undefined;
      let analysis: DocumentAnalysis;
      if (answer) {
        const lines = new LineIndex(text);
        analysis = {
          detection: found,
          model: answer.model,
          lines,
          findings: answer.findings,
          context: engine.contextFor(text, lines, answer.model, settings, found.dialect),
          ...(answer.notice ? { notice: answer.notice } : {}),
        };
      } else {
        analysis = engine.analyzeDocument(path, text, settings, found);
      }
      const entry: CachedAnalysis = { version: document.version, analysis, settings };
      cache.set(document.uri, entry);
      return entry;
    })();
    inFlight.set(key, job);
    try {
      return await job;
    } finally {
      inFlight.delete(key);
    }
  }

  async function publish(document: TextDocument): Promise<void> {
    const entry = await analysisFor(document);
    const current = documents.get(document.uri);
    if (!current || current.version !== document.version) return;
    const diagnostics: Diagnostic[] = (entry?.analysis.findings ?? []).map((f, index) => toDiagnostic(f, document.uri, { version: document.version, index }));
    if (entry?.analysis.notice) {
      diagnostics.push({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 3, source: 'Endpoint Lens', message: entry.analysis.notice });
    }
    await connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
  }

  function schedule(document: TextDocument, delay: number): void {
    const previous = timers.get(document.uri);
    if (previous) clearTimeout(previous);
    timers.set(
      document.uri,
      setTimeout(() => {
        timers.delete(document.uri);
        const current = documents.get(document.uri);
        if (current) publish(current).catch((error: unknown) => log(`analysis of ${document.uri} failed: ${String(error)}`));
      }, delay),
    );
  }

  function recheckAll(): void {
    cache.clear();
    for (const document of documents.all()) schedule(document, 0);
  }

  connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
    const initialization = (params.initializationOptions ?? {}) as InitializationOptions;
    const folderUris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspaceFolders = folderUris.map(uriToPath);
    useBundle(initialization.l10nBundle);
    hasConfiguration = params.capabilities.workspace?.configuration === true;
    initialSettings = resolveSettings(initialization.settings);
    const cacheDir = initialization.catalogCacheDir ?? options.cacheDir;
    const trusted = initialization.trusted ?? true;
    engine = await Engine.create({ ...(cacheDir ? { cacheDir } : {}), trusted });
    thread = new AnalysisThread({ ...(cacheDir ? { cacheDir } : {}), trusted, ...(initialization.l10nBundle ? { l10nBundle: initialization.l10nBundle } : {}) }, log);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [QUICK_FIX, FIX_ALL], resolveProvider: false },
        executeCommandProvider: { commands: Object.values(SERVER_COMMANDS) },
      },
      serverInfo: { name: 'Endpoint Lens', version: '0.1.0' },
    };
  });

  connection.onDidChangeConfiguration((change) => {
    if (!hasConfiguration) {
      const value = (change.settings as { endpointLens?: unknown } | undefined)?.endpointLens;
      if (value !== undefined) initialSettings = resolveSettings(value);
    }
    settingsCache.clear();
    recheckAll();
  });

  connection.onRequest(CATALOG_INFO_REQUEST, async (): Promise<CatalogInfo | undefined> => {
    if (!engine) return undefined;
    const settings = await settingsFor('');
    return engine.catalog(settings.instance, settings.catalog.pinnedVersion).info;
  });

  connection.onNotification(CATALOG_CHANGED_NOTIFICATION, (params: CatalogChangedParams) => {
    engine?.reload(params.catalogCacheDir);
    thread?.reload(params.catalogCacheDir);
    recheckAll();
  });

  connection.onNotification(TRUST_CHANGED_NOTIFICATION, (params: TrustChangedParams) => {
    if (engine) engine.trusted = params.trusted;
    thread?.setTrusted(params.trusted);
    recheckAll();
  });

  connection.onShutdown(() => {
    thread?.dispose();
    engine?.pacSandbox?.dispose();
  });

  documents.onDidOpen((e) => schedule(e.document, 0));
  documents.onDidChangeContent((e) => schedule(e.document, DEBOUNCE_MS));
  documents.onDidClose((e) => {
    const timer = timers.get(e.document.uri);
    if (timer) clearTimeout(timer);
    timers.delete(e.document.uri);
    cache.delete(e.document.uri);
    settingsCache.delete(e.document.uri);
    connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }).catch(() => undefined);
  });

  connection.onHover(async (params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document || !engine) return null;
    const entry = await analysisFor(document);
    if (!entry) return null;
    const { catalog } = engine.catalog(entry.settings.instance, entry.settings.catalog.pinnedVersion);
    return hoverFor(entry.analysis, catalog, entry.settings.tenantName, params.position);
  });

  connection.onCodeAction(async (params: CodeActionParams): Promise<CodeAction[]> => {
    const document = documents.get(params.textDocument.uri);
    if (!document || !engine) return [];
    const entry = await analysisFor(document);
    if (!entry) return [];
    const { analysis } = entry;
    const uri = document.uri;
    const subject = engine.editSubject(uriToPath(uri), analysis, entry.settings);
    const edit = (edits: TextEdit[]): WorkspaceEdit => ({ changes: { [uri]: edits } });
    const only = params.context.only;
    const actions: CodeAction[] = [];
    if (!only || only.some((k) => k === QUICK_FIX || QUICK_FIX.startsWith(k))) {
      for (const diagnostic of params.context.diagnostics) {
        const data = diagnostic.data as DiagnosticData | undefined;
        const finding: Finding | undefined =
          data && data.version === document.version ? analysis.findings[data.index] : analysis.findings.find((f) => f.code === diagnostic.code && f.range.start.line === diagnostic.range.start.line);
        if (!finding) continue;
        for (const fix of finding.fixes) {
          // Only fixes that, applied and analysed again, remove the finding and add nothing are offered.
          const planned = planFix(subject, finding, fix);
          if (!planned.ok) continue;
          actions.push({ title: fix.title, kind: QUICK_FIX, diagnostics: [diagnostic], isPreferred: fix.preferred, edit: edit(planned.edits) });
        }
        const suppression = suppressionEdit(finding, subject.text, subject.dialect.comment.line);
        if (verifyEdit(subject, applyTextEdits(subject.text, [suppression]), { kind: 'finding', finding }, subject.reanalyse).ok) {
          actions.push({ title: t('Suppress {0} on this line', finding.code), kind: QUICK_FIX, diagnostics: [diagnostic], edit: edit([suppression]) });
        }
      }
    }
    if (only?.some((k) => FIX_ALL.startsWith(k))) {
      const all = planAllFixes(subject, { minimumSeverity: 'hint' });
      if (all.edits.length > 0) actions.push({ title: t('Fix all Endpoint Lens problems that have a verified fix'), kind: FIX_ALL, edit: edit(all.edits) });
    }
    return actions;
  });

  const state: ServerState = {
    connection,
    documents,
    get engine(): Engine {
      if (!engine) throw new Error('Endpoint Lens: the server is not initialised yet');
      return engine;
    },
    settingsFor,
    analysisFor,
    analyzeNow: publish,
  };

  connection.onExecuteCommand(async (params) => executeServerCommand(state, params.command, params.arguments ?? []));

  documents.listen(connection);
  connection.listen();
}
