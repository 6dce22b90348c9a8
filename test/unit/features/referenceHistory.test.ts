import { test } from 'node:test';
import assert from 'node:assert/strict';
import { referenceHistoryLines, type ReferenceHistoryInput } from '../../../server/src/features/referenceHistory';
import { loadCatalog } from '../../../server/src/catalog/load';
import { cidrToInterval, parseCidr } from '../../../server/src/model/address';
import type { Reference } from '../../../server/src/model/config';

const R = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };

function addressReference(text: string): Reference {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(text);
  return { text, kind: 'cidr', role: 'destination', range: R, interval: cidrToInterval(parsed.value) };
}

const history: NonNullable<ReferenceHistoryInput['history']> = {
  findRemovedAddress: () => [{ kind: 'ip', entry: '198.51.100.0/24', setId: 11, removedInVersion: '2026090100', replacements: ['52.112.0.0/14'], replacementSource: 'current-set' }],
  findRemovedUrl: () => [],
  pendingAdditions: (asOf) => (asOf < '2026-12-01' ? [{ changeId: 7, setId: 11, version: '2026110200', effectiveDate: '2026-12-01', ips: ['52.123.0.0/16'], urls: [] }] : []),
};

const { catalog } = loadCatalog({ instance: 'Worldwide' });

function lines(text: string, today = '2026-11-26'): string[] {
  const reference = addressReference(text);
  return referenceHistoryLines({ reference, matches: catalog.lookupAddress(reference.interval!), catalog, history, today });
}

test('an address announced for a set says from when it is in use and how many days are left', () => {
  assert.ok(lines('52.123.4.0/24').includes('Announced for set 11 in version 2026110200, effective 2026-12-01 (in 5 days).'), lines('52.123.4.0/24').join('\n'));
  assert.ok(lines('52.123.4.0/24', '2026-11-30').some((l) => l.endsWith('(in 1 day).')));
  assert.deepEqual(lines('52.123.4.0/24', '2026-12-01').filter((l) => l.startsWith('Announced')), [], 'nothing is announced once the day has come');
});

test('an address the current catalogue no longer lists says when it left', () => {
  assert.ok(lines('198.51.100.0/24').includes('198.51.100.0/24 was in set 11 until version 2026090100.'));
  assert.deepEqual(
    lines('52.112.0.0/14').filter((l) => l.includes('until')),
    [],
    'nothing about removal when the current catalogue still lists it',
  );
});

test('an address of other-endpoints row 23 shows the row history in one line, and that set 56 holds the same range', () => {
  const found = lines('20.190.128.0/18');
  assert.ok(
    found.includes('Other-endpoints row 23: +38 addresses, +16 CIDRs, −12 addresses on 2025-01-08. 20.190.128.0/18 came with the 2025-01-08 revision.'),
    found.join('\n'),
  );
  assert.ok(
    found.includes("Other-endpoints row 23: 16 of its 106 addresses are also in endpoint set 56, so one allow-list entry serves both. 20.190.128.0/18 is set 56's own entry."),
    found.join('\n'),
  );
  const older = lines('52.159.23.209/32');
  assert.ok(older.includes('Other-endpoints row 23: +38 addresses, +16 CIDRs, −12 addresses on 2025-01-08.'), 'an address from the seed did not come with the revision');
  assert.ok(older.some((l) => l.startsWith('Other-endpoints row 23: 16 of its 106') && !l.includes('own entry')));
});

test('a row that never changed says since when, and an address inside a set range says so', () => {
  const found = lines('13.107.64.0/18');
  assert.ok(found.includes('Other-endpoints row 13: unchanged since 2022-01-31.'), found.join('\n'));
  const inside = lines('52.112.0.0/14');
  assert.ok(inside.some((l) => l.startsWith('Other-endpoints row 12: 1 of its 1 addresses are also in endpoint set 11') && l.includes("52.112.0.0/14 is set 11's own entry")), inside.join('\n'));
});
