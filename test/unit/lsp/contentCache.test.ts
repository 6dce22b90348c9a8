import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentKey, LastAnalysisCache } from '../../../server/src/lsp/contentCache';

test('the content key changes with any input, and with where one input ends and the next begins', () => {
  const base = contentKey(['/etc/a.rules', '*filter\nCOMMIT\n', '{"noIPv6":false}']);
  assert.equal(contentKey(['/etc/a.rules', '*filter\nCOMMIT\n', '{"noIPv6":false}']), base);
  assert.notEqual(contentKey(['/etc/a.rules', '*filter\nCOMMIT \n', '{"noIPv6":false}']), base);
  assert.notEqual(contentKey(['/etc/a.rules', '*filter\nCOMMIT\n', '{"noIPv6":true}']), base);
  assert.notEqual(contentKey(['ab', 'c']), contentKey(['a', 'bc']));
});

test('a kept analysis is handed out only for the key it was made under, one per slot', () => {
  const cache = new LastAnalysisCache<string>();
  cache.set('file:/a', 'k1', 'analysis of k1');
  assert.equal(cache.get('file:/a', 'k1'), 'analysis of k1');
  assert.equal(cache.get('file:/a', 'k2'), undefined);
  assert.equal(cache.get('file:/b', 'k1'), undefined);
  cache.set('file:/a', 'k2', 'analysis of k2');
  assert.equal(cache.get('file:/a', 'k1'), undefined, 'a newer version replaces the older');
  assert.equal(cache.size, 1);
  cache.set('file:/b', 'k1', 'b');
  cache.forget('file:/a');
  assert.equal(cache.get('file:/a', 'k2'), undefined);
  cache.clear();
  assert.equal(cache.get('file:/b', 'k1'), undefined);
});
