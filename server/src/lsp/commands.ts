import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkspaceEdit } from 'vscode-languageserver/node';
import { describeEstate } from '../features/describeEstate';
import { fileExists } from '../fileAccess';
import { PROJECT_CONFIG_NAME } from '../project/config';
import { buildPolicies, requestFromInsertParams } from '../policies';
import { insertPolicies, refreshBlocks as refreshDocumentBlocks } from '../features/edits';
import { changesMarkdown } from '../features/changes';
import { pacGrid, pacGridMarkdown } from '../features/pacGrid';
import { diffEdits } from '../model/edit';
import { t } from '../l10n';
import {
  SERVER_COMMANDS,
  type CatalogReportParams,
  type DescribeEstateParams,
  type InsertPolicyParams,
  type InsertPolicyResult,
  type MarkdownReport,
  type RefreshManagedBlocksParams,
  type TestPacParams,
} from '../protocol';
import type { ServerState, VersionedAnalysis } from './server';
import { snapshotOf, type Snapshot } from './analyses';

function displayName(uri: string): string {
  try {
    return basename(uri.startsWith('file:') ? fileURLToPath(uri) : uri);
  } catch {
    return uri;
  }
}

/**
 * Sends the change from the analysed text to `newText`, marked with the version it was made for.
 * An editor without versioned edits cannot refuse a stale one, so it is not sent once the document moved on.
 */
async function applyToDocument(state: ServerState, entry: VersionedAnalysis, uri: string, newText: string, label: string): Promise<'applied' | 'stale' | 'refused'> {
  const edits = diffEdits(entry.text, newText);
  if (edits.length === 0) return 'applied';
  const stale = (): boolean => state.documents.get(uri)?.version !== entry.version;
  if (!state.versionedEdits && stale()) return 'stale';
  const result = await state.connection.workspace.applyEdit({ label, edit: state.workspaceEdit(uri, entry.version, edits) });
  return result.applied ? 'applied' : stale() ? 'stale' : 'refused';
}

/** The command's answer once its edit was sent. */
function outcome(sent: 'applied' | 'stale' | 'refused', message: string): InsertPolicyResult {
  return sent === 'stale' ? changedMeanwhile() : { applied: sent === 'applied', message };
}

/** The analysis of the document as the command found it, taken before anything awaits. */
async function analysisNow(state: ServerState, uri: string): Promise<{ snapshot: Snapshot; entry: VersionedAnalysis | undefined } | undefined> {
  const document = state.documents.get(uri);
  if (!document) return undefined;
  const snapshot = snapshotOf(document);
  return { snapshot, entry: await state.analysisOf(snapshot) };
}

function changedMeanwhile(): InsertPolicyResult {
  return { applied: false, message: t('The file changed while the command ran; run it again.') };
}

async function insertPolicy(state: ServerState, params: InsertPolicyParams): Promise<InsertPolicyResult> {
  const found = await analysisNow(state, params.uri);
  if (!found) return { applied: false, message: t('Open the file to insert rules into first.') };
  const { entry } = found;
  if (!entry) return unanalysed(state, found.snapshot);
  const { analysis } = entry.value;
  const built = buildPolicies(analysis.context.catalog, requestFromInsertParams(params));
  if (!built.ok) return { applied: false, message: built.errors.join(' ') };
  const inserted = insertPolicies(state.engine.editSubject(displayName(params.uri), analysis, entry.value.settings), built.policies);
  const message = [...inserted.summaries, ...built.notes].join(' ');
  if (inserted.newText === entry.text) return { applied: false, message };
  return outcome(await applyToDocument(state, entry, params.uri, inserted.newText, t('Insert {0} rules', params.policy)), message);
}

/** Why a command found no analysis: the document moved on to a newer version meanwhile, or its dialect is unknown. */
function unanalysed(state: ServerState, snapshot: Snapshot): InsertPolicyResult {
  if (state.documents.get(snapshot.uri)?.version !== snapshot.version) return changedMeanwhile();
  return { applied: false, message: t('Endpoint Lens does not recognise the dialect of {0}.', displayName(snapshot.uri)) };
}

async function refreshBlocks(state: ServerState, params: RefreshManagedBlocksParams): Promise<InsertPolicyResult> {
  const found = await analysisNow(state, params.uri);
  if (!found) return { applied: false, message: t('Open the file to refresh first.') };
  const { entry } = found;
  if (!entry) return unanalysed(state, found.snapshot);
  const { analysis } = entry.value;
  const refreshed = refreshDocumentBlocks(state.engine.editSubject(displayName(params.uri), analysis, entry.value.settings));
  const messages = [t('{0} managed block(s) found, {1} refreshed.', refreshed.found, refreshed.applied.length)];
  for (const skipped of refreshed.notApplied) messages.push(t('"{0}" left as it is: {1}', skipped.purpose, skipped.reason));
  if (refreshed.newText === entry.text) return { applied: false, message: messages.join(' ') };
  return outcome(await applyToDocument(state, entry, params.uri, refreshed.newText, t('Refresh managed blocks')), messages.join(' '));
}

