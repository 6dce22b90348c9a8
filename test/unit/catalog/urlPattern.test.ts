import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compileUrlPattern,
  isExactHost,
  isMicrosoftLookingHost,
  literalSuffix,
  patternCoversPattern,
  probeHosts,
  registrableDomain,
} from '../../../server/src/catalog/urlPattern';

function matches(pattern: string, host: string, tenant?: string): boolean {
  return compileUrlPattern(pattern, tenant)(host);
}

void test('*.x is any subdomain, any depth, never the apex', () => {
  assert.ok(matches('*.office.com', 'www.office.com'));
  assert.ok(matches('*.office.com', 'a.b.c.office.com'));
  assert.ok(matches('*.office.com', 'WWW.Office.COM.'));
  assert.ok(!matches('*.office.com', 'office.com'));
  assert.ok(!matches('*.office.com', 'notoffice.com'));
  assert.ok(!matches('*.office.com', 'office.com.evil.net'));
  assert.ok(!matches('*.office.com', '.office.com'));
  assert.ok(!matches('*.office.com', 'a..office.com'));
});

void test('a lone * in the middle is exactly one label', () => {
  const p = 'autodiscover.*.onmicrosoft.com';
  assert.ok(matches(p, 'autodiscover.contoso.onmicrosoft.com'));
  assert.ok(!matches(p, 'autodiscover.onmicrosoft.com'));
  assert.ok(!matches(p, 'autodiscover.a.b.onmicrosoft.com'));
  assert.ok(!matches(p, 'x.autodiscover.contoso.onmicrosoft.com'));
  assert.ok(matches('autodiscover.*.mail.onmicrosoft.us', 'autodiscover.fabrikam.mail.onmicrosoft.us'));
});

void test('partial-label * is any prefix inside the first label, including none', () => {
  const p = '*cdn.onenote.net';
  assert.ok(matches(p, 'cdn.onenote.net'));
  assert.ok(matches(p, 'foocdn.onenote.net'));
  assert.ok(matches(p, 'a-b-cdn.onenote.net'));
  assert.ok(!matches(p, 'x.cdn.onenote.net'));
  assert.ok(!matches(p, 'cdnx.onenote.net'));
  assert.ok(!matches(p, 'onenote.net'));
});

void test('exact patterns match only themselves', () => {
  assert.ok(matches('outlook.office365.com', 'outlook.office365.com'));
  assert.ok(matches('outlook.office365.com', 'Outlook.Office365.com.'));
  assert.ok(!matches('outlook.office365.com', 'www.outlook.office365.com'));
  assert.ok(!matches('outlook.office365.com', 'outlook.office365.co'));
});

void test('<tenant> is filled from the tenant name, else one label wildcard', () => {
  assert.ok(matches('<tenant>.sharepoint.com', 'contoso.sharepoint.com', 'contoso'));
  assert.ok(!matches('<tenant>.sharepoint.com', 'fabrikam.sharepoint.com', 'contoso'));
  assert.ok(matches('<tenant>.sharepoint.com', 'fabrikam.sharepoint.com'));
  assert.ok(!matches('<tenant>.sharepoint.com', 'a.b.sharepoint.com'));
  assert.ok(!matches('<tenant>.sharepoint.com', 'sharepoint.com'));
  assert.ok(matches('<tenant>-my.sharepoint.com', 'contoso-my.sharepoint.com', 'Contoso'));
  assert.ok(!matches('<tenant>-my.sharepoint.com', 'contoso-my.sharepoint.com', 'fabrikam'));
  assert.ok(!matches('<tenant>-my.sharepoint.com', '-my.sharepoint.com'));
  assert.ok(matches('<tenant>-*.sharepoint.com', 'contoso-myfiles.sharepoint.com', 'contoso'));
  // A tenant that is not one DNS label is not spliced in; the placeholder stays a wildcard.
  assert.ok(matches('<tenant>.sharepoint.com', 'x.sharepoint.com', 'a.b'));
  // Placeholders other than <tenant> are never filled from the tenant.
  assert.ok(matches('<email_domain>.outlookmobile.com', 'fabrikam.outlookmobile.com', 'contoso'));
});

void test('invalid patterns and hosts match nothing', () => {
  assert.ok(!matches('exa mple.com', 'exa mple.com'));
  assert.ok(!matches('', ''));
  assert.ok(!matches('*.office.com', 'a'.repeat(300) + '.office.com'));
  assert.ok(!matches('<tenant.sharepoint.com', 'x.sharepoint.com'));
});

