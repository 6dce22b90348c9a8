import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { cacheCatalogPath, readUpdateState, updateCatalog, type UpdateOutcome } from '../../../server/src/catalog/update';
import { CatalogHistoryIndex, readCacheHistory } from '../../../server/src/catalog/history';
import type { CatalogSnapshot } from '../../../server/src/catalog/types';
import { run as runUpdateCli } from '../../../server/src/cli/update';
import type { CliIo } from '../../../server/src/cli/io';
import { FakeWebService, shippedSnapshot, toServiceJson, type FakeAnswer } from './fakeService';

const SHIPPED = shippedSnapshot();
const CURRENT_VERSION = SHIPPED.version;
const NEW_VERSION = '2026120100';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The shipped worldwide catalogue as the service would send it, with a field a later service version might add. */
function currentAnswer(): unknown[] {
  return SHIPPED.sets.map((set, i) => (i === 0 ? { ...toServiceJson(set), someFutureField: { nested: true } } : toServiceJson(set)));
}

const ADDED_IPS = ['52.115.0.0/24', '2603:1063:3000::/48'];

/** A next version: two ranges added to set 11, one URL of set 193 replaced, a new set 300. */
function newerAnswer(): unknown[] {
  const sets = SHIPPED.sets.map(toServiceJson);
  const s11 = sets.find((s) => s.id === 11)!;
  s11.ips = [...(s11.ips as string[]), ...ADDED_IPS];
  const s193 = sets.find((s) => s.id === 193)!;
  s193.urls = ['*.static.microsoft', '*.content.microsoft'];
  sets.push({ id: 300, serviceArea: 'Common', serviceAreaDisplayName: 'Microsoft 365 Common and Office Online', urls: ['*.new.example.microsoft'], tcpPorts: '443', expressRoute: false, category: 'Allow', required: true });
  return sets;
}

const NEW_CHANGES = [
  { id: 8000, endpointSetId: 184, disposition: 'Change', impact: 'RemovedIpOrUrl', version: CURRENT_VERSION, remove: { urls: ['*.static.microsoft'] } },
  { id: 9001, endpointSetId: 11, disposition: 'Change', impact: 'AddedIp', version: NEW_VERSION, add: { effectiveDate: '20261201', ips: ADDED_IPS }, unknownKey: 'kept out' },
  { id: 9002, endpointSetId: 193, disposition: 'Change', impact: 'MovedIpOrUrl', version: NEW_VERSION, add: { effectiveDate: '20261120', urls: ['*.content.microsoft'] }, remove: { urls: ['*.usercontent.microsoft'] } },
  { id: 9003, endpointSetId: 300, disposition: 'Add', impact: 'AddedUrl', version: NEW_VERSION, current: { category: 'Allow', required: true }, add: { effectiveDate: '20261126', urls: ['*.new.example.microsoft'] } },
];

interface Service {
  version: string;
  endpoints: unknown;
  changes?: unknown;
  /** Override the answer for one method ('version', 'endpoints', 'changes'). */
  override?: Partial<Record<'version' | 'endpoints' | 'changes', FakeAnswer>>;
}

const service = new FakeWebService();
let cacheDir = '';
let clock = new Date('2026-11-26T12:00:00Z');
const minutes = (n: number): void => {
  clock = new Date(clock.getTime() + n * 60_000);
};

function serve(s: Service): void {
  service.handler = (path) => {
    if (path === '/version/Worldwide') return s.override?.version ?? { json: { instance: 'Worldwide', latest: s.version } };
    if (path === '/endpoints/Worldwide') return s.override?.endpoints ?? { json: s.endpoints };
    if (path.startsWith('/changes/Worldwide/')) return s.override?.changes ?? { json: s.changes ?? [] };
    return { status: 404, json: { error: 'unknown method' } };
  };
}

async function update(force: boolean, extra: { baseUrl?: string; timeoutMs?: number } = {}): Promise<UpdateOutcome> {
  return updateCatalog({ baseUrl: extra.baseUrl ?? service.baseUrl, instance: 'Worldwide', cacheDir, force, now: () => clock, timeoutMs: extra.timeoutMs ?? 2000 });
}

function cachedBytes(): Buffer {
  return readFileSync(cacheCatalogPath(cacheDir, 'Worldwide'));
}

