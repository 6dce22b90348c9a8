import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPacSandbox, type PacRunOptions, type PacRunResult } from '../../../server/src/pac/sandbox';
import { instrumentProgram } from '../../../server/src/pac/instrument';
import { parsePac } from '../../../server/src/dialects/pac/parse';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'pac');
const options: PacRunOptions = {
  hostAddresses: {
    'intranet.corp.example': '10.1.2.3',
    'teams.microsoft.com': '52.113.194.132',
    'dual.example': '2603:1063::5 52.112.0.9',
    'v6only.example': '2001:db8::7',
  },
  clientAddress: '192.168.10.20',
  timeoutMs: 250,
  memoryBytes: 16 * 1024 * 1024,
};

const sandboxPromise = createPacSandbox();

function q(host: string): { url: string; host: string } {
  return { url: `https://${host}/`, host };
}

/** Runs an expression per host inside FindProxyForURL and returns what it evaluated to, as a string. */
async function evalIn(expression: string, hosts: string[] = ['x.example']): Promise<PacRunResult[]> {
  const sandbox = await sandboxPromise;
  return sandbox.evaluate(`function FindProxyForURL(url, host) { return String(${expression}); }`, hosts.map(q), options);
}

async function value(expression: string, host = 'x.example'): Promise<string> {
  const [result] = await evalIn(expression, [host]);
  assert.ok(result?.ok, JSON.stringify(result));
  return result.value;
}

test('standard PAC helpers behave as browsers define them', async () => {
  assert.equal(await value('isPlainHostName(host)', 'intranet'), 'true');
  assert.equal(await value('isPlainHostName(host)', 'www.example.com'), 'false');
  assert.equal(await value('dnsDomainIs(host, ".example.com")', 'www.example.com'), 'true');
  assert.equal(await value('dnsDomainIs(host, ".example.com")', 'example.com'), 'false');
  assert.equal(await value('localHostOrDomainIs(host, "www.example.com")', 'www'), 'true');
  assert.equal(await value('localHostOrDomainIs(host, "www.example.com")', 'www.example.com'), 'true');
  assert.equal(await value('localHostOrDomainIs(host, "www.example.com")', 'www.other.com'), 'false');
  assert.equal(await value('dnsDomainLevels(host)', 'a.b.c'), '2');
  assert.equal(await value('shExpMatch(host, "*.microsoft.com")', 'a.b.microsoft.com'), 'true');
  assert.equal(await value('shExpMatch(host, "*.microsoft.com")', 'microsoft.com'), 'false');
  assert.equal(await value('shExpMatch(host, "a?c.example")', 'abc.example'), 'true');
  assert.equal(await value('shExpMatch(host, "a.c")', 'abc'), 'false');
  assert.equal(await value('convert_addr("10.1.2.3")'), String(0x0a010203));
  assert.equal(await value('alert("hello")'), 'undefined');
  assert.equal(await value('typeof weekdayRange("MON", "SUN") + typeof dateRange(1, 31) + typeof timeRange(0, 24)'), 'booleanbooleanboolean');
  assert.equal(await value('weekdayRange("SUN", "SAT") && dateRange("JAN", "DEC") && timeRange(0, 0, 0, 23, 59, 59)'), 'true');
});

test('DNS answers come only from the table; unknown names do not resolve', async () => {
  assert.equal(await value('dnsResolve(host)', 'intranet.corp.example'), '10.1.2.3');
  assert.equal(await value('dnsResolve(host)', 'Intranet.Corp.Example'), '10.1.2.3');
  // A real resolver would answer for this name; the sandbox must not ask one.
  assert.equal(await value('dnsResolve(host)', 'localhost'), 'null');
  assert.equal(await value('isResolvable(host)', 'www.microsoft.com'), 'false');
  assert.equal(await value('isInNet(host, "10.0.0.0", "255.0.0.0")', 'intranet.corp.example'), 'true');
  assert.equal(await value('isInNet(host, "52.112.0.0", "255.252.0.0")', 'teams.microsoft.com'), 'true');
  assert.equal(await value('isInNet("52.116.0.1", "52.112.0.0", "255.252.0.0")'), 'false');
  assert.equal(await value('dnsResolve(host)', 'dual.example'), '52.112.0.9');
  assert.equal(await value('dnsResolve(host)', 'v6only.example'), 'null');
  assert.equal(await value('myIpAddress()'), '192.168.10.20');
});

