import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectFortios, parseFortios } from '../../../../server/src/dialects/fortios';
import type { ConfigModel } from '../../../../server/src/model/config';
import { MAX_NESTING_DEPTH } from '../../../../server/src/limits';
import { seededRandom } from '../../seededRandom';

const dir = join(__dirname, '..', '..', '..', 'fixtures', 'findings', 'fortios');
const fixtures = readdirSync(dir)
  .filter((f) => !f.endsWith('.expected.json'))
  .map((f) => readFileSync(join(dir, f), 'utf8'));

/** Parsing never throws, never fails inside, and returns a model whose indices point where they should. */
function parseChecked(text: string): ConfigModel {
  const model = parseFortios(text).model;
  assert.equal(model.dialect, 'fortios');
  assert.ok(!model.problems.some((p) => p.message.startsWith('The FortiOS parser failed')), model.problems[0]?.message);
  const ids = new Set(model.ruleLists.map((l) => l.id));
  for (const list of model.ruleLists) {
    for (const rule of list.rules) {
      for (const id of [...(rule.sources?.referenceIds ?? []), ...(rule.destinations?.referenceIds ?? [])]) assert.ok(id >= 0 && id < model.references.length);
      if (rule.tlsInterception !== undefined) assert.ok(rule.action.type === 'accept');
    }
  }
  for (const path of model.paths) for (const stage of path.stages) assert.ok(ids.has(stage));
  const score = detectFortios('', text);
  assert.ok(score >= 0 && score <= 1);
  return model;
}

const WORDS = ['config', 'firewall', 'policy', 'address', 'address6', 'addrgrp', 'service', 'custom', 'group', 'ssl-ssh-profile', 'https', 'ssl-exempt', 'vdom', 'global', 'edit', 'next', 'end', 'set', 'unset', 'append', 'unselect', 'delete', 'move', 'before', 'after', 'rename', 'to', '1', '2', '"all"', '"wan1"', '"internal"', 'srcintf', 'dstintf', 'srcaddr', 'dstaddr', 'srcaddr6', 'dstaddr6', 'service', 'action', 'accept', 'deny', 'status', 'disable', 'subnet', '52.112.0.0', '255.252.0.0', '10.0.0.0/33', 'type', 'iprange', 'fqdn', 'wildcard-fqdn', 'start-ip', 'end-ip', 'tcp-portrange', '443:1024-65535', 'udp-portrange', '3478-3481', 'member', 'internet-service', 'enable', 'internet-service-name', '"Microsoft-Office365"', 'inspect-all', 'deep-inspection', 'utm-status', '"', "'", '\\', '#'];

test('random bytes never throw', () => {
  const next = seededRandom(21);
  for (let round = 0; round < 300; round++) {
    const length = Math.floor(next() * 2000);
    let text = '';
    for (let i = 0; i < length; i++) text += String.fromCharCode(Math.floor(next() * 256));
    parseChecked(text);
  }
});

test('random CLI words never throw', () => {
  const next = seededRandom(22);
  for (let round = 0; round < 400; round++) {
    const parts: string[] = [];
    const count = Math.floor(next() * 150);
    for (let i = 0; i < count; i++) parts.push(WORDS[Math.floor(next() * WORDS.length)]!, next() < 0.6 ? ' ' : '\n');
    parseChecked(parts.join(''));
  }
});

test('every fixture cut at any point, or with characters changed, parses', () => {
  const next = seededRandom(23);
  for (const text of fixtures) {
    for (let cut = 0; cut < text.length; cut += Math.max(1, Math.floor(text.length / 40))) parseChecked(text.slice(0, cut));
    for (let round = 0; round < 30; round++) {
      const chars = [...text];
      for (let k = 0; k < 5; k++) chars[Math.floor(next() * chars.length)] = String.fromCharCode(Math.floor(next() * 128));
      parseChecked(chars.join(''));
    }
  }
});

test('blocks nested far deeper than any configuration are skipped with one problem', () => {
  const depth = 50_000;
  const model = parseChecked(`${'config a\n'.repeat(depth)}${'end\n'.repeat(depth)}`);
  assert.equal(model.problems.filter((p) => p.message === `Blocks nest deeper than ${MAX_NESTING_DEPTH} levels here; what is inside is not read.`).length, 1);
});

test('a policy table of 3000 policies and 500 moves keeps every policy, moved ones first', () => {
  const lines = ['config firewall policy'];
  for (let i = 1; i <= 3000; i++) lines.push(`    edit ${i}`, '        set srcintf "internal"', '        set dstintf "wan1"', `        set action ${i % 2 ? 'accept' : 'deny'}`, '        set srcaddr "all"', '        set dstaddr "all"', '        set service "HTTPS"', '    next');
  for (let i = 1; i <= 500; i++) lines.push(`    move ${i * 3} before 1`);
  lines.push('end');
  const model = parseChecked(lines.join('\n'));
  const rules = model.ruleLists.find((l) => l.id === 'internal>wan1|v4')?.rules ?? [];
  assert.equal(rules.length, 3000);
  assert.match(rules[0]!.text, /^policy 3 /);
  assert.match(rules[499]!.text, /^policy 1500 /);
  assert.match(rules[500]!.text, /^policy 1 /);
});
