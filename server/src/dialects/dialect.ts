import type { ConfigModel, DialectId, Reference } from '../model/config';
import { t } from '../l10n';
import type { Policy, RenderTarget, RenderedBlock } from '../model/policy';

export interface ParseOptions {
  /** File name or URI, for include handling and messages. */
  fileName?: string;
}

/** Everything the rest of the program knows about a dialect; adding one never touches the others. */
export interface Dialect {
  id: DialectId;
  /** Human name for messages ("nginx", "PAC", "iptables", "nftables", "Cisco ASA/IOS"). */
  displayName: string;
  /** Line-comment marker used for suppressions and managed-block markers ("#", "//", "!"). */
  lineComment: string;
  /** File name patterns (basename globs) that are this dialect without looking inside. */
  fileNamePatterns: string[];
  /** 0 = certainly not, 1 = certainly; used when the file name does not decide. */
  detect(text: string): number;
  /** Never throws on user text; returns problems instead. */
  parse(text: string, options?: ParseOptions): ConfigModel;
  render(policy: Policy, target: RenderTarget): RenderedBlock;
}

/**
 * The model of a file a parser failed on: no facts and one problem that says so. Every parser
 * catches its own defects with it, and the engine catches the rest, so a parser bug costs the user
 * one file's findings, never the language server.
 */
export function parserFailureModel(dialect: DialectId, displayName: string, error: unknown): ConfigModel {
  return {
    dialect,
    references: [],
    ruleLists: [],
    paths: [],
    comments: [],
    problems: [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        message: t('The {0} parser failed on this file: {1}', displayName, error instanceof Error ? error.message : String(error)),
        severity: 'error',
      },
    ],
  };
}

/**
 * Why an address match cannot be known from the file when it names this reference: a host name
 * the device resolves when it loads the rule, or an address it rejects. Undefined otherwise.
 */
export function unresolvedReason(reference: Reference): string | undefined {
  if (reference.kind === 'hostname') return t('host name {0} is resolved when the rule is loaded', reference.text);
  // The device refuses the rule, so what it would match is not known from the file.
  if (!reference.interval && reference.invalidReason) return t('{0} is not a valid address, so the rule is rejected when loaded', reference.text);
  return undefined;
}
