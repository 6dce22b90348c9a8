// The language server over stdio, as an editor drives it: hover latency (p50/p95), diagnostics
// latency after an edit, and the server's memory. Needs the bundle (npm run build).
// Run: npx tsx test/bench/lsp.bench.ts
import { performance } from 'node:perf_hooks';
import { HoverRequest } from 'vscode-languageserver-protocol/node';
import { TestClient } from '../lsp/client';
import { iptablesFile } from './generate';
import { median, ms, percentile, processMemory } from './stats';

void (async () => {
  const client = new TestClient({});
  await client.initialize({ trusted: true });
  const text = iptablesFile(10_000);
  let start = performance.now();
  const uri = await client.open('examples/bench-10k.rules.v4', 'iptables', text);
  await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0, 120_000);
  const firstDiagnostics = performance.now() - start;

  const lines = text.split('\n');
  const hoverTimes: number[] = [];
  for (let i = 0; i < 300; i++) {
    const line = 7 + ((i * 37) % (lines.length - 10));
    const character = lines[line]!.indexOf('10.') + 2;
    start = performance.now();
    await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
    hoverTimes.push(performance.now() - start);
  }

  const editTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    start = performance.now();
    await client.edit(uri, [{ range: { start: { line: 20 + i, character: 0 }, end: { line: 20 + i, character: 0 } }, newText: `# edit ${i}\n` }]);
    await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0, 120_000);
    editTimes.push(performance.now() - start);
  }
  const memory = client.pid === undefined ? Number.NaN : processMemory(client.pid).rssMb;
  console.log('Language server over stdio, a 10,000-line iptables file');
  console.log(`  first diagnostics after open     ${ms(firstDiagnostics)}`);
  console.log(`  hover latency                    p50 ${ms(percentile(hoverTimes, 50))}, p95 ${ms(percentile(hoverTimes, 95))} (${hoverTimes.length} hovers)`);
  console.log(`  diagnostics after an edit        median ${ms(median(editTimes))} (includes the ${250} ms debounce)`);
  console.log(`  server memory (RSS)              ${memory.toFixed(0)} MB`);
  await client.close();
})();
