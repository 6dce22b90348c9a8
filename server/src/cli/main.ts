import { join } from 'node:path';
import { packageRoot } from '../paths';
import { readJsonFile } from '../fileAccess';
import { processIo, endQuietlyOnClosedOutput, EXIT_USAGE, type CliCommand, type CliIo } from './io';
import { isCheckWorker, runCheckWorker } from './check/worker';
import { t, useBundle } from '../l10n';

interface CommandEntry {
  summary: () => string;
  load: () => Promise<CliCommand>;
}

/** Each command lives in its own module; this table is the only place that lists them. */
const COMMANDS: Record<string, CommandEntry> = {
  check: { summary: () => t('Check configuration files against the catalogue, as the Problems panel would'), load: async () => (await import('./check/command')).run },
  'pac-test': { summary: () => t('Run a PAC file for every catalogue host and show its answers next to Microsoft\'s guidance'), load: async () => (await import('./pacTest')).run },
  lookup: { summary: () => t('Show every catalogue entry that matches an address, CIDR, range or host name'), load: async () => (await import('./lookup')).run },
  render: { summary: () => t('Print the rules for a policy in a dialect, or insert them into a file'), load: async () => (await import('./render')).run },
  refs: { summary: () => t('Show the addresses, host patterns and rules the parser finds in a file'), load: async () => (await import('./refs')).run },
  update: { summary: () => t('Download the newest endpoint catalogue into the cache'), load: async () => (await import('./update')).run },
  changes: { summary: () => t('List catalogue and other-endpoints changes since a version, with their effect on files'), load: async () => (await import('./changes')).run },
};

const LOCALES = ['en', 'da'];

/** The Danish bundle the build writes; English needs none. */
function loadLocale(locale: string, io: CliIo): boolean {
  if (locale.toLowerCase().startsWith('en')) {
    useBundle({});
    return true;
  }
  if (!locale.toLowerCase().startsWith('da')) return false;
  const bundlePath = join(packageRoot(), 'l10n', 'bundle.l10n.da.json');
  const read = readJsonFile(bundlePath);
  if (read.ok && typeof read.value === 'object' && read.value !== null) useBundle(read.value as Record<string, string>);
  else io.err(`endpoint-lens: Danish messages not found at ${bundlePath}; using English.`);
  return true;
}

/**
 * `--locale en|da` (or ENDPOINT_LENS_LOCALE) switches messages before anything prints. An
 * unsupported `--locale` is a usage error; an unsupported variable only a warning, since it may
 * come from the environment rather than from this command line.
 */
function applyLocale(argv: string[], io: CliIo): { args: string[] } | { exit: number } {
  const args: string[] = [];
  let flag: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--locale') flag = argv[++i] ?? '';
    else if (arg.startsWith('--locale=')) flag = arg.slice('--locale='.length);
    else args.push(arg);
  }
  const fromEnvironment = process.env.ENDPOINT_LENS_LOCALE;
  if (flag !== undefined) {
    if (!loadLocale(flag, io)) {
      io.err(t('Unsupported locale "{0}"; use one of {1}.', flag, LOCALES.join(', ')));
      return { exit: EXIT_USAGE };
    }
  } else if (fromEnvironment) {
    if (!loadLocale(fromEnvironment, io)) io.err(t('ENDPOINT_LENS_LOCALE="{0}" is not supported; using English. Supported: {1}.', fromEnvironment, LOCALES.join(', ')));
  }
  return { args };
}

function usage(): string {
  const lines = [t('Usage: endpoint-lens <command> [options]'), '', t('Commands:')];
  for (const [name, command] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${command.summary()}`);
  lines.push('', t('endpoint-lens <command> --help prints the options of a command.'), t('Global options: --locale en|da'));
  return lines.join('\n');
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  if (io === processIo) endQuietlyOnClosedOutput();
  const located = applyLocale(argv, io);
  if ('exit' in located) return located.exit;
  const args = located.args;
  const name = args[0];
  if (name === undefined) {
    io.err(usage());
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = args[1] === undefined ? undefined : COMMANDS[args[1]];
    if (topic) return (await topic.load())(['--help'], io);
    io.out(usage());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(t('Unknown command "{0}".', name));
    io.err(usage());
    return EXIT_USAGE;
  }
  const run = await command.load();
  return run(args.slice(1), io);
}

// The same bundle is the analysis thread of `check` (see check/worker.ts).
if (isCheckWorker()) runCheckWorker();
else if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      processIo.err(t('endpoint-lens: internal error: {0}', error instanceof Error ? (error.stack ?? error.message) : String(error)));
      process.exitCode = 3;
    },
  );
}
