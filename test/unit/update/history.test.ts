import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrToInterval, parseCidr, parseIp, type IpInterval } from '../../../server/src/model/address';
import { CatalogHistoryIndex, diffSnapshots, mergeHistories, normaliseEffectiveDate, readShippedHistory } from '../../../server/src/catalog/history';
import { renderChangeReport } from '../../../server/src/catalog/report';
import { parseRetryAfter } from '../../../server/src/catalog/http';
import { droppedEntries } from '../../../server/src/catalog/update';
import type { CatalogChange, CatalogSnapshot } from '../../../server/src/catalog/types';
import { shippedSnapshot } from './fakeService';

function interval(text: string): IpInterval {
  const cidr = parseCidr(text);
  if (cidr.ok) return cidrToInterval(cidr.value);
  const ip = parseIp(text);
  assert.ok(ip.ok, text);
  return { family: ip.value.family, first: ip.value.value, last: ip.value.value };
}

test('shipped worldwide history: 2026073100 to 2026081400 adds set 193 and moves its two URLs out of set 184', () => {
  const index = CatalogHistoryIndex.load('Worldwide');
  assert.equal(index.current.version, '2026081400');
  assert.ok(index.history.versions.some((v) => v.version === '2026073100'));
  const changes = index.changesSince('2026073100');
  assert.ok(changes.every((c) => c.id < 0 && c.version === '2026081400'), 'no change records are shipped, so these are derived from the snapshots');
  const added = changes.find((c) => c.endpointSetId === 193);
  assert.equal(added?.disposition, 'Add');
  assert.deepEqual(added?.add?.urls, ['*.static.microsoft', '*.usercontent.microsoft']);
  const changed = changes.find((c) => c.endpointSetId === 184);
  assert.equal(changed?.disposition, 'Change');
  assert.deepEqual(changed?.remove?.urls, ['*.static.microsoft', '*.usercontent.microsoft']);
  assert.equal(changed?.add, undefined);
  assert.equal(changes.find((c) => c.endpointSetId === 105), undefined, 'set 105 was already gone in 2026073100');
  assert.ok(
    changes.every((c) => c.endpointSetId === 193 || c.endpointSetId === 184),
    `only sets 184 and 193 differ; MEM sets carried over from another capture are not news: ${changes.map((c) => c.endpointSetId).join(',')}`,
  );
  assert.deepEqual(index.changesSince('2026081400'), []);
  // The two URLs moved to set 193 and are still in the catalogue: not stale.
  assert.deepEqual(index.findRemovedUrl('*.static.microsoft'), []);
  assert.deepEqual(index.findRemovedUrl('assets.usercontent.microsoft'), []);
});

test('an address dropped from a set is found, with the set current entries as its replacement', () => {
  const shipped = shippedSnapshot();
  const history = readShippedHistory('Worldwide');
  // The next version drops 52.122.0.0/15, which sets 11 and 12 (Teams) both list.
  const next: CatalogSnapshot = {
    ...shipped,
    version: '2026120100',
    sets: shipped.sets.map((s) => ({ ...s, ips: s.ips.filter((ip) => ip !== '52.122.0.0/15') })),
  };
  const merged = mergeHistories('Worldwide', [history, { format: 1, instance: 'Worldwide', versions: [{ version: shipped.version, capturedOn: shipped.capturedOn, sets: shipped.sets }], changes: [] }]);
  const index = new CatalogHistoryIndex(next, merged);
  const found = index.findRemovedAddress(interval('52.123.4.5'));
  assert.deepEqual(
    found.map((r) => r.setId),
    [11, 12],
  );
  assert.equal(found[0]?.entry, '52.122.0.0/15');
  assert.equal(found[0]?.setId, 11);
  assert.equal(found[0]?.serviceArea, 'Skype');
  assert.equal(found[0]?.lastSeenVersion, '2026081400');
  assert.equal(found[0]?.removedInVersion, '2026120100');
  assert.deepEqual(found[0]?.replacements, ['52.112.0.0/14'], 'IPv4 entries of set 11 only');
  assert.equal(found[0]?.replacementSource, 'current-set');
  assert.deepEqual(index.findRemovedAddress(interval('52.112.1.1')), [], 'still in the catalogue');
  assert.deepEqual(index.findRemovedAddress(interval('2603:1063::1')), []);
  const diff = index.changesSince('2026081400');
  assert.deepEqual(
    diff.map((c) => [c.endpointSetId, c.disposition, c.remove?.ips]),
    [
      [11, 'Change', ['52.122.0.0/15']],
      [12, 'Change', ['52.122.0.0/15']],
    ],
  );
});

