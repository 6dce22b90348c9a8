// The command line as a user meets it, through the CLI as a subprocess: help and usage errors,
// exit codes, the locale, and one catalogue per run whichever command is asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, inScratch, ROOT } from './subprocess';

const COMMANDS = ['check', 'pac-test', 'lookup', 'render', 'refs', 'update'];

void test('every command prints its usage for --help and -h and exits 0', () => {
  for (const command of COMMANDS) {
    for (const flag of ['--help', '-h']) {
      const run = cli([command, flag]);
      assert.equal(run.code, 0, `${command} ${flag}: ${run.err}`);
      assert.match(run.out, new RegExp(`^Usage: endpoint-lens ${command} `), `${command} ${flag}`);
      assert.equal(run.err, '');
    }
    assert.equal(cli(['help', command]).out, cli([command, '--help']).out);
  }
  const top = cli(['--help']);
  assert.equal(top.code, 0);
  for (const command of COMMANDS) assert.match(top.out, new RegExp(`^  ${command} +\\S`, 'm'));
  assert.equal(cli([]).code, 2);
});

void test('an unknown option prints what is wrong and the usage, and exits 2', () => {
  for (const [args, usage] of [
    [['check', 'examples', '--bogus'], 'check'],
    [['check', 'examples', '-x'], 'check'],
    [['lookup', '1.1.1.1', '--frobnicate'], 'lookup'],
    [['pac-test', 'examples/proxy.pac', '--format'], 'pac-test'],
    [['refs', 'examples/m365.nft', '--jason'], 'refs'],
    [['update', '--nope'], 'update'],
  ] as const) {
    const run = cli([...args]);
    assert.equal(run.code, 2, args.join(' '));
    assert.match(run.err, /^Unknown or incomplete option: -/, args.join(' '));
    assert.match(run.err, new RegExp(`Usage: endpoint-lens ${usage} `), args.join(' '));
    assert.equal(run.out, '');
  }
  const command = cli(['frobnicate']);
  assert.equal(command.code, 2);
  assert.match(command.err, /Unknown command "frobnicate"\.[^]*Usage: endpoint-lens <command>/);
});

void test('exit codes: 0 clean or below --fail-on, 1 findings at or above it, 2 usage and I/O errors; --fail-on never is documented', () => {
  assert.equal(cli(['check', 'examples/egress.rules.v4']).code, 1);
  assert.equal(cli(['check', 'examples/egress.rules.v4', '--fail-on', 'never']).code, 0);
  assert.equal(cli(['check', 'test/fixtures/findings/iptables/suppressed.rules.v4']).code, 0);
  assert.equal(cli(['check', 'test/fixtures/findings/iptables/suppressed.rules.v4', '--fail-on', 'warning']).code, 1);
  const bad = cli(['check', 'examples', '--fail-on', 'sometimes']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--fail-on must be error, warning, info or never\./);
  assert.match(cli(['check', '--help']).out, /--fail-on error\|warning\|info\|never/);
  const missing = cli(['check', 'no/such/file.rules']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /No such file or folder: no\/such\/file\.rules/);
});

void test('--locale da translates the top-level help and every command\'s usage; an unsupported locale is reported', () => {
  const english = cli(['--help']);
  const danish = cli(['--help', '--locale', 'da']);
  assert.equal(danish.code, 0);
  assert.match(danish.out, /^Brug: endpoint-lens <kommando> \[tilvalg\]/);
  // Every line that is not a command name differs from the English one.
  const pairs = english.out.split('\n').map((line, i) => [line, danish.out.split('\n')[i] ?? ''] as const);
  for (const [en, da] of pairs) if (/[a-z]{4}/.test(en.replace(/^ +\S+ +/, ''))) assert.notEqual(da, en, `untranslated: ${en}`);
  for (const command of COMMANDS) assert.match(cli([command, '--help', '--locale', 'da']).out, new RegExp(`^Brug: endpoint-lens ${command} `), command);
  const unsupported = cli(['--help', '--locale', 'fr']);
  assert.equal(unsupported.code, 2);
  assert.match(unsupported.err, /Unsupported locale "fr"; use one of en, da\./);
  const fromEnvironment = cli(['--help'], { env: { ENDPOINT_LENS_LOCALE: 'fr_FR.UTF-8' } });
  assert.equal(fromEnvironment.code, 0);
  assert.match(fromEnvironment.err, /ENDPOINT_LENS_LOCALE="fr_FR\.UTF-8" is not supported; using English/);
});

