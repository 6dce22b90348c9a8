import { test } from 'node:test';
import assert from 'node:assert/strict';
import { historyMarkdown } from '../../../server/src/lsp/hover';
import { cidrToInterval, parseCidr } from '../../../server/src/model/address';
import type { HistoryView } from '../../../server/src/analysis/context';
import type { Reference } from '../../../server/src/model/config';

const R = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };

function addressReference(text: string): Reference {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(text);
  return { text, kind: 'cidr', role: 'destination', range: R, interval: cidrToInterval(parsed.value) };
}

const history: HistoryView = {
  findRemovedAddress: () => [{ kind: 'ip', entry: '52.120.0.0/14', setId: 11, removedInVersion: '2026090100', replacements: ['52.112.0.0/14'], replacementSource: 'current-set' }],
  findRemovedUrl: () => [],
  pendingAdditions: () => [{ changeId: 7, setId: 11, version: '2026110200', effectiveDate: '2026-12-01', ips: ['52.123.0.0/16'], urls: [] }],
};

test('an address announced for a set says from when it is in use', () => {
  const lines = historyMarkdown(addressReference('52.123.4.0/24'), history, false);
  assert.ok(lines.includes('Announced for set 11 in version 2026110200, effective 2026-12-01.'), lines.join('\n'));
});

test('an address the current catalogue no longer lists says when it left', () => {
  assert.ok(historyMarkdown(addressReference('52.120.0.0/14'), history, false).includes('52.120.0.0/14 was in set 11 until version 2026090100.'));
  assert.deepEqual(
    historyMarkdown(addressReference('52.120.0.0/14'), history, true).filter((l) => l.includes('until')),
    [],
    'nothing about removal when the current catalogue still lists it',
  );
});
