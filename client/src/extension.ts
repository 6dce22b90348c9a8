import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { useBundle } from '../../server/src/l10n';
import type { InitializationOptions } from '../../server/src/protocol';
import { CatalogUpdater } from './catalogUpdates';
import { registerCommands, type Session } from './commands';
import { documentSelector } from './languages';
import { PROJECT_CONFIG_NAME } from '../../server/src/protocol';
import { affectsSettings, SECTION } from './settings';
import { StatusBar } from './statusBar';
import { watchTrust } from './trust';

let client: LanguageClient | undefined;

/**
 * The Danish bundle for the server (and for the catalogue update messages, which run in this
 * process through the same t()); VS Code itself loads it for vscode.l10n from the manifest's l10n.
 */
async function l10nBundle(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): Promise<Record<string, string> | undefined> {
  const language = vscode.env.language.toLowerCase();
  if (language !== 'da' && !language.startsWith('da-')) return undefined;
  try {
    return JSON.parse(await readFile(context.asAbsolutePath('l10n/bundle.l10n.da.json'), 'utf8')) as Record<string, string>;
  } catch (error) {
    output.warn(`l10n/bundle.l10n.da.json: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** Activation returns this so tests (and other extensions) can reach the running parts. */
export interface EndpointLensApi {
  client: LanguageClient;
  output: vscode.LogOutputChannel;
}

export async function activate(context: vscode.ExtensionContext): Promise<EndpointLensApi> {
  const output = vscode.window.createOutputChannel('Endpoint Lens', { log: true });
  context.subscriptions.push(output);
  output.info(vscode.l10n.t('Endpoint Lens {0} starting (VS Code {1}, display language {2}).', String((context.extension.packageJSON as { version?: unknown }).version), vscode.version, vscode.env.language));

  const bundle = await l10nBundle(context, output);
  useBundle(bundle);
  const cacheDir = context.globalStorageUri.fsPath;
  await vscode.workspace.fs.createDirectory(context.globalStorageUri);

  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const initializationOptions: InitializationOptions = { trusted: vscode.workspace.isTrusted, catalogCacheDir: cacheDir };
  if (bundle) initializationOptions.l10nBundle = bundle;
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    // A project config edited outside the editor (or on disk by `git pull`) changes every file below it.
    synchronize: { configurationSection: SECTION, fileEvents: vscode.workspace.createFileSystemWatcher(`**/${PROJECT_CONFIG_NAME}`) },
    initializationOptions,
    outputChannel: output,
  };
  client = new LanguageClient('endpointLens', vscode.l10n.t('Endpoint Lens'), serverOptions, clientOptions);
  await client.start();
  output.info(vscode.l10n.t('Language server started; catalogue cache: {0}', cacheDir));

  const status = new StatusBar(client, output);
  const updater = new CatalogUpdater(client, cacheDir, output);
  context.subscriptions.push(status, updater);
  const session: Session = { extension: context, client, output, status, updater };
  registerCommands(session);
  watchTrust(context, client, output);

  context.subscriptions.push(
    updater.onDidUpdate((outcome) => {
      if (outcome.status === 'updated') void status.refresh();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsSettings(event, 'catalog.autoUpdate')) updater.configure();
      if (affectsSettings(event, 'instance') || affectsSettings(event, 'catalog.url')) updater.instanceChanged();
      // The server reloads on the synchronised settings; the status bar asks again afterwards.
      if (affectsSettings(event, 'instance') || affectsSettings(event, 'catalog.pinnedVersion')) setTimeout(() => void status.refresh(), 500);
    }),
  );
  // Neither waits: activation must not depend on the server answering or the network.
  void status.refresh();
  updater.configure();
  return { client, output };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
