// `check` over files that cannot be analysed, through the CLI as a subprocess: each gets a
// not-analysed finding on that file, the other files of the run are still reported, and nothing
// hangs. Thread faults (a hang, heap exhaustion) come from test/unit/cli/faults.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, inScratch, ROOT } from './subprocess';

const FAULTS = join(__dirname, 'faults.mjs');

interface Report {
  catalog: { source: string; cacheDir: string | null; version: string };
  files: Array<{ path: string; dialect: string | null; findings: Array<{ code: string; severity: string; line: number; message: string }> }>;
  errors: string[];
}

function report(out: string): Report {
  return JSON.parse(out) as Report;
}

/** Per file: its codes, and the not-analysed message when there is one. */
function summary(r: Report): Record<string, string> {
  return Object.fromEntries(
    r.files.map((f) => {
      const skipped = f.findings.find((x) => x.code === 'not-analysed');
      return [f.path, skipped ? `not-analysed: ${skipped.message}` : `${f.dialect} ${f.findings.length} findings`];
    }),
  );
}

function mkfifo(path: string): void {
  const made = spawnSync('mkfifo', [path]);
  assert.equal(made.status, 0, 'mkfifo (coreutils) makes the FIFO');
}

void test('a FIFO and a symlink to /dev/zero are refused at once as not regular files; the other files are analysed', () => {
  inScratch('fifo', (dir) => {
  mkfifo(join(dir, 'fifo.rules'));
  symlinkSync('/dev/zero', join(dir, 'zero.rules'));
  copyFileSync(join(ROOT, 'examples/m365.nft'), join(dir, 'm365.nft'));
  const walked = cli(['check', '.', '--format', 'json', '--fail-on', 'warning'], { cwd: dir });
  assert.equal(walked.signal, null, 'the run ended by itself');
  // Refused at once: the run costs about what the one regular file costs on its own, however busy the machine.
  const alone = cli(['check', 'm365.nft', '--format', 'json'], { cwd: dir });
  assert.ok(walked.ms < 2 * alone.ms + 2000, `took ${walked.ms} ms; m365.nft alone ${alone.ms} ms`);
  assert.deepEqual(summary(report(walked.out)), {
    'fifo.rules': `not-analysed: Not analysed: not a regular file: ${join(dir, 'fifo.rules')} (a FIFO)`,
    'm365.nft': 'nftables 11 findings',
    'zero.rules': `not-analysed: Not analysed: not a regular file: ${join(dir, 'zero.rules')} (a character device)`,
  });
  assert.equal(walked.code, 1);
  // Named on the command line, the same.
  const named = cli(['check', 'fifo.rules', 'zero.rules', '--format', 'json'], { cwd: dir });
  assert.deepEqual(report(named.out).files.map((f) => f.findings.map((x) => x.code)), [['not-analysed'], ['not-analysed']]);
  assert.equal(named.code, 0, 'not-analysed is a warning; the default --fail-on is error');
  });
});

void test('a FIFO where the cached catalogue belongs hangs no command: the shipped catalogue is used and the cache is reported', () => {
  inScratch('cache-fifo', (dir) => {
  mkfifo(join(dir, 'worldwide.json'));
  mkdirSync(join(dir, 'history'));
  mkfifo(join(dir, 'history', 'worldwide.json'));
  for (const args of [
    ['check', join(ROOT, 'examples/m365.nft'), '--format', 'json', '--cache', dir],
    ['lookup', '52.112.4.1', '--json', '--cache', dir],
    ['render', 'sets', '--dialect', 'nftables', '--sets', '11', '--cache', dir],
    ['pac-test', join(ROOT, 'examples/proxy.pac'), '--format', 'json', '--cache', dir],
  ]) {
    const run = cli(args);
    assert.equal(run.signal, null, `${args[0]} ended by itself (a read of the FIFO would block until the 120 s kill)`);
    assert.match(run.err, /not a regular file: .*worldwide\.json \(a FIFO\).*shipped/, args[0]);
  }
  const checked = report(cli(['check', join(ROOT, 'examples/m365.nft'), '--format', 'json', '--cache', dir]).out);
  assert.equal(checked.catalog.source, 'shipped');
  assert.equal(checked.files[0]!.dialect, 'nftables');
  });
});

