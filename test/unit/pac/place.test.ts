import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dialectById } from '../../../server/src/dialects/all';
import type { Dialect } from '../../../server/src/dialects/dialect';
import { endpointSetsPolicy } from '../../../server/src/policies';
import type { Policy } from '../../../server/src/model/policy';
import { planPolicy, type PolicyPlan } from '../../../server/src/render/plan';
import { TENANT_RESTRICTION_HOSTS } from '../../../server/src/catalog/tenantRestrictions';
import { createPacSandbox, type PacRunOptions } from '../../../server/src/pac/sandbox';
import { shippedCatalog } from '../policies/shipped';

const pac: Dialect = dialectById('pac')!;
const catalog = shippedCatalog('Worldwide');
const options: PacRunOptions = { hostAddresses: {}, clientAddress: '10.0.0.5', timeoutMs: 2000, memoryBytes: 32 << 20, totalTimeoutMs: 30_000 };

function sets(...ids: number[]): Policy {
  const result = endpointSetsPolicy(catalog, { setIds: ids });
  assert.ok(result.ok && result.policies[0]);
  return result.policies[0];
}

function plan(text: string, policy: Policy, keepOnProxy?: readonly string[]): PolicyPlan {
  return planPolicy({ text, dialect: pac, parseContext: {}, catalog, ...(keepOnProxy ? { keepOnProxy } : {}) }, policy);
}

/** The line the block's BEGIN marker is on, and the lines around it. */
function around(text: string): { before: string; after: string } {
  const lines = text.split('\n');
  const begin = lines.findIndex((l) => l.includes('// BEGIN endpoint-lens'));
  const end = lines.findIndex((l) => l.includes('// END endpoint-lens'));
  assert.ok(begin > 0 && end > begin, text);
  return { before: lines[begin - 1]!.trim(), after: lines[end + 1]!.trim() };
}

async function answers(text: string, hosts: string[]): Promise<string[]> {
  const sandbox = await createPacSandbox();
  return sandbox.evaluate(text, hosts.map((host) => ({ url: `https://${host}/`, host })), options).map((r) => (r.ok ? r.value : `error: ${r.message}`));
}

void test('the block goes after the set-up statements and the comment of the first branch stays with it', async () => {
  const text = [
    'function FindProxyForURL(url, host) {',
    '    var proxy = "PROXY p.example:8080";',
    '    host = host.toLowerCase();',
    '',
    '    // The intranet first.',
    '    if (dnsDomainIs(host, ".corp.example")) return "DIRECT";',
    '    return proxy;',
    '}',
    '',
  ].join('\n');
  const planned = plan(text, sets(31));
  assert.deepEqual(around(planned.newText), { before: '', after: '// The intranet first.' });
  assert.ok(planned.newText.indexOf('host = host.toLowerCase();') < planned.newText.indexOf('// BEGIN'));
  assert.match(planned.summary, /after its set-up statements, before the branch on line 6/);
  assert.deepEqual(await answers(planned.newText, ['contoso.sharepoint.com', 'www.example.org']), ['DIRECT', 'PROXY p.example:8080']);
  assert.deepEqual(plan(planned.newText, sets(31)).edits, [], 'planning again changes nothing');
});

void test('every function form the parser reads takes the block inside the function', async () => {
  const forms: Array<[string, string]> = [
    ['declaration', 'function FindProxyForURL(url, host) {\n  return "PROXY p.example:8080";\n}\n'],
    ['var', 'var FindProxyForURL = function (url, host) {\n  return "PROXY p.example:8080";\n};\n'],
    ['assignment', 'FindProxyForURL = function (url, host) {\n  return "PROXY p.example:8080";\n};\n'],
    ['arrow with a block body', 'var FindProxyForURL = (url, host) => {\n  return "PROXY p.example:8080";\n};\n'],
    ['label', 'WPAD: function FindProxyForURL(url, host) {\n  return "PROXY p.example:8080";\n}\n'],
    ['Ex', 'function FindProxyForURLEx(url, host) {\n  return "PROXY p.example:8080";\n}\n'],
    ['one line', 'function FindProxyForURL(url, host) { return "PROXY p.example:8080"; }\n'],
    ['one line with set-up', 'function FindProxyForURL(url, host) { host = host.toLowerCase(); return "PROXY p.example:8080"; }\n'],
  ];
  for (const [form, text] of forms) {
    const planned = plan(text, sets(31));
    assert.equal(pac.parse(planned.newText).model.problems.length, 0, `${form}: ${planned.newText}`);
    assert.match(planned.newText.slice(planned.newText.indexOf('{')), /^\{[^}]*\n\s*\/\/ BEGIN endpoint-lens sets-31/, `${form}: inside the body`);
    assert.deepEqual(await answers(planned.newText, ['contoso.sharepoint.com', 'www.example.org']), ['DIRECT', 'PROXY p.example:8080'], form);
    assert.deepEqual(plan(planned.newText, sets(31)).edits, [], `${form}: planning again changes nothing`);
  }
});

