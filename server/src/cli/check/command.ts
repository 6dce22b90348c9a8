import { availableParallelism, totalmem } from 'node:os';
import { relative } from 'node:path';
import { FINDING_CODES, isFindingCode, type FindingCode, type FindingSeverity } from '../../analysis/finding';
import { notAnalysedFinding } from '../../analysis/notAnalysed';
import { instanceFromString } from '../../catalog/load';
import { DIALECT_IDS } from '../../dialects/all';
import { includeOptions, isCalendarDay, loadCatalogWithHistory } from '../../engine';
import type { IncludeOptions } from '../../dialects/dialect';
import { layerSettings, sanitiseSettings, type SettingsLayer } from '../../settings';
import type { EndpointLensSettings } from '../../protocol';
import type { Direction } from '../../model/policy';
import { isExcluded } from '../../features/exclude';
import { isProjectConfig } from '../../project/config';
import { RunProjects } from './project';
import { formatBytes, replaceEditedFile } from '../../fileAccess';
import { currentBundle, t } from '../../l10n';
import { packageVersion } from '../../paths';
import { catalogHeader, catalogJson, catalogUsage, CATALOG_FLAGS, chooseCatalog } from '../catalogChoice';
import { DEFAULT_MAX_INPUT_BYTES, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, lastFlag, listFlag, parseCommandLine, usageError, type CliCommand, type CliIo, type ParsedArgs } from '../io';
import type { CheckRequest, FileFixReport, FindingsOfText } from './analyseFile';
import { collectFiles } from './collect';
import { configurationRoots } from './configurations';
import { analyseInWorkers } from './pool';
import { sarifLog } from './sarif';
import { formatJson, formatText, type CheckedFile, type SkippedFile } from './report';

const RANK: Record<FindingSeverity, number> = { error: 3, warning: 2, information: 1, hint: 0 };
const FAIL_ON: Record<string, number> = { error: 3, warning: 2, info: 1, information: 1, hint: 0, never: 99 };
const FIX_LEVELS: Record<string, FindingSeverity> = { error: 'error', warning: 'warning', info: 'information', information: 'information' };

/** Strings in V8 cannot be much longer than this. */
const LARGEST_MAX_SIZE = 512 * 1024 * 1024;
const DEFAULT_FILE_TIMEOUT_S = 120;

export function checkUsage(): string {
  return [
    t('Usage: endpoint-lens check <paths…> [options]'),
    t('  --format text|json|sarif     output format (default text)'),
    t('  --fail-on error|warning|info|never'),
    t('                               exit 1 when a finding at or above this severity exists (default error)'),
    t('  --instance NAME              Worldwide, USGovDoD, USGovGCCHigh or China (default Worldwide)'),
    t('  --service-areas A,B          Common, Exchange, SharePoint, Skype, MEM (default: all but MEM)'),
    t('  --categories C               Optimize, Allow, Default (default: all)'),
    t('  --include-optional           also check sets marked not required and the other-endpoints rows'),
    t('  --tenant NAME                fills <tenant> in catalogue URLs'),
    t('  --tenant-restrictions        the proxy adds tenant-restriction headers: sign-in hosts stay on it'),
    t('  --no-ipv6                    the site has no IPv6 egress: the catalogue\'s IPv6 prefixes are out of scope'),
    t('  --direction outbound|inbound|both'),
    t('  --dialect D                  read every file as {0}', DIALECT_IDS.join('|')),
    t('  --exclude GLOB               leave out files matching GLOB, relative to this folder (repeatable)'),
    t('  --pinned-version V           check against catalogue version V'),
    t('  --as-of YYYY-MM-DD           check as of a day: announced additions in effect from their date (default: today)'),
    catalogUsage(),
    t('  --untrusted                  do not run PAC files'),
    t('  --max-size SIZE              largest file analysed, e.g. 64MB (default 64MB)'),
    t('  --jobs N                     files analysed at the same time (default: the number of cores)'),
    t('  --max-memory MB              heap limit of each analysis thread'),
    t('  --file-timeout SECONDS       time one file may take (default {0})', DEFAULT_FILE_TIMEOUT_S),
    t('  --fix                        apply the preferred quick fixes and write each file in place'),
    t('  --dry-run                    print the fixes as a unified diff; change nothing'),
    t('  --fix-level error|warning|info'),
    t('                               fix findings at or above this severity (default warning)'),
    t('  --fix-codes LIST             fix only findings with these codes'),
    t('Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage or I/O error.'),
  ].join('\n');
}

