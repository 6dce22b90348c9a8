import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessTargetList, parseNginx } from '../../../server/src/dialects/nginx/parse';
import { nginxDialect } from '../../../server/src/dialects/nginx';
import { DIALECTS } from '../../../server/src/dialects/all';
import type { ConfigModel } from '../../../server/src/model/config';

const refs = (m: ConfigModel): string[] => m.references.map((r) => `${r.text} ${r.kind} ${r.role}${r.invalidReason ? ` !${r.invalidReason}` : ''}`);
const messages = (m: ConfigModel): string[] => m.problems.map((p) => `${p.range.start.line}:${p.range.start.character}-${p.range.end.line}:${p.range.end.character} ${p.message}`);

test('included fragments get an assumed context and no "not allowed here"', () => {
  const cases: [string, string][] = [
    ['allow 10.0.0.0/8;\ndeny all;\n', 'location'],
    ['server {\n  listen 443 ssl;\n  location / { deny all; }\n}\n', 'http'],
    ['server {\n  listen 443;\n  ssl_preread on;\n  proxy_pass $up;\n  allow 10.0.0.0/8;\n}\n', 'stream'],
    ['location /ews { allow 40.96.0.0/13; }\nlisten 443;\n', 'server'],
    ['hostnames;\n.sharepoint.com backend;\n*.office.com backend;\n', 'map'],
    ['default 0;\n40.92.0.0/15 1;\n2a01:111:f400::/48 1;\n', 'geo'],
    ['upstream exch { server 10.0.0.5:443; }\nmap $host $x { default 1; }\n', 'http'],
    ['proxy_set_header Host $host;\nproxy_pass https://10.0.0.5;\n', 'location'],
  ];
  for (const [text, context] of cases) {
    const parsed = parseNginx(text);
    const m = parsed.model;
    assert.equal(parsed.vendor.rootContext, context, text);
    assert.equal(parsed.vendor.fragment, true);
    assert.deepEqual(m.problems, [], text);
  }
  const allowOnly = parseNginx(cases[0]![0]).model;
  assert.equal(allowOnly.ruleLists.length, 1);
  assert.deepEqual(allowOnly.paths.map((p) => p.stages), [[allowOnly.ruleLists[0]!.id]]);
  assert.deepEqual(refs(parseNginx(cases[4]![0]).model), ['.sharepoint.com host-wildcard host-pattern', '*.office.com host-wildcard host-pattern']);
});

test('a whole configuration is checked for misplaced allow/deny', () => {
  const parsed = parseNginx('events { }\nallow 10.0.0.0/8;\nhttp { upstream u { allow 1.2.3.4; server 10.0.0.1; } }\n');
    const m = parsed.model;
  assert.equal(parsed.vendor.fragment, false);
  assert.deepEqual(messages(m), ['1:0-1:5 "allow" is not allowed here', '2:20-2:25 "allow" is not allowed here']);
});

test('allow/deny: own list replaces the inherited one; all, unix: and invalid addresses', () => {
  const m = parseNginx(
    'http {\n  allow 10.0.0.0/8;\n  deny all;\n  server {\n    location /a { }\n    location /b { allow unix:; allow 10.0.0.0/33; }\n  }\n}\n',
  ).model;
  const byId = new Map(m.ruleLists.map((l) => [l.id, l]));
  assert.deepEqual([...byId.keys()], ['http', 'http > server', 'http > server > location /a', 'http > server > location /b']);
  assert.equal(byId.get('http > server > location /a')!.rules.length, 2);
  assert.equal(byId.get('http > server > location /a')!.rules[0]!.range.start.line, 1, 'inherited rules point where they are written');
  const b = byId.get('http > server > location /b')!;
  assert.deepEqual(
    b.rules.map((r) => r.sources),
    [
      { referenceIds: [], intervals: [], negated: false },
      { referenceIds: [1], intervals: [], negated: false },
    ],
  );
  assert.equal(m.references[1]!.invalidReason, 'bad-prefix-length');
  for (const l of m.ruleLists) assert.equal(l.defaultAction, 'accept');
  assert.ok(m.paths.every((p) => p.direction === 'inbound' && p.stages.length === 1));
});

