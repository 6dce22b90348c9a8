import type { Finding, FindingSeverity } from '../../analysis/finding';
import type { FixOutcome } from '../../features/fileFixes';
import { t } from '../../l10n';
import type { FileFixReport, FindingsOfText } from './analyseFile';

/** One file of a `check` run as it is reported. */
export interface CheckedFile {
  path: string;
  displayPath: string;
  dialect?: string;
  findings: FindingsOfText;
  fixes?: Omit<FileFixReport, 'write'>;
  /** The fixed text was written to the file. */
  written?: boolean;
  /** Set for a file read inside another file's configuration: that file, as displayed. */
  includedBy?: string;
}

/** A file a run did not read as a configuration (a README, a source file, a log), and why. */
export interface SkippedFile {
  displayPath: string;
  reason: string;
}

export function severityWord(severity: FindingSeverity): string {
  return severity === 'information' ? 'info' : severity;
}

/** Positions are 1-based in every output of the CLI, as editors and `refs --json` count them. */
function jsonFinding(f: Finding) {
  return {
    code: f.code,
    severity: severityWord(f.severity),
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    message: f.message,
    related: f.related.map((r) => ({
      message: r.message,
      ...(r.path ? { path: r.path } : {}),
      ...(r.range ? { line: r.range.start.line + 1, column: r.range.start.character + 1 } : {}),
      ...(r.catalog ? { catalog: r.catalog } : {}),
    })),
    fixable: f.fixes.some((x) => x.preferred),
  };
}

function jsonFix(outcome: FixOutcome) {
  return { code: outcome.code, line: outcome.line, title: outcome.title, finding: outcome.finding, ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}) };
}

/** `check --format json`. */
export function formatJson(files: readonly CheckedFile[], catalog: Record<string, unknown>, errors: readonly string[], skipped: readonly SkippedFile[] = []): Record<string, unknown> {
  return {
    catalog,
    files: files.map((file) => ({
      path: file.displayPath,
      dialect: file.dialect ?? null,
      ...(file.includedBy ? { includedBy: file.includedBy } : {}),
      findings: file.findings.findings.map(jsonFinding),
      ...(file.fixes
        ? {
            fixes: {
              applied: file.fixes.applied.map(jsonFix),
              notApplied: file.fixes.notApplied.map(jsonFix),
              written: file.written === true,
              ...(file.fixes.diff !== undefined ? { diff: file.fixes.diff } : {}),
            },
          }
        : {}),
    })),
    skipped: skipped.map((s) => ({ path: s.displayPath, reason: s.reason })),
    errors,
  };
}

function fixLines(file: CheckedFile): string[] {
  const fixes = file.fixes;
  if (!fixes) return [];
  const lines: string[] = [];
  if (fixes.diff !== undefined) lines.push(`  ${t('Fixes (dry run, nothing written): would apply {0}, would not apply {1}.', fixes.applied.length, fixes.notApplied.length)}`);
  else lines.push(`  ${t('Fixes: applied {0}, not applied {1}.', fixes.applied.length, fixes.notApplied.length)}`);
  for (const a of fixes.applied) lines.push(`    ${t('applied')}: ${String(a.line).padStart(4)} ${a.title}  [${a.code}]`);
  for (const n of fixes.notApplied) lines.push(`    ${t('not applied')}: ${String(n.line).padStart(4)} ${n.title}  [${n.code}]: ${n.reason ?? ''}`);
  if (fixes.diff) lines.push('', ...fixes.diff.trimEnd().split('\n').map((l) => `    ${l}`), '');
  return lines;
}

/** `check` as people read it: a header naming the catalogue, then each file with its findings. */
export function formatText(files: readonly CheckedFile[], header: string, skipped: readonly SkippedFile[] = []): string {
  const lines = [header];
  let total = 0;
  let notAnalysed = 0;
  for (const file of files) {
    lines.push('', `${file.displayPath}${file.dialect ? `  [${file.dialect}]` : ''}`);
    if (file.includedBy) lines.push(`  ${t('read as part of {0}', file.includedBy)}`);
    lines.push(...fixLines(file));
    const findings = file.findings.findings;
    if (findings.some((f) => f.code === 'not-analysed')) notAnalysed++;
    if (findings.length === 0) lines.push(`  ${t('No problems found.')}`);
    for (const f of findings) {
      total++;
      lines.push(`  ${String(f.range.start.line + 1).padStart(4)}:${String(f.range.start.character + 1).padEnd(3)} ${severityWord(f.severity).padEnd(7)} ${f.message}  [${f.code}]`);
      for (const r of f.related) if (r.path && r.range) lines.push(`             ${r.message}`);
    }
  }
  lines.push('', t('{0} problem(s) in {1} file(s).', total, files.length));
  if (notAnalysed > 0) lines.push(t('{0} file(s) not analysed.', notAnalysed));
  if (skipped.length > 0) {
    lines.push(t('{0} file(s) skipped as not configurations:', skipped.length));
    for (const s of skipped) lines.push(`  ${s.displayPath}: ${s.reason}`);
  }
  return lines.join('\n');
}