function cachedSnapshot(): CatalogSnapshot {
  return JSON.parse(cachedBytes().toString('utf8')) as CatalogSnapshot;
}

/** Every request this test made carried the one persisted GUID, and nothing identifying besides. */
function assertOnlyTheGuidWasSent(): void {
  const state = readUpdateState(cacheDir);
  assert.ok(state, 'state.json exists');
  assert.match(state.clientRequestId, GUID);
  for (const request of service.requests) {
    assert.equal(request.clientRequestId, state.clientRequestId, `${request.path} carries the persisted GUID`);
    assert.equal(request.headers['user-agent'], undefined, 'no user agent is sent');
    assert.equal(request.headers.cookie, undefined);
    assert.equal(request.headers.authorization, undefined);
  }
}

/** A cache that already holds the current version (the state every failure test starts from). */
async function primeCache(): Promise<{ bytes: Buffer; guid: string }> {
  serve({ version: CURRENT_VERSION, endpoints: currentAnswer() });
  const outcome = await update(true);
  assert.equal(outcome.status, 'updated', outcome.message);
  service.requests.length = 0;
  minutes(90);
  return { bytes: cachedBytes(), guid: readUpdateState(cacheDir)!.clientRequestId };
}

async function assertFailureKeepsPrevious(s: Service, expectedRequests: number, messagePattern: RegExp, timeoutMs?: number): Promise<UpdateOutcome> {
  const { bytes, guid } = await primeCache();
  serve(s);
  const outcome = await update(true, timeoutMs === undefined ? {} : { timeoutMs });
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.message, messagePattern);
  assert.match(outcome.message, new RegExp(`stays at version ${CURRENT_VERSION}`));
  assert.equal(outcome.requests, expectedRequests);
  assert.equal(service.requests.length, expectedRequests);
  assert.deepEqual(cachedBytes(), bytes, 'the previous catalogue is byte-identical');
  assert.equal(readUpdateState(cacheDir)!.clientRequestId, guid, 'the GUID is reused');
  assertOnlyTheGuidWasSent();
  return outcome;
}

