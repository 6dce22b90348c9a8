// Planning an insertion (parse, placement, render, block preparation) and refreshing blocks in a
// generated 10,000-line file per dialect, for the policies the commands offer.
// Run: npx tsx test/bench/render.bench.ts   (npm run bench runs every benchmark)
import { performance } from 'node:perf_hooks';
import { dialectById } from '../../server/src/dialects/all';
import { loadCatalog } from '../../server/src/catalog/load';
import { buildPolicies, type PolicyRequest } from '../../server/src/policies';
import { findManagedBlocks } from '../../server/src/model/managedBlock';
import { refreshManagedBlocks } from '../../server/src/render/refresh';
import { insertText, planIn } from '../unit/render/cases';
import { GENERATORS } from './generate';
import { median, ms } from './stats';

const LINES = 10_000;
const RUNS = 5;
const REQUESTS: PolicyRequest[] = [
  { policy: 'sets', setIds: [], serviceAreas: [], categories: ['Optimize', 'Allow'], includeOptional: false },
  { policy: 'exchange-hybrid', features: ['mailbox-migration', 'free-busy', 'autodiscover', 'mail-flow'], serverAddresses: ['192.0.2.10', '2001:db8::10'] },
];

function timed(run: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return median(times);
}

const catalog = loadCatalog({ instance: 'Worldwide' }).catalog;
const policies = REQUESTS.flatMap((request) => {
  const result = buildPolicies(catalog, request);
  if (!result.ok) throw new Error(result.errors.join(' '));
  return result.policies.filter((p) => p.direction === 'outbound' || p.entries.some((e) => e.addresses.length > 0));
});
console.log(`Insert and refresh in a ${LINES.toLocaleString('en')}-line file, median of ${RUNS} runs`);
console.log('dialect    policy                               insert      refresh   blocks scan');
for (const [id, { generate }] of Object.entries(GENERATORS)) {
  const dialect = dialectById(id);
  if (!dialect) continue;
  const text = generate(LINES);
  for (const policy of policies) {
    const insert = timed(() => void planIn(dialect, text, policy));
    const inserted = insertText(dialect, text, policy);
    const refresh = timed(() => void refreshManagedBlocks({ text: inserted, dialect: dialect, parseContext: {}, catalog: catalog }, catalog));
    const scan = timed(() => void findManagedBlocks(inserted, dialect.comment.line));
    console.log(`${id.padEnd(10)} ${policy.purpose.padEnd(36)} ${ms(insert).padStart(10)} ${ms(refresh).padStart(12)} ${ms(scan).padStart(12)}`);
  }
}
