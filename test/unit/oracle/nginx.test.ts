import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { insertText, planIn } from '../render/cases';
import { allPolicies, fileCases, type FileCase } from '../render/cases';
import { run, withTempDir, writeFile } from './tools';
import { parseNginx } from '../../../server/src/dialects/nginx/parse';
import { analyserFor, fixedText, gatewayCases, insertedTexts } from '../../gateways/harness';

const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

/** The main-context lines every checked configuration needs here: its own pid and log, and the stream module when it is dynamic. */
function prelude(): { lines: string } | { skip: string } {
  const version = run('nginx', ['-V']);
  if (version.status !== 0) return { skip: `nginx is not installed (apt-get install nginx-light libnginx-mod-stream): ${version.output.trim().split('\n')[0] ?? ''}` };
  if (!version.output.includes('--with-stream')) return { skip: 'this nginx has no stream module (apt-get install libnginx-mod-stream)' };
  if (version.output.includes('--with-stream=dynamic')) {
    if (!existsSync(STREAM_MODULE)) return { skip: `this nginx loads the stream module from ${STREAM_MODULE}, which is not installed (apt-get install libnginx-mod-stream)` };
    return { lines: `load_module ${STREAM_MODULE};\n` };
  }
  return { lines: '' };
}

function nginxTest(dir: string, label: string, main: string): { label: string; status: number | null; output: string } {
  const conf = writeFile(dir, `${label.replace(/[^A-Za-z0-9]+/g, '-')}.conf`, main);
  return { label, ...run('nginx', ['-t', '-q', '-p', `${dir}/`, '-e', `${dir}/error.log`, '-c', conf]) };
}

void test('nginx -t accepts nginx.conf with each policy inserted, with all of them, and each block on its own', (t) => {
  const head = prelude();
  if ('skip' in head) {
    t.skip(head.skip);
    return;
  }
  const target: FileCase = fileCases().find((f) => f.name === 'nginx.conf')!;
  withTempDir((dir) => {
    const own = `${head.lines}pid ${dir}/nginx.pid;\n`;
    const results = [nginxTest(dir, 'broken on purpose', own + target.text.replace('deny all;', 'deny everyone;'))];
    let all = target.text;
    for (const policy of allPolicies()) {
      // nginx takes only the web part of a policy; mail flow alone places nothing (the round-trip test checks it says why).
      const placed = planIn(target.dialect, target.text, policy);
      if (placed.edits.length > 0) results.push(nginxTest(dir, `nginx.conf ${policy.purpose}`, own + placed.newText));
      all = insertText(target.dialect, all, policy);
      // The block the CLI prints without --into, included where its direction belongs.
      const alone = writeFile(dir, `${policy.purpose}.block`, insertText(target.dialect, '', policy));
      const wrapper =
        policy.direction === 'inbound'
          ? `events {}\nhttp {\n    server {\n        listen 8445;\n        location / {\n            include ${alone};\n        }\n    }\n}\n`
          : // A new map's variable is named after the policy's purpose; names past 32 characters need bigger hash buckets.
            `events {}\nstream {\n    variables_hash_bucket_size 128;\n    include ${alone};\n}\n`;
      results.push(nginxTest(dir, `${policy.purpose} alone`, own + wrapper));
    }
    results.push(nginxTest(dir, 'nginx.conf with every block', own + all));
    const [broken, ...rest] = results;
    assert.notEqual(broken?.status, 0, 'the oracle refuses a broken file');
    for (const r of rest) assert.equal(r.status, 0, `${r.label}: ${r.output}`);
  });
});

/**
 * A gateway configuration made checkable here: its own `pid` and `user` lines give way to the
 * test's, and each listen moves off its public address and privileged port, because `nginx -t`
 * binds every listen socket. Nothing else of the text changes.
 */
function hermetic(text: string): string {
  return text
    .replace(/^[ \t]*(pid|user)[ \t][^;\n]*;[ \t]*\n/gm, '')
    .replace(/^([ \t]*listen[ \t]+)(?:\[[^\]]*\]:|[0-9.]+:)?(\d+)/gm, (_all, head: string, port: string) => `${head}${Number(port) < 1024 ? 40000 + Number(port) : Number(port)}`);
}

/** A whole configuration as it is; an included fragment inside the blocks it is read in. */
function inContext(dir: string, label: string, text: string): string {
  const { vendor } = parseNginx(text);
  if (!vendor.fragment) return text;
  const file = writeFile(dir, `${label.replace(/[^A-Za-z0-9]+/g, '-')}.fragment`, text);
  const around: Record<string, [string, string]> = {
    http: ['http {\n', '}\n'],
    server: ['http {\n server {\n', ' }\n}\n'],
    location: ['http {\n server {\n  listen 48080;\n  location / {\n', '  }\n }\n}\n'],
    stream: ['stream {\n', '}\n'],
  };
  const [open, close] = around[vendor.rootContext] ?? assert.fail(`${label}: no wrapper for a ${vendor.rootContext} fragment`);
  return `events {}\n${open}include ${file};\n${close}`;
}

void test('nginx -t accepts every nginx gateway, fixed and with each insert', async (t) => {
  const head = prelude();
  if ('skip' in head) {
    t.skip(head.skip);
    return;
  }
  const texts: Array<[string, string]> = [];
  for (const gateway of gatewayCases('nginx')) {
    const analysed = await analyserFor(gateway);
    texts.push([gateway.name, gateway.text]);
    const fixed = fixedText(gateway, analysed);
    if (fixed.text !== gateway.text) texts.push([`${gateway.name} with every fix`, fixed.text]);
    for (const inserted of insertedTexts(gateway, analysed)) if (inserted.applied) texts.push([inserted.label, inserted.text]);
  }
  assert.ok(texts.length >= 3, `only ${texts.length} texts`);
  withTempDir((dir) => {
    const own = `${head.lines}pid ${dir}/nginx.pid;\n`;
    const broken = nginxTest(dir, 'broken on purpose', own + inContext(dir, 'broken', hermetic(texts[0]![1].replace('deny all;', 'deny everyone;'))));
    assert.notEqual(broken.status, 0, 'the oracle refuses a broken file');
    for (const [label, text] of texts) {
      const result = nginxTest(dir, label, own + inContext(dir, label, hermetic(text)));
      assert.equal(result.status, 0, `${label}: ${result.output}`);
    }
  });
});
