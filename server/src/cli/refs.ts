import { resolve } from 'node:path';
import { detectDialect } from '../dialects/detect';
import { DIALECT_IDS } from '../dialects/all';
import { readRegularFile } from '../fileAccess';
import { t } from '../l10n';
import type { Range } from '../model/range';
import { DEFAULT_MAX_INPUT_BYTES, EXIT_OK, EXIT_USAGE, lastFlag, parseCommandLine, usageError, type CliCommand, type CliIo } from './io';

function refsUsage(): string {
  return [
    t('Usage: endpoint-lens refs <file> [options]'),
    t('  --dialect D                  read the file as {0}', DIALECT_IDS.join('|')),
    t('  --json                       print JSON (positions 1-based: line, column, endLine, endColumn)'),
  ].join('\n');
}

/** 1-based, as `check --format json` and editors count. */
function position(range: Range): { line: number; column: number; endLine: number; endColumn: number } {
  return { line: range.start.line + 1, column: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 };
}

/** `endpoint-lens refs FILE`: what the parser sees, for debugging a config or a parser. */
function refs(argv: string[], io: CliIo): number {
  const parsed = parseCommandLine(argv, io, { usage: refsUsage, values: ['dialect'], booleans: ['json'] });
  if (!parsed.ok) return parsed.exit;
  const { args } = parsed;
  if (args.positionals.length !== 1) return usageError(io, args.positionals.length === 0 ? t('Name the file to read.') : t('Unexpected argument "{0}".', args.positionals[1]!), refsUsage());
  const path = resolve(io.cwd, args.positionals[0]!);
  const read = readRegularFile(path, { maxBytes: DEFAULT_MAX_INPUT_BYTES });
  if (!read.ok) {
    io.err(read.message);
    return EXIT_USAGE;
  }
  const text = read.text;
  const dialectOption = lastFlag(args, 'dialect');
  const detection = detectDialect(path, text, dialectOption ? { dialect: dialectOption } : {});
  if (!detection) {
    io.err(dialectOption ? t('Unknown dialect "{0}"; use one of {1}.', dialectOption, DIALECT_IDS.join(', ')) : t('Cannot tell which dialect {0} is; use --dialect.', path));
    return EXIT_USAGE;
  }
  const { model } = detection.dialect.parse(text, { fileName: path });
  const references = model.references.map((r) => ({
    text: r.text,
    kind: r.kind,
    role: r.role,
    ...position(r.range),
    ...(r.invalidReason ? { invalid: r.invalidReason } : {}),
    ...(r.hostBitsSet ? { hostBitsSet: true } : {}),
  }));
  const rules = model.ruleLists.reduce((n, l) => n + l.rules.length, 0);
  const problems = model.problems.map((p) => ({ message: p.message, severity: p.severity, ...position(p.range) }));
  if (args.flags.has('json')) {
    io.out(JSON.stringify({ dialect: detection.dialect.id, detectedBy: detection.by, references, rules, problems }, null, 2));
    return EXIT_OK;
  }
  const lines = [t('{0}: {1} (decided by {2})', path, detection.dialect.displayName, detection.by), t('{0} references, {1} rules in {2} lists, {3} problems', references.length, rules, model.ruleLists.length, problems.length), ''];
  for (const r of references) lines.push(`  ${String(r.line).padStart(4)}:${String(r.column).padEnd(3)} ${r.kind.padEnd(14)} ${r.role.padEnd(12)} ${r.text}`);
  for (const p of problems) lines.push(`  ${String(p.line).padStart(4)}:${String(p.column).padEnd(3)} ${p.severity} ${p.message}`);
  io.out(lines.join('\n'));
  return EXIT_OK;
}

export const run: CliCommand = (argv, io) => Promise.resolve(refs(argv, io));
