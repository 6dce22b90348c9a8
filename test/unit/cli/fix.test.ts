// `check --fix` as an admin relies on it, through the CLI as a subprocess: links stay links, mode
// and owner stay, a file changed under us is not overwritten, a failed write leaves nothing
// behind, and --dry-run, --fix-level and --fix-codes do what they say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, inScratch, ROOT } from './subprocess';
import { missingTool } from '../oracle/tools';

const EXAMPLE = join(ROOT, 'examples/egress.rules.v4');
const ORIGINAL = readFileSync(EXAMPLE, 'utf8');
const FAULTS = join(__dirname, 'faults.mjs');

interface FixReport {
  files: Array<{
    path: string;
    findings: Array<{ code: string; severity: string; line: number }>;
    fixes?: { applied: Array<{ code: string; line: number; title: string }>; notApplied: Array<{ code: string; line: number; reason: string }>; written: boolean; diff?: string };
  }>;
  errors: string[];
}

function json(out: string): FixReport {
  return JSON.parse(out) as FixReport;
}

/** What --fix changes in the example at the default level: the host bits and the blocked sets. */
function fixedCodes(report: FixReport): string[] {
  return [...new Set(report.files[0]!.fixes!.applied.map((a) => a.code))].sort();
}

void test('--fix writes through a symlink to its target; the link stays a link', () => {
  inScratch('fix-link', (dir) => {
  mkdirSync(join(dir, 'available'));
  mkdirSync(join(dir, 'enabled'));
  copyFileSync(EXAMPLE, join(dir, 'available', 'egress.rules.v4'));
  symlinkSync('../available/egress.rules.v4', join(dir, 'enabled', 'egress.rules.v4'));
  const run = cli(['check', 'enabled/egress.rules.v4', '--fix', '--format', 'json'], { cwd: dir });
  assert.equal(run.code, 0, run.err);
  assert.ok(json(run.out).files[0]!.fixes!.written);
  assert.ok(lstatSync(join(dir, 'enabled', 'egress.rules.v4')).isSymbolicLink());
  assert.equal(readlinkSync(join(dir, 'enabled', 'egress.rules.v4')), '../available/egress.rules.v4');
  const target = readFileSync(join(dir, 'available', 'egress.rules.v4'), 'utf8');
  assert.notEqual(target, ORIGINAL);
  assert.match(target, /40\.108\.128\.0\/17/);
  assert.deepEqual(readdirSync(join(dir, 'available')), ['egress.rules.v4'], 'no temporary file left');
  assert.deepEqual(readdirSync(join(dir, 'enabled')), ['egress.rules.v4']);
  });
});

void test('--fix keeps mode 600, mode 755 and the owner', (t) => {
  inScratch('fix-mode', (dir) => {
  for (const [name, mode] of [['private.rules', 0o600], ['boot.rules', 0o755]] as const) {
    copyFileSync(EXAMPLE, join(dir, name));
    chmodSync(join(dir, name), mode);
  }
  // Giving the file another owner needs root (and, in a user namespace, owners it maps).
  let otherOwner = false;
  try {
    chownSync(join(dir, 'private.rules'), 4321, 4322);
    otherOwner = true;
  } catch {
    otherOwner = false;
  }
  const run = cli(['check', '.', '--fix', '--format', 'json'], { cwd: dir });
  assert.equal(run.code, 0, run.err);
  assert.deepEqual(json(run.out).files.map((f) => f.fixes?.written), [true, true]);
  assert.equal(statSync(join(dir, 'private.rules')).mode & 0o7777, 0o600);
  assert.equal(statSync(join(dir, 'boot.rules')).mode & 0o7777, 0o755);
  if (otherOwner) {
    const owner = statSync(join(dir, 'private.rules'));
    assert.deepEqual([owner.uid, owner.gid], [4321, 4322]);
  } else {
    t.diagnostic('files cannot be given another owner here: the owner check was left out');
  }
  });
});

