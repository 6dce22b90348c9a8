import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './runCli';
import { updateCatalog } from '../../../server/src/catalog/update';
import { CHANGES_SCENARIO, FakeWebService, serveScenario } from '../update/fakeService';

/**
 * The change scenario end to end: the update client fetches it from a fake web service on
 * 127.0.0.1, then `check --as-of`, `changes`, `lookup --history` and `render` read the cache.
 * Every day is given, so nothing depends on when the test runs.
 */

const ROOT = join(__dirname, '..', '..', '..');
const TEAMS = 'test/fixtures/findings/iptables/changes-teams-egress.rules.v4';
const EWS = 'test/fixtures/findings/nginx/changes-ews-allow.conf';
const service = new FakeWebService();
let cache = '';

function run(args: string[], cwd = ROOT): Promise<{ code: number; out: string; err: string }> {
  return runCli(args, cwd);
}

interface CheckJson {
  files: Array<{ findings: Array<{ code: string; line: number; message: string }> }>;
}

function findings(out: string): Array<{ code: string; line: number; message: string }> {
  return (JSON.parse(out) as CheckJson).files.flatMap((f) => f.findings);
}

const TEAMS_SCOPE = ['--service-areas', 'Skype', '--categories', 'Optimize,Allow'];

before(async () => {
  await service.start();
  serveScenario(service);
  cache = mkdtempSync(join(tmpdir(), 'endpoint-lens-changes-'));
  // As the update command does, with the day the service answers on given instead of read from the clock.
  const updated = await updateCatalog({ baseUrl: service.baseUrl, instance: 'Worldwide', cacheDir: cache, force: true, now: () => new Date(CHANGES_SCENARIO.servedOn) });
  assert.equal(updated.status, 'updated', updated.message);
  assert.deepEqual(
    service.requests.map((r) => r.path),
    ['/version/Worldwide', '/endpoints/Worldwide', `/changes/Worldwide/${CHANGES_SCENARIO.previousVersion}`],
  );
});

after(async () => {
  await service.stop();
  rmSync(cache, { recursive: true, force: true });
});

test('check --as-of: before the effective date an announced addition is pending-addition, from that day on it is blocked-required', async () => {
  const early = await run(['check', TEAMS, '--cache', cache, '--as-of', '2026-11-26', '--format', 'json', ...TEAMS_SCOPE]);
  const pending = findings(early.out).filter((f) => f.code === 'pending-addition');
  assert.deepEqual(
    pending.map((f) => f.line),
    [5, 5],
    'sets 11 and 12, at the OUTPUT policy that would drop them',
  );
  assert.match(pending[0]!.message, /gains UDP 3478-3481, 50000-50059 to 52\.120\.0\.0\/16 on 2026-12-01 \(in 5 days; announced in version 2026120100\)/);
  assert.ok(!findings(early.out).some((f) => f.code === 'blocked-required' && f.message.includes('52.120.0.0/16')), 'not blocked yet');

  const eve = await run(['check', TEAMS, '--cache', cache, '--as-of', '2026-11-30', '--format', 'json', ...TEAMS_SCOPE]);
  assert.ok(findings(eve.out).some((f) => f.code === 'pending-addition' && f.message.includes('(in 1 day;')));

  const late = await run(['check', TEAMS, '--cache', cache, '--as-of', '2026-12-01', '--format', 'json', ...TEAMS_SCOPE]);
  assert.deepEqual(findings(late.out).filter((f) => f.code === 'pending-addition'), []);
  const blocked = findings(late.out).filter((f) => f.code === 'blocked-required' && f.message.includes('52.120.0.0/16'));
  assert.deepEqual(
    blocked.map((f) => f.message.slice(0, 40)),
    ['Required Microsoft 365 endpoint set 11 (', 'Required Microsoft 365 endpoint set 12 ('],
  );
  assert.equal(late.code, 1);
});

test('check --as-of refuses what is not a day', async () => {
  for (const day of ['2026-13-01', '2026-02-30', 'tomorrow', '20261201']) {
    const result = await run(['check', TEAMS, '--as-of', day]);
    assert.equal(result.code, 2, day);
    assert.match(result.err, /--as-of needs a day written YYYY-MM-DD/);
  }
});

