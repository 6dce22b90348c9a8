import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveDebounce, MAX_DEBOUNCE_MS, MIN_DEBOUNCE_MS } from '../../../server/src/lsp/debounce';

test('an edit after a pause waits briefly; one right behind another waits the full debounce', () => {
  const debounce = new AdaptiveDebounce();
  assert.equal(debounce.delayFor('file:///a', 1_000), MIN_DEBOUNCE_MS);
  assert.equal(debounce.delayFor('file:///a', 1_080), MAX_DEBOUNCE_MS);
  assert.equal(debounce.delayFor('file:///a', 1_080 + MAX_DEBOUNCE_MS + 1), MIN_DEBOUNCE_MS);
});

test('after a slow analysis the short wait grows with it, never past the full debounce', () => {
  const debounce = new AdaptiveDebounce();
  debounce.analysed('file:///a', 900);
  assert.equal(debounce.delayFor('file:///a', 0), 90);
  debounce.analysed('file:///a', 60_000);
  assert.equal(debounce.delayFor('file:///a', 10_000), MAX_DEBOUNCE_MS);
});

test('documents are timed apart, and a closed one starts over', () => {
  const debounce = new AdaptiveDebounce();
  debounce.delayFor('file:///a', 0);
  assert.equal(debounce.delayFor('file:///b', 10), MIN_DEBOUNCE_MS);
  debounce.analysed('file:///a', 900);
  debounce.forget('file:///a');
  assert.equal(debounce.delayFor('file:///a', 20), MIN_DEBOUNCE_MS);
});
