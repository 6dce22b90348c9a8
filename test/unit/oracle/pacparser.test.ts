// pac-test's answers against an independent PAC engine: Debian's python3-pacparser (Mozilla's
// SpiderMonkey with the standard PAC helpers). The PAC file does no DNS lookup, so the oracle runs
// offline; myIpAddress() is set to the same address on both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cli, ROOT } from '../cli/subprocess';
import { run } from './tools';

const PYTHON = '/usr/bin/python3';
const PAC = join(ROOT, 'test', 'fixtures', 'pac-test', 'branch.pac');
const CLIENT = '10.20.0.99';

/** Reads [url, host] pairs on standard input and prints what FindProxyForURL returns for each (null when it throws). */
const ORACLE = `
import json, sys, pacparser
pacparser.init()
pacparser.setmyip(sys.argv[2])
pacparser.parse_pac_file(sys.argv[1])
answers = []
for url, host in json.load(sys.stdin):
    try:
        answers.append(pacparser.find_proxy(url, host))
    except Exception:
        answers.append(None)
pacparser.cleanup()
print(json.dumps(answers))
`;

function skipReason(): string | undefined {
  const probe = run(PYTHON, ['-c', 'import pacparser; pacparser.init()']);
  if (probe.status === 0) return undefined;
  return `python3-pacparser is not installed (apt-get install python3-pacparser): ${probe.output.trim().split('\n').at(-1) ?? ''}`;
}

void test('pac-test answers equal pacparser\'s for every catalogue host of the file', (t) => {
  const skip = skipReason();
  if (skip) {
    t.skip(skip);
    return;
  }
  const ours = cli(['pac-test', PAC, '--format', 'json', '--client-address', CLIENT]);
  assert.notEqual(ours.code, 2, ours.err);
  const results = (JSON.parse(ours.out) as { results: Array<{ url: string; host: string; answer: string | null }> }).results;
  assert.ok(results.length > 200, `only ${results.length} hosts`);
  // pacparser reports a script that throws on standard error; the answers are on standard output.
  const oracle = spawnSync(PYTHON, ['-c', ORACLE, PAC, CLIENT], { input: JSON.stringify(results.map((r) => [r.url, r.host])), encoding: 'utf8', timeout: 60_000 });
  assert.equal(oracle.status, 0, oracle.stderr);
  const theirs = JSON.parse(oracle.stdout) as Array<string | null>;
  assert.deepEqual(results.map((r) => `${r.host} ${r.answer}`), results.map((r, i) => `${r.host} ${theirs[i]}`));
  // The file exercises every branch, so agreement is not agreement on one answer.
  assert.ok(new Set(theirs).size >= 6, [...new Set(theirs)].join(' | '));
  assert.ok(theirs.includes(null), 'a run that throws is a failure on both sides');
});