/** A cache folder holding the shipped Worldwide catalogue under another version, as `update` would leave it. */
function cacheWithVersion(dir: string, version: string): void {
  mkdirSync(dir, { recursive: true });
  const shipped = readFileSync(join(ROOT, 'catalog', 'worldwide.json'), 'utf8');
  writeFileSync(join(dir, 'worldwide.json'), shipped.replace(/"version": ?"\d{10}"/, `"version":"${version}"`));
}

void test('every command reads the same catalogue: the default cache when valid, --cache DIR, or --shipped', () => {
  inScratch('choice', (dir) => {
  const home = join(dir, 'xdg');
  cacheWithVersion(join(home, 'endpoint-lens'), '2099010100');
  cacheWithVersion(join(dir, 'other'), '2098010100');
  copyFileSync(join(ROOT, 'examples/proxy.pac'), join(dir, 'proxy.pac'));
  const versions = (extra: string[]): string[] => {
    const env = { XDG_CACHE_HOME: home };
    const check = JSON.parse(cli(['check', 'proxy.pac', '--format', 'json', ...extra], { cwd: dir, env }).out) as { catalog: { version: string } };
    const lookup = JSON.parse(cli(['lookup', '52.112.4.1', '--json', ...extra], { cwd: dir, env }).out) as { catalogs: Array<{ version: string }> };
    const pac = JSON.parse(cli(['pac-test', 'proxy.pac', '--format', 'json', ...extra], { cwd: dir, env }).out) as { catalog: { version: string } };
    const render = cli(['render', 'sets', '--dialect', 'pac', '--sets', '11', ...extra], { cwd: dir, env });
    const block = /BEGIN endpoint-lens sets-11 Worldwide (\d{10})/.exec(render.out)?.[1] ?? '';
    const header = /Catalogue Worldwide version (\d{10})/.exec(render.err)?.[1] ?? '';
    const text = /Catalogue Worldwide version (\d{10})/.exec(cli(['check', 'proxy.pac', ...extra], { cwd: dir, env }).out)?.[1] ?? '';
    return [check.catalog.version, lookup.catalogs[0]!.version, pac.catalog.version, block, header, text];
  };
  assert.deepEqual(versions([]), Array(6).fill('2099010100'), 'the default cache');
  assert.deepEqual(versions(['--cache', 'other']), Array(6).fill('2098010100'), '--cache DIR');
  const shipped = (JSON.parse(readFileSync(join(ROOT, 'catalog', 'worldwide.json'), 'utf8')) as { version: string }).version;
  assert.deepEqual(versions(['--shipped']), Array(6).fill(shipped), '--shipped');
  const json = JSON.parse(cli(['check', 'proxy.pac', '--format', 'json'], { cwd: dir, env: { XDG_CACHE_HOME: home } }).out) as { catalog: Record<string, unknown> };
  assert.deepEqual(json.catalog, { instance: 'Worldwide', version: '2099010100', capturedOn: '2026-08-14', versionInferred: false, source: 'cache', cacheDir: join(home, 'endpoint-lens') });
  const header = cli(['check', 'proxy.pac', '--fail-on', 'never'], { cwd: dir, env: { XDG_CACHE_HOME: home } }).out.split('\n')[0];
  assert.equal(header, `Catalogue Worldwide version 2099010100 of 2026-08-14 (downloaded copy in ${join(home, 'endpoint-lens')})`);
  assert.match(cli(['check', 'proxy.pac', '--shipped', '--cache', 'other'], { cwd: dir }).err, /--cache and --shipped exclude each other/);
  });
});
