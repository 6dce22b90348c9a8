import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Policy } from '../../../server/src/model/policy';
import { buildPolicies, type PolicyRequest } from '../../../server/src/policies';
import type { Catalog } from '../../../server/src/catalog';
import { applyTextEdits } from '../../../server/src/model/edit';
import { findManagedBlocks, outdatedBlocks } from '../../../server/src/model/managedBlock';
import { refreshManagedBlocks } from '../../../server/src/render/refresh';
import { shippedCatalog } from '../policies/shipped';
import { fileCases, fixture, type FileCase, planIn, insertText } from './cases';

const OLD = '2026073100';
const COMMON_DEFAULT: PolicyRequest = { policy: 'sets', setIds: [], serviceAreas: ['Common'], categories: ['Default'], includeOptional: false };

function only(catalog: Catalog, request: PolicyRequest): Policy {
  const result = buildPolicies(catalog, request);
  assert.ok(result.ok && result.policies.length === 1);
  return result.policies[0]!;
}

function insert(file: FileCase, text: string, policy: Policy): string {
  return insertText(file.dialect, text, policy);
}

function withoutBlocks(text: string, lineComment: string): string {
  let out = text;
  for (const block of [...findManagedBlocks(text, lineComment).blocks].reverse()) out = out.slice(0, block.startOffset) + out.slice(block.endOffset);
  return out;
}

const pac = (): FileCase => fileCases().find((f) => f.name === 'proxy.pac')!;

void test('a block made from an older catalogue is outdated, and refresh brings it to the current one', () => {
  const file = pac();
  const old = shippedCatalog('Worldwide', OLD);
  const current = shippedCatalog('Worldwide');
  assert.notEqual(old.version, current.version);
  let text = insert(file, file.text, only(old, COMMON_DEFAULT));
  text = insert(file, text, only(current, { policy: 'graph-notifications', serverAddresses: [] }));

  const outdated = outdatedBlocks(text, file.dialect.comment.line, (instance) => (instance === current.instance ? current.version : undefined));
  assert.deepEqual(
    outdated.map((o) => [o.purpose, o.version, o.currentVersion]),
    [['sets-common-default', OLD, current.version]],
  );
  const block = findManagedBlocks(text, '//').blocks.find((b) => b.purpose === 'sets-common-default')!;
  assert.deepEqual(outdated[0]!.range, block.range);

  const refreshed = refreshManagedBlocks({ text: text, dialect: file.dialect, parseContext: {}, catalog: current }, current);
  assert.deepEqual(refreshed.skipped, []);
  assert.deepEqual(
    refreshed.refreshed.map((r) => [r.purpose, r.fromVersion, r.toVersion, r.changed]).sort(),
    [
      ['graph-notifications', current.version, current.version, false],
      ['sets-common-default', OLD, current.version, true],
    ],
  );
  assert.ok(refreshed.edits.length > 0 && refreshed.edits.every((e) => e.range.start.line >= block.beginLine && e.range.end.line <= block.endLine + 1), 'edits stay inside the block');
  assert.equal(refreshed.text, applyTextEdits(text, refreshed.edits));
  // The refreshed block is what inserting the current policy gives, and nothing outside blocks moved.
  assert.equal(refreshed.text, insert(file, text, only(current, COMMON_DEFAULT)));
  assert.equal(withoutBlocks(refreshed.text, '//'), file.text);
  // After the old version the web service moved *.static.microsoft from set 184 to a new set 193.
  assert.ok(!text.includes('set 193 '));
  assert.ok(refreshed.text.includes('set 193 '));
  assert.deepEqual(outdatedBlocks(refreshed.text, '//', current.version), []);
  assert.deepEqual(refreshManagedBlocks({ text: refreshed.text, dialect: file.dialect, parseContext: {}, catalog: current }, current).edits, []);
});

void test('refresh leaves blocks of another instance and blocks it did not write as they are', () => {
  const file = fileCases().find((f) => f.name === 'iptables-save.rules')!;
  const gcc = shippedCatalog('USGovGCCHigh');
  let text = insert(file, file.text, only(gcc, { policy: 'graph-notifications', serverAddresses: [] }));
  text = text.replace('COMMIT\n# Completed', '# BEGIN endpoint-lens handmade Worldwide 2020010100\n-A OUTPUT -j ACCEPT\n# END endpoint-lens handmade\nCOMMIT\n# Completed');
  const result = refreshManagedBlocks({ text, dialect: file.dialect, parseContext: {}, catalog: shippedCatalog('Worldwide') }, shippedCatalog('Worldwide'));
  assert.deepEqual(result.edits, []);
  assert.equal(result.text, text);
  assert.deepEqual(
    result.skipped.map((s) => s.purpose),
    ['graph-notifications', 'handmade'],
  );
  assert.match(result.skipped[0]!.reason, /USGovGCCHigh/);
  assert.match(result.skipped[1]!.reason, /not written by this version/);
});

