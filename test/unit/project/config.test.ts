import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { findProjectConfig, parseProjectConfig, settingsForFile } from '../../../server/src/project/config';
import { sanitiseSettings } from '../../../server/src/settings';
import { FINDING_CODES } from '../../../server/src/analysis/finding';

const ROOT = join(__dirname, '..', '..', '..');

const BAD = `{
  // Comments are allowed, as in VS Code's own settings files.
  "instance": "Mars",
  "noIPv6": "yes",
  "serviceAreas": ["Exchange", 7],
  "severity": { "stale-entry": "off", "made-up": "error", "shadowed-rule": "loud" },
  "direction": { "fw/*.rules.v4": "outbound", "nginx": "sideways", "iptables": "inbound" },
  "catalog": { "url": "https://example.invalid" },
  "colour": "blue",
  "estate": [
    { "name": "broken", "clients": ["10.0.0.0/33"], "pac": "missing.pac", "egress": [] }
  ]
}
`;

void test('bad values of endpoint-lens.json are config-problem findings at the value, and the defaults stand in for them', () => {
  const config = parseProjectConfig('/srv/site/endpoint-lens.json', BAD, () => false);
  const at = config.findings.map((f) => `${f.code} ${f.range.start.line + 1}:${f.range.start.character + 1} ${f.message}`);
  assert.deepEqual(at, [
    'config-problem 8:3 catalog is a setting of the editor, not of the project; set it in VS Code or on the command line.',
    'config-problem 3:15 instance must be one of Worldwide, USGovDoD, USGovGCCHigh, China, not "Mars".',
    'config-problem 5:32 Each entry of serviceAreas must be a string, not 7.',
    'config-problem 4:13 noIPv6 must be true or false, not "yes".',
    'config-problem 7:56 direction.nginx must be one of outbound, inbound, both, not "sideways".',
    `config-problem 6:50 Unknown finding code "made-up"; the codes are ${FINDING_CODES.join(', ')}.`,
    'config-problem 6:76 severity.shadowed-rule must be one of error, warning, information, hint, off, not "loud".',
    'config-problem 9:13 Unknown key colour in endpoint-lens.json; it is ignored.',
    'config-problem 11:37 "10.0.0.0/33" is not a network in CIDR notation.',
    'config-problem 11:60 missing.pac does not exist.',
    'config-problem 11:75 An estate needs egress: the firewall files between its clients and the internet.',
  ]);
  // What was valid is kept; what was not falls to the layer below.
  assert.deepEqual(config.settings, { serviceAreas: ['Exchange'], direction: { iptables: 'inbound' }, severity: { 'stale-entry': 'off' } });
  assert.deepEqual(config.directionGlobs, [{ glob: 'fw/*.rules.v4', direction: 'outbound' }]);
  assert.deepEqual(config.estates, []);
  const settings = settingsForFile('/srv/site/edge.rules', config, {});
  assert.equal(settings.instance, 'Worldwide');
  assert.equal(settings.noIPv6, false);
});

void test('a file that is not JSON is one syntax-error finding where it stops parsing, and none of it is used', () => {
  const config = parseProjectConfig('/x/endpoint-lens.json', '{\n  "noIPv6": true,\n  "instance" "China"\n}\n', () => false);
  assert.deepEqual(config.findings.map((f) => `${f.code} ${f.severity} ${f.range.start.line + 1}`), ['syntax-error error 3']);
  assert.deepEqual(config.settings, {});
});

void test('precedence: command line over endpoint-lens.json over editor settings over defaults; severity maps merge per code', () => {
  const config = parseProjectConfig('/srv/site/endpoint-lens.json', JSON.stringify({ instance: 'USGovDoD', tenantName: 'contoso', severity: { 'stale-entry': 'off' }, direction: { 'fw/**': 'outbound' } }), () => true);
  const editor = sanitiseSettings({ instance: 'China', includeOptional: true, tenantName: 'fabrikam', severity: { 'shadowed-rule': 'hint', 'stale-entry': 'error' } }).layer;
  const fromFile = settingsForFile('/srv/site/fw/edge.rules', config, editor);
  assert.equal(fromFile.instance, 'USGovDoD', 'the project config wins over the editor');
  assert.equal(fromFile.tenantName, 'contoso');
  assert.equal(fromFile.includeOptional, true, 'the editor fills what the file leaves out');
  assert.deepEqual(fromFile.severity, { 'shadowed-rule': 'hint', 'stale-entry': 'off' });
  assert.equal(fromFile.direction.iptables, 'outbound', 'a glob of the project config sets the direction of files it matches');
  assert.equal(settingsForFile('/srv/site/web/nginx.conf', config, editor).direction.nginx, undefined);
  const flagged = settingsForFile('/srv/site/fw/edge.rules', config, editor, { instance: 'Worldwide' });
  assert.equal(flagged.instance, 'Worldwide', 'a flag wins over the project config');
  assert.equal(settingsForFile('/srv/site/fw/edge.rules', undefined, {}).instance, 'Worldwide', 'the default without anything');
});

void test('the nearest endpoint-lens.json up the tree applies', () => {
  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-project-'));
  try {
    mkdirSync(join(dir, 'site', 'fw'), { recursive: true });
    writeFileSync(join(dir, 'endpoint-lens.json'), '{}');
    writeFileSync(join(dir, 'site', 'endpoint-lens.json'), '{}');
    assert.equal(findProjectConfig(join(dir, 'site', 'fw', 'edge.rules'), existsSync), join(dir, 'site', 'endpoint-lens.json'));
    assert.equal(findProjectConfig(join(dir, 'other.rules'), existsSync), join(dir, 'endpoint-lens.json'));
    assert.equal(findProjectConfig(join(dir, 'site', 'fw', 'edge.rules'), existsSync, join(dir, 'site', 'fw')), undefined, 'not past the workspace folder');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('the contributed schema accepts the README example and the fixtures, and refuses what the reader refuses', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'endpoint-lens.schema.json'), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const fixture = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'estate', 'branch', 'endpoint-lens.json'), 'utf8')) as unknown;
  assert.ok(validate(fixture), JSON.stringify(validate.errors));
  assert.equal(validate({ severity: { 'made-up': 'error' } }), false);
  assert.equal(validate({ noIPv6: 'yes' }), false);
  assert.equal(validate({ estate: [{ name: 'x', clients: [], pac: 'p', egress: ['f'] }] }), false);
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { jsonValidation: Array<{ fileMatch: string; url: string }> } };
  assert.deepEqual(manifest.contributes.jsonValidation, [{ fileMatch: 'endpoint-lens.json', url: './schemas/endpoint-lens.schema.json' }]);
});
