import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePac } from '../../../server/src/dialects/pac/parse';
import { pacDialect } from '../../../server/src/dialects/pac';
import { formatInterval } from '../../../server/src/model/address';
import { LineIndex } from '../../../server/src/model/range';
import type { ConfigModel, HostMatcher, ProxyScript, Rule } from '../../../server/src/model/config';

const dir = join(__dirname, '..', '..', 'fixtures', 'pac');
// Golden files are rewritten only on request, and the diff is reviewed before committing.
const update = process.env.ENDPOINT_LENS_UPDATE_GOLDEN === '1';

function matcherText(m: HostMatcher): string {
  return m.kind === 'exact' ? `=${m.host}` : m.kind === 'glob' ? `glob:${m.glob}` : m.kind === 'suffix' ? `suffix:${m.suffix}` : `~${m.source}`;
}

function describeRule(model: ConfigModel, rule: Rule): string {
  const action = rule.action.type === 'proxy' ? rule.action.proxies.map((p) => (p.target ? `${p.kind} ${p.target}` : p.kind)).join('; ') : rule.action.type;
  const parts = [`@${rule.range.start.line + 1} ${action}`];
  if (rule.hosts) parts.push(`hosts${rule.hosts.negated ? '!' : ''}=[${rule.hosts.matchers.map(matcherText).join(' ')}]`);
  if (rule.destinations) parts.push(`dst=[${rule.destinations.referenceIds.map((id) => model.references[id]!.text).join(' | ')}]`);
  if (rule.unknownConditions) parts.push(`unknown=${rule.unknownConditions.length}`);
  return parts.join(' ');
}

function snapshot(model: ConfigModel): unknown {
  const extra = model.script!;
  return {
    references: model.references.map((r) => ({
      text: r.text,
      kind: r.kind,
      role: r.role,
      line: r.range.start.line,
      character: r.range.start.character,
      endLine: r.range.end.line,
      endCharacter: r.range.end.character,
      ...(r.interval ? { covers: formatInterval(r.interval) } : {}),
      ...(r.hostBitsSet ? { hostBitsSet: true } : {}),
      ...(r.invalidReason ? { invalidReason: r.invalidReason } : {}),
      ...(r.hostMatchers ? { matchers: r.hostMatchers.map(matcherText) } : {}),
    })),
    rules: model.ruleLists.flatMap((l) => l.rules.map((r) => describeRule(model, r))),
    unknownConditions: model.ruleLists.flatMap((l) => l.rules.flatMap((r) => r.unknownConditions ?? [])),
    returns: extra.returns.map((r) => `${r.id}@${r.range.start.line + 1}${r.ruleIndex === undefined ? '' : ` rule ${r.ruleIndex}`}`),
    dnsDependencies: extra.dnsDependencies.map((d) => `${d.call}@${d.range.start.line + 1}:${d.range.start.character}`),
    paths: model.paths.map((p) => `${p.direction ?? '-'} ${p.stages.join(' | ')}`),
    problems: model.problems.map((p) => ({
      message: p.message,
      severity: p.severity,
      line: p.range.start.line,
      character: p.range.start.character,
      endLine: p.range.end.line,
      endCharacter: p.range.end.character,
    })),
  };
}

const fixtures = readdirSync(dir).filter((f) => f.endsWith('.pac')).sort();

test('there are at least ten PAC fixtures', () => {
  assert.ok(fixtures.length >= 10, `only ${fixtures.length} fixtures`);
});

