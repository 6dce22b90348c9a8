import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CATALOG_INFO_REQUEST, type CatalogInfo } from '../../server/src/protocol';
import { ageInDays } from './catalogAge';
import { isOurDocument } from './languages';

function ageText(days: number | undefined): string {
  if (days === undefined) return '';
  if (days === 0) return vscode.l10n.t('today');
  return days === 1 ? vscode.l10n.t('1 day old') : vscode.l10n.t('{0} days old', days);
}

/**
 * One item: the catalogue in use (instance, version, age) and the problems in the active file.
 * Shown while an Endpoint Lens file is active; a click offers update and change report.
 */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('endpointLens.status', vscode.StatusBarAlignment.Right, 100);
  private info: CatalogInfo | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** The file the item describes; the Output view and other non-file editors do not replace it. */
  private document: vscode.TextDocument | undefined;

  constructor(private readonly client: LanguageClient, private readonly output: vscode.LogOutputChannel) {
    this.item.name = vscode.l10n.t('Endpoint Lens catalogue');
    this.item.command = 'endpointLens.statusMenu';
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        this.track(editor);
        this.render();
      }),
      vscode.workspace.onDidCloseTextDocument((closed) => {
        if (closed === this.document) this.document = undefined;
        this.render();
      }),
      vscode.languages.onDidChangeDiagnostics((event) => {
        const active = this.document?.uri.toString();
        if (active !== undefined && event.uris.some((uri) => uri.toString() === active)) this.render();
      }),
    );
    this.track(vscode.window.activeTextEditor);
    this.render();
  }

  private track(editor: vscode.TextEditor | undefined): void {
    const scheme = editor?.document.uri.scheme;
    if (editor && (scheme === 'file' || scheme === 'untitled' || scheme === 'vscode-remote')) this.document = editor.document;
  }

  get catalogInfo(): CatalogInfo | undefined {
    return this.info;
  }

  /** Asks the server which catalogue it uses; call after start, an update or an instance change. */
  async refresh(): Promise<void> {
    try {
      this.info = (await this.client.sendRequest<CatalogInfo | null>(CATALOG_INFO_REQUEST)) ?? undefined;
      if (this.info) this.output.info(vscode.l10n.t('Catalogue in use: {0} {1} ({2}).', this.info.instance, this.info.version, this.info.source === 'cache' ? vscode.l10n.t('downloaded update') : vscode.l10n.t('shipped with the extension')));
      else this.output.warn(vscode.l10n.t('The language server has no catalogue loaded.'));
    } catch (error) {
      this.info = undefined;
      this.output.warn(vscode.l10n.t('The language server did not say which catalogue it uses: {0}', error instanceof Error ? error.message : String(error)));
    }
    this.render();
  }

  render(): void {
    const document = this.document;
    if (!document || document.isClosed || !isOurDocument(document)) {
      this.item.hide();
      return;
    }
    const problems = vscode.languages.getDiagnostics(document.uri).filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning).length;
    const parts: string[] = [];
    const tooltip = new vscode.MarkdownString();
    if (this.info) {
      const days = ageInDays(this.info.capturedOn, new Date());
      parts.push(`$(globe) ${this.info.instance} ${this.info.version}`);
      tooltip.appendMarkdown(`**${vscode.l10n.t('Endpoint Lens catalogue')}**\n\n`);
      tooltip.appendMarkdown(`${vscode.l10n.t('Instance: {0}', this.info.instance)}  \n`);
      tooltip.appendMarkdown(`${vscode.l10n.t('Version: {0}', this.info.version)}${this.info.versionInferred ? ` ${vscode.l10n.t('(inferred from the capture date)')}` : ''}  \n`);
      tooltip.appendMarkdown(`${vscode.l10n.t('Captured on {0} ({1})', this.info.capturedOn, ageText(days))}  \n`);
      tooltip.appendMarkdown(`${this.info.source === 'cache' ? vscode.l10n.t('Source: downloaded update') : vscode.l10n.t('Source: shipped with the extension')}  \n`);
      tooltip.appendMarkdown(`${vscode.l10n.t('Other endpoints: revision {0} (shipped with Endpoint Lens {1})', this.info.otherEndpoints.revision, this.info.otherEndpoints.release)}\n\n`);
      if (this.info.warning) tooltip.appendMarkdown(`$(warning) ${this.info.warning}\n\n`);
      if (days !== undefined && days > 0) parts.push(`(${ageText(days)})`);
    } else {
      parts.push(`$(globe) ${vscode.l10n.t('Endpoint Lens')}`);
      tooltip.appendMarkdown(`${vscode.l10n.t('The catalogue in use is not known yet.')}\n\n`);
    }
    parts.push(problems > 0 ? `$(warning) ${problems}` : '$(check)');
    tooltip.appendMarkdown(problems === 1 ? vscode.l10n.t('1 problem in this file') : vscode.l10n.t('{0} problems in this file', problems));
    tooltip.appendMarkdown(`\n\n${vscode.l10n.t('Click to update the catalogue or show what changed.')}`);
    tooltip.supportThemeIcons = true;
    this.item.text = parts.join(' ');
    this.item.tooltip = tooltip;
    this.item.backgroundColor = this.info?.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
