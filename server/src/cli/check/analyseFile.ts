import { planFix, preferredFix } from '../../render/fixes';
import type { Finding, FindingCode, FindingSeverity } from '../../analysis/finding';
import type { TextEdit } from '../../model/edit';
import { notAnalysedFinding } from '../../analysis/notAnalysed';
import { looksBinary, type DocumentAnalysis, type Engine } from '../../engine';
import { planFileFixes, type FixOutcome } from '../../features/fileFixes';
import type { FixSubject } from '../../render/fixes';
import { digestOf, readDiskFile, readRegularFile, type FileStamp } from '../../fileAccess';
import type { EndpointLensSettings } from '../../protocol';
import type { LineIndex, Range } from '../../model/range';
import { t } from '../../l10n';
import { unifiedDiff } from './unifiedDiff';
import { notConfigReason } from '../../dialects/detect';
import type { FileProject } from './project';
import type { IncludeOptions } from '../../dialects/dialect';
import { diskReader, isMultiFile } from '../../workspace/includes';

/** What `check` asks of every file; the same for every file of a run. */
export interface CheckRequest {
  settings: EndpointLensSettings;
  maxBytes: number;
  dialect?: string;
  fix?: { minSeverity: FindingSeverity; codes?: FindingCode[]; dryRun: boolean };
  /** Plan each finding's preferred fix on its own, for SARIF `fixes`. */
  fixEdits: boolean;
  /** How paths are named in diffs. */
  displayPath: string;
  /** Where includes are looked for: the include path of this file's settings (see includeOptions). */
  includes?: IncludeOptions;
}

/** Findings of one text, with what SARIF needs to name them stably. */
export interface FindingsOfText {
  findings: Finding[];
  /** Per finding: the text of its line and of its range, which move with it when lines are inserted above. */
  anchors: string[];
  /** Per finding: the preferred fix as edits of this text, when it can be planned on its own. */
  fixEdits?: Array<{ title: string; edits: TextEdit[] } | undefined>;
}

export interface FileFixReport {
  applied: FixOutcome[];
  notApplied: FixOutcome[];
  /** Set when the fixes changed the text: what to write, if nothing changed on disk since. */
  write?: { text: string; stamp: FileStamp; digest: string };
  /** `--dry-run`: the change as a unified diff. */
  diff?: string;
}

export interface FileOutcome {
  dialect?: string;
  /** The file is a document, source or log, not a configuration: it is listed as skipped, with this reason, and has no findings. */
  skipped?: string;
  /** For the root of a configuration of several files: the findings of each other file in it, in its own lines. */
  members?: Array<{ path: string; result: FindingsOfText }>;
  /** The findings of the file as it is after the fixes (or as it is, without --fix). */
  result: FindingsOfText;
  /** With fixes to write: the findings of the file as it was, for when the write is refused. */
  before?: FindingsOfText;
  fixes?: FileFixReport;
}

function notAnalysed(reason: string, settings: EndpointLensSettings, dialect?: string): FileOutcome {
  const finding = notAnalysedFinding(reason, settings.severity);
  const findings = finding ? [finding] : [];
  return { ...(dialect ? { dialect } : {}), result: { findings, anchors: findings.map(() => '') } };
}

/** Longer ranges are cut here; the start of a rule is what tells it apart. */
const ANCHOR_RANGE_CHARS = 200;

function anchorOf(text: string, lines: LineIndex, range: Range): string {
  const rangeText = text.slice(lines.offsetAt(range.start), Math.min(lines.offsetAt(range.end), lines.offsetAt(range.start) + ANCHOR_RANGE_CHARS));
  return `${lines.lineText(range.start.line).trim()}\u0000${rangeText}`;
}

function describe(analysis: DocumentAnalysis, request: CheckRequest, subject: () => FixSubject): FindingsOfText {
  const anchors = analysis.findings.map((f) => anchorOf(analysis.context.text, analysis.lines, f.range));
  if (!request.fixEdits) return { findings: analysis.findings, anchors };
  // SARIF carries only fixes that are verified, as the editor offers them.
  const fixEdits = analysis.findings.map((finding) => {
    const fix = preferredFix(finding);
    if (!fix) return undefined;
    const planned = planFix(subject(), finding, fix);
    return planned.ok && planned.edits.length > 0 ? { title: fix.title, edits: planned.edits } : undefined;
  });
  return { findings: analysis.findings, anchors, fixEdits };
}

/**
 * One file of a `check` run, start to end except for writing: read (regular files only, within the
 * size limit), recognise, analyse, plan the fixes. Every way a file can fail to be analysed ends
 * in a `not-analysed` finding on it.
 */
