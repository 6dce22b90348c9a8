import { basename } from 'node:path';
import { DEFAULT_SEVERITY, type Finding, type FindingSeverity, type RelatedInformation } from '../analysis/finding';
import { comparePositions, type LineIndex } from '../model/range';
import { t } from '../l10n';
import { toFileRange, type AssembledConfiguration, type IncludeLink } from './includes';

/** A finding of an assembled configuration as it is reported in one of its files. */
export interface FileFinding {
  finding: Finding;
  /** Index of the finding in the analysis of the assembled text; absent for include problems. */
  source?: number;
}

/** "included from nginx.conf line 12", innermost include first. */
function chainInformation(chain: readonly IncludeLink[]): RelatedInformation[] {
  return [...chain].reverse().map((link) => ({ message: t('Included from {0} line {1}', basename(link.file), link.range.start.line + 1), path: link.file, range: link.range }));
}

/**
 * The findings of an assembled configuration, each in the file and at the line it lies at, with
 * related locations in other files naming their file and the include chain added for a finding in
 * an included file. A file included twice says a finding once. Fixes stay with the analysis of the
 * assembled text, which is what they are checked against.
 */
export function findingsByFile(
  configuration: AssembledConfiguration,
  lines: LineIndex,
  findings: readonly Finding[],
  severity: Partial<Record<string, FindingSeverity | 'off'>>,
): Map<string, FileFinding[]> {
  const out = new Map<string, FileFinding[]>();
  const seen = new Set<string>();
  const add = (file: string, entry: FileFinding): void => {
    const { finding } = entry;
    const key = `${file}|${finding.code}|${finding.range.start.line}:${finding.range.start.character}-${finding.range.end.line}:${finding.range.end.character}|${finding.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    const list = out.get(file) ?? [];
    list.push(entry);
    out.set(file, list);
  };
  for (const file of configuration.files.keys()) out.set(file, []);
  findings.forEach((finding, index) => {
    const at = toFileRange(configuration, lines, finding.range) ?? { file: configuration.root, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
    const related: RelatedInformation[] = finding.related.map((r) => {
      if (!r.range) return r;
      const mapped = toFileRange(configuration, lines, r.range);
      if (!mapped) return { message: r.message, ...(r.catalog ? { catalog: r.catalog } : {}) };
      return { ...r, range: mapped.range, ...(mapped.file !== at.file ? { path: mapped.file } : {}) };
    });
    related.push(...chainInformation(configuration.files.get(at.file)?.chain ?? []));
    add(at.file, { finding: { ...finding, range: at.range, related, fixes: [] }, source: index });
  });
  const level = severity['include-problem'];
  if (level !== 'off') {
    for (const problem of configuration.problems) {
      add(problem.file, {
        finding: { code: 'include-problem', severity: level ?? DEFAULT_SEVERITY['include-problem'], message: problem.message, range: problem.range, related: chainInformation(problem.chain), fixes: [] },
      });
    }
  }
  for (const list of out.values()) list.sort((a, b) => comparePositions(a.finding.range.start, b.finding.range.start) || a.finding.code.localeCompare(b.finding.code));
  return out;
}
