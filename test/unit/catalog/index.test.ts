import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog, addressRelation, parseQuery } from '../../../server/src/catalog/index';
import { loadCatalog, loadOtherEndpoints } from '../../../server/src/catalog/load';
import { fromWebServiceJson } from '../../../server/src/catalog/webService';
import { INSTANCES, type CatalogMatch, type CatalogSnapshot, type Category, type EndpointSet, type OtherEndpointsFile } from '../../../server/src/catalog/types';
import { cidrToInterval, parseCidr, parseIp, type IpInterval } from '../../../server/src/model/address';
import { defaultInputs } from '../../../catalog/build';

function set(id: number, category: Category, ips: string[], urls: string[] = []): EndpointSet {
  return {
    id,
    serviceArea: 'Common',
    serviceAreaDisplayName: 'Common',
    urls,
    ips,
    tcpPortsText: '443',
    udpPortsText: '',
    tcpPorts: [{ from: 443, to: 443 }],
    udpPorts: [],
    expressRoute: false,
    category,
    required: true,
  };
}

const noRows: OtherEndpointsFile = { format: 1, revision: '2025-01-08', release: '0.1.0', rows: [] };

function catalogOf(sets: EndpointSet[], other: OtherEndpointsFile = noRows): Catalog {
  const snapshot: CatalogSnapshot = { format: 1, instance: 'Worldwide', version: '2026010100', capturedOn: '2026-01-01', versionInferred: true, sets };
  return new Catalog(snapshot, other);
}

function cidr(text: string): IpInterval {
  const r = parseCidr(text);
  assert.ok(r.ok, text);
  return cidrToInterval(r.value);
}

function brief(matches: CatalogMatch[]): string[] {
  return matches.map((m) => `${m.id ?? 'row ' + m.row} ${m.entry} ${m.relation}`);
}

const synthetic = catalogOf([
  set(1, 'Default', ['10.0.0.0/8', '2001:db8::/32']),
  set(2, 'Allow', ['10.1.0.0/16', '10.2.0.0/16']),
  set(3, 'Optimize', ['10.1.2.0/24', '10.3.0.0/16', '2001:db8::1/128']),
  set(4, 'Default', ['10.1.2.0/24', '10.1.2.3/32']),
  set(5, 'Allow', ['10.1.2.0/24']),
  set(6, 'Default', ['0.0.0.0/0', '::/0']),
]);

void test('host route /32: every containing prefix, most specific first, higher category first among equals', () => {
  assert.deepEqual(brief(synthetic.lookupAddress(cidr('10.1.2.3/32'))), [
    '4 10.1.2.3/32 equal',
    '3 10.1.2.0/24 contains',
    '5 10.1.2.0/24 contains',
    '4 10.1.2.0/24 contains',
    '2 10.1.0.0/16 contains',
    '1 10.0.0.0/8 contains',
    '6 0.0.0.0/0 contains',
  ]);
});

void test('/128 and IPv6 containment', () => {
  assert.deepEqual(brief(synthetic.lookupAddress(cidr('2001:db8::1/128'))), ['3 2001:db8::1/128 equal', '1 2001:db8::/32 contains', '6 ::/0 contains']);
  assert.deepEqual(brief(synthetic.lookupAddress(cidr('2001:db8::2/128'))), ['1 2001:db8::/32 contains', '6 ::/0 contains']);
  assert.deepEqual(brief(synthetic.lookupAddress(cidr('2001:db9::/32'))), ['6 ::/0 contains']);
});

void test('/0 query: the /0 entry is equal, everything else of the family lies inside', () => {
  const all = synthetic.lookupAddress(cidr('0.0.0.0/0'));
  assert.equal(all[0]!.relation, 'equal');
  assert.equal(all[0]!.entry, '0.0.0.0/0');
  assert.equal(all.length, 9);
  assert.ok(all.slice(1).every((m) => m.relation === 'inside'));
  assert.ok(all.every((m) => !m.entry.includes(':')), 'no IPv6 entries for an IPv4 query');
  // Inside entries: smaller (more specific) first.
  assert.equal(all[1]!.entry, '10.1.2.3/32');
  assert.equal(brief(synthetic.lookupAddress(cidr('::/0'))).length, 3);
});