test('change records take precedence over snapshot diffs, and pending additions come from effectiveDate', () => {
  const shipped = shippedSnapshot();
  const records: CatalogChange[] = [
    { id: 7, endpointSetId: 46, disposition: 'Change', version: '2026120100', add: { effectiveDate: '20270105', ips: ['20.190.128.0/18'] } },
    { id: 6, endpointSetId: 46, disposition: 'Change', version: '2026120100', add: { effectiveDate: '2026-11-01', urls: ['login.example.microsoft'] } },
    { id: 5, endpointSetId: 50, disposition: 'Remove', version: '2026120100', remove: { urls: ['gone.example.microsoft'] } },
  ];
  const index = new CatalogHistoryIndex({ ...shipped, version: '2026120100' }, { format: 1, instance: 'Worldwide', versions: [], changes: records });
  assert.deepEqual(
    index.changesSince('2026081400').map((c) => c.id),
    [7, 6, 5],
  );
  assert.deepEqual(
    index.pendingAdditions(new Date('2026-11-26T00:00:00Z')).map((p) => [p.changeId, p.effectiveDate]),
    [[7, '2027-01-05']],
  );
  const gone = index.findRemovedUrl('GONE.example.microsoft.');
  assert.equal(gone.length, 1);
  assert.equal(gone[0]?.lastSeenVersion, undefined, 'only a change record tells of it');
  assert.equal(gone[0]?.removedInVersion, '2026120100');
});

test('diffs report field changes and ignore sets carried over from another capture', () => {
  const shipped = shippedSnapshot();
  const before = shipped.sets;
  const after = shipped.sets
    .filter((s) => s.capturedOn === undefined || s.id !== 163)
    .map((s) => (s.id === 46 ? { ...s, category: 'Optimize' as const, tcpPortsText: '443' } : s));
  const diff = diffSnapshots(before, after, '2026120100');
  assert.equal(diff.length, 1);
  assert.equal(diff[0]?.endpointSetId, 46);
  assert.deepEqual(diff[0]?.previous, { category: 'Allow', tcpPorts: '80,443' });
  assert.deepEqual(diff[0]?.current, { category: 'Optimize', tcpPorts: '443' });
});