test('an include in a context that inherits makes the inherited rules uncertain, parameter files do not', () => {
  const m = parseNginx(
    'http {\n  server {\n    deny all;\n    location /ews { include snippets/exo-allow.conf; }\n    location /owa { include proxy_params; }\n    location /mapi { include x.conf; allow 10.0.0.0/8; }\n  }\n}\n',
  ).model;
  const conditions = (suffix: string): unknown => m.ruleLists.find((l) => l.id.endsWith(suffix))!.rules.map((r) => r.unknownConditions);
  assert.deepEqual(conditions('location /ews'), [['snippets/exo-allow.conf may hold allow/deny rules that replace these']]);
  assert.deepEqual(conditions('location /owa'), [undefined]);
  assert.deepEqual(conditions('location /mapi'), [undefined]);
  assert.deepEqual(conditions('server'), [undefined], 'the server list itself is unchanged');
});

test('accessTargetList gives the own rules or an empty list, never inherited ones', () => {
  const parsed = parseNginx('http {\n  server {\n    allow 10.0.0.0/8;\n    deny all;\n    location /a { }\n  }\n}\n');
  const ids = parsed.vendor.contexts.map((c) => c.id);
  assert.deepEqual(accessTargetList(parsed, 'http > server')!.rules.length, 2);
  const a = accessTargetList(parsed, 'http > server > location /a')!;
  assert.deepEqual([a.rules.length, a.range.start.line, a.range.start.character], [0, 4, 4]);
  assert.equal(accessTargetList(parsed, 'nope'), undefined);
  assert.ok(ids.includes('http'));
});

test('missing semicolons, stray braces and block shape', () => {
  // The next line starts with a directive: the statement is split there, and both rules count.
  const split = parseNginx('location /x {\n  allow 10.0.0.1\n  deny all;\n}\n').model;
  assert.deepEqual(messages(split), ['1:2-1:16 "allow" is not terminated by ";"']);
  assert.deepEqual(split.ruleLists[0]!.rules.map((r) => r.action.type), ['accept', 'drop']);
  assert.deepEqual(messages(parseNginx('location /x {\n  allow 10.0.0.1\n  10.0.0.2;\n}\n').model), [
    '1:2-1:16 Invalid number of arguments in "allow"; is a ";" missing at the end of line 2?',
  ]);
  // Inside map blocks lines are entries, so a key that happens to be a directive name is not split off.
  assert.deepEqual(messages(parseNginx('map $host $x {\n  a\n  root b;\n}\n').model), ['1:2-1:3 Invalid number of arguments in "a"; is a ";" missing at the end of line 2?']);
  assert.deepEqual(messages(parseNginx('http {\n  server {\n    location /x;\n  }\n}\n').model), ['2:4-2:15 Directive "location" has no opening "{"']);
  assert.deepEqual(messages(parseNginx('allow 10.0.0.1 { }\n').model), ['0:0-0:16 "allow" is not terminated by ";"']);
  assert.deepEqual(messages(parseNginx('; {} }').model), ['0:0-0:1 Unexpected ";"', '0:2-0:3 Unexpected "{"', '0:5-0:6 Unexpected "}"']);
  assert.deepEqual(messages(parseNginx('allow').model), ['0:0-0:5 Unexpected end of file: "allow" is not terminated by ";"', '0:0-0:5 Invalid number of arguments in "allow"']);
  assert.deepEqual(messages(parseNginx('deny;').model), ['0:0-0:4 Invalid number of arguments in "deny"']);
});