export function analyseFile(engine: Engine, path: string, request: CheckRequest, project?: FileProject['project']): FileOutcome {
  const { settings } = request;
  const read = readRegularFile(path, { maxBytes: request.maxBytes });
  if (!read.ok) {
    const reason =
      read.failure === 'too-large'
        ? t('Not analysed: {0} Raise the limit with --max-size.', read.message)
        : t('Not analysed: {0}', read.message);
    return notAnalysed(reason, settings);
  }
  const text = read.text;
  const detection = engine.detect(path, text, request.dialect ? { dialect: request.dialect } : {});
  if (text.trim() === '') return notAnalysed(t('Not analysed: the file is empty.'), settings, detection?.dialect.id);
  const notConfig = detection ? undefined : notConfigReason(path, text);
  if (notConfig) return { skipped: notConfig, result: { findings: [], anchors: [] } };
  if (!detection && looksBinary(text)) return notAnalysed(t('Not analysed: this looks like a binary file, not a configuration.'), settings);
  if (!detection) return notAnalysed(t('Not analysed: not recognised as nginx, PAC, iptables, nftables or Cisco; name the dialect with --dialect, or leave the file out with --exclude.'), settings);
  const configuration = engine.assemble(path, text, detection.dialect, diskReader(request.maxBytes), request.includes);
  if (configuration && isMultiFile(configuration)) {
    // Each file of the configuration is reported in its own lines; fixes are planned in the editor, where every file's edit is checked against the whole.
    const whole = engine.analyzeConfiguration(configuration, settings, detection);
    if (whole.analysis.notice) return notAnalysed(whole.analysis.notice, settings, detection.dialect.id);
    const resultOf = (file: string): FindingsOfText => {
      const entry = configuration.files.get(file)!;
      const findings = (whole.byFile.get(file) ?? []).map((f) => f.finding);
      return { findings, anchors: findings.map((f) => anchorOf(entry.text, entry.lines, f.range)) };
    };
    const members = [...configuration.files.keys()].filter((file) => file !== path).map((file) => ({ path: file, result: resultOf(file) }));
    const reason = t('This file is part of a configuration of several files; fix it in the editor, which checks each edit against the whole configuration.');
    const notApplied = (whole.byFile.get(path) ?? []).flatMap(({ finding, source }) => {
      const fix = source === undefined ? undefined : preferredFix(whole.analysis.findings[source]!);
      return fix ? [{ code: finding.code, line: finding.range.start.line + 1, title: fix.title, finding: finding.message, reason }] : [];
    });
    const fixes: FileFixReport | undefined = request.fix ? { applied: [], notApplied } : undefined;
    return { dialect: detection.dialect.id, result: resultOf(path), members, ...(fixes ? { fixes } : {}) };
  }
  const estates = engine.estatePaths(path, project, readDiskFile);
  const analyse = (content: string): DocumentAnalysis => engine.analyzeDocument(path, content, settings, detection, estates.length > 0 ? { estates } : {});
  const analysis = analyse(text);
  const dialect = detection.dialect.id;
  if (analysis.notice) return notAnalysed(analysis.notice, settings, dialect);
  const describeText = (of: DocumentAnalysis): FindingsOfText => describe(of, request, () => engine.editSubject(path, of, settings));
  if (!request.fix) return { dialect, result: describeText(analysis) };

  const selection = { minimumSeverity: request.fix.minSeverity, ...(request.fix.codes ? { codes: request.fix.codes } : {}) };
  const plan = planFileFixes(engine.editSubject(path, analysis, settings), selection);
  const fixes: FileFixReport = { applied: plan.applied, notApplied: plan.notApplied };
  if (plan.text === text) return { dialect, result: describeText(analysis), fixes };
  if (!read.utf8) {
    const reason = t('The file is not valid UTF-8; writing it back would change bytes no fix touches.');
    const notApplied = [...plan.applied.map((a) => ({ ...a, reason })), ...plan.notApplied];
    return { dialect, result: describeText(analysis), fixes: { applied: [], notApplied } };
  }
  if (request.fix.dryRun) return { dialect, result: describeText(analysis), fixes: { ...fixes, diff: unifiedDiff(text, plan.text, request.displayPath) } };
  return {
    dialect,
    result: describeText(analyse(plan.text)),
    before: describeText(analysis),
    fixes: { ...fixes, write: { text: plan.text, stamp: read.stamp, digest: digestOf(text) } },
  };
}