test('report: one section per set, change lines and impact lines', () => {
  const index = CatalogHistoryIndex.load('Worldwide');
  const changes = index.changesSince('2026073100');
  const markdown = renderChangeReport(changes, {
    since: '2026073100',
    current: index.current,
    impact: (change) => (change.endpointSetId === 193 ? ['not permitted by proxy.pac line 12'] : []),
  });
  assert.match(markdown, /^# Catalogue changes for Worldwide since version 2026073100\n/);
  assert.match(markdown, /Version in use: 2026081400 \(captured 2026-08-14\)\./);
  assert.match(markdown, /2 changes in 2 endpoint sets\./);
  assert.match(markdown, /computed from the stored snapshots/);
  assert.match(markdown, /## Set 184: Microsoft 365 Common and Office Online \(Common, Default, required\)\n\n- 2 URLs removed from set 184: `\*\.static\.microsoft`, `\*\.usercontent\.microsoft`\n/);
  assert.match(markdown, /## Set 193: [^\n]+\n\n- Set 193 added in version 2026081400\.\n- 2 URLs added to set 193: `\*\.static\.microsoft`, `\*\.usercontent\.microsoft`\n {2}- not permitted by proxy\.pac line 12\n/);
  assert.ok(markdown.indexOf('## Set 184') < markdown.indexOf('## Set 193'));

  const withDates = renderChangeReport(
    [
      { id: 1, endpointSetId: 11, disposition: 'Change', version: '2026120100', add: { effectiveDate: '20261201', ips: ['52.115.0.0/24', '52.116.0.0/24'] } },
      { id: 2, endpointSetId: 999, disposition: 'Remove', version: '2026120100', previous: { serviceArea: 'Exchange' } },
    ],
    { since: '2026081400', current: index.current, impact: () => ['not permitted by rules.v4 line 40'] },
  );
  assert.match(withDates, /- 2 IP ranges added to set 11, effective 2026-12-01: `52\.115\.0\.0\/24`, `52\.116\.0\.0\/24`\n {2}- not permitted by rules\.v4 line 40/);
  assert.match(withDates, /## Set 999: Exchange \(no longer in the catalogue\)\n\n- Set 999 removed in version 2026120100\./);
  assert.match(renderChangeReport([], { since: '2026081400', current: index.current }), /No changes since version 2026081400\./);
});

test('helpers: effective dates, Retry-After, host patterns, shrink count', () => {
  assert.equal(normaliseEffectiveDate('20261201'), '2026-12-01');
  assert.equal(normaliseEffectiveDate('2026-12-01T00:00:00'), '2026-12-01');
  assert.equal(normaliseEffectiveDate('soon'), undefined);
  const now = new Date('2026-11-26T12:00:00Z');
  assert.equal(parseRetryAfter('120', now), 120);
  assert.equal(parseRetryAfter('Thu, 26 Nov 2026 14:00:00 GMT', now), 7200);
  assert.equal(parseRetryAfter('later', now), undefined);
  const index = new CatalogHistoryIndex(shippedSnapshot(), {
    format: 1,
    instance: 'Worldwide',
    versions: [],
    changes: [{ id: 1, endpointSetId: 2, disposition: 'Change', version: '2026081400', remove: { urls: ['*.old.example', 'autodiscover.*.gone.example', '*cdn.gone.example'] } }],
  });
  const found = (host: string): string[] => index.findRemovedUrl(host).map((r) => r.entry);
  assert.deepEqual(found('a.b.old.example'), ['*.old.example']);
  assert.deepEqual(found('old.example'), [], '*.x does not stand for x itself');
  assert.deepEqual(found('*.deeper.old.example'), ['*.old.example'], 'a narrower pattern under a removed one');
  assert.deepEqual(found('autodiscover.contoso.gone.example'), ['autodiscover.*.gone.example']);
  assert.deepEqual(found('xcdn.gone.example'), ['*cdn.gone.example']);
  assert.deepEqual(found('AUTODISCOVER.*.GONE.EXAMPLE.'), ['autodiscover.*.gone.example']);
  const sets = shippedSnapshot().sets;
  assert.deepEqual(droppedEntries(sets, sets), { dropped: 0, total: droppedEntries(sets, sets).total });
  const half = droppedEntries(sets, sets.slice(0, 5));
  assert.ok(half.dropped * 2 > half.total);
});

test('a pinned version is the current one, and nothing newer counts as history', () => {
  const index = CatalogHistoryIndex.load('Worldwide', undefined, '2026073100');
  assert.equal(index.current.version, '2026073100');
  assert.ok(index.current.sets.some((s) => s.id === 184 && s.urls.includes('*.static.microsoft')));
  assert.deepEqual(
    index.history.versions.map((v) => v.version),
    ['2025120100'],
    'only what is older than the pinned version is history',
  );
  assert.deepEqual(index.changesSince('2026073100'), []);
  assert.deepEqual(index.findRemovedUrl('x.static.microsoft'), []);
});
