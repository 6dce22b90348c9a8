import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Policy } from '../../../server/src/model/policy';
import { compareVersions, findManagedBlocks, formatParameters, outdatedBlocks, parseParameters } from '../../../server/src/model/managedBlock';
import { prepareBlockText } from '../../../server/src/render/blockText';

const FILE = [
  '*filter',
  ':INPUT DROP [0:0]',
  '# BEGIN endpoint-lens exchange-hybrid-inbound Worldwide 2026073100',
  '# endpoint-lens parameters features=mail-flow servers=192.0.2.10/32',
  '-A INPUT -s 40.92.0.0/15 -d 192.0.2.10/32 -p tcp --dport 25 -j ACCEPT',
  '# END endpoint-lens exchange-hybrid-inbound',
  '  # BEGIN endpoint-lens sets-1 Worldwide 2026081400',
  '-A OUTPUT -d 13.107.6.152/31 -j ACCEPT',
  '  # END endpoint-lens sets-1',
  'COMMIT',
  '',
].join('\n');

void test('blocks are found with purpose, instance, version, parameters and whole-line ranges', () => {
  const { blocks, problems } = findManagedBlocks(FILE, '#');
  assert.deepEqual(problems, []);
  assert.equal(blocks.length, 2);
  const [hybrid, sets] = blocks as [(typeof blocks)[0], (typeof blocks)[0]];
  assert.equal(hybrid.purpose, 'exchange-hybrid-inbound');
  assert.equal(hybrid.instance, 'Worldwide');
  assert.equal(hybrid.version, '2026073100');
  assert.deepEqual(hybrid.parameters, { features: ['mail-flow'], servers: ['192.0.2.10/32'] });
  assert.equal(hybrid.beginLine, 2);
  assert.equal(hybrid.endLine, 5);
  assert.ok(FILE.slice(hybrid.startOffset, hybrid.endOffset).startsWith('# BEGIN'));
  assert.ok(FILE.slice(hybrid.startOffset, hybrid.endOffset).endsWith('exchange-hybrid-inbound\n'));
  assert.deepEqual(hybrid.range, { start: { line: 2, character: 0 }, end: { line: 6, character: 0 } });
  assert.equal(sets.indent, '  ');
  assert.deepEqual(sets.parameters, {});
});

void test('unterminated, mismatched and orphan markers are reported and never become blocks', () => {
  const text = [
    '// BEGIN endpoint-lens a Worldwide 1',
    '// BEGIN endpoint-lens b Worldwide 1',
    '// END endpoint-lens c',
    '// END endpoint-lens d',
    '// BEGIN endpoint-lens e Worldwide 1',
  ].join('\n');
  const { blocks, problems } = findManagedBlocks(text, '//');
  assert.deepEqual(blocks, []);
  assert.deepEqual(
    problems.map((p) => [p.kind, p.purpose, p.range.start.line]),
    [
      ['unterminated', 'a', 0],
      ['mismatched-end', 'b', 2],
      ['end-without-begin', 'd', 3],
      ['unterminated', 'e', 4],
    ],
  );
  for (const p of problems) assert.ok(p.message.length > 0);
});

void test('markers in another comment syntax or inside rules are not blocks', () => {
  const text = '-A INPUT -m comment --comment "BEGIN endpoint-lens x Worldwide 1" -j ACCEPT\n! BEGIN endpoint-lens y\n';
  assert.deepEqual(findManagedBlocks(text, '#'), { blocks: [], problems: [] });
});

void test('the last block of a file without a final newline ends at the end of the text', () => {
  const text = 'a\n! BEGIN endpoint-lens sets-11 USGovDoD 2026063000\nx\n! END endpoint-lens sets-11';
  const [block] = findManagedBlocks(text, '!').blocks;
  assert.ok(block);
  assert.equal(block.endOffset, text.length);
  assert.equal(block.instance, 'USGovDoD');
});

void test('parameters survive a round trip, including characters outside the plain set', () => {
  const parameters = { servers: ['192.0.2.10/32', '2001:db8::1/128'], features: ['mail-flow', 'free-busy'], serviceAreas: ['A B', 'x,y=z'] };
  const line = formatParameters(parameters);
  assert.ok(!/\s{2}/.test(line));
  assert.equal(line.split(' ').length, 3, 'one token per key');
  assert.deepEqual(parseParameters(line), parameters);
  assert.equal(formatParameters({ b: ['1'], a: ['2'] }), 'a=2 b=1');
});

const POLICY: Policy = {
  purpose: 'graph-notifications',
  title: 'Graph',
  action: 'allow',
  direction: 'inbound',
  instance: 'Worldwide',
  catalogVersion: '2026081400',
  entries: [],
  parameters: { servers: ['198.51.100.7/32'] },
};

void test('a rendered block gets the parameters line, the place indentation and the file line breaks', () => {
  const rendered = {
    text: '    # BEGIN endpoint-lens graph-notifications Worldwide 2026081400\n      ip saddr 1.2.3.4 accept\n\n    # END endpoint-lens graph-notifications\n',
    notExpressible: [],
  };
  const prepared = prepareBlockText(rendered, POLICY, '#', '\t', '\r\n');
  assert.equal(
    prepared,
    [
      '\t# BEGIN endpoint-lens graph-notifications Worldwide 2026081400',
      '\t# endpoint-lens parameters servers=198.51.100.7/32',
      '\t  ip saddr 1.2.3.4 accept',
      '',
      '\t# END endpoint-lens graph-notifications',
      '',
    ].join('\r\n'),
  );
  const [block] = findManagedBlocks(prepared, '#').blocks;
  assert.deepEqual(block?.parameters, POLICY.parameters);
  // Preparing an already prepared text adds nothing.
  assert.equal(prepareBlockText({ text: prepared, notExpressible: [] }, POLICY, '#', '\t', '\r\n'), prepared);
});

void test('outdated blocks are those older than the current catalogue of their instance', () => {
  assert.ok(compareVersions('2026073100', '2026081400') < 0);
  assert.ok(compareVersions('2026081400', '2026081400') === 0);
  assert.ok(compareVersions('99', '100') < 0, 'numeric, not text, order');
  const outdated = outdatedBlocks(FILE, '#', (instance) => (instance === 'Worldwide' ? '2026081400' : undefined));
  assert.deepEqual(
    outdated.map((o) => [o.purpose, o.version, o.currentVersion, o.beginRange.start.line]),
    [['exchange-hybrid-inbound', '2026073100', '2026081400', 2]],
  );
  assert.deepEqual(outdated[0]?.range, { start: { line: 2, character: 0 }, end: { line: 6, character: 0 } });
  assert.deepEqual(outdatedBlocks(FILE, '#', '2026073100'), []);
  assert.deepEqual(outdatedBlocks(FILE, '#', () => undefined), []);
});
