import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../server/src/cli/main';
import type { CliIo } from '../../../server/src/cli/io';

const ROOT = join(__dirname, '..', '..', '..');
const SIGN_IN_VIA_PROXY = join(ROOT, 'test', 'fixtures', 'gateways', 'pac', 'sign-in-via-proxy.pac');
const SIGN_IN_DIRECT = join(ROOT, 'test', 'fixtures', 'findings', 'pac', 'sign-in-direct-tenant-restrictions.pac');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n'), cwd: ROOT };
  const code = await main(args, io);
  return { code, out, err };
}

interface Report {
  files: Array<{ findings: Array<{ code: string; severity: string; line: number; message: string }>; fixes?: { applied: unknown[] } }>;
}

/** A copy of a fixture in a scratch folder, so `--fix` may write it. */
function scratchCopy(path: string): { file: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-tenant-'));
  const file = join(dir, 'proxy.pac');
  copyFileSync(path, file);
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

void test('check --fix leaves a PAC that sends sign-in to the proxy on purpose as it is; with --tenant-restrictions there is nothing to report', async () => {
  const { file, dispose } = scratchCopy(SIGN_IN_VIA_PROXY);
  try {
    const original = readFileSync(file, 'utf8');
    const plain = await run(['check', file, '--fix', '--format', 'json', '--fail-on', 'never']);
    assert.equal(plain.code, 0, plain.err);
    const findings = (JSON.parse(plain.out) as Report).files[0]!.findings;
    // Without the setting the proxied sign-in is an Allow endpoint: information, below the default fix level.
    assert.deepEqual(findings.map((f) => [f.code, f.severity, f.line]), [['proxied-optimize', 'info', 6]]);
    assert.match(findings[0]!.message, /login\.microsoftonline\.com/);
    assert.equal(readFileSync(file, 'utf8'), original, 'check --fix does not move sign-in DIRECT');

    const restricted = await run(['check', file, '--fix', '--tenant-restrictions', '--format', 'json', '--fail-on', 'info']);
    assert.equal(restricted.code, 0, restricted.out);
    assert.deepEqual((JSON.parse(restricted.out) as Report).files[0]!.findings, []);
    assert.equal(readFileSync(file, 'utf8'), original);
  } finally {
    dispose();
  }
});

void test('with --tenant-restrictions a PAC that sends sign-in DIRECT is a warning, and --fix sends the other hosts DIRECT but not sign-in', async () => {
  const { file, dispose } = scratchCopy(SIGN_IN_DIRECT);
  try {
    const args = ['check', file, '--tenant-restrictions', '--format', 'json', '--fail-on', 'never'];
    const before = (JSON.parse((await run(args)).out) as Report).files[0]!.findings;
    assert.deepEqual(before.filter((f) => f.code === 'tenant-restrictions-bypass').map((f) => [f.severity, f.line]), [['warning', 8], ['warning', 10]]);
    assert.ok(!before.some((f) => f.code === 'proxied-optimize' && /login\.(microsoftonline\.com|microsoft\.com|windows\.net)\b/.test(f.message)), 'sign-in is not reported as proxied');

    const fixed = await run([...args, '--fix']);
    const after = (JSON.parse(fixed.out) as Report).files[0]!;
    const text = readFileSync(file, 'utf8');
    assert.ok((after.fixes?.applied.length ?? 0) > 0, 'the Optimize set is fixed');
    assert.match(text, /BEGIN endpoint-lens sets-/);
    assert.doesNotMatch(text.slice(text.indexOf('BEGIN endpoint-lens'), text.lastIndexOf('END endpoint-lens')), /"login\.(microsoftonline\.com|microsoft\.com|windows\.net|live\.com)"/);
    assert.deepEqual(after.findings.filter((f) => f.code === 'tenant-restrictions-bypass').map((f) => f.message.slice(0, 40)), before.filter((f) => f.code === 'tenant-restrictions-bypass').map((f) => f.message.slice(0, 40)));
  } finally {
    dispose();
  }
});

void test('render --tenant-restrictions writes a PAC block that leaves sign-in to the proxy', async () => {
  // An empty cache folder: the shipped catalogue, never the machine's own cache.
  const cache = mkdtempSync(join(tmpdir(), 'endpoint-lens-cache-'));
  try {
    const plain = await run(['render', 'sets', '--sets', '56', '--dialect', 'pac', '--cache', cache]);
    assert.match(plain.out, /host == "login\.microsoftonline\.com"/);
    const restricted = await run(['render', 'sets', '--sets', '56', '--dialect', 'pac', '--tenant-restrictions', '--cache', cache]);
    assert.equal(restricted.code, 0, restricted.err);
    assert.doesNotMatch(restricted.out, /host == "login\.(microsoftonline\.com|microsoft\.com|windows\.net)"/);
    assert.match(restricted.out, /Tenant restrictions: login\.microsoft\.com, login\.microsoftonline\.com, login\.windows\.net are not sent DIRECT here/);
    assert.match(restricted.out, /host == "graph\.microsoft\.com"/);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});
