import type { IpInterval } from '../model/address';
import type { CatalogMatch } from '../catalog/types';
import type { ConfigModel, DialectId, EvaluationPath, Reference } from '../model/config';
import type { TextEdit } from '../model/edit';
import type { ManagedBlock } from '../model/managedBlock';
import type { Direction, Flow, Policy, RegionOutcome, RenderedBlock } from '../model/policy';
import type { LineIndex } from '../model/range';
import { t } from '../l10n';

/** Where one file's text starts in an assembled configuration, and at which of the file's lines (0-based). */
export interface SourcePart {
  offset: number;
  fileName: string;
  line: number;
}

export interface ParseContext {
  /** File name or URI, for include handling and messages. */
  fileName?: string;
  /**
   * When the text is a configuration assembled from several files (a file with its includes
   * spliced in, rules.v4 followed by rules.v6): where each file's text starts, in order.
   */
  parts?: ReadonlyArray<SourcePart>;
}

/** Options of include resolution that the project configuration may set. */
export interface IncludeOptions {
  /** Folders nftables looks in for a relative include after the including file's own folder. */
  includePath?: readonly string[];
  /** nginx configuration prefix (the folder relative includes are resolved against); found from nginx.conf when absent. */
  nginxPrefix?: string;
  /**
   * The folder that stands for the device's `/`: an absolute include (`/etc/squid/conf.d/*.conf`)
   * is read under it, so a configuration kept in a repository is not read with the files of the
   * machine that checks it. Absent: the machine's own root.
   */
  systemRoot?: string;
}

/** An include statement of a file: the pattern it names and the text it stands in for. */
export interface IncludeStatement {
  pattern: string;
  /** Offsets of the whole statement (`include conf.d/*.conf;`); the included text replaces it. */
  start: number;
  end: number;
}

/** How a dialect's files bring in others, so that a file is read inside the configuration it belongs to. */
export interface IncludeSyntax {
  statements(text: string): IncludeStatement[];
  /**
   * What a relative pattern is resolved against: the including file's folder (then the include
   * path), or the configuration prefix, the folder of the nearest `marker` file up from the root
   * (nginx: the folder of nginx.conf) unless the options name one.
   */
  relativeTo: { kind: 'including-folder' } | { kind: 'prefix'; marker: string };
  /** Files loaded beside this one as one configuration (rules.v6 beside rules.v4), appended after it. */
  companions?(path: string): string[];
}

/** What a parser returns: the dialect's own typed vendor model and the common model made from it. */
export interface Parsed<V> {
  vendor: V;
  model: ConfigModel;
}

/** The editor language a dialect contributes; the manifest and the client's language table are generated from it. */
export interface LanguageContribution {
  /** The language id; also the dialect's settings key (`endpointLens.direction.<id>`). */
  id: string;
  aliases: string[];
  extensions?: string[];
  filenames?: string[];
  filenamePatterns?: string[];
  /** A regular expression VS Code tests the first line with. */
  firstLine?: string;
  /** TextMate scope of the grammar in `syntaxes/<id>.tmLanguage.json`. */
  scopeName: string;
}

export interface CommentSyntax {
  /** Line-comment marker for suppressions and managed-block markers ("#", "//", "!"). */
  line: string;
  /** What closes a comment on its line, for a syntax without line comments (XML: `line` is `<!--`, `close` is `-->`). */
  close?: string;
  /** Longest text a rule's own comment may hold (iptables `-m comment`: 256 bytes); undefined when rules carry none. */
  ruleCommentLimit?: number;
}

/** Where one flow of a policy is decided today, as the evaluator found it. */
export interface FlowDecision {
  /** Index of the policy entry the flow belongs to. */
  entry: number;
  /** The part of the entry's flow this decision is about. */
  flow: Flow;
  path: EvaluationPath;
  outcome: RegionOutcome;
  /** The flow is let through but its TLS is decrypted on the way, which an edit has to change too. */
  inspected?: boolean;
}

/** A place for a new block: the start of a line (or the end of the text) and the indentation it takes there. */
export interface InsertionPoint {
  offset: number;
  indent: string;
  /** Localised, for the summary: "before the rule on line 12 of chain FORWARD". */
  description: string;
  /**
   * Offsets (line starts) where a block of this purpose still takes effect; an existing block
   * inside this window stays where it is when it is refreshed.
   */
  window?: { from: number; to: number };
}

