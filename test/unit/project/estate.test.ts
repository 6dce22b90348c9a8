import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../../server/src/engine';
import { readDiskFile } from '../../../server/src/fileAccess';
import { parseProjectConfig, settingsForFile } from '../../../server/src/project/config';
import type { Finding } from '../../../server/src/analysis/finding';
import { runCli } from '../cli/runCli';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'estate', 'branch');

let engine: Engine | undefined;
async function theEngine(): Promise<Engine> {
  engine ??= await Engine.create({ trusted: true, asOf: '2026-08-20' });
  return engine;
}

/** The branch estate with some of its files changed, in a folder of its own. */
function branch(change: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'endpoint-lens-estate-'));
  cpSync(FIXTURE, dir, { recursive: true });
  change(dir);
  return dir;
}

function edit(path: string, replace: (text: string) => string): void {
  writeFileSync(path, replace(readFileSync(path, 'utf8')));
}

function editConfig(dir: string, change: (config: Record<string, unknown> & { estate: Array<Record<string, unknown>> }) => void): void {
  const path = join(dir, 'endpoint-lens.json');
  const config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> & { estate: Array<Record<string, unknown>> };
  change(config);
  writeFileSync(path, JSON.stringify(config, null, 2));
}

async function pathFindings(dir: string): Promise<Finding[]> {
  const e = await theEngine();
  const configPath = join(dir, 'endpoint-lens.json');
  const project = parseProjectConfig(configPath, readFileSync(configPath, 'utf8'), existsSync);
  assert.deepEqual(project.findings.map((f) => f.message), [], 'the project config is valid');
  const pac = join(dir, 'proxy', 'wpad.dat');
  const text = readFileSync(pac, 'utf8');
  const detection = e.detect(pac, text);
  assert.ok(detection);
  const analysis = e.analyzeDocument(pac, text, settingsForFile(pac, project, {}), detection, { estates: e.estatePaths(pac, project, readDiskFile) });
  assert.deepEqual(analysis.findings.filter((f) => f.code === 'pac-runtime-error').map((f) => f.message), [], 'the PAC file ran');
  return analysis.findings.filter((f) => f.code === 'path-inconsistent');
}

