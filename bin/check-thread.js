'use strict';
// Entry of a `check` analysis thread (server/src/cli/check/pool.ts starts it): the CLI bundle with
// its code cache, which starts the thread's side itself.
const path = require('node:path');
require('./load-bundle').loadBundle(path.join(__dirname, '..', 'dist', 'cli.js'));