/** "64MB", "512k", "1048576" → bytes; undefined when it is not a size. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase()[0]!;
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : unit === 'g' ? 1024 * 1024 * 1024 : 1;
  return Math.round(Number(m[1]) * factor);
}

function positiveNumber(text: string | undefined, fallback: number, max: number): number | undefined {
  if (text === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  return value > 0 && value <= max ? value : undefined;
}

interface RunOptions {
  format: string;
  /** Settings the flags give; they win over the project config. */
  commandLine: SettingsLayer;
  failOn: number;
  request: Omit<CheckRequest, 'displayPath'>;
  jobs: number;
  memoryMb: number;
  fileTimeoutMs: number;
  exclude: string[];
  cacheDir: string | undefined;
  trusted: boolean;
  asOf?: string;
}

/** The command line as options for a run, or a usage error already printed. */
function readOptions(args: ParsedArgs, io: CliIo): RunOptions | number {
  const usage = checkUsage();
  const fail = (message: string): number => usageError(io, message, usage);
  if (args.positionals.length === 0) return fail(t('Name the files or folders to check.'));
  const format = lastFlag(args, 'format') ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) return fail(t('--format must be text, json or sarif.'));
  const failOn = FAIL_ON[lastFlag(args, 'fail-on') ?? 'error'];
  if (failOn === undefined) return fail(t('--fail-on must be error, warning, info or never.'));
  const dialect = lastFlag(args, 'dialect');
  if (dialect && !DIALECT_IDS.includes(dialect)) return fail(t('Unknown dialect "{0}"; use one of {1}.', dialect, DIALECT_IDS.join(', ')));
  const instanceText = lastFlag(args, 'instance');
  const instance = instanceText ? instanceFromString(instanceText) : 'Worldwide';
  if (!instance) return fail(t('Unknown instance "{0}"; use Worldwide, USGovDoD, USGovGCCHigh or China.', instanceText ?? ''));
  const direction = lastFlag(args, 'direction');
  if (direction && !['outbound', 'inbound', 'both'].includes(direction)) return fail(t('--direction must be outbound, inbound or both.'));
  const sizeText = lastFlag(args, 'max-size');
  const maxBytes = sizeText === undefined ? DEFAULT_MAX_INPUT_BYTES : parseSize(sizeText);
  if (maxBytes === undefined || maxBytes < 1 || maxBytes > LARGEST_MAX_SIZE) return fail(t('--max-size needs a size up to {0} such as 64MB or 512KB, not "{1}".', formatBytes(LARGEST_MAX_SIZE), sizeText ?? ''));
  const cores = availableParallelism();
  const jobs = positiveNumber(lastFlag(args, 'jobs'), cores, 256);
  if (jobs === undefined || !Number.isInteger(jobs)) return fail(t('--jobs needs a whole number from 1 to 256.'));
  // Each thread may use a share of three quarters of the memory, within what V8 allows by default.
  const defaultMemory = Math.max(256, Math.min(4096, Math.floor((totalmem() / (1024 * 1024)) * 0.75 / jobs)));
  const memoryMb = positiveNumber(lastFlag(args, 'max-memory'), defaultMemory, 65536);
  if (memoryMb === undefined || memoryMb < 16) return fail(t('--max-memory needs a number of MB from 16 to 65536.'));
  const timeout = positiveNumber(lastFlag(args, 'file-timeout'), DEFAULT_FILE_TIMEOUT_S, 86400);
  if (timeout === undefined) return fail(t('--file-timeout needs a number of seconds up to 86400.'));
  const fix = readFixOptions(args, fail);
  if (typeof fix === 'number') return fix;
  const choice = chooseCatalog(args, io);
  if (!choice.ok) return fail(choice.message);
  const asOf = lastFlag(args, 'as-of');
  if (asOf !== undefined && !isCalendarDay(asOf)) return fail(t('--as-of needs a day written YYYY-MM-DD, not "{0}".', asOf));
  // Only what was given on the command line: the project config and the defaults fill the rest.
  const commandLine: SettingsLayer = {
    ...(instanceText ? { instance } : {}),
    ...(args.flags.has('service-areas') ? { serviceAreas: listFlag(args, 'service-areas') } : {}),
    ...(args.flags.has('categories') ? { categories: listFlag(args, 'categories') as EndpointLensSettings['categories'] } : {}),
    ...(args.flags.has('include-optional') ? { includeOptional: true } : {}),
    ...(args.flags.has('tenant') ? { tenantName: lastFlag(args, 'tenant') ?? '' } : {}),
    ...(args.flags.has('tenant-restrictions') ? { tenantRestrictions: true } : {}),
    ...(args.flags.has('no-ipv6') ? { noIPv6: true } : {}),
    ...(direction ? { direction: Object.fromEntries(DIALECT_IDS.map((d) => [d, direction as Direction])) } : {}),
    ...(args.flags.has('pinned-version') ? { catalog: { pinnedVersion: lastFlag(args, 'pinned-version') ?? '' } } : {}),
  };
  const checked = sanitiseSettings(commandLine);
  const settings = layerSettings(checked.layer);
  return {
    format,
    failOn,
    commandLine: checked.layer,
    request: { settings, maxBytes, ...(dialect ? { dialect } : {}), ...(fix ? { fix } : {}), fixEdits: format === 'sarif' },
    jobs,
    memoryMb: Math.floor(memoryMb),
    fileTimeoutMs: Math.round(timeout * 1000),
    exclude: args.flags.get('exclude') ?? [],
    cacheDir: choice.cacheDir,
    trusted: !args.flags.has('untrusted'),
    ...(asOf ? { asOf } : {}),
  };
}

