import { deserialize } from 'node:v8';
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
import { Engine, includeOptions, type AnalyzeOptions, type ConfigurationAnalysis, type DocumentAnalysis } from '../engine';
import { sanitiseSettings } from '../settings';
import { fileExists, readDiskFile } from '../fileAccess';
import { findProjectConfig, isProjectConfig, parseProjectConfig, settingsForFile, type ProjectConfig } from '../project/config';
import { projectConfigHover } from './projectHover';
import type { Detection } from '../dialects/detect';
import { findingsByFile, type FileFinding } from '../workspace/configuration';
import { editsInFile, pathToUri, uriToPath, WorkspaceIncludes } from './workspace';
import { isMultiFile } from '../workspace/includes';
import { basename } from 'node:path';
import { isExcluded } from '../features/exclude';
import { fixAllEdits, offeredFixes } from '../features/fixActions';
import type { Finding } from '../analysis/finding';
import type { TextEdit } from '../model/edit';
import { t, useBundle } from '../l10n';
import {
  CATALOG_CHANGED_NOTIFICATION,
  CATALOG_INFO_REQUEST,
  SERVER_COMMANDS,
  TRUST_CHANGED_NOTIFICATION,
  type CatalogChangedParams,
  type CatalogInfo,
  type CheckWorkspaceResult,
  type EndpointLensSettings,
  type InitializationOptions,
  type TrustChangedParams,
} from '../protocol';
import { FIX_ALL, QUICK_FIX, toDiagnostic, type DiagnosticData } from './convert';
import { hoverFor } from './hover';
import { AnalysisThread } from './analysisThread';
import { comparePositions, LineIndex } from '../model/range';
import type { ConfigModel } from '../model/config';
import type { CheckContext } from '../analysis/context';
import { ANALYSIS_THREAD_HEAP_MB } from '../limits';
import { DocumentAnalyses, snapshotOf, type Snapshot, type VersionedResult } from './analyses';
import { executeServerCommand } from './commands';
import { AdaptiveDebounce, MAX_DEBOUNCE_MS } from './debounce';
import { contentKey, LastAnalysisCache } from './contentCache';
import { performance } from 'node:perf_hooks';


export interface CachedAnalysis {
  analysis: DocumentAnalysis;
  settings: EndpointLensSettings;
  /** Set when the document is part of a configuration of several files: the whole configuration's analysis, whose findings in this file are the diagnostics. */
  configuration?: ConfigurationAnalysis;
}

/** The findings a document's diagnostics show: in its configuration when it has one, else its own. */
function shownFindings(cached: CachedAnalysis, path: string): FileFinding[] {
  if (cached.configuration) return cached.configuration.byFile.get(path) ?? [];
  return cached.analysis.findings.map((finding, source) => ({ finding, source }));
}

/** The analysis of one version of a document, with the text it was made from. */
export type VersionedAnalysis = VersionedResult<CachedAnalysis>;


/** Hand control back to the event loop so hovers and other requests are served between steps. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** What the hover over a file's first line says about the configuration the file is read in. */
function configurationNote(configuration: ConfigurationAnalysis, path: string): string {
  const { root, files } = configuration.configuration;
  const chain = files.get(path)?.chain ?? [];
  if (root === path) return t('Read with the {0} files it includes; findings in them are shown in each file.', files.size - 1);
  const last = chain[chain.length - 1];
  const by = last ? t('included from {0} line {1}', basename(last.file), last.range.start.line + 1) : t('loaded with it');
  return t('Read as part of the configuration of {0} ({1}); its diagnostics are those of the whole configuration.', basename(root), by);
}

export interface ServerState {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  engine: Engine;
  settingsFor(uri: string): Promise<EndpointLensSettings>;
  /** The project config that applies to a file (the nearest endpoint-lens.json up to its workspace folder). */
  projectFor(path: string): ProjectConfig | undefined;
  /** A file's text: the editor's copy when it is open, else the disk's. */
  readText(this: void, path: string): string | undefined;
  readonly workspaceFolders: readonly string[];
  /** The analysis of exactly this version, or undefined when it is not analysed (a newer version came first, or the file is excluded). */
  analysisOf(snapshot: Snapshot): Promise<VersionedAnalysis | undefined>;
  /** An edit that the editor applies only to the version it was computed for (when it supports versioned edits). */
  workspaceEdit(uri: string, version: number, edits: TextEdit[]): WorkspaceEdit;
  /** Whether the editor refuses an edit made for another version; otherwise the server must check before sending it. */
  readonly versionedEdits: boolean;
}

