import { Minimatch } from 'minimatch';
import type { Dialect } from './dialect';
import { DIALECTS, dialectById } from './all';
import { t } from '../l10n';

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

/** Compiled name patterns: compiling a glob costs far more than matching it, and the patterns are few. */
const compiledPatterns = new Map<string, Minimatch>();

function globMatches(text: string, pattern: string): boolean {
  let compiled = compiledPatterns.get(pattern);
  if (!compiled) {
    compiled = new Minimatch(pattern, { nocase: true, dot: true });
    compiledPatterns.set(pattern, compiled);
  }
  return compiled.match(text);
}

/** Name patterns match the basename, or the end of the path for patterns with a folder part. */
function nameMatches(path: string, pattern: string): boolean {
  const normal = path.replace(/\\/g, '/');
  const base = normal.slice(normal.lastIndexOf('/') + 1);
  if (!pattern.includes('/')) return globMatches(base, pattern);
  return globMatches(normal, `**/${pattern}`) || globMatches(normal, pattern);
}

/**
 * Files that are documents, program sources, data or logs by their extension: what they quote of
 * a configuration (an nginx block in a README's code fence, a FindProxyForURL in a test) is not
 * one. Shell scripts and XML stay candidates: iptables scripts and PAN-OS exports are written so.
 */
const NOT_CONFIG_EXTENSIONS: ReadonlyArray<{ extensions: readonly string[]; kind: () => string }> = [
  { extensions: ['md', 'markdown', 'rst', 'adoc', 'asciidoc', 'org', 'html', 'htm', 'tex', 'pdf', 'docx', 'odt', 'rtf'], kind: () => t('a document') },
  { extensions: ['ts', 'tsx', 'mts', 'cts', 'jsx', 'py', 'rb', 'go', 'rs', 'java', 'kt', 'c', 'h', 'cc', 'cpp', 'hpp', 'cs', 'php', 'pl', 'lua', 'swift', 'scala', 'vue', 'svelte'], kind: () => t('program source') },
  { extensions: ['log', 'out', 'err'], kind: () => t('a log') },
  { extensions: ['json', 'yaml', 'yml', 'toml', 'csv', 'tsv', 'lock', 'sum', 'map', 'svg', 'css', 'scss'], kind: () => t('data or markup') },
];

/** Log files are often rotated with a number or a date after the extension (`error.log.1`). */
const ROTATED_LOG = /\.log(?:\.\d+|[.-]\d{8})?(?:\.gz)?$/i;

/**
 * Why a file is not read as a configuration whatever it says inside, or undefined when it may be
 * one. JavaScript is a program unless it defines FindProxyForURL (a PAC file named `.js`).
 */
export function notConfigReason(path: string, text: string): string | undefined {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? path;
  if (ROTATED_LOG.test(base)) return t('{0}, not a configuration', t('a log'));
  const dot = base.lastIndexOf('.');
  const extension = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  if (['js', 'mjs', 'cjs'].includes(extension)) {
    return /^\s*function\s+FindProxyForURL(Ex)?\s*\(/m.test(text) && !/^\s*(import|export)\s/m.test(text) && !/\brequire\s*\(/.test(text) ? undefined : t('{0}, not a configuration', t('program source'));
  }
  const kind = NOT_CONFIG_EXTENSIONS.find((k) => k.extensions.includes(extension));
  return kind ? t('{0}, not a configuration', kind.kind()) : undefined;
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
  if (byName.length === 0 && notConfigReason(path, text) !== undefined) return undefined;
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
