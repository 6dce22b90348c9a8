// Robustness: random bytes, every fixture truncated and mutated, a 10 MB file and unterminated
// quotes must all parse without throwing, with problem and reference ranges inside the text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIptables } from '../../../server/src/dialects/iptables/parse';
import type { ConfigModel } from '../../../server/src/model/config';
import { LineIndex } from '../../../server/src/model/range';

const dir = join(import.meta.dirname, '../../fixtures/iptables');
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
  assert.equal(model.dialect, 'iptables');
  assert.ok(!model.problems.some((p) => p.message.includes('parser failed')), model.problems.map((p) => p.message).join('\n'));
  const end = new LineIndex(text).positionAt(text.length);
  const inside = (pos: { line: number; character: number }): boolean => pos.line < end.line || (pos.line === end.line && pos.character <= end.character);
  for (const p of model.problems) assert.ok(inside(p.range.end), `problem range outside text: ${JSON.stringify(p.range)}`);
  for (const r of model.references) {
    assert.ok(inside(r.range.end));
    assert.ok(r.range.start.line < r.range.end.line || (r.range.start.line === r.range.end.line && r.range.start.character <= r.range.end.character));
  }
}

const ALPHABET = ' \t\n\\\'"$#{}()[];:,.-!*/=&|<>0123456789abcdefABCDEF-AIPNsdjmp';

test('random bytes and shell-ish noise never throw', () => {
  const next = random(1);
  for (let n = 0; n < 300; n++) {
    const length = Math.floor(next() * 3000);
    let text = '';
    for (let k = 0; k < length; k++) {
      text += next() < 0.5 ? ALPHABET[Math.floor(next() * ALPHABET.length)] : String.fromCharCode(Math.floor(next() * 0x10000));
    }
    checkModel(text, parseIptables(text).model);
  }
});

test('every fixture truncated at many points and mutated never throws', () => {
  const next = random(2);
  for (const { name, text } of fixtures) {
    for (let cut = 0; cut <= text.length; cut += Math.max(1, Math.floor(text.length / 60))) {
      const truncated = text.slice(0, cut);
      const model = parseIptables(truncated, { fileName: name }).model;
      checkModel(truncated, model);
      // A save file cut before its COMMIT must say so rather than report nothing.
      const header = truncated.search(/^\*filter/m);
      if (header >= 0 && !/^COMMIT/m.test(truncated.slice(header))) assert.ok(model.problems.length > 0, `${name} cut at ${cut}`);
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
      checkModel(mutated, parseIptables(mutated, { fileName: name }).model);
    }
  }
});

test('a 10 MB save file and a 10 MB script parse completely', () => {
  const save = readFileSync(join(dir, 'm365-egress.rules'), 'utf8');
  const body = save.slice(save.indexOf('-A OUTPUT'), save.indexOf('COMMIT'));
  let rules = '';
  while (rules.length < 10_000_000) rules += body;
  const big = `*filter\n:OUTPUT DROP [0:0]\n${rules}COMMIT\n`;
  const model = parseIptables(big).model;
  checkModel(big, model);
  const perCopy = (body.match(/^-A /gm) ?? []).length;
  assert.equal(model.ruleLists.find((l) => l.id === 'filter:OUTPUT')!.rules.length % perCopy, 0);
  assert.ok(model.ruleLists.find((l) => l.id === 'filter:OUTPUT')!.rules.length > 50_000);

  const script = readFileSync(join(dir, 'firewall.sh'), 'utf8');
  let longScript = '';
  while (longScript.length < 10_000_000) longScript += script;
  checkModel(longScript, parseIptables(longScript).model);
});

test('unterminated quotes, here-documents and variables on long lines stay linear and never throw', () => {
  const cases = [
    "'".repeat(200_000),
    '"'.repeat(200_000),
    '${'.repeat(200_000),
    '$('.repeat(200_000),
    'iptables -A OUTPUT -m comment --comment "' + 'x'.repeat(500_000),
    'cat <<EOF\n' + 'iptables -A OUTPUT -j DROP\n'.repeat(50_000),
    'iptables -A OUTPUT -d 1.2.3.4 \\\n'.repeat(50_000),
    '*filter\n' + '-A OUTPUT ! ! ! -s\n'.repeat(20_000),
  ];
  for (const text of cases) checkModel(text, parseIptables(text).model);
  const unterminated = parseIptables('iptables -A OUTPUT -m comment --comment "no end -j ACCEPT\n').model;
  assert.ok(unterminated.problems.some((p) => p.message === 'Unterminated quote'));
});
