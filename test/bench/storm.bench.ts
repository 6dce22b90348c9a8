// The language server under load, over stdio as an editor drives it: an edit storm with hovers and
// code actions in flight, and a hover on one file while a very large one is opened. Needs the
// bundle (npm run build). Run: npm run bench -- storm
import { performance } from 'node:perf_hooks';
import { CodeActionRequest, HoverRequest, type Diagnostic, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { TestClient } from '../lsp/client';
import { stormEdit } from '../lsp/storm';
import { seededRandom } from '../seeded';
import { iptablesFile } from './generate';
import { ms, percentile, processMemory } from './stats';

const EDITS = 2000;
const TARGET_AFTER_LAST_EDIT_MS = 2000;
const TARGET_PEAK_MB = 300;
const TARGET_HOVER_MS = 50;

function summary(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => `${d.range.start.line}:${d.range.start.character} ${String(d.code)} ${typeof d.message === 'string' ? d.message : d.message.value}`).sort().join('\n');
}

function verdict(ok: boolean): string {
  return ok ? 'within target' : 'OVER TARGET';
}

async function editStorm(): Promise<void> {
  const client = new TestClient({});
  await client.initialize({ trusted: true });
  const pid = client.pid!;
  const uri = await client.open('examples/bench-storm.rules.v4', 'iptables', iptablesFile(3000));
  let published: PublishDiagnosticsParams = await client.waitForDiagnostics(uri, () => true, 120_000);
  const next = seededRandom(2000);
  const inflight: Array<Promise<unknown>> = [];
  let peakMb = 0;
  const sampler = setInterval(() => (peakMb = Math.max(peakMb, processMemory(pid).rssMb)), 20);
  const start = performance.now();
  for (let i = 0; i < EDITS; i++) {
    if (i % 5 === 0 && published.diagnostics.length > 0) {
      const diagnostics = published.diagnostics.slice(0, 3);
      inflight.push(client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: diagnostics[0]!.range, context: { diagnostics } }));
    }
    await client.edit(uri, [stormEdit(client.documents.get(uri)!.getText(), next)]);
    if (i % 3 === 0) inflight.push(client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 6 + Math.floor(next() * 2000), character: 14 } }));
    // Between bursts of typing the editor shows whatever was last published, and asks for its fixes.
    if (i % 100 === 99 && i < EDITS - 1) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      published = await client.waitForDiagnostics(uri, () => true, 120_000).catch(() => published);
    }
  }
  const lastEdit = performance.now();
  const final = await client.waitForDiagnostics(uri, () => true, 120_000);
  const afterLastEdit = performance.now() - lastEdit;
  await Promise.all(inflight);
  clearInterval(sampler);
  const peak = Math.max(peakMb, processMemory(pid).peakMb);
  const fresh = await client.open('examples/bench-storm-fresh.rules.v4', 'iptables', client.documents.get(uri)!.getText());
  const expected = await client.waitForDiagnostics(fresh, () => true, 120_000);
  const equal = summary(final.diagnostics) === summary(expected.diagnostics);
  console.log(`Edit storm: ${EDITS} edits on a 3,000-line iptables file, ${inflight.length} hovers and code actions in flight`);
  console.log(`  edits sent in                      ${ms(lastEdit - start)}`);
  console.log(`  final diagnostics after last edit  ${ms(afterLastEdit)} (target ≤ ${TARGET_AFTER_LAST_EDIT_MS} ms: ${verdict(afterLastEdit <= TARGET_AFTER_LAST_EDIT_MS)})`);
  console.log(`  final diagnostics = fresh analysis ${equal ? 'yes' : 'NO'} (${final.diagnostics.length} diagnostics under version ${final.version})`);
  console.log(`  server memory peak (RSS)           ${peak.toFixed(0)} MB (target ≤ ${TARGET_PEAK_MB} MB: ${verdict(peak <= TARGET_PEAK_MB)})`);
  await client.close();
}

/** Hover latency on a small file from the moment a large one is opened until its diagnostics arrive. */
async function hoverWhileLargeOpens(label: string, text: string): Promise<void> {
  const client = new TestClient({});
  await client.initialize({ trusted: true });
  const small = await client.open('examples/bench-small.rules.v4', 'iptables', '*filter\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -d 52.104.0.0/14 -j ACCEPT\nCOMMIT\n');
  await client.waitForDiagnostics(small);
  const hover = (): Promise<unknown> => client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: small }, position: { line: 2, character: 14 } });
  for (let i = 0; i < 20; i++) await hover();
  const large = await client.open('examples/bench-large.rules.v4', 'iptables', text);
  let done = false;
  const diagnostics = client.waitForDiagnostics(large, () => true, 300_000).then(() => (done = true));
  // Messages cross the pipe in order: the first hover waits until the server has read the whole file.
  let start = performance.now();
  await hover();
  const behindTheFile = performance.now() - start;
  const times: number[] = [];
  while (!done || times.length < 20) {
    start = performance.now();
    await hover();
    times.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await diagnostics;
  const worst = Math.max(...times);
  console.log(`Hover on a small file while ${label} is analysed (${times.length} hovers)`);
  console.log(`  p50 ${ms(percentile(times, 50))}, p95 ${ms(percentile(times, 95))}, max ${ms(worst)} (target ≤ ${TARGET_HOVER_MS} ms: ${verdict(worst <= TARGET_HOVER_MS)})`);
  console.log(`  the first hover, sent right behind the file's didOpen, ${ms(behindTheFile)}`);
  await client.close();
}

/** An iptables-save file of about `megabytes` MB. */
function largeFile(megabytes: number): string {
  const rules: string[] = [];
  let size = 0;
  for (let n = 0; size < megabytes * 1024 * 1024; n++) {
    const rule = `-A OUTPUT -p tcp --dport ${1024 + (n % 5000)} -d 10.${Math.floor(n / 250) % 250}.${n % 250}.0/24 -j ACCEPT`;
    rules.push(rule);
    size += rule.length + 1;
  }
  return `*filter\n:OUTPUT DROP [0:0]\n${rules.join('\n')}\nCOMMIT\n`;
}

void (async () => {
  await editStorm();
  await hoverWhileLargeOpens('a 10 MB file (over the size bound, so it gets its notice)', largeFile(10));
  await hoverWhileLargeOpens('a 4.5 MB file (analysed in full)', largeFile(4.5));
})();
