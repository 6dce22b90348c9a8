import { test } from 'node:test';
import assert from 'node:assert/strict';
import { squidDialect } from '../../../server/src/dialects/squid';
import { planIn } from '../render/cases';
import { SQUID_FILES, proxyPolicies } from '../dialects/squid/files';
import { missingTool, run, withTempDir, writeFile } from './tools';

/**
 * `squid -k parse` (Debian's squid-openssl: the plain build refuses ssl-bump ports) accepts every
 * file with each proxy policy inserted and with all of them. Its exit status is 0 for some errors,
 * so its output is read for FATAL, ERROR and aclParse lines. Everything it reads is in a temporary
 * folder: a certificate made there, helpers that are /bin/false, no cache directory.
 */

/** The lines of squid's output that say the configuration is wrong. */
function complaints(output: string): string[] {
  return output.split('\n').filter((l) => /FATAL|ERROR|aclParse|Bungled/.test(l));
}

/** The file made runnable in `dir`: the certificate, helpers and peers it names replaced by harmless ones. */
function hermetic(text: string, dir: string, cert: string): string {
  return (
    text
      .replace(/\bcert=\S+/g, `cert=${cert}`)
      .replace(/^(\s*auth_param\s+\S+\s+program)\s.*$/gm, '$1 /bin/false')
      .replace(/^\s*(sslcrtd_program|coredump_dir|include)\b.*$/gm, '')
      .replace(/^(\s*cache_peer)\s+\S+/gm, '$1 127.0.0.1')
      .replace(/"\/etc\/squid\/([^"]+)"/g, (_m, name: string) => `"${writeFile(dir, name.replace(/\//g, '_'), '.example.org\n')}"`) +
    `\npid_filename ${dir}/squid.pid\ncache_log ${dir}/cache.log\naccess_log none\n`
  );
}

/** A file no bump port can use without a certificate or authentication helpers: add what the rules need. */
function prelude(text: string): string {
  const lines: string[] = [];
  if (/proxy_auth/.test(text) && !/^\s*auth_param/m.test(text)) lines.push('auth_param basic program /bin/false');
  return lines.length > 0 ? `${lines.join('\n')}\n${text}` : text;
}

void test('squid -k parse accepts every Squid file with each proxy policy inserted, and with all of them', (t) => {
  const missing = missingTool('squid') ?? missingTool('openssl');
  if (missing) {
    t.skip(`${missing}; the Debian package squid-openssl has squid -k parse with SSL bump`);
    return;
  }
  withTempDir((dir) => {
    const key = `${dir}/ca.pem`;
    const made = run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', `${dir}/cert.pem`, '-days', '2', '-subj', '/CN=endpoint-lens-test']);
    assert.equal(made.status, 0, made.output);
    writeFile(dir, 'bundle.pem', `${run('cat', [`${dir}/cert.pem`, key]).output}`);
    const cert = `${dir}/bundle.pem`;
    const probe = run('squid', ['-k', 'parse', '-f', writeFile(dir, 'probe.conf', hermetic(`http_port 3128 ssl-bump cert=x\nhttp_access deny all\n`, dir, cert))]);
    if (complaints(probe.output).length > 0) {
      t.skip(`this squid cannot parse an ssl-bump port (${complaints(probe.output)[0]}); install squid-openssl`);
      return;
    }
    let checked = 0;
    for (const file of SQUID_FILES) {
      let all = file.text;
      for (const policy of proxyPolicies()) {
        const one = planIn(squidDialect, file.text, policy).newText;
        all = planIn(squidDialect, all, policy).newText;
        const result = run('squid', ['-k', 'parse', '-f', writeFile(dir, 'one.conf', hermetic(prelude(one), dir, cert))]);
        assert.deepEqual(complaints(result.output), [], `${file.name} + ${policy.purpose}`);
        checked++;
      }
      const result = run('squid', ['-k', 'parse', '-f', writeFile(dir, 'all.conf', hermetic(prelude(all), dir, cert))]);
      assert.deepEqual(complaints(result.output), [], `${file.name} with every policy`);
      assert.match(result.output, /Processing: http_access allow endpoint_lens_/, `${file.name}: squid read the inserted lines`);
    }
    assert.ok(checked > 0);
  });
});

void test('squid -k parse is a real oracle here: it refuses what the renderer must never write', (t) => {
  const missing = missingTool('squid');
  if (missing) {
    t.skip(`${missing}; the Debian package squid-openssl has it`);
    return;
  }
  withTempDir((dir) => {
    const bad = ['acl x dstdomain .office.com office.com', `acl ${'a'.repeat(64)} dstdomain .office.com`, 'http_access allow undefined_acl'];
    for (const line of bad) {
      const result = run('squid', ['-k', 'parse', '-f', writeFile(dir, 'bad.conf', `http_port 3128\n${line}\npid_filename ${dir}/p\ncache_log ${dir}/c\n`)]);
      assert.ok(complaints(result.output).length > 0, `squid accepted: ${line}`);
    }
  });
});