test('map: hostnames semantics only with `hostnames`; $ssl_preread_server_name maps become sni-routing lists', () => {
  const exact = parseNginx('map $ssl_preread_server_name $u {\n  .contoso.com a:443;\n}\n').model;
  assert.deepEqual(exact.references[0]!.hostMatchers, [{ kind: 'exact', host: '.contoso.com' }]);
  assert.equal(exact.ruleLists[0]!.defaultAction, 'drop', 'no default: no upstream');
  const host = parseNginx('map $host $u {\n  hostnames;\n  .contoso.com a;\n  default b;\n}\n').model;
  assert.equal(host.ruleLists.length, 0, 'only SNI maps are routing lists');
  assert.deepEqual(host.references[0]!.hostMatchers, [
    { kind: 'exact', host: 'contoso.com' },
    { kind: 'glob', glob: '*.contoso.com' },
  ]);
  const other = parseNginx('map $remote_addr $u {\n  10.0.0.1 a;\n}\n').model;
  assert.deepEqual([refs(other), other.ruleLists.length], [['10.0.0.1 ipv4 source'], 0], 'a client-address key is named, but routes nothing');
  const sni = parseNginx('map $ssl_preread_server_name $u {\n  hostnames;\n  ~*^x\\. a:1;\n  default up:443;\n}\n').model;
  assert.deepEqual(sni.ruleLists[0]!.rules[0]!.hosts!.matchers, [{ kind: 'regex', source: '^x\\.', flags: 'i' }]);
  assert.deepEqual([sni.ruleLists[0]!.defaultAction, sni.ruleLists[0]!.defaultRange?.start.line], ['accept', 3]);
});

test('map keys nginx would refuse as conflicting, and `hostnames` read in order', () => {
  const m = parseNginx('map $ssl_preread_server_name $u {\n  .x.com before;\n  hostnames;\n  .sharepoint.com a:1;\n  *.sharepoint.com b:1;\n  SharePoint.com c:1;\n  ~x d:1;\n  ~x e:1;\n  default f:1;\n  default g:1;\n}\n').model;
  assert.deepEqual(messages(m), [
    '4:2-4:18 "*.sharepoint.com" conflicts with an earlier entry of this map',
    '5:2-5:16 "SharePoint.com" conflicts with an earlier entry of this map',
    '9:2-9:9 Duplicate "default" in this map',
  ]);
  assert.deepEqual(m.references[0]!.hostMatchers, [{ kind: 'exact', host: '.x.com' }], 'before `hostnames` a dot is literal');
});

test('listen, proxy_pass, upstream servers, resolver and server_name references', () => {
  const parsed = parseNginx(
    [
      'http {',
      '  upstream exch { server 10.0.0.5:443; server mail01.contoso.local; }',
      '  server {',
      '    listen 80; listen *:8080; listen 192.0.2.1:443; listen [2001:db8::1]; listen unix:/run/x.sock;',
      '    server_name _ "" $hostname example.com .contoso.com www.contoso.* ~^x$ 192.0.2.7;',
      '    location / { proxy_pass https://exch/owa; }',
      '    location /b { proxy_pass http://outlook.office365.com:443/x; }',
      '    location /c { proxy_pass http://[2001:db8::5]:8080; proxy_pass http://$backend; }',
      '    resolver 10.0.0.53:5353 2001:db8::53 valid=10s;',
      '  }',
      '}',
    ].join('\n'),
  );
  const m = parsed.model;
  assert.deepEqual(refs(m), [
    '10.0.0.5 ipv4 destination',
    'mail01.contoso.local hostname destination',
    '192.0.2.1 ipv4 other',
    '2001:db8::1 ipv6 other',
    'example.com hostname host-pattern',
    '.contoso.com host-wildcard host-pattern',
    'www.contoso.* host-wildcard host-pattern',
    '~^x$ host-regex host-pattern',
    '192.0.2.7 ipv4 host-pattern',
    'outlook.office365.com hostname destination',
    '2001:db8::5 ipv6 destination',
    '10.0.0.53 ipv4 resolver',
    '2001:db8::53 ipv6 resolver',
  ]);
  assert.deepEqual(parsed.vendor.contexts.find((c) => c.kind === 'server')!.listenPorts, [80, 8080, 443, 80]);
  assert.deepEqual(m.problems, []);
});

