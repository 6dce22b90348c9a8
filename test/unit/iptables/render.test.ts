// Rendering checks. Real tools: `iptables-restore --test` / `ip6tables-restore --test` validate the
// save form; a rendered script is executed inside a private network namespace (`unshare -rn`, or
// `unshare -n` when that is what works) and the loaded rules are read back with iptables-save, so
// the host's firewall is never touched. Each tool is tried plain first, then in `unshare -rn`, then
// `unshare -n` (they need CAP_NET_ADMIN); when no variant runs the test skips and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIptables } from '../../../server/src/dialects/iptables/parse';
import { renderIptables } from '../../../server/src/dialects/iptables/render';
import { EXCHANGE_HYBRID, LONG_LIST, POLICIES, TEAMS_AND_EXCHANGE, policyFlows } from './policies';
import { walk } from './walk';
import { missingTool } from '../oracle/tools';

const work = mkdtempSync(join(tmpdir(), 'el-iptables-'));

function run(command: string[], input?: string): { ok: boolean; output: string } {
  const result = spawnSync(command[0]!, command.slice(1), { input, encoding: 'utf8', timeout: 60_000 });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

const probe = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n';
function findVariant(check: (prefix: string[]) => boolean): string[] | undefined {
  for (const prefix of [[], ['unshare', '-rn'], ['unshare', '-n']]) if (check(prefix)) return prefix;
  return undefined;
}
const restoreVariant = findVariant((prefix) => run([...prefix, 'iptables-restore', '--test'], probe).ok);
const namespaceVariant = [['unshare', '-rn'], ['unshare', '-n']].find((prefix) => run([...prefix, 'sh', '-c', 'iptables -S >/dev/null && ipset list -n >/dev/null']).ok);
const noRestore = restoreVariant ? false : (missingTool('iptables-restore') ?? 'iptables-restore cannot run here (no CAP_NET_ADMIN even in an unshared namespace)');
const noNamespace = namespaceVariant ? false : (missingTool('iptables') ?? missingTool('ipset') ?? 'cannot run iptables and ipset inside an unshared network namespace here');

function saveFile(block: string, family: 4 | 6): string {
  return `*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]\n${block}COMMIT\n`.replace(/^/, family === 6 ? '# ip6tables-save\n' : '');
}


test('markers carry purpose, instance and catalogue version', () => {
  const block = renderIptables(TEAMS_AND_EXCHANGE, { style: 'save', families: [4] });
  const lines = block.text.trimEnd().split('\n');
  assert.equal(lines[0], '# BEGIN endpoint-lens sets-1-11 Worldwide 2026110100');
  assert.equal(lines[lines.length - 1], '# END endpoint-lens sets-1-11');
  assert.ok(block.text.endsWith('\n'));
});

test('save form: IPv4 rules in OUTPUT, merged prefixes, multiport, comments; IPv6 and URLs said to be elsewhere, once each', () => {
  const block = renderIptables(TEAMS_AND_EXCHANGE, { style: 'save', families: [4] });
  assert.match(block.text, /^-A OUTPUT -p udp -d 52\.112\.0\.0\/14 --dport 3478:3481 -m comment --comment "endpoint-lens sets-1-11: set 11 \(2026110100\)" -j ACCEPT$/m);
  assert.match(block.text, /^-A OUTPUT -p tcp -d 40\.96\.0\.0\/13 -m multiport --dports 80,443 -m comment --comment "endpoint-lens sets-1-11: sets 1, 11 \(2026110100\)" -j ACCEPT$/m);
  assert.doesNotMatch(block.text, /52\.112\.0\.0\/16/, 'a prefix inside another is merged away');
  assert.doesNotMatch(block.text, /^-A .*2603:/m);
  assert.ok(block.notExpressible.includes('2603:1063::/38'));
  assert.ok(block.notExpressible.includes('outlook.office.com'));
  // One pointer for every IPv6 prefix of the policy, not one per set; one line for the host names.
  assert.deepEqual(block.text.split('\n').filter((l) => l.includes('2603:')), ['# IPv6: 3 prefixes belong in the ip6tables rules; insert "sets-1-11" there too: 2603:1063::/38 2603:1006::/40 2603:1016::/36']);
  assert.deepEqual(block.text.split('\n').filter((l) => l.includes('outlook.office')), ['# Host names iptables cannot match (it matches addresses; allow them through a proxy or a DNS-aware firewall): outlook.office.com outlook.office365.com']);
  // An ip6tables file says the same of the IPv4 prefixes.
  const v6 = renderIptables(TEAMS_AND_EXCHANGE, { style: 'save', families: [6] }).text;
  assert.equal(v6.split('\n').filter((l) => l.startsWith('# IPv4: ')).length, 1);
  assert.match(v6, /^-A OUTPUT -p udp -d 2603:1063::\/38 --dport 3478:3481 /m);
});

test('inbound policies match the source and go into INPUT; a user chain target is used as given', () => {
  const block = renderIptables(EXCHANGE_HYBRID, { style: 'script', families: [4, 6] });
  assert.match(block.text, /^iptables -A INPUT -p tcp -s 40\.92\.0\.0\/15 --dport 25 /m);
  assert.match(block.text, /^ip6tables -A INPUT -p tcp -s 2a01:111:f400::\/48 --dport 25 /m);
  assert.match(renderIptables(EXCHANGE_HYBRID, { style: 'save', chain: 'M365_IN', families: [4] }).text, /^-A M365_IN -p tcp -s 40\.92\.0\.0\/15 /m);
});

test('script form uses an ipset for more than 20 prefixes', () => {
  const block = renderIptables(LONG_LIST, { style: 'script', families: [4, 6] });
  assert.match(block.text, /^ipset create el-graph-notifications-1-v4 hash:net family inet -exist$/m);
  assert.equal((block.text.match(/^ipset add /gm) ?? []).length, 30);
  assert.match(block.text, /^iptables -A INPUT -p tcp -m set --match-set el-graph-notifications-1-v4 src --dport 443 /m);
});

for (const policy of POLICIES) {
  test(`round trip (save, IPv4 and IPv6 files): ${policy.purpose} is allowed for every flow`, () => {
    const v4 = parseIptables(saveFile(renderIptables(policy, { style: 'save', families: [4] }).text, 4), { fileName: 'rules.v4' }).model;
    const v6 = parseIptables(saveFile(renderIptables(policy, { style: 'save', chain: policy.direction === 'inbound' ? 'INPUT' : 'OUTPUT', families: [6] }).text, 6), { fileName: 'rules.v6' }).model;
    assert.deepEqual(v4.problems, []);
    assert.deepEqual(v6.problems, []);
    for (const flow of policyFlows(policy)) {
      assert.equal(walk(flow.family === 4 ? v4 : v6, flow), 'allowed', `${flow.protocol}/${flow.port} ${flow.remote}`);
    }
    // The walk can fail: a flow on another port is blocked by the DROP policies.
    const other = { ...policyFlows(policy)[0]!, port: 9 };
    assert.equal(walk(other.family === 4 ? v4 : v6, other), 'blocked');
  });

  test(`round trip (script): ${policy.purpose} is allowed for every flow`, () => {
    const script = `iptables -P INPUT DROP\niptables -P OUTPUT DROP\nip6tables -P INPUT DROP\nip6tables -P OUTPUT DROP\n${renderIptables(policy, { style: 'script', families: [4, 6] }).text}`;
    const model = parseIptables(script).model;
    assert.deepEqual(model.problems, []);
    for (const flow of policyFlows(policy)) assert.equal(walk(model, flow), 'allowed', `${flow.protocol}/${flow.port} ${flow.remote}`);
  });

  test(`iptables-restore --test and ip6tables-restore --test accept the save form: ${policy.purpose}`, { skip: noRestore }, () => {
    const v4 = saveFile(renderIptables(policy, { style: 'save', families: [4] }).text, 4);
    const v6 = saveFile(renderIptables(policy, { style: 'save', chain: policy.direction === 'inbound' ? 'INPUT' : 'OUTPUT', families: [6] }).text, 6);
    const r4 = run([...restoreVariant!, 'iptables-restore', '--test'], v4);
    assert.ok(r4.ok, r4.output);
    const r6 = run([...restoreVariant!, 'ip6tables-restore', '--test'], v6);
    assert.ok(r6.ok, r6.output);
  });

  test(`the script form runs in a network namespace and what the kernel holds walks to allowed: ${policy.purpose}`, { skip: noNamespace }, () => {
    const scriptPath = join(work, `${policy.purpose}.sh`);
    const block = renderIptables(policy, { style: 'script', families: [4, 6] }).text;
    writeFileSync(scriptPath, `set -e\niptables -P OUTPUT DROP\niptables -P INPUT DROP\nip6tables -P OUTPUT DROP\nip6tables -P INPUT DROP\n${block}\n`);
    const sets = block.includes('ipset create') ? 'ipset save; ' : '';
    const result = run([...namespaceVariant!, 'sh', '-c', `sh ${scriptPath} && ${sets}echo ==v4== && iptables-save && echo ==v6== && ip6tables-save`]);
    assert.ok(result.ok, result.output);
    const [setsAndV4, v6Text] = result.output.split('==v6==');
    const [setsText, v4Text] = setsAndV4!.split('==v4==');
    const v4 = parseIptables(`${setsText}\n${v4Text}`, { fileName: 'rules.v4' }).model;
    const v6 = parseIptables(v6Text!, { fileName: 'rules.v6' }).model;
    assert.deepEqual([...v4.problems, ...v6.problems], []);
    for (const flow of policyFlows(policy)) assert.equal(walk(flow.family === 4 ? v4 : v6, flow), 'allowed', `${flow.protocol}/${flow.port} ${flow.remote}`);
  });
}

test('inserting a block into an existing save file keeps every other rule as it was', () => {
  const original = readFileSync(join(import.meta.dirname, '../../fixtures/iptables/user-chains.rules'), 'utf8');
  const block = renderIptables(TEAMS_AND_EXCHANGE, { style: 'save', families: [4] }).text;
  const at = original.indexOf('[88:5120] -A OUTPUT');
  const combined = original.slice(0, at) + block + original.slice(at);
  const before = parseIptables(original).model;
  const after = parseIptables(combined).model;
  assert.deepEqual(after.problems, []);
  for (const list of before.ruleLists) {
    const texts = after.ruleLists.find((l) => l.id === list.id)!.rules.map((r) => r.text).filter((text) => !text.includes('endpoint-lens'));
    assert.deepEqual(texts, list.rules.map((r) => r.text), list.id);
  }
  for (const flow of policyFlows(TEAMS_AND_EXCHANGE).filter((f) => f.family === 4)) assert.equal(walk(after, flow), 'allowed');
});

test('the iptables-restore oracle rejects what iptables rejects (so the checks above can fail)', { skip: noRestore }, () => {
  assert.equal(run([...restoreVariant!, 'iptables-restore', '--test'], '*filter\n-A OUTPUT -d 10.0.0.0/33 -j ACCEPT\nCOMMIT\n').ok, false);
});

test('a rule for many sets keeps its comment under the comment match\'s 256 bytes, whole items only, and iptables-restore takes it', { skip: noRestore }, () => {
  const entries = Array.from({ length: 90 }, (_, k) => ({ ...TEAMS_AND_EXCHANGE.entries[0]!, label: `set ${3 * k + 1}`, origin: { source: 'web-service' as const, instance: 'Worldwide', setId: 3 * k + 1 } }));
  const block = renderIptables({ ...TEAMS_AND_EXCHANGE, entries }, { style: 'save', families: [4] });
  const comment = /--comment "([^"]*)"/.exec(block.text)![1]!;
  assert.ok(Buffer.byteLength(comment) <= 255, `${Buffer.byteLength(comment)} bytes`);
  assert.match(comment, /^endpoint-lens sets-1-11: sets 1, 4, 7, [\d, ]+\d and \d+ more \(2026110100\)$/);
  const result = run([...restoreVariant!, 'iptables-restore', '--test'], saveFile(block.text, 4));
  assert.ok(result.ok, result.output);
});
