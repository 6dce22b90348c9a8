// `check --format sarif` as code scanning reads it, through the CLI as a subprocess.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv-draft-04';
import { FINDING_CODES } from '../../../server/src/analysis/finding';
import { cli, inScratch, ROOT } from './subprocess';

interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: Region } }>;
  partialFingerprints: Record<string, string>;
  fixes?: Array<{ description: { text: string }; artifactChanges: Array<{ artifactLocation: { uri: string }; replacements: Array<{ deletedRegion: Region; insertedContent: { text: string } }> }> }>;
}

interface SarifLog {
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; rules: Array<{ id: string; shortDescription: { text: string }; fullDescription: { text: string }; helpUri: string; defaultConfiguration: { level: string } }> } };
    originalUriBaseIds: Record<string, { uri: string }>;
    results: SarifResult[];
  }>;
}

function sarif(cwd: string, ...paths: string[]): SarifLog {
  const run = cli(['check', ...paths, '--format', 'sarif', '--fail-on', 'never'], { cwd });
  assert.equal(run.code, 0, run.err);
  return JSON.parse(run.out) as SarifLog;
}

const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
// One of the schema's patterns is not valid as a Unicode regular expression.
const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false, logger: false }).compile(schema);

void test('SARIF: valid 2.1.0, a rule with metadata for every code, URIs relative to SRCROOT', () => {
  const log = sarif(ROOT, 'examples');
  assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5)));
  assert.equal(validate({ ...log, version: '2.0.0' }), false, 'the validator does reject a wrong document');
  const run = log.runs[0]!;
  assert.deepEqual(run.tool.driver.rules.map((r) => r.id), [...FINDING_CODES]);
  for (const rule of run.tool.driver.rules) {
    assert.ok(rule.shortDescription.text.length > 10 && rule.fullDescription.text.length > rule.shortDescription.text.length, rule.id);
    assert.equal(rule.helpUri, `https://github.com/endpoint-lens/endpoint-lens/blob/main/README.md#${rule.id}`);
    assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level));
  }
  assert.equal(run.tool.driver.rules.find((r) => r.id === 'not-analysed')?.defaultConfiguration.level, 'warning');
  assert.deepEqual(run.originalUriBaseIds, { SRCROOT: { uri: pathToFileURL(`${ROOT}/`).href } });
  const locations = run.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation);
  // Every example (one per dialect) has findings.
  const examples = readdirSync(join(ROOT, 'examples')).sort().map((f) => `SRCROOT examples/${f}`);
  assert.deepEqual([...new Set(locations.map((l) => `${l.uriBaseId} ${l.uri}`))].sort(), examples);
  for (const r of run.results) assert.equal(run.tool.driver.rules[r.ruleIndex]!.id, r.ruleId);
});

void test('SARIF: a quick fix comes as `fixes` whose replacement is the fix itself', () => {
  const log = sarif(ROOT, 'examples/egress.rules.v4');
  const hostBits = log.runs[0]!.results.find((r) => r.ruleId === 'host-bits-set')!;
  assert.deepEqual(hostBits.fixes, [
    {
      description: { text: 'Change to 40.108.128.0/17' },
      artifactChanges: [
        {
          artifactLocation: { uri: 'examples/egress.rules.v4', uriBaseId: 'SRCROOT' },
          replacements: [{ deletedRegion: { startLine: 18, startColumn: 64, endLine: 18, endColumn: 79 }, insertedContent: { text: '40.108.128.0/17' } }],
        },
      ],
    },
  ]);
  const blocked = log.runs[0]!.results.filter((r) => r.ruleId === 'blocked-required');
  assert.ok(blocked.length > 0 && blocked.every((r) => r.fixes?.[0]?.artifactChanges[0]?.replacements.some((x) => x.insertedContent.text.includes('BEGIN endpoint-lens'))));
});

void test('SARIF fingerprints stay the same across runs and when a line is inserted above', () => {
  inScratch('sarif', (dir) => {
  cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
  const first = sarif(dir, 'examples');
  assert.deepEqual(sarif(dir, 'examples'), first, 'the same log twice');
  for (const name of readdirSync(join(dir, 'examples'))) {
    const path = join(dir, 'examples', name);
    const comment = name.endsWith('.pac') ? '// reviewed\n' : name.endsWith('.asa') ? '! reviewed\n' : '# reviewed\n';
    writeFileSync(path, comment + readFileSync(path, 'utf8'));
  }
  const shifted = sarif(dir, 'examples');
  const key = (r: SarifResult): string => `${r.ruleId} ${r.partialFingerprints.primaryLocationLineHash}`;
  const before = first.runs[0]!.results;
  const after = shifted.runs[0]!.results;
  assert.equal(after.length, before.length);
  assert.deepEqual(after.map(key).sort(), before.map(key).sort());
  assert.equal(new Set(before.map(key)).size, before.length, 'every result has its own fingerprint');
  for (const r of after) {
    const same = before.find((b) => key(b) === key(r))!;
    assert.equal(r.locations[0]!.physicalLocation.region.startLine, same.locations[0]!.physicalLocation.region.startLine + 1, r.message.text);
  }
  });
});