test('the "allow now" fix of pending-addition makes the finding go away', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-allow-now-'));
  try {
    const file = join(dir, 'egress.rules.v4');
    copyFileSync(join(ROOT, TEAMS), file);
    const args = ['check', file, '--cache', cache, '--as-of', '2026-11-26', '--format', 'json', ...TEAMS_SCOPE];
    assert.ok(findings((await run(args, dir)).out).some((f) => f.code === 'pending-addition'));
    await run([...args, '--fix'], dir);
    assert.deepEqual(findings((await run(args, dir)).out).filter((f) => f.code === 'pending-addition'), []);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /-d 52\.120\.0\.0\/16 -m multiport --dports 3478:3481,50000:50059/, 'set 11 with its announced range and its new ports');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('changes (text): web-service changes and their effect on the given files, then the other-endpoints rows', async () => {
  const { code, out } = await run(['changes', TEAMS, EWS, '--cache', cache, '--as-of', '2026-11-26']);
  assert.equal(code, 0);
  assert.match(out, /^# Catalogue changes for Worldwide since version 2026081400\n/);
  assert.match(out, /Version in use: 2026120100 \(captured 2026-11-26\)\./);
  assert.match(out, /## Set 1: Exchange Online \(Exchange, Optimize, required\)\n\n- 1 IP range added to set 1, effective 2026-12-15: `40\.112\.0\.0\/16`\n(?: {2}- [^\n]+\n)* {2}- not permitted by test\/fixtures\/findings\/nginx\/changes-ews-allow\.conf line 25\n/);
  assert.match(out, /- 1 IP range removed from set 9: `104\.47\.0\.0\/17`\n {2}- still named by test\/fixtures\/findings\/nginx\/changes-ews-allow\.conf line 24\n/);
  assert.match(out, /- udpPorts changed from 3478, 3479, 3480, 3481 to 3478-3481, 50000-50059 in set 11\./);
  assert.match(out, /- category changed from Allow to Default in set 46\.\n {2}- still named by test\/fixtures\/findings\/iptables\/changes-teams-egress\.rules\.v4 line 15/);
  assert.match(out, /## Other endpoints \(revision 2025-01-08, shipped with Endpoint Lens 0\.1\.0\)\n\nThese rows have no feed; they change only when a new release of Endpoint Lens ships them\.\n\nNo row changed after 2026-08-14\./);
});

test('changes --since a day lists the other-endpoints row revisions since then', async () => {
  const { out } = await run(['changes', '--cache', cache, '--since', '2022-01-31']);
  assert.match(out, /since version 2025120100\n/, 'web-service changes start at the oldest stored version');
  assert.match(out, /- Row 23 \(Microsoft Graph change notifications delivered to the subscriber endpoint\.\): \+38 addresses, \+16 CIDRs, −12 addresses on 2025-01-08: public cloud list from 64 to 106 entries/);
  assert.match(out, /- Row 24 \([^)]+\): −1 address on 2025-01-08: 13\.107\.4\.52 dropped/);
  assert.match(out, /- Row 25 \([^\n]+\): added on 2025-01-08\n/);
  assert.match(out, /- Row 3 \([^\n]+\): reworded on 2025-01-08 \("Azure AD Connect" renamed "Microsoft Entra Connect"\)\n/);
  assert.ok(!/- Row 12 /.test(out), 'a row no revision changed is not listed');
  assert.ok(out.indexOf('## Set 11') < out.indexOf('## Other endpoints'));
});

interface ChangesJson {
  version: string;
  since: string;
  otherEndpoints: { revision: string; release: string };
  webService: Array<{ id: number; setId: number; impact?: string; effectiveDate?: string; added: { ips: string[] }; removed: { ips: string[] }; previous?: Record<string, unknown>; current?: Record<string, unknown>; fromRecords: boolean; effects: string[] }>;
  otherEndpointsChanges: Array<{ row: number; date: string; release: string; rowAdded?: boolean; groups: Array<{ instances: string[]; added: { ips: string[] }; removed: { ips: string[] } }>; effects: string[] }>;
  files: string[];
}

test('changes --format json: records with their impact and effects, row revisions by group', async () => {
  const { code, out } = await run(['changes', EWS, '--cache', cache, '--as-of', '2026-11-26', '--since', '2024-12-31', '--format', 'json']);
  assert.equal(code, 0);
  const report = JSON.parse(out) as ChangesJson;
  assert.equal(report.version, '2026120100');
  assert.equal(report.since, '2025120100');
  assert.deepEqual(report.otherEndpoints, { revision: '2025-01-08', release: '0.1.0' });
  assert.deepEqual(report.files, [EWS]);
  const exchange = report.webService.find((c) => c.id === 12003)!;
  assert.deepEqual(
    { setId: exchange.setId, impact: exchange.impact, effectiveDate: exchange.effectiveDate, added: exchange.added.ips, fromRecords: exchange.fromRecords, effects: exchange.effects },
    { setId: 1, impact: 'AddedIp', effectiveDate: '2026-12-15', added: ['40.112.0.0/16'], fromRecords: true, effects: [`not permitted by ${EWS} line 25`] },
  );
  const moved = report.webService.find((c) => c.id === 12009)!;
  assert.deepEqual([moved.impact, moved.previous, moved.current], ['MovedIpOrUrl', { category: 'Allow' }, { category: 'Default' }]);
  const graph = report.otherEndpointsChanges.find((r) => r.row === 23)!;
  assert.equal(graph.date, '2025-01-08');
  assert.deepEqual(
    graph.groups.map((g) => [g.instances, g.added.ips.length, g.removed.ips.length]),
    [[['Worldwide'], 54, 12]],
    'only the Worldwide group of row 23 for the Worldwide catalogue',
  );
  assert.equal(report.otherEndpointsChanges.find((r) => r.row === 25)?.rowAdded, true);
});

test('changes: usage errors exit 2', async () => {
  assert.equal((await run(['changes', '--since', 'last week'])).code, 2);
  assert.equal((await run(['changes', '--format', 'xml'])).code, 2);
  const missing = await run(['changes', 'no/such/file.rules', '--cache', cache]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /No such file or folder/);
});

test('lookup --history: since when a set has had its id and its entries', async () => {
  const text = await run(['lookup', '52.112.1.1', '--history', '--cache', cache]);
  assert.match(text.out, /Set 11 has had this id since version 2025120100 \(2025-12-01, the oldest version stored; it may go back further\)\./);
  assert.match(text.out, /Its addresses and URLs are the current ones since version 2026120100 \(2026-11-26\)\./);
  assert.match(text.out, /Version 2026120100: \+1 IP range, UDP ports 3478-3481 → 3478-3481,50000-50059 \(AddedIp, OtherNonPriorityChanges\)\./);
  assert.match(text.out, /52\.112\.0\.0\/14 is in set 11 since version 2025120100/);
  const moved = await run(['lookup', '*.static.microsoft', '--history', '--json', '--cache', cache]);
  const history = (JSON.parse(moved.out) as { history: Array<{ setId: number; idSince: { version: string }; movedIn: Array<{ entry: string; fromSetId: number; version: string }> }> }).history;
  assert.deepEqual(
    history.map((h) => [h.setId, h.idSince.version, h.movedIn.find((m) => m.entry === '*.static.microsoft')]),
    [[193, '2026081400', { entry: '*.static.microsoft', fromSetId: 184, version: '2026081400' }]],
  );
});

test('render includes announced additions unless told not to, and says how many', async () => {
  const args = ['render', 'sets', '--sets', '11', '--dialect', 'iptables', '--cache', cache, '--as-of', '2026-11-26'];
  const included = await run(args);
  assert.match(included.out, /-d 52\.120\.0\.0\/16/);
  assert.match(included.err, /1 announced addition is included \(52\.120\.0\.0\/16, effective 2026-12-01\)\./);
  const left = await run([...args, '--without-announced']);
  assert.doesNotMatch(left.out, /52\.120\.0\.0\/16/);
  assert.match(left.out, /# endpoint-lens parameters announced=exclude sets=11/);
  assert.match(left.err, /1 announced addition is left out/);
  const later = await run(['render', 'sets', '--sets', '11', '--dialect', 'iptables', '--cache', cache, '--as-of', '2026-12-01', '--without-announced']);
  assert.match(later.out, /-d 52\.120\.0\.0\/16/, 'once in effect it is part of the set');
  assert.doesNotMatch(later.err, /announced addition/);
});
