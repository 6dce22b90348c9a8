import { readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Engine, resolveSettings, type DocumentAnalysis } from '../engine';
import { planAllFixes } from '../render/fixes';
import { FINDING_CODES, type Finding, type FindingSeverity } from '../analysis/finding';
import { codeHref } from '../lsp/convert';
import { DIALECT_IDS } from '../dialects/all';
import { instanceFromString } from '../catalog/load';
import { t } from '../l10n';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, lastFlag, parseArgs, type CliCommand, type CliIo } from './io';

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'out', '.vscode-test']);
const RANK: Record<FindingSeverity, number> = { error: 3, warning: 2, information: 1, hint: 0 };
const FAIL_ON: Record<string, number> = { error: 3, warning: 2, info: 1, information: 1, hint: 0, never: 99 };

interface FileResult {
  path: string;
  dialect?: string;
  findings: Finding[];
  notice?: string;
  fixed: number;
}

function collectFiles(paths: string[], io: CliIo, errors: string[]): Array<{ path: string; explicit: boolean }> {
  const out: Array<{ path: string; explicit: boolean }> = [];
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (error) {
      errors.push(t('Cannot read folder {0}: {1}', dir, error instanceof Error ? error.message : String(error)));
      return;
    }
    for (const name of names) {
      const full = join(dir, name);
      let stat;
      try {
        stat = statSync(full);
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(name)) walk(full);
      } else if (stat.isFile()) out.push({ path: full, explicit: false });
    }
  };
  for (const p of paths) {
    const full = resolve(io.cwd, p);
    let stat;
    try {
      stat = statSync(full);
    } catch {
      errors.push(t('No such file or folder: {0}', p));
      continue;
    }
    if (stat.isDirectory()) walk(full);
    else out.push({ path: full, explicit: true });
  }
  return out;
}

function severityWord(severity: FindingSeverity): string {
  return severity === 'information' ? 'info' : severity;
}

function toJsonFinding(f: Finding) {
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
      ...(r.range ? { line: r.range.start.line + 1, column: r.range.start.character + 1 } : {}),
      ...(r.catalog ? { catalog: r.catalog } : {}),
    })),
    fixable: f.fixes.some((x) => x.preferred),
  };
}

function sarif(results: FileResult[], cwd: string, version: string): unknown {
  const level = (s: FindingSeverity): string => (s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note');
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Endpoint Lens',
            version,
            informationUri: 'https://github.com/endpoint-lens/endpoint-lens',
            rules: FINDING_CODES.map((code) => ({ id: code, name: code, helpUri: codeHref(code), shortDescription: { text: code } })),
          },
        },
        results: results.flatMap((file) =>
          file.findings.map((f) => ({
            ruleId: f.code,
            ruleIndex: FINDING_CODES.indexOf(f.code),
            level: level(f.severity),
            message: { text: f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: relative(cwd, file.path).split('\\').join('/') },
                  region: { startLine: f.range.start.line + 1, startColumn: f.range.start.character + 1, endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1 },
                },
              },
            ],
            ...(f.related.some((r) => r.range)
              ? {
                  relatedLocations: f.related
                    .filter((r) => r.range)
                    .map((r, id) => ({
                      id,
                      message: { text: r.message },
                      physicalLocation: { artifactLocation: { uri: relative(cwd, file.path).split('\\').join('/') }, region: { startLine: r.range!.start.line + 1, startColumn: r.range!.start.character + 1 } },
                    })),
                }
              : {}),
          })),
        ),
      },
    ],
  };
}

