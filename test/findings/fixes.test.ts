import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolveSettings } from '../../server/src/engine';
import { applyTextEdits } from '../../server/src/model/edit';
import { LineIndex } from '../../server/src/model/range';
import { planFix } from '../../server/src/render/fixes';
import { findingIdentity } from '../../server/src/render/verify';
import type { Finding } from '../../server/src/analysis/finding';
import { FixtureEngines, fixturePairs, readExpected, relativeName } from './harness';

const RANK = { error: 3, warning: 2, information: 1, hint: 0 } as const;

/**
 * Preferred fixes the write path cannot yet offer, each refused for the reason shown by the test
 * when it fails; there are none today, and the list may only shrink.
 */
const KNOWN_REFUSALS = new Set<string>([]);

/**
 * The write path's promise, over every findings fixture: each fix that is offered, applied to the
 * text on its own and analysed again by a fresh engine, removes its finding and adds nothing at
 * warning or above; a fix that would not is not offered, with a reason.
 */
void test('every offered fix of every fixture removes its finding and adds nothing at warning or above', async () => {
  const engines = new FixtureEngines();
  let offered = 0;
  const refused: string[] = [];
  for (const pair of fixturePairs()) {
    const expected = readExpected(pair.expectedPath);
    const engine = await engines.for(expected);
    const settings = resolveSettings(expected.settings ?? {});
    engine.trusted = !expected.untrusted;
    const text = readFileSync(pair.input, 'utf8');
    const detection = engine.detect(pair.input, text, { dialect: pair.dialect });
    assert.ok(detection);
    const analysis = engine.analyzeDocument(pair.input, text, settings, detection);
    const subject = engine.editSubject(pair.input, analysis, settings);
    for (const finding of analysis.findings) {
      for (const fix of finding.fixes) {
        const planned = planFix(subject, finding, fix);
        const label = `${relativeName(pair.input)}:${finding.range.start.line + 1} ${finding.code} "${fix.title}"`;
        if (!planned.ok) {
          assert.ok(planned.reason.length > 0, `${label}: a fix not offered says why`);
          if (fix.preferred) refused.push(label);
          if (fix.preferred) assert.ok(KNOWN_REFUSALS.has(label), `${label} is not offered: ${planned.reason}`);
          continue;
        }
        offered++;
        const edited = applyTextEdits(text, planned.edits);
        assert.notEqual(edited, text, `${label}: changes the text`);
        const after = engine.analyzeDocument(pair.input, edited, settings, detection);
        const count = (list: readonly Finding[], key: string): number => list.filter((f) => findingIdentity(f) === key).length;
        const target = findingIdentity(finding);
        assert.ok(count(after.findings, target) < count(analysis.findings, target), `${label}: the finding is gone`);
        const userLines = new Set(text.split(/\r?\n/).map((l) => l.trim()));
        const afterLines = new LineIndex(edited);
        for (const f of after.findings) {
          if (RANK[f.severity] < RANK.warning) continue;
          const key = findingIdentity(f);
          if (count(after.findings, key) <= count(analysis.findings, key)) continue;
          // The one new finding a fix may cause: a user's rule that stopped the traffic, now behind the inserted rules.
          const rule = after.model.ruleLists.flatMap((l) => l.rules).find((r) => r.range.start.line === f.range.start.line);
          const overridden = f.code === 'shadowed-rule' && rule !== undefined && rule.action.type !== 'accept' && userLines.has(afterLines.lineText(f.range.start.line).trim());
          assert.ok(overridden, `${label}: adds ${f.code} on line ${f.range.start.line + 1}: ${f.message}`);
        }
      }
    }
  }
  await engines.dispose();
  assert.ok(offered >= 45, `only ${offered} fixes were offered`);
  assert.deepEqual(refused.sort(), [...KNOWN_REFUSALS].sort(), 'every known refusal is still one');
});
