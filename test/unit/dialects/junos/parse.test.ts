import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectDialect } from '../../../../server/src/dialects/detect';
import { detectJunos, parseJunos } from '../../../../server/src/dialects/junos';
import type { ConfigModel } from '../../../../server/src/model/config';
import { seededRandom } from '../../seededRandom';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures');
const junosFixtures = readdirSync(join(FIXTURES, 'findings', 'junos'))
  .filter((f) => !f.endsWith('.expected.json'))
  .map((f) => ({ name: f, text: readFileSync(join(FIXTURES, 'findings', 'junos', f), 'utf8') }));

function ruleTexts(model: ConfigModel, id: string): string[] {
  return (model.ruleLists.find((l) => l.id === id)?.rules ?? []).map((r) => r.text);
}

test('every Junos fixture is recognised from its content alone, in both forms', () => {
  for (const { name, text } of junosFixtures) {
    const detection = detectDialect('/tmp/config.txt', text);
    assert.equal(detection?.dialect.id, 'junos', name);
  }
});

test('nginx and nftables files, braces and all, and PAN-OS set commands are never taken for Junos', () => {
  const others = ['nginx', 'nftables', join('findings', 'panos'), join('findings', 'nginx'), join('findings', 'nftables')].flatMap((dir) =>
    readdirSync(join(FIXTURES, dir))
      .filter((f) => !f.endsWith('.json'))
      .map((f) => ({ name: `${dir}/${f}`, text: readFileSync(join(FIXTURES, dir, f), 'utf8') })),
  );
  assert.ok(others.length > 5);
  for (const { name, text } of others) assert.ok(detectJunos('', text) < 0.5, `${name} scores ${detectJunos('', text)}`);
});

test('the same configuration in both forms gives the same rules, addresses and paths', () => {
  const tree = `security {
    address-book {
        global {
            address lan 10.1.0.0/16;
            address teams 52.112.0.0/14;
            address-set m365 {
                address teams;
            }
        }
    }
    policies {
        from-zone trust to-zone untrust {
            policy teams {
                match {
                    source-address lan;
                    destination-address m365;
                    application [ junos-https junos-dns-udp ];
                }
                then {
                    permit;
                }
            }
        }
        global {
            policy deny-rest {
                match {
                    source-address any;
                    destination-address any;
                    application any;
                }
                then {
                    reject;
                }
            }
        }
    }
    zones {
        security-zone trust;
        security-zone untrust;
    }
}
`;
  const set = [
    'set security address-book global address lan 10.1.0.0/16',
    'set security address-book global address teams 52.112.0.0/14',
    'set security address-book global address-set m365 address teams',
    'set security policies from-zone trust to-zone untrust policy teams match source-address lan',
    'set security policies from-zone trust to-zone untrust policy teams match destination-address m365',
    'set security policies from-zone trust to-zone untrust policy teams match application [ junos-https junos-dns-udp ]',
    'set security policies from-zone trust to-zone untrust policy teams then permit',
    'set security policies global policy deny-rest match source-address any',
    'set security policies global policy deny-rest match destination-address any',
    'set security policies global policy deny-rest match application any',
    'set security policies global policy deny-rest then reject',
    'set security zones security-zone trust',
    'set security zones security-zone untrust',
  ].join('\n');
  const a = parseJunos(tree);
  const b = parseJunos(set);
  assert.equal(a.vendor.form, 'hierarchical');
  assert.equal(b.vendor.form, 'set');
  assert.deepEqual(a.model.problems, []);
  assert.deepEqual(b.model.problems, []);
  const strip = (m: ConfigModel): unknown => ({
    paths: m.paths.map((p) => [p.id, p.direction]),
    lists: m.ruleLists.map((l) => ({ id: l.id, rules: l.rules.map((r) => ({ text: r.text, action: r.action, protocols: r.protocols, ports: r.destinationPorts, dst: r.destinations?.intervals, zones: r.zones })), defaultAction: l.defaultAction })),
    references: m.references.map((r) => [r.text, r.kind, r.role]),
  });
  assert.deepEqual(strip(a.model), strip(b.model));
  const rules = a.model.ruleLists.find((l) => l.id === 'trust>untrust')!.rules;
  // The zone policy split by protocol (junos-https TCP 443, junos-dns-udp UDP 53), then the global policy.
  assert.deepEqual(rules.map((r) => [r.action.type, r.protocols, r.destinationPorts]), [
    ['accept', ['tcp'], [{ from: 443, to: 443 }]],
    ['accept', ['udp'], [{ from: 53, to: 53 }]],
    ['reject', undefined, undefined],
  ]);
  // Ranges are exact: the hierarchical policy spans its block, the set policy its first to last line.
  assert.deepEqual([rules[0]!.range.start.line, rules[0]!.range.end.line], [12, 21]);
  assert.equal(tree.split('\n')[rules[0]!.actionRange.start.line]!.slice(rules[0]!.actionRange.start.character, rules[0]!.actionRange.end.character), 'permit');
  const setRules = b.model.ruleLists.find((l) => l.id === 'trust>untrust')!.rules;
  assert.deepEqual([setRules[0]!.range.start.line, setRules[0]!.range.end.line], [3, 6]);
  assert.deepEqual(a.model.paths.map((p) => [p.id, p.direction]), [['trust>untrust', 'outbound'], ['untrust>trust', 'inbound']]);
});

