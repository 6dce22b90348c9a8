import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(__dirname, '..', '..', '..');
const dist = join(root, 'dist');

test('the sandbox runs from a bundle with only the files scripts/build.mjs puts in dist/', async () => {
  for (const file of ['pac-worker.js', 'quickjs-release-sync.wasm']) {
    assert.ok(existsSync(join(dist, file)), `dist/${file} is missing: run npm run build`);
  }
  // A folder outside the repository, so nothing can be found in node_modules by accident.
  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-pac-bundle-'));
  try {
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      [
        `import { createPacSandbox } from ${JSON.stringify(join(root, 'server', 'src', 'pac', 'sandbox'))};`,
        'void createPacSandbox().then((sandbox) => {',
        '  const options = { hostAddresses: { "teams.microsoft.com": "52.113.194.132" }, clientAddress: "10.0.0.5", timeoutMs: 500, memoryBytes: 8 << 20 };',
        '  const ok = sandbox.evaluate(\'function FindProxyForURL(url, host) { if (isInNet(host, "52.112.0.0", "255.252.0.0")) return "DIRECT"; return "PROXY p:8080"; }\',',
        '    [{ url: "https://teams.microsoft.com/", host: "teams.microsoft.com" }, { url: "https://www.example.org/", host: "www.example.org" }], options);',
        '  const loop = sandbox.evaluate("function FindProxyForURL(url, host) { for (;;) {} }", [{ url: "https://a/", host: "a" }], options);',
        '  process.stdout.write(JSON.stringify({ ok, loop }));',
        '});',
      ].join('\n'),
    );
    await build({ entryPoints: [entry], outfile: join(dir, 'dist', 'probe.js'), bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'silent' });
    copyFileSync(join(dist, 'pac-worker.js'), join(dir, 'dist', 'pac-worker.js'));
    copyFileSync(join(dist, 'quickjs-release-sync.wasm'), join(dir, 'dist', 'quickjs-release-sync.wasm'));
    const env = { ...process.env };
    delete env.NODE_PATH;
    delete env.NODE_OPTIONS;
    const run = spawnSync(process.execPath, [join(dir, 'dist', 'probe.js')], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    const output = JSON.parse(run.stdout) as { ok: Array<{ ok: boolean; value?: string }>; loop: Array<{ ok: boolean; kind?: string }> };
    assert.deepEqual(output.ok.map((r) => r.value), ['DIRECT', 'PROXY p:8080']);
    assert.equal(output.loop[0]?.kind, 'timeout');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
