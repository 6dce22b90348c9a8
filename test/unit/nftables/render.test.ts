// Rendering checks. The real tool: `nft -c -f FILE` (check only, nothing is loaded) validates every
// rendered form. nft needs CAP_NET_ADMIN even to check, so it is tried plain first, then inside
// `unshare -rn`, then `unshare -n`; when no variant runs, those tests skip and say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNftables } from '../../../server/src/dialects/nftables/parse';
import { renderNftables } from '../../../server/src/dialects/nftables/render';
import { EXCHANGE_HYBRID, LONG_LIST, POLICIES, TEAMS_AND_EXCHANGE, policyFlows } from '../iptables/policies';
import { walk } from '../iptables/walk';
import { missingTool } from '../oracle/tools';

const work = mkdtempSync(join(tmpdir(), 'el-nft-'));
let fileCount = 0;

function nftCheck(prefix: string[], text: string): { ok: boolean; output: string } {
  const path = join(work, `check-${fileCount++}.nft`);
  writeFileSync(path, text);
  const result = spawnSync(prefix[0] ?? 'nft', [...prefix.slice(1), ...(prefix.length > 0 ? ['nft'] : []), '-c', '-f', path], { encoding: 'utf8', timeout: 60_000 });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

const probe = 'table inet probe {\n\tchain c {\n\t\ttype filter hook output priority 0; policy accept;\n\t}\n}\n';
const variant = [[], ['unshare', '-rn'], ['unshare', '-n']].find((prefix) => nftCheck(prefix, probe).ok);
const noNft = variant ? false : (missingTool('nft') ?? 'nft -c cannot run here (no CAP_NET_ADMIN even in an unshared namespace)');

/** An existing ruleset the block is added to: default drop on both hooks. */
const BASE = `table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
	}
	chain output {
		type filter hook output priority filter; policy drop;
		ip daddr 203.0.113.0/24 drop
	}
}
`;

/** The family, table and chain of a list id (`inet filter:output`). */
function chainOf(id: string): { family: string; table: string; chain: string } {
  const [family = '', rest = ''] = id.split(' ');
  const [table = '', chain = ''] = rest.split(':');
  return { family, table, chain };
}

function chainFor(direction: string): string {
  return direction === 'inbound' ? 'inet filter:input' : 'inet filter:output';
}

/** Places rules rendered for inside a chain body into BASE's chain. */
function insideChain(block: string, direction: string): string {
  const chain = direction === 'inbound' ? 'input' : 'output';
  const marker = `type filter hook ${chain} priority filter; policy drop;\n`;
  return BASE.replace(marker, marker + block);
}

test('markers, named sets for both families, merged prefixes, URLs as comments', () => {
  const block = renderNftables(TEAMS_AND_EXCHANGE, { mode: 'table' });
  const lines = block.text.trimEnd().split('\n');
  assert.equal(lines[0], '# BEGIN endpoint-lens sets-1-11 Worldwide 2026110100');
  assert.equal(lines[lines.length - 1], '# END endpoint-lens sets-1-11');
  assert.match(block.text, /^table inet endpoint_lens \{$/m);
  assert.match(block.text, /^\t\ttype filter hook output priority filter; policy accept;$/m);
  assert.match(block.text, /set el_sets_1_11_1_v4 \{\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = \{ 13\.107\.64\.0\/18, 52\.112\.0\.0\/14, 52\.122\.0\.0\/15 \}/);
  assert.match(block.text, /^\t\tip daddr @el_sets_1_11_1_v4 udp dport 3478-3481 accept comment "endpoint-lens set 11 Teams Optimize"$/m);
  assert.match(block.text, /^\t\tip6 daddr @el_sets_1_11_1_v6 udp dport 3478-3481 accept/m);
  assert.match(block.text, /tcp dport \{ 80, 443 \} accept comment "endpoint-lens set 1 Exchange Online Optimize, set 11 Teams Optimize \(TCP\)"/);
  assert.doesNotMatch(block.text, /52\.112\.0\.0\/16/);
  assert.deepEqual(block.notExpressible, ['outlook.office.com', 'outlook.office365.com']);
  assert.match(block.text, /^# set 1 Exchange Online Optimize: outlook\.office\.com is a host name; nftables matches addresses only/m);
});

test('one rule group gets the plain set names; an ip table keeps IPv6 out and says so', () => {
  const block = renderNftables(EXCHANGE_HYBRID, { mode: 'commands', ...chainOf('ip filter:input') });
  assert.match(block.text, /^add set ip filter el_exchange_hybrid_v4 \{ type ipv4_addr; flags interval; \}$/m);
  assert.match(block.text, /^add rule ip filter input ip saddr @el_exchange_hybrid_v4 tcp dport 25 accept/m);
  assert.doesNotMatch(block.text, /el_exchange_hybrid_v6/);
  assert.ok(block.notExpressible.includes('2a01:111:f400::/48'));
});

for (const policy of POLICIES) {
  const forms: Array<[string, () => string]> = [
    ['new table', () => renderNftables(policy, { mode: 'table' }).text],
    ['commands into an existing chain', () => BASE + renderNftables(policy, { mode: 'commands', ...chainOf(chainFor(policy.direction)) }).text],
    ['rules inside an existing chain', () => insideChain(renderNftables(policy, { mode: 'body', ...chainOf(chainFor(policy.direction)) }).text, policy.direction)],
  ];
  for (const [form, make] of forms) {
    test(`round trip (${form}): ${policy.purpose} is allowed for every flow`, () => {
      const model = parseNftables(make()).model;
      assert.deepEqual(model.problems, []);
      for (const flow of policyFlows(policy)) assert.equal(walk(model, flow), 'allowed', `${flow.protocol}/${flow.port} ${flow.remote}`);
      if (form !== 'new table') {
        const other = { ...policyFlows(policy)[0]!, port: 9 };
        assert.equal(walk(model, other), 'blocked', 'the chain policy still drops what the block does not allow');
      }
    });
    test(`nft -c accepts it (${form}): ${policy.purpose}`, { skip: noNft }, () => {
      const result = nftCheck(variant!, make());
      assert.ok(result.ok, result.output);
    });
  }
}

test('long lists stay one set with every prefix', () => {
  const block = renderNftables(LONG_LIST, { mode: 'table' });
  const elements = /elements = \{([^}]*)\}/.exec(block.text)![1]!;
  assert.equal(elements.split(',').length, 30);
});

test('a block added to a file with multiple base chains keeps the other chains unchanged', () => {
  const original = BASE;
  const combined = original + renderNftables(TEAMS_AND_EXCHANGE, { mode: 'commands', ...chainOf('inet filter:output') }).text;
  const before = parseNftables(original).model;
  const after = parseNftables(combined).model;
  for (const l of before.ruleLists) {
    const texts = after.ruleLists.find((x) => x.id === l.id)!.rules.map((r) => r.text).filter((text) => !text.includes('endpoint-lens'));
    assert.deepEqual(texts, l.rules.map((r) => r.text));
  }
});

test('the nft oracle rejects what nft rejects (so the checks above can fail)', { skip: noNft }, () => {
  assert.equal(nftCheck(variant!, 'table inet x {\n\tchain c {\n\t\tip daddr 10.0.0.0/33 accept\n\t}\n}\n').ok, false);
});

test('rule comments stay within nft\'s 128 bytes even with long, non-ASCII labels', { skip: noNft }, () => {
  const entry = { ...TEAMS_AND_EXCHANGE.entries[0]!, label: 'Sæt 11 Teams Optimér — lyd, video og skærmdeling '.repeat(4) };
  const block = renderNftables({ ...TEAMS_AND_EXCHANGE, entries: [entry] }, { mode: 'table' });
  const comment = /comment "([^"]*)"/.exec(block.text)![1]!;
  assert.ok(Buffer.byteLength(comment) <= 127, `${Buffer.byteLength(comment)} bytes`);
  const result = nftCheck(variant!, block.text);
  assert.ok(result.ok, result.output);
});
