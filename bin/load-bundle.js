'use strict';
// Loads a bundle of dist/ with V8's code cache for it (written next to it by `npm run build`), so a
// run and each of its check threads skip compiling 1.7 MB of JavaScript; a cache that does not fit
// this Node (another version or flags) is ignored by V8 and the bundle is compiled as usual.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

/** Where the code cache of `bundle` lives. */
function codeCacheFile(bundle) {
  return `${bundle}.codecache`;
}

/** V8 checks a cache against the source's length, not its text, so a cache older than the bundle is not used. */
function readCodeCache(file) {
  try {
    const cache = codeCacheFile(file);
    if (fs.statSync(cache).mtimeMs < fs.statSync(file).mtimeMs) return undefined;
    return fs.readFileSync(cache);
  } catch {
    return undefined;
  }
}

/**
 * The exports of the CommonJS bundle `file`, compiled with its code cache. With
 * ENDPOINT_LENS_WRITE_CODE_CACHE set (the build does this once), the cache is written when the
 * process exits, after the run has compiled the functions it uses.
 */
function loadBundle(file) {
  const cachedData = process.env.ENDPOINT_LENS_WRITE_CODE_CACHE ? undefined : readCodeCache(file);
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const bundleModule = { exports: {}, filename: file, id: file, loaded: false };
  script.runInThisContext().call(bundleModule.exports, bundleModule.exports, Module.createRequire(file), bundleModule, file, path.dirname(file));
  bundleModule.loaded = true;
  if (process.env.ENDPOINT_LENS_WRITE_CODE_CACHE && require('node:worker_threads').isMainThread) {
    process.once('exit', () => fs.writeFileSync(codeCacheFile(file), script.createCachedData()));
  }
  return bundleModule.exports;
}

module.exports = { loadBundle };