void test('a file changed between read and write is not written, and the run says so', () => {
  inScratch('fix-changed', (dir) => {
  mkdirSync(join(dir, 'changes-under-us'));
  const path = join(dir, 'changes-under-us', 'rules.v4');
  copyFileSync(EXAMPLE, path);
  const run = cli(['check', '.', '--fix', '--format', 'json'], { cwd: dir, nodeArgs: ['--import', FAULTS] });
  assert.equal(run.code, 2);
  const file = json(run.out).files[0]!;
  assert.equal(file.fixes!.written, false);
  assert.deepEqual(file.fixes!.applied, []);
  assert.ok(file.fixes!.notApplied.length >= 10);
  assert.match(file.fixes!.notApplied[0]!.reason, /rules\.v4 changed since it was read; nothing was written\./);
  assert.match(run.err, /changed since it was read; nothing was written/);
  assert.equal(readFileSync(path, 'utf8'), `${ORIGINAL}# edited by someone else meanwhile\n`, 'the other edit is kept, ours is not written');
  assert.ok(file.findings.some((f) => f.code === 'host-bits-set'), 'the findings are those of the file as it is');
  assert.deepEqual(readdirSync(join(dir, 'changes-under-us')), ['rules.v4']);
  });
});

void test('--dry-run prints the fixes as a unified diff and changes nothing', () => {
  inScratch('fix-dry', (dir) => {
  copyFileSync(EXAMPLE, join(dir, 'dry.rules'));
  const dry = cli(['check', 'dry.rules', '--dry-run'], { cwd: dir });
  assert.equal(readFileSync(join(dir, 'dry.rules'), 'utf8'), ORIGINAL);
  assert.match(dry.out, /Fixes \(dry run, nothing written\): would apply 10, would not apply 1\./);
  assert.match(dry.out, /^ {4}applied: {3}18 Change to 40\.108\.128\.0\/17 {2}\[host-bits-set\]$/m, 'lines are those of the file as it is');
  assert.match(dry.out, /^ {4}--- dry\.rules\n {4}\+\+\+ dry\.rules\n {4}@@ -\d+,\d+ \+\d+,\d+ @@$/m);
  const file = json(cli(['check', 'dry.rules', '--dry-run', '--format', 'json'], { cwd: dir }).out).files[0]!;
  assert.equal(file.fixes!.written, false);
  assert.match(file.fixes!.diff!, /^--- dry\.rules\n\+\+\+ dry\.rules\n@@ -\d+,\d+ \+\d+,\d+ @@\n/);
  assert.match(file.fixes!.diff!, /^-.*40\.108\.130\.0\/17.*\n\+.*40\.108\.128\.0\/17/m);
  assert.equal(readFileSync(join(dir, 'dry.rules'), 'utf8'), ORIGINAL);
  assert.deepEqual(readdirSync(dir), ['dry.rules']);
  });
});

void test('patch applies the --dry-run diff and gives exactly what --fix writes', (t) => {
  const noPatch = missingTool('patch');
  if (noPatch) {
    t.skip(noPatch);
    return;
  }
  inScratch('fix-patch', (dir) => {
  copyFileSync(EXAMPLE, join(dir, 'dry.rules'));
  copyFileSync(EXAMPLE, join(dir, 'wet.rules'));
  const diff = json(cli(['check', 'dry.rules', '--dry-run', '--format', 'json'], { cwd: dir }).out).files[0]!.fixes!.diff!;
  cli(['check', 'wet.rules', '--fix'], { cwd: dir });
  writeFileSync(join(dir, 'change.patch'), diff);
  const patched = spawnSync('patch', ['-s', '-o', join(dir, 'patched.rules'), join(dir, 'dry.rules'), join(dir, 'change.patch')], { encoding: 'utf8' });
  assert.equal(patched.status, 0, patched.stderr);
  assert.equal(readFileSync(join(dir, 'patched.rules'), 'utf8'), readFileSync(join(dir, 'wet.rules'), 'utf8'));
  assert.notEqual(readFileSync(join(dir, 'wet.rules'), 'utf8'), ORIGINAL);
  });
});

