import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../server/src/protocol';
import { FINDING_CODES } from '../../../server/src/analysis/finding';
import { DIALECTS } from '../../../server/src/dialects/all';

const root = join(__dirname, '..', '..', '..');
const readJson = (path: string): unknown => JSON.parse(readFileSync(join(root, path), 'utf8'));

interface Manifest {
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string; description: string; restrictedConfigurations: string[] } };
  contributes: {
    languages: Array<{ id: string; configuration: string; icon: { light: string; dark: string } }>;
    grammars: Array<{ language?: string; scopeName: string; path: string; injectTo?: string[] }>;
    commands: Array<{ command: string; title: string; category: string }>;
    menus: Record<string, Array<{ command: string }>>;
    configuration: { properties: Record<string, { default: unknown; properties?: Record<string, unknown> }> };
    walkthroughs: Array<{ steps: Array<{ media: { markdown?: string } }> }>;
  };
}
const manifest = readJson('package.json') as Manifest;
const en = readJson('package.nls.json') as Record<string, string>;
const da = readJson('package.nls.da.json') as Record<string, string>;

test('every %key% of the manifest has English and Danish text, and no text is unused', () => {
  const keys = new Set([...JSON.stringify(manifest).matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]));
  assert.ok(keys.size > 50);
  for (const key of keys) {
    assert.ok(key !== undefined && typeof en[key] === 'string' && en[key].length > 0, `English for ${key}`);
    assert.ok(typeof da[key] === 'string' && da[key].length > 0, `Danish for ${key}`);
  }
  assert.deepEqual(Object.keys(en).filter((k) => !keys.has(k)), []);
  assert.deepEqual(Object.keys(da).sort(), Object.keys(en).sort());
});

/** `catalog.autoUpdate` style names for every leaf of the settings shape the server reads. */
function settingNames(value: object, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, v] of Object.entries(value)) {
    // catalog and pac are groups of settings; every other object is one setting (a map).
    if ((key === 'catalog' || key === 'pac') && prefix === '') for (const [k, inner] of settingNames(v as object, `${key}.`)) out.set(k, inner);
    else out.set(prefix + key, v);
  }
  return out;
}

test('the contributed settings are exactly the fields of EndpointLensSettings, with the same defaults', () => {
  const expected = settingNames(DEFAULT_SETTINGS);
  const properties = manifest.contributes.configuration.properties;
  assert.deepEqual(Object.keys(properties).map((k) => k.replace(/^endpointLens\./, '')).sort(), [...expected.keys()].sort());
  for (const [name, value] of expected) assert.deepEqual(properties[`endpointLens.${name}`]?.default, value, name);
});

test('every finding code has a severity setting and every dialect a direction setting', () => {
  const severity = manifest.contributes.configuration.properties['endpointLens.severity']?.properties ?? {};
  assert.deepEqual(Object.keys(severity).sort(), [...FINDING_CODES].sort());
  const direction = manifest.contributes.configuration.properties['endpointLens.direction']?.properties ?? {};
  assert.deepEqual(Object.keys(direction).sort(), manifest.contributes.languages.map((l) => l.id).sort());
});

test('commands are in the Endpoint Lens category and menus name only contributed commands', () => {
  const ids = new Set(manifest.contributes.commands.map((c) => c.command));
  for (const c of manifest.contributes.commands) {
    assert.equal(c.category, '%command.category%', c.command);
    assert.match(c.title, /^%command\.[A-Za-z]+\.title%$/);
  }
  for (const [menu, entries] of Object.entries(manifest.contributes.menus)) {
    for (const entry of entries) assert.ok(ids.has(entry.command), `${menu}: ${entry.command}`);
  }
  const client = readdirSync(join(root, 'client', 'src')).map((f) => readFileSync(join(root, 'client', 'src', f), 'utf8')).join('\n');
  for (const id of ids) assert.ok(client.includes(`'${id}'`), `${id} is registered by the client`);
});

test('languages, grammars and walkthrough media point at files that exist and parse', () => {
  const languages = manifest.contributes.languages.map((l) => l.id);
  assert.deepEqual([...languages].sort(), DIALECTS.map((d) => d.language.id).sort());
  // A folder with a project config activates the extension too, so endpoint-lens.json is checked before any config file is opened.
  assert.deepEqual([...manifest.activationEvents].sort(), [...languages.map((l) => `onLanguage:${l}`), 'workspaceContains:**/endpoint-lens.json'].sort());
  for (const language of manifest.contributes.languages) {
    readJson(language.configuration);
    assert.ok(existsSync(join(root, language.icon.light)) && existsSync(join(root, language.icon.dark)), language.id);
  }
  for (const grammar of manifest.contributes.grammars) {
    const parsed = readJson(grammar.path) as { scopeName: string };
    assert.equal(parsed.scopeName, grammar.scopeName, grammar.path);
  }
  // nginx's own grammar must not take the scope name the nginx extensions use.
  const nginx = manifest.contributes.grammars.find((g) => g.language === 'nginx');
  assert.notEqual(nginx?.scopeName, 'source.nginx');
  assert.ok(manifest.contributes.grammars.some((g) => g.injectTo?.includes('source.nginx')));
  for (const walkthrough of manifest.contributes.walkthroughs) {
    for (const step of walkthrough.steps) if (step.media.markdown) assert.ok(existsSync(join(root, step.media.markdown)), step.media.markdown);
  }
});

test('untrusted workspaces are declared limited with a reason', () => {
  const untrusted = manifest.capabilities.untrustedWorkspaces;
  assert.equal(untrusted.supported, 'limited');
  assert.match(en[untrusted.description.slice(1, -1)] ?? '', /PAC/);
  for (const setting of untrusted.restrictedConfigurations) assert.ok(setting in manifest.contributes.configuration.properties, setting);
});

test('every client message has a Danish translation', () => {
  const danish = readJson('l10n/src/da/client.json') as Record<string, string>;
  const dir = join(root, 'client', 'src');
  const missing: string[] = [];
  for (const file of readdirSync(dir)) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of text.matchAll(/l10n\.t\(\s*(['"])((?:\\.|(?!\1).)*)\1/g)) {
      const message = (m[2] ?? '').replace(/\\(['"\\])/g, '$1');
      if (!(message in danish)) missing.push(`${file}: ${message}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('the languages, grammars, activation events, menus and per-dialect and per-code settings follow the dialect list', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'manifest.ts'), '--check'], { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
});
