import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPolicies, requestFromInsertParams } from '../policies';
import { insertPolicies, refreshBlocks as refreshDocumentBlocks } from '../features/edits';
import { renderChangeReport } from '../catalog/report';
import type { CatalogChange } from '../catalog/types';
import { evaluateFlow } from '../analysis/evaluate';
import { intervalsOf } from '../analysis/scope';
import { pacGrid, pacGridMarkdown } from '../features/pacGrid';
import { diffEdits } from '../model/edit';
import type { Flow } from '../model/policy';
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
import type { CachedAnalysis, ServerState, VersionedAnalysis } from './server';
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

/** What one change means for the open files: added addresses the files do not let through. */
function impactOnOpenFiles(analyses: Array<{ uri: string; analysis: CachedAnalysis }>) {
  return (change: CatalogChange): string[] => {
    const ips = change.add?.ips ?? [];
    if (ips.length === 0) return [];
    const lines: string[] = [];
    const intervals = intervalsOf(ips);
    for (const { uri, analysis } of analyses) {
      const set = analysis.analysis.context.catalog.sets.find((s) => s.id === change.endpointSetId);
      const flows: Flow[] = [];
      const origin = { source: 'web-service' as const, instance: analysis.settings.instance, setId: change.endpointSetId };
      if (set?.tcpPorts.length) flows.push({ origin, direction: 'outbound', protocol: 'tcp', ports: set.tcpPorts, remote: { kind: 'addresses', intervals } });
      if (set?.udpPorts.length) flows.push({ origin, direction: 'outbound', protocol: 'udp', ports: set.udpPorts, remote: { kind: 'addresses', intervals } });
      for (const flow of flows) {
        for (const evaluation of evaluateFlow(analysis.analysis.model, flow)) {
          const blocked = evaluation.outcomes.find((o) => o.value === 'blocked');
          if (!blocked) continue;
          const list = analysis.analysis.model.ruleLists.find((l) => l.id === blocked.decidedBy?.listId);
          const rule = blocked.decidedBy && blocked.decidedBy.ruleIndex >= 0 ? list?.rules[blocked.decidedBy.ruleIndex] : undefined;
          const line = (rule?.range ?? list?.defaultRange ?? list?.range)?.start.line;
          lines.push(t('not permitted by {0} line {1}', displayName(uri), (line ?? 0) + 1));
        }
      }
    }
    return [...new Set(lines)];
  };
}

async function catalogReport(state: ServerState, params: CatalogReportParams): Promise<MarkdownReport> {
  const settings = await state.settingsFor('');
  const loaded = state.engine.catalog(settings.instance, settings.catalog.pinnedVersion);
  const since = params.sinceVersion ?? loaded.history?.history.versions.at(-1)?.version ?? loaded.catalog.version;
  const changes = loaded.history?.changesSince(since) ?? [];
  const analyses = [];
  for (const snapshot of state.documents.all().map(snapshotOf)) {
    const entry = await state.analysisOf(snapshot);
    if (entry) analyses.push({ uri: snapshot.uri, analysis: entry.value });
  }
  const markdown = renderChangeReport(changes, {
    since,
    current: { instance: loaded.catalog.instance, version: loaded.catalog.version, capturedOn: loaded.catalog.capturedOn, sets: loaded.catalog.sets },
    impact: impactOnOpenFiles(analyses),
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