for (const file of fixtures) {
  test(`fixture ${file} matches its expected model`, () => {
    const text = readFileSync(join(dir, file), 'utf8');
    const model = parsePac(text).model;
    const actual = snapshot(model);
    const expectedPath = join(dir, file.replace(/\.pac$/, '.expected.json'));
    if (update || !existsSync(expectedPath)) writeFileSync(expectedPath, `${JSON.stringify(actual, null, 2)}\n`);
    assert.deepEqual(actual, JSON.parse(readFileSync(expectedPath, 'utf8')));
  });

  test(`fixture ${file}: every reference range holds exactly its text`, () => {
    const text = readFileSync(join(dir, file), 'utf8');
    const index = new LineIndex(text);
    const model = parsePac(text).model;
    for (const ref of model.references) {
      const written = text.slice(index.offsetAt(ref.range.start), index.offsetAt(ref.range.end));
      if (ref.kind === 'netmask') {
        // One reference spans `10.0.0.0", "255.0.0.0`: the address and mask strings of one isInNet call.
        const [address, mask] = ref.text.split(' ');
        assert.ok(written.startsWith(address!) && written.endsWith(mask!), `${ref.text} vs ${written}`);
        assert.match(written.slice(address!.length, written.length - mask!.length), /^["']\s*,\s*["']$/);
      } else {
        assert.equal(written, ref.text, `${file} ${ref.kind} at ${ref.range.start.line}:${ref.range.start.character}`);
      }
    }
    for (const rule of model.ruleLists.flatMap((l) => l.rules)) {
      assert.ok(text.slice(index.offsetAt(rule.range.start)).startsWith('return'), 'a rule range starts at its return');
    }
  });
}

function load(name: string): { text: string; model: ConfigModel; extra: ProxyScript; rules: Rule[] } {
  const text = readFileSync(join(dir, name), 'utf8');
  const model = parsePac(text).model;
  return { text, model, extra: model.script!, rules: model.ruleLists[0]?.rules ?? [] };
}

test("Microsoft's generated PAC: one DIRECT rule for the Optimize hosts, then the proxy", () => {
  const { model, rules, text } = load('microsoft-generated.pac');
  assert.equal(model.problems.length, 0);
  assert.equal(rules.length, 2);
  assert.deepEqual(rules[0]!.action, { type: 'proxy', proxies: [{ kind: 'DIRECT' }] });
  assert.deepEqual(rules[0]!.hosts?.matchers.map(matcherText), [
    'glob:*.lync.com', 'glob:*.teams.microsoft.com', 'glob:teams.microsoft.com', 'glob:outlook.office.com',
    'glob:outlook.office365.com', 'glob:*.broadcast.skype.com', 'glob:*.sharepoint.com',
  ]);
  // `return direct;` resolves through the constant and points at the variable as written.
  const index = new LineIndex(text);
  assert.equal(text.slice(index.offsetAt(rules[0]!.actionRange.start), index.offsetAt(rules[0]!.actionRange.end)), 'direct');
  assert.deepEqual(rules[1]!.action, { type: 'proxy', proxies: [{ kind: 'PROXY', target: '10.10.10.10:8080' }] });
  assert.equal(rules[1]!.hosts, undefined);
  assert.deepEqual(model.paths.map((p) => p.direction), ['outbound']);
});

test('string arrays reach shExpMatch through bypass[i] and for…of; unused arrays are not references', () => {
  const { model, rules } = load('corporate-arrays.pac');
  assert.deepEqual(rules[0]!.hosts?.matchers.map(matcherText), ['glob:*.teams.microsoft.com', 'glob:*.lync.com', 'glob:*.sharepoint.com', 'glob:outlook.office365.com']);
  assert.deepEqual(rules[1]!.hosts?.matchers.map(matcherText), ['suffix:.fabrikam.local', 'suffix:.fabrikam.corp']);
  assert.ok(!model.references.some((r) => r.text === 'not-a-matcher.example'));
  assert.deepEqual(rules[3]!.action, { type: 'proxy', proxies: [{ kind: 'PROXY', target: 'webproxy.fabrikam.local:3128' }] });
});

test('isInNet on the host name is a DNS dependency; on the result of dnsResolve it is not', () => {
  const onHost = load('isinnet-on-host.pac');
  assert.deepEqual(onHost.extra.dnsDependencies.map((d) => d.call), ['isInNet', 'isInNet', 'isInNet', 'isInNet']);
  const teams = onHost.model.references[0]!;
  assert.equal(teams.kind, 'netmask');
  assert.equal(teams.role, 'destination');
  assert.equal(formatInterval(teams.interval!), '52.112.0.0/14');
  assert.equal(onHost.model.references[2]!.hostBitsSet, true);
  assert.equal(onHost.model.references[3]!.invalidReason, 'bad-netmask');
  const resolved = load('isinnet-intranet.pac');
  // dnsResolve(host) resolves too, once, and says so; the isInNet calls on its result do not.
  assert.deepEqual(resolved.extra.dnsDependencies.map((d) => d.call), ['dnsResolve']);
  assert.deepEqual(resolved.rules[1]!.destinations?.intervals.map(formatInterval), ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);
  // myIpAddress() tests the client: a source reference and a condition the analysis cannot decide.
  assert.equal(resolved.model.references.find((r) => r.text.startsWith('10.20.0.0'))?.role, 'source');
  assert.equal(resolved.rules[2]!.unknownConditions?.length, 1);
});

test('fall-back lists, SOCKS and HTTPS directives; a typo and a missing target are warned about', () => {
  const { model, rules } = load('fallback-lists.pac');
  assert.deepEqual(rules.map((r) => (r.action.type === 'proxy' ? r.action.proxies.map((p) => p.kind).join(',') : '')), [
    'PROXY,PROXY,DIRECT', 'SOCKS5,SOCKS', 'HTTPS', 'unknown', 'PROXY,DIRECT', 'PROXY,PROXY',
  ]);
  assert.deepEqual(model.problems.map((p) => [p.severity, p.range.start.line, p.range.start.character, p.range.end.character]), [
    ['warning', 8, 12, 18],
    ['warning', 10, 12, 17],
  ]);
});

test('a syntax error is reported at acorn\'s position and the rest of the file is still read', () => {
  const { model, rules, text } = load('syntax-error.pac');
  assert.equal(model.problems.length, 1);
  const problem = model.problems[0]!;
  assert.equal(problem.severity, 'error');
  const index = new LineIndex(text);
  // The `{` where the `)` was expected.
  assert.equal(text[index.offsetAt(problem.range.start)], '{');
  assert.deepEqual(problem.range.start, { line: 2, character: 82 });
  assert.deepEqual(model.references.map((r) => r.text), ['*.lync.com', '*.teams.microsoft.com', '.sharepoint.com']);
  assert.equal(rules.length, 3);
});

test('exact comparisons, switch cases, regular expressions and endsWith are host tests', () => {
  const { rules } = load('switch-and-comparisons.pac');
  assert.deepEqual(rules[0]!.hosts?.matchers.map(matcherText), ['=outlook.office365.com', '=outlook.office.com']);
  assert.deepEqual(rules[1]!.hosts?.matchers.map(matcherText), ['=login.microsoftonline.com', '=login.windows.net']);
  assert.deepEqual(rules[2]!.hosts?.matchers.map(matcherText), ['=graph.microsoft.com']);
  assert.deepEqual(rules[3]!.hosts?.matchers, [{ kind: 'regex', source: '^[a-z0-9-]+\\.sharepoint\\.com$', flags: '' }]);
  assert.deepEqual(rules[4]!.hosts?.matchers.map(matcherText), ['suffix:.officeapps.live.com']);
  assert.equal(rules[5]!.hosts?.negated, true);
});

test('localHostOrDomainIs matches the name and its unqualified form; dnsDomainIs without a dot is a plain suffix', () => {
  const { model } = load('sharepoint-no-apex.pac');
  assert.deepEqual(model.references.map((r) => r.hostMatchers?.map(matcherText)), [
    ['glob:*.sharepoint.com'],
    ['suffix:onedrive.com'],
    ['=intranet.tailspin.local', '=intranet'],
  ]);
});

test('URL, time and client conditions make a rule unknown instead of guessing', () => {
  const { rules, model } = load('url-and-time.pac');
  assert.ok(rules.slice(0, 4).every((r) => (r.unknownConditions?.length ?? 0) > 0));
  assert.equal(model.references[0]!.role, 'other');
  assert.equal(rules[4]!.unknownConditions, undefined);
});

test('a helper function called with the host tests the host', () => {
  const { model, rules } = load('helper-functions.pac');
  assert.deepEqual(model.references.slice(0, 2).map((r) => [r.role, r.hostMatchers?.map(matcherText)]), [
    ['host-pattern', ['suffix:.office365.com']],
    ['host-pattern', ['suffix:.microsoftonline.com']],
  ]);
  assert.deepEqual(rules[0]!.action, { type: 'proxy', proxies: [{ kind: 'DIRECT' }] });
  assert.ok(rules[1]!.unknownConditions?.[0]?.includes('pick(host)'));
});

test('isInNetEx prefixes are CIDR references; IPv6 included', () => {
  const { model, rules } = load('ipv6-ex.pac');
  assert.deepEqual(model.references.map((r) => [r.text, r.kind, r.role]), [
    ['2603:1063::/38', 'cidr', 'destination'],
    ['52.112.0.0/14', 'cidr', 'destination'],
    ['fd00:10::/32', 'cidr', 'source'],
  ]);
  assert.deepEqual(rules[0]!.destinations?.intervals.map(formatInterval), ['2603:1063::/38', '52.112.0.0/14']);
});

test('a file without FindProxyForURL is a warning, not silence', () => {
  const model = parsePac('var proxy = "PROXY a:1";\nfunction other() { return proxy; }\n').model;
  assert.equal(model.problems.length, 1);
  assert.equal(model.problems[0]!.severity, 'warning');
  assert.equal(model.ruleLists.length, 0);
});

test('the dialect detects PAC files by FindProxyForURL', () => {
  assert.equal(pacDialect.detect('', readFileSync(join(dir, 'microsoft-generated.pac'), 'utf8')), 1);
  assert.equal(pacDialect.detect('', '*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n'), 0);
  assert.equal(pacDialect.detect('', 'var FindProxyForURL = function (url, host) { return "DIRECT"; };'), 0.9);
  assert.deepEqual(pacDialect.fileNamePatterns, ['*.pac', 'wpad.dat', 'proxy.pac']);
  assert.equal(pacDialect.comment.line, '//');
});

test('nested host tests become one exact matcher; a variable holding a host test is read through', () => {
  const model = parsePac(`var lab = shExpMatch(host, "*.lab.corp.example") || host == "lab.corp.example";
function FindProxyForURL(url, host) {
  if (dnsDomainIs(host, ".corp.example")) {
    if (!lab) return "DIRECT";
  }
  return "PROXY p:8080";
}
`).model;
  const rule = model.ruleLists[0]!.rules[0]!;
  assert.equal(rule.unknownConditions, undefined);
  const matcher = rule.hosts?.matchers[0];
  assert.equal(matcher?.kind, 'regex');
  const regex = matcher?.kind === 'regex' ? new RegExp(matcher.source, matcher.flags) : /$^/;
  assert.deepEqual(['a.corp.example', 'x.lab.corp.example', 'lab.corp.example', 'corp.example', 'a.other.example'].map((h) => regex.test(h)), [true, false, false, false, false]);
  assert.equal(rule.hosts?.referenceIds.length, 3);
});
