import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../server/src/cli/render';
import type { CliIo } from '../../../server/src/cli/io';
import { findManagedBlocks } from '../../../server/src/model/managedBlock';
import { FIXTURES, fixture } from './cases';

const emptyCache = mkdtempSync(join(tmpdir(), 'endpoint-lens-cli-'));
process.on('exit', () => rmSync(emptyCache, { recursive: true, force: true }));

async function render(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (text) => (out += text.endsWith('\n') ? text : text + '\n'), err: (text) => (err += text + '\n'), cwd: FIXTURES };
  const code = await run([...argv, '--cache', emptyCache], io);
  return { code, out, err };
}

void test('render prints the managed block of a policy in the chosen dialect', async () => {
  const result = await render('exchange-hybrid', '--dialect', 'nftables', '--features', 'mail-flow', '--server', '192.0.2.10', '--server', '2001:db8::10');
  assert.equal(result.code, 0, result.err);
  const [block] = findManagedBlocks(result.out, '#').blocks;
  assert.equal(block?.purpose, 'exchange-hybrid-inbound');
  assert.equal(block?.instance, 'Worldwide');
  assert.deepEqual(block?.parameters, { features: ['mail-flow'], servers: ['192.0.2.10/32', '2001:db8::10/128'] });
  assert.match(result.out, /40\.92\.0\.0\/15/);

  const gcc = await render('exchange-hybrid', '--dialect', 'cisco', '--features', 'hybrid-configuration-wizard', '--instance', 'gcchigh');
  assert.equal(gcc.code, 0, gcc.err);
  assert.match(gcc.out, /! BEGIN endpoint-lens exchange-hybrid-outbound USGovGCCHigh /);
  assert.match(gcc.out, /40\.118\.209\.192/);

  const sets = await render('sets', '--dialect', 'pac', '--service-areas', 'Skype', '--categories', 'Optimize,Allow');
  assert.equal(sets.code, 0, sets.err);
  assert.match(sets.out, /\/\/ BEGIN endpoint-lens sets-skype-optimize-allow Worldwide /);
});

void test('render --into prints the file with the block where it takes effect, and again gives the same file', async () => {
  const first = await render('graph-notifications', '--dialect', 'iptables', '--into', 'iptables-save.rules');
  assert.equal(first.code, 0, first.err);
  assert.match(first.err, /before the rule on line \d+ of INPUT/);
  const original = fixture('iptables-save.rules');
  const block = findManagedBlocks(first.out, '#').blocks.find((b) => b.purpose === 'graph-notifications');
  assert.ok(block);
  assert.equal(first.out.slice(0, block.startOffset) + first.out.slice(block.endOffset), original);

  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-into-'));
  try {
    const path = join(dir, 'rules.v4');
    writeFileSync(path, first.out);
    const second = await render('graph-notifications', '--dialect', 'iptables', '--into', path);
    assert.equal(second.code, 0, second.err);
    assert.equal(second.out, first.out);
    assert.match(second.err, /already up to date/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The editor's "Insert rules for endpoint sets" on the shipped example: an inserted IPv6 Teams line
// once made the TCP list's IPv6 gap a new finding, and verification refused the whole insert.
void test('set 11 inserted into the nftables example is verified and applied', async () => {
  const example = join(__dirname, '..', '..', '..', 'examples', 'm365.nft');
  const result = await render('sets', '--dialect', 'nftables', '--sets', '11', '--into', example);
  assert.equal(result.code, 0, result.err);
  assert.match(result.err, /Inserted the managed block "sets-11" \(1 entry, catalogue \d{10}\)/);
  const block = findManagedBlocks(result.out, '#').blocks.find((b) => b.purpose === 'sets-11');
  assert.ok(block, 'the block is in the printed file');
  assert.match(result.out.slice(block.startOffset, block.endOffset), /2603:1063::\/38/);
});

void test('exchange-hybrid without --features renders every feature and says so', async () => {
  const result = await render('exchange-hybrid', '--dialect', 'cisco', '--server', '192.0.2.10');
  assert.equal(result.code, 0, result.err);
  assert.match(result.err, /No --features given: rendering every Exchange hybrid feature \(mailbox-migration, free-busy, hybrid-configuration-wizard, autodiscover, hybrid-authentication, mail-flow\)/);
  const purposes = findManagedBlocks(result.out, '!').blocks.map((b) => `${b.purpose} ${(b.parameters.features ?? []).join(',')}`);
  assert.deepEqual(purposes, ['exchange-hybrid-inbound mailbox-migration,free-busy,autodiscover,mail-flow', 'exchange-hybrid-outbound hybrid-configuration-wizard,hybrid-authentication']);
});

void test('usage errors exit 2 with a message that names the problem', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--dialect', 'nginx'], /Name the policy/],
    [['firewall', '--dialect', 'nginx'], /Unknown policy "firewall"/],
    [['sets', '--sets', '1'], /--dialect is required/],
    [['sets', '--dialect', 'pf', '--sets', '1'], /Unknown dialect "pf"/],
    [['sets', '--dialect', 'nginx', '--sets', 'one'], /--sets needs endpoint set numbers, not "one"/],
    [['sets', '--dialect', 'nginx', '--sets', '1', '--features', 'mail-flow'], /--features does not apply to the sets policy/],
    [['sets', '--dialect', 'nginx', '--sets', '1', '--instance', 'Mars'], /Unknown instance "Mars"/],
    [['sets', '--dialect', 'nginx', '--sets', '99999'], /no endpoint set 99999/],
    [['exchange-hybrid', '--dialect', 'nginx'], /rendering every Exchange hybrid feature[^]*need the on-premises server address/],
    [['exchange-hybrid', '--dialect', 'nginx', '--features', 'free-busy', '--server', '10.0.0.300'], /"10\.0\.0\.300" is not an IP address or CIDR/],
    [['exchange-hybrid', '--dialect', 'nginx', '--features', 'free-busy'], /need the on-premises server address/],
    [['graph-notifications', '--dialect', 'nginx', '--bogus'], /Unknown or incomplete option: --bogus[^]*Usage: endpoint-lens render/],
    [['graph-notifications', '--dialect', 'nginx', '--into', 'no-such-file.conf'], /no-such-file\.conf does not exist/],
  ];
  for (const [argv, message] of cases) {
    const result = await render(...argv);
    assert.equal(result.code, 2, argv.join(' '));
    assert.match(result.err, message, argv.join(' '));
    assert.equal(result.out, '', argv.join(' '));
  }
});
