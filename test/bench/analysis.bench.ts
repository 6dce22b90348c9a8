// Full analysis (parse + every check, PAC runs included) of a generated 10,000-line file per dialect.
// Run: npx tsx test/bench/analysis.bench.ts   (npm run bench runs every benchmark)
import { performance } from 'node:perf_hooks';
import { Engine, resolveSettings } from '../../server/src/engine';
import { GENERATORS } from './generate';
import { median, ms } from './stats';

const LINES = 10_000;
const RUNS = 5;

void (async () => {
  const engine = await Engine.create({});
  const settings = resolveSettings({});
  engine.catalog(settings.instance);
  console.log(`Full analysis of a ${LINES.toLocaleString('en')}-line file, median of ${RUNS} runs`);
  console.log('dialect    size      parse+analyse   findings   lines/s');
  for (const [dialect, { file, generate }] of Object.entries(GENERATORS)) {
    const text = generate(LINES);
    const detection = engine.detect(file, text, { dialect })!;
    const times: number[] = [];
    let findings = 0;
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      findings = engine.analyzeDocument(file, text, settings, detection).findings.length;
      times.push(performance.now() - start);
    }
    const t = median(times);
    console.log(`${dialect.padEnd(10)} ${(text.length / 1024).toFixed(0).padStart(5)} kB  ${ms(t).padStart(13)}   ${String(findings).padStart(8)}   ${Math.round(LINES / (t / 1000)).toLocaleString('en').padStart(9)}`);
  }
  engine.pacSandbox?.dispose();
})();
