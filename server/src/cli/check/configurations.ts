import { detectDialect } from '../../dialects/detect';
import { readRegularFile } from '../../fileAccess';
import { assembleConfiguration, diskReader } from '../../workspace/includes';
import { IncludeGraph } from '../../workspace/graph';
import type { IncludeOptions } from '../../dialects/dialect';

/**
 * The files of a `check` run that are analysed as roots: every file that no other file of the run
 * includes (and the first of a cycle). The others are reported from their root's analysis, in
 * context, once.
 */
export function configurationRoots(files: readonly string[], options: { maxBytes: number; dialect?: string; includesFor: (file: string) => IncludeOptions }): { roots: string[]; rootOf: Map<string, string> } {
  const graph = new IncludeGraph();
  const read = diskReader(options.maxBytes);
  for (const file of files) {
    const text = readRegularFile(file, { maxBytes: options.maxBytes });
    if (!text.ok) continue;
    const syntax = detectDialect(file, text.text, options.dialect ? { dialect: options.dialect } : {})?.dialect.includes;
    if (!syntax) continue;
    graph.set(file, assembleConfiguration(file, text.text, syntax, read, options.includesFor(file)).files.keys());
  }
  const rootOf = new Map<string, string>();
  const roots: string[] = [];
  const collected = new Set(files);
  for (const file of files) {
    const root = graph.rootOf(file);
    // A root outside the run (a folder not named) does not take a file of the run away from it.
    const chosen = collected.has(root) ? root : file;
    rootOf.set(file, chosen);
    if (chosen === file) roots.push(file);
  }
  return { roots, rootOf };
}