test("Microsoft's IPv6 extensions", async () => {
  assert.equal(await value('dnsResolveEx(host)', 'dual.example'), '2603:1063::5;52.112.0.9');
  assert.equal(await value('isResolvableEx(host)', 'v6only.example'), 'true');
  assert.equal(await value('isInNetEx(host, "2603:1063::/38")', 'dual.example'), 'true');
  assert.equal(await value('isInNetEx(host, "2603:1064::/38")', 'v6only.example'), 'false');
  assert.equal(await value('isInNetEx("52.112.4.1", "52.112.0.0/14")'), 'true');
  assert.equal(await value('isInNetEx("::ffff:1.2.3.4", "::ffff:0:0/96")'), 'true');
  assert.equal(await value('myIpAddressEx()'), '192.168.10.20');
  assert.equal(await value('sortIpAddressList("10.0.0.2;2001:db8::1;10.0.0.1")'), '2001:db8::1;10.0.0.1;10.0.0.2');
  assert.equal(await value('sortIpAddressList("not an address")'), 'false');
  assert.equal(await value('getClientVersion()'), '1.0');
});

test('the deciding return is recorded with the ids the parser gives its returns', async () => {
  const sandbox = await sandboxPromise;
  const text = readFileSync(join(fixtures, 'microsoft-generated-type2.pac'), 'utf8');
  const extra = parsePac(text).model.script!;
  const results = sandbox.evaluate(text, [q('contoso.sharepoint.com'), q('autodiscover.contoso.onmicrosoft.com'), q('www.bing.com')], options);
  assert.deepEqual(results, [
    { ok: true, value: 'DIRECT', returnId: 0 },
    { ok: true, value: 'DIRECT', returnId: 1 },
    { ok: true, value: 'PROXY proxy.contoso.com:8080; PROXY proxy2.contoso.com:8080', returnId: 2 },
  ]);
  assert.deepEqual(extra.returns.map((r) => r.ruleIndex), [0, 1, 2]);
});

test('a string returned through a helper is attributed to the return that wrote it', async () => {
  const sandbox = await sandboxPromise;
  const text = readFileSync(join(fixtures, 'helper-functions.pac'), 'utf8');
  const extra = parsePac(text).model.script!;
  const [viaHelper, viaProxy, own] = sandbox.evaluate(text, [q('outlook.office365.com'), q('www.bing.com'), q('www.proseware.example')], options);
  // `return "DIRECT"` inside pick (line 10), not the forwarding `return pick(host)`.
  assert.ok(viaHelper?.ok);
  assert.equal(extra.returns.find((r) => r.id === viaHelper.returnId)?.range.start.line, 9);
  assert.ok(viaProxy?.ok);
  assert.equal(viaProxy.value, 'PROXY proxy.proseware.example:8080');
  assert.equal(extra.returns.find((r) => r.id === viaProxy.returnId)?.range.start.line, 10);
  assert.deepEqual(own, { ok: true, value: 'DIRECT', returnId: 3 });
});

test('instrumentation only inserts text on the lines it touches', () => {
  const text = 'function FindProxyForURL(url, host) {\n  if (a) return "DIRECT";\n  return x ? "A" : "B";\n}\n';
  const result = instrumentProgram(text);
  assert.ok(result.ok);
  assert.equal(result.program.split('\n').length, text.split('\n').length);
  assert.equal(result.program.split('\n')[1], '  if (a) return __endpointLensReturn(0, ("DIRECT"));');
  assert.equal(result.program.split('\n')[2], '  return __endpointLensReturn(1, (x ? "A" : "B"));');
});