void test('adjacent prefixes do not leak into each other; ranges across them overlap both', () => {
  assert.deepEqual(brief(synthetic.lookupAddress(cidr('10.2.255.255/32'))), ['2 10.2.0.0/16 contains', '1 10.0.0.0/8 contains', '6 0.0.0.0/0 contains']);
  assert.deepEqual(brief(synthetic.lookupAddress(cidr('10.3.0.0/32'))), ['3 10.3.0.0/16 contains', '1 10.0.0.0/8 contains', '6 0.0.0.0/0 contains']);
  const r = synthetic.lookup('10.2.255.0-10.3.0.255');
  assert.ok(r.ok);
  assert.deepEqual(brief(r.matches), ['1 10.0.0.0/8 contains', '6 0.0.0.0/0 contains', '3 10.3.0.0/16 overlaps', '2 10.2.0.0/16 overlaps']);
  const wide = synthetic.lookup('10.1.0.0/15');
  assert.ok(wide.ok);
  assert.deepEqual(brief(wide.matches).slice(0, 3), ['1 10.0.0.0/8 contains', '6 0.0.0.0/0 contains', '4 10.1.2.3/32 inside']);
  assert.ok(brief(wide.matches).includes('2 10.1.0.0/16 inside'));
  assert.ok(!brief(wide.matches).some((m) => m.includes('10.2.0.0') || m.includes('10.3.0.0')));
});

void test('IPv4-mapped IPv6 queries look up the IPv4 address', () => {
  const r = synthetic.lookup('::ffff:10.1.2.3');
  assert.ok(r.ok);
  assert.deepEqual(brief(r.matches), brief(synthetic.lookupAddress(cidr('10.1.2.3/32'))));
  const net = synthetic.lookup('::ffff:10.1.0.0/112');
  assert.ok(net.ok);
  assert.equal(net.matches.find((m) => m.entry === '10.1.0.0/16')?.relation, 'equal');
});

void test('relation is stated from the catalogue entry side', () => {
  assert.equal(addressRelation(cidr('10.0.0.0/8'), cidr('10.1.0.0/16')), 'contains');
  assert.equal(addressRelation(cidr('10.1.0.0/16'), cidr('10.0.0.0/8')), 'inside');
  assert.equal(addressRelation(cidr('10.1.0.0/16'), cidr('10.1.0.0/16')), 'equal');
  assert.equal(addressRelation(cidr('10.1.0.0/16'), { family: 4, first: cidr('10.0.255.0/24').first, last: cidr('10.1.0.0/24').last }), 'overlaps');
});

void test('the index gives exactly what a scan gives, on the shipped catalogues', () => {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  for (const instance of INSTANCES) {
    const { catalog } = loadCatalog({ instance });
    const probes: IpInterval[] = [];
    for (const s of catalog.sets) {
      for (const ip of s.ips) {
        const iv = cidr(ip);
        probes.push(iv, { ...iv, first: iv.first, last: iv.first }, { ...iv, first: iv.last, last: iv.last + 1n > (iv.family === 4 ? 0xffffffffn : (1n << 128n) - 1n) ? iv.last : iv.last + 1n });
      }
    }
    for (let i = 0; i < 300; i++) {
      const a = BigInt(random()) * 2n;
      const b = a + BigInt(random() % 100000);
      probes.push({ family: 4, first: a, last: b > 0xffffffffn ? 0xffffffffn : b });
    }
    for (const q of probes) assert.deepEqual(brief(catalog.lookupAddress(q)), brief(catalog.lookupAddressByScan(q)));
  }
});

function assertSetFound(catalog: Catalog, s: EndpointSet, where: string): void {
  for (const ip of s.ips) {
    const found = catalog.lookupAddress(cidr(ip)).find((m) => m.id === s.id && m.entry === ip);
    assert.equal(found?.relation, 'equal', `${where}: ${ip} of set ${s.id}`);
    assert.equal(found?.category, s.category);
  }
  for (const url of s.urls) {
    const found = catalog.lookupHost(url).find((m) => m.id === s.id && m.entry === url);
    assert.equal(found?.relation, 'equal', `${where}: ${url} of set ${s.id}`);
    const parsed = parseQuery(url);
    if (parsed.ok && parsed.kind === 'pattern') continue;
    assert.ok(catalog.lookup(url).ok);
  }
}

