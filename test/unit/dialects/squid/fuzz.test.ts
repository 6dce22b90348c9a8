import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectSquid, parseSquid } from '../../../../server/src/dialects/squid';
import { detectDialect } from '../../../../server/src/dialects/detect';
import type { ConfigModel } from '../../../../server/src/model/config';
import { seededRandom } from '../../seededRandom';

const dir = join(__dirname, '..', '..', '..', 'fixtures', 'findings', 'squid');
const fixtures = readdirSync(dir)
  .filter((f) => !f.endsWith('.expected.json'))
  .map((f) => readFileSync(join(dir, f), 'utf8'));

/** Parsing never throws, never fails inside, and returns a model whose indices point where they should. */
function parseChecked(text: string): ConfigModel {
  const model = parseSquid(text).model;
  assert.equal(model.dialect, 'squid');
  assert.ok(!model.problems.some((p) => p.message.startsWith('The Squid parser failed')), model.problems[0]?.message);
  const ids = new Set(model.ruleLists.map((l) => l.id));
  for (const list of model.ruleLists) {
    for (const rule of list.rules) {
      for (const id of [...(rule.sources?.referenceIds ?? []), ...(rule.destinations?.referenceIds ?? []), ...(rule.hosts?.referenceIds ?? [])]) assert.ok(id >= 0 && id < model.references.length);
      if (rule.action.type === 'goto') assert.ok(ids.has(rule.action.target), rule.action.target);
    }
  }
  for (const path of model.paths) {
    for (const stage of path.stages) assert.ok(ids.has(stage));
    if (path.tlsInterception) assert.ok(ids.has(path.tlsInterception));
  }
  const score = detectSquid('', text);
  assert.ok(score >= 0 && score <= 1);
  return model;
}

const WORDS = ['acl', 'http_access', 'ssl_bump', 'allow', 'deny', 'splice', 'bump', 'peek', 'stare', 'terminate', 'all', '!all', 'm365', '!m365', 'dstdomain', 'dstdom_regex', '-i', 'ssl::server_name', 'ssl::server_name_regex', 'port', 'src', 'dst', 'proto', 'HTTP', 'method', 'CONNECT', 'proxy_auth', 'REQUIRED', '!auth', 'auth', 'at_step', 'SslBump1', 'SslBump2', 'step1', '.office.com', 'office.com', '(^|\\.)teams\\.microsoft\\.com$', '52.112.0.0/14', '10.0.0.0/255.0.0.0', '10.0.0.1-10.0.0.9', '10.0.0.0/33', '443', '80-', '1025-65535', '"/etc/squid/x.txt"', '"', '#', '\\', 'http_port', '3128', 'ssl-bump', 'cache_peer', 'parent', 'never_direct', 'always_direct', 'include'];

test('random bytes never throw', () => {
  const next = seededRandom(31);
  for (let round = 0; round < 300; round++) {
    const length = Math.floor(next() * 2000);
    let text = '';
    for (let i = 0; i < length; i++) text += String.fromCharCode(Math.floor(next() * 256));
    parseChecked(text);
  }
});

test('random directive words never throw', () => {
  const next = seededRandom(32);
  for (let round = 0; round < 500; round++) {
    const parts: string[] = ['http_port 3128 ssl-bump\n'];
    const count = Math.floor(next() * 150);
    for (let i = 0; i < count; i++) parts.push(WORDS[Math.floor(next() * WORDS.length)]!, next() < 0.75 ? ' ' : '\n');
    parseChecked(parts.join(''));
  }
});

test('every fixture cut at any point, or with characters changed, parses', () => {
  const next = seededRandom(33);
  for (const text of fixtures) {
    for (let cut = 0; cut < text.length; cut += Math.max(1, Math.floor(text.length / 40))) parseChecked(text.slice(0, cut));
    for (let round = 0; round < 30; round++) {
      const chars = [...text];
      for (let k = 0; k < 5; k++) chars[Math.floor(next() * chars.length)] = String.fromCharCode(Math.floor(next() * 128));
      parseChecked(chars.join(''));
    }
  }
});

test('a squid.conf of 20,000 http_access lines keeps them in order with the implicit last rule', () => {
  const lines = ['http_port 3128'];
  for (let i = 0; i < 10_000; i++) lines.push(`acl a${i} dstdomain .d${i}.example`, `http_access ${i % 2 ? 'allow' : 'deny'} a${i}`);
  lines.push('http_access allow all');
  const model = parseChecked(lines.join('\n'));
  const access = model.ruleLists.find((l) => l.id === 'http_access')!;
  assert.equal(access.rules.length, 10_001);
  assert.equal(access.defaultAction, 'drop', 'the opposite of the last line');
});

test('detection: squid.conf text is Squid, nginx conf.d files stay nginx, and neither takes the other', () => {
  const nginx = 'server {\n    listen 443 ssl;\n    server_name mail.example.com;\n    location / { proxy_pass https://exchange; }\n}\n';
  assert.equal(detectSquid('/etc/nginx/conf.d/site.conf', nginx), 0);
  assert.equal(detectDialect('/etc/nginx/conf.d/site.conf', nginx)?.dialect.id, 'nginx');
  const squid = fixtures.find((f) => f.includes('ssl_bump'))!;
  assert.equal(detectDialect('/etc/nginx/conf.d/squid-like.conf', squid)?.dialect.id, 'nginx', 'an nginx folder decides by name');
  assert.equal(detectDialect('/etc/squid/conf.d/branch.conf', squid)?.dialect.id, 'squid');
  assert.equal(detectDialect('/etc/squid/conf.d/site.conf', nginx)?.dialect.id, 'nginx', 'content decides between the two');
  assert.equal(detectDialect('/srv/proxy/forward.conf', squid)?.dialect.id, 'squid', 'an unclaimed *.conf goes by content');
  assert.equal(detectDialect('/etc/squid/squid.conf', '')?.dialect.id, 'squid');
  assert.ok(detectSquid('', '# notes\nlisten 80\n') < 0.5);
});
