import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { threadCpuClock } from '../../../server/src/pac/threadClock';

void test('the PAC clock counts the thread\'s CPU time: a thread that waits does not spend its budget', { skip: !existsSync('/proc/thread-self/stat') && 'the kernel does not report thread CPU time here (Linux /proc/thread-self)' }, () => {
  const clock = threadCpuClock();
  const before = clock();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
  const waited = clock() - before;
  assert.ok(waited < 100, `400 ms of waiting counted as ${waited} ms`);
  const start = clock();
  const wallEnd = Date.now() + 5000;
  while (clock() === start && Date.now() < wallEnd);
  assert.ok(clock() > start, 'work advances the clock');
});
