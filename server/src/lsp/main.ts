import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

// `--stdio` for other editors; VS Code's client starts us with IPC (`--node-ipc`), which
// createConnection picks up from the command line.
startServer(createConnection(ProposedFeatures.all));
