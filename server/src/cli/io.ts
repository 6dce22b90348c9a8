import { readFileSync } from 'node:fs';
import { t } from '../l10n';

/** What a CLI command may touch, so tests can run commands in-process and read what they printed. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
  cwd: process.cwd(),
};

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export type CliCommand = (argv: string[], io: CliIo) => Promise<number>;

/**
 * Minimal flag parser: `--name value`, `--name=value`, repeated flags collect, `--flag` alone is
 * "true" when listed in `booleans`. Unknown flags are a usage error, reported by the caller.
 */
export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string[]>;
  unknown: string[];
}

export function parseArgs(argv: string[], known: { values: string[]; booleans: string[] }): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  const unknown: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    if (known.booleans.includes(name)) {
      value ??= 'true';
    } else if (known.values.includes(name)) {
      if (value === undefined) {
        value = argv[i + 1];
        if (value === undefined) {
          unknown.push(arg);
          continue;
        }
        i++;
      }
    } else {
      unknown.push(arg);
      continue;
    }
    const list = flags.get(name) ?? [];
    list.push(value);
    flags.set(name, list);
  }
  return { positionals, flags, unknown };
}

export function lastFlag(args: ParsedArgs, name: string): string | undefined {
  const values = args.flags.get(name);
  return values ? values[values.length - 1] : undefined;
}

/** A file's text, or undefined after saying in `errors` why it cannot be read. */
export function readText(path: string, errors: string[]): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    errors.push(t('Cannot read {0}: {1}', path, error instanceof Error ? error.message : String(error)));
    return undefined;
  }
}
