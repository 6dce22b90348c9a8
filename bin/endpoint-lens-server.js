#!/usr/bin/env node
'use strict';
// The language server for any LSP client: `endpoint-lens-server --stdio`.
const path = require('node:path');
const fs = require('node:fs');
const server = path.join(__dirname, '..', 'dist', 'server.js');
if (!fs.existsSync(server)) {
  process.stderr.write('endpoint-lens-server: dist/server.js is missing; run `npm run build` first.\n');
  process.exit(2);
}
require(server);
