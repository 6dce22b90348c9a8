import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { runCli } from './runCli';

const ROOT = join(__dirname, '..', '..', '..');

function run(args: string[], cwd = ROOT): Promise<{ code: number; out: string; err: string }> {
  return runCli(args, cwd);
}

interface JsonReport {
  files: Array<{ path: string; dialect: string | null; findings: Array<{ code: string; severity: string; line: number; column: number; endLine: number; endColumn: number; message: string; related: unknown[] }> }>;
}

test('check --format json lists findings per file with 1-based positions and exits 1 on errors', async () => {
  const { code, out } = await run(['check', 'examples/egress.rules.v4', '--format', 'json']);
  assert.equal(code, 1);
  const report = JSON.parse(out) as JsonReport;
  assert.equal(report.files.length, 1);
  const file = report.files[0]!;
  assert.equal(file.dialect, 'iptables');
  const hostBits = file.findings.find((f) => f.code === 'host-bits-set');
  assert.deepEqual(
    hostBits && { line: hostBits.line, column: hostBits.column, endLine: hostBits.endLine, endColumn: hostBits.endColumn, severity: hostBits.severity },
    { line: 18, column: 64, endLine: 18, endColumn: 79, severity: 'warning' },
  );
  const lines = readFileSync(join(ROOT, 'examples/egress.rules.v4'), 'utf8').split('\n');
  assert.equal(lines[17]!.slice(63, 78), '40.108.130.0/17');
  assert.ok(file.findings.some((f) => f.code === 'blocked-required' && f.severity === 'error'));
});

test('--fail-on decides the exit code', async () => {
  assert.equal((await run(['check', 'test/fixtures/findings/iptables/suppressed.rules.v4'])).code, 0, 'a warning does not fail at the default level');
  assert.equal((await run(['check', 'test/fixtures/findings/iptables/suppressed.rules.v4', '--fail-on', 'warning'])).code, 1);
  assert.equal((await run(['check', 'test/fixtures/findings/iptables/default-accept-clean.rules.v4', '--fail-on', 'info'])).code, 0);
});

test('usage and I/O errors exit 2 with a message', async () => {
  const missing = await run(['check', 'no/such/file.rules']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /No such file or folder: no\/such\/file\.rules/);
  const badFormat = await run(['check', 'examples', '--format', 'xml']);
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.err, /--format must be text, json or sarif/);
  assert.equal((await run(['check'])).code, 2);
  assert.equal((await run(['check', 'examples', '--bogus'])).code, 2);
});

test('--format sarif is valid SARIF 2.1.0', async () => {
  const { out } = await run(['check', 'examples', '--format', 'sarif']);
  const sarif = JSON.parse(out) as { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> };
  // The official schema; one of its patterns is not valid as a Unicode regular expression.
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);
  assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5)));
  assert.equal(validate({ ...sarif, version: '2.0.0' }), false, 'the validator does reject a wrong document');
  const results = sarif.runs[0]!.results;
  assert.ok(results.length > 10);
  assert.ok(results.some((r) => r.ruleId === 'proxied-optimize' && r.locations[0]!.physicalLocation.artifactLocation.uri === 'examples/proxy.pac'));
});

test('--fix applies the preferred fixes and the findings they fix are gone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-fix-'));
  try {
    const file = join(dir, 'egress.rules.v4');
    copyFileSync(join(ROOT, 'examples/egress.rules.v4'), file);
    const before = await run(['check', file, '--format', 'json', '--service-areas', 'Skype,SharePoint'], dir);
    const codesBefore = (JSON.parse(before.out) as JsonReport).files[0]!.findings.map((f) => f.code);
    assert.ok(codesBefore.includes('host-bits-set'));
    assert.ok(codesBefore.includes('blocked-required'));
    const fixed = await run(['check', file, '--fix', '--format', 'json', '--service-areas', 'Skype,SharePoint'], dir);
    const after = (JSON.parse(fixed.out) as JsonReport).files[0]!;
    assert.deepEqual(after.findings.map((f) => `${f.line} ${f.code} ${f.message}`), []);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /40\.108\.128\.0\/17/);
    assert.match(text, /# BEGIN endpoint-lens sets-11 Worldwide 2026081400/);
    assert.equal(fixed.code, 0);
    const again = await run(['check', file, '--fix', '--service-areas', 'Skype,SharePoint'], dir);
    assert.equal(readFileSync(file, 'utf8'), text, 'a second --fix changes nothing');
    assert.equal(again.code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--locale da prints Danish', async () => {
  const { out } = await run(['check', 'test/fixtures/findings/iptables/suppressed.rules.v4', '--locale', 'da']);
  assert.match(out, /har værtsbit sat; enheden bruger 52\.122\.0\.0\/15/);
  assert.match(out, /problem\(er\) i 1 fil\(er\)/);
  const english = await run(['check', 'test/fixtures/findings/iptables/suppressed.rules.v4', '--locale', 'en']);
  assert.match(english.out, /has host bits set; the device uses/);
});

test('a directory is walked; a file of no known dialect is reported as not analysed unless --exclude leaves it out', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-walk-'));
  try {
    writeFileSync(join(dir, 'notes.txt'), 'nothing to see here\n');
    copyFileSync(join(ROOT, 'examples/m365.nft'), join(dir, 'm365.nft'));
    const { out } = await run(['check', dir, '--format', 'json'], dir);
    const files = (JSON.parse(out) as JsonReport).files;
    assert.deepEqual(files.map((f) => f.path), ['m365.nft', 'notes.txt']);
    assert.deepEqual(files[1]!.findings.map((f) => `${f.code} ${f.severity} ${f.line}:${f.column}`), ['not-analysed warning 1:1']);
    assert.match(files[1]!.findings[0]!.message, /not recognised as nginx, PAC, iptables, nftables or Cisco/);
    const excluded = await run(['check', dir, '--format', 'json', '--exclude', '**/*.txt'], dir);
    assert.deepEqual((JSON.parse(excluded.out) as JsonReport).files.map((f) => f.path), ['m365.nft']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('refs prints the dialect it chose and every reference with 1-based positions, as check does', async () => {
  const { code, out } = await run(['refs', 'examples/asa-edge.asa', '--json']);
  assert.equal(code, 0);
  const refs = JSON.parse(out) as { dialect: string; detectedBy: string; references: Array<{ text: string; kind: string; role: string; line: number; column: number }>; rules: number };
  assert.equal(refs.dialect, 'cisco');
  assert.equal(refs.detectedBy, 'file-name');
  const netmask = refs.references.find((r) => r.text === '40.92.0.0 255.254.0.0');
  assert.deepEqual(netmask && [netmask.kind, netmask.line, netmask.column], ['netmask', 18, 17]);
  assert.equal(readFileSync(join(ROOT, 'examples/asa-edge.asa'), 'utf8').split('\n')[17]!.slice(16, 16 + netmask!.text.length), netmask!.text);
  assert.ok(refs.rules >= 4);
  const byContent = await run(['refs', 'examples/exchange-hybrid.nginx.conf', '--json']);
  assert.equal((JSON.parse(byContent.out) as { dialect: string }).dialect, 'nginx');
});
