import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';
import { readCurrentSnapshot } from '../../server/src/catalog/history';
import type { EndpointSet } from '../../server/src/catalog/types';
import {
  EXCHANGE_HYBRID_FEATURES,
  SERVER_COMMANDS,
  type CatalogReportParams,
  type CheckWorkspaceResult,
  type DescribeEstateParams,
  type ExchangeHybridFeature,
  type InsertPolicyParams,
  type InsertPolicyResult,
  type MarkdownReport,
  type RefreshManagedBlocksParams,
  type TestPacParams,
} from '../../server/src/protocol';
import { addressProblem, splitAddresses } from './addressInput';
import type { CatalogUpdater } from './catalogUpdates';
import { isOurDocument } from './languages';
import { readSettings } from './settings';
import type { StatusBar } from './statusBar';

/** What every command needs; one per activation. */
export interface Session {
  extension: vscode.ExtensionContext;
  client: LanguageClient;
  output: vscode.LogOutputChannel;
  status: StatusBar;
  updater: CatalogUpdater;
}

const FEATURES_KEY = 'endpointLens.exchangeHybrid.features';
const SERVERS_KEY = 'endpointLens.exchangeHybrid.serverAddresses';
const GRAPH_SERVERS_KEY = 'endpointLens.graphNotifications.serverAddresses';
const LAST_SEEN_VERSION_KEY = 'endpointLens.catalog.lastSeenVersion';

/** Arguments a caller (a test, a walkthrough link, a keybinding) may pass instead of being asked. */
export interface ExchangeHybridArgs {
  features?: ExchangeHybridFeature[];
  serverAddresses?: string[];
  includeAnnounced?: boolean;
}
export interface EndpointSetsArgs {
  setIds?: number[];
  serviceAreas?: string[];
  categories?: string[];
  includeOptional?: boolean;
  includeAnnounced?: boolean;
}

/** The option both insert commands offer, on by default: additions Microsoft announced for a later day go in now. */
function announcedItem(): vscode.QuickPickItem {
  return {
    label: vscode.l10n.t('Include announced additions'),
    description: vscode.l10n.t('addresses and URLs Microsoft has announced for a later date'),
    picked: true,
  };
}
export interface GraphArgs {
  serverAddresses?: string[];
}

/**
 * Arguments given by a caller, or undefined when the command was started from a menu (which
 * passes the file's URI) or the palette (which passes nothing).
 */
function callerArgs<T extends object>(value: unknown): T | undefined {
  if (typeof value !== 'object' || value === null || value instanceof vscode.Uri || Array.isArray(value)) return undefined;
  return value as T;
}

function featureLabel(feature: ExchangeHybridFeature): { label: string; description: string; detail: string } {
  switch (feature) {
    case 'mailbox-migration':
      return { label: vscode.l10n.t('Mailbox migration'), description: vscode.l10n.t('inbound, TCP 443'), detail: vscode.l10n.t('EWS and MRS proxy requests from Exchange Online to the on-premises server.') };
    case 'free-busy':
      return { label: vscode.l10n.t('Free/busy and hybrid proxy authentication'), description: vscode.l10n.t('inbound, TCP 443'), detail: vscode.l10n.t('Calendar sharing and OAuth requests from Exchange Online.') };
    case 'hybrid-configuration-wizard':
      return { label: vscode.l10n.t('Hybrid Configuration Wizard'), description: vscode.l10n.t('outbound, TCP 443'), detail: vscode.l10n.t('The wizard on the on-premises server reaching Microsoft 365.') };
    case 'autodiscover':
      return { label: vscode.l10n.t('AutoDetect'), description: vscode.l10n.t('inbound, TCP 443'), detail: vscode.l10n.t('Outlook AutoDetect requests from Exchange Online to Autodiscover on premises.') };
    case 'hybrid-authentication':
      return { label: vscode.l10n.t('Hybrid Azure AD authentication'), description: vscode.l10n.t('outbound, TCP 443'), detail: vscode.l10n.t('The on-premises server reaching the Microsoft identity endpoints.') };
    case 'mail-flow':
      return { label: vscode.l10n.t('Mail flow'), description: vscode.l10n.t('inbound, TCP 25'), detail: vscode.l10n.t('SMTP from Exchange Online Protection to the on-premises server.') };
  }
}

