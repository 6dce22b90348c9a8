import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseNginx } from '../../../server/src/dialects/nginx/parse';

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const stat = statSync(full, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) walk(full, out);
    else if (stat.isFile()) out.push(full);
  }
  return out;
}

/** Text files only: the nginx package also installs modules (.so), HTML and compressed changelogs. */
function isConfigText(path: string): boolean {
  if (/\.(html?|gz|so|md|js|json)$/.test(path)) return false;
  const head = readFileSync(path).subarray(0, 8192);
  return !head.includes(0);
}

function assertClean(path: string): void {
  const model = parseNginx(readFileSync(path, 'utf8'), { fileName: path }).model;
  const shown = model.problems.map((p) => `${p.range.start.line + 1}:${p.range.start.character + 1} ${p.message}`);
  assert.deepEqual(shown, [], path);
}

test('every configuration file the nginx packages install parses without a problem', (t) => {
  const roots = ['/etc/nginx', '/usr/share/nginx'].filter((r) => existsSync(r));
  for (const doc of existsSync('/usr/share/doc') ? readdirSync('/usr/share/doc') : []) if (doc.startsWith('nginx')) roots.push(join('/usr/share/doc', doc));
  if (!existsSync('/etc/nginx')) {
    t.skip('nginx is not installed (apt-get install nginx-light); its shipped configs were not parsed');
    return;
  }
  let parsed = 0;
  for (const root of roots) {
    const docs = root.startsWith('/usr/share/doc');
    for (const file of walk(root, [])) {
      if (docs && /\.conf\.gz$|\/examples\/.*\.gz$/.test(file)) {
        const model = parseNginx(gunzipSync(readFileSync(file)).toString('utf8'), { fileName: file }).model;
        assert.deepEqual(model.problems, [], file);
        parsed++;
        continue;
      }
      // Binary files, changelogs and copyright notes must not crash the parser, but are not configuration.
      if (!isConfigText(file) || (docs && !/\.conf$|\/examples\//.test(file))) {
        parseNginx(readFileSync(file, 'latin1'));
        continue;
      }
      assertClean(file);
      parsed++;
    }
  }
  // nginx.conf, mime.types, fastcgi/proxy/scgi/uwsgi params, sites-available/default, snippets…
  assert.ok(parsed >= 8, `only ${parsed} files parsed`);
});

test('the example configurations of the nginx-linter npm package parse without a problem', () => {
  // A development dependency, installed by `npm ci`, so the test never reaches the network.
  const root = dirname(require.resolve('nginx-linter/package.json'));
  const examples = walk(join(root, 'test', 'examples'), []).filter((f) => f.endsWith('.conf'));
  assert.ok(examples.length >= 15, `found ${examples.length} examples`);
  // Among them: a 6.5 MB file, Lua blocks with braces in comments, quoted `{a}` map keys, if-conditions.
  for (const file of examples) assertClean(file);
});