function writeAtomically(path: string, text: string): void {
  const temp = `${path}.endpoint-lens-${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

export const run: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, {
    values: ['format', 'instance', 'service-areas', 'categories', 'tenant', 'direction', 'fail-on', 'cache', 'dialect', 'pinned-version'],
    booleans: ['fix', 'include-optional', 'untrusted', 'tenant-restrictions'],
  });
  if (args.unknown.length > 0) {
    io.err(t('Unknown or incomplete option: {0}', args.unknown.join(' ')));
    return EXIT_USAGE;
  }
  if (args.positionals.length === 0) {
    io.err(t('Usage: endpoint-lens check <paths…> [--format text|json|sarif] [--instance NAME] [--service-areas A,B] [--categories C] [--include-optional] [--tenant NAME] [--tenant-restrictions] [--direction outbound|inbound|both] [--dialect D] [--fail-on error|warning|info] [--cache DIR] [--fix]'));
    return EXIT_USAGE;
  }
  const format = lastFlag(args, 'format') ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) {
    io.err(t('--format must be text, json or sarif.'));
    return EXIT_USAGE;
  }
  const failOnText = lastFlag(args, 'fail-on') ?? 'error';
  const failOn = FAIL_ON[failOnText];
  if (failOn === undefined) {
    io.err(t('--fail-on must be error, warning or info.'));
    return EXIT_USAGE;
  }
  const dialectOption = lastFlag(args, 'dialect');
  if (dialectOption && !DIALECT_IDS.includes(dialectOption)) {
    io.err(t('Unknown dialect "{0}"; use one of {1}.', dialectOption, DIALECT_IDS.join(', ')));
    return EXIT_USAGE;
  }
  const instanceText = lastFlag(args, 'instance');
  const instance = instanceText ? instanceFromString(instanceText) : 'Worldwide';
  if (!instance) {
    io.err(t('Unknown instance "{0}"; use Worldwide, USGovDoD, USGovGCCHigh or China.', instanceText ?? ''));
    return EXIT_USAGE;
  }
  const direction = lastFlag(args, 'direction');
  if (direction && !['outbound', 'inbound', 'both'].includes(direction)) {
    io.err(t('--direction must be outbound, inbound or both.'));
    return EXIT_USAGE;
  }
  const list = (name: string): string[] => (args.flags.get(name) ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const settings = resolveSettings({
    instance,
    serviceAreas: list('service-areas'),
    categories: list('categories'),
    includeOptional: args.flags.has('include-optional'),
    tenantName: lastFlag(args, 'tenant') ?? '',
    tenantRestrictions: args.flags.has('tenant-restrictions'),
    direction: direction ? Object.fromEntries(DIALECT_IDS.map((d) => [d, direction])) : {},
    catalog: { pinnedVersion: lastFlag(args, 'pinned-version') ?? '' },
  });
  const cacheDir = lastFlag(args, 'cache');
  const engine = await Engine.create({ ...(cacheDir ? { cacheDir: resolve(io.cwd, cacheDir) } : {}), trusted: !args.flags.has('untrusted') });
  const loaded = engine.catalog(settings.instance, settings.catalog.pinnedVersion);
  if (loaded.info.warning) io.err(loaded.info.warning);
  const errors: string[] = [];
  const files = collectFiles(args.positionals, io, errors);
  const results: FileResult[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file.path, 'utf8');
    } catch (error) {
      errors.push(t('Cannot read {0}: {1}', file.path, error instanceof Error ? error.message : String(error)));
      continue;
    }
    const detection = engine.detect(file.path, text, dialectOption ? { dialect: dialectOption } : {});
    if (!detection) {
      if (file.explicit) results.push({ path: file.path, findings: [], notice: t('Not recognised as nginx, PAC, iptables, nftables or Cisco; use --dialect.'), fixed: 0 });
      continue;
    }
    const analyse = (content: string): DocumentAnalysis => engine.analyzeDocument(file.path, content, settings, detection);
    let fixed = 0;
    if (args.flags.has('fix')) {
      const subject = engine.editSubject(file.path, analyse(text), settings);
      const planned = planAllFixes(subject, { minimumSeverity: 'warning' });
      const outcome = { text: planned.newText, fixed: planned.applied.length };
      if (outcome.fixed > 0) {
        try {
          writeAtomically(file.path, outcome.text);
          text = outcome.text;
          fixed = outcome.fixed;
        } catch (error) {
          errors.push(t('Cannot write {0}: {1}', file.path, error instanceof Error ? error.message : String(error)));
        }
      }
    }
    const analysis = analyse(text);
    results.push({ path: file.path, dialect: detection.dialect.id, findings: analysis.findings, ...(analysis.notice ? { notice: analysis.notice } : {}), fixed });
  }
  const display = (p: string): string => relative(io.cwd, p) || p;
  if (format === 'json') {
    io.out(
      JSON.stringify(
        {
          catalog: loaded.info,
          files: results.map((r) => ({ path: display(r.path), dialect: r.dialect ?? null, findings: r.findings.map(toJsonFinding), ...(r.notice ? { notice: r.notice } : {}), ...(r.fixed ? { fixed: r.fixed } : {}) })),
          errors,
        },
        null,
        2,
      ),
    );
  } else if (format === 'sarif') {
    io.out(JSON.stringify(sarif(results, io.cwd, '0.1.0'), null, 2));
  } else {
    const lines: string[] = [t('Catalogue {0} version {1} ({2})', loaded.info.instance, loaded.info.version, loaded.info.source === 'cache' ? t('updated copy') : t('shipped snapshot'))];
    let total = 0;
    for (const r of results) {
      lines.push('', `${display(r.path)}${r.dialect ? `  [${r.dialect}]` : ''}`);
      if (r.notice) lines.push(`  ${r.notice}`);
      if (r.fixed) lines.push(`  ${t('{0} fix(es) applied.', r.fixed)}`);
      if (r.findings.length === 0 && !r.notice) lines.push(`  ${t('No problems found.')}`);
      for (const f of r.findings) {
        total++;
        lines.push(`  ${String(f.range.start.line + 1).padStart(4)}:${String(f.range.start.character + 1).padEnd(3)} ${severityWord(f.severity).padEnd(7)} ${f.message}  [${f.code}]`);
      }
    }
    lines.push('', t('{0} problem(s) in {1} file(s).', total, results.length));
    io.out(lines.join('\n'));
  }
  for (const e of errors) io.err(e);
  if (errors.length > 0) return EXIT_USAGE;
  const worst = Math.max(-1, ...results.flatMap((r) => r.findings.map((f) => RANK[f.severity])));
  return worst >= failOn ? EXIT_FINDINGS : EXIT_OK;
};
