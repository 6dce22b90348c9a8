import * as l10n from '@vscode/l10n';

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
  if (contents) l10n.config({ contents });
}
