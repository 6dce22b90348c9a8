import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressProblem, splitAddresses } from '../../../client/src/addressInput';
import { ageInDays } from '../../../client/src/catalogAge';

test('server addresses may be separated by commas, semicolons or spaces', () => {
  assert.deepEqual(splitAddresses(' 10.10.5.25, 10.10.6.0/24;2001:db8::10\n'), ['10.10.5.25', '10.10.6.0/24', '2001:db8::10']);
  assert.deepEqual(splitAddresses(' ,; '), []);
});

test('the input check names the first unusable address', () => {
  assert.equal(addressProblem('10.10.5.25, 2001:db8::/64', true), undefined);
  assert.deepEqual(addressProblem('', true), { kind: 'none-given' });
  assert.equal(addressProblem('', false), undefined);
  assert.deepEqual(addressProblem('10.10.5.25 10.10.5.300', true), { kind: 'not-an-address', text: '10.10.5.300' });
  assert.deepEqual(addressProblem('mail.contoso.example', true), { kind: 'not-an-address', text: 'mail.contoso.example' });
  assert.deepEqual(addressProblem('10.0.0.0/33', true), { kind: 'not-an-address', text: '10.0.0.0/33' });
  assert.deepEqual(addressProblem('10.10.5.25/24', true), { kind: 'host-bits-set', text: '10.10.5.25/24' });
});

test('the catalogue age is counted in whole days and never negative', () => {
  const now = new Date('2026-11-26T19:00:00Z');
  assert.equal(ageInDays('2026-11-26', now), 0);
  assert.equal(ageInDays('2026-08-14', now), 104);
  assert.equal(ageInDays('2026-12-01', now), 0);
  assert.equal(ageInDays('not a date', now), undefined);
});