test('insert, deactivate, delete and inactive: change what is evaluated the way the device applies them', () => {
  const head = 'set security policies from-zone trust to-zone untrust policy';
  const set = [
    `${head} a match source-address any`,
    `${head} a match destination-address any`,
    `${head} a match application any`,
    `${head} a then permit`,
    `${head} b match source-address any`,
    `${head} b match destination-address any`,
    `${head} b match application junos-https`,
    `${head} b then deny`,
    `${head} c match source-address any`,
    `${head} c match destination-address any`,
    `${head} c match application junos-http`,
    `${head} c then reject`,
    'insert security policies from-zone trust to-zone untrust policy b before policy a',
    'deactivate security policies from-zone trust to-zone untrust policy c',
    'set security policies default-policy permit-all',
  ].join('\n');
  const model = parseJunos(set).model;
  assert.deepEqual(ruleTexts(model, 'trust>untrust').map((t) => t.split(' ')[5]), ['b', 'a']);
  assert.equal(model.ruleLists.find((l) => l.id === 'trust>untrust')?.defaultAction, 'accept');
  const deleted = parseJunos(`${set}\ndelete security policies from-zone trust to-zone untrust policy b\nactivate security policies from-zone trust to-zone untrust policy c`).model;
  assert.deepEqual(ruleTexts(deleted, 'trust>untrust').map((t) => t.split(' ')[5]), ['a', 'c']);
  const tree = 'security {\n    policies {\n        from-zone trust to-zone untrust {\n            inactive: policy a {\n                match {\n                    source-address any;\n                    destination-address any;\n                    application any;\n                }\n                then {\n                    permit;\n                }\n            }\n        }\n    }\n}\n';
  const inactive = parseJunos(tree).model;
  assert.deepEqual(ruleTexts(inactive, 'trust>untrust'), []);
});

test('zone address books, attached books, wildcard and range addresses resolve as the device looks them up', () => {
  const model = parseJunos(
    [
      'set security address-book dmz-book address web 198.51.100.0/24',
      'set security address-book dmz-book attach zone dmz',
      'set security address-book global address hosts wildcard-address 10.0.0.5/255.0.255.255',
      'set security address-book global address span range-address 192.0.2.10 to 192.0.2.20',
      'set security policies from-zone trust to-zone dmz policy p match source-address hosts',
      'set security policies from-zone trust to-zone dmz policy p match destination-address [ web span ]',
      'set security policies from-zone trust to-zone dmz policy p match application junos-https',
      'set security policies from-zone trust to-zone dmz policy p then permit',
      'set security policies from-zone dmz to-zone trust policy q match source-address any',
      'set security policies from-zone dmz to-zone trust policy q match destination-address web',
      'set security policies from-zone dmz to-zone trust policy q match application any',
      'set security policies from-zone dmz to-zone trust policy q then permit',
    ].join('\n'),
  ).model;
  const p = model.ruleLists.find((l) => l.id === 'trust>dmz')!.rules[0]!;
  assert.equal(p.sources?.intervals.length, 256);
  assert.equal(p.destinations?.intervals.length, 2);
  assert.equal(p.destinations?.unresolved, undefined);
  // `web` is in the book attached to dmz, which a destination in trust does not see.
  const q = model.ruleLists.find((l) => l.id === 'dmz>trust')!.rules[0]!;
  assert.match(q.destinations?.unresolved ?? '', /address web is not defined/);
  assert.ok(model.problems.some((x) => x.message === 'Address "web" is not in the global address book or one of zone trust.'));
});