/** The input box's check: undefined when every address parses, else a message naming the first bad one. */
export function validateAddresses(text: string, required: boolean): string | undefined {
  const problem = addressProblem(text, required);
  switch (problem?.kind) {
    case undefined:
      return undefined;
    case 'none-given':
      return vscode.l10n.t('Enter at least one IPv4 or IPv6 address or CIDR.');
    case 'not-an-address':
      return vscode.l10n.t('"{0}" is not an IPv4 or IPv6 address or CIDR.', problem.text);
    case 'host-bits-set':
      return vscode.l10n.t('"{0}" has host bits set; write the network address or a single host.', problem.text);
  }
}

/** The editor the insert commands write into, or a clear message why there is none. */
function targetEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !isOurDocument(editor.document)) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Open an nginx, PAC, iptables, nftables or Cisco file first; the rules are written in its language.'));
    return undefined;
  }
  return editor;
}

async function executeServerCommand<R>(session: Session, command: string, params: object): Promise<R | undefined> {
  try {
    return await session.client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [params] }) as R;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    session.output.error(`${command}: ${message}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Endpoint Lens could not run the command: {0}', message));
    return undefined;
  }
}

async function insertPolicy(session: Session, params: InsertPolicyParams): Promise<InsertPolicyResult | undefined> {
  const result = await executeServerCommand<InsertPolicyResult>(session, SERVER_COMMANDS.insertPolicy, params);
  if (!result) return undefined;
  session.output.info(`${params.policy}: ${result.message}`);
  if (result.applied) void vscode.window.showInformationMessage(result.message);
  else void vscode.window.showWarningMessage(result.message);
  return result;
}

async function insertExchangeHybrid(session: Session, args?: ExchangeHybridArgs): Promise<InsertPolicyResult | undefined> {
  const editor = targetEditor();
  if (!editor) return undefined;
  const state = session.extension.workspaceState;
  let features = args?.features;
  let includeAnnounced = args?.includeAnnounced ?? true;
  if (!features) {
    const remembered = state.get<string[]>(FEATURES_KEY) ?? [...EXCHANGE_HYBRID_FEATURES];
    const announced = announcedItem();
    const items: Array<vscode.QuickPickItem & { feature?: ExchangeHybridFeature }> = [
      ...EXCHANGE_HYBRID_FEATURES.map((feature) => ({ ...featureLabel(feature), feature, picked: remembered.includes(feature) })),
      { label: vscode.l10n.t('Options'), kind: vscode.QuickPickItemKind.Separator },
      announced,
    ];
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: vscode.l10n.t('Exchange hybrid features'),
      placeHolder: vscode.l10n.t('Which hybrid features should the rules permit?'),
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    const chosen = picked.flatMap((item) => (item.feature ? [item.feature] : []));
    if (chosen.length === 0) {
      void vscode.window.showWarningMessage(vscode.l10n.t('No hybrid feature was chosen, so nothing was inserted.'));
      return undefined;
    }
    features = chosen;
    includeAnnounced = picked.includes(announced);
    await state.update(FEATURES_KEY, features);
  }
  let serverAddresses = args?.serverAddresses;
  if (!serverAddresses) {
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('On-premises Exchange servers'),
      prompt: vscode.l10n.t('Addresses of the on-premises Exchange servers (IPs or CIDRs, separated by commas or spaces).'),
      placeHolder: '192.0.2.10, 2001:db8::10',
      value: (state.get<string[]>(SERVERS_KEY) ?? []).join(', '),
      ignoreFocusOut: true,
      validateInput: (text) => validateAddresses(text, true),
    });
    if (typed === undefined) return undefined;
    serverAddresses = splitAddresses(typed);
    await state.update(SERVERS_KEY, serverAddresses);
  }
  return insertPolicy(session, { uri: editor.document.uri.toString(), policy: 'exchange-hybrid', features, serverAddresses, includeAnnounced });
}

interface SetPickItem extends vscode.QuickPickItem {
  choice?: { kind: 'area'; value: string } | { kind: 'category'; value: string } | { kind: 'optional' } | { kind: 'announced' } | { kind: 'set'; value: number };
}

function setItem(set: EndpointSet): SetPickItem {
  const required = set.required ? vscode.l10n.t('required') : vscode.l10n.t('optional');
  const ports = [set.tcpPortsText && `TCP ${set.tcpPortsText}`, set.udpPortsText && `UDP ${set.udpPortsText}`].filter(Boolean).join(', ');
  return {
    label: vscode.l10n.t('Set {0}: {1}', set.id, set.serviceAreaDisplayName),
    description: `${set.category}, ${required}${ports ? `, ${ports}` : ''}`,
    detail: [...set.urls.slice(0, 3), ...set.ips.slice(0, 2)].join('  ') || undefined,
    choice: { kind: 'set', value: set.id },
  };
}

async function insertEndpointSets(session: Session, args?: EndpointSetsArgs): Promise<InsertPolicyResult | undefined> {
  const editor = targetEditor();
  if (!editor) return undefined;
  let params: InsertPolicyParams = { uri: editor.document.uri.toString(), policy: 'sets' };
  if (args) {
    params = { ...params, ...args };
  } else {
    const settings = readSettings(editor.document.uri);
    const current = readCurrentSnapshot(settings.instance, session.extension.globalStorageUri.fsPath);
    if (!current) {
      void vscode.window.showErrorMessage(vscode.l10n.t('No {0} catalogue could be read.', settings.instance));
      return undefined;
    }
    const sets = current.snapshot.sets;
    const areas = [...new Set(sets.map((s) => s.serviceArea))].sort();
    const items: SetPickItem[] = [
      { label: vscode.l10n.t('Service areas'), kind: vscode.QuickPickItemKind.Separator },
      ...areas.map((area): SetPickItem => ({ label: area, description: vscode.l10n.t('{0} sets', sets.filter((s) => s.serviceArea === area).length), choice: { kind: 'area', value: area } })),
      { label: vscode.l10n.t('Categories'), kind: vscode.QuickPickItemKind.Separator },
      ...(['Optimize', 'Allow', 'Default'] as const).map((category): SetPickItem => ({ label: category, description: vscode.l10n.t('{0} sets', sets.filter((s) => s.category === category).length), choice: { kind: 'category', value: category } })),
      { label: vscode.l10n.t('Options'), kind: vscode.QuickPickItemKind.Separator },
      { label: vscode.l10n.t('Include optional sets'), description: vscode.l10n.t('sets Microsoft does not mark as required'), choice: { kind: 'optional' } },
      { ...announcedItem(), choice: { kind: 'announced' } },
      { label: vscode.l10n.t('Individual sets (instead of the filters above)'), kind: vscode.QuickPickItemKind.Separator },
      ...sets.map(setItem),
    ];
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      matchOnDescription: true,
      matchOnDetail: true,
      title: vscode.l10n.t('Endpoint sets ({0} catalogue {1})', current.snapshot.instance, current.snapshot.version),
      placeHolder: vscode.l10n.t('Pick service areas and categories, or individual sets; nothing picked means every required set.'),
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    const choices = picked.flatMap((item) => (item.choice ? [item.choice] : []));
    params.includeAnnounced = choices.some((c) => c.kind === 'announced');
    const setIds = choices.flatMap((c) => (c.kind === 'set' ? [c.value] : []));
    if (setIds.length > 0) {
      params.setIds = setIds;
    } else {
      params.serviceAreas = choices.flatMap((c) => (c.kind === 'area' ? [c.value] : []));
      params.categories = choices.flatMap((c) => (c.kind === 'category' ? [c.value] : []));
      params.includeOptional = choices.some((c) => c.kind === 'optional');
    }
  }
  return insertPolicy(session, params);
}

async function insertGraphNotifications(session: Session, args?: GraphArgs): Promise<InsertPolicyResult | undefined> {
  const editor = targetEditor();
  if (!editor) return undefined;
  let serverAddresses = args?.serverAddresses;
  if (!serverAddresses) {
    const state = session.extension.workspaceState;
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Change-notification endpoint'),
      prompt: vscode.l10n.t('Addresses of your webhook receiver (IPs or CIDRs), or leave empty to allow any local address.'),
      value: (state.get<string[]>(GRAPH_SERVERS_KEY) ?? []).join(', '),
      ignoreFocusOut: true,
      validateInput: (text) => validateAddresses(text, false),
    });
    if (typed === undefined) return undefined;
    serverAddresses = splitAddresses(typed);
    await state.update(GRAPH_SERVERS_KEY, serverAddresses);
  }
  return insertPolicy(session, { uri: editor.document.uri.toString(), policy: 'graph-notifications', serverAddresses });
}

async function refreshManagedBlocks(session: Session): Promise<unknown> {
  const editor = targetEditor();
  if (!editor) return undefined;
  const params: RefreshManagedBlocksParams = { uri: editor.document.uri.toString() };
  const result = await executeServerCommand<unknown>(session, SERVER_COMMANDS.refreshManagedBlocks, params);
  const message = typeof result === 'object' && result !== null && 'message' in result && typeof result.message === 'string' ? result.message : undefined;
  if (message) {
    session.output.info(`refresh: ${message}`);
    void vscode.window.showInformationMessage(message);
  }
  return result;
}

/**
 * Reports live in read-only documents of their own scheme, so their previews have a real title and
 * closing them never asks to save an untitled file.
 */
const REPORT_SCHEME = 'endpoint-lens-report';

class ReportDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  set(uri: vscode.Uri, markdown: string): void {
    this.contents.set(uri.toString(), markdown);
    this.changed.fire(uri);
  }
}

const reports = new ReportDocuments();

/** A file name for the report's tab: its title without characters file names cannot hold. */
function reportUri(title: string): vscode.Uri {
  const name = title.replace(/[\\/:*?"<>|#%]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 80) || 'Endpoint Lens';
  return vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name}.md` });
}

