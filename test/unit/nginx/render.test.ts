import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderNginx } from '../../../server/src/dialects/nginx/render';
import { accessTargetList, parseNginx } from '../../../server/src/dialects/nginx/parse';
import { cidrToInterval, parseCidr, parseIp, type IpInterval } from '../../../server/src/model/address';
import type { HostMatcher, RuleList } from '../../../server/src/model/config';
import type { Policy, PolicyEntry } from '../../../server/src/model/policy';

function cidr(text: string): IpInterval {
  const r = parseCidr(text);
  assert.ok(r.ok, text);
  return cidrToInterval(r.value);
}

function entry(label: string, cidrs: string[], urls: string[] = []): PolicyEntry {
  return {
    label,
    origin: { source: 'web-service', instance: 'Worldwide', setId: 1 },
    protocol: 'tcp',
    ports: [{ from: 443, to: 443 }],
    addresses: cidrs.map(cidr),
    urls,
  };
}

const hybrid: Policy = {
  purpose: 'exchange-hybrid',
  title: 'Exchange hybrid: inbound EWS/MRS from Exchange Online',
  action: 'allow',
  direction: 'inbound',
  instance: 'Worldwide',
  catalogVersion: '2026112600',
  entries: [
    entry(
      'set 1 Exchange Online Optimize',
      ['13.107.6.152/31', '40.96.0.0/13', '52.96.0.0/15', '52.98.0.0/15', '2603:1006::/40', '2603:1016::/36', '40.96.0.0/13'],
      ['outlook.office.com', '*.outlook.com'],
    ),
    entry('row 9 Exchange hybrid', ['40.96.0.0/13', '40.107.0.0/16', '2a01:111:f400::/48'], ['autodiscover.*.onmicrosoft.com']),
  ],
};

const sharepoint: Policy = {
  purpose: 'sharepoint-sni',
  title: 'SharePoint Online through the SNI forwarder',
  action: 'allow',
  direction: 'outbound',
  instance: 'Worldwide',
  catalogVersion: '2026112600',
  entries: [
    entry('set 31 SharePoint Optimize', ['13.107.136.0/22'], ['*.sharepoint.com', 'contoso.sharepoint.com', '<tenant>-my.sharepoint.com']),
    entry('set 46 Office CDN', [], ['*cdn.onenote.net', 'autodiscover.*.onmicrosoft.com', '*.sharepoint.com', 'Outlook.Office365.com']),
  ],
};

/** A location header four columns in, as the list a caller passes for "insert inside this location". */
function locationList(config: string, locationPath: string): RuleList {
  const parsed = parseNginx(config);
  const context = parsed.vendor.contexts.find((c) => c.id.endsWith(`location ${locationPath}`));
  assert.ok(context, `context for ${locationPath}`);
  const list = accessTargetList(parsed, context.id);
  assert.ok(list, `list for ${locationPath}`);
  return list;
}

/** First match wins; nginx lets the request through when nothing matched. */
function evaluate(list: RuleList, address: string): 'accept' | 'drop' {
  const ip = parseIp(address);
  assert.ok(ip.ok, address);
  for (const rule of list.rules) {
    const s = rule.sources;
    const matches = !s || s.intervals.some((iv) => iv.family === ip.value.family && iv.first <= ip.value.value && ip.value.value <= iv.last);
    if (matches) {
      assert.ok(rule.action.type === 'accept' || rule.action.type === 'drop');
      return rule.action.type;
    }
  }
  return list.defaultAction === 'drop' ? 'drop' : 'accept';
}

function formatIp(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((value >> s) & 0xffffn).toString(16));
  return groups.join(':');
}

