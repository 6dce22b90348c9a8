import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { updateCatalog, type UpdateOutcome } from '../../server/src/catalog/update';
import { CATALOG_CHANGED_NOTIFICATION, type CatalogChangedParams } from '../../server/src/protocol';
import { readSettings } from './settings';

/** Microsoft asks for at most one `/version` call an hour; updateCatalog enforces it, this only wakes it. */
const CHECK_EVERY_MS = 60 * 60 * 1000;

/**
 * Downloads new catalogues in the extension host (so VS Code's proxy settings apply) into global
 * storage and tells the server to reload. One update runs at a time; a second request waits for it.
 */
export class CatalogUpdater implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<UpdateOutcome> | undefined;
  /** Automatic checks report a failure once per session; the hourly retry stays quiet. */
  private failureShown = false;
  private readonly changed = new vscode.EventEmitter<UpdateOutcome>();
  readonly onDidUpdate = this.changed.event;

  constructor(
    private readonly client: LanguageClient,
    private readonly cacheDir: string,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  /** Starts the hourly schedule (and one check now) when automatic updates are on. */
  configure(): void {
    const enabled = readSettings().catalog.autoUpdate;
    if (enabled && this.timer === undefined) {
      this.timer = setInterval(() => void this.automatic(), CHECK_EVERY_MS);
      void this.automatic();
      this.output.info(vscode.l10n.t('Automatic catalogue updates are on: checking now and every hour.'));
    } else if (!enabled && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.output.info(vscode.l10n.t('Automatic catalogue updates are off.'));
    }
  }

  /** Another instance was chosen: check its catalogue now rather than at the next hourly tick. */
  instanceChanged(): void {
    if (this.timer !== undefined) void this.automatic();
  }

  private async automatic(): Promise<void> {
    const outcome = await this.update(false);
    if (outcome.status === 'failed' && !this.failureShown) {
      this.failureShown = true;
      void vscode.window.showWarningMessage(outcome.message);
    }
  }

  /** "Update catalogue now": skips the hourly limit (never the back-off after HTTP 429). */
  async updateNow(): Promise<UpdateOutcome> {
    return this.update(true);
  }

  private update(force: boolean): Promise<UpdateOutcome> {
    if (this.running) return this.running;
    const settings = readSettings();
    const run = async (): Promise<UpdateOutcome> => {
      this.output.info(vscode.l10n.t('Checking {0} for a new {1} catalogue.', settings.catalog.url, settings.instance));
      let outcome: UpdateOutcome;
      try {
        outcome = await updateCatalog({ baseUrl: settings.catalog.url, instance: settings.instance, cacheDir: this.cacheDir, force });
      } catch (error) {
        // updateCatalog reports failures in its outcome; anything thrown is a defect worth logging whole.
        const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
        this.output.error(text);
        outcome = { status: 'failed', requests: 0, message: vscode.l10n.t('The catalogue update failed unexpectedly; the previous catalogue stays in use. See the Endpoint Lens output for details.') };
      }
      const line = `${outcome.status}: ${outcome.message} (${vscode.l10n.t('{0} requests', outcome.requests)})`;
      if (outcome.status === 'failed') this.output.warn(line);
      else this.output.info(line);
      if (outcome.status === 'updated') {
        const params: CatalogChangedParams = { catalogCacheDir: this.cacheDir };
        await this.client.sendNotification(CATALOG_CHANGED_NOTIFICATION, params);
      }
      this.changed.fire(outcome);
      return outcome;
    };
    this.running = run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  dispose(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.changed.dispose();
  }
}
