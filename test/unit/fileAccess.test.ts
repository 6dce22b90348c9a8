import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { readJsonFile, readRegularFile, replaceEditedFile, writeFileAtomic } from '../../server/src/fileAccess';
import { FakeWebService, shippedSnapshot, toServiceJson } from './update/fakeService';
import { BIN, scratch } from './cli/subprocess';

void test('only regular files are read: a FIFO, a device, a socket and a folder are refused with what they are', async () => {
  const { dir, done } = scratch('regular');
  try {
    assert.equal(spawnSync('mkfifo', [join(dir, 'fifo')]).status, 0);
    symlinkSync('/dev/zero', join(dir, 'zero'));
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 'socket'), resolve));
    mkdirSync(join(dir, 'folder'));
    try {
      const kinds = ['fifo', 'zero', 'socket', 'folder'].map((name) => {
        const read = readRegularFile(join(dir, name), { maxBytes: 1024 });
        return read.ok ? 'read' : `${read.failure}: ${read.message}`;
      });
      assert.deepEqual(kinds, [
        `not-regular: not a regular file: ${join(dir, 'fifo')} (a FIFO)`,
        `not-regular: not a regular file: ${join(dir, 'zero')} (a character device)`,
        `not-regular: not a regular file: ${join(dir, 'socket')} (a socket)`,
        `not-regular: not a regular file: ${join(dir, 'folder')} (a folder)`,
      ]);
    } finally {
      server.close();
    }
    const missing = readRegularFile(join(dir, 'nothing'), { maxBytes: 1024 });
    assert.deepEqual(missing.ok ? undefined : missing.failure, 'missing');
  } finally {
    done();
  }
});

void test('the size cap holds on the descriptor: a file whose size the system does not report is still cut at the cap', (t) => {
  const { dir, done } = scratch('cap');
  try {
    writeFileSync(join(dir, 'big'), 'x'.repeat(2048));
    const big = readRegularFile(join(dir, 'big'), { maxBytes: 1024 });
    assert.equal(big.ok ? 'read' : big.failure, 'too-large');
    assert.match(big.ok ? '' : big.message, /big is 2 KB; the limit is 1 KB\./);
    const exact = readRegularFile(join(dir, 'big'), { maxBytes: 2048 });
    assert.equal(exact.ok && exact.text.length, 2048);
    // Files under /proc are regular files of size 0 whose content is made when read.
    if (!existsSync('/proc/self/status')) {
      t.diagnostic('no /proc here; the descriptor check is covered by the size check above only');
      return;
    }
    const proc = readRegularFile('/proc/self/status', { maxBytes: 16 });
    assert.equal(proc.ok ? 'read' : proc.failure, 'too-large');
    assert.ok(readRegularFile('/proc/self/status', { maxBytes: 1024 * 1024 }).ok);
  } finally {
    done();
  }
});

void test('UTF-8 is checked, a byte-order mark kept, and JSON read through the same door', () => {
  const { dir, done } = scratch('utf8');
  try {
    writeFileSync(join(dir, 'bom'), '\ufeffhej\n');
    writeFileSync(join(dir, 'latin1'), Buffer.from('K\xf8benhavn\n', 'latin1'));
    const bom = readRegularFile(join(dir, 'bom'), { maxBytes: 64 });
    assert.deepEqual(bom.ok && [bom.text, bom.utf8], ['\ufeffhej\n', true]);
    const latin1 = readRegularFile(join(dir, 'latin1'), { maxBytes: 64 });
    assert.equal(latin1.ok && latin1.utf8, false);
    writeFileSync(join(dir, 'data.json'), '{"a": 1}');
    writeFileSync(join(dir, 'broken.json'), '{"a": ');
    assert.deepEqual(readJsonFile(join(dir, 'data.json')).ok, true);
    const broken = readJsonFile(join(dir, 'broken.json'));
    assert.equal(broken.ok ? 'read' : broken.failure, 'malformed');
  } finally {
    done();
  }
});

void test('an atomic write replaces the file whole and leaves no temporary file, also when it is refused', () => {
  const { dir, done } = scratch('atomic');
  try {
    const path = join(dir, 'file');
    assert.deepEqual(writeFileAtomic(path, 'one\n'), { ok: true });
    assert.deepEqual(writeFileAtomic(path, 'two\n', { beforeRename: () => 'not now' }), { ok: false, message: 'not now' });
    assert.equal(readFileSync(path, 'utf8'), 'one\n');
    const failed = writeFileAtomic(join(dir, 'no-such-folder', 'file'), 'x');
    assert.equal(failed.ok ? '' : failed.code, 'ENOENT');
    const read = readRegularFile(path, { maxBytes: 64 });
    assert.ok(read.ok);
    writeFileSync(path, 'someone else\n');
    const refused = replaceEditedFile(path, { stamp: read.stamp, digest: 'not the digest of what is there now' }, 'ours\n');
    assert.match(refused.ok ? '' : refused.message, /changed since it was read; nothing was written/);
    assert.equal(readFileSync(path, 'utf8'), 'someone else\n');
    assert.deepEqual(readdirSync(dir), ['file']);
  } finally {
    done();
  }
});

/** `endpoint-lens update` in a shell whose file size limit is `blocks` × 512 bytes; resolves with its exit code and error output. */
function updateWithFileLimit(args: string[], blocks: number): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', `ulimit -f ${blocks} && exec "$0" "$@"`, process.execPath, BIN, 'update', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, err }));
  });
}

void test('a catalogue update that cannot be written (a full disk, here a file size limit) keeps the cache as it was and leaves no .tmp', async () => {
  const { dir, done } = scratch('update-full');
  const service = new FakeWebService();
  await service.start();
  try {
    const shipped = shippedSnapshot();
    service.handler = (path) => {
      if (path === '/version/Worldwide') return { json: { instance: 'Worldwide', latest: '2099010100' } };
      if (path === '/endpoints/Worldwide') return { json: shipped.sets.map(toServiceJson) };
      return { json: [] };
    };
    const run = await updateWithFileLimit(['--url', service.baseUrl, '--cache', dir], 16);
    assert.equal(run.code, 1, run.err);
    assert.match(run.err, /The new catalogue could not be saved \(EFBIG\)/);
    const left = (folder: string): string[] => (existsSync(folder) ? readdirSync(folder).filter((n) => n.endsWith('.tmp')) : []);
    assert.deepEqual([...left(dir), ...left(join(dir, 'history'))], []);
    assert.ok(!existsSync(join(dir, 'worldwide.json')), 'no catalogue half written');
  } finally {
    await service.stop();
    done();
  }
});
