#!/usr/bin/env node
'use strict';
// The CLI is bundled by `npm run build`; this file only finds it.
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('endpoint-lens: dist/cli.js is missing; run `npm run build` first.\n');
  process.exit(2);
}
require('./load-bundle').loadBundle(cli).main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => { process.stderr.write(`endpoint-lens: internal error: ${error && error.stack ? error.stack : error}\n`); process.exitCode = 3; },
);