void test('insertion refuses to touch a block of the same purpose whose markers are broken', () => {
  const file = fileCases().find((f) => f.name === 'nftables.conf')!;
  const policy = only(shippedCatalog(), { policy: 'graph-notifications', serverAddresses: [] });
  const broken = file.text.replace('\t\tcounter drop\n', '\t\t# BEGIN endpoint-lens graph-notifications Worldwide 2026081400\n\t\tcounter drop\n');
  const plan = planIn(file.dialect, broken, policy);
  assert.deepEqual(plan.edits, []);
  assert.equal(plan.problems.length, 1);
  assert.equal(plan.problems[0]!.kind, 'unterminated');
  assert.match(plan.summary, /broken markers/);
});

void test('CRLF files get CRLF blocks; a file without a final line break gets one before the block', () => {
  const file = fileCases().find((f) => f.name === 'asa.cfg')!;
  const policy = only(shippedCatalog(), { policy: 'graph-notifications', serverAddresses: ['192.0.2.20'] });
  const crlf = file.text.replace(/\n/g, '\r\n');
  const inserted = insert(file, crlf, policy);
  assert.ok(!/[^\r]\n/.test(inserted), 'every line break is CRLF');
  assert.equal(withoutBlocks(inserted, '!'), crlf);

  const ios: FileCase = { ...file, name: 'no-final-newline', text: 'hostname r1\ninterface Gi0/0\n ip address 192.0.2.1 255.255.255.0' };
  const appended = insert(ios, ios.text, policy);
  assert.ok(appended.startsWith(ios.text + '\n! BEGIN endpoint-lens graph-notifications'));
  assert.deepEqual(ios.dialect.parse(appended).model.problems.filter((p) => p.severity === 'error'), []);
});

void test('IOS entries are numbered between the neighbours they must sit between', () => {
  const file = fileCases().find((f) => f.name === 'ios.cfg')!;
  const policy = only(shippedCatalog('China'), { policy: 'graph-notifications', serverAddresses: ['192.0.2.20'] });
  const text = insert(file, file.text, policy);
  const block = findManagedBlocks(text, '!').blocks.find((b) => b.purpose === 'graph-notifications')!;
  const numbers = [...text.slice(block.startOffset, block.endOffset).matchAll(/^ (\d+) (?:permit|deny|remark)\b/gm)].map((m) => Number(m[1]));
  assert.ok(numbers.length > 0);
  assert.ok(numbers.every((n, i) => n > 10 && n < 1000 && (i === 0 || n > numbers[i - 1]!)), numbers.join(','));

  // With no free numbers between 10 and 11 the summary says so instead of writing duplicates.
  const tight: FileCase = { ...file, text: fixture('ios.cfg').replace(' 1000 deny ip any any log', ' 11 deny ip any any log') };
  const plan = planIn(tight.dialect, tight.text, policy);
  assert.match(plan.summary, /no free sequence numbers between 10 and 11/);
});

void test('a block replaced by one with addresses moves in front of the rule that would stop them', () => {
  const file = fileCases().find((f) => f.name === 'iptables-save.rules')!;
  const hostsOnly = only(shippedCatalog('Worldwide'), { policy: 'exchange-hybrid', features: ['hybrid-authentication'], serverAddresses: [] });
  const withAddresses = only(shippedCatalog('USGovGCCHigh'), { policy: 'exchange-hybrid', features: ['hybrid-configuration-wizard'], serverAddresses: [] });
  assert.equal(hostsOnly.purpose, withAddresses.purpose);
  const first = insert(file, file.text, hostsOnly);
  const reject = (text: string): number => text.indexOf('-A OUTPUT -j REJECT');
  const blockStart = (text: string): number => findManagedBlocks(text, '#').blocks.find((b) => b.purpose === hostsOnly.purpose)!.startOffset;
  // Host names render as comments only, so the block may sit after the final REJECT.
  assert.ok(blockStart(first) > reject(first));
  const plan = planIn(file.dialect, first, withAddresses);
  assert.ok(plan.replaced);
  assert.equal(plan.edits.length, 2);
  assert.match(plan.summary, /^Moved the managed block "exchange-hybrid-outbound"/);
  const second = applyTextEdits(first, plan.edits);
  assert.ok(blockStart(second) < reject(second));
  assert.equal(withoutBlocks(second, '#'), file.text);
  assert.deepEqual(planIn(file.dialect, second, withAddresses).edits, []);
});
