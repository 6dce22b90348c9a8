import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, resolveSettings } from '../../../../server/src/engine';
import { analyze } from '../../../../server/src/analysis/analyze';
import { LineIndex } from '../../../../server/src/model/range';
import { squidDialect } from '../../../../server/src/dialects/squid';

/**
 * The grid of tls-inspected and proxy-auth-required on squid.conf: each ssl_bump and
 * authentication shape, what is reported, for which sets, at which line and how severely. Set 31
 * (SharePoint, Optimize), set 12 (Teams, Allow) and set 1 (Exchange, Optimize) stand for the rest.
 */

const engine = Engine.create({ asOf: '2026-11-26' });

async function findings(text: string, code: 'tls-inspected' | 'proxy-auth-required'): Promise<string[]> {
  const lines = new LineIndex(text);
  const context = (await engine).contextFor(text, lines, squidDialect.parse(text).model, resolveSettings({}), squidDialect);
  return analyze(context)
    .filter((f) => f.code === code)
    .flatMap((f) => {
      const set = /endpoint set (\d+) /.exec(f.message)?.[1];
      return set === '31' || set === '12' || set === '1' ? [`${set} ${f.severity} ${f.range.start.line + 1}`] : [];
    })
    .sort();
}

const BUMP_PORT = 'http_port 3128 ssl-bump cert=/etc/squid/ca.pem\nacl step1 at_step SslBump1\nacl step2 at_step SslBump2\nacl step3 at_step SslBump3\nhttp_access allow all\n';
// Lines 1-5 are the port, three steps and the allow; the ssl_bump lines of each case start at 6.
const TLS_GRID: Array<{ name: string; text: string; expected: string[] }> = [
  { name: 'no ssl-bump port: ssl_bump never applies', text: 'http_port 3128\nhttp_access allow all\nssl_bump bump all\n', expected: [] },
  { name: 'an ssl-bump port without rules splices', text: BUMP_PORT, expected: [] },
  { name: 'bump at step 1 (client first)', text: `${BUMP_PORT}ssl_bump bump all\n`, expected: ['1 error 6', '12 warning 6', '31 error 6'] },
  { name: 'peek at step 1, then bump', text: `${BUMP_PORT}ssl_bump peek step1\nssl_bump bump all\n`, expected: ['1 error 7', '12 warning 7', '31 error 7'] },
  {
    name: 'a splice by server name before the bump',
    text: `${BUMP_PORT}acl sp ssl::server_name .sharepoint.com\nssl_bump peek step1\nssl_bump splice sp\nssl_bump bump all\n`,
    expected: ['1 error 9', '12 warning 9'],
  },
  { name: 'stare at step 2, bump at step 3', text: `${BUMP_PORT}ssl_bump peek step1\nssl_bump stare step2\nssl_bump bump step3\n`, expected: ['1 error 8', '12 warning 8', '31 error 8'] },
  { name: 'stare with nothing after it: Squid bumps', text: `${BUMP_PORT}ssl_bump peek step1\nssl_bump stare all\n`, expected: ['1 error 7', '12 warning 7', '31 error 7'] },
  { name: 'peek at step 2: bumping is no longer possible, Squid splices', text: `${BUMP_PORT}ssl_bump peek all\nssl_bump bump all\n`, expected: [] },
  { name: 'terminate refuses the session, it does not decrypt it', text: `${BUMP_PORT}ssl_bump terminate all\n`, expected: [] },
  {
    name: 'a splice list read from a file leaves the bump after it unknown',
    text: `${BUMP_PORT}acl nobump ssl::server_name "/etc/squid/nobump.txt"\nssl_bump peek step1\nssl_bump splice nobump\nssl_bump bump all\n`,
    expected: [],
  },
  {
    name: 'a plain domain regex splices; a clever one leaves it unknown',
    text: `${BUMP_PORT}acl sp ssl::server_name_regex -i (^|\\.)sharepoint\\.com$\nacl odd ssl::server_name_regex ^(outlook|teams)\\.\nssl_bump peek step1\nssl_bump splice sp\nssl_bump splice odd\nssl_bump bump all\n`,
    expected: [],
  },
  {
    name: 'traffic http_access denies is not inspected',
    text: 'http_port 3128 ssl-bump cert=/etc/squid/ca.pem\nacl sp dstdomain .sharepoint.com\nhttp_access deny sp\nhttp_access allow all\nssl_bump bump all\n',
    expected: ['1 error 5', '12 warning 5'],
  },
  {
    name: 'plain HTTP on port 80 only is never TLS',
    text: 'http_port 3128 ssl-bump cert=/etc/squid/ca.pem\nacl CONNECT method CONNECT\nhttp_access deny CONNECT\nhttp_access allow all\nssl_bump bump all\n',
    expected: [],
  },
];

for (const { name, text, expected } of TLS_GRID) {
  void test(`tls-inspected: ${name}`, async () => {
    assert.deepEqual(await findings(text, 'tls-inspected'), expected);
  });
}

const AUTH = 'http_port 3128\nauth_param basic program /usr/lib/squid/basic_ncsa_auth /etc/squid/passwd\nacl auth proxy_auth REQUIRED\nacl lan src 10.0.0.0/8\nacl sp dstdomain .sharepoint.com\n';
// Lines 1-5 are the port, the helper and three acls; the http_access lines start at 6.
const AUTH_GRID: Array<{ name: string; text: string; expected: string[] }> = [
  { name: 'deny !auth, then allow', text: `${AUTH}http_access deny !auth\nhttp_access allow all\n`, expected: ['1 error 6', '12 warning 6', '31 error 6'] },
  { name: 'allow only the authenticated, then deny', text: `${AUTH}http_access allow auth\nhttp_access deny all\n`, expected: ['1 error 6', '12 warning 6', '31 error 6'] },
  { name: 'allow the LAN once authenticated: the implicit deny follows', text: `${AUTH}http_access allow lan auth\n`, expected: ['1 error 6', '12 warning 6', '31 error 6'] },
  { name: 'an exemption before the challenge', text: `${AUTH}http_access allow sp\nhttp_access deny !auth\nhttp_access allow all\n`, expected: ['1 error 7', '12 warning 7'] },
  { name: 'a challenge after everything is allowed never applies', text: `${AUTH}http_access allow all\nhttp_access deny !auth\n`, expected: [] },
  { name: 'only some users: whether the request gets through stays unknown', text: `${AUTH}acl staff proxy_auth alice bob\nhttp_access allow staff\nhttp_access deny all\n`, expected: [] },
  { name: 'a deny that does not depend on authentication is blocked-required instead', text: `${AUTH}http_access deny sp\nhttp_access allow all\n`, expected: [] },
];

for (const { name, text, expected } of AUTH_GRID) {
  void test(`proxy-auth-required: ${name}`, async () => {
    assert.deepEqual(await findings(text, 'proxy-auth-required'), expected);
  });
}
