import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLocation, listenedPorts } from '../../../server/src/model/routing';
import type { LocationMatch } from '../../../server/src/model/config';

const at = (kind: LocationMatch['kind'], pattern: string, caseless = false): { match: LocationMatch; name: string } => ({ match: { kind, pattern, ...(caseless ? { caseless } : {}) }, name: `${kind} ${pattern}` });

void test('a request path selects a location the way nginx does', () => {
  const root = at('prefix', '/');
  const ews = at('prefix', '/EWS/');
  const mrs = at('exact', '/EWS/mrsproxy.svc');
  const asmx = at('regex', '\\.asmx$');
  const adfs = at('prefix-final', '/adfs/');
  const adfsRegex = at('regex', '^/adfs/', true);
  const all = [root, ews, mrs, asmx, adfs, adfsRegex];
  const chosen = (path: string): string | undefined => chooseLocation(all, path)?.name;
  assert.equal(chosen('/EWS/mrsproxy.svc'), 'exact /EWS/mrsproxy.svc', 'an exact match wins');
  assert.equal(chosen('/EWS/Exchange.asmx'), 'regex \\.asmx$', 'a regular expression beats the longest plain prefix');
  assert.equal(chosen('/EWS/other.svc'), 'prefix /EWS/', 'the longest prefix when no expression matches');
  assert.equal(chosen('/adfs/services/trust'), 'prefix-final /adfs/', '^~ stops the search for expressions');
  assert.equal(chosen('/owa/'), 'prefix /');
  assert.equal(chooseLocation([ews], '/ews/exchange.asmx'), undefined, 'prefixes are case-sensitive');
  assert.equal(chooseLocation([at('regex', '^/ews/', true)], '/EWS/Exchange.asmx')?.name, 'regex ^/ews/', '~* ignores case');
});

void test('listeners take their protocol, ports and bound address only', () => {
  const route = {
    server: 's',
    locations: [],
    listeners: [
      // listen 203.0.113.25:25;
      { protocol: 'tcp' as const, ports: [{ from: 25, to: 25 }], addresses: [{ family: 4 as const, first: 0xcb007119n, last: 0xcb007119n }] },
      { protocol: 'udp' as const, ports: [{ from: 53, to: 53 }] },
    ],
  };
  assert.deepEqual(listenedPorts(route, 'tcp', [{ from: 25, to: 25 }]), [{ from: 25, to: 25 }]);
  assert.deepEqual(listenedPorts(route, 'tcp', [{ from: 443, to: 443 }]), []);
  assert.deepEqual(listenedPorts(route, 'udp', [{ from: 0, to: 65535 }]), [{ from: 53, to: 53 }]);
  // 203.0.113.26 is not the address listen names.
  assert.deepEqual(listenedPorts(route, 'tcp', [{ from: 25, to: 25 }], [{ family: 4, first: 0xcb00711an, last: 0xcb00711an }]), []);
  assert.deepEqual(listenedPorts(route, 'tcp', [{ from: 25, to: 25 }], [{ family: 4, first: 0xcb007119n, last: 0xcb007119n }]), [{ from: 25, to: 25 }]);
});
