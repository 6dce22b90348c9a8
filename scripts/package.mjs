// `npm run package`: production bundles, then a .vsix with only what runs (see .vscodeignore),
// then its size and file list. Fails when the package exceeds 2 MB.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LIMIT = 2 * 1024 * 1024;

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`${command} ${args.join(' ')} failed with ${result.status ?? result.signal}`);
    process.exit(1);
  }
}

/** Names and sizes of the entries in a zip file, read from its central directory. */
export function zipEntries(path) {
  const buf = readFileSync(path);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${path} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${path}: damaged central directory`);
    const method = buf.readUInt16LE(offset + 10);
    const compressed = buf.readUInt32LE(offset + 20);
    const size = buf.readUInt32LE(offset + 24);
    const nameLength = buf.readUInt16LE(offset + 28);
    const extraLength = buf.readUInt16LE(offset + 30);
    const commentLength = buf.readUInt16LE(offset + 32);
    const local = buf.readUInt32LE(offset + 42);
    const name = buf.toString('utf8', offset + 46, offset + 46 + nameLength);
    entries.push({ name, size, method, compressed, local });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return { buf, entries };
}

/** One entry's bytes (stored or deflated). */
export function zipRead(zip, name) {
  const entry = zip.entries.find((e) => e.name === name);
  if (!entry) return undefined;
  const { buf } = zip;
  const start = entry.local + 30 + buf.readUInt16LE(entry.local + 26) + buf.readUInt16LE(entry.local + 28);
  const data = buf.subarray(start, start + entry.compressed);
  return entry.method === 0 ? Buffer.from(data) : inflateRawSync(data);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const out = `endpoint-lens-${version}.vsix`;
  run(process.execPath, ['scripts/build.mjs', '--production']);
  run(process.execPath, [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--out', out]);
  const size = statSync(join(root, out)).size;
  const { entries } = zipEntries(join(root, out));
  console.log(`\n${out}: ${(size / 1024).toFixed(0)} KiB, ${entries.length} files`);
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) console.log(`  ${String(e.size).padStart(9)}  ${e.name}`);
  if (size > LIMIT) {
    console.error(`${out} is larger than 2 MB`);
    process.exit(1);
  }
}
