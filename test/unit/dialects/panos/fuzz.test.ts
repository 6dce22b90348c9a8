import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectPanos, parsePanos } from '../../../../server/src/dialects/panos';
import type { ConfigModel } from '../../../../server/src/model/config';
import { MAX_XML_DEPTH } from '../../../../server/src/dialects/panos/xmlTree';
import { seededRandom } from '../../seededRandom';

const dir = join(__dirname, '..', '..', '..', 'fixtures', 'findings', 'panos');
const fixtures = readdirSync(dir)
  .filter((f) => !f.endsWith('.expected.json'))
  .map((f) => readFileSync(join(dir, f), 'utf8'));

/** Parsing never throws, never fails inside, and returns a model whose indices point where they should. */
function parseChecked(text: string): ConfigModel {
  const model = parsePanos(text).model;
  assert.equal(model.dialect, 'panos');
  assert.ok(!model.problems.some((p) => p.message.startsWith('The PAN-OS parser failed')), model.problems[0]?.message);
  const ids = new Set(model.ruleLists.map((l) => l.id));
  for (const list of model.ruleLists) {
    for (const rule of list.rules) {
      for (const id of [...(rule.sources?.referenceIds ?? []), ...(rule.destinations?.referenceIds ?? [])]) assert.ok(id >= 0 && id < model.references.length);
    }
  }
  for (const path of model.paths) for (const stage of path.stages) assert.ok(ids.has(stage));
  const score = detectPanos('', text);
  assert.ok(score >= 0 && score <= 1);
  return model;
}

const SET_WORDS = ['set', 'move', 'delete', 'rename', 'rulebase', 'pre-rulebase', 'security', 'rules', 'R1', 'R2', 'from', 'to', 'trust', 'untrust', 'source', 'destination', 'any', 'application', 'service', 'action', 'allow', 'deny', 'before', 'after', 'top', 'address', 'address-group', 'static', 'ip-netmask', '52.112.0.0/14', '10.0.0.0/33', 'ip-wildcard', '10.0.0.5/0.255.255.0', 'service-group', 'members', 'protocol', 'tcp', 'port', '443,80-', 'vsys', 'vsys2', 'device-group', 'shared', '[', ']', '"', "'", '#', 'zone', 'network', 'external-list', 'type', 'ip', 'url', 'panw-known-ip-list', 'disabled', 'yes', 'negate-destination'];
const XML_WORDS = ['<config>', '</config>', '<devices>', '</devices>', '<entry name="vsys1">', '<entry name="R">', '</entry>', '<vsys>', '</vsys>', '<rulebase>', '</rulebase>', '<security>', '</security>', '<rules>', '</rules>', '<from>', '</from>', '<member>any</member>', '<member>trust</member>', '<action>allow</action>', '<address>', '<ip-netmask>52.112.0.0/14</ip-netmask>', '<!--', '-->', '<![CDATA[', ']]>', '&amp;', '<', '>', '/>', '"', '\n'];

test('random bytes never throw', () => {
  const next = seededRandom(11);
  for (let round = 0; round < 300; round++) {
    const length = Math.floor(next() * 2000);
    let text = next() < 0.5 ? '<' : '';
    for (let i = 0; i < length; i++) text += String.fromCharCode(Math.floor(next() * 256));
    parseChecked(text);
  }
});

test('random set words and random XML pieces never throw', () => {
  const next = seededRandom(12);
  for (let round = 0; round < 400; round++) {
    const words = round % 2 === 0 ? SET_WORDS : XML_WORDS;
    const parts: string[] = round % 2 === 0 ? [] : ['<config><devices><entry name="d"><vsys><entry name="vsys1">'];
    const count = Math.floor(next() * 120);
    for (let i = 0; i < count; i++) parts.push(words[Math.floor(next() * words.length)]!, next() < 0.7 ? ' ' : '\n');
    parseChecked(parts.join(''));
  }
});

test('every fixture cut at any point, or with characters changed, parses', () => {
  const next = seededRandom(13);
  for (const text of fixtures) {
    for (let cut = 0; cut < text.length; cut += Math.max(1, Math.floor(text.length / 40))) parseChecked(text.slice(0, cut));
    for (let round = 0; round < 30; round++) {
      const chars = [...text];
      for (let k = 0; k < 5; k++) chars[Math.floor(next() * chars.length)] = String.fromCharCode(Math.floor(next() * 128));
      parseChecked(chars.join(''));
    }
  }
});

test('XML nested far deeper than any configuration is skipped with one problem, without recursion, and in bounded time', () => {
  const depth = 200_000;
  const text = `<config>${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}</config>`;
  const started = Date.now();
  const model = parseChecked(text);
  // A generous bound: a reader quadratic in depth takes minutes here; a linear one well under a second.
  assert.ok(Date.now() - started < 20_000, 'deep nesting is read in linear time');
  assert.ok(model.problems.some((p) => p.message === `Elements nest deeper than ${MAX_XML_DEPTH} levels here; what is inside is not read.`));
  const unclosed = parseChecked(`<config>${'<a>'.repeat(depth)}${'</b>'.repeat(depth)}`);
  assert.ok(unclosed.problems.length > 0);
});

test('a set file of 3000 rules and 500 moves keeps every rule, moved ones first', () => {
  const lines = ['set zone trust network layer3 ethernet1/2', 'set zone untrust network layer3 ethernet1/1'];
  for (let i = 0; i < 3000; i++) lines.push(`set rulebase security rules R${i} from trust to untrust source any destination 10.${i % 250}.${i % 200}.0/24 application any service any action ${i % 2 ? 'allow' : 'deny'}`);
  for (let i = 0; i < 500; i++) lines.push(`move rulebase security rules R${i * 3} top`);
  const model = parseChecked(lines.join('\n'));
  const rules = model.ruleLists.find((l) => l.id === 'vsys1|trust>untrust')?.rules ?? [];
  assert.equal(rules.length, 3000);
  // The last moved to the top is first.
  assert.match(rules[0]!.text, /^rules R1497 /);
});
