// Robustness: random bytes, every fixture truncated and mutated, a 10 MB ruleset, deep braces and
// unterminated strings must all parse without throwing, with problem and reference ranges inside the text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lexNft } from '../../../server/src/dialects/nftables/lexer';
import { parseNftables } from '../../../server/src/dialects/nftables/parse';
import type { ConfigModel } from '../../../server/src/model/config';
import { LineIndex } from '../../../server/src/model/range';

const dir = join(import.meta.dirname, '../../fixtures/nftables');
const fixtures = readdirSync(dir).filter((f) => !f.endsWith('.expected.json')).map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') }));

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function checkModel(text: string, model: ConfigModel): void {
  assert.equal(model.dialect, 'nftables');
  assert.ok(!model.problems.some((p) => p.message.includes('parser failed')), model.problems.map((p) => p.message).join('\n'));
  const end = new LineIndex(text).positionAt(text.length);
  const inside = (pos: { line: number; character: number }): boolean => pos.line < end.line || (pos.line === end.line && pos.character <= end.character);
  for (const p of model.problems) assert.ok(inside(p.range.end), `problem range outside text: ${JSON.stringify(p.range)}`);
  for (const r of model.references) {
    assert.ok(inside(r.range.end));
    assert.ok(r.range.start.line < r.range.end.line || (r.range.start.line === r.range.end.line && r.range.start.character <= r.range.end.character));
  }
}

const ALPHABET = ' \t\n\\"$@#{}()[];:,.-!*/=&|<>0123456789abcdef:tableinetchaindropaccept';

test('random bytes and shell-ish noise never throw', () => {
  const next = random(1);
  for (let n = 0; n < 300; n++) {
    const length = Math.floor(next() * 3000);
    let text = '';
    for (let k = 0; k < length; k++) {
      text += next() < 0.5 ? ALPHABET[Math.floor(next() * ALPHABET.length)] : String.fromCharCode(Math.floor(next() * 0x10000));
    }
    checkModel(text, parseNftables(text).model);
  }
});

test('every fixture truncated at many points and mutated never throws', () => {
  const next = random(2);
  for (const { name, text } of fixtures) {
    for (let cut = 0; cut <= text.length; cut += Math.max(1, Math.floor(text.length / 60))) {
      const truncated = text.slice(0, cut);
      const model = parseNftables(truncated, { fileName: name }).model;
      checkModel(truncated, model);
      // A ruleset cut inside a block must say so rather than report nothing.
      const tokens = lexNft(truncated).tokens;
      const opens = tokens.filter((tk) => tk.kind === 'punct' && tk.text === '{').length;
      const closes = tokens.filter((tk) => tk.kind === 'punct' && tk.text === '}').length;
      if (opens !== closes) assert.ok(model.problems.length > 0, `${name} cut at ${cut}`);
    }
    for (let n = 0; n < 60; n++) {
      const chars = [...text];
      for (let m = 0; m < 5; m++) {
        const at = Math.floor(next() * chars.length);
        const op = next();
        if (op < 0.33) chars.splice(at, 1);
        else if (op < 0.66) chars.splice(at, 0, ALPHABET[Math.floor(next() * ALPHABET.length)]!);
        else chars[at] = ALPHABET[Math.floor(next() * ALPHABET.length)]!;
      }
      const mutated = chars.join('');
      checkModel(mutated, parseNftables(mutated, { fileName: name }).model);
    }
  }
});

test('a 10 MB ruleset parses completely', () => {
  const rule = '\t\tip daddr { 52.112.0.0/14, 52.122.0.0/15 } udp dport 3478-3481 counter accept comment "Teams"\n';
  let rules = '';
  while (rules.length < 10_000_000) rules += rule;
  const big = `table inet filter {\n\tchain output {\n\t\ttype filter hook output priority 0; policy drop;\n${rules}\t}\n}\n`;
  const model = parseNftables(big).model;
  checkModel(big, model);
  assert.deepEqual(model.problems, []);
  assert.equal(model.ruleLists[0]!.rules.length, Math.ceil(10_000_000 / rule.length));
});

test('deep braces, unterminated strings and long lines never throw', () => {
  const cases = [
    '{'.repeat(200_000),
    '}'.repeat(200_000),
    'table inet x {\n' + 'chain c {\n'.repeat(50_000),
    'table inet x { chain c { ip daddr ' + '{ '.repeat(100_000) + '1.2.3.4' + ' }'.repeat(100_000) + ' accept\n}\n}\n',
    'define A = { ' + '$A, '.repeat(50_000) + '1.2.3.4 }\n',
    'define A = 1.2.3.4\n' + Array.from({ length: 30 }, (_, k) => `define B${k + 1} = { $${k === 0 ? 'A' : `B${k}`}, $${k === 0 ? 'A' : `B${k}`} }`).join('\n') + '\ntable ip t { chain c { ip daddr $B30 accept\n}\n}\n',
    'table inet x { chain c { comment "' + 'x'.repeat(500_000) + '\n',
    '"'.repeat(200_000),
    'add rule inet t c ' + 'ip daddr 1.2.3.4 '.repeat(100_000) + '\n',
  ];
  for (const text of cases) checkModel(text, parseNftables(text).model);
  const unterminated = parseNftables('table inet x {\n\tchain c {\n\t\tcomment "no end\n\t}\n}\n').model;
  assert.ok(unterminated.problems.some((p) => p.message === 'Unterminated string'));
});