test('allow-list for a location: merged, deduplicated, v4 then v6, labels, URLs as comments; the rules already there decide the rest', () => {
  const list = locationList('http {\n    server {\n        location /EWS/ {\n            allow 10.0.0.0/8;\n        }\n    }\n}\n', '/EWS/');
  const block = renderNginx(hybrid, { mode: 'access', list });
  const i = ' '.repeat(12);
  const expected = [
    '# BEGIN endpoint-lens exchange-hybrid Worldwide 2026112600',
    '# Exchange hybrid: inbound EWS/MRS from Exchange Online',
    '# set 1 Exchange Online Optimize',
    'allow 13.107.6.152/31;',
    'allow 40.96.0.0/13;',
    'allow 52.96.0.0/14;',
    '# row 9 Exchange hybrid',
    'allow 40.107.0.0/16;',
    '# set 1 Exchange Online Optimize',
    'allow 2603:1006::/40;',
    'allow 2603:1016::/36;',
    '# row 9 Exchange hybrid',
    'allow 2a01:111:f400::/48;',
    '# set 1 Exchange Online Optimize: nginx allow/deny match client addresses, not host names; these need a rule elsewhere:',
    '#   outlook.office.com',
    '#   *.outlook.com',
    '# row 9 Exchange hybrid: nginx allow/deny match client addresses, not host names; these need a rule elsewhere:',
    '#   autodiscover.*.onmicrosoft.com',
    '# END endpoint-lens exchange-hybrid',
  ]
    .map((l) => i + l)
    .join('\n');
  assert.equal(block.text, expected + '\n');
  assert.deepEqual(block.notExpressible, ['outlook.office.com', '*.outlook.com', 'autodiscover.*.onmicrosoft.com']);
  // On its own, with no list around it, an allow-list needs its own final deny.
  assert.match(renderNginx(hybrid, { mode: 'access' }).text, /\ndeny all;\n# END endpoint-lens exchange-hybrid\n$/);
});

test('no second deny all when the target list already ends in one', () => {
  const list = locationList('http {\n server {\n  location /EWS/ {\n    allow 10.0.0.0/8;\n    deny all;\n  }\n }\n}\n', '/EWS/');
  const block = renderNginx(hybrid, { mode: 'access', list });
  assert.ok(!block.text.includes('deny all;'));
  assert.ok(block.text.startsWith('      # BEGIN endpoint-lens exchange-hybrid Worldwide 2026112600\n'));
});

test('deny policies and outbound policies', () => {
  const deny = renderNginx({ ...hybrid, action: 'deny', entries: [entry('row 9', ['192.0.2.0/25', '192.0.2.128/25'])] }, { mode: 'access' });
  assert.equal(deny.text, '# BEGIN endpoint-lens exchange-hybrid Worldwide 2026112600\n# Exchange hybrid: inbound EWS/MRS from Exchange Online\n# row 9\ndeny 192.0.2.0/24;\n# END endpoint-lens exchange-hybrid\n');
  const outbound = renderNginx({ ...hybrid, direction: 'outbound' }, { mode: 'access' });
  assert.ok(!/^\s*allow /m.test(outbound.text));
  assert.ok(outbound.notExpressible.includes('40.96.0.0/13') && outbound.notExpressible.includes('*.outlook.com'));
});

test('round trip: the rendered allow-list, parsed inside a location, accepts every policy address and refuses others', () => {
  for (const existing of ['', '            allow 10.0.0.0/8;\n            deny all;\n']) {
    const header = 'http {\n    server {\n        location /EWS/ {\n';
    const list = locationList(`${header}${existing}        }\n    }\n}\n`, '/EWS/');
    const block = renderNginx(hybrid, { mode: 'access', list });
    const config = `${header}${block.text}${existing}            proxy_pass https://10.0.0.25;\n        }\n    }\n}\n`;
    const model = parseNginx(config).model;
    assert.deepEqual(model.problems, []);
    const parsed = model.ruleLists.find((l) => l.id.endsWith('location /EWS/'));
    assert.ok(parsed);
    for (const e of hybrid.entries) {
      for (const iv of e.addresses) {
        for (const v of [iv.first, iv.last, (iv.first + iv.last) / 2n]) assert.equal(evaluate(parsed, formatIp(iv.family, v)), 'accept', formatIp(iv.family, v));
      }
    }
    for (const outside of ['8.8.8.8', '13.107.6.151', '13.107.6.154', '40.95.255.255', '52.100.0.0', '2603:1006:100::1', '2001:db8::1']) {
      assert.equal(evaluate(parsed, outside), 'drop', outside);
    }
    assert.equal(evaluate(parsed, '10.1.2.3'), existing ? 'accept' : 'drop');
  }
});

function matches(m: HostMatcher, host: string): boolean {
  if (m.kind === 'exact') return m.host.toLowerCase() === host.toLowerCase();
  if (m.kind === 'glob') return new RegExp(`^${m.glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(host);
  if (m.kind === 'regex') return new RegExp(m.source, m.flags).test(host);
  return host.endsWith(m.suffix);
}

test('SNI map: Microsoft wildcards become nginx subdomain wildcards, the rest comments', () => {
  const block = renderNginx(sharepoint, { mode: 'sni-map' });
  assert.equal(
    block.text,
    [
      '# BEGIN endpoint-lens sharepoint-sni Worldwide 2026112600',
      '# SharePoint Online through the SNI forwarder',
      '# Takes effect once a stream server uses: proxy_pass $endpoint_lens_sharepoint_sni;',
      'map $ssl_preread_server_name $endpoint_lens_sharepoint_sni {',
      '    hostnames;',
      '    # set 31 SharePoint Optimize',
      '    *.sharepoint.com $ssl_preread_server_name:443;',
      '    contoso.sharepoint.com $ssl_preread_server_name:443;',
      '    # <tenant>-my.sharepoint.com: an nginx map has no pattern with the same meaning',
      '    # set 31 SharePoint Optimize: 1 address prefixes; an SNI map routes by host name, not by address',
      '    # set 46 Office CDN',
      '    outlook.office365.com $ssl_preread_server_name:443;',
      '    # *.sharepoint.com is already in this map',
      '    # *cdn.onenote.net: an nginx map has no pattern with the same meaning',
      '    # autodiscover.*.onmicrosoft.com: an nginx map has no pattern with the same meaning',
      '}',
      '# END endpoint-lens sharepoint-sni',
      '',
    ].join('\n'),
  );
  assert.deepEqual(block.notExpressible, ['<tenant>-my.sharepoint.com', '13.107.136.0/22', '*cdn.onenote.net', 'autodiscover.*.onmicrosoft.com']);

  // Round trip through our own parser: subdomains routed, the apex is not (Microsoft's `*.` excludes it).
  const model = parseNginx(`stream {\n${block.text}}\n`).model;
  assert.deepEqual(model.problems, []);
  const list = model.ruleLists.find((l) => l.kind === 'sni-routing');
  assert.ok(list);
  const route = (host: string): string => list.rules.find((r) => r.hosts!.matchers.some((m) => matches(m, host)))?.action.type ?? list.defaultAction!;
  assert.equal(route('contoso-my.sharepoint.com'), 'accept');
  assert.equal(route('a.b.sharepoint.com'), 'accept');
  assert.equal(route('outlook.office365.com'), 'accept');
  assert.equal(route('sharepoint.com'), 'drop');
  assert.equal(route('example.com'), 'drop');
});

test('SNI entries added to an existing map reuse its value and skip names it already has', () => {
  const config = 'stream {\n    map $ssl_preread_server_name $m365 {\n        hostnames;\n        .sharepoint.com sp_pool;\n        default "";\n    }\n}\n';
  const list = parseNginx(config).model.ruleLists.find((l) => l.kind === 'sni-routing');
  assert.ok(list);
  const block = renderNginx({ ...sharepoint, entries: [entry('set 31', [], ['*.sharepoint.com', 'sharepoint.com', 'teams.microsoft.com'])] }, { mode: 'sni-map', list });
  assert.ok(block.text.includes('        teams.microsoft.com sp_pool;\n'));
  assert.ok(block.text.includes('        # *.sharepoint.com is already in this map\n'));
  assert.ok(block.text.includes('        # sharepoint.com is already in this map\n'));
  assert.ok(!block.text.includes('map $ssl_preread_server_name $endpoint_lens'));
});

/** nginx itself, when installed; CI installs nginx-light and libnginx-mod-stream. */
function findNginx(): string | undefined {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) if (existsSync(candidate)) return candidate;
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : undefined;
}

const STREAM_MODULE = ['/usr/lib/nginx/modules/ngx_stream_module.so', '/usr/lib64/nginx/modules/ngx_stream_module.so'].find((p) => existsSync(p));

test('nginx -t accepts the rendered blocks in a location, a new stream map and an existing one', (t) => {
  const nginx = findNginx();
  if (!nginx) {
    t.skip('nginx is not installed (apt-get install nginx-light libnginx-mod-stream); rendered text not checked by nginx');
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'endpoint-lens-nginx-'));
  try {
    const locationList = parseNginx('http {\n    server {\n        location /EWS/ {\n            allow 10.0.0.0/8;\n        }\n    }\n}\n').model.ruleLists[0]!;
    const allow = renderNginx(hybrid, { mode: 'access', list: locationList }).text;
    const newMap = renderNginx(sharepoint, { mode: 'sni-map' }).text;
    const existing = '    map $ssl_preread_server_name $m365 {\n        hostnames;\n        .sharepoint.com 127.0.0.1:9443;\n        default "";\n';
    const existingList = parseNginx(`stream {\n${existing}    }\n}\n`).model.ruleLists.find((l) => l.kind === 'sni-routing');
    assert.ok(existingList);
    const intoMap = renderNginx(sharepoint, { mode: 'sni-map', list: existingList }).text;
    const http = [
      `    access_log off;`,
      `    client_body_temp_path ${tmp}/body;`,
      `    proxy_temp_path ${tmp}/proxy;`,
      `    fastcgi_temp_path ${tmp}/fastcgi;`,
      `    uwsgi_temp_path ${tmp}/uwsgi;`,
      `    scgi_temp_path ${tmp}/scgi;`,
      `    server {`,
      `        listen 127.0.0.1:18443;`,
      `        location /EWS/ {`,
      allow + `            return 204;`,
      `        }`,
      `    }`,
    ].join('\n');
    const stream = STREAM_MODULE
      ? `stream {\n${newMap}${existing}${intoMap}    }\n    server {\n        listen 127.0.0.1:18444;\n        ssl_preread on;\n        proxy_pass $endpoint_lens_sharepoint_sni;\n    }\n    server {\n        listen 127.0.0.1:18445;\n        ssl_preread on;\n        proxy_pass $m365;\n    }\n}\n`
      : '';
    const config = [
      STREAM_MODULE ? `load_module ${STREAM_MODULE};` : '',
      'daemon off;',
      `pid ${tmp}/nginx.pid;`,
      `error_log ${tmp}/error.log;`,
      'events { }',
      `http {\n${http}\n}`,
      stream,
    ].join('\n');
    writeFileSync(join(tmp, 'nginx.conf'), config);
    // Our own parser must agree that the assembled file is clean before nginx is asked.
    assert.deepEqual(parseNginx(config).model.problems, []);
    const result = spawnSync(nginx, ['-t', '-e', join(tmp, 'error.log'), '-p', tmp, '-c', join(tmp, 'nginx.conf')], { encoding: 'utf8' });
    assert.equal(result.status, 0, `nginx -t failed:\n${result.stderr}\n--- config ---\n${config}`);
    if (!STREAM_MODULE) t.diagnostic('stream module not installed (libnginx-mod-stream); only the http block was checked by nginx');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
