// Each fixture in test/fixtures/nftables has an `.expected.json` with every reference, rule, path
// and problem the parser must produce. After a deliberate parser change, regenerate with
// `ENDPOINT_LENS_UPDATE_GOLDEN=1 node scripts/test.mjs unit/nftables/fixtures` and review the diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseNftables } from '../../../server/src/dialects/nftables/parse';
import { summarize } from '../iptables/summary';

const dir = join(import.meta.dirname, '../../fixtures/nftables');
const inputs = readdirSync(dir).filter((f) => !f.endsWith('.expected.json')).sort();

test('there are at least ten nftables fixtures', () => {
  assert.ok(inputs.length >= 10, `only ${inputs.length} fixtures`);
});

for (const name of inputs) {
  test(`nftables fixture ${name}`, () => {
    const text = readFileSync(join(dir, name), 'utf8');
    const summary = summarize(parseNftables(text, { fileName: name }).model);
    const expectedPath = join(dir, `${name}.expected.json`);
    if (process.env.ENDPOINT_LENS_UPDATE_GOLDEN === '1') writeFileSync(expectedPath, JSON.stringify(summary, null, 2) + '\n');
    assert.ok(existsSync(expectedPath), `missing ${expectedPath}`);
    assert.deepEqual(summary, JSON.parse(readFileSync(expectedPath, 'utf8')));
  });
}
