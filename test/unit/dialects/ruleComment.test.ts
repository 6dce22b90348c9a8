import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleComment } from '../../../server/src/dialects/ruleComment';
import type { FlowOrigin } from '../../../server/src/model/policy';

const set = (setId: number): FlowOrigin => ({ source: 'web-service', instance: 'Worldwide', setId });
const row = (r: number): FlowOrigin => ({ source: 'other-endpoints', row: r });

void test('each set and row once, runs as ranges, the purpose and the catalogue version', () => {
  const origins = [set(1), set(9), row(6), set(1), set(9), row(7), set(2), set(3)];
  assert.equal(ruleComment('exchange-hybrid-inbound', origins, '2026081400', 256), 'endpoint-lens exchange-hybrid-inbound: sets 1-3, 9; rows 6, 7 (2026081400)');
  assert.equal(ruleComment('sets-11', [set(11)], '2026081400', 256), 'endpoint-lens sets-11: set 11 (2026081400)');
});

void test('over the limit, whole items give way from the end and the count says how many; no word is cut', () => {
  const origins = [1, 3, 5, 7, 9, 11, 13].map(set).concat([row(6), row(8)]);
  for (let limit = 10; limit <= 120; limit++) {
    const text = ruleComment('sets-many', origins, '2026081400', limit);
    assert.ok(Buffer.byteLength(text) <= limit, `${limit}: ${text}`);
    if (text === '') continue;
    assert.match(text, /^endpoint-lens( sets-many(: ((sets?|rows?) [\d, -]+(; )?)*( and \d+ more)?|: \d+ more)?( \(2026081400\))?)?$/, `${limit}: ${text}`);
    const said = [...text.replace(/ and \d+ more/, '').matchAll(/\b(\d{1,2})\b/g)].map((m) => m[1]);
    assert.equal(new Set(said).size, said.length, `${limit}: nothing repeated in ${text}`);
  }
  assert.equal(ruleComment('sets-many', origins, '2026081400', 64), 'endpoint-lens sets-many: sets 1, 3, 5, 7 and 5 more (2026081400)');
});
