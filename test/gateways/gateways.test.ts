import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { analyserFor, atWarningOrAbove, fixedText, gatewayCases, insertedTexts } from './harness';

const CLI = join(__dirname, '..', '..', 'bin', 'endpoint-lens.js');

/** The CLI flags that give `check` a case's settings; a setting the CLI has no flag for fails the case. */
function settingFlags(settings: Record<string, unknown>): string[] {
  const flags: string[] = [];
  for (const [key, value] of Object.entries(settings)) {
    if (key === 'tenantRestrictions' && value === true) flags.push('--tenant-restrictions');
    else if (key === 'includeOptional' && value === true) flags.push('--include-optional');
    else if (key === 'serviceAreas' && Array.isArray(value)) flags.push('--service-areas', value.join(','));
    else if (key === 'categories' && Array.isArray(value)) flags.push('--categories', value.join(','));
    else if (key === 'tenantName' && typeof value === 'string') flags.push('--tenant', value);
    else if (key === 'instance' && typeof value === 'string') flags.push('--instance', value);
    else assert.fail(`setting ${key} has no check flag`);
  }
  return flags;
}

/**
 * Realistic gateways (forward paths, log-and-drop chains, destination NAT, explicit denies,
 * stream and http servers, every PAC function form): every verified fix applied leaves exactly the
 * expected findings, the CLI's --fix writes the same text, and each insert command takes effect
 * or says why it cannot. The real tools check the results in the oracle tests.
 */
for (const gateway of gatewayCases()) {
  void test(`gateway ${gateway.name}: fixes and inserts take effect`, async () => {
    const analysed = await analyserFor(gateway);
    const before = analysed.analyse(gateway.text);
    const fixed = fixedText(gateway, analysed);
    assert.ok(fixed.applied > 0 || gateway.expectation.afterFix.length === atWarningOrAbove(before.findings).length, `${gateway.name}: some fix applies`);
    assert.deepEqual(atWarningOrAbove(analysed.analyse(fixed.text).findings), gateway.expectation.afterFix, `${gateway.name}: findings after every fix`);

    const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-gateway-'));
    try {
      const copy = join(dir, basename(gateway.path));
      copyFileSync(gateway.path, copy);
      const args = [CLI, 'check', copy, '--dialect', gateway.dialect, '--fix', '--format', 'json', '--fail-on', 'never'];
      if (gateway.expectation.direction) args.push('--direction', gateway.expectation.direction);
      args.push(...settingFlags(gateway.expectation.settings ?? {}));
      const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(readFileSync(copy, 'utf8'), fixed.text, `${gateway.name}: check --fix writes what the editor's fix-all gives`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    for (const [i, inserted] of insertedTexts(gateway, analysed).entries()) {
      const expected = gateway.expectation.inserts![i]!;
      assert.equal(inserted.applied, expected.applied, `${inserted.label}: ${inserted.summary}`);
      if (expected.summary) assert.ok(inserted.summary.includes(expected.summary), `${inserted.label}: ${inserted.summary}`);
    }
  });
}
