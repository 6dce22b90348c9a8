// Real peers: the example rulesets the nftables package installs (/usr/share/doc/nftables/examples,
// gzip or not; documentation, not the machine's configuration) must parse with no problem at all,
// since nft itself loads them. Skips, naming the package, when nftables is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { parseNftables } from '../../../server/src/dialects/nftables/parse';
import { missingTool } from '../oracle/tools';

function collect(dir: string, out: string[]): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) collect(full, out);
    else if (/\.nft(\.gz)?$/.test(name)) out.push(full);
  }
  return out;
}

const files = collect('/usr/share/doc/nftables/examples', []);
const skip = files.length === 0 ? 'the nftables examples are not installed (apt-get install nftables)' : false;

test('Debian nftables examples parse without a false problem', { skip }, () => {
  let chains = 0;
  for (const file of files) {
    const raw = readFileSync(file);
    const text = file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    const model = parseNftables(text, { fileName: file }).model;
    assert.deepEqual(model.problems.map((p) => `${file}:${p.range.start.line + 1} ${p.message}`), []);
    chains += model.ruleLists.length;
  }
  assert.ok(chains > 20, `only ${chains} chains found in ${files.length} files`);
});

// The tool as a second peer: each fixture without deliberate mistakes is loaded into a private
// network namespace and `nft list ruleset` prints it back in nft's own spelling, which must parse
// with no problem and the same number of rules per chain.
const fixtures = join(import.meta.dirname, '../../fixtures/nftables');
const nsVariant = [['unshare', '-rn'], ['unshare', '-n']].find((prefix) => spawnSync(prefix[0]!, [...prefix.slice(1), 'nft', 'list', 'ruleset'], { encoding: 'utf8' }).status === 0);
const noNamespace = nsVariant ? false : (missingTool('nft') ?? 'cannot run nft inside an unshared network namespace here');

// valid-statements.nft needs kernel modules (conntrack, socket, cgroup) an unprivileged namespace cannot load; it is checked with nft -c below.
for (const name of readdirSync(fixtures).filter((f) => f.endsWith('.nft') && !f.startsWith('mistakes') && !f.startsWith('workstation') && !f.startsWith('valid-statements'))) {
  test(`${name} loaded by nft and listed back parses the same`, { skip: noNamespace }, () => {
    const path = join(fixtures, name);
    const result = spawnSync(nsVariant![0]!, [...nsVariant!.slice(1), 'sh', '-c', `nft -f ${path} && nft list ruleset`], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const original = parseNftables(readFileSync(path, 'utf8')).model;
    const listed = parseNftables(result.stdout).model;
    assert.deepEqual(listed.problems.map((p) => `${p.range.start.line + 1} ${p.message}`), []);
    for (const list of original.ruleLists) {
      const again = listed.ruleLists.find((l) => l.id === list.id);
      assert.ok(again, `${list.id} missing from nft list ruleset`);
      assert.equal(again.rules.length, list.rules.length, list.id);
      assert.equal(again.defaultAction, list.defaultAction, list.id);
    }
    assert.deepEqual(listed.paths.map((p) => p.stages), original.paths.map((p) => p.stages));
  });
}

const checkVariant = [[], ['unshare', '-rn'], ['unshare', '-n']].find((prefix) => {
  const command = [...prefix, 'nft', '-c', '-f', join(fixtures, 'bridge-netdev.nft')];
  return spawnSync(command[0]!, command.slice(1), { encoding: 'utf8' }).status === 0;
});

test('every statement form nft accepts in valid-statements.nft parses with no problem', { skip: checkVariant ? false : (missingTool('nft') ?? 'nft -c cannot run here') }, () => {
  const path = join(fixtures, 'valid-statements.nft');
  const command = [...checkVariant!, 'nft', '-c', '-f', path];
  const result = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const model = parseNftables(readFileSync(path, 'utf8')).model;
  assert.deepEqual(model.problems.map((p) => `${p.range.start.line + 1} ${p.message}`), []);
  assert.ok(model.ruleLists.reduce((n, l) => n + l.rules.length, 0) > 60);
});

test('the forms of reading-forms.nft that nft accepts parse with no problem, concatenations and anonymous chains read', { skip: checkVariant ? false : (missingTool('nft') ?? 'nft -c cannot run here') }, () => {
  const path = join(fixtures, '../findings/nftables/reading-forms.nft');
  const command = [...checkVariant!, 'nft', '-c', '-f', path];
  const result = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const model = parseNftables(readFileSync(path, 'utf8')).model;
  assert.deepEqual(model.problems.map((p) => `${p.range.start.line + 1} ${p.message}`), []);
  // Every address literal but the two of the masked comparison is a reference.
  assert.ok(['52.112.0.0/14', '13.107.64.0/18', '52.96.0.0/14', '1.1.1.1', '3.3.3.3', '127.0.0.3'].every((a) => model.references.some((r) => r.text === a)));
  assert.ok(!model.references.some((r) => r.text === '1024-65535' || r.text === '*'));
  const anonymous = model.ruleLists.filter((l) => l.id.includes('/jump@'));
  assert.equal(anonymous.length, 2);
  assert.ok(anonymous.every((l) => l.rules.length >= 1));
});
