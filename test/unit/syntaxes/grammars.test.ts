import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(__dirname, '..', '..', '..', 'syntaxes');

interface Rule {
  match?: string;
  begin?: string;
  end?: string;
  name?: string;
  patterns?: Rule[];
  repository?: Record<string, Rule>;
  captures?: Record<string, Rule>;
  beginCaptures?: Record<string, Rule>;
  endCaptures?: Record<string, Rule>;
  injections?: Record<string, Rule>;
}

function* regexes(rule: Rule, path: string): Generator<[string, string]> {
  for (const key of ['match', 'begin', 'end'] as const) {
    const source = rule[key];
    if (source !== undefined) yield [`${path}.${key}`, source];
  }
  for (const [group, children] of [['patterns', rule.patterns], ['repository', rule.repository], ['captures', rule.captures], ['beginCaptures', rule.beginCaptures], ['endCaptures', rule.endCaptures], ['injections', rule.injections]] as const) {
    if (Array.isArray(children)) {
      for (const [i, child] of children.entries()) yield* regexes(child, `${path}.${group}[${i}]`);
    } else if (children) for (const [k, child] of Object.entries(children)) yield* regexes(child, `${path}.${group}.${k}`);
  }
}

const grammars = readdirSync(dir).filter((f) => f.endsWith('.tmLanguage.json'));

test('every grammar parses and every pattern compiles', () => {
  assert.ok(grammars.length >= 7);
  for (const file of grammars) {
    const grammar = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Rule & { scopeName: string };
    assert.ok(grammar.scopeName, file);
    for (const [where, source] of regexes(grammar, file)) {
      // The grammars keep to the part of Oniguruma that JavaScript shares, so this compiles them all.
      assert.doesNotThrow(() => new RegExp(source, 'u'), `${where}: ${source}`);
    }
  }
});

const addresses = JSON.parse(readFileSync(join(dir, 'addresses.tmLanguage.json'), 'utf8')) as { repository: Record<string, { match: string }> };
function matches(rule: string, text: string): string[] {
  const source = addresses.repository[rule]?.match;
  assert.ok(source, rule);
  return [...text.matchAll(new RegExp(source, 'gu'))].map((m) => m[0]);
}

test('IPv4 addresses and CIDRs are told apart, and near misses are not addresses', () => {
  assert.deepEqual(matches('cidr4', '-d 52.96.0.0/14,13.107.6.152/31 -j ACCEPT'), ['52.96.0.0/14', '13.107.6.152/31']);
  assert.deepEqual(matches('ip4', 'allow 10.10.5.25; allow 52.96.0.0/14;'), ['10.10.5.25']);
  assert.deepEqual(matches('ip4', 'host 1.2.3.4.5 256.1.1.1 v1.8.9 10.0.0.1'), ['10.0.0.1']);
  assert.deepEqual(matches('cidr4', '10.0.0.0/33 10.0.0.0/8'), ['10.0.0.0/8']);
  assert.deepEqual(matches('ip4', 'network-object 10.1.0.0 255.255.0.0'), ['10.1.0.0', '255.255.0.0']);
});

test('IPv6 addresses need :: or eight groups, so times and MAC addresses stay plain', () => {
  assert.deepEqual(matches('cidr6', 'ip6 daddr { 2603:1006::/40, 2620:1ec:4::152/128 }'), ['2603:1006::/40', '2620:1ec:4::152/128']);
  assert.deepEqual(matches('ip6', 'allow 2001:db8::10; allow 2001:0db8:0000:0000:0000:0000:0000:0001;'), ['2001:db8::10', '2001:0db8:0000:0000:0000:0000:0000:0001']);
  assert.deepEqual(matches('ip6', 'on Mon Nov 16 09:12:44 2026, ether aa:bb:cc:dd:ee:ff'), []);
});

test('host names and Microsoft wildcards are highlighted, file names are not', () => {
  assert.deepEqual(matches('hostname', 'shExpMatch(host, "*.office365.com") || host == "outlook.office.com"'), ['*.office365.com', 'outlook.office.com']);
  assert.deepEqual(matches('hostname', 'include mime.types; ssl_certificate /etc/nginx/tls/mail.crt;'), []);
  assert.deepEqual(matches('hostname', 'autodiscover.*.onmicrosoft.com'), ['autodiscover.*.onmicrosoft.com']);
});

test('the address patterns stay linear on long hostile lines', () => {
  const hostile = `${'1.'.repeat(5000)}:${'a:'.repeat(5000)}${'b.'.repeat(5000)}`;
  for (const rule of ['cidr6', 'ip6', 'cidr4', 'ip4', 'hostname']) matches(rule, hostile);
});