test('every fixture that compiles runs without a sandbox failure', async () => {
  const sandbox = await sandboxPromise;
  for (const file of ['microsoft-generated.pac', 'corporate-arrays.pac', 'isinnet-intranet.pac', 'isinnet-on-host.pac', 'fallback-lists.pac',
    'switch-and-comparisons.pac', 'url-and-time.pac', 'ipv6-ex.pac', 'intranet-classic.pac', 'sharepoint-no-apex.pac']) {
    const results = sandbox.evaluate(readFileSync(join(fixtures, file), 'utf8'), [q('teams.microsoft.com'), q('intranet'), q('www.example.org')], options);
    for (const r of results) assert.ok(r.ok, `${file}: ${JSON.stringify(r)}`);
  }
  const corporate = sandbox.evaluate(readFileSync(join(fixtures, 'corporate-arrays.pac'), 'utf8'), [q('x.teams.microsoft.com'), q('www.example.org'), q('intranet')], options);
  assert.deepEqual(corporate.map((r) => r.ok && r.value), ['DIRECT', 'PROXY webproxy.fabrikam.local:3128', 'DIRECT']);
});

test('compile errors and missing functions are reported with their kind and line', async () => {
  const sandbox = await sandboxPromise;
  const [syntax] = sandbox.evaluate(readFileSync(join(fixtures, 'syntax-error.pac'), 'utf8'), [q('a.lync.com')], options);
  assert.equal(syntax?.ok, false);
  assert.equal(!syntax.ok && syntax.kind, 'compile');
  assert.equal(!syntax.ok && syntax.line, 2);
  const [none] = sandbox.evaluate('var x = 1;', [q('a')], options);
  assert.equal(!none!.ok && none!.kind, 'no-function');
  const [thrown] = sandbox.evaluate('function FindProxyForURL(url, host) {\n  return undefinedFunction(host);\n}', [q('a')], options);
  assert.equal(!thrown!.ok && thrown!.kind, 'exception');
  assert.equal(!thrown!.ok && thrown!.line, 1);
  const [notString] = sandbox.evaluate('function FindProxyForURL(url, host) { return 42; }', [q('a')], options);
  assert.equal(!notString!.ok && notString!.kind, 'exception');
});

function failureKind(result: PacRunResult | undefined): string {
  assert.ok(result && !result.ok, `expected a failure, got ${JSON.stringify(result)}`);
  return result.kind;
}

async function stillWorks(): Promise<void> {
  const sandbox = await sandboxPromise;
  const [after] = sandbox.evaluate('function FindProxyForURL(url, host) { return "DIRECT"; }', [q('a.example')], options);
  assert.deepEqual(after, { ok: true, value: 'DIRECT', returnId: 0 });
}

/** Memory cases get a generous time budget so a loaded machine cannot turn them into timeouts. */
const MEMORY_CASE: Partial<PacRunOptions> = { timeoutMs: 20_000, totalTimeoutMs: 60_000, memoryBytes: 8 << 20 };

const hostile: Array<{ name: string; program: string; kind: string }> = [
  { name: 'an infinite loop', program: 'function FindProxyForURL(url, host) { for (;;) {} }', kind: 'timeout' },
  { name: 'an infinite loop at load time', program: 'while (true) {}\nfunction FindProxyForURL(url, host) { return "DIRECT"; }', kind: 'timeout' },
  { name: 'string doubling', program: 'function FindProxyForURL(url, host) { var s = "x"; for (;;) s = s + s; }', kind: 'memory' },
  { name: 'a huge repeat', program: 'function FindProxyForURL(url, host) { return "x".repeat(1 << 29); }', kind: 'memory' },
  {
    name: 'array growth',
    program: 'function FindProxyForURL(url, host) { var a = [1, 2, 3]; for (;;) a = a.concat(a); }',
    kind: 'memory',
  },
  {
    name: 'element-by-element array growth, too slow to reach the memory limit in time',
    program: 'function FindProxyForURL(url, host) { var a = []; for (;;) a.push(new Array(4096).fill(a.length)); }',
    kind: 'timeout',
  },
  {
    // Each step is one built-in call scanning megabytes, so QuickJS's interrupt check comes far too
    // rarely; the worker thread is killed at the budget instead.
    name: 'a loop of long built-in calls',
    program: 'var s = "x".repeat(4000000);\nfunction FindProxyForURL(url, host) { for (;;) s.indexOf("y"); }',
    kind: 'timeout',
  },
  { name: 'deep recursion', program: 'function f(n) { return f(n + 1) + 1; }\nfunction FindProxyForURL(url, host) { return f(0); }', kind: 'memory' },
  {
    name: 'catastrophic regular expression backtracking',
    program: 'function FindProxyForURL(url, host) { return /^(a+)+$/.test("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!") ? "A" : "B"; }',
    kind: 'timeout',
  },
  { name: 'reaching require', program: 'function FindProxyForURL(url, host) { return require("child_process").execSync("id").toString(); }', kind: 'exception' },
  { name: 'reaching process', program: 'function FindProxyForURL(url, host) { return process.env.HOME; }', kind: 'exception' },
  {
    name: 'the Function constructor escape',
    program: 'function FindProxyForURL(url, host) { return this.constructor.constructor("return process")().mainModule.require("fs"); }',
    kind: 'exception',
  },
  {
    name: 'globalThis.constructor',
    program: 'function FindProxyForURL(url, host) { return globalThis.constructor.constructor("return require")()("fs"); }',
    kind: 'exception',
  },
];

