// Real peers: Debian's iptables package ships no rule examples, so the peer is the tool itself.
// Every save-form fixture without deliberate mistakes, and every rendered script, is loaded into a
// private network namespace (`unshare -rn`, else `unshare -n`); what iptables-save and
// ip6tables-save print back must parse with no problem and the same rules per chain. Skips, naming
// the Debian package, when iptables (or ipset, for the script that uses it) is not installed, and
// when no namespace can run iptables here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIptables } from '../../../server/src/dialects/iptables/parse';
import { missingTool } from '../oracle/tools';

const dir = join(import.meta.dirname, '../../fixtures/iptables');
const variant = [['unshare', '-rn'], ['unshare', '-n']].find((prefix) => spawnSync(prefix[0]!, [...prefix.slice(1), 'iptables-save'], { encoding: 'utf8' }).status === 0);
const skip = missingTool('iptables-save') ?? (variant ? false : 'cannot run iptables-save inside an unshared network namespace here (user namespaces are not available)');
const noIpset = missingTool('ipset');
const skipScript = skip || (noIpset ? `valid-commands.sh calls ipset: ${noIpset}` : false);

const saveFixtures = readdirSync(dir).filter((f) => /\.rules$|^rules\.v[46]$/.test(f) && !f.startsWith('mistakes'));

for (const name of saveFixtures) {
  test(`${name} loaded by iptables-restore and printed by iptables-save parses back the same`, { skip }, () => {
    const text = readFileSync(join(dir, name), 'utf8');
    const six = name.endsWith('.v6');
    const tool = six ? 'ip6tables' : 'iptables';
    const result = spawnSync(variant![0]!, [...variant!.slice(1), 'sh', '-c', `${tool}-restore && ${tool}-save`], { input: text, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const original = parseIptables(text, { fileName: name }).model;
    const printed = parseIptables(result.stdout, { fileName: six ? 'rules.v6' : 'rules.v4' }).model;
    assert.deepEqual(printed.problems, []);
    for (const list of original.ruleLists) {
      const again = printed.ruleLists.find((l) => l.id === list.id);
      assert.ok(again, `${list.id} missing after iptables-save`);
      // iptables-save writes one rule per address of a comma list.
      const expected = list.rules.reduce((n, r) => n + Math.max(1, r.sources?.referenceIds.length ?? 1) * Math.max(1, r.destinations?.referenceIds.length ?? 1), 0);
      assert.equal(again.rules.length, expected, list.id);
      assert.equal(again.defaultAction, list.defaultAction, list.id);
    }
  });
}

test('valid-commands.sh runs under set -e in a namespace, parses with no problem, and matches what iptables-save holds', { skip: skipScript }, () => {
  const path = join(dir, 'valid-commands.sh');
  const result = spawnSync(variant![0]!, [...variant!.slice(1), 'sh', '-c', `sh ${path} && iptables-save && echo ==v6== && ip6tables-save`], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const model = parseIptables(readFileSync(path, 'utf8')).model;
  assert.deepEqual(model.problems.map((p) => `${p.range.start.line + 1} ${p.message}`), []);
  const [v4Text, v6Text] = result.stdout.split('==v6==');
  const v4 = parseIptables(v4Text!, { fileName: 'rules.v4' }).model;
  const v6 = parseIptables(v6Text!, { fileName: 'rules.v6' }).model;
  assert.deepEqual([...v4.problems, ...v6.problems], []);
  for (const list of model.ruleLists) {
    const saved = (list.families?.[0] === 6 ? v6 : v4).ruleLists.find((l) => l.id === list.id.replace(/^ip6:/, ''));
    const expected = list.rules.reduce((n, r) => n + Math.max(1, r.sources?.referenceIds.length ?? 1) * Math.max(1, r.destinations?.referenceIds.length ?? 1), 0);
    assert.equal(saved?.rules.length ?? 0, expected, list.id);
    assert.equal(saved?.defaultAction, list.defaultAction, list.id);
  }
});
