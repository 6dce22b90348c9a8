import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

/** `--cache DIR` points the server at a catalogue cache, as `check --cache` does; initializationOptions may override it. */
function cacheDirFromArguments(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--cache') return argv[i + 1];
    if (arg.startsWith('--cache=')) return arg.slice('--cache='.length);
  }
  return undefined;
}

// `--stdio` for other editors; VS Code's client starts us with IPC (`--node-ipc`), which
// createConnection picks up from the command line.
startServer(createConnection(ProposedFeatures.all), { cacheDir: cacheDirFromArguments(process.argv) });
