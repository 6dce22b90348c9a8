import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/runCli';
import { assembleConfiguration, diskReader } from '../../../server/src/workspace/includes';
import { expandGlob } from '../../../server/src/workspace/glob';
import { nginxIncludes } from '../../../server/src/dialects/nginx/includes';
import { nftablesIncludes } from '../../../server/src/dialects/nftables/includes';
import { MAX_INCLUDE_DEPTH } from '../../../server/src/limits';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'includes');

interface JsonReport {
  files: Array<{ path: string; includedBy?: string; findings: Array<{ code: string; line: number; message: string; related: Array<{ message: string; path?: string; line?: number }> }> }>;
}

async function checkJson(args: string[], cwd = ROOT): Promise<JsonReport> {
  const { out } = await runCli(['check', ...args, '--format', 'json'], cwd);
  return JSON.parse(out) as JsonReport;
}

function fileOf(report: JsonReport, suffix: string): JsonReport['files'][number] {
  const file = report.files.find((f) => f.path.endsWith(suffix));
  assert.ok(file, `${suffix} is reported (${report.files.map((f) => f.path).join(', ')})`);
  return file;
}

test('nginx: a snippet counts in the location that includes it, and its findings are at its own lines with the include chain', async () => {
  const report = await checkJson(['test/fixtures/includes/nginx']);
  const snippet = fileOf(report, 'snippets/hybrid-allow.conf');
  assert.equal(snippet.includedBy, 'test/fixtures/includes/nginx/nginx.conf');
  const blocked = snippet.findings.find((f) => f.code === 'blocked-required');
  assert.ok(blocked, 'deny all in the snippet blocks the mailbox-migration row for the EWS location');
  assert.equal(blocked.line, 4);
  assert.deepEqual(
    blocked.related.filter((r) => r.message.startsWith('Included from')).map((r) => [r.message, r.line]),
    [['Included from 10-exchange.conf line 6', 6], ['Included from nginx.conf line 5', 5]],
  );
  const site = fileOf(report, 'conf.d/10-exchange.conf');
  assert.deepEqual(site.findings.map((f) => [f.code, f.line]), [['shadowed-rule', 7], ['include-problem', 12], ['include-problem', 21]]);
  assert.match(site.findings[0]!.message, /line 4 \(hybrid-allow\.conf\) in server mail\.fabrikam\.com 443 > location \/EWS\//, 'the deciding line is named in its own file');
  assert.match(site.findings[1]!.message, /^snippets\/not-there\.conf does not exist \(/);
  assert.match(site.findings[2]!.message, /logo\.conf looks like a binary file/);
  const loop = fileOf(report, 'snippets/loop-b.conf');
  assert.deepEqual(loop.findings.map((f) => f.code), ['include-problem']);
  assert.match(loop.findings[0]!.message, /includes itself through loop-a\.conf → loop-b\.conf → loop-a\.conf/);
  // Each file is reported once: included files are not checked again on their own.
  assert.equal(report.files.filter((f) => f.path.endsWith('hybrid-allow.conf')).length, 1);
  assert.equal(fileOf(report, 'nginx/nginx.conf').findings.length, 0);
});

test('nginx: the including file finding follows the snippet: without its deny all, the allow after the include takes effect', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-snippet-'));
  try {
    cpSync(join(FIXTURES, 'nginx'), dir, { recursive: true });
    writeFileSync(join(dir, 'snippets', 'hybrid-allow.conf'), 'allow 40.96.0.0/13;\n');
    const report = await checkJson(['.'], dir);
    assert.deepEqual(fileOf(report, 'conf.d/10-exchange.conf').findings.map((f) => f.code), ['include-problem', 'include-problem']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('nftables: sets and defines from included files are known where used; a missing include and a cycle are include-problem', async () => {
  const report = await checkJson(['test/fixtures/includes/nftables', '--direction', 'outbound']);
  const output = fileOf(report, 'nftables.d/20-output.nft');
  assert.ok(!output.findings.some((f) => f.code === 'syntax-error'), JSON.stringify(output.findings.filter((f) => f.code === 'syntax-error')));
  assert.ok(output.findings.some((f) => f.code === 'blocked-required' && f.line === 3));
  // Set 11 (Teams media) is allowed by the set and the define together, so it is not reported.
  assert.ok(!output.findings.some((f) => / set 11 /.test(f.message)));
  const main = fileOf(report, 'nftables/nftables.conf');
  assert.deepEqual(main.findings.map((f) => [f.code, f.line]), [['include-problem', 6]]);
  assert.match(main.findings[0]!.message, /^lib\/missing\.nft does not exist \(/);
  assert.match(fileOf(report, 'nftables.d/30-loop.nft').findings[0]!.message, /includes itself/);
  const alone = await checkJson(['test/fixtures/includes/nftables/nftables.d/20-output.nft', '--direction', 'outbound']);
  assert.ok(alone.files[0]!.findings.some((f) => f.code === 'syntax-error'), 'alone, the set is not defined');
});

test('nftables: an include found only in the include path of endpoint-lens.json resolves, relative to that file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-include-path-'));
  try {
    mkdirSync(join(dir, 'fw'));
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib', 'sets.nft'), 'table inet filter {\n    set m365_optimize_v4 {\n        type ipv4_addr\n        flags interval\n        elements = { 13.107.64.0/18, 52.112.0.0/14 }\n    }\n}\n');
    writeFileSync(
      join(dir, 'fw', 'main.nft'),
      'include "sets.nft"\ntable inet filter {\n    chain output {\n        type filter hook output priority 0; policy drop;\n        ip daddr @m365_optimize_v4 tcp dport 443 accept\n    }\n}\n',
    );
    const without = await checkJson(['fw', '--direction', 'outbound'], dir);
    const alone = fileOf(without, 'fw/main.nft');
    assert.ok(alone.findings.some((f) => f.code === 'include-problem' && f.line === 1 && /^sets\.nft does not exist/.test(f.message)), JSON.stringify(alone.findings));
    writeFileSync(join(dir, 'fw', 'endpoint-lens.json'), '{ "includePath": ["../lib"] }\n');
    const report = await checkJson(['fw', '--direction', 'outbound'], dir);
    const main = fileOf(report, 'fw/main.nft');
    assert.ok(!main.findings.some((f) => f.code === 'include-problem' || f.code === 'syntax-error'), JSON.stringify(main.findings));
    assert.equal(fileOf(report, 'lib/sets.nft').includedBy, 'fw/main.nft');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('iptables: rules.v6 beside rules.v4 judges IPv6; without it IPv6 is not reported', async () => {
  const paired = await checkJson(['test/fixtures/includes/iptables/paired', '--direction', 'outbound']);
  const v6 = fileOf(paired, 'paired/rules.v6');
  assert.equal(v6.includedBy, 'test/fixtures/includes/iptables/paired/rules.v4');
  assert.ok(v6.findings.some((f) => f.code === 'blocked-required' && /2603:/.test(f.message) && /IPv6/.test(f.message)));
  const v4 = fileOf(paired, 'paired/rules.v4');
  assert.ok(v4.findings.every((f) => !/2603:|2a01:/.test(f.message)), 'the IPv4 file speaks of IPv4 only');
  const alone = await checkJson(['test/fixtures/includes/iptables/v4-only', '--direction', 'outbound']);
  assert.equal(alone.files.length, 1);
  assert.deepEqual(
    alone.files[0]!.findings.map((f) => [f.code, f.line, f.message]),
    v4.findings.map((f) => [f.code, f.line, f.message]),
  );
});

test('absolute includes and globs: byte order, outside the folder checked, reported once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-includes-'));
  try {
    cpSync(join(FIXTURES, 'nftables'), join(dir, 'fw'), { recursive: true });
    mkdirSync(join(dir, 'shared'));
    writeFileSync(join(dir, 'shared', 'B.nft'), 'define B = 2\n');
    writeFileSync(join(dir, 'shared', 'a.nft'), 'define A = 1\n');
    writeFileSync(join(dir, 'shared', '.hidden.nft'), 'define H = 3\n');
    assert.deepEqual(expandGlob(join(dir, 'shared', '*.nft'), 10), [join(dir, 'shared', 'B.nft'), join(dir, 'shared', 'a.nft')], 'upper case sorts before lower case, dot files are left out');
    const main = join(dir, 'fw', 'nftables.conf');
    writeFileSync(main, `include "${join(dir, 'shared')}/*.nft"\ninclude "lib/defines.nft"\ninclude "nftables.d/*.nft"\n`);
    const assembled = assembleConfiguration(main, `include "${join(dir, 'shared')}/*.nft"\n`, nftablesIncludes, diskReader(1 << 20));
    assert.deepEqual([...assembled.files.keys()], [main, join(dir, 'shared', 'B.nft'), join(dir, 'shared', 'a.nft')]);
    assert.ok(assembled.text.indexOf('define B') < assembled.text.indexOf('define A'));
    const report = await checkJson([join(dir, 'fw'), '--direction', 'outbound'], dir);
    const shared = report.files.filter((f) => f.path.startsWith('shared'));
    assert.deepEqual(shared.map((f) => [f.path, f.includedBy]), [['shared/B.nft', 'fw/nftables.conf'], ['shared/a.nft', 'fw/nftables.conf']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('nginx: relative includes resolve against the folder of nginx.conf found up the tree, or the prefix given', () => {
  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-prefix-'));
  try {
    mkdirSync(join(dir, 'etc', 'sites'), { recursive: true });
    mkdirSync(join(dir, 'other', 'snippets'), { recursive: true });
    mkdirSync(join(dir, 'etc', 'snippets'));
    writeFileSync(join(dir, 'etc', 'nginx.conf'), 'events {}\n');
    writeFileSync(join(dir, 'etc', 'snippets', 'acl.conf'), 'allow 10.0.0.0/8;\n');
    writeFileSync(join(dir, 'other', 'snippets', 'acl.conf'), 'deny all;\n');
    const site = join(dir, 'etc', 'sites', 'mail.conf');
    const text = 'server { location / { include snippets/acl.conf; } }\n';
    const found = assembleConfiguration(site, text, nginxIncludes, diskReader(1 << 20));
    assert.deepEqual([...found.files.keys()], [site, join(dir, 'etc', 'snippets', 'acl.conf')]);
    const given = assembleConfiguration(site, text, nginxIncludes, diskReader(1 << 20), { nginxPrefix: join(dir, 'other') });
    assert.deepEqual([...given.files.keys()], [site, join(dir, 'other', 'snippets', 'acl.conf')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('includes deeper than the bound stop with one include-problem, never a hang', () => {
  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-depth-'));
  try {
    const depth = MAX_INCLUDE_DEPTH + 5;
    for (let i = 0; i < depth; i++) writeFileSync(join(dir, `${i}.nft`), `include "${i + 1}.nft"\n`);
    writeFileSync(join(dir, `${depth}.nft`), 'define END = 1\n');
    const root = join(dir, '0.nft');
    const assembled = assembleConfiguration(root, 'include "1.nft"\n', nftablesIncludes, diskReader(1 << 20));
    assert.equal(assembled.problems.length, 1);
    assert.match(assembled.problems[0]!.message, new RegExp(`nested more than ${MAX_INCLUDE_DEPTH} deep`));
    assert.equal(assembled.problems[0]!.chain.length, MAX_INCLUDE_DEPTH);
    assert.ok(!assembled.text.includes('define END'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Squid: an include line brings in the files of each of its patterns, in place and in glob order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-squid-include-'));
  try {
    mkdirSync(join(dir, 'conf.d'));
    writeFileSync(join(dir, 'squid.conf'), 'http_port 3128\nacl localnet src 10.0.0.0/8\ninclude conf.d/*.conf extra.conf\nhttp_access allow localnet\nhttp_access deny all\n');
    writeFileSync(join(dir, 'conf.d', '10-deny.conf'), 'acl exo dstdomain outlook.office365.com\nhttp_access deny exo\n');
    writeFileSync(join(dir, 'extra.conf'), '# nothing yet\n');
    const report = await checkJson(['.'], dir);
    const denied = fileOf(report, 'conf.d/10-deny.conf');
    assert.equal(denied.includedBy, 'squid.conf');
    const blocked = denied.findings.find((f) => f.code === 'blocked-required');
    assert.ok(blocked, 'the deny in the included file decides before the includer\'s allow');
    assert.equal(blocked.line, 2);
    assert.deepEqual(blocked.related.filter((r) => r.message.startsWith('Included from')).map((r) => r.message), ['Included from squid.conf line 3']);
    assert.equal(fileOf(report, 'extra.conf').includedBy, 'squid.conf', 'the second pattern of the line is read too');
    assert.deepEqual(fileOf(report, 'squid.conf').findings.map((f) => f.code), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