test('random words, random bytes and cut fixtures never throw and keep indices in range', () => {
  const next = seededRandom(41);
  const check = (text: string): void => {
    const model = parseJunos(text).model;
    assert.ok(!model.problems.some((p) => p.message.startsWith('The Junos parser failed')), model.problems[0]?.message);
    const ids = new Set(model.ruleLists.map((l) => l.id));
    for (const list of model.ruleLists) for (const rule of list.rules) for (const id of [...(rule.sources?.referenceIds ?? []), ...(rule.destinations?.referenceIds ?? [])]) assert.ok(id >= 0 && id < model.references.length);
    for (const path of model.paths) for (const stage of path.stages) assert.ok(ids.has(stage));
    const score = detectJunos('', text);
    assert.ok(score >= 0 && score <= 1);
  };
  const WORDS = ['set', 'insert', 'delete', 'deactivate', 'activate', 'security', 'policies', 'from-zone', 'to-zone', 'trust', 'untrust', 'policy', 'p1', 'p2', 'match', 'source-address', 'destination-address', 'application', 'any', 'then', 'permit', 'deny', 'reject', 'before', 'after', 'global', 'address-book', 'address', 'address-set', 'a1', '52.112.0.0/14', '10.0.0.300/8', 'dns-name', 'range-address', 'to', 'wildcard-address', '10.0.0.5/255.0.255.0', 'applications', 'term', 'protocol', 'udp', 'destination-port', '3478-3481', 'junos-https', 'inactive:', '{', '}', ';', '[', ']', '"', '#', '/*', '*/', 'default-policy', 'permit-all'];
  for (let round = 0; round < 400; round++) {
    const parts: string[] = [];
    const count = Math.floor(next() * 150);
    for (let i = 0; i < count; i++) parts.push(WORDS[Math.floor(next() * WORDS.length)]!, next() < 0.75 ? ' ' : '\n');
    check(parts.join(''));
  }
  for (let round = 0; round < 200; round++) {
    let text = '';
    const length = Math.floor(next() * 1500);
    for (let i = 0; i < length; i++) text += String.fromCharCode(Math.floor(next() * 256));
    check(text);
  }
  for (const { text } of junosFixtures) {
    for (let cut = 0; cut < text.length; cut += Math.max(1, Math.floor(text.length / 40))) check(text.slice(0, cut));
    for (let round = 0; round < 20; round++) {
      const chars = [...text];
      for (let k = 0; k < 5; k++) chars[Math.floor(next() * chars.length)] = String.fromCharCode(Math.floor(next() * 128));
      check(chars.join(''));
    }
  }
});

test('braces nested past the bound are reported as an analysis limit, read without recursion', () => {
  const depth = 50_000;
  const model = parseJunos(`${'a {\n'.repeat(depth)}${'}\n'.repeat(depth)}`).model;
  assert.equal(model.limits?.[0]?.kind, 'nesting');
  assert.equal(model.limits?.length, 1);
});

test('a dns-name address is explained on hover, and security statements inside configuration groups are said to be unread', () => {
  const model = parseJunos(
    [
      'set groups branch-template security policies from-zone trust to-zone untrust policy p then permit',
      'set security address-book global address teams-fqdn dns-name teams.microsoft.com',
      'set security policies from-zone trust to-zone untrust policy fqdn match source-address any',
      'set security policies from-zone trust to-zone untrust policy fqdn match destination-address teams-fqdn',
      'set security policies from-zone trust to-zone untrust policy fqdn match application junos-https',
      'set security policies from-zone trust to-zone untrust policy fqdn then permit',
    ].join('\n'),
  ).model;
  assert.deepEqual(
    model.problems.map((p) => [p.severity, p.message]),
    [['info', 'Configuration group branch-template is not expanded here; the security statements in it are not checked.']],
  );
  assert.ok(model.annotations?.some((a) => a.range.start.line === 3 && /^\*\*teams-fqdn\*\* is a dns-name address for teams\.microsoft\.com/.test(a.markdown)));
  const rule = model.ruleLists.find((l) => l.id === 'trust>untrust')!.rules[0]!;
  assert.match(rule.destinations?.unresolved ?? '', /resolved by the device at run time/);
});