/** Shows a report as a markdown preview (the markdown source when the preview is unavailable). */
async function showMarkdown(report: MarkdownReport): Promise<vscode.Uri> {
  const uri = reportUri(report.title);
  reports.set(uri, report.markdown);
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    await vscode.window.showTextDocument(uri, { preview: true });
  }
  return uri;
}

async function showCatalogReport(session: Session): Promise<MarkdownReport | undefined> {
  const state = session.extension.workspaceState;
  const params: CatalogReportParams = {};
  const since = state.get<string>(LAST_SEEN_VERSION_KEY);
  if (since) params.sinceVersion = since;
  const report = await executeServerCommand<MarkdownReport>(session, SERVER_COMMANDS.catalogReport, params);
  if (!report) return undefined;
  await showMarkdown(report);
  await session.status.refresh();
  const version = session.status.catalogInfo?.version;
  if (version) await state.update(LAST_SEEN_VERSION_KEY, version);
  return report;
}

async function testPac(session: Session): Promise<MarkdownReport | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !(editor.document.languageId === 'pac' || /\.pac$|wpad\.dat$/i.test(editor.document.fileName))) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Open a PAC file first.'));
    return undefined;
  }
  const params: TestPacParams = { uri: editor.document.uri.toString() };
  const report = await executeServerCommand<MarkdownReport>(session, SERVER_COMMANDS.testPac, params);
  if (report) await showMarkdown(report);
  return report;
}