before(async () => {
  await service.start();
});
after(async () => {
  await service.stop();
});
beforeEach(() => {
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  cacheDir = mkdtempSync(join(tmpdir(), 'endpoint-lens-update-'));
  service.requests.length = 0;
  clock = new Date('2026-11-26T12:00:00Z');
});
after(() => {
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

test('first run: one version check, one download, a valid catalogue in the cache, history seeded', async () => {
  serve({ version: CURRENT_VERSION, endpoints: currentAnswer() });
  const outcome = await update(false);
  assert.equal(outcome.status, 'updated', outcome.message);
  assert.equal(outcome.version, CURRENT_VERSION);
  assert.equal(outcome.requests, 2);
  assert.equal(service.count('/version/Worldwide'), 1);
  assert.equal(service.count('/endpoints/Worldwide'), 1);
  assert.equal(service.count('/changes/'), 0, 'the version did not move from the shipped one, so no change records are asked for');
  assert.equal(service.requests.find((r) => r.path === '/endpoints/Worldwide')?.serviceAreas, 'Common,Exchange,SharePoint,Skype,MEM');
  const snapshot = cachedSnapshot();
  assert.equal(snapshot.version, CURRENT_VERSION);
  assert.equal(snapshot.capturedOn, '2026-11-26');
  assert.equal(snapshot.versionInferred, false);
  assert.equal(snapshot.sets.length, SHIPPED.sets.length, 'MEM sets the answer brings are kept');
  assert.ok(snapshot.sets.some((s) => s.serviceArea === 'MEM'));
  assert.ok(snapshot.sets.every((s) => s.capturedOn === undefined));
  assert.deepEqual(readCacheHistory('Worldwide', cacheDir)?.versions.map((v) => v.version), ['2025120100', '2026073100']);
  assertOnlyTheGuidWasSent();
});

test('no change: the version is checked once and the catalogue file is not rewritten', async () => {
  const { bytes, guid } = await primeCache();
  const outcome = await update(false);
  assert.equal(outcome.status, 'unchanged', outcome.message);
  assert.equal(outcome.requests, 1);
  assert.equal(service.count('/version/Worldwide'), 1);
  assert.equal(service.count('/endpoints/'), 0);
  assert.deepEqual(cachedBytes(), bytes);
  assert.equal(readUpdateState(cacheDir)!.clientRequestId, guid);
  assertOnlyTheGuidWasSent();
});

test('the version is checked at most once an hour unless the update is explicit', async () => {
  await primeCache();
  assert.equal((await update(false)).requests, 1);
  minutes(20);
  const skipped = await update(false);
  assert.equal(skipped.status, 'skipped-recent');
  assert.equal(skipped.requests, 0);
  assert.equal(service.requests.length, 1);
  const forced = await update(true);
  assert.equal(forced.status, 'unchanged');
  assert.equal(service.requests.length, 2);
  minutes(61);
  assert.equal((await update(false)).status, 'unchanged');
  assert.equal(service.requests.length, 3);
});

test('new version: endpoints and change records downloaded, history and pending additions recorded', async () => {
  const { guid } = await primeCache();
  serve({ version: NEW_VERSION, endpoints: newerAnswer(), changes: NEW_CHANGES });
  const outcome = await update(false);
  assert.equal(outcome.status, 'updated', outcome.message);
  assert.equal(outcome.previousVersion, CURRENT_VERSION);
  assert.equal(outcome.version, NEW_VERSION);
  assert.equal(outcome.requests, 3);
  assert.deepEqual(
    service.requests.map((r) => r.path),
    ['/version/Worldwide', '/endpoints/Worldwide', `/changes/Worldwide/${CURRENT_VERSION}`],
  );
  assert.deepEqual(
    outcome.changes?.map((c) => c.id),
    [9001, 9002, 9003],
    'the record of the version already in use is not counted again',
  );
  assert.equal(
    Object.prototype.hasOwnProperty.call(outcome.changes?.[0] ?? {}, 'unknownKey'),
    false,
  );
  const snapshot = cachedSnapshot();
  assert.equal(snapshot.version, NEW_VERSION);
  assert.deepEqual(snapshot.sets.find((s) => s.id === 11)?.ips.slice(-2), ADDED_IPS);
  assert.equal(readUpdateState(cacheDir)!.clientRequestId, guid);
  assert.equal(readUpdateState(cacheDir)!.instances.Worldwide?.version, NEW_VERSION);

  const history = readCacheHistory('Worldwide', cacheDir);
  assert.deepEqual(history?.versions.map((v) => v.version), ['2025120100', '2026073100', CURRENT_VERSION]);
  assert.deepEqual(history?.changes.map((c) => c.id), [9001, 9002, 9003]);

  const index = CatalogHistoryIndex.load('Worldwide', cacheDir);
  assert.equal(index.current.version, NEW_VERSION);
  const pending = index.pendingAdditions(clock);
  assert.deepEqual(
    pending.map((p) => [p.setId, p.effectiveDate, p.ips]),
    [[11, '2026-12-01', ADDED_IPS]],
    'only the addition effective after today is pending',
  );
  const removed = index.findRemovedUrl('files.usercontent.microsoft');
  // Newest removal first; the older one is its earlier home, set 184, which gave it up in 2026081400.
  assert.deepEqual(
    removed.map((r) => [r.setId, r.lastSeenVersion, r.removedInVersion]),
    [
      [193, CURRENT_VERSION, NEW_VERSION],
      [184, '2026073100', CURRENT_VERSION],
    ],
  );
  assert.equal(removed[0]?.entry, '*.usercontent.microsoft');
  assert.equal(removed[0]?.setId, 193);
  assert.equal(removed[0]?.lastSeenVersion, CURRENT_VERSION);
  assert.equal(removed[0]?.removedInVersion, NEW_VERSION);
  assert.deepEqual(removed[0]?.replacements, ['*.content.microsoft']);
  assert.equal(removed[0]?.replacementSource, 'change-records');
  assert.deepEqual(
    index.changesSince(CURRENT_VERSION).map((c) => c.id),
    [9001, 9002, 9003],
  );

  // A second run sees the same version and touches nothing.
  const bytes = cachedBytes();
  minutes(61);
  const again = await update(false);
  assert.equal(again.status, 'unchanged');
  assert.deepEqual(cachedBytes(), bytes);
  assertOnlyTheGuidWasSent();
});

test('HTTP 429: one hour of back-off (longer when Retry-After says so), even for explicit updates', async () => {
  const outcome = await assertFailureKeepsPrevious(
    { version: NEW_VERSION, endpoints: newerAnswer(), override: { version: { status: 429, headers: { 'Retry-After': '7200' }, json: { error: 'too many' } } } },
    1,
    /HTTP 429/,
  );
  assert.equal(outcome.status, 'failed');
  const state = readUpdateState(cacheDir)!;
  assert.equal(state.backoffUntil, new Date(clock.getTime() + 7_200_000).toISOString(), 'Retry-After of two hours beats the one-hour minimum');
  const bytes = cachedBytes();
  minutes(90);
  const waiting = await update(true);
  assert.equal(waiting.status, 'backing-off');
  assert.equal(waiting.requests, 0);
  assert.equal(service.requests.length, 1, 'no request while backing off');
  assert.deepEqual(cachedBytes(), bytes);
  minutes(31);
  serve({ version: NEW_VERSION, endpoints: newerAnswer(), changes: NEW_CHANGES });
  const later = await update(true);
  assert.equal(later.status, 'updated', later.message);
});

test('HTTP 429 without Retry-After backs off for one hour', async () => {
  await assertFailureKeepsPrevious({ version: NEW_VERSION, endpoints: newerAnswer(), override: { endpoints: { status: 429, json: {} } } }, 2, /HTTP 429/);
  assert.equal(readUpdateState(cacheDir)!.backoffUntil, new Date(clock.getTime() + 3_600_000).toISOString());
  minutes(59);
  assert.equal((await update(true)).status, 'backing-off');
  assert.equal(service.requests.length, 2);
});

test('HTTP 500 from the endpoints method keeps the previous catalogue', async () => {
  await assertFailureKeepsPrevious({ version: NEW_VERSION, endpoints: newerAnswer(), override: { endpoints: { status: 500, raw: 'Internal Server Error' } } }, 2, /HTTP 500/);
  assert.equal(readUpdateState(cacheDir)!.backoffUntil, undefined, 'only 429 starts a back-off');
});

test('a failing change feed fails the whole update', async () => {
  await assertFailureKeepsPrevious({ version: NEW_VERSION, endpoints: newerAnswer(), override: { changes: { status: 503, raw: '' } } }, 3, /HTTP 503/);
});

test('connection refused keeps the previous catalogue', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  const { bytes } = await primeCache();
  const outcome = await update(true, { baseUrl: `http://127.0.0.1:${port}` });
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.message, /could not be reached \(ECONNREFUSED\)/);
  assert.equal(outcome.requests, 1);
  assert.deepEqual(cachedBytes(), bytes);
});