void test('every prefix and URL of every shipped current set is found again with its set id', () => {
  for (const instance of INSTANCES) {
    const { catalog } = loadCatalog({ instance });
    assert.ok(catalog.sets.length > 20);
    for (const s of catalog.sets) assertSetFound(catalog, s, instance);
  }
});

void test('every prefix and URL of every raw source snapshot is found again with its set id', (t) => {
  const dir = defaultInputs().sourcesDir;
  if (!existsSync(dir)) {
    t.skip(`raw sources not present (${dir})`);
    return;
  }
  const other = loadOtherEndpoints();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const parsed = fromWebServiceJson(JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown);
    assert.ok(parsed.ok, file);
    const instance = INSTANCES.find((i) => file.startsWith(`endpoints-${i.toLowerCase()}-`))!;
    const catalog = new Catalog({ format: 1, instance, version: '2000010100', capturedOn: '2000-01-01', versionInferred: true, sets: parsed.sets }, other);
    for (const s of parsed.sets) assertSetFound(catalog, s, file);
  }
});

void test('done-when lookups on the shipped Worldwide catalogue', () => {
  const { catalog } = loadCatalog({ instance: 'Worldwide' });
  const teams = catalog.lookup('52.112.4.1');
  assert.ok(teams.ok);
  const optimize = teams.matches.filter((m) => m.source === 'web-service' && m.category === 'Optimize' && m.entry === '52.112.0.0/14');
  assert.ok(optimize.length >= 1);
  assert.ok(optimize.every((m) => m.serviceArea === 'Skype' && m.relation === 'contains'));
  assert.deepEqual(teams.matches.filter((m) => m.source === 'other-endpoints').map((m) => m.row), [12, 13]);
  assert.equal(teams.matches[0]!.category, 'Optimize');

  const outlook = catalog.lookup('outlook.office365.com');
  assert.ok(outlook.ok);
  assert.equal(outlook.matches[0]!.id, 1);
  assert.equal(outlook.matches[0]!.relation, 'equal');

  const v6 = catalog.lookup('2603:1006::1');
  assert.ok(v6.ok);
  assert.ok(v6.matches.some((m) => m.id === 1 && m.entry === '2603:1006::/40' && m.relation === 'contains'));
});

void test('tenant substitution: foo.sharepoint.com is not contoso, contoso.sharepoint.com is', () => {
  const { catalog } = loadCatalog({ instance: 'Worldwide' });
  const foo = catalog.lookupHost('foo.sharepoint.com', 'contoso');
  assert.ok(foo.some((m) => m.entry === '*.sharepoint.com' && m.relation === 'matches'));
  assert.ok(!foo.some((m) => m.row === 17));
  const mine = catalog.lookupHost('contoso.sharepoint.com', 'contoso');
  assert.ok(mine.some((m) => m.row === 17 && m.entry === '<tenant>.sharepoint.com' && m.relation === 'equal'));
  assert.ok(catalog.lookupHost('contoso-my.sharepoint.com', 'contoso').some((m) => m.row === 17 && m.entry === '<tenant>-*.sharepoint.com'));
  // Without a tenant the placeholder stands for any tenant.
  assert.ok(catalog.lookupHost('foo.sharepoint.com').some((m) => m.row === 17));
  assert.ok(catalog.lookupHost('foo.sharepoint.com', 'fabrikam').every((m) => m.row !== 17));
});

void test('wildcard queries find the patterns they match and that match them', () => {
  const { catalog } = loadCatalog({ instance: 'Worldwide' });
  const r = catalog.lookup('*.onmicrosoft.com');
  assert.ok(r.ok);
  assert.equal(r.kind, 'pattern');
  const entries = r.matches.map((m) => `${m.entry} ${m.relation}`);
  assert.ok(entries.includes('*.onmicrosoft.com equal'));
  assert.ok(entries.includes('autodiscover.*.onmicrosoft.com matches'));
  const cdn = catalog.lookup('x.cdn.onenote.net');
  assert.ok(cdn.ok);
  assert.ok(!cdn.matches.some((m) => m.entry === '*cdn.onenote.net'));
  const cdn2 = catalog.lookup('foocdn.onenote.net');
  assert.ok(cdn2.ok && cdn2.matches.some((m) => m.entry === '*cdn.onenote.net'));
  const url = catalog.lookup('https://Outlook.Office365.com:443/owa');
  assert.ok(url.ok && url.kind === 'host' && url.matches.some((m) => m.id === 1));
});