/** Firewall dialects an estate's egress can be (PAC and nginx are not on the packet path). */
const FIREWALL_LANGUAGES = ['iptables', 'nftables', 'cisco', 'panos', 'fortios', 'junos'];

interface EstateArgs {
  egressUris?: string[];
  clients?: string[];
}

/**
 * "Describe this estate": from the open PAC file, the open firewall files the user picks as the
 * estate's egress, and the client networks typed in, an estate entry in endpoint-lens.json.
 */
async function describeEstate(session: Session, args?: EstateArgs): Promise<InsertPolicyResult | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !(editor.document.languageId === 'pac' || /\.pac$|wpad\.dat$/i.test(editor.document.fileName))) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Open a PAC file first.'));
    return undefined;
  }
  let egressUris = args?.egressUris;
  if (!egressUris) {
    const firewalls = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file' && FIREWALL_LANGUAGES.includes(d.languageId));
    if (firewalls.length === 0) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open the egress firewall files of the estate (iptables, nftables, Cisco, PAN-OS, FortiOS or Junos) as well, then run the command again.'));
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      firewalls.map((d) => ({ label: vscode.workspace.asRelativePath(d.uri), description: d.languageId, picked: true, uri: d.uri.toString() })),
      { canPickMany: true, title: vscode.l10n.t('Egress firewalls of this estate'), placeHolder: vscode.l10n.t('Pick the firewalls between these clients and the internet.'), ignoreFocusOut: true },
    );
    if (!picked || picked.length === 0) return undefined;
    egressUris = picked.map((p) => p.uri);
  }
  let clients = args?.clients;
  if (!clients) {
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Client networks'),
      prompt: vscode.l10n.t('The networks whose browsers use this PAC file (CIDRs, separated by commas or spaces).'),
      placeHolder: '10.20.0.0/16, 2001:db8:20::/48',
      ignoreFocusOut: true,
      validateInput: (text) => validateAddresses(text, true),
    });
    if (typed === undefined) return undefined;
    clients = splitAddresses(typed);
  }
  const params: DescribeEstateParams = { uri: editor.document.uri.toString(), egressUris, clients };
  const result = await executeServerCommand<InsertPolicyResult>(session, SERVER_COMMANDS.describeEstate, params);
  if (!result) return undefined;
  session.output.info(`describe estate: ${result.message}`);
  if (result.applied) void vscode.window.showInformationMessage(result.message);
  else void vscode.window.showWarningMessage(result.message);
  return result;
}