void test('files over --max-size, binary, empty or of no known dialect are not analysed, with the reason; --fail-on warning fails', () => {
  inScratch('not-analysed', (dir) => {
  const rules = readFileSync(join(ROOT, 'examples/egress.rules.v4'), 'utf8');
  writeFileSync(join(dir, 'big.rules'), rules.repeat(40));
  writeFileSync(join(dir, 'blob.rules'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)));
  writeFileSync(join(dir, 'empty.rules'), '');
  writeFileSync(join(dir, 'notes.txt'), 'some notes\n');
  writeFileSync(join(dir, 'ok.rules'), rules);
  const run = cli(['check', '.', '--format', 'json', '--max-size', '20KB'], { cwd: dir });
  const s = summary(report(run.out));
  assert.match(s['big.rules']!, /^not-analysed: Not analysed: .*big\.rules is \d+(\.\d)? KB; the limit is 20 KB\. Raise the limit with --max-size\.$/);
  assert.match(s['blob.rules']!, /^not-analysed: This looks like a binary file, not a iptables configuration; it was not analysed\.$/);
  assert.equal(s['empty.rules'], 'not-analysed: Not analysed: the file is empty.');
  assert.match(s['notes.txt']!, /^not-analysed: Not analysed: not recognised as nginx, PAC, iptables, nftables or Cisco/);
  assert.equal(s['ok.rules'], 'iptables 11 findings');
  assert.equal(run.code, 1, 'ok.rules has errors');
  assert.equal(cli(['check', 'empty.rules', 'notes.txt'], { cwd: dir }).code, 0);
  assert.equal(cli(['check', 'empty.rules', 'notes.txt', '--fail-on', 'warning'], { cwd: dir }).code, 1);
  // The default limit is 64 MB: the same large file is analysed without the option.
  assert.match(summary(report(cli(['check', 'big.rules', '--format', 'json'], { cwd: dir }).out))['big.rules']!, /^iptables \d+ findings$/);
  });
});

void test('no size refusal below 64 MB: a file over the editor\'s 5 MB limit is analysed by check', () => {
  inScratch('large', (dir) => {
  const rules = readFileSync(join(ROOT, 'examples/egress.rules.v4'), 'utf8');
  // Mostly comments, so the file is large but quick to read.
  writeFileSync(join(dir, 'large.rules'), '# padding to make the file large\n'.repeat(200_000) + rules);
  const run = cli(['check', 'large.rules', '--format', 'json'], { cwd: dir });
  assert.deepEqual(summary(report(run.out)), { 'large.rules': 'iptables 11 findings' });
  });
});

void test('a file whose analysis hangs or exhausts its thread\'s heap is reported on that file; the run goes on and never aborts', () => {
  inScratch('faults', (dir) => {
  for (const folder of ['a-ok', 'hangs', 'exhausts-heap', 'z-ok']) {
    mkdirSync(join(dir, folder));
    copyFileSync(join(ROOT, 'examples/egress.rules.v4'), join(dir, folder, 'rules.v4'));
  }
  const run = cli(['check', '.', '--format', 'json', '--jobs', '2', '--file-timeout', '15', '--max-memory', '256'], { cwd: dir, nodeArgs: ['--import', FAULTS] });
  assert.equal(run.signal, null);
  assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.err}`);
  assert.deepEqual(summary(report(run.out)), {
    'a-ok/rules.v4': 'iptables 11 findings',
    'exhausts-heap/rules.v4': 'not-analysed: Not analysed: the analysis needed more than 256 MB of memory and was stopped (--max-memory).',
    'hangs/rules.v4': 'not-analysed: Not analysed: the analysis did not finish within 15 s and was stopped (--file-timeout).',
    'z-ok/rules.v4': 'iptables 11 findings',
  });
  });
});

void test('--jobs 1 and --jobs 3 print the same report, in the order of the files', () => {
  const one = cli(['check', 'examples', 'test/fixtures/findings/iptables', '--format', 'json', '--jobs', '1']);
  const three = cli(['check', 'examples', 'test/fixtures/findings/iptables', '--format', 'json', '--jobs', '3']);
  assert.equal(one.code, three.code);
  assert.equal(three.out, one.out);
  const paths = report(one.out).files.map((f) => f.path);
  assert.ok(paths.length > 10);
  // One example per dialect, in name order, before the fixtures.
  const examples = readdirSync(join(ROOT, 'examples')).sort().map((f) => `examples/${f}`);
  assert.deepEqual(paths.slice(0, examples.length), examples);
});
