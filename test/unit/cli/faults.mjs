// Test-only faults for the analysis threads of `check`, loaded with `node --import` (worker threads
// inherit it). Only inside a worker thread, and only for files under a folder named for the fault:
//   hangs/…             opening the file never returns
//   exhausts-heap/…     opening the file allocates until the thread's heap limit is reached
//   changes-under-us/…  after the thread has read the file, another "process" appends a line to it
import fs from 'node:fs';
import { isMainThread } from 'node:worker_threads';

if (!isMainThread) {
  const { openSync, closeSync, writeSync } = fs;
  const changing = new Map();
  fs.openSync = (path, ...rest) => {
    const name = String(path);
    if (name.includes('/hangs/')) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    if (name.includes('/exhausts-heap/')) {
      const hoard = [];
      for (;;) hoard.push(new Array(100_000).fill(hoard.length));
    }
    const fd = openSync(path, ...rest);
    if (name.includes('/changes-under-us/')) changing.set(fd, name);
    return fd;
  };
  fs.closeSync = (fd) => {
    closeSync(fd);
    const name = changing.get(fd);
    if (name !== undefined) {
      changing.delete(fd);
      const out = openSync(name, 'a');
      writeSync(out, '# edited by someone else meanwhile\n');
      closeSync(out);
    }
  };
}
