import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyserFor, fixedText, gatewayCases, insertedTexts } from '../../gateways/harness';
import { findRunner, runWith, withTempDir, writeFile } from './tools';

const PROBE = 'table inet endpoint_lens_probe {\n\tchain c {\n\t\ttype filter hook output priority filter; policy accept;\n\t}\n}\n';

/**
 * The nftables gateway corpus as nft itself reads it: `nft -c -f` (check only, nothing is loaded)
 * accepts each configuration as it is, with every verified fix applied, and with each insert that
 * was applied. A text nft refuses shows the oracle can fail.
 */
void test('nft -c accepts every nftables gateway, fixed and with each insert', async (t) => {
  const texts: Array<[string, string]> = [['broken on purpose', 'table inet x {\n\tchain c {\n\t\tip daddr 10.0.0.0/33 accept\n\t}\n}\n']];
  for (const gateway of gatewayCases('nftables')) {
    const analysed = await analyserFor(gateway);
    texts.push([gateway.name, gateway.text]);
    const fixed = fixedText(gateway, analysed);
    if (fixed.text !== gateway.text) texts.push([`${gateway.name} with every fix`, fixed.text]);
    for (const inserted of insertedTexts(gateway, analysed)) if (inserted.applied) texts.push([inserted.label, inserted.text]);
  }
  assert.ok(texts.length >= 12, `only ${texts.length} texts`);
  const results = withTempDir((dir) => {
    const runner = findRunner('nft', ['-c', '-f', writeFile(dir, 'probe.nft', PROBE)], '');
    if ('skip' in runner) return `${runner.skip}; install the Debian package nftables`;
    return texts.map(([label, text], i) => ({ label, ...runWith(runner, 'nft', ['-c', '-f', writeFile(dir, `case-${i}.nft`, text)]) }));
  });
  if (typeof results === 'string') {
    t.skip(results);
    return;
  }
  const [broken, ...rest] = results;
  assert.notEqual(broken?.status, 0, 'nft refuses a broken ruleset');
  for (const r of rest) assert.equal(r.status, 0, `${r.label}: ${r.output}`);
});
