// Rewrites test/fixtures/findings/**/*.expected.json from what the engine reports now. Run it only
// when a change of findings is intended, and review the diff: it is the change in behaviour.
import { existsSync, writeFileSync } from 'node:fs';
import { FixtureEngines, findingsOf, fixturePairs, readExpected, relativeName, type ExpectedFindings } from '../test/findings/harness';

/** The part of a message a fixture pins: long enough to be specific, short enough to survive rewording elsewhere. */
function fragment(message: string): string {
  return message.length <= 70 ? message : message.slice(0, 70);
}

void (async () => {
  const engines = new FixtureEngines();
  const only = process.argv.slice(2);
  for (const pair of fixturePairs()) {
    if (only.length > 0 && !only.some((o) => pair.input.includes(o))) continue;
    const previous: ExpectedFindings = existsSync(pair.expectedPath) ? readExpected(pair.expectedPath) : { findings: [] };
    const findings = findingsOf(await engines.for(previous), pair, previous).map((f) => {
      const line = f.range.start.line + 1;
      const kept = previous.findings.find((p) => p.code === f.code && p.line === line && f.message.includes(p.message));
      return { code: f.code, line, message: kept ? kept.message : fragment(f.message) };
    });
    const next: ExpectedFindings = {
      ...(previous.catalog ? { catalog: previous.catalog } : {}),
      ...(previous.asOf ? { asOf: previous.asOf } : {}),
      ...(previous.settings ? { settings: previous.settings } : {}),
      ...(previous.untrusted ? { untrusted: true } : {}),
      findings,
    };
    writeFileSync(pair.expectedPath, JSON.stringify(next, null, 2) + '\n');
    console.log(`${relativeName(pair.expectedPath)}: ${findings.length} finding(s)`);
  }
  await engines.dispose();
})();
