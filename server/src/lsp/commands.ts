import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { buildPolicies, requestFromInsertParams } from '../policies';
import { insertPolicies, refreshBlocks as refreshDocumentBlocks } from '../features/edits';
import { changesMarkdown } from '../features/changes';
import { pacGrid, pacGridMarkdown } from '../features/pacGrid';
import { diffEdits } from '../model/edit';
import { t } from '../l10n';
import {
  SERVER_COMMANDS,
  type CatalogReportParams,
  type InsertPolicyParams,
  type InsertPolicyResult,
  type MarkdownReport,
  type RefreshManagedBlocksParams,
  type TestPacParams,
} from '../protocol';
import type { ServerState } from './server';

function displayName(uri: string): string {
  try {
    return basename(uri.startsWith('file:') ? fileURLToPath(uri) : uri);
  } catch {
    return uri;
  }
}

async function applyToDocument(state: ServerState, document: TextDocument, oldText: string, newText: string, label: string): Promise<boolean> {
  const edits = diffEdits(oldText, newText);
  if (edits.length === 0) return true;
  const result = await state.connection.workspace.applyEdit({ label, edit: { changes: { [document.uri]: edits } } });
  return result.applied;
}

async function insertPolicy(state: ServerState, params: InsertPolicyParams): Promise<InsertPolicyResult> {
  const document = state.documents.get(params.uri);
  if (!document) return { applied: false, message: t('Open the file to insert rules into first.') };
  const text = document.getText();
  const entry = await state.analysisFor(document);
  if (!entry) return { applied: false, message: t('Endpoint Lens does not recognise the dialect of {0}.', displayName(params.uri)) };
  const { analysis } = entry;
  const built = buildPolicies(analysis.context.catalog, requestFromInsertParams(params));
  if (!built.ok) return { applied: false, message: built.errors.join(' ') };
  const outcome = insertPolicies(state.engine.editSubject(displayName(params.uri), analysis, entry.settings), built.policies);
  const message = [...outcome.summaries, ...built.notes].join(' ');
  if (outcome.newText === text) return { applied: false, message };
  const applied = await applyToDocument(state, document, text, outcome.newText, t('Insert {0} rules', params.policy));
  return { applied, message };
}

async function refreshBlocks(state: ServerState, params: RefreshManagedBlocksParams): Promise<InsertPolicyResult> {
  const document = state.documents.get(params.uri);
  if (!document) return { applied: false, message: t('Open the file to refresh first.') };
  const text = document.getText();
  const entry = await state.analysisFor(document);
  if (!entry) return { applied: false, message: t('Endpoint Lens does not recognise the dialect of {0}.', displayName(params.uri)) };
  const outcome = refreshDocumentBlocks(state.engine.editSubject(displayName(params.uri), entry.analysis, entry.settings));
  const messages = [t('{0} managed block(s) found, {1} refreshed.', outcome.found, outcome.applied.length)];
  for (const skipped of outcome.notApplied) messages.push(t('"{0}" left as it is: {1}', skipped.purpose, skipped.reason));
  if (outcome.newText === text) return { applied: false, message: messages.join(' ') };
  const applied = await applyToDocument(state, document, text, outcome.newText, t('Refresh managed blocks'));
  return { applied, message: messages.join(' ') };
}

async function testPac(state: ServerState, params: TestPacParams): Promise<MarkdownReport> {
  const title = t('PAC test: {0}', displayName(params.uri));
  const document = state.documents.get(params.uri);
  const entry = document ? await state.analysisFor(document) : undefined;
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
  for (const document of state.documents.all()) {
    const entry = await state.analysisFor(document);
    if (entry) files.push({ name: displayName(document.uri), context: entry.analysis.context });
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
    default:
      return { applied: false, message: t('Unknown command {0}.', command) };
  }
}