async function testPac(state: ServerState, params: TestPacParams): Promise<MarkdownReport> {
  const title = t('PAC test: {0}', displayName(params.uri));
  const entry = (await analysisNow(state, params.uri))?.entry?.value;
  if (!entry || entry.analysis.detection.dialect.id !== 'pac') return { title, markdown: t('Open a PAC file to test it.') };
  if (!state.engine.trusted) return { title, markdown: t('This workspace is not trusted, so PAC files are not run. Trust the workspace to test this file.') };
  const markdown = pacGridMarkdown(pacGrid(entry.analysis.context, state.engine.pacSandbox, entry.settings.pac));
  return { title, markdown };
}

async function catalogReport(state: ServerState, params: CatalogReportParams): Promise<MarkdownReport> {
  const settings = await state.settingsFor('');
  const loaded = state.engine.catalog(settings.instance, settings.catalog.pinnedVersion);
  const since = params.sinceVersion ?? loaded.history?.history.versions.at(-1)?.version ?? loaded.catalog.version;
  const files = [];
  for (const snapshot of state.documents.all().map(snapshotOf)) {
    const entry = await state.analysisOf(snapshot);
    if (entry) files.push({ name: displayName(snapshot.uri), context: entry.value.analysis.context });
  }
  const markdown = changesMarkdown({
    current: loaded.catalog,
    ...(loaded.history ? { history: loaded.history } : {}),
    otherEndpoints: loaded.info.otherEndpoints,
    since,
    files,
  });
  return { title: t('Catalogue {0} {1}', loaded.catalog.instance, loaded.catalog.version), markdown };
}

/**
 * Writes an estate entry for the PAC file into the project config that applies to it (or a new
 * endpoint-lens.json in its workspace folder), after reading the result back as a project config.
 */
async function describeEstateCommand(state: ServerState, params: DescribeEstateParams): Promise<InsertPolicyResult> {
  const pacPath = uriToFilePath(params.uri);
  const pacText = pacPath ? state.readText(pacPath) : undefined;
  if (!pacPath || pacText === undefined) return { applied: false, message: t('Open the PAC file of the estate first.') };
  const egress = params.egressUris.map(uriToFilePath).filter((p): p is string => p !== undefined);
  if (egress.length === 0) return { applied: false, message: t('Name at least one egress firewall file.') };
  const existing = state.projectFor(pacPath)?.path;
  const folder = state.workspaceFolders.find((f) => pacPath.startsWith(f)) ?? dirname(pacPath);
  const configPath = existing ?? join(folder, PROJECT_CONFIG_NAME);
  const configText = existing ? state.readText(existing) : undefined;
  const result = describeEstate({ configPath, configText, pacPath, pacText, egress, clients: params.clients, exists: fileExists });
  if (!result.ok) return { applied: false, message: result.reason };
  const uri = pathToFileURL(configPath).href;
  const open = state.documents.get(uri);
  const edit: WorkspaceEdit = configText === undefined
    ? { documentChanges: [{ kind: 'create', uri, options: { ignoreIfExists: true } }, { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: result.text }] }] }
    : open
      ? state.workspaceEdit(uri, open.version, diffEdits(open.getText(), result.text))
      : { changes: { [uri]: diffEdits(configText, result.text) } };
  const applied = await state.connection.workspace.applyEdit({ label: t('Describe this estate'), edit });
  if (!applied.applied) return { applied: false, message: t('The editor did not apply the change to {0}.', basename(configPath)) };
  const what = result.entry.proxy ? t('proxy {0}:{1}', result.entry.proxy.address, result.entry.proxy.port) : t('no proxy (the PAC file names none by address; add "proxy" to check proxied traffic)');
  return { applied: true, message: t('Estate "{0}" written to {1}: clients {2}, {3}, egress {4}.', result.entry.name, basename(configPath), result.entry.clients.join(', '), what, result.entry.egress.join(', ')) };
}

function uriToFilePath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

export async function executeServerCommand(state: ServerState, command: string, args: unknown[]): Promise<unknown> {
  const params = (args[0] ?? {}) as Record<string, unknown>;
  switch (command) {
    case SERVER_COMMANDS.insertPolicy:
      return insertPolicy(state, params as unknown as InsertPolicyParams);
    case SERVER_COMMANDS.refreshManagedBlocks:
      return refreshBlocks(state, params as unknown as RefreshManagedBlocksParams);
    case SERVER_COMMANDS.testPac:
      return testPac(state, params as unknown as TestPacParams);
    case SERVER_COMMANDS.catalogReport:
      return catalogReport(state, params);
    case SERVER_COMMANDS.describeEstate:
      return describeEstateCommand(state, params as unknown as DescribeEstateParams);
    default:
      return { applied: false, message: t('Unknown command {0}.', command) };
  }
}
