import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Dialect, IncludeOptions } from '../dialects/dialect';
import { readRegularFile } from '../fileAccess';
import { IncludeGraph } from '../workspace/graph';
import { filesUnder } from '../workspace/files';
import { assembleConfiguration, isMultiFile, toFileRange, type AssembledConfiguration, type ReadText } from '../workspace/includes';
import type { Engine } from '../engine';
import type { TextEdit } from '../model/edit';
import type { LineIndex } from '../model/range';
import { EDITOR_MAX_ANALYSED_BYTES, MAX_WORKSPACE_FILES } from '../limits';

export function uriToPath(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).toString();
}

/**
 * The include graph of the workspace as the server keeps it: built from the files on disk when the
 * workspace opens, and kept current from the open documents' texts, so a snippet opened on its own
 * is read inside the configuration that includes it. Closing a document keeps what it said.
 */
export class WorkspaceIncludes {
  readonly graph = new IncludeGraph();

  constructor(private readonly documents: TextDocuments<TextDocument>) {}

  /** Open documents first (their current text), then the disk: regular files within the editor's limit. */
  reader(overrides: ReadonlyMap<string, string> = new Map()): ReadText {
    const open = new Map(this.documents.all().map((d) => [uriToPath(d.uri), d]));
    return (path) => {
      const given = overrides.get(path);
      if (given !== undefined) return { ok: true, text: given };
      const document = open.get(path);
      if (document) return { ok: true, text: document.getText() };
      return readRegularFile(path, { maxBytes: EDITOR_MAX_ANALYSED_BYTES });
    };
  }

  /** The workspace's files, for the graph and "Check workspace". */
  files(folders: readonly string[]): string[] {
    return filesUnder(folders, MAX_WORKSPACE_FILES);
  }

  /** Records what `path` includes, read as a root with this text. */
  update(path: string, text: string, dialect: Dialect, engine: Engine, includes: IncludeOptions): void {
    const assembled = engine.assemble(path, text, dialect, this.reader(new Map([[path, text]])), includes);
    if (assembled) this.graph.set(path, assembled.files.keys());
  }

  /**
   * The configuration `path` is read in, with `text` as its content (the exact version being
   * analysed): its root's, with its includes followed (looked for as `includes` says). Undefined
   * when the file stands alone.
   */
  configurationFor(path: string, text: string, dialect: Dialect, engine: Engine, includes: IncludeOptions): AssembledConfiguration | undefined {
    if (!dialect.includes) return undefined;
    const read = this.reader(new Map([[path, text]]));
    const root = this.graph.rootOf(path);
    const rootText = root === path ? { ok: true as const, text } : read(root);
    if (rootText.ok && root !== path) {
      const assembled = assembleConfiguration(root, rootText.text, dialect.includes, read, { ...includes, maxTotalChars: EDITOR_MAX_ANALYSED_BYTES });
      // The includer may have stopped including this file since the graph was made.
      if (assembled.files.has(path)) return assembled;
    }
    const own = engine.assemble(path, text, dialect, read, includes);
    return own && isMultiFile(own) ? own : undefined;
  }

  /** Open documents whose configuration shares a file with `path`'s, `path` itself left out. */
  relatedOpenDocuments(path: string): string[] {
    const related = new Set([...this.graph.includersOf(path), ...this.graph.membersOf(path)]);
    const root = this.graph.rootOf(path);
    related.add(root);
    for (const member of this.graph.membersOf(root)) related.add(member);
    related.delete(path);
    return this.documents
      .all()
      .map((d) => d.uri)
      .filter((uri) => related.has(uriToPath(uri)));
  }
}

/** Edits of an assembled text as edits of one of its files; undefined when one of them falls elsewhere. */
export function editsInFile(configuration: AssembledConfiguration, lines: LineIndex, file: string, edits: readonly TextEdit[]): TextEdit[] | undefined {
  const out: TextEdit[] = [];
  for (const edit of edits) {
    const mapped = toFileRange(configuration, lines, edit.range);
    if (!mapped || mapped.file !== file) return undefined;
    out.push({ range: mapped.range, newText: edit.newText });
  }
  return out;
}
