import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePac } from '../../../server/src/dialects/pac/parse';
import { instrumentProgram } from '../../../server/src/pac/instrument';
import type { ConfigModel } from '../../../server/src/model/config';
import { seededRandom as random } from '../../seeded';

const dir = join(__dirname, '..', '..', 'fixtures', 'pac');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.pac')).sort().map((f) => readFileSync(join(dir, f), 'utf8'));


const PIECES = ['(', ')', '{', '}', '"', "'", '`', '/', '*', '//', '/*', '\n', ';', 'return ', 'if (', 'shExpMatch(host, ', 'isInNet(host, ', '"10.0.0.0", ', '\\', '${', '\u2028', '\0', ' || ', 'function FindProxyForURL(url, host) {'];

function mutate(text: string, next: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(next() * 6);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * (out.length + 1));
    const kind = next();
    if (kind < 0.35) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(next() * 8));
    else if (kind < 0.7) out = out.slice(0, at) + PIECES[Math.floor(next() * PIECES.length)]! + out.slice(at);
    else out = out.slice(0, at) + String.fromCharCode(Math.floor(next() * 0x3000)) + out.slice(at);
  }
  return out;
}

/** A parse must return a model, and an input that failed to parse must say so: a syntax error, or a bound it went past. */
function checkModel(model: ConfigModel, text: string, label: string): void {
  assert.equal(model.dialect, 'pac', label);
  for (const ref of model.references) {
    assert.ok(ref.range.start.line >= 0 && ref.range.end.line >= ref.range.start.line, `${label}: reference range`);
  }
  if (!instrumentProgram(text).ok) {
    const said = model.problems.some((p) => p.severity === 'error') || (model.limits ?? []).some((l) => l.stoppedReading);
    assert.ok(said, `${label}: a file that does not parse reports an error or a limit`);
  }
}

test('random bytes never make the parser throw', () => {
  const next = random(0x5eed);
  for (let i = 0; i < 300; i++) {
    const length = Math.floor(next() * 400);
    let text = '';
    for (let j = 0; j < length; j++) text += String.fromCharCode(Math.floor(next() * 256));
    checkModel(parsePac(text).model, text, `random #${i}`);
  }
});

test('every truncation of every fixture parses without throwing', () => {
  for (const [n, fixture] of fixtures.entries()) {
    for (let cut = 0; cut <= fixture.length; cut += 7) {
      const text = fixture.slice(0, cut);
      checkModel(parsePac(text).model, text, `fixture ${n} cut at ${cut}`);
    }
  }
});

test('mutations of every fixture parse without throwing', () => {
  for (const [n, fixture] of fixtures.entries()) {
    const next = random(1000 + n);
    for (let i = 0; i < 120; i++) {
      const text = mutate(fixture, next);
      checkModel(parsePac(text).model, text, `fixture ${n} mutation ${i} (seed ${1000 + n})`);
    }
  }
});

test('pathological shapes: deep nesting, unterminated strings and comments, a long file', () => {
  const deep = `function FindProxyForURL(url, host) { return ${'('.repeat(20000)}"DIRECT"${')'.repeat(20000)}; }`;
  checkModel(parsePac(deep).model, deep, 'deep parentheses');
  const deepIfs = `function FindProxyForURL(url, host) {${'if (host == "a") {'.repeat(3000)} return "DIRECT"; ${'}'.repeat(3000)} }`;
  checkModel(parsePac(deepIfs).model, deepIfs, 'deep ifs');
  const unclosedDeep = `function FindProxyForURL(url, host) { return ${'['.repeat(50000)}`;
  const model = parsePac(unclosedDeep).model;
  assert.ok(model.problems.length > 0 || (model.limits ?? []).length > 0, 'unclosed nesting is reported');
  for (const text of ['function FindProxyForURL(url, host) { return "DIRECT', 'function FindProxyForURL(url, host) { /* return "DIRECT"; }', '`', '"\\', 'return "DIRECT";']) {
    checkModel(parsePac(text).model, text, JSON.stringify(text));
  }
  const lines = ['function FindProxyForURL(url, host) {'];
  for (let i = 0; i < 20000; i++) lines.push(`  if (shExpMatch(host, "*.h${i}.example.com") || dnsDomainIs(host, ".d${i}.example")) return "DIRECT";`);
  lines.push('  return "PROXY p:8080";', '}');
  const long = parsePac(lines.join('\n')).model;
  assert.equal(long.references.length, 40000);
  assert.equal(long.ruleLists[0]?.rules.length, 20001);
  assert.deepEqual(long.problems, []);
});

test('a Microsoft-style condition with thousands of alternatives is one rule', () => {
  const alternatives = Array.from({ length: 5000 }, (_, i) => `shExpMatch(host, "*.s${i}.example")`).join('\n    || ');
  const text = `function FindProxyForURL(url, host) {\n  if (${alternatives})\n    return "DIRECT";\n  return "PROXY p:1";\n}\n`;
  const model = parsePac(text).model;
  assert.equal(model.ruleLists[0]?.rules[0]?.hosts?.matchers.length, 5000);
});

test('mutated programs never make the sandbox throw, and every query gets an answer', async () => {
  const { createPacSandbox } = await import('../../../server/src/pac/sandbox');
  const sandbox = await createPacSandbox();
  try {
    const next = random(77);
    const queries = [{ url: 'https://teams.microsoft.com/', host: 'teams.microsoft.com' }, { url: 'http://intranet/', host: 'intranet' }];
    for (let i = 0; i < 40; i++) {
      const text = mutate(fixtures[i % fixtures.length]!, next);
      const results = sandbox.evaluate(text, queries, { hostAddresses: {}, clientAddress: '10.0.0.1', timeoutMs: 100, memoryBytes: 8 << 20 });
      assert.equal(results.length, queries.length, `mutation ${i}`);
      for (const r of results) assert.ok(r.ok ? typeof r.value === 'string' : r.message.length > 0, `mutation ${i}`);
    }
  } finally {
    sandbox.dispose();
  }
});
