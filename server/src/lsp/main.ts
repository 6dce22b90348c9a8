import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';
import { isAnalysisThread, runAnalysisThread } from './analysisThread';

/** `--cache DIR` points the server at a catalogue cache, as `check --cache` does; initializationOptions may override it. */
function cacheDirFromArguments(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--cache') return argv[i + 1];
    if (arg.startsWith('--cache=')) return arg.slice('--cache='.length);
  }
  return undefined;
}

// The same bundle is the server's analysis thread (see analysisThread.ts). Otherwise: `--stdio` for
// other editors; VS Code's client starts us with IPC (`--node-ipc`), which createConnection picks
// up from the command line.
if (isAnalysisThread()) runAnalysisThread();
else startServer(createConnection(ProposedFeatures.all), { cacheDir: cacheDirFromArguments(process.argv) });
