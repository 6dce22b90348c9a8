import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseIptables } from '../../../server/src/dialects/iptables/parse';
import { formatInterval } from '../../../server/src/model/address';
import { analyserFor, fixedText, gatewayCases, insertedTexts, type Analysed, type GatewayCase } from '../../gateways/harness';
import { findRunner, namespaceForScripts, run, runWith, withTempDir, writeFile } from './tools';

const PROBE = '*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n';
const restore = { 4: findRunner('iptables-restore', ['--test'], PROBE), 6: findRunner('ip6tables-restore', ['--test'], PROBE) } as const;
const namespace = namespaceForScripts();
const MISSING = 'iptables-restore, ip6tables-restore and ipset (Debian packages iptables and ipset)';

/** The texts the write path produces for a case: the file with every verified fix, and each insert that was applied. */
async function producedTexts(gateway: GatewayCase, analysed: Analysed): Promise<Array<{ label: string; text: string }>> {
  const out = [{ label: `${gateway.name} with every fix`, text: fixedText(gateway, analysed).text }];
  for (const inserted of insertedTexts(gateway, analysed)) if (inserted.applied) out.push({ label: inserted.label, text: inserted.text });
  return Promise.resolve(out);
}

/** iptables-save data as iptables-restore takes it: a fragment without a table line is wrapped in `*filter … COMMIT`. */
function restorable(text: string): string {
  return /^\*[a-z]+\s*$/m.test(text) ? text : `*filter\n${text}${text.endsWith('\n') ? '' : '\n'}COMMIT\n`;
}

/** Rules the write path generated, per family, as the parser reads the text. */
function generatedRules(text: string, name: string): Record<4 | 6, number> {
  const model = parseIptables(text, { fileName: name }).model;
  const count = (family: 4 | 6): number =>
    model.ruleLists.filter((l) => l.families?.includes(family)).reduce((n, l) => n + l.rules.filter((r) => r.comment?.startsWith('endpoint-lens')).length, 0);
  return { 4: count(4), 6: count(6) };
}

/** The members of each ipset of a text, as the parser reads them. */
function ipsetMembers(text: string): Map<string, string[]> {
  const { vendor, model } = parseIptables(text);
  return new Map(vendor.ipsets.map((s) => [s.name, s.referenceIds.flatMap((id) => (model.references[id]?.interval ? [formatInterval(model.references[id].interval)] : [])).sort()]));
}

/** What the kernel holds after loading a text (a script, or save data of one family) in a fresh network namespace. */
function loaded(text: string, form: 'script' | 4 | 6): { status: number | null; output: string; sets: string; v4: string; v6: string } {
  return withTempDir((dir) => {
    const path = writeFile(dir, 'loaded', form === 'script' ? text : restorable(text));
    const load = form === 'script' ? `sh -e '${path}'` : `${form === 6 ? 'ip6tables' : 'iptables'}-restore < '${path}'`;
    const result = run('unshare', ['-rn', 'sh', '-c', `${load} && echo '--- sets' && ipset save && echo '--- v4' && iptables-save && echo '--- v6' && ip6tables-save`]);
    const [, sets = '', v4 = '', v6 = ''] = result.output.split(/^--- (?:sets|v4|v6)$/m);
    return { ...result, sets, v4, v6 };
  });
}

/** Blocked-required findings the engine reports on what the kernel holds, read back as save files. */
function blockedInKernel(analysed: Analysed, state: { sets: string; v4: string; v6: string }): string[] {
  const out: string[] = [];
  for (const [name, dump] of [['rules.v4', `${state.sets}\n${state.v4}`], ['rules.v6', state.v6]] as const) {
    const path = join('/gateway', name);
    const detection = analysed.engine.detect(path, dump, { dialect: 'iptables' });
    assert.ok(detection);
    const findings = analysed.engine.analyzeDocument(path, dump, analysed.settings, detection).findings;
    out.push(...findings.filter((f) => f.code === 'blocked-required').map((f) => `${name}: ${f.message}`));
  }
  return out;
}

void test('the iptables-restore oracle rejects what iptables rejects, so the gateway checks can fail', (t) => {
  if ('skip' in restore[4]) {
    t.skip(`${restore[4].skip}; needs ${MISSING}`);
    return;
  }
  assert.notEqual(runWith(restore[4], 'iptables-restore', ['--test'], '*filter\n-A FORWARD -d 10.0.0.0/33 -j ACCEPT\nCOMMIT\n').status, 0);
  assert.notEqual(runWith(restore[4], 'iptables-restore', ['--test'], restorable('-A OUTPUT -p tcp --dport 70000 -j ACCEPT\n')).status, 0);
});

/**
 * Every text the write path makes of an iptables gateway (every fix, each insert) is accepted by
 * the real tools: `iptables-restore --test` for save files (a fragment wrapped as its generator
 * wraps it), the script itself in a fresh network namespace. The kernel then holds every
 * generated rule and ipset member, and what it holds, read back, blocks nothing the fixes allowed.
 */
for (const gateway of gatewayCases('iptables')) {
  void test(`iptables gateway ${gateway.name}: the real tools accept every fixed and inserted text`, async (t) => {
    const analysed = await analyserFor(gateway);
    const { vendor } = parseIptables(gateway.text, { fileName: gateway.name });
    const form = vendor.style === 'script' ? 'script' : vendor.families.includes(6) ? 6 : 4;
    const texts = await producedTexts(gateway, analysed);
    assert.ok(texts.length > 1 || gateway.expectation.afterFix.length > 0, `${gateway.name}: something was written`);
    if (form !== 'script') {
      const family = form;
      const runner = restore[family];
      if ('skip' in runner) {
        t.skip(`${runner.skip}; needs ${MISSING}`);
        return;
      }
      const command = family === 6 ? 'ip6tables-restore' : 'iptables-restore';
      assert.equal(runWith(runner, command, ['--test'], restorable(gateway.text)).status, 0, `${gateway.name} as written`);
      for (const { label, text } of texts) {
        const result = runWith(runner, command, ['--test'], restorable(text));
        assert.equal(result.status, 0, `${label}: ${result.output}`);
      }
    }
    if ('skip' in namespace) {
      t.skip(`${namespace.skip}; needs ${MISSING}`);
      return;
    }
    for (const [i, { label, text }] of texts.entries()) {
      const state = loaded(text, form);
      assert.equal(state.status, 0, `${label}: ${state.output}`);
      const generated = generatedRules(text, gateway.name);
      const inKernel = (dump: string): number => dump.split('\n').filter((l) => l.startsWith('-A ') && /--comment "?endpoint-lens/.test(l)).length;
      assert.deepEqual({ 4: inKernel(state.v4), 6: inKernel(state.v6) }, generated, `${label}: every generated rule is loaded`);
      const kernelSets = ipsetMembers(state.sets);
      for (const [name, members] of ipsetMembers(text)) assert.deepEqual(kernelSets.get(name), members, `${label}: ipset ${name} holds what the text adds`);
      if (i === 0 && gateway.expectation.afterFix.length === 0) assert.deepEqual(blockedInKernel(analysed, state), [], `${label}: the kernel's rules block nothing`);
    }
  });
}