/**
 * The finding a diagnostic of `version` stands for. A diagnostic published for another version
 * gets none: its fixes were made for text that has changed. A client that does not send `data`
 * back is matched by code and exact range.
 */
function findingOf(diagnostic: Diagnostic, findings: readonly Finding[], version: number): Finding | undefined {
  const data = diagnostic.data as Partial<DiagnosticData> | undefined;
  if (typeof data?.version === 'number' && typeof data.index === 'number') {
    const finding = data.version === version ? findings[data.index] : undefined;
    return finding?.code === diagnostic.code ? finding : undefined;
  }
  return findings.find((f) => f.code === diagnostic.code && comparePositions(f.range.start, diagnostic.range.start) === 0 && comparePositions(f.range.end, diagnostic.range.end) === 0);
}

export function startServer(connection: Connection, options: { cacheDir?: string | undefined } = {}): void {
  const documents = new TextDocuments(TextDocument);
  const workspace = new WorkspaceIncludes(documents);
  let engine: Engine | undefined;
  let thread: AnalysisThread | undefined;
  let hasConfiguration = false;
  let versionedEdits = false;
  let initialLayer: unknown = undefined;
  const settingsCache = new Map<string, Promise<EndpointLensSettings>>();
  const timers = new Map<string, NodeJS.Timeout>();
  const debounce = new AdaptiveDebounce();
  const reused = new LastAnalysisCache<DocumentAnalysis>();

  const log = (message: string): void => connection.console.log(message);

  let workspaceFolders: string[] = [];
  const projects = new Map<string, ProjectConfig>();

  function readText(path: string): string | undefined {
    const open = documents.all().find((d) => uriToPath(d.uri) === path);
    return open ? open.getText() : readDiskFile(path);
  }

  /** The project config of a file, read once until any endpoint-lens.json changes (then every cache is dropped). */
  function projectFor(path: string): ProjectConfig | undefined {
    const folder = workspaceFolders.find((f) => path.startsWith(f));
    const exists = (p: string): boolean => documents.all().some((d) => uriToPath(d.uri) === p) || fileExists(p);
    const found = isProjectConfig(path) ? path : findProjectConfig(path, exists, folder);
    if (!found) return undefined;
    let project = projects.get(found);
    if (!project) {
      const text = readText(found);
      if (text === undefined) return undefined;
      project = parseProjectConfig(found, text, fileExists);
      projects.set(found, project);
    }
    return project;
  }

  /** The editor's settings for a file under its project config: defaults < editor < endpoint-lens.json. */
  async function settingsFor(uri: string): Promise<EndpointLensSettings> {
    let pending = settingsCache.get(uri);
    if (!pending) {
      const editor: Promise<unknown> = hasConfiguration ? connection.workspace.getConfiguration({ scopeUri: uri, section: 'endpointLens' }).then((v: unknown) => v ?? initialLayer, () => initialLayer) : Promise.resolve(initialLayer);
      pending = editor.then((value) => settingsForFile(uriToPath(uri), uri ? projectFor(uriToPath(uri)) : undefined, sanitiseSettings(value).layer));
      settingsCache.set(uri, pending);
    }
    return pending;
  }

  let rescan: NodeJS.Timeout | undefined;

  /** Settings changed: every file's settings and include path may have, so the workspace's includes are read again too (once typing pauses). */
  function settingsChanged(): void {
    settingsCache.clear();
    recheckAll();
    if (rescan) clearTimeout(rescan);
    rescan = setTimeout(() => {
      rescan = undefined;
      scanWorkspace().catch((error: unknown) => log(`reading the workspace's includes failed: ${String(error)}`));
    }, MAX_DEBOUNCE_MS);
  }

  /** A project config changed: its settings, estates and include path with it. */
  function projectsChanged(): void {
    projects.clear();
    settingsChanged();
  }

  /**
   * Analyses one snapshot: in the analysis thread when it can, otherwise here. Null: there is
   * nothing to analyse (excluded, or not a dialect we read); undefined: given up, the snapshot was superseded.
   */
  async function analyse(snapshot: Snapshot, stillWanted: () => boolean): Promise<CachedAnalysis | null | undefined> {
    const settings = await settingsFor(snapshot.uri);
    if (!engine || !stillWanted()) return undefined;
    const path = uriToPath(snapshot.uri);
    if (isExcluded(path, settings.exclude, workspaceFolders)) return null;
    const { text } = snapshot;
    if (isProjectConfig(path)) return null;
    const found = engine.detect(path, text, { languageId: snapshot.languageId });
    if (!found) return null;
    const current = engine;
    const estates = current.estatePaths(path, projectFor(path), readText);
    const started = performance.now();
    const analysis = await analyseText(current, path, text, settings, found, stillWanted, estates.length > 0 ? { estates } : {});
    if (!analysis) return undefined;
    debounce.analysed(snapshot.uri, performance.now() - started);
    if (!found.dialect.includes) return { analysis, settings };
    // The file's own settings (editor and endpoint-lens.json) say where its includes are looked for and how the whole is analysed.
    const includes = includeOptions(settings);
    workspace.update(path, text, found.dialect, current, includes);
    const assembled = workspace.configurationFor(path, text, found.dialect, current, includes);
    if (!assembled) return { analysis, settings };
    const whole = await analyseText(current, assembled.root, assembled.text, settings, found, stillWanted, { parts: assembled.parts });
    if (!whole) return undefined;
    const configuration: ConfigurationAnalysis = { configuration: assembled, analysis: whole, byFile: findingsByFile(assembled, whole.lines, whole.findings, settings.severity) };
    return { analysis, settings, configuration };
  }

  /** Where a text's last analysis is kept: a file's own, or the whole configuration it is the root of. */
  const slotOf = (path: string, whole: boolean): string => `${whole ? 'configuration' : 'file'}:${path}`;

  /**
   * One text analysed, or its last analysis again when nothing it is computed from changed. A PAC
   * file checked along estates is always analysed again: the firewalls of its paths are other files.
   */
  async function analyseText(current: Engine, path: string, text: string, settings: EndpointLensSettings, found: Detection, stillWanted: () => boolean, options: AnalyzeOptions): Promise<DocumentAnalysis | undefined> {
    if (options.estates) return (await analyseFresh(current, path, text, settings, found, stillWanted, options))?.analysis;
    const slot = slotOf(path, options.parts !== undefined);
    const key = contentKey([path, text, found.dialect.id, found.by, String(found.confidence), JSON.stringify(settings), JSON.stringify(options.parts ?? null), String(current.trusted), current.today()]);
    const kept = reused.get(slot, key);
    if (kept) return kept;
    const fresh = await analyseFresh(current, path, text, settings, found, stillWanted, options);
    if (fresh?.reusable) reused.set(slot, key, fresh.analysis);
    return fresh?.analysis;
  }

  /**
   * One text analysed: in the analysis thread when it can, otherwise here; undefined when given up
   * (superseded). Not reusable when the thread ran out of memory: a new thread may manage it.
   */
  async function analyseFresh(current: Engine, path: string, text: string, settings: EndpointLensSettings, found: Detection, stillWanted: () => boolean, options: AnalyzeOptions): Promise<{ analysis: DocumentAnalysis; reusable: boolean } | undefined> {
    const outcome = thread ? await thread.analyze({ path, text, settings, dialect: found.dialect.id, by: found.by, confidence: found.confidence, options }, stillWanted) : ({ kind: 'unavailable' } as const);
    if (outcome.kind === 'cancelled') return undefined;
    if (outcome.kind === 'out-of-memory') {
      const reason = t('Not analysed: analysing this file needed more than the {0} MB of memory the language server gives one file.', ANALYSIS_THREAD_HEAP_MB);
      return { analysis: current.unanalysedDocument(text, settings, found, reason), reusable: false };
    }
    if (outcome.kind === 'answer') {
      const { answer } = outcome;
      const lines = new LineIndex(text);
      // Diagnostics need only the findings; the model is read back the first time something asks for it.
      let model: ConfigModel | undefined;
      let context: CheckContext | undefined;
      let bytes: Uint8Array | undefined = answer.model;
      const modelOf = (): ConfigModel => {
        if (!model) {
          model = deserialize(bytes ?? new Uint8Array()) as ConfigModel;
          bytes = undefined;
        }
        return model;
      };
      const analysis: DocumentAnalysis = {
        detection: found,
        lines,
        findings: answer.findings,
        get model(): ConfigModel {
          return modelOf();
        },
        get context(): CheckContext {
          return (context ??= current.contextFor(text, lines, modelOf(), settings, found.dialect, options));
        },
        ...(answer.notice ? { notice: answer.notice } : {}),
      };
      return { analysis, reusable: true };
    }
    // In-process: let waiting requests through first, and skip the work if a newer version came meanwhile.
    await yieldToEventLoop();
    if (!stillWanted()) return undefined;
    return { analysis: current.analyzeDocument(path, text, settings, found, options), reusable: true };
  }

  const analyses = new DocumentAnalyses<CachedAnalysis | null>(analyse, (uri) => documents.get(uri)?.version);

  /** The analysis of exactly this version, when there is one to use. */
  async function analysisOf(snapshot: Snapshot): Promise<VersionedAnalysis | undefined> {
    const entry = await analyses.analysisOf(snapshot);
    return entry?.value ? { ...entry, value: entry.value } : undefined;
  }

  function workspaceEdit(uri: string, version: number, edits: TextEdit[]): WorkspaceEdit {
    return versionedEdits ? { documentChanges: [{ textDocument: { uri, version }, edits }] } : { changes: { [uri]: edits } };
  }

  async function publish(snapshot: Snapshot): Promise<void> {
    const configPath = uriToPath(snapshot.uri);
    if (isProjectConfig(configPath)) {
      const project = parseProjectConfig(configPath, snapshot.text, fileExists);
      const diagnostics = project.findings.map((f, index) => toDiagnostic(f, snapshot.uri, { version: snapshot.version, index }));
      await connection.sendDiagnostics({ uri: snapshot.uri, version: snapshot.version, diagnostics });
      return;
    }
    const entry = await analyses.analysisOf(snapshot);
    // Diagnostics of a version the editor has moved past would land on the wrong lines.
    if (!entry || documents.get(snapshot.uri)?.version !== entry.version) return;
    const analysis = entry.value?.analysis;
    const shown = entry.value ? shownFindings(entry.value, uriToPath(snapshot.uri)) : [];
    const diagnostics: Diagnostic[] = shown.map((f, index) => toDiagnostic(f.finding, snapshot.uri, { version: entry.version, index }));
    if (analysis?.notice) {
      diagnostics.push({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 3, source: 'Endpoint Lens', message: analysis.notice });
    }
    await connection.sendDiagnostics({ uri: snapshot.uri, version: entry.version, diagnostics });
  }

  function schedule(uri: string, delay: number): void {
    const previous = timers.get(uri);
    if (previous) clearTimeout(previous);
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        const current = documents.get(uri);
        if (current) publish(snapshotOf(current)).catch((error: unknown) => log(`analysis of ${uri} failed: ${String(error)}`));
      }, delay),
    );
  }

  function recheckAll(): void {
    analyses.invalidate();
    reused.clear();
    for (const document of documents.all()) schedule(document.uri, 0);
  }

  connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
    const initialization = (params.initializationOptions ?? {}) as InitializationOptions;
    const folderUris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspaceFolders = folderUris.map(uriToPath);
    useBundle(initialization.l10nBundle);
    hasConfiguration = params.capabilities.workspace?.configuration === true;
    versionedEdits = params.capabilities.workspace?.workspaceEdit?.documentChanges === true;
    initialLayer = initialization.settings;
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
      if (value !== undefined) initialLayer = value;
    }
    settingsChanged();
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

  /** A file changed (edited, opened or closed): the open documents of its configuration are analysed again. */
  function recheckRelated(uri: string, delay: number): void {
    for (const related of workspace.relatedOpenDocuments(uriToPath(uri))) {
      analyses.invalidateDocument(related);
      schedule(related, delay);
    }
  }

  documents.onDidOpen((e) => {
    schedule(e.document.uri, 0);
    recheckRelated(e.document.uri, MAX_DEBOUNCE_MS);
  });
  documents.onDidChangeContent((e) => {
    if (isProjectConfig(uriToPath(e.document.uri))) projectsChanged();
    schedule(e.document.uri, debounce.delayFor(e.document.uri, performance.now()));
    recheckRelated(e.document.uri, MAX_DEBOUNCE_MS);
  });
  connection.onDidChangeWatchedFiles((change) => {
    if (change.changes.some((c) => isProjectConfig(uriToPath(c.uri)))) projectsChanged();
  });
  documents.onDidClose((e) => {
    const timer = timers.get(e.document.uri);
    if (timer) clearTimeout(timer);
    timers.delete(e.document.uri);
    analyses.forget(e.document.uri);
    debounce.forget(e.document.uri);
    reused.forget(slotOf(uriToPath(e.document.uri), false));
    reused.forget(slotOf(uriToPath(e.document.uri), true));
    settingsCache.delete(e.document.uri);
    connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }).catch(() => undefined);
    // The graph keeps what the file includes; its includers now read it from disk.
    recheckRelated(e.document.uri, 0);
  });

  connection.onHover(async (params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document || !engine) return null;
    if (isProjectConfig(uriToPath(document.uri))) return projectConfigHover(state, uriToPath(document.uri), document.getText(), params.position);
    const entry = await analysisOf(snapshotOf(document));
    if (!entry) return null;
    const { analysis, settings, configuration } = entry.value;
    const { catalog } = engine.catalog(settings.instance, settings.catalog.pinnedVersion);
    const hover = hoverFor(analysis, catalog, settings.tenantName, params.position);
    const context = params.position.line === 0 && configuration ? configurationNote(configuration, uriToPath(document.uri)) : undefined;
    if (!context) return hover;
    const value = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? `${context}\n\n---\n\n${hover.contents.value}` : context;
    return { contents: { kind: 'markdown', value } };
  });

  connection.onCodeAction(async (params: CodeActionParams, token): Promise<CodeAction[]> => {
    const document = documents.get(params.textDocument.uri);
    if (!document || !engine) return [];
    const entry = await analysisOf(snapshotOf(document));
    if (!entry) return [];
    // Verifying a fix analyses the edited text again: between fixes other requests are served, and once the document moved on (or the editor cancelled) its edits would be refused anyway.
    const moveOn = async (): Promise<boolean> => {
      await yieldToEventLoop();
      return token.isCancellationRequested || documents.get(document.uri)?.version !== entry.version;
    };
    const { analysis, configuration } = entry.value;
    const uri = document.uri;
    const path = uriToPath(uri);
    const shown = shownFindings(entry.value, path);
    // The subject is the analysed text of this version: its context was made from the snapshot. In a configuration of several files, edits are checked against the whole and offered only when they fall in this file.
    const subject = configuration ? engine.configurationSubject(configuration, entry.value.settings) : engine.editSubject(path, analysis, entry.value.settings);
    const subjectFindings = configuration ? configuration.analysis.findings : analysis.findings;
    const inThisFile = (edits: TextEdit[]): TextEdit[] | undefined => (configuration ? editsInFile(configuration.configuration, configuration.analysis.lines, path, edits) : edits);
    const edit = (edits: TextEdit[]): WorkspaceEdit => workspaceEdit(uri, entry.version, edits);
    const only = params.context.only;
    const actions: CodeAction[] = [];
    if (!only || only.some((k) => k === QUICK_FIX || QUICK_FIX.startsWith(k))) {
      for (const diagnostic of params.context.diagnostics) {
        const shownFinding = findingOf(diagnostic, shown.map((f) => f.finding), entry.version);
        const source = shownFinding ? shown.find((f) => f.finding === shownFinding)?.source : undefined;
        const finding = source === undefined ? undefined : subjectFindings[source];
        if (!finding) continue;
        const offered = await offeredFixes(subject, finding, moveOn);
        if (!offered) return [];
        for (const fix of offered) {
          const edits = inThisFile(fix.edits);
          if (edits) actions.push({ title: fix.title, kind: QUICK_FIX, diagnostics: [diagnostic], ...(fix.preferred ? { isPreferred: true } : {}), edit: edit(edits) });
        }
      }
    }
    if (only?.some((k) => FIX_ALL.startsWith(k))) {
      if (await moveOn()) return [];
      const edits = inThisFile(fixAllEdits(subject));
      if (edits && edits.length > 0) actions.push({ title: t('Fix all Endpoint Lens problems that have a verified fix'), kind: FIX_ALL, edit: edit(edits) });
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
    projectFor,
    readText,
    get workspaceFolders(): readonly string[] {
      return workspaceFolders;
    },
    analysisOf,
    workspaceEdit,
    get versionedEdits(): boolean {
      return versionedEdits;
    },
  };

  /** Reads the workspace's files once, so a snippet opened first is known to be included; then the open documents are analysed again. */
  async function scanWorkspace(): Promise<void> {
    const current = engine;
    if (!current) return;
    const read = workspace.reader();
    for (const file of workspace.files(workspaceFolders)) {
      await yieldToEventLoop();
      const text = read(file);
      if (!text.ok) continue;
      const found = current.detect(file, text.text);
      if (found?.dialect.includes) workspace.update(file, text.text, found.dialect, current, includeOptions(await settingsFor(pathToUri(file))));
    }
    for (const document of documents.all()) {
      analyses.invalidateDocument(document.uri);
      schedule(document.uri, 0);
    }
  }

  /** "Check workspace": diagnostics for every workspace file that is not open, each configuration analysed once as a whole. */
  async function checkWorkspace(): Promise<CheckWorkspaceResult> {
    const current = engine;
    if (!current) return { files: 0, findings: 0 };
    const open = new Set(documents.all().map((d) => uriToPath(d.uri)));
    const read = workspace.reader();
    const done = new Set<string>();
    let findings = 0;
    const send = async (file: string, shown: readonly Finding[]): Promise<void> => {
      done.add(file);
      if (open.has(file)) return;
      findings += shown.length;
      // Version -1 matches no document version, so these diagnostics never carry fixes; opening the file analyses it with its version.
      await connection.sendDiagnostics({ uri: pathToUri(file), diagnostics: shown.map((f, index) => toDiagnostic(f, pathToUri(file), { version: -1, index })) });
    };
    for (const file of workspace.files(workspaceFolders)) {
      await yieldToEventLoop();
      if (done.has(file) || open.has(file)) continue;
      const settings = await settingsFor(pathToUri(file));
      if (isExcluded(file, settings.exclude, workspaceFolders)) continue;
      const text = read(file);
      if (!text.ok) continue;
      if (isProjectConfig(file)) {
        await send(file, parseProjectConfig(file, text.text, fileExists).findings);
        continue;
      }
      const found = current.detect(file, text.text);
      if (!found) continue;
      const assembled = workspace.configurationFor(file, text.text, found.dialect, current, includeOptions(settings));
      if (assembled && isMultiFile(assembled)) {
        const whole = current.analyzeConfiguration(assembled, settings, found);
        for (const [member, list] of whole.byFile) if (!done.has(member)) await send(member, list.map((f) => f.finding));
      } else {
        const estates = current.estatePaths(file, projectFor(file), readText);
        await send(file, current.analyzeDocument(file, text.text, settings, found, estates.length > 0 ? { estates } : {}).findings);
      }
    }
    return { files: [...done].filter((f) => !open.has(f)).length, findings };
  }

  connection.onExecuteCommand(async (params) => (params.command === SERVER_COMMANDS.checkWorkspace ? checkWorkspace() : executeServerCommand(state, params.command, params.arguments ?? [])));
  connection.onInitialized(() => {
    scanWorkspace().catch((error: unknown) => log(`reading the workspace's includes failed: ${String(error)}`));
  });

  documents.listen(connection);
  connection.listen();
}