test('geo entries, ranges and proxy addresses are source references', () => {
  const parsed = parseNginx('geo $remote_addr $m {\n  ranges;\n  proxy 10.0.0.1;\n  default 0;\n  10.0.0.0-10.0.0.9 1;\n  delete 10.0.0.5-10.0.0.5;\n  include geo.conf;\n}\n');
    const m = parsed.model;
  assert.deepEqual(refs(m), ['10.0.0.1 ipv4 source', '10.0.0.0-10.0.0.9 range source', '10.0.0.5-10.0.0.5 range source']);
  assert.deepEqual(parsed.vendor.includes.map((i) => `${i.path} in ${i.context}`), ['geo.conf in geo']);

  const dup = parseNginx('geo $m {\n  40.107.0.0/16 1;\n  40.107.0.0/16 2;\n}\n').model;
  assert.deepEqual(
    dup.problems.map((p) => [p.range.start.line, p.severity, p.message]),
    [[2, 'warning', 'Duplicate network "40.107.0.0/16"; nginx keeps the later value']],
  );
});

test('CRLF line endings give the same positions as LF', () => {
  const lf = 'http {\n  # office\n  allow 10.0.0.0/8; # inline\n  deny all;\n}\n';
  const crlf = lf.replace(/\n/g, '\r\n');
  const a = parseNginx(lf).model;
  const b = parseNginx(crlf).model;
  assert.deepEqual(b.references.map((r) => r.range), a.references.map((r) => r.range));
  assert.deepEqual(b.comments, a.comments);
  assert.deepEqual(b.problems, []);
});

test('detection by content and registration', () => {
  assert.ok(DIALECTS.includes(nginxDialect));
  assert.ok(nginxDialect.detect('', 'server {\n    listen 443 ssl;\n    server_name x;\n}\n') >= 0.9);
  assert.ok(nginxDialect.detect('', 'http {\n  include mime.types;\n}\n') >= 0.5);
  assert.ok(nginxDialect.detect('', 'location /owa {\n  proxy_pass https://10.0.0.5;\n}\n') >= 0.5);
  assert.equal(nginxDialect.detect('', 'function FindProxyForURL(url, host) { return "DIRECT"; }'), 0);
  assert.equal(nginxDialect.detect('', '*filter\n:INPUT DROP [0:0]\n-A INPUT -s 10.0.0.0/8 -j ACCEPT\nCOMMIT\n'), 0);
  assert.equal(nginxDialect.detect('', 'hello world'), 0);
  assert.ok(nginxDialect.detect('', 'default 0;\n40.92.0.0/15 1;\n') >= 0.5, 'a geo body');
  assert.ok(nginxDialect.detect('', 'hostnames;\n.sharepoint.com sp;\n') >= 0.5, 'a map body');
  assert.ok(nginxDialect.detect('', 'table inet filter {\n  set m365 { type ipv4_addr; flags interval; elements = { 40.92.0.0/15 } ; }\n}\n') === 0);
});

test('addresses in map keys and values are references; numbers, names and regexes are not', () => {
  const m = parseNginx(
    'stream {\n  map $remote_addr $relay {\n    default 127.0.0.1:9;\n    52.112.0.0/14 52.112.0.1:3478;\n    2603:1063::/38 [2603:1063::1]:443;\n    10.2 1;\n    ~^10\\. 192.0.2.7:443;\n    office.example 1;\n  }\n  map $http_x $y { 10.0.0.1 on; }\n}\n',
  ).model;
  assert.deepEqual(refs(m), [
    '52.112.0.0/14 cidr source',
    '52.112.0.1 ipv4 destination',
    '2603:1063::/38 cidr source',
    '2603:1063::1 ipv6 destination',
    '192.0.2.7 ipv4 destination',
    '10.0.0.1 ipv4 other',
  ]);
});
