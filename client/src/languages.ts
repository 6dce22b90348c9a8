import * as vscode from 'vscode';
import type { DocumentSelector } from 'vscode-languageclient/node';

export const LANGUAGE_IDS = ['nginx', 'pac', 'iptables', 'nftables', 'cisco'] as const;

/**
 * File names the server is asked about whatever language another extension gave them (a PAC file
 * opened as JavaScript, an nftables.conf opened as plain text): the server detects the dialect
 * from the name and the text.
 */
export const FILE_PATTERNS = [
  '**/*.pac',
  '**/wpad.dat',
  '**/rules.v4',
  '**/rules.v6',
  '**/*.rules',
  '**/*.nft',
  '**/nftables.conf',
  '**/*.asa',
  '**/*.ios',
  '**/*-confg',
  '**/nginx.conf',
  '**/*.nginx.conf',
  '**/*.nginx',
] as const;

export function documentSelector(): DocumentSelector {
  return [
    ...LANGUAGE_IDS.flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]),
    ...FILE_PATTERNS.map((pattern) => ({ scheme: 'file', pattern })),
  ];
}

export function isOurDocument(document: vscode.TextDocument): boolean {
  if ((LANGUAGE_IDS as readonly string[]).includes(document.languageId)) return true;
  return vscode.languages.match(FILE_PATTERNS.map((pattern) => ({ scheme: 'file', pattern })), document) > 0;
}
