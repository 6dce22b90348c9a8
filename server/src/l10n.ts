import * as l10n from '@vscode/l10n';

let activeBundle: Record<string, string> | undefined;

/**
 * The one way user-visible text is produced. Messages are written in English and looked up in the
 * Danish bundle (l10n/bundle.l10n.da.json) when that locale is active; `{0}` placeholders as in
 * vscode.l10n.
 */
export function t(message: string, ...args: Array<string | number | boolean>): string {
  return l10n.t(message, ...args);
}

/** Load a bundle's contents (handed over by the client, or read by the CLI for --locale). */
export function useBundle(contents: Record<string, string> | undefined): void {
  if (!contents) return;
  l10n.config({ contents });
  activeBundle = Object.keys(contents).length > 0 ? contents : undefined;
}

/** The bundle in use, to hand to a worker thread; undefined for English. */
export function currentBundle(): Record<string, string> | undefined {
  return activeBundle;
}

/** Text the project keeps in both languages itself (other-endpoints purposes), in the language in use. */
export function localised(text: { en: string; da: string }): string {
  return activeBundle ? text.da : text.en;
}
