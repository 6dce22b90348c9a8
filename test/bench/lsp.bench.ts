// The language server over stdio, as an editor drives it, against issue 14's targets: fresh
// diagnostics after an edit (p95, debounce included), hover latency (p95), and the server's
// memory with one and with five 10,000-line documents open. Needs the bundle (npm run build).
// Run: npx tsx test/bench/lsp.bench.ts
import { performance } from 'node:perf_hooks';
import { HoverRequest } from 'vscode-languageserver-protocol/node';
import { TestClient } from '../lsp/client';
import { iptablesFile } from './generate';
import { median, ms, percentile, processMemory } from './stats';

const EDITS = 20;
const HOVERS = 300;
const TARGET = { editP95Ms: 300, hoverP95Ms: 5, oneDocumentMb: 150, fiveDocumentsMb: 300 };

const verdict = (ok: boolean): string => (ok ? 'meets' : 'MISSES');

/** Opens a 10,000-line iptables file (`variant` makes each one's rules differ) and waits for its diagnostics; the time it took. */
async function openDocument(client: TestClient, variant: number): Promise<{ uri: string; text: string; ms: number }> {
  const text = variant === 0 ? iptablesFile(10_000) : iptablesFile(10_000).replaceAll('-j ACCEPT', `-m comment --comment "copy ${variant}" -j ACCEPT`);
  const start = performance.now();
  const uri = await client.open(`examples/bench-10k-${variant}.rules.v4`, 'iptables', text);
  await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0, 120_000);
  return { uri, text, ms: performance.now() - start };
}

/** Edits typed one at a time, each waited on until its version's diagnostics arrive. */
async function editTimes(client: TestClient, uri: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    const start = performance.now();
    // Alternately a comment line and a rule of its own, so some edits change the rule lists and some do not.
    const newText = i % 2 === 0 ? `# edit ${i}\n` : `-A SITES -p tcp --dport ${40_000 + i} -d 192.0.2.${i}/32 -j ACCEPT\n`;
    await client.edit(uri, [{ range: { start: { line: 20 + i, character: 0 }, end: { line: 20 + i, character: 0 } }, newText }]);
    await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0, 120_000);
    times.push(performance.now() - start);
  }
  return times;
}

async function hoverTimes(client: TestClient, uri: string, text: string): Promise<number[]> {
  const lines = text.split('\n');
  const times: number[] = [];
  for (let i = 0; i < HOVERS; i++) {
    const line = 7 + ((i * 37) % (lines.length - 10));
    const character = lines[line]!.indexOf('10.') + 2;
    const start = performance.now();
    await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
    times.push(performance.now() - start);
  }
  return times;
}

void (async () => {
  const client = new TestClient({});
  await client.initialize({ trusted: true });
  const first = await openDocument(client, 0);
  const hovers = await hoverTimes(client, first.uri, first.text);
  const edits = await editTimes(client, first.uri);
  const rss = (): number => (client.pid === undefined ? Number.NaN : processMemory(client.pid).rssMb);
  const oneDocument = rss();
  for (let variant = 1; variant < 5; variant++) await openDocument(client, variant);
  const fiveDocuments = rss();
  const peak = client.pid === undefined ? Number.NaN : processMemory(client.pid).peakMb;
  await client.close();

  const hoverP95 = percentile(hovers, 95);
  const editP95 = percentile(edits, 95);
  console.log('Language server over stdio, 10,000-line iptables files');
  console.log(`  first diagnostics after open     ${ms(first.ms)}`);
  console.log(`  hover latency                    p50 ${ms(percentile(hovers, 50))}, p95 ${ms(hoverP95)} (≤${TARGET.hoverP95Ms} ms ${verdict(hoverP95 <= TARGET.hoverP95Ms)}; ${hovers.length} hovers)`);
  console.log(`  diagnostics after an edit        median ${ms(median(edits))}, p95 ${ms(editP95)} (≤${TARGET.editP95Ms} ms ${verdict(editP95 <= TARGET.editP95Ms)}; ${edits.length} edits, debounce included)`);
  console.log(`  server memory, one document      ${oneDocument.toFixed(0)} MB RSS (≤${TARGET.oneDocumentMb} MB ${verdict(oneDocument <= TARGET.oneDocumentMb)})`);
  console.log(`  server memory, five documents    ${fiveDocuments.toFixed(0)} MB RSS (≤${TARGET.fiveDocumentsMb} MB ${verdict(fiveDocuments <= TARGET.fiveDocumentsMb)}); peak ${peak.toFixed(0)} MB`);
})();
