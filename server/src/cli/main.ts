import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths';
import { processIo, EXIT_USAGE, type CliCommand, type CliIo } from './io';
import { t, useBundle } from '../l10n';

/** Each command lives in its own module; this table is the only place that lists them. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  check: { summary: 'Check configuration files against the catalogue, as the Problems panel would', load: async () => (await import('./check')).run },
  refs: { summary: 'Show the addresses, host patterns and rules the parser finds in a file', load: async () => (await import('./refs')).run },
  update: { summary: 'Download the newest endpoint catalogue into the cache', load: async () => (await import('./update')).run },
  lookup: { summary: 'Show every catalogue entry that matches an address, CIDR, range or host name', load: async () => (await import('./lookup')).run },
  render: { summary: 'Print the rules for a policy in a dialect, or insert them into a file', load: async () => (await import('./render')).run },
  changes: { summary: 'List catalogue and other-endpoints changes since a version, with their effect on files', load: async () => (await import('./changes')).run },
};

/** `--locale da` (or ENDPOINT_LENS_LOCALE) switches messages to Danish before anything prints. */
function applyLocale(argv: string[]): string[] {
  const rest: string[] = [];
  let locale = process.env.ENDPOINT_LENS_LOCALE;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--locale') {
      locale = argv[++i];
    } else if (arg.startsWith('--locale=')) {
      locale = arg.slice('--locale='.length);
    } else {
      rest.push(arg);
    }
  }
  if (locale && !locale.toLowerCase().startsWith('da')) useBundle({});
  if (locale && locale.toLowerCase().startsWith('da')) {
    const bundlePath = join(packageRoot(), 'l10n', 'bundle.l10n.da.json');
    try {
      useBundle(JSON.parse(readFileSync(bundlePath, 'utf8')) as Record<string, string>);
    } catch {
      processIo.err(`endpoint-lens: Danish messages not found at ${bundlePath}; using English.`);
    }
  }
  return rest;
}

function usage(io: CliIo): void {
  const lines = [t('Usage: endpoint-lens <command> [options]'), '', t('Commands:')];
  for (const [name, command] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${t(command.summary)}`);
  lines.push('', t('Global options: --locale en|da'));
  io.out(lines.join('\n'));
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const args = applyLocale(argv);
  const name = args[0];
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    usage(io);
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(t('Unknown command "{0}".', name));
    usage(io);
    return EXIT_USAGE;
  }
  const run = await command.load();
  return run(args.slice(1), io);
}

if (require.main === module) {
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