function inScratch(change: (dir: string) => void, body: (dir: string) => Promise<void>): Promise<void> {
  const dir = branch(change);
  return body(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

void test('an estate whose PAC file and firewall agree has no path-inconsistent finding', () =>
  inScratch(() => undefined, async (dir) => {
    assert.deepEqual(await pathFindings(dir), []);
  }));

void test('a host sent DIRECT whose set the firewall blocks from the clients: at the return, naming host, set and blocked prefixes, related to the deciding rule and the estate', () =>
  inScratch((dir) => edit(join(dir, 'fw', 'edge.rules.v4'), (t) => t.replace(/^-A FORWARD -s 10\.20\.0\.0\/16 -d \S+ -p udp --dport 443 -j ACCEPT\n/m, '')), async (dir) => {
    const findings = await pathFindings(dir);
    assert.equal(findings.length, 1);
    const f = findings[0]!;
    assert.equal(f.severity, 'warning');
    assert.equal(f.range.start.line + 1, 5, 'the return "DIRECT"');
    assert.match(f.message, /^Estate "branch": this return sends outlook\.cloud\.microsoft and 2 more hosts of set 1 \(Exchange Online Optimize\) DIRECT, but fw\/edge\.rules\.v4 blocks 13\.107\.6\.152\/31, .* on UDP 443 from the clients \(10\.20\.0\.0\/16\)\.$/);
    assert.doesNotMatch(f.message, /TCP/, 'TCP 80 and 443 are open');
    assert.deepEqual(f.related.map((r) => [r.message, r.path, r.range && r.range.start.line + 1]), [
      ['the default policy DROP of FORWARD (filter) decides in fw/edge.rules.v4', join(dir, 'fw', 'edge.rules.v4'), 5],
      ['Estate "branch" in endpoint-lens.json', join(dir, 'endpoint-lens.json'), 7],
    ]);
  }));

void test('a host sent to the proxy whose set the firewall blocks from the proxy, and the proxy port blocked from the clients', () =>
  inScratch(
    (dir) =>
      edit(join(dir, 'fw', 'edge.rules.v4'), (t) =>
        t.replace('-A FORWARD -s 10.0.0.8/32 -p tcp -m multiport --dports 80,443 -j ACCEPT', '-A FORWARD -s 10.0.0.8/32 -p tcp --dport 80 -j ACCEPT').replace(/^-A FORWARD -s 10\.20\.0\.0\/16 -d 10\.0\.0\.8\/32 .*\n/m, ''),
      ),
    async (dir) => {
      const findings = await pathFindings(dir);
      assert.ok(findings.length > 0);
      for (const f of findings) assert.equal(f.range.start.line + 1, 6, 'the return of the proxy');
      const set9 = findings.find((f) => f.message.includes('set 9'));
      assert.match(set9?.message ?? '', /to the proxy, but fw\/edge\.rules\.v4 blocks 40\.92\.0\.0\/15, .* on TCP 443 from the proxy 10\.0\.0\.8; fw\/edge\.rules\.v4 blocks the clients from the proxy 10\.0\.0\.8 on TCP 3128\.$/);
      assert.ok(findings.every((f) => f.message.includes('blocks the clients from the proxy 10.0.0.8 on TCP 3128')));
    },
  ));

void test('without a proxy in the estate, proxied traffic is not assumed to take any path', () =>
  inScratch(
    (dir) => {
      edit(join(dir, 'fw', 'edge.rules.v4'), (t) => t.replace('-A FORWARD -s 10.0.0.8/32 -p tcp -m multiport --dports 80,443 -j ACCEPT\n', ''));
      editConfig(dir, (c) => delete c.estate[0]!.proxy);
    },
    async (dir) => {
      assert.deepEqual(await pathFindings(dir), []);
    },
  ));

void test('dual stack: IPv6 clients behind a v6 firewall that blocks them get the IPv6 prefixes named; with noIPv6 nothing is said about IPv6', async () => {
  const dualStack = (dir: string): void =>
    editConfig(dir, (c) => {
      c.estate[0]!.clients = ['10.20.0.0/16', '2001:db8:20::/48'];
      c.estate[0]!.egress = ['fw/edge.rules.v4', 'fw/edge.rules.v6'];
    });
  await inScratch(dualStack, async (dir) => {
    const findings = await pathFindings(dir);
    assert.equal(findings.length, 1);
    assert.match(findings[0]!.message, /DIRECT, but fw\/edge\.rules\.v6 blocks 2603:1006::\/40, .* on TCP 80, 443; UDP 443 from the clients \(10\.20\.0\.0\/16, 2001:db8:20::\/48\)\.$/);
    assert.doesNotMatch(findings[0]!.message, /13\.107/);
  });
  await inScratch(
    (dir) => {
      dualStack(dir);
      editConfig(dir, (c) => (c.noIPv6 = true));
    },
    async (dir) => {
      assert.deepEqual(await pathFindings(dir), []);
    },
  );
});

void test('check reports path-inconsistent on the PAC file and the project config with the run', async () => {
  const dir = branch((d) => edit(join(d, 'fw', 'edge.rules.v4'), (t) => t.replace(/^-A FORWARD -s 10\.20\.0\.0\/16 -d \S+ -p udp --dport 443 -j ACCEPT\n/m, '')));
  try {
    const { out } = await runCli(['check', '.', '--format', 'json', '--as-of', '2026-08-20'], dir);
    const files = (JSON.parse(out) as { files: Array<{ path: string; dialect: string | null; findings: Array<{ code: string; line: number; related: Array<{ path?: string; line?: number }> }> }> }).files;
    assert.deepEqual(files.map((f) => `${f.path} ${f.dialect}`), ['fw/edge.rules.v4 iptables', 'fw/edge.rules.v6 iptables', 'proxy/wpad.dat pac', 'endpoint-lens.json endpoint-lens.json']);
    const pac = files.find((f) => f.path === 'proxy/wpad.dat')!;
    const path = pac.findings.filter((f) => f.code === 'path-inconsistent');
    assert.deepEqual(path.map((f) => f.line), [5]);
    assert.deepEqual(path[0]!.related.map((r) => r.path && `${r.path.slice(dir.length + 1)}:${r.line}`), ['fw/edge.rules.v4:5', 'endpoint-lens.json:7']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
