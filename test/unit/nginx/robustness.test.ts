import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNginx, type NginxVendor } from '../../../server/src/dialects/nginx/parse';
import type { Parsed } from '../../../server/src/dialects/dialect';
import { lex } from '../../../server/src/dialects/nginx/lexer';
import { nginxDialect } from '../../../server/src/dialects/nginx';
import type { ConfigModel } from '../../../server/src/model/config';
import { MAX_NESTING_DEPTH } from '../../../server/src/limits';

const dir = join(__dirname, '..', '..', 'fixtures', 'nginx');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.conf'))
  .sort()
  .map((f) => readFileSync(join(dir, f), 'utf8'));

// A hang fails the test instead of stalling the run; nothing here asserts how fast parsing is.
const BOUND = { timeout: 180_000 };

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Braces that do not pair up, as nginx's tokenizer sees them. */
function bracesUnbalanced(text: string): boolean {
  let depth = 0;
  for (const tok of lex(text).tokens) {
    if (tok.kind === 'open') depth++;
    else if (tok.kind === 'close') depth--;
    if (depth < 0) return true;
  }
  return depth !== 0;
}

/** The model is well formed: positions inside the text, ids that resolve, and no silence about broken braces. */
function checkModel(text: string, model: ConfigModel): void {
  const lastLine = text.split(/\r\n|\r|\n/).length - 1;
  const inText = (r: { start: { line: number }; end: { line: number } }): boolean => r.start.line >= 0 && r.end.line <= lastLine;
  for (const r of model.references) assert.ok(inText(r.range), 'reference range inside the text');
  for (const p of model.problems) assert.ok(inText(p.range), 'problem range inside the text');
  const listIds = new Set(model.ruleLists.map((l) => l.id));
  assert.equal(listIds.size, model.ruleLists.length, 'list ids are unique');
  for (const p of model.paths) for (const s of p.stages) assert.ok(listIds.has(s), `stage ${s} names a list`);
  for (const l of model.ruleLists) {
    for (const rule of l.rules) for (const id of rule.sources?.referenceIds ?? []) assert.ok(model.references[id], 'rule reference exists');
  }
  const stopped = (model.limits ?? []).some((l) => l.stoppedReading);
  if (bracesUnbalanced(text)) assert.ok(model.problems.length > 0 || stopped, 'unbalanced braces are reported, or where reading stopped');
}

function parseChecked(text: string): Parsed<NginxVendor> {
  const parsed = parseNginx(text);
  checkModel(text, parsed.model);
  nginxDialect.detect('', text);
  return parsed;
}

test('random bytes never throw', BOUND, () => {
  const next = rng(1);
  const alphabet = 'abcdefgh \t\n\r{};#"\'\\$~*./:0123456789allowdenyserverlocationmap\u00e6\u{1F600}\0';
  const chars = [...alphabet];
  for (let i = 0; i < 400; i++) {
    const length = Math.floor(next() * 3000);
    let text = '';
    for (let j = 0; j < length; j++) {
      text += next() < 0.1 ? String.fromCharCode(Math.floor(next() * 0xffff)) : chars[Math.floor(next() * chars.length)]!;
    }
    parseChecked(text);
  }
});

test('every fixture truncated at every line and at random points never throws', BOUND, () => {
  const next = rng(2);
  for (const text of fixtures) {
    const cuts = new Set<number>();
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') cuts.add(i);
    for (let i = 0; i < 60; i++) cuts.add(Math.floor(next() * text.length));
    for (const cut of cuts) parseChecked(text.slice(0, cut));
  }
});

test('every fixture with random mutations never throws', BOUND, () => {
  const next = rng(3);
  const specials = ['{', '}', ';', '"', "'", '\\', '#', '$', '${', ' ', '\n', '/', ':', '~', '*'];
  for (const text of fixtures) {
    for (let round = 0; round < 150; round++) {
      let mutated = text;
      const edits = 1 + Math.floor(next() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * mutated.length);
        const op = next();
        const insert = specials[Math.floor(next() * specials.length)]!;
        if (op < 0.33) mutated = mutated.slice(0, at) + mutated.slice(at + 1);
        else if (op < 0.66) mutated = mutated.slice(0, at) + insert + mutated.slice(at);
        else mutated = mutated.slice(0, at) + insert + mutated.slice(at + 1);
      }
      parseChecked(mutated);
    }
  }
});