/**
 * One edit a placement proposes: a new managed block at a point (rendered from the entries it
 * names, with the dialect's typed render target), or direct edits in the file's own idiom (one
 * member added to a set that already holds the others).
 */
export type PlacementPart<T> =
  | {
      kind: 'block';
      entries: number[];
      point: InsertionPoint;
      target: T;
      /** Comment lines the block starts with, saying why it is where it is (after destination NAT, say). */
      notes?: string[];
      /** The customer-side addresses its rules match when they are not the policy's own (the server behind destination NAT). */
      local?: IpInterval[];
    }
  | { kind: 'edits'; entries: number[]; edits: TextEdit[]; description: string };

export interface Placement<T> {
  parts: PlacementPart<T>[];
  /** Entries the file has no place for where a rule would take effect, and why. */
  notPlaced: Array<{ entries: number[]; reason: string }>;
}

export interface PlacementRequest<V> {
  text: string;
  lines: LineIndex;
  parsed: Parsed<V>;
  policy: Policy;
  /**
   * Where the policy's flows are decided now: the ones the file blocks or leaves unknown, or every
   * decision when the file already lets all of them through.
   */
  decisions: FlowDecision[];
  /** Managed blocks of other purposes; a new block never goes inside one. */
  occupied: readonly ManagedBlock[];
  /** Offsets in `text` where blocks of this purpose stood before they were taken out to be planned again (a refresh). */
  replacedBlocks?: readonly number[];
  /** Hosts no edit may send past the proxy (the sign-in hosts, with tenant restrictions on). */
  keepOnProxy?: readonly string[];
  /** The catalogue, to tell which endpoint set or row addresses the file already holds belong to. */
  catalog?: { lookupAddress(interval: IpInterval): CatalogMatch[] };
}

/** A rendered block made to fit the place it goes to (IOS sequence numbers), or why it cannot. */
export interface FitRequest<V> {
  /** The text the block goes into, without the block it replaces. */
  text: string;
  offset: number;
  block: string;
  parsed: Parsed<V>;
  occupied: readonly ManagedBlock[];
  /** The block being replaced, so a refresh keeps what still fits (sequence numbers). */
  replaced?: string;
}

/**
 * Everything the rest of the program knows about a dialect; adding one never touches the others.
 * `V` is the dialect's vendor model and `T` its render target; only the dialect reads them.
 */
export interface Dialect<V = unknown, T = unknown> {
  id: DialectId;
  /** Human name for messages ("nginx", "PAC", "iptables", "nftables", "Cisco ASA/IOS"). */
  displayName: string;
  language: LanguageContribution;
  /** Editor language ids that mean this dialect: ours first, then those of popular extensions for the same files. */
  languageIds: readonly string[];
  /** Path globs that are this dialect without looking inside (a `/` matches the end of the path). */
  fileNamePatterns: readonly string[];
  comment: CommentSyntax;
  /** For a dialect whose files come in more than one syntax (PAN-OS `set` commands and XML): the comments of this text. */
  commentIn?(text: string): CommentSyntax;
  /** Which traffic the dialect's files are checked for unless the settings say otherwise. */
  defaultDirection: Direction;
  /** 0 = certainly not, 1 = certainly; used when the file name does not decide. */
  detect(path: string, text: string): number;
  /** Never throws on user text; returns problems in the model instead. */
  parse(text: string, context?: ParseContext): Parsed<V>;
  /** Where a policy's rules take effect, from the decisions the evaluator found; an empty file gets the dialect's whole-file form. */
  place(request: PlacementRequest<V>): Placement<T>;
  render(policy: Policy, target: T): RenderedBlock;
  fitBlock?(request: FitRequest<V>): { block: string; problem?: string };
  /** How files of the dialect include others; absent when they never do. */
  includes?: IncludeSyntax;
}

/** How comments (suppressions, managed-block markers) are written in this text of the dialect. */
export function commentSyntaxOf(dialect: Pick<Dialect, 'comment' | 'commentIn'>, text: string): CommentSyntax {
  return dialect.commentIn?.(text) ?? dialect.comment;
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
