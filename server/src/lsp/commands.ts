import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { buildPolicies, requestFromInsertParams } from '../policies';
import { planInsertion, applyTextEdits } from '../render/insert';
import { refreshManagedBlocks } from '../render/managedBlocks';
import { changesMarkdown } from '../features/changes';
import { pacGrid } from '../analysis/pacGrid';
import type { TextEdit } from '../analysis/finding';
import { LineIndex } from '../model/range';
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

/** One edit from the old text to the new: the changed middle only, so the rest keeps its formatting and undo stays small. */
export function minimalEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  const index = new LineIndex(before);
  return { range: index.rangeOf(start, endBefore), newText: after.slice(start, endAfter) };
}

function displayName(uri: string): string {
  try {
    return basename(uri.startsWith('file:') ? fileURLToPath(uri) : uri);
  } catch {
    return uri;
  }
}

async function applyToDocument(state: ServerState, document: TextDocument, newText: string, label: string): Promise<boolean> {
  const edit = minimalEdit(document.getText(), newText);
  if (!edit) return true;
  const result = await state.connection.workspace.applyEdit({ label, edit: { changes: { [document.uri]: [edit] } } });
  return result.applied;
}

async function insertPolicy(state: ServerState, params: InsertPolicyParams): Promise<InsertPolicyResult> {
  const document = state.documents.get(params.uri);
  if (!document) return { applied: false, message: t('Open the file to insert rules into first.') };
  const entry = await state.analysisFor(document);
  if (!entry) return { applied: false, message: t('Endpoint Lens does not recognise the dialect of {0}.', displayName(params.uri)) };
  const { analysis } = entry;
  const built = buildPolicies(analysis.context.catalog, requestFromInsertParams(params));
  if (!built.ok) return { applied: false, message: built.errors.join(' ') };
  const dialect = analysis.detection.dialect;
  let text = document.getText();
  const summaries: string[] = [];
  for (const policy of built.policies) {
    // Each policy is placed in the text as the previous ones left it.
    const model = dialect.parse(text, { fileName: displayName(params.uri) });
    const plan = planInsertion(text, model, dialect, policy);
    summaries.push(plan.summary);
    if (plan.edits.length > 0) text = applyTextEdits(text, plan.edits);
  }
  const message = [...summaries, ...built.notes].join(' ');
  if (text === document.getText()) return { applied: false, message };
  const applied = await applyToDocument(state, document, text, t('Insert {0} rules', params.policy));
  return { applied, message };
}

async function refreshBlocks(state: ServerState, params: RefreshManagedBlocksParams): Promise<InsertPolicyResult> {
  const document = state.documents.get(params.uri);
  if (!document) return { applied: false, message: t('Open the file to refresh first.') };
  const entry = await state.analysisFor(document);
  if (!entry) return { applied: false, message: t('Endpoint Lens does not recognise the dialect of {0}.', displayName(params.uri)) };
  const result = refreshManagedBlocks(document.getText(), entry.analysis.detection.dialect, entry.analysis.context.catalog, undefined, { fileName: displayName(params.uri) });
  const changed = result.refreshed.filter((r) => r.changed).length;
  const messages = [t('{0} managed block(s) found, {1} refreshed.', result.refreshed.length + result.skipped.length, changed)];
  for (const skipped of result.skipped) messages.push(t('"{0}" left as it is: {1}', skipped.purpose, skipped.reason));
  if (changed === 0) return { applied: false, message: messages.join(' ') };
  const applied = await applyToDocument(state, document, result.text, t('Refresh managed blocks'));
  return { applied, message: messages.join(' ') };
}

async function testPac(state: ServerState, params: TestPacParams): Promise<MarkdownReport> {
  const title = t('PAC test: {0}', displayName(params.uri));
  const document = state.documents.get(params.uri);
  const entry = document ? await state.analysisFor(document) : undefined;
  if (!entry || entry.analysis.detection.dialect.id !== 'pac') return { title, markdown: t('Open a PAC file to test it.') };
  if (!state.engine.trusted) return { title, markdown: t('This workspace is not trusted, so PAC files are not run. Trust the workspace to test this file.') };
  const markdown = pacGrid(entry.analysis.context, state.engine.pacSandbox, entry.settings.pac);
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