test('a 10 MB configuration parses completely', BOUND, () => {
  const block = readFileSync(join(dir, 'exchange-hybrid-reverse-proxy.conf'), 'utf8');
  const server = block.slice(block.indexOf('    server {\n        listen 203'), block.lastIndexOf('}'));
  const perServer = parseNginx(`http {\n${server}}\n`).model.references.length;
  const copies = Math.ceil((10 * 1024 * 1024) / server.length);
  const text = `http {\n${server.repeat(copies)}}\n`;
  assert.ok(text.length >= 10 * 1024 * 1024);
  const model = parseNginx(text).model;
  assert.equal(model.problems.length, 0);
  assert.equal(model.references.length, perServer * copies);
  // Each copy has its own /ecp and /EWS lists, with ids kept apart.
  assert.equal(model.ruleLists.length, 2 * copies);
});

test('blocks nested past the bound stop reading at that block, and inheritance holds up to it', BOUND, () => {
  const nested = (depth: number): string => `http {\nserver {\nallow 10.0.0.0/8;\ndeny all;\n${'location /a {\n'.repeat(depth)}allow 192.0.2.1;\n${'}\n'.repeat(depth)}}\n}\n`;
  // http and server are two of the levels; the locations fill the rest.
  const within = MAX_NESTING_DEPTH - 2;
  const model = parseNginx(nested(within)).model;
  assert.deepEqual(model.problems, []);
  assert.deepEqual(model.limits, []);
  // The server and every location but the innermost inherit the server's two rules.
  const lists = model.ruleLists.filter((l) => l.kind === 'http-access');
  assert.equal(lists.length, within + 1);
  assert.equal(lists[lists.length - 1]!.rules.length, 1);
  assert.equal(lists[lists.length - 2]!.rules.length, 2);

  const deep = parseNginx(nested(10_000)).model;
  assert.deepEqual(deep.problems, [], 'the blocks left open where reading stopped are not reported');
  assert.deepEqual(
    (deep.limits ?? []).map((l) => [l.kind, l.found, l.limit, l.range.start.line, l.stoppedReading]),
    [['nesting', 10_002, MAX_NESTING_DEPTH, 4 + within, true]],
  );
  assert.equal(deep.ruleLists.filter((l) => l.kind === 'http-access').length, within + 1, 'the blocks before the bound are read');

  const unclosed = parseNginx(`http {\n${'location / {\n'.repeat(50)}`).model;
  assert.equal(unclosed.problems.length, 51);
});

test('unterminated strings are reported and do not swallow the rest of the file', () => {
  const model = parseNginx('http {\n  server {\n    server_name "mail.contoso.com;\n    listen 443;\n  }\n  server { allow 10.0.0.0/8; deny all; }\n}\n').model;
  assert.ok(model.problems.some((p) => p.message.includes('Unterminated string') && p.range.start.line === 2));
  assert.ok(model.ruleLists.some((l) => l.rules.length === 2));
  for (const text of ['"', "'", 'allow "10.0.0.1;', "map $a $b { 'x y; }", 'a "\\', 'x \'\\\'', '"'.repeat(1001)]) {
    const m = parseChecked(text).model;
    if (text.split('"').length % 2 === 0 || text.split("'").length % 2 === 0) assert.ok(m.problems.length > 0, text);
  }
});

test('pathological shapes stay linear', BOUND, () => {
  const shapes = [
    ' '.repeat(1_000_000) + 'server_name',
    '\n'.repeat(1_000_000),
    '{'.repeat(100_000),
    '}'.repeat(200_000),
    ';'.repeat(200_000),
    'a '.repeat(300_000) + ';',
    '${'.repeat(200_000),
    '\\'.repeat(200_001),
    '#'.repeat(500_000),
    'content_by_lua_block {'.repeat(20_000),
    'server { listen 80; }\n'.repeat(20_000),
    'location / { }\n'.repeat(20_000),
    'allow\n'.repeat(20_000),
    'server_name a\n'.repeat(20_000) + ';',
    'server {\n'.repeat(20_000),
    'location a\n'.repeat(20_000),
    'map $ssl_preread_server_name $x {\n hostnames;\n' + '.a.com b;\n'.repeat(10_000) + '}\n',
  ];
  for (const text of shapes) {
    const parsed = parseChecked(text);
    assert.ok(Array.isArray(parsed.vendor.contexts));
  }
});
