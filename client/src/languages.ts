import * as vscode from 'vscode';
import type { DocumentSelector } from 'vscode-languageclient/node';
import { FILE_PATTERNS, LANGUAGE_IDS } from './dialectLanguages.generated';
import { PROJECT_CONFIG_NAME } from '../../server/src/protocol';

export function documentSelector(): DocumentSelector {
  return [
    ...LANGUAGE_IDS.flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]),
    ...FILE_PATTERNS.map((pattern) => ({ scheme: 'file', pattern })),
    // The project config: the server reports its bad values and hovers over its estates.
    { scheme: 'file', pattern: `**/${PROJECT_CONFIG_NAME}` },
  ];
}

export function isOurDocument(document: vscode.TextDocument): boolean {
  if ((LANGUAGE_IDS as readonly string[]).includes(document.languageId)) return true;
  return vscode.languages.match(FILE_PATTERNS.map((pattern) => ({ scheme: 'file', pattern })), document) > 0;
}
