import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { TRUST_CHANGED_NOTIFICATION, type TrustChangedParams } from '../../server/src/protocol';

const NOTICE_SHOWN_KEY = 'endpointLens.untrustedPacNoticeShown';

function isPac(document: vscode.TextDocument): boolean {
  return document.languageId === 'pac' || /(?:\.pac|[\\/]wpad\.dat)$/i.test(document.fileName);
}

/**
 * Workspace Trust: the server runs PAC files only in a trusted workspace. The client forwards a
 * grant of trust and, in an untrusted workspace, explains once (per workspace) why PAC results
 * are missing when the first PAC file is opened.
 */
export function watchTrust(context: vscode.ExtensionContext, client: LanguageClient, output: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      const params: TrustChangedParams = { trusted: true };
      output.info(vscode.l10n.t('The workspace is now trusted; PAC files will be run.'));
      void client.sendNotification(TRUST_CHANGED_NOTIFICATION, params);
    }),
  );
  if (vscode.workspace.isTrusted) return;
  const explain = (document: vscode.TextDocument): void => {
    if (vscode.workspace.isTrusted || !isPac(document) || context.workspaceState.get<boolean>(NOTICE_SHOWN_KEY)) return;
    void context.workspaceState.update(NOTICE_SHOWN_KEY, true);
    const manage = vscode.l10n.t('Manage Workspace Trust');
    void vscode.window
      .showInformationMessage(
        vscode.l10n.t('This workspace is not trusted, so Endpoint Lens does not run PAC files: a PAC file is a program. Addresses and hosts are still checked; which requests go DIRECT or through a proxy is shown once you trust the workspace.'),
        manage,
      )
      .then((choice) => {
        if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
      });
  };
  output.info(vscode.l10n.t('The workspace is not trusted: PAC files are checked without being run.'));
  vscode.workspace.textDocuments.forEach(explain);
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(explain));
}
