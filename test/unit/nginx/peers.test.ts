// Peers that nginx itself accepts must parse with no problem: a configuration tree of our own laid
// out as distribution packages lay theirs out (committed under test/fixtures/nginx-package and
// checked with `nginx -t` when nginx is installed), and the example configurations of the
// nginx-linter npm package. No file of the machine's own nginx is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseNginx } from '../../../server/src/dialects/nginx/parse';
import { run, withTempDir } from '../oracle/tools';

const PACKAGE_TREE = join(__dirname, '..', '..', 'fixtures', 'nginx-package');

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

function assertClean(path: string): void {
  const model = parseNginx(readFileSync(path, 'utf8'), { fileName: path }).model;
  const shown = model.problems.map((p) => `${p.range.start.line + 1}:${p.range.start.character + 1} ${p.message}`);
  assert.deepEqual(shown, [], path);
}

test('every file of a package-style nginx tree parses without a problem', () => {
  const files = walk(PACKAGE_TREE, []);
  assert.deepEqual(files.map((f) => relative(PACKAGE_TREE, f)).sort(), [
    'conf.d/exchange-upstream.conf',
    'fastcgi_params',
    'mime.types',
    'nginx.conf',
    'proxy_params',
    'sites-available/default',
    'sites-enabled/default',
    'snippets/fastcgi-php.conf',
  ]);
  for (const file of files) assertClean(file);
});

test('nginx -t accepts the package-style tree, so the test above holds the parser to what nginx reads', (t) => {
  const version = run('nginx', ['-v']);
  if (version.status !== 0) {
    t.skip(`nginx is not installed (apt-get install nginx-light): ${version.output.trim().split('\n')[0] ?? ''}`);
    return;
  }
  withTempDir((dir) => {
    cpSync(PACKAGE_TREE, dir, { recursive: true, verbatimSymlinks: true });
    mkdirSync(join(dir, 'logs'));
    const result = run('nginx', ['-t', '-q', '-p', `${dir}/`, '-e', join(dir, 'logs', 'error.log'), '-c', join(dir, 'nginx.conf')]);
    assert.equal(result.status, 0, result.output);
    const broken = run('nginx', ['-t', '-q', '-p', `${dir}/`, '-e', join(dir, 'logs', 'error.log'), '-c', join(dirname(join(dir, 'nginx.conf')), 'mime.types')]);
    assert.notEqual(broken.status, 0, 'the oracle refuses a file that is not a main configuration');
  });
});

test('the example configurations of the nginx-linter npm package parse without a problem', () => {
  // A development dependency, installed by `npm ci`, so the test never reaches the network.
  const root = dirname(require.resolve('nginx-linter/package.json'));
  const examples = walk(join(root, 'test', 'examples'), []).filter((f) => f.endsWith('.conf'));
  assert.ok(examples.length >= 15, `found ${examples.length} examples`);
  // Among them: a 6.5 MB file, Lua blocks with braces in comments, quoted `{a}` map keys, if-conditions.
  for (const file of examples) assertClean(file);
});
