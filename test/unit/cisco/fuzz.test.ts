import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCisco } from '../../../server/src/dialects/cisco/parse';
import { detectCisco } from '../../../server/src/dialects/cisco';
import type { ConfigModel } from '../../../server/src/model/config';
import { seededRandom } from '../seededRandom';

const dir = join(__dirname, '..', '..', 'fixtures', 'cisco');
const fixtures = readdirSync(dir)
  .filter((f) => /\.(asa|ios)$/.test(f))
  .map((f) => readFileSync(join(dir, f), 'utf8'));

/** Parsing must not throw, and the model it returns must be internally consistent. */
function parseChecked(text: string): ConfigModel {
  const model = parseCisco(text).model;
  assert.equal(model.dialect, 'cisco');
  assert.ok(!model.problems.some((p) => p.message.startsWith('The Cisco ASA/IOS parser failed')), model.problems[0]?.message);
  for (const list of model.ruleLists) {
    for (const rule of list.rules) {
      for (const id of [...(rule.sources?.referenceIds ?? []), ...(rule.destinations?.referenceIds ?? [])]) {
        assert.ok(id >= 0 && id < model.references.length);
      }
    }
  }
  const ids = new Set(model.ruleLists.map((l) => l.id));
  for (const path of model.paths) for (const stage of path.stages) assert.ok(ids.has(stage));
  detectCisco('', text);
  return model;
}

const WORDS = ['access-list', 'extended', 'permit', 'deny', 'tcp', 'object-group', 'host', 'any', 'eq', 'range', '255.255.0.0', '0.0.0.255', '10.0.0.0', 'group-object', 'network-object', '!', '\n', ' ', 'ip', 'access-group', 'in', 'interface', '2001:db8::/32', 'remark', 'banner', 'motd', '^C', 'object', 'network', 'fqdn', 'service-object', 'line'];

test('random bytes never throw', () => {
  const next = seededRandom(1);
  for (let round = 0; round < 300; round++) {
    const length = Math.floor(next() * 2000);
    let text = '';
    for (let i = 0; i < length; i++) text += String.fromCharCode(Math.floor(next() * 256));
    parseChecked(text);
  }
});

test('random Cisco words never throw', () => {
  const next = seededRandom(2);
  for (let round = 0; round < 500; round++) {
    const parts: string[] = [];
    const count = Math.floor(next() * 80);
    for (let i = 0; i < count; i++) parts.push(WORDS[Math.floor(next() * WORDS.length)]!, next() < 0.7 ? ' ' : '\n');
    parseChecked(parts.join(''));
  }
});

test('truncations (every seventh character) and random mutations of every fixture never throw', () => {
  const next = seededRandom(3);
  for (const text of fixtures) {
    for (let cut = 0; cut <= text.length; cut += 7) parseChecked(text.slice(0, cut));
    for (let round = 0; round < 200; round++) {
      const chars = [...text];
      const edits = 1 + Math.floor(next() * 8);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * chars.length);
        const kind = next();
        if (kind < 0.33) chars.splice(at, 1);
        else if (kind < 0.66) chars.splice(at, 0, String.fromCharCode(Math.floor(next() * 128)));
        else {
          const other = Math.floor(next() * chars.length);
          const a = chars[at]!;
          chars[at] = chars[other]!;
          chars[other] = a;
        }
      }
      parseChecked(chars.join(''));
    }
  }
});

test('line breaks of every kind give the same rules', () => {
  for (const text of fixtures) {
    const lf = parseChecked(text);
    const crlf = parseChecked(text.replace(/\n/g, '\r\n'));
    const cr = parseChecked(text.replace(/\n/g, '\r'));
    assert.deepEqual(crlf.ruleLists.map((l) => l.rules.length), lf.ruleLists.map((l) => l.rules.length));
    assert.deepEqual(cr.references.map((r) => r.range), lf.references.map((r) => r.range));
  }
});

test('a 10 MB configuration parses completely', () => {
  const lines: string[] = ['ASA Version 9.16(4)', 'object-group network BIG'];
  let i = 0;
  let size = 0;
  while (size < 10 * 1024 * 1024) {
    const a = (i >> 8) & 255;
    const b = i & 255;
    const line =
      i % 3 === 0
        ? ` network-object 10.${a}.${b}.0 255.255.255.0`
        : `access-list big_acl extended permit tcp object-group BIG host 192.0.${a}.${b} eq ${1 + (i % 65535)}`;
    lines.push(line);
    size += line.length + 1;
    i++;
  }
  lines.push('access-group big_acl in interface outside');
  const model = parseChecked(lines.join('\n'));
  const list = model.ruleLists.find((l) => l.id === 'ACL big_acl');
  assert.ok(list);
  assert.equal(list.rules.length, Math.floor((i * 2) / 3) + (i % 3 === 2 ? 1 : 0));
  assert.equal(model.paths[0]?.direction, 'inbound');
});

test('a 10 MB single line of noise and a file of only group-objects never throw', () => {
  parseChecked('access-list x extended permit tcp '.repeat(300_000));
  const chain: string[] = [];
  for (let g = 0; g < 5000; g++) chain.push(`object-group network G${g}`, ` group-object G${g + 1}`, ` group-object G${g}`);
  chain.push('object-group network G5000', ' group-object G0');
  chain.push('access-list deep extended permit ip object-group G0 any');
  const model = parseChecked(chain.join('\n'));
  const rule = model.ruleLists[0]?.rules[0];
  assert.ok(rule?.sources?.unresolved !== undefined);
});

test('command patterns that would be quadratic if handled naively complete', () => {
  const inserts: string[] = [];
  for (let i = 0; i < 100_000; i++) inserts.push(`access-list L line 1 extended permit ip host 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} any`);
  const inserted = parseChecked(inserts.join('\n'));
  assert.equal(inserted.ruleLists[0]?.rules[0]?.text, inserts[inserts.length - 1]);
  const removals: string[] = ['ip access-list extended R'];
  for (let i = 1; i <= 50_000; i++) removals.push(` ${i * 10} permit tcp any any eq ${i % 65535}`);
  for (let i = 1; i <= 50_000; i++) removals.push(` no ${i * 20}`);
  const removed = parseChecked(removals.join('\n'));
  assert.equal(removed.ruleLists[0]?.rules.length, 25_000);
  const uses: string[] = [];
  for (let i = 0; i < 50_000; i++) uses.push(`route-map RM permit ${i}`, ` match ip address 10 ${i}`);
  uses.push('access-list 10 permit any');
  assert.equal(parseChecked(uses.join('\n')).paths.length, 0);
});
