import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTextEdits, diffEdits } from '../../../server/src/model/edit';

void test('the line diff turns any text into any other, as hunks against the first', () => {
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const lines = ['a\n', 'b\n', 'c\r\n', 'd\n', 'e'];
  const text = (): string =>
    Array.from({ length: Math.floor(random() * 14) }, () => lines[Math.floor(random() * 4)]!).join('') + (random() < 0.3 ? lines[4]! : '');
  for (let i = 0; i < 3000; i++) {
    const before = text();
    const after = text();
    assert.equal(applyTextEdits(before, diffEdits(before, after)), after, JSON.stringify([before, after]));
  }
});

void test('inserted lines stay insertions, between the lines around them', () => {
  assert.deepEqual(diffEdits('a\nb\nc\n', 'a\nX\nb\nc\nY\n'), [
    { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, newText: 'X\n' },
    { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, newText: 'Y\n' },
  ]);
  assert.deepEqual(diffEdits('same\n', 'same\n'), []);
});