function readFixOptions(args: ParsedArgs, fail: (message: string) => number): CheckRequest['fix'] | number | undefined {
  const dryRun = args.flags.has('dry-run');
  const fixing = args.flags.has('fix') || dryRun;
  const levelText = lastFlag(args, 'fix-level');
  const codeList = listFlag(args, 'fix-codes');
  if (!fixing) {
    if (levelText !== undefined || codeList.length > 0) return fail(t('--fix-level and --fix-codes go with --fix or --dry-run.'));
    return undefined;
  }
  const minSeverity = FIX_LEVELS[levelText ?? 'warning'];
  if (!minSeverity) return fail(t('--fix-level must be error, warning or info.'));
  const unknown = codeList.filter((c) => !isFindingCode(c));
  if (unknown.length > 0) return fail(t('Unknown finding code "{0}"; the codes are {1}.', unknown[0]!, FINDING_CODES.join(', ')));
  const codes = codeList.length > 0 ? (codeList as FindingCode[]) : undefined;
  return { minSeverity, ...(codes ? { codes } : {}), dryRun };
}

/** The fixes of a file whose write failed: none applied, each with the write's reason. */
function refused(fixes: FileFixReport, reason: string): FileFixReport {
  return { applied: [], notApplied: [...fixes.applied.map((a) => ({ ...a, reason })), ...fixes.notApplied] };
}

