import { minimatch } from 'minimatch';
import type { Dialect } from './dialect';
import { DIALECTS, dialectById } from './all';

/** The dialect an editor language id means: ours, or that of a popular extension for the same files. */
export function dialectForLanguageId(languageId: string | undefined): Dialect | undefined {
  const id = languageId?.toLowerCase();
  return id ? DIALECTS.find((d) => d.languageIds.includes(id)) : undefined;
}

export interface Detection {
  dialect: Dialect;
  /** How it was decided, for `refs` and logs. */
  by: 'option' | 'language' | 'file-name' | 'content';
  confidence: number;
}

/** Name patterns match the basename, or the end of the path for patterns with a folder part. */
function nameMatches(path: string, pattern: string): boolean {
  const normal = path.replace(/\\/g, '/');
  const base = normal.slice(normal.lastIndexOf('/') + 1);
  if (!pattern.includes('/')) return minimatch(base, pattern, { nocase: true, dot: true });
  return minimatch(normal, `**/${pattern}`, { nocase: true, dot: true }) || minimatch(normal, pattern, { nocase: true, dot: true });
}

/** Content decides only above this score, so an unrelated text file is left alone. */
const CONTENT_THRESHOLD = 0.5;

/**
 * Which dialect a file is: an explicit choice, then the editor's language, then the file name, then
 * content. A file name that several dialects claim (`*.conf`) is settled by content among them.
 */
export function detectDialect(path: string, text: string, options: { dialect?: string; languageId?: string } = {}): Detection | undefined {
  if (options.dialect) {
    const chosen = dialectById(options.dialect);
    return chosen ? { dialect: chosen, by: 'option', confidence: 1 } : undefined;
  }
  const byLanguage = dialectForLanguageId(options.languageId);
  if (byLanguage) return { dialect: byLanguage, by: 'language', confidence: 1 };
  const byName = DIALECTS.filter((d) => d.fileNamePatterns.some((p) => nameMatches(path, p)));
  if (byName.length === 1) return { dialect: byName[0]!, by: 'file-name', confidence: 1 };
  const candidates = byName.length > 1 ? byName : DIALECTS;
  let best: Detection | undefined;
  for (const dialect of candidates) {
    let score = 0;
    try {
      score = dialect.detect(path, text);
    } catch {
      score = 0;
    }
    if (!best || score > best.confidence) best = { dialect, by: 'content', confidence: score };
  }
  return best && best.confidence >= CONTENT_THRESHOLD ? best : undefined;
}