test('connection refused on an empty cache leaves no catalogue file behind', async () => {
  const outcome = await update(true, { baseUrl: 'http://127.0.0.1:1' });
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.message, new RegExp(`stays at version ${CURRENT_VERSION}`), 'the shipped catalogue stays in use');
  assert.equal(existsSync(cacheCatalogPath(cacheDir, 'Worldwide')), false);
});

test('a response slower than the timeout keeps the previous catalogue', async () => {
  await assertFailureKeepsPrevious(
    { version: NEW_VERSION, endpoints: newerAnswer(), override: { endpoints: { json: newerAnswer(), delayMs: 5000 } } },
    2,
    /did not answer within 0.3 seconds/,
    300,
  );
});

test('a truncated body keeps the previous catalogue', async () => {
  await assertFailureKeepsPrevious({ version: NEW_VERSION, endpoints: newerAnswer(), override: { endpoints: { json: newerAnswer(), truncate: true } } }, 2, /cut off/);
});

test('malformed JSON keeps the previous catalogue', async () => {
  const text = JSON.stringify(newerAnswer());
  await assertFailureKeepsPrevious({ version: NEW_VERSION, endpoints: [], override: { endpoints: { raw: text.slice(0, text.length - 2) } } }, 2, /not valid JSON/);
});

test('valid JSON of the wrong shape keeps the previous catalogue', async () => {
  await assertFailureKeepsPrevious({ version: NEW_VERSION, endpoints: { value: newerAnswer() } }, 2, /not a JSON array/);
  const broken = newerAnswer() as Array<Record<string, unknown>>;
  broken[3] = { ...broken[3], category: 'Sometimes' };
  serve({ version: NEW_VERSION, endpoints: broken });
  const bytes = cachedBytes();
  const outcome = await update(true);
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.message, /category "Sometimes"/);
  assert.deepEqual(cachedBytes(), bytes);
});

