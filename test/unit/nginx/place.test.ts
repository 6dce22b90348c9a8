import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dialectById } from '../../../server/src/dialects/all';
import type { Dialect } from '../../../server/src/dialects/dialect';
import { buildPolicies, type PolicyRequest } from '../../../server/src/policies';
import type { Policy } from '../../../server/src/model/policy';
import { planIn } from '../render/cases';
import { shippedCatalog } from '../policies/shipped';

const nginx = (): Dialect => dialectById('nginx')!;

function policy(request: PolicyRequest): Policy {
  const result = buildPolicies(shippedCatalog('Worldwide'), request);
  assert.ok(result.ok && result.policies[0]);
  return result.policies[0];
}

const MAILBOX_MIGRATION = (): Policy => policy({ policy: 'exchange-hybrid', features: ['mailbox-migration'], serverAddresses: ['203.0.113.25'] });

void test('a location nothing filters already lets hybrid traffic through: nothing is written, and the summary says so', () => {
  const text = 'http {\n    server {\n        listen 443;\n        location /EWS/ {\n            proxy_pass https://10.1.1.25;\n        }\n        location /ecp/ {\n            allow 10.20.0.0/16;\n            deny all;\n        }\n    }\n}\n';
  const plan = planIn(nginx(), text, MAILBOX_MIGRATION());
  assert.equal(plan.newText, text);
  assert.match(plan.summary, /already let through: no allow\/deny of server 443 > location \/EWS\/ stops it/);
});

void test('a location that inherits its list gets one of its own for the service, the inherited rules copied after the new ones', () => {
  const text = 'http {\n    server {\n        listen 443;\n        allow 10.20.0.0/16;\n        deny all;\n        location /EWS/ {\n            proxy_pass https://10.1.1.25;\n        }\n    }\n}\n';
  const plan = planIn(nginx(), text, MAILBOX_MIGRATION());
  const block = plan.newText.slice(plan.newText.indexOf('location /EWS/ {'), plan.newText.indexOf('proxy_pass'));
  assert.match(block, /allow 52\.96\.0\.0\/14;[^]*# The rules this context inherited from server 443[^]*allow 10\.20\.0\.0\/16;\n\s*deny all;/);
  assert.match(plan.summary, /at the start of server 443 > location \/EWS\/, with the rules it inherited from server 443 copied after the new ones/);
  // The server's own list is unchanged: other locations keep their answer.
  assert.equal(plan.newText.split('\n').filter((l) => /^        (allow|deny) /.test(l)).join('|'), '        allow 10.20.0.0/16;|        deny all;');
});

void test('a listener bound to another address does not take the traffic', () => {
  const text = 'http {\n    server {\n        listen 198.51.100.7:443;\n        allow 10.20.0.0/16;\n        deny all;\n    }\n}\n';
  const plan = planIn(nginx(), text, MAILBOX_MIGRATION());
  assert.equal(plan.newText, text);
  assert.match(plan.summary, /no server of this nginx file listens on TCP 443/);
});