export const run: CliCommand = async (argv, io) => {
  const parsed = parseCommandLine(argv, io, {
    usage: checkUsage,
    values: ['format', 'instance', 'service-areas', 'categories', 'tenant', 'direction', 'fail-on', 'dialect', 'pinned-version', 'as-of', 'max-size', 'jobs', 'max-memory', 'file-timeout', 'fix-level', 'fix-codes', 'exclude', ...CATALOG_FLAGS.values],
    booleans: ['fix', 'dry-run', 'include-optional', 'untrusted', 'tenant-restrictions', 'no-ipv6', ...CATALOG_FLAGS.booleans],
  });
  if (!parsed.ok) return parsed.exit;
  const options = readOptions(parsed.args, io);
  if (typeof options === 'number') return options;
  const { settings } = options.request;
  const collected = collectFiles(parsed.args.positionals, io.cwd, options.exclude);
  const { errors } = collected;
  const projects = new RunProjects(options.commandLine);
  const configFiles = collected.files.filter(isProjectConfig);
  const planned = collected.files.filter((p) => !isProjectConfig(p)).map((path) => ({ path, project: projects.forFile(path) }));
  // The project config's exclude globs leave files out as --exclude does.
  const kept = planned.filter((f) => !isExcluded(f.path, f.project.settings.exclude, [io.cwd]));
  const files = kept.map((f) => f.path);
  for (const path of configFiles) projects.load(path);
  const display = (p: string): string => relative(io.cwd, p) || p;
  const bundle = currentBundle();
  const projectOf = new Map(kept.map((f) => [f.path, f.project]));
  // Each file's includes are looked for where its own settings say (the project config's include path).
  const includesFor = (file: string): IncludeOptions => includeOptions(projectOf.get(file)?.settings ?? settings);
  const { roots, rootOf } = configurationRoots(files, { maxBytes: options.request.maxBytes, ...(options.request.dialect ? { dialect: options.request.dialect } : {}), includesFor });
  const analysed = analyseInWorkers(
    roots.map((path) => ({ path, displayPath: display(path), project: projectOf.get(path)! })),
    {
      jobs: options.jobs,
      memoryMb: options.memoryMb,
      fileTimeoutMs: options.fileTimeoutMs,
      data: { ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}), ...(options.asOf ? { asOf: options.asOf } : {}), trusted: options.trusted, ...(bundle ? { l10nBundle: bundle } : {}), request: options.request },
    },
  );
  const { results: outcomes, catalog: threadCatalog } = await analysed;
  // The report names the catalogue the threads used; only when none started is it loaded here.
  const catalogInfo = threadCatalog ?? loadCatalogWithHistory(settings.instance, options.cacheDir, settings.catalog.pinnedVersion).info;
  if (catalogInfo.warning) io.err(catalogInfo.warning);
  const outcomeOf = new Map(roots.map((root, i) => [root, outcomes[i]!]));

  const checkRoot = (path: string): CheckedFile => {
    const outcome = outcomeOf.get(path)!;
    if (!outcome.ok) {
      const finding = notAnalysedFinding(outcome.reason, settings.severity);
      const findings: FindingsOfText = { findings: finding ? [finding] : [], anchors: finding ? [''] : [] };
      return { path, displayPath: display(path), findings };
    }
    const { dialect, result, before, fixes } = outcome.outcome;
    const base = { path, displayPath: display(path), ...(dialect ? { dialect } : {}) };
    if (!fixes?.write) return { ...base, findings: result, ...(fixes ? { fixes } : {}) };
    const written = replaceEditedFile(path, fixes.write, fixes.write.text);
    if (written.ok) return { ...base, findings: result, fixes: { applied: fixes.applied, notApplied: fixes.notApplied }, written: true };
    errors.push(written.message);
    return { ...base, findings: before ?? result, fixes: refused(fixes, written.message) };
  };
  /** A file read inside its root's configuration: the root's analysis says its findings, in its own lines. */
  const checkMember = (path: string, root: string): CheckedFile => {
    const outcome = outcomeOf.get(root);
    const rootDialect = outcome?.ok ? outcome.outcome.dialect : undefined;
    const member = outcome?.ok ? outcome.outcome.members?.find((m) => m.path === path) : undefined;
    const findings: FindingsOfText = member?.result ?? { findings: [], anchors: [] };
    return { path, displayPath: display(path), ...(rootDialect ? { dialect: rootDialect } : {}), findings, includedBy: display(root) };
  };
  const skipped: SkippedFile[] = [];
  const checked: CheckedFile[] = files.flatMap((path): CheckedFile[] => {
    const root = rootOf.get(path) ?? path;
    if (root !== path) return [checkMember(path, root)];
    const outcome = outcomeOf.get(path)!;
    if (outcome.ok && outcome.outcome.skipped) {
      skipped.push({ displayPath: display(path), reason: outcome.outcome.skipped });
      return [];
    }
    return [checkRoot(path)];
  });
  // Files brought in from outside the folders named (an absolute include) are reported too, once.
  const reported = new Set(files);
  for (const root of roots) {
    const outcome = outcomeOf.get(root);
    for (const member of outcome?.ok ? (outcome.outcome.members ?? []) : []) {
      if (reported.has(member.path)) continue;
      reported.add(member.path);
      checked.push(checkMember(member.path, root));
    }
  }

  // Each project config that applied is reported too, with what was wrong in it.
  const configs: CheckedFile[] = projects.loaded().map((config) => ({
    path: config.path,
    displayPath: display(config.path),
    dialect: 'endpoint-lens.json',
    findings: { findings: config.findings, anchors: config.findings.map(() => '') },
  }));
  checked.push(...configs);
  if (options.format === 'json') io.out(JSON.stringify(formatJson(checked, catalogJson(catalogInfo, options.cacheDir), errors, skipped), null, 2));
  else if (options.format === 'sarif') io.out(JSON.stringify(sarifLog(checked.map((c) => ({ path: c.path, findings: c.findings })), io.cwd, packageVersion()), null, 2));
  else io.out(formatText(checked, catalogHeader(catalogInfo, options.cacheDir), skipped));
  for (const e of errors) io.err(e);
  if (errors.length > 0) return EXIT_USAGE;
  const worst = Math.max(-1, ...checked.flatMap((c) => c.findings.findings.map((f) => RANK[f.severity])));
  return worst >= options.failOn ? EXIT_FINDINGS : EXIT_OK;
};