void test('instance selection: each catalogue has its own sets and other-endpoints groups', () => {
  const world = loadCatalog({ instance: 'Worldwide' }).catalog;
  const dod = loadCatalog({ instance: 'USGovDoD' }).catalog;
  const high = loadCatalog({ instance: 'USGovGCCHigh' }).catalog;
  const china = loadCatalog({ instance: 'China' }).catalog;
  assert.deepEqual([world.instance, dod.instance, high.instance, china.instance], ['Worldwide', 'USGovDoD', 'USGovGCCHigh', 'China']);
  const hcw = (c: Catalog) => c.lookupAddress(cidr('40.118.209.192/32')).filter((m) => m.row === 9).length;
  assert.deepEqual([hcw(world), hcw(dod), hcw(high), hcw(china)], [0, 1, 1, 0]);
  assert.ok(world.lookupHost('x.store.core.windows.net').some((m) => m.row === 9));
  assert.ok(!dod.lookupHost('x.store.core.windows.net').some((m) => m.row === 9));
  assert.equal(world.rowByNumber(20), undefined);
  assert.ok(china.rowByNumber(20));
  assert.deepEqual(world.rowByNumber(9)?.destinations.map((d) => d.instances.includes('Worldwide')), [true, true]);
  assert.ok(world.rowByNumber(25)?.link);
  assert.ok(china.lookupAddress(cidr('42.159.72.35/32')).some((m) => m.row === 23));
  assert.ok(!world.lookupAddress(cidr('42.159.72.35/32')).some((m) => m.row === 23));
  assert.ok(high.lookupAddress(cidr('52.243.148.19/32')).some((m) => m.row === 23));
  assert.equal(world.setById(193)?.urls.includes('*.static.microsoft'), true);
  assert.equal(dod.setById(193), undefined);
  assert.ok(world.setById(163)?.capturedOn === '2025-12-01');
  assert.ok(world.isMicrosoftLookingHost('foo.static.microsoft'));
  assert.ok(world.isMicrosoftLookingHost('old.msftidentity.com'));
  // From the catalogue's own URLs, not the built-in list.
  assert.ok(world.domains.has('o365weve.com'));
  assert.ok(world.isMicrosoftLookingHost('gone.o365weve.com'));
  // The catalogue lists vendor and certificate-authority hosts; those domains are not Microsoft's.
  assert.ok(world.setById(173)?.urls.includes('ekop.intel.com'));
  assert.ok(!world.isMicrosoftLookingHost('downloadcenter.intel.com'));
  assert.ok(!world.isMicrosoftLookingHost('crl.digicert.com'));
});

void test('bad input gives a clear error', () => {
  const cases: Array<[string, RegExp]> = [
    ['300.1.1.1', /not a valid IPv4 address/],
    ['1.2.3.4/33', /invalid prefix length/],
    ['2603:1006::/129', /invalid prefix length/],
    ['', /empty/],
    ['   ', /empty/],
    ['x'.repeat(10240), /10240 characters long/],
    ['1.2.3', /not a valid IPv4 address/],
    ['10.0.0.9-10.0.0.1', /first address is after its last/],
    ['10.0.0.1-::1', /mixes IPv4 and IPv6/],
    ['2603:zz::1', /not a valid IPv6 address|not an IP address/],
    ['exa mple.com', /not an IP address, CIDR, address range or host name/],
    ['a..b', /not an IP address/],
  ];
  for (const [query, pattern] of cases) {
    const r = synthetic.lookup(query);
    assert.equal(r.ok, false, query.slice(0, 20));
    if (!r.ok) {
      assert.match(r.error, pattern);
      assert.ok(r.error.length < 200, 'the error does not echo a huge query');
    }
  }
  assert.ok(parseIp('1.2.3.4').ok);
});

void test('a CIDR with host bits set is looked up as its network, with a note', () => {
  const r = synthetic.lookup('10.1.2.77/24');
  assert.ok(r.ok);
  assert.equal(r.note, '10.1.2.77/24 has host bits set; looked up 10.1.2.0/24.');
  assert.equal(r.matches[0]!.relation, 'equal');
  assert.equal(r.matches[0]!.entry, '10.1.2.0/24');
  const clean = synthetic.lookup('10.1.2.0/24');
  assert.ok(clean.ok);
  assert.equal(clean.note, undefined);
});
