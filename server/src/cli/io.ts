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

let endsQuietly = false;

/**
 * A reader that stops early (`endpoint-lens changes | head`) closes the pipe; like other Unix tools
 * the command then ends quietly instead of dying on an unhandled EPIPE.
 */
export function endQuietlyOnClosedOutput(): void {
  if (endsQuietly) return;
  endsQuietly = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK);
    });
  }
}

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** No input file up to this size is refused (`check --max-size` changes it for `check`). */
export const DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024;

export type CliCommand = (argv: string[], io: CliIo) => Promise<number>;

/**
 * Minimal flag parser: `--name value`, `--name=value`, repeated flags collect, `--flag` alone is
 * "true" when listed in `booleans`. Unknown flags (and single-dash ones other than `-`) are a
 * usage error, reported by the caller; `--help` and `-h` set `help`.
 */
export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string[]>;
  unknown: string[];
  help: boolean;
}

export function parseArgs(argv: string[], known: { values: string[]; booleans: string[] }): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  const unknown: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) {
      unknown.push(arg);
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
  return { positionals, flags, unknown, help };
}

/**
 * The start every command shares: `--help`/`-h` prints its usage and exits 0; an unknown or
 * incomplete option prints what was wrong and the usage, and exits 2.
 */
export function parseCommandLine(
  argv: string[],
  io: CliIo,
  spec: { usage: () => string; values: string[]; booleans: string[] },
): { ok: true; args: ParsedArgs } | { ok: false; exit: number } {
  const args = parseArgs(argv, spec);
  if (args.help) {
    io.out(spec.usage());
    return { ok: false, exit: EXIT_OK };
  }
  if (args.unknown.length > 0) {
    io.err(t('Unknown or incomplete option: {0}', args.unknown.join(' ')));
    io.err(spec.usage());
    return { ok: false, exit: EXIT_USAGE };
  }
  return { ok: true, args };
}

/** A usage error: the message, then the command's usage, on standard error. */
export function usageError(io: CliIo, message: string, usage: string): number {
  io.err(message);
  io.err(usage);
  return EXIT_USAGE;
}

/** Every value of a repeatable flag, commas also separating values. */
export function listFlag(args: ParsedArgs, name: string): string[] {
  return (args.flags.get(name) ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function lastFlag(args: ParsedArgs, name: string): string | undefined {
  const values = args.flags.get(name);
  return values ? values[values.length - 1] : undefined;
}