test('a version answer without a version number keeps the previous catalogue', async () => {
  await assertFailureKeepsPrevious({ version: NEW_VERSION, endpoints: newerAnswer(), override: { version: { json: { instance: 'Worldwide', latest: 'soon' } } } }, 1, /no version number/);
});

test('duplicate set ids and an empty list are refused', async () => {
  const answer = newerAnswer();
  await assertFailureKeepsPrevious({ version: NEW_VERSION, endpoints: [...answer, answer[0]] }, 2, /appears more than once/);
  serve({ version: NEW_VERSION, endpoints: [] });
  const bytes = cachedBytes();
  assert.match((await update(true)).message, /empty/);
  assert.deepEqual(cachedBytes(), bytes);
});

test('a suspiciously small catalogue (more than half of the entries gone) is refused', async () => {
  const small = newerAnswer().slice(0, 8);
  await assertFailureKeepsPrevious({ version: NEW_VERSION, endpoints: small, changes: NEW_CHANGES }, 2, /would drop \d+ of the \d+ current entries/);
});

test('malformed change records keep the previous catalogue', async () => {
  await assertFailureKeepsPrevious({ version: NEW_VERSION, endpoints: newerAnswer(), changes: [{ id: 'x' }] }, 3, /Change record at position 0/);
});

function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (text) => stdout.push(text), err: (text) => stderr.push(text), cwd: process.cwd() };
}

test('CLI: exit 0 when the cache holds a valid catalogue, 1 when the update failed, 2 on usage errors', async () => {
  serve({ version: CURRENT_VERSION, endpoints: currentAnswer() });
  const first = captureIo();
  assert.equal(await runUpdateCli(['--url', service.baseUrl, '--cache', cacheDir], first), 0, first.stderr.join('\n'));
  assert.match(first.stdout.join('\n'), new RegExp(`updated to version ${CURRENT_VERSION}`));
  const bytes = cachedBytes();

  // Explicit: no hourly limit.
  const second = captureIo();
  assert.equal(await runUpdateCli(['--url', service.baseUrl, '--cache', cacheDir, '--instance', 'worldwide'], second), 0);
  assert.match(second.stdout.join('\n'), /up to date/);
  assert.equal(service.count('/version/Worldwide'), 2);

  serve({ version: NEW_VERSION, endpoints: newerAnswer(), override: { endpoints: { status: 500, raw: 'oops' } } });
  const failing = captureIo();
  assert.equal(await runUpdateCli(['--url', service.baseUrl, '--cache', cacheDir], failing), 1);
  assert.match(failing.stderr.join('\n'), /HTTP 500/);
  assert.deepEqual(cachedBytes(), bytes);

  serve({ version: NEW_VERSION, endpoints: newerAnswer(), override: { version: { status: 429, json: {} } } });
  assert.equal(await runUpdateCli(['--url', service.baseUrl, '--cache', cacheDir], captureIo()), 1);
  const requestsBefore = service.requests.length;
  const waiting = captureIo();
  assert.equal(await runUpdateCli(['--url', service.baseUrl, '--cache', cacheDir], waiting), 1);
  assert.match(waiting.stderr.join('\n'), /fewer requests/);
  assert.equal(service.requests.length, requestsBefore, 'the back-off applies to the CLI too');
  assert.deepEqual(cachedBytes(), bytes);

  assert.equal(await runUpdateCli(['--instance', 'Mars', '--cache', cacheDir], captureIo()), 2);
  assert.equal(await runUpdateCli(['--frobnicate'], captureIo()), 2);
  assert.equal(await runUpdateCli(['--url', 'ftp://example.invalid', '--cache', cacheDir], captureIo()), 2);
  assert.equal(await runUpdateCli(['--url', service.baseUrl, '--timeout', 'abc', '--cache', cacheDir], captureIo()), 2);
});

