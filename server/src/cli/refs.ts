import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { detectDialect } from '../dialects/detect';
import { DIALECT_IDS } from '../dialects/all';
import { t } from '../l10n';
import { EXIT_OK, EXIT_USAGE, lastFlag, parseArgs, type CliCommand } from './io';

/** `endpoint-lens refs FILE`: what the parser sees, for debugging a config or a parser. */
export const run: CliCommand = (argv, io) => {
  const args = parseArgs(argv, { values: ['dialect'], booleans: ['json'] });
  if (args.unknown.length > 0 || args.positionals.length !== 1) {
    io.err(t('Usage: endpoint-lens refs <file> [--dialect {0}] [--json]', DIALECT_IDS.join('|')));
    return Promise.resolve(EXIT_USAGE);
  }
  const path = resolve(io.cwd, args.positionals[0]!);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    io.err(t('Cannot read {0}: {1}', path, error instanceof Error ? error.message : String(error)));
    return Promise.resolve(EXIT_USAGE);
  }
  const dialectOption = lastFlag(args, 'dialect');
  const detection = detectDialect(path, text, dialectOption ? { dialect: dialectOption } : {});
  if (!detection) {
    io.err(dialectOption ? t('Unknown dialect "{0}"; use one of {1}.', dialectOption, DIALECT_IDS.join(', ')) : t('Cannot tell which dialect {0} is; use --dialect.', path));
    return Promise.resolve(EXIT_USAGE);
  }
  const { model } = detection.dialect.parse(text, { fileName: path });
  const references = model.references.map((r) => ({
    text: r.text,
    kind: r.kind,
    role: r.role,
    line: r.range.start.line,
    character: r.range.start.character,
    endLine: r.range.end.line,
    endCharacter: r.range.end.character,
    ...(r.invalidReason ? { invalid: r.invalidReason } : {}),
    ...(r.hostBitsSet ? { hostBitsSet: true } : {}),
  }));
  const rules = model.ruleLists.reduce((n, l) => n + l.rules.length, 0);
  const problems = model.problems.map((p) => ({ message: p.message, severity: p.severity, line: p.range.start.line, character: p.range.start.character, endLine: p.range.end.line, endCharacter: p.range.end.character }));
  if (args.flags.has('json')) {
    io.out(JSON.stringify({ dialect: detection.dialect.id, detectedBy: detection.by, references, rules, problems }, null, 2));
    return Promise.resolve(EXIT_OK);
  }
  const lines = [t('{0}: {1} (decided by {2})', path, detection.dialect.displayName, detection.by), t('{0} references, {1} rules in {2} lists, {3} problems', references.length, rules, model.ruleLists.length, problems.length), ''];
  for (const r of references) lines.push(`  ${String(r.line + 1).padStart(4)}:${String(r.character + 1).padEnd(3)} ${r.kind.padEnd(14)} ${r.role.padEnd(12)} ${r.text}`);
  for (const p of problems) lines.push(`  ${String(p.line + 1).padStart(4)}:${String(p.character + 1).padEnd(3)} ${p.severity} ${p.message}`);
  io.out(lines.join('\n'));
  return Promise.resolve(EXIT_OK);
};
