import { test } from 'node:test';
import assert from 'node:assert/strict';
import { insertText } from '../render/cases';
import { allPolicies, fileCases, insertInto, serverOutsideFamily, type FileCase } from '../render/cases';
import { findRunner, missingTool, namespaceForScripts, run, runWith, withTempDir, writeFile } from './tools';

const PROBE = '*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n';
const restore4 = findRunner('iptables-restore', ['--test'], PROBE);
const restore6 = findRunner('ip6tables-restore', ['--test'], PROBE);

function file(name: string): FileCase {
  return fileCases().find((f) => f.name === name)!;
}

function everyBlock(target: FileCase): string {
  let text = target.text;
  for (const policy of allPolicies()) text = insertText(target.dialect, text, policy);
  return text;
}

for (const [name, command, runner] of [
  ['iptables-save.rules', 'iptables-restore', restore4],
  ['ip6tables-save.rules', 'ip6tables-restore', restore6],
] as const) {
  void test(`${command} --test accepts ${name} with each policy inserted, and with all of them`, (t) => {
    if ('skip' in runner) {
      t.skip(runner.skip);
      return;
    }
    const target = file(name);
    // The oracle must be able to say no.
    assert.notEqual(runWith(runner, command, ['--test'], target.text.replace('-A INPUT -i lo', '-A INPUT -s 10.0.0.0/33')).status, 0);
    for (const policy of allPolicies()) {
      if (serverOutsideFamily(target, policy)) continue;
      const { text } = insertInto(target, policy);
      const result = runWith(runner, command, ['--test'], text);
      assert.equal(result.status, 0, `${name} ${policy.purpose}: ${result.output}`);
    }
    const all = everyBlock(target);
    const result = runWith(runner, command, ['--test'], all);
    assert.equal(result.status, 0, `${name} with every block: ${result.output}`);
  });
}

void test('the firewall script with every block runs in a network namespace and loads every generated rule', (t) => {
  const namespace = namespaceForScripts();
  if ('skip' in namespace) {
    t.skip(namespace.skip);
    return;
  }
  const script = everyBlock(file('firewall.sh'));
  const noIpset = script.includes('\nipset ') ? missingTool('ipset') : undefined;
  if (noIpset) {
    t.skip(`the script uses ipset: ${noIpset}`);
    return;
  }
  const generated = (family: 4 | 6): number =>
    script.split('\n').filter((l) => l.startsWith(family === 4 ? 'iptables -A' : 'ip6tables -A') && l.includes('--comment "endpoint-lens')).length;
  assert.ok(generated(4) > 0 && generated(6) > 0);
  withTempDir((dir) => {
    const path = writeFile(dir, 'firewall.sh', script);
    const result = run('unshare', ['-rn', 'sh', '-c', `sh -e '${path}' && echo '--- v4' && iptables-save && echo '--- v6' && ip6tables-save`]);
    assert.equal(result.status, 0, result.output);
    const [, v4 = '', v6 = ''] = result.output.split(/^--- v[46]$/m);
    const loaded = (dump: string): number => dump.split('\n').filter((l) => l.startsWith('-A ') && /--comment "?endpoint-lens/.test(l)).length;
    assert.equal(loaded(v4), generated(4));
    assert.equal(loaded(v6), generated(6));
    // The generated rules sit in front of the final drops, where the script put them.
    const input = v4.split('\n').filter((l) => l.startsWith('-A INPUT'));
    assert.ok(input.findIndex((l) => l.includes('endpoint-lens')) < input.findIndex((l) => l === '-A INPUT -j DROP'));
  });
});