/** "Check workspace": the server publishes diagnostics for the files that are not open, each read in its configuration. */
async function checkWorkspace(session: Session): Promise<CheckWorkspaceResult | undefined> {
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Checking the workspace') }, () =>
    executeServerCommand<CheckWorkspaceResult>(session, SERVER_COMMANDS.checkWorkspace, {}),
  );
  if (result) void vscode.window.showInformationMessage(vscode.l10n.t('Checked {0} files that are not open: {1} problems.', result.files, result.findings));
  return result;
}

async function updateCatalogNow(session: Session): Promise<void> {
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Updating the Microsoft 365 endpoint catalogue') },
    () => session.updater.updateNow(),
  );
  if (outcome.status === 'failed' || outcome.status === 'backing-off') void vscode.window.showWarningMessage(outcome.message);
  else void vscode.window.showInformationMessage(outcome.message);
  await session.status.refresh();
}

async function openExample(session: Session): Promise<vscode.TextEditor | undefined> {
  const folder = vscode.Uri.joinPath(session.extension.extensionUri, 'examples');
  let names: string[];
  try {
    names = (await vscode.workspace.fs.readDirectory(folder)).filter(([, type]) => type === vscode.FileType.File).map(([name]) => name).sort();
  } catch {
    names = [];
  }
  if (names.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('This installation has no examples.'));
    return undefined;
  }
  const name = await vscode.window.showQuickPick(names, { title: vscode.l10n.t('Open an example configuration') });
  if (!name) return undefined;
  // Opened as a copy so the installed example is never edited.
  const source = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, name));
  const copy = await vscode.workspace.openTextDocument({ language: source.languageId, content: source.getText() });
  return vscode.window.showTextDocument(copy);
}

async function statusMenu(session: Session): Promise<void> {
  const items = [
    { label: `$(cloud-download) ${vscode.l10n.t('Update catalogue now')}`, run: () => updateCatalogNow(session) },
    { label: `$(diff) ${vscode.l10n.t('Show catalogue version and changes')}`, run: () => showCatalogReport(session) },
    { label: `$(output) ${vscode.l10n.t('Show output')}`, run: () => Promise.resolve(session.output.show()) },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Endpoint Lens catalogue') });
  if (picked) await picked.run();
}

export function registerCommands(session: Session): void {
  session.extension.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports));
  const register = (id: string, run: (args?: unknown) => unknown): void => {
    session.extension.subscriptions.push(vscode.commands.registerCommand(id, run));
  };
  register('endpointLens.insertExchangeHybrid', (args?: unknown) => insertExchangeHybrid(session, callerArgs<ExchangeHybridArgs>(args)));
  register('endpointLens.insertEndpointSets', (args?: unknown) => insertEndpointSets(session, callerArgs<EndpointSetsArgs>(args)));
  register('endpointLens.insertGraphNotifications', (args?: unknown) => insertGraphNotifications(session, callerArgs<GraphArgs>(args)));
  register('endpointLens.refreshManagedBlocks', () => refreshManagedBlocks(session));
  register('endpointLens.updateCatalog', () => updateCatalogNow(session));
  register('endpointLens.showCatalogReport', () => showCatalogReport(session));
  register('endpointLens.testPac', () => testPac(session));
  register('endpointLens.describeEstate', (args?: unknown) => describeEstate(session, callerArgs<EstateArgs>(args)));
  register('endpointLens.checkWorkspace', () => checkWorkspace(session));
  register('endpointLens.showOutput', () => session.output.show());
  register('endpointLens.openExample', () => openExample(session));
  register('endpointLens.statusMenu', () => statusMenu(session));
}
