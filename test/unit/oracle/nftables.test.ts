import { test } from 'node:test';
import assert from 'node:assert/strict';
import { insertText } from '../render/cases';
import { allPolicies, fileCases, insertInto, type FileCase } from '../render/cases';
import { findRunner, runWith, withTempDir, writeFile } from './tools';

const PROBE_FILE = 'table inet endpoint_lens_probe {\n\tchain c {\n\t\ttype filter hook input priority filter; policy accept;\n\t}\n}\n';

/** `nft -c -f FILE` on each text; the probe decides whether it runs directly or in a namespace. */
function checkAll(texts: Array<[string, string]>): Array<{ label: string; status: number | null; output: string }> | string {
  return withTempDir((dir) => {
    const probe = writeFile(dir, 'probe.nft', PROBE_FILE);
    const runner = findRunner('nft', ['-c', '-f', probe], '');
    if ('skip' in runner) return runner.skip;
    return texts.map(([label, text], i) => {
      const path = writeFile(dir, `case-${i}.nft`, text);
      return { label, ...runWith(runner, 'nft', ['-c', '-f', path]) };
    });
  });
}

void test('nft -c accepts the ruleset with each policy inserted, with all of them, and each policy as a table of its own', (t) => {
  const target: FileCase = fileCases().find((f) => f.name === 'nftables.conf')!;
  const cases: Array<[string, string]> = [['broken on purpose', target.text.replace('policy drop;', 'policy dropp;')]];
  let all = target.text;
  for (const policy of allPolicies()) {
    cases.push([`nftables.conf ${policy.purpose}`, insertInto(target, policy).text]);
    all = insertText(target.dialect, all, policy);
    // In a file with no chain for it, the block is a table with its own base chain.
    const alone = insertText(target.dialect, '', policy);
    cases.push([`${policy.purpose} alone`, alone]);
  }
  cases.push(['nftables.conf with every block', all]);
  const results = checkAll(cases);
  if (typeof results === 'string') {
    t.skip(results);
    return;
  }
  const [broken, ...rest] = results;
  assert.notEqual(broken?.status, 0, 'the oracle refuses a broken file');
  for (const r of rest) assert.equal(r.status, 0, `${r.label}: ${r.output}`);
});