for (const { name, program, kind } of hostile) {
  test(`hostile PAC: ${name} ends with ${kind} and leaves the sandbox usable`, async () => {
    const sandbox = await sandboxPromise;
    const results = sandbox.evaluate(program, [q('a.example'), q('b.example')], kind === 'memory' ? { ...options, ...MEMORY_CASE } : options);
    assert.equal(results.length, 2);
    for (const r of results) assert.equal(failureKind(r), kind);
    await stillWorks();
  });
}

test('nothing of Node is visible inside the sandbox', async () => {
  assert.equal(await value('[typeof require, typeof process, typeof module, typeof Buffer, typeof setTimeout, typeof fetch].join()'), 'undefined,undefined,undefined,undefined,undefined,undefined');
  // The Function constructor exists, but it builds functions inside QuickJS, where there is no Node.
  assert.equal(await value('(function () { return this; }).constructor("return typeof process")()'), 'undefined');
});

test('a slow PAC across many queries stops at the budget of the whole call', async () => {
  const sandbox = await sandboxPromise;
  // Work, not waiting: the budget counts the PAC thread's CPU time, so a busy machine does not end it sooner.
  const program = 'function FindProxyForURL(url, host) { for (var i = 0; i < 3000000; i++) {} return "DIRECT"; }';
  const queries = Array.from({ length: 50 }, (_, i) => q(`h${i}.example`));
  const results = sandbox.evaluate(program, queries, { ...options, timeoutMs: 1000, totalTimeoutMs: 400 });
  assert.equal(results.length, 50);
  assert.ok(results[0]?.ok, 'the first queries run');
  const last = results[49];
  assert.equal(failureKind(last), 'budget');
  await stillWorks();
});

test('one hostile program per query does not disturb the others of the same call', async () => {
  const sandbox = await sandboxPromise;
  const program = 'function FindProxyForURL(url, host) { if (host == "loop.example") for (;;) {} return "DIRECT"; }';
  const results = sandbox.evaluate(program, [q('a.example'), q('loop.example'), q('b.example')], options);
  assert.deepEqual(results.map((r) => (r.ok ? r.value : r.kind)), ['DIRECT', 'timeout', 'DIRECT']);
});

test('a return of something other than a string points at that return', async () => {
  const sandbox = await sandboxPromise;
  const [result] = sandbox.evaluate('function FindProxyForURL(url, host) {\n  if (host == "a") return "DIRECT";\n  return null;\n}\n', [q('b')], options);
  assert.equal(result?.ok, false);
  assert.equal(!result.ok && result.kind, 'exception');
  assert.equal(!result.ok && result.line, 2);
});

test('a file with only FindProxyForURLEx runs that function', async () => {
  const sandbox = await sandboxPromise;
  const [result] = sandbox.evaluate('function FindProxyForURLEx(url, host) { return isInNetEx(host, "2603:1063::/38") ? "DIRECT" : "PROXY p:1"; }', [q('dual.example')], options);
  assert.deepEqual(result, { ok: true, value: 'DIRECT', returnId: 0 });
  const model = parsePac('function FindProxyForURLEx(url, host) { return "DIRECT"; }').model;
  assert.equal(model.ruleLists[0]?.rules.length, 1);
});