void test('an arrow function with an expression body is not applied, and says why', () => {
  const planned = plan('var FindProxyForURL = (url, host) => "PROXY p.example:8080";\n', sets(31));
  assert.deepEqual(planned.edits, []);
  assert.match(planned.summary, /FindProxyForURL is an arrow function with an expression body; give it a block body/);
  assert.equal((planned.summary.match(/set 31 SharePoint/g) ?? []).length, 1, 'the set is named once');
});

void test('a block of the purpose above the set-up moves below it; one after a branch that answers for none of its hosts stays', () => {
  const head = 'function FindProxyForURL(url, host) {\n    host = host.toLowerCase();\n';
  const tail = '    return "PROXY p.example:8080";\n}\n';
  const placed = plan(head + '    if (dnsDomainIs(host, ".corp.example")) return "DIRECT";\n' + tail, sets(31)).newText;
  const block = placed.slice(placed.indexOf('    // BEGIN'), placed.indexOf('\n', placed.indexOf('// END')) + 1);
  const above = 'function FindProxyForURL(url, host) {\n' + block + '    host = host.toLowerCase();\n    if (dnsDomainIs(host, ".corp.example")) return "DIRECT";\n' + tail;
  assert.equal(plan(above, sets(31)).newText, placed, 'moved below the set-up');
  const below = head + '    if (dnsDomainIs(host, ".corp.example")) return "DIRECT";\n' + block + tail;
  assert.deepEqual(plan(below, sets(31)).edits, [], 'kept where the author moved it');
  const shadowed = head + '    if (dnsDomainIs(host, ".sharepoint.com")) return "PROXY p.example:8080";\n' + block + tail;
  assert.ok(plan(shadowed, sets(31)).newText.indexOf('// BEGIN') < plan(shadowed, sets(31)).newText.indexOf('.sharepoint.com")) return "PROXY'), 'moved in front of a branch that answers for its hosts');
});

void test('a list of patterns the loop sends DIRECT gets the missing members, written as its own elements are', async () => {
  const lines = (elements: string, fn = 'shExpMatch'): string =>
    `var bypass = ${elements};\nfunction FindProxyForURL(url, host) {\n  for (var i = 0; i < bypass.length; i++) {\n    if (${fn}(host, bypass[i])) return "DIRECT";\n  }\n  return "PROXY p.example:8080";\n}\n`;
  const multi = plan(lines('[\n  "outlook.office.com"\n]'), sets(1));
  assert.match(multi.newText, /\[\n {2}"outlook\.office\.com",\n {2}"outlook\.cloud\.microsoft",\n {2}"outlook\.office365\.com"\n\]/);
  assert.doesNotMatch(multi.newText, /BEGIN endpoint-lens/);
  assert.match(multi.summary, /Added outlook\.cloud\.microsoft, outlook\.office365\.com to the list bypass on line 2\./);
  assert.deepEqual(await answers(multi.newText, ['outlook.office365.com', 'outlook.cloud.microsoft', 'www.example.org']), ['DIRECT', 'DIRECT', 'PROXY p.example:8080']);
  assert.deepEqual(plan(multi.newText, sets(1)).edits, [], 'planning again changes nothing');

  const trailing = plan(lines("['outlook.office.com',\n 'x.example',\n]"), sets(1)).newText;
  assert.match(trailing, /'x\.example',\n 'outlook\.cloud\.microsoft',\n 'outlook\.office365\.com',\n\]/);

  const suffixes = plan(lines('[".sharepoint.com", ".corp.example"]', 'dnsDomainIs'), sets(46)).newText;
  // dnsDomainIs cannot say "office.live.com and nothing else", so set 46 gets a block of its own.
  assert.match(suffixes, /BEGIN endpoint-lens sets-46/);
  assert.match(plan(lines('[".officeapps.live.com", ".corp.example"]', 'dnsDomainIs'), sets(46)).newText, /BEGIN endpoint-lens sets-46/);
});