test('first run for an instance whose shipped version is older asks for the change records since the shipped version', async () => {
  const dod = shippedSnapshot('usgovdod.json');
  service.handler = (path) => {
    if (path === '/version/USGovDoD') return { json: { instance: 'USGovDoD', latest: '2026110200' } };
    if (path === '/endpoints/USGovDoD') return { json: dod.sets.map(toServiceJson) };
    if (path === `/changes/USGovDoD/${dod.version}`) return { json: [{ id: 12, endpointSetId: 9, disposition: 'Change', version: '2026110200', add: { urls: ['*.example.dod.microsoft'] } }] };
    return { status: 404, json: {} };
  };
  const outcome = await updateCatalog({ baseUrl: service.baseUrl, instance: 'USGovDoD', cacheDir, force: false, now: () => clock, timeoutMs: 2000 });
  assert.equal(outcome.status, 'updated', outcome.message);
  assert.equal(outcome.previousVersion, dod.version);
  assert.deepEqual(
    service.requests.map((r) => r.path),
    ['/version/USGovDoD', '/endpoints/USGovDoD', `/changes/USGovDoD/${dod.version}`],
  );
  assert.deepEqual(outcome.changes?.map((c) => c.id), [12]);
  const cached = JSON.parse(readFileSync(cacheCatalogPath(cacheDir, 'USGovDoD'), 'utf8')) as CatalogSnapshot;
  assert.equal(cached.version, '2026110200');
  assert.equal(cached.versionInferred, false);
  assert.deepEqual(readCacheHistory('USGovDoD', cacheDir)?.versions.map((v) => v.version), ['2025120100', dod.version], 'the shipped catalogue it replaced is kept for pinning');
  assertOnlyTheGuidWasSent();
});

test('a web service that offers an older version than the one in use changes nothing', async () => {
  const { bytes } = await primeCache();
  serve({ version: '2026073100', endpoints: currentAnswer() });
  const outcome = await update(true);
  assert.equal(outcome.status, 'unchanged');
  assert.equal(outcome.version, CURRENT_VERSION);
  assert.match(outcome.message, /older than the catalogue in use/);
  assert.equal(outcome.requests, 1);
  assert.equal(service.count('/endpoints/'), 0);
  assert.deepEqual(cachedBytes(), bytes);
});

test('temporary files left by an interrupted write are removed once they are an hour old', async () => {
  await primeCache();
  const stale = join(cacheDir, '.mabc123-4242-0123abcd.tmp');
  const fresh = join(cacheDir, '.mabc124-4242-4567abcd.tmp');
  const unrelated = join(cacheDir, 'notes.tmp');
  for (const path of [stale, fresh, unrelated]) writeFileSync(path, '[');
  const twoHoursAgo = new Date(clock.getTime() - 2 * 3_600_000);
  utimesSync(stale, twoHoursAgo, twoHoursAgo);
  utimesSync(unrelated, twoHoursAgo, twoHoursAgo);
  utimesSync(fresh, clock, clock);
  assert.equal((await update(true)).status, 'unchanged');
  assert.equal(existsSync(stale), false);
  assert.equal(existsSync(fresh), true, 'possibly another process writing right now');
  assert.equal(existsSync(unrelated), true, 'only our own temporary files');
});

test('CLI --report prints what changed, per set', async () => {
  serve({ version: CURRENT_VERSION, endpoints: currentAnswer() });
  assert.equal(await runUpdateCli(['--url', service.baseUrl, '--cache', cacheDir], captureIo()), 0);
  serve({ version: NEW_VERSION, endpoints: newerAnswer(), changes: NEW_CHANGES });
  const io = captureIo();
  assert.equal(await runUpdateCli(['--url', service.baseUrl, '--cache', cacheDir, '--report'], io), 0, io.stderr.join('\n'));
  const text = io.stdout.join('\n');
  assert.match(text, new RegExp(`updated from version ${CURRENT_VERSION} to ${NEW_VERSION} \\(3 change records\\)`));
  assert.match(text, new RegExp(`# Catalogue changes for Worldwide since version ${CURRENT_VERSION}`));
  assert.match(text, /## Set 11: Microsoft Teams \(Skype, Optimize, required\)\n\n- 2 IP ranges added to set 11, effective 2026-12-01: `52\.115\.0\.0\/24`, `2603:1063:3000::\/48`/);
  assert.match(text, /## Set 300: [^\n]+\n\n- Set 300 added in version 2026120100\.\n- 1 URL added to set 300, effective 2026-11-26: `\*\.new\.example\.microsoft`/);
  assert.match(text, /- 1 URL removed from set 193: `\*\.usercontent\.microsoft`/);
});