void test('patternCoversPattern: every host of b is matched by a', () => {
  assert.ok(patternCoversPattern('*.office.com', 'outlook.office.com'));
  assert.ok(patternCoversPattern('*.office.com', '*.outlook.office.com'));
  assert.ok(patternCoversPattern('*.office.com', '*.office.com'));
  assert.ok(!patternCoversPattern('outlook.office.com', '*.office.com'));
  assert.ok(!patternCoversPattern('*.outlook.office.com', '*.office.com'));
  assert.ok(!patternCoversPattern('*.office.com', 'office.com'));
  assert.ok(patternCoversPattern('*.onmicrosoft.com', 'autodiscover.*.onmicrosoft.com'));
  assert.ok(!patternCoversPattern('autodiscover.*.onmicrosoft.com', '*.onmicrosoft.com'));
  assert.ok(patternCoversPattern('*.onenote.net', '*cdn.onenote.net'));
  assert.ok(!patternCoversPattern('*cdn.onenote.net', '*.onenote.net'));
  assert.ok(patternCoversPattern('*cdn.onenote.net', 'foocdn.onenote.net'));
  assert.ok(patternCoversPattern('*cdn.onenote.net', '*-cdn.onenote.net'));
  assert.ok(!patternCoversPattern('*-cdn.onenote.net', '*cdn.onenote.net'));
  assert.ok(patternCoversPattern('*.sharepoint.com', '<tenant>.sharepoint.com'));
  assert.ok(patternCoversPattern('<tenant>.sharepoint.com', 'contoso.sharepoint.com', 'contoso'));
  assert.ok(!patternCoversPattern('<tenant>.sharepoint.com', 'contoso-my.sharepoint.com', 'contoso'));
  assert.ok(patternCoversPattern('<tenant>.sharepoint.com', 'contoso-my.sharepoint.com'));
  assert.ok(patternCoversPattern('<tenant>-*.sharepoint.com', '<tenant>-my.sharepoint.com', 'contoso'));
  assert.ok(!patternCoversPattern('a*b.x.com', '*.x.com'));
});

void test('probe hosts stand for the pattern and are matched by it', () => {
  assert.deepEqual(probeHosts('outlook.office365.com'), ['outlook.office365.com']);
  assert.deepEqual(probeHosts('*.office.com'), ['probe.office.com', 'probe.probe.office.com']);
  assert.deepEqual(probeHosts('*cdn.onenote.net'), ['cdn.onenote.net', 'probecdn.onenote.net']);
  assert.deepEqual(probeHosts('autodiscover.*.onmicrosoft.com'), ['autodiscover.probe.onmicrosoft.com']);
  assert.deepEqual(probeHosts('<tenant>-my.sharepoint.com', 'contoso'), ['contoso-my.sharepoint.com']);
  assert.deepEqual(probeHosts('not a pattern'), []);
  for (const p of ['*.office.com', '*cdn.onenote.net', 'autodiscover.*.onmicrosoft.com', '<tenant>-*.sharepoint.com', 'a*b*c.x.com']) {
    const probes = probeHosts(p);
    assert.ok(probes.length > 0, p);
    for (const host of probes) assert.ok(matches(p, host), `${p} should match its probe ${host}`);
  }
});

void test('exactness, suffixes and registrable domains', () => {
  assert.ok(isExactHost('outlook.office.com'));
  assert.ok(!isExactHost('*.office.com'));
  assert.ok(!isExactHost('<tenant>.sharepoint.com'));
  assert.ok(isExactHost('<tenant>.sharepoint.com', 'contoso'));
  assert.equal(literalSuffix('autodiscover.*.onmicrosoft.com'), 'onmicrosoft.com');
  assert.equal(literalSuffix('*cdn.onenote.net'), 'onenote.net');
  assert.equal(literalSuffix('outlook.office.com'), 'outlook.office.com');
  assert.equal(registrableDomain('a.b.office.com'), 'office.com');
  assert.equal(registrableDomain('x.azure-mobile.net.cn'), 'azure-mobile.net.cn');
  assert.equal(registrableDomain('com'), undefined);
});

void test('Microsoft-looking hosts', () => {
  assert.ok(isMicrosoftLookingHost('old.outlook.office365.com'));
  assert.ok(isMicrosoftLookingHost('something.cloud.microsoft'));
  assert.ok(isMicrosoftLookingHost('Portal.Office.com.'));
  assert.ok(!isMicrosoftLookingHost('example.com'));
  assert.ok(!isMicrosoftLookingHost('notmicrosoft.com'));
  assert.ok(!isMicrosoftLookingHost('office.com.example.net'));
  assert.ok(isMicrosoftLookingHost('x.contoso-ms.example', new Set(['contoso-ms.example'])));
});