void test('a DIRECT branch that holds part of a set takes the rest in its own layout', () => {
  const leading = 'function FindProxyForURL(url, host) {\n  if (shExpMatch(host, "*.teams.microsoft.com")\n      || shExpMatch(host, "*.lync.com"))\n    return "DIRECT";\n  return "PROXY p.example:8080";\n}\n';
  const planned = plan(leading, sets(12)).newText;
  assert.match(planned, /\|\| shExpMatch\(host, "\*\.lync\.com"\)\n {6}\|\| shExpMatch\(host, "\*\.teams\.cloud\.microsoft"\)\n {6}\|\| shExpMatch\(host, "teams\.cloud\.microsoft"\)/);
  const trailing = 'function FindProxyForURL(url, h) {\n  if (dnsDomainIs(h, ".protection.office.com") ||\n      h == "security.microsoft.com")\n    return "DIRECT";\n  return "PROXY p.example:8080";\n}\n';
  assert.match(plan(trailing, sets(64)).newText, /h == "security\.microsoft\.com" \|\|\n {6}dnsDomainIs\(h, "\.security\.microsoft\.com"\) \|\|/);
});

void test('a branch that the hosts never reach, or that the new patterns would widen over a Default host, is left alone', () => {
  const proxiedFirst = 'function FindProxyForURL(url, host) {\n  if (isInNet(myIpAddress(), "10.1.0.0", "255.255.0.0")) return "PROXY lab.example:8080";\n  if (host == "outlook.office.com") return "DIRECT";\n  return "PROXY p.example:8080";\n}\n';
  const planned = plan(proxiedFirst, sets(1)).newText;
  assert.match(planned, /BEGIN endpoint-lens sets-1/);
  assert.match(planned, /\n {2}if \(host == "outlook\.office\.com"\) return "DIRECT";\n/, 'the branch is unchanged');
  // Set 46's *.officeapps.live.com would also send the Default cdn.odc.officeapps.live.com DIRECT.
  const branch = 'function FindProxyForURL(url, host) {\n  if (host == "office.live.com") return "DIRECT";\n  return "PROXY p.example:8080";\n}\n';
  const widened = plan(branch, sets(46)).newText;
  assert.match(widened, /BEGIN endpoint-lens sets-46/);
  assert.match(widened, /host == "cdn\.odc\.officeapps\.live\.com"/);
});

void test('with tenant restrictions the sign-in hosts go neither into a block nor into the file\'s own DIRECT tests', async () => {
  const branch = 'function FindProxyForURL(url, host) {\n  if (host == "graph.microsoft.com") return "DIRECT";\n  return "PROXY p.example:8080";\n}\n';
  const planned = plan(branch, sets(56), TENANT_RESTRICTION_HOSTS);
  assert.doesNotMatch(planned.newText, /"login\.(microsoftonline\.com|microsoft\.com|windows\.net)"/);
  // A one-line condition that would grow too long takes its new tests one a line.
  assert.match(planned.newText, /if \(host == "graph\.microsoft\.com"\n {6}\|\| dnsDomainIs\(host, "\.auth\.microsoft\.com"\)\n/);
  const hosts = ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'device.login.microsoftonline.com'];
  assert.deepEqual(await answers(planned.newText, hosts), ['PROXY p.example:8080', 'PROXY p.example:8080', 'PROXY p.example:8080', 'DIRECT']);

  // A wildcard of the policy that would catch a sign-in host sends that host to the proxy first.
  const wide: Policy = { ...sets(56), entries: [{ ...sets(56).entries[0]!, urls: ['*.microsoftonline.com'] }] };
  const excluded = plan('function FindProxyForURL(url, host) {\n  return "PROXY p.example:8080";\n}\n', wide, TENANT_RESTRICTION_HOSTS).newText;
  assert.deepEqual(await answers(excluded, ['login.microsoftonline.com', 'device.login.microsoftonline.com']), ['PROXY p.example:8080', 'DIRECT']);
});
