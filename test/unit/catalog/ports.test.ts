import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPortList, parsePortList, parsePortListChecked } from '../../../server/src/catalog/ports';

void test('port lists as the web service writes them', () => {
  assert.deepEqual(parsePortList('80,443'), [
    { from: 80, to: 80 },
    { from: 443, to: 443 },
  ]);
  assert.deepEqual(parsePortList('143, 587, 993, 995'), [
    { from: 143, to: 143 },
    { from: 587, to: 587 },
    { from: 993, to: 993 },
    { from: 995, to: 995 },
  ]);
  assert.deepEqual(parsePortList('443,80'), parsePortList('80,443'));
  assert.deepEqual(parsePortList('5000-5100'), [{ from: 5000, to: 5100 }]);
  assert.deepEqual(parsePortList(''), []);
});

void test('overlapping and adjacent ranges merge; duplicates collapse', () => {
  assert.deepEqual(parsePortList('3478, 3479, 3480, 3481'), [{ from: 3478, to: 3481 }]);
  assert.deepEqual(parsePortList('50000-59999,55000-60000,443,443'), [
    { from: 443, to: 443 },
    { from: 50000, to: 60000 },
  ]);
  assert.equal(formatPortList(parsePortList('443, 80, 1-3,4')), '1-4,80,443');
});

void test('parts that are not ports are reported, not guessed at', () => {
  const r = parsePortListChecked('80,http,70000,10-5,+1,443');
  assert.deepEqual(r.invalid, ['http', '70000', '10-5', '+1']);
  assert.deepEqual(r.ranges, [
    { from: 80, to: 80 },
    { from: 443, to: 443 },
  ]);
  assert.deepEqual(parsePortListChecked('80,').invalid, ['']);
});