void test('--fix-level and --fix-codes choose which findings are fixed', () => {
  inScratch('fix-level', (dir) => {
  const run = (name: string, ...args: string[]): FixReport => {
    copyFileSync(EXAMPLE, join(dir, name));
    const result = cli(['check', name, '--fix', '--format', 'json', ...args], { cwd: dir });
    assert.notEqual(result.code, 2, result.err);
    return json(result.out);
  };
  assert.deepEqual(fixedCodes(run('default.rules')), ['blocked-required', 'host-bits-set']);
  const errorsOnly = run('errors.rules', '--fix-level', 'error');
  assert.deepEqual(fixedCodes(errorsOnly), ['blocked-required']);
  assert.ok(errorsOnly.files[0]!.findings.some((f) => f.code === 'host-bits-set'), 'the warning is left');
  const hostBits = run('codes.rules', '--fix-codes', 'host-bits-set');
  assert.deepEqual(fixedCodes(hostBits), ['host-bits-set']);
  assert.deepEqual(readFileSync(join(dir, 'codes.rules'), 'utf8'), ORIGINAL.replace('40.108.130.0/17', '40.108.128.0/17'));
  // A level below the finding's severity fixes nothing of that code.
  assert.deepEqual(run('narrow.rules', '--fix-level', 'error', '--fix-codes', 'host-bits-set').files[0]!.fixes!.applied, []);
  assert.equal(readFileSync(join(dir, 'narrow.rules'), 'utf8'), ORIGINAL);
  for (const bad of [['--fix', '--fix-level', 'loud'], ['--fix', '--fix-codes', 'no-such-code'], ['--fix-level', 'error']]) {
    const usage = cli(['check', 'default.rules', ...bad], { cwd: dir });
    assert.equal(usage.code, 2, bad.join(' '));
    assert.match(usage.err, /Usage: endpoint-lens check/);
  }
  });
});

void test('per file, the text report says applied N, not applied M, and why', () => {
  inScratch('fix-report', (dir) => {
  copyFileSync(EXAMPLE, join(dir, 'egress.rules.v4'));
  const run = cli(['check', 'egress.rules.v4', '--fix'], { cwd: dir });
  assert.match(run.out, /^ {2}Fixes: applied 10, not applied 1\.$/m);
  assert.match(run.out, /^ {4}not applied: {3}16 Add the 1 missing prefixes of endpoint set 1 .*\[incomplete-set\]: .+$/m);
  });
});

void test('a failed write (file size limit) leaves no temporary file and the file as it was', () => {
  inScratch('fix-full', (dir) => {
  copyFileSync(EXAMPLE, join(dir, 'egress.rules.v4'));
  // 16 blocks of 512 bytes: room for the original (about 1.5 KB), not for the fixed file.
  const run = cli(['check', 'egress.rules.v4', '--fix', '--jobs', '1'], { cwd: dir, shell: 'ulimit -f 16' });
  assert.equal(run.code, 2, run.err);
  assert.match(run.err, /Cannot write .*egress\.rules\.v4: EFBIG/);
  assert.deepEqual(readdirSync(dir), ['egress.rules.v4']);
  assert.equal(readFileSync(join(dir, 'egress.rules.v4'), 'utf8'), ORIGINAL);
  });
});

void test('a file with two hard links, or not in UTF-8, is not rewritten', () => {
  inScratch('fix-refuse', (dir) => {
  copyFileSync(EXAMPLE, join(dir, 'linked.rules'));
  linkSync(join(dir, 'linked.rules'), join(dir, 'other-name'));
  const linked = cli(['check', 'linked.rules', '--fix'], { cwd: dir });
  assert.equal(linked.code, 2);
  assert.match(linked.err, /linked\.rules has 2 hard links; replacing it would separate them, so it was not written\./);
  assert.equal(readFileSync(join(dir, 'other-name'), 'utf8'), ORIGINAL);

  const latin1 = Buffer.concat([Buffer.from('# Firewall for K\xf8benhavn\n', 'latin1'), Buffer.from(ORIGINAL)]);
  writeFileSync(join(dir, 'latin1.rules'), latin1);
  const encoded = json(cli(['check', 'latin1.rules', '--fix', '--format', 'json'], { cwd: dir }).out).files[0]!;
  assert.deepEqual(encoded.fixes!.applied, []);
  assert.match(encoded.fixes!.notApplied[0]!.reason, /not valid UTF-8/);
  assert.deepEqual(readFileSync(join(dir, 'latin1.rules')), latin1);
  });
});
