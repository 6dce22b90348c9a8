import { cidrToInterval, parseAddressRange, parseCidr, parseIpv4, type IpInterval } from '../../model/address';
import type { AnalysisLimit, Comment, PortRange, Reference, ReferenceKind, SyntaxProblem } from '../../model/config';
import type { LineIndex, Range } from '../../model/range';
import { t } from '../../l10n';
import { MAX_NESTING_DEPTH } from '../../limits';
import { PORT_NAMES, protocolName } from './predefined';
import { readStatements, type Statement, type Word } from './statements';
import { pairKey, type AddressBook, type AddressValue, type ApplicationTerm, type JunosApplication, type JunosApplicationSet, type JunosPolicy, type JunosVendor, type Member } from './vendor';

/** More runs than this in a scattered wildcard are left unknown instead of listed one by one. */
const MAX_WILDCARD_RUNS = 4096;

/** What the grammar builds: the vendor model and the common model's references, problems and comments. */
export interface Built {
  vendor: JunosVendor;
  references: Reference[];
  /** Runs of each scattered wildcard, by reference id. */
  wildcardRuns: Map<number, IpInterval[]>;
  problems: SyntaxProblem[];
  comments: Comment[];
  limits: AnalysisLimit[];
  statements: number;
}

const SEP = '\u0000';

function keyOf(words: readonly Word[], count = words.length): string {
  return words
    .slice(0, count)
    .map((w) => w.text)
    .join(SEP);
}

function under(key: string, prefix: string): boolean {
  return key === prefix || key.startsWith(prefix + SEP);
}

/** Looks like an address someone meant, so a bad one is reported rather than taken for a name. */
function looksLikeAddress(text: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}(\/\d+)?$/.test(text) || (/^[0-9A-Fa-f:.]+(\/\d+)?$/.test(text) && (text.match(/:/g)?.length ?? 0) >= 2);
}

/** `10.0.0.5/255.0.255.255`: a mask whose 1 bits must match; the 0 bits are free and may be scattered. */
function wildcardRuns(text: string): { intervals?: IpInterval[]; invalidReason?: string; tooScattered?: boolean } {
  const slash = text.indexOf('/');
  if (slash < 0) return { invalidReason: 'bad-wildcard-mask' };
  const address = parseIpv4(text.slice(0, slash));
  const mask = parseIpv4(text.slice(slash + 1));
  if (!address.ok) return { invalidReason: address.reason };
  if (!mask.ok) return { invalidReason: 'bad-wildcard-mask' };
  const free = mask.value ^ 0xffffffffn;
  const base = address.value & mask.value;
  let runBits = 0;
  while (runBits < 32 && ((free >> BigInt(runBits)) & 1n) === 1n) runBits++;
  const scattered: number[] = [];
  for (let bit = runBits; bit < 32; bit++) if (((free >> BigInt(bit)) & 1n) === 1n) scattered.push(bit);
  const size = 1n << BigInt(runBits);
  if (2 ** scattered.length > MAX_WILDCARD_RUNS) return { tooScattered: true };
  const intervals: IpInterval[] = [];
  for (let combination = 0; combination < 2 ** scattered.length; combination++) {
    let value = base;
    scattered.forEach((bit, i) => {
      if ((combination >> i) & 1) value |= 1n << BigInt(bit);
    });
    intervals.push({ family: 4, first: value, last: value + size - 1n });
  }
  intervals.sort((a, b) => (a.first < b.first ? -1 : 1));
  return { intervals };
}

/** `443`, `3478-3481`, `https`, `0-65535`; undefined when not a port Junos would take. */
function portRange(text: string): PortRange | undefined {
  const named = PORT_NAMES.get(text.toLowerCase());
  if (named !== undefined) return { from: named, to: named };
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  return from <= to && to <= 65535 ? { from, to } : undefined;
}

class Grammar {
  readonly references: Reference[] = [];
  readonly wildcardRuns = new Map<number, IpInterval[]>();
  readonly problems: SyntaxProblem[] = [];
  private readonly books = new Map<string, AddressBook>();
  private readonly vendor: JunosVendor;
  private readonly policies = new Map<string, JunosPolicy>();
  /** Groups and logical systems whose security statements are not read, each said once. */
  private readonly unread = new Set<string>();

  constructor(
    private readonly lines: LineIndex,
    form: JunosVendor['form'],
  ) {
    this.vendor = { form, books: [], applications: new Map(), applicationSets: new Map(), zones: new Map(), zonePolicies: new Map(), globalPolicies: [], policyLines: [], containers: new Map(), legacyBooks: false };
  }

  range(start: number, end: number): Range {
    return this.lines.rangeOf(start, end);
  }

  private member(w: Word): Member {
    return { name: w.text, range: this.range(w.start, w.end) };
  }

  private problem(start: number, end: number, message: string, severity: SyntaxProblem['severity'] = 'error'): void {
    this.problems.push({ range: this.range(start, end), message, severity });
  }

  private book(name: string, legacyZone?: string): AddressBook {
    const key = legacyZone !== undefined ? `zone:${legacyZone}` : name;
    let book = this.books.get(key);
    if (!book) {
      book = { name, zones: legacyZone !== undefined ? [legacyZone] : [], global: legacyZone === undefined && name === 'global', addresses: new Map(), sets: new Map(), ...(legacyZone !== undefined ? { legacyZone } : {}) };
      this.books.set(key, book);
    }
    return book;
  }

  private addReference(text: string, kind: ReferenceKind, start: number, end: number, extra: Partial<Reference>): number {
    this.references.push({ text, kind, role: 'other', range: this.range(start, end), ...extra });
    return this.references.length - 1;
  }

  /** The value of `address NAME …` from its words after the name. */
  private addressValue(rest: readonly Word[]): AddressValue | 'description' | undefined {
    const head = rest[0];
    if (!head) return undefined;
    switch (head.text) {
      case 'description':
        return 'description';
      case 'dns-name': {
        const host = rest[1];
        if (!host) return undefined;
        const name = host.text.toLowerCase().replace(/\.$/, '');
        return { kind: 'dns-name', host: name, refId: this.addReference(host.text, 'hostname', host.start, host.end, { hostMatchers: [{ kind: 'exact', host: name }] }) };
      }
      case 'range-address': {
        const first = rest[1];
        const last = rest[2]?.text === 'to' ? rest[3] : undefined;
        if (!first || !last) {
          this.problem(head.start, (first ?? head).end, t('range-address needs "to" and a last address.'));
          return undefined;
        }
        const parsed = parseAddressRange(first.text, last.text);
        return { kind: 'range-address', refId: this.addReference(`${first.text}-${last.text}`, 'range', first.start, last.end, parsed.ok ? { interval: parsed.value } : { invalidReason: parsed.reason }) };
      }
      case 'wildcard-address': {
        const value = rest[1];
        if (!value) return undefined;
        const runs = wildcardRuns(value.text);
        const refId = this.addReference(value.text, 'wildcard-mask', value.start, value.end, {
          ...(runs.intervals?.length === 1 ? { interval: runs.intervals[0]! } : {}),
          ...(runs.invalidReason ? { invalidReason: runs.invalidReason } : {}),
        });
        if (runs.intervals) this.wildcardRuns.set(refId, runs.intervals);
        if (runs.tooScattered) this.problem(value.start, value.end, t('The wildcard mask of {0} leaves too many scattered bits free to be checked; policies naming it are left unknown.', value.text), 'warning');
        return { kind: 'wildcard-address', refId };
      }
      default: {
        if (!looksLikeAddress(head.text) && !head.text.includes('/')) {
          this.problem(head.start, head.end, t('"{0}" is not an address, dns-name, range-address or wildcard-address.', head.text), 'warning');
          return undefined;
        }
        const parsed = parseCidr(head.text);
        const kind: ReferenceKind = head.text.includes('/') ? 'cidr' : head.text.includes(':') ? 'ipv6' : 'ipv4';
        return {
          kind: 'prefix',
          refId: this.addReference(head.text, kind, head.start, head.end, parsed.ok ? { interval: cidrToInterval(parsed.value), ...(parsed.value.hostBitsSet ? { hostBitsSet: true } : {}) } : { invalidReason: parsed.reason }),
        };
      }
    }
  }

  /** `address-book BOOK …` or a zone's legacy `address-book …`, from the words after the book. */
  private addressBookStatement(book: AddressBook, w: readonly Word[], statement: Statement): void {
    const kind = w[0]?.text;
    const name = w[1];
    if (kind === 'attach' && w[1]?.text === 'zone' && w[2]) {
      if (!book.zones.includes(w[2].text)) book.zones.push(w[2].text);
      return;
    }
    if (!name) return;
    const range = this.range(statement.start, statement.end);
    if (kind === 'address') {
      const entry = book.addresses.get(name.text) ?? { name: name.text, range };
      book.addresses.set(name.text, entry);
      const value = this.addressValue(w.slice(2));
      if (value === 'description') {
        if (w[3]) entry.description = w[3].text;
      } else if (value) entry.value = value;
      return;
    }
    if (kind === 'address-set') {
      const set = book.sets.get(name.text) ?? { name: name.text, range, addresses: [], sets: [] };
      book.sets.set(name.text, set);
      const member = w[3];
      if (w[2]?.text === 'address' && member) set.addresses.push(this.member(member));
      else if (w[2]?.text === 'address-set' && member) set.sets.push(this.member(member));
    }
  }

  private application(w: readonly Word[], statement: Statement): void {
    const name = w[0];
    if (!name) return;
    const app: JunosApplication = this.vendor.applications.get(name.text) ?? { name: name.text, range: this.range(statement.start, statement.end), terms: [] };
    this.vendor.applications.set(name.text, app);
    let rest = w.slice(1);
    let term: ApplicationTerm | undefined;
    if (rest[0]?.text === 'term' && rest[1]) {
      const termName = rest[1].text;
      term = app.terms.find((x) => x.name === termName);
      if (!term) {
        term = { name: termName, destinationPorts: [], sourcePorts: [] };
        app.terms.push(term);
      }
      rest = rest.slice(2);
    } else {
      term = app.terms.find((x) => x.name === undefined);
      if (!term && rest.some((x) => x.text === 'protocol' || x.text === 'destination-port' || x.text === 'source-port')) {
        term = { destinationPorts: [], sourcePorts: [] };
        app.terms.push(term);
      }
    }
    if (!term) return;
    for (let i = 0; i + 1 < rest.length; i += 2) {
      const key = rest[i]!.text;
      const value = rest[i + 1]!;
      if (key === 'protocol') term.protocol = protocolName(value.text);
      else if (key === 'destination-port' || key === 'source-port') {
        const ports = portRange(value.text);
        if (!ports) {
          term.unknownPort = value.text;
          this.problem(value.start, value.end, t('"{0}" is not a port or port range Endpoint Lens knows; the application is left unknown.', value.text), 'warning');
        } else if (key === 'destination-port') term.destinationPorts.push(ports);
        else term.sourcePorts.push(ports);
      }
    }
  }

  private applicationSet(w: readonly Word[], statement: Statement): void {
    const name = w[0];
    if (!name) return;
    const set: JunosApplicationSet = this.vendor.applicationSets.get(name.text) ?? { name: name.text, range: this.range(statement.start, statement.end), applications: [], sets: [] };
    this.vendor.applicationSets.set(name.text, set);
    const member = w[2];
    if (w[1]?.text === 'application' && member) set.applications.push(this.member(member));
    else if (w[1]?.text === 'application-set' && member) set.sets.push(this.member(member));
  }

  /** The policy a statement writes; created on first sight. */
  private policy(key: string, name: Word, pair: JunosPolicy['pair'], statement: Statement): JunosPolicy {
    let policy = this.policies.get(key);
    const range = this.range(statement.start, statement.end);
    if (!policy) {
      policy = {
        name: name.text,
        ...(pair ? { pair } : {}),
        range,
        lines: [],
        nameRange: this.range(name.start, name.end),
        sourceAddresses: [],
        destinationAddresses: [],
        applications: [],
        sourceExcluded: false,
        destinationExcluded: false,
        fromZones: [],
        toZones: [],
        runTime: [],
        dynamicApplications: [],
      };
      this.policies.set(key, policy);
    } else {
      if (range.start.line < policy.range.start.line) policy.range = { ...policy.range, start: range.start };
      if (range.end.line > policy.range.end.line || (range.end.line === policy.range.end.line && range.end.character > policy.range.end.character)) policy.range = { ...policy.range, end: range.end };
    }
    if (!policy.lines.includes(range.start.line)) policy.lines.push(range.start.line);
    return policy;
  }

  private policyStatement(policy: JunosPolicy, w: readonly Word[]): void {
    const section = w[0]?.text;
    const field = w[1];
    if (section === 'description' && field) policy.description = field.text;
    if (section === 'scheduler-name' && field) policy.runTime.push(this.member(field));
    if (section === 'then' && field) {
      const action = field.text;
      if (action === 'permit' || action === 'deny' || action === 'reject') policy.action = { value: action, range: this.range(field.start, field.end) };
      return;
    }
    if (section !== 'match' || !field) return;
    const value = w[2];
    switch (field.text) {
      case 'source-address':
        if (value) policy.sourceAddresses.push(this.member(value));
        break;
      case 'destination-address':
        if (value) policy.destinationAddresses.push(this.member(value));
        break;
      case 'application':
        if (value) policy.applications.push(this.member(value));
        break;
      case 'source-address-excluded':
        policy.sourceExcluded = true;
        break;
      case 'destination-address-excluded':
        policy.destinationExcluded = true;
        break;
      case 'from-zone':
        if (value) policy.fromZones.push(this.member(value));
        break;
      case 'to-zone':
        if (value) policy.toZones.push(this.member(value));
        break;
      case 'dynamic-application':
        if (value) policy.dynamicApplications.push(this.member(value));
        break;
      default:
        // source-identity, source-end-user-profile, url-category: known only at run time.
        if (value && value.text !== 'any') policy.runTime.push({ name: `${field.text} ${value.text}`, range: this.range(field.start, value.end) });
    }
  }

  /** Reads one live statement into the model. */
  interpret(statement: Statement): void {
    const w = statement.words;
    const at = (i: number): string | undefined => w[i]?.text;
    if ((at(0) === 'groups' || at(0) === 'logical-systems' || at(0) === 'tenants') && w[1] && (at(2) === 'security' || at(2) === 'applications')) {
      const key = `${at(0)} ${w[1].text}`;
      if (!this.unread.has(key)) {
        this.unread.add(key);
        this.problem(w[0]!.start, w[1].end, at(0) === 'groups' ? t('Configuration group {0} is not expanded here; the security statements in it are not checked.', w[1].text) : t('{0} {1} has its own security configuration, which is not checked here.', at(0)!, w[1].text), 'info');
      }
      return;
    }
    if (at(0) === 'applications') {
      if (at(1) === 'application') this.application(w.slice(2), statement);
      else if (at(1) === 'application-set') this.applicationSet(w.slice(2), statement);
      return;
    }
    if (at(0) !== 'security') return;
    if (at(1) === 'address-book' && w[2]) {
      this.addressBookStatement(this.book(w[2].text), w.slice(3), statement);
      return;
    }
    if (at(1) === 'zones' && at(2) === 'security-zone' && w[3]) {
      const zone = w[3];
      if (!this.vendor.zones.has(zone.text)) this.vendor.zones.set(zone.text, { name: zone.text, range: this.range(statement.start, statement.end) });
      if (at(4) === 'address-book') {
        this.vendor.legacyBooks = true;
        this.addressBookStatement(this.book(zone.text, zone.text), w.slice(5), statement);
      }
      return;
    }
    if (at(1) !== 'policies') return;
    const fallback = w[3];
    if (at(2) === 'default-policy' && fallback && (fallback.text === 'permit-all' || fallback.text === 'deny-all')) {
      this.vendor.defaultPolicy = { action: fallback.text === 'permit-all' ? 'permit-all' : 'deny-all', range: this.range(fallback.start, fallback.end) };
      return;
    }
    if (at(2) === 'from-zone' && w[3] && at(4) === 'to-zone' && w[5] && at(6) === 'policy' && w[7]) {
      this.policyStatement(this.policy(keyOf(w, 8), w[7], { from: w[3].text, to: w[5].text }, statement), w.slice(8));
      return;
    }
    if (at(2) === 'global' && at(3) === 'policy' && w[4]) {
      this.policyStatement(this.policy(keyOf(w, 5), w[4], undefined, statement), w.slice(5));
    }
  }

  finish(order: Map<string, string[]>, globalOrder: string[]): JunosVendor {
    for (const [pair, keys] of order) this.vendor.zonePolicies.set(pair, keys.flatMap((k) => this.policies.get(k) ?? []));
    this.vendor.globalPolicies = globalOrder.flatMap((k) => this.policies.get(k) ?? []);
    this.vendor.books = [...this.books.values()];
    return this.vendor;
  }
}

/** The key of the policy a statement's words name, its pair key (`global` for global policies), and how many words it takes. */
function policyPath(words: readonly Word[]): { key: string; pair: string; length: number } | undefined {
  const at = (i: number): string | undefined => words[i]?.text;
  if (at(0) !== 'security' || at(1) !== 'policies') return undefined;
  if (at(2) === 'from-zone' && words[3] && at(4) === 'to-zone' && words[5] && at(6) === 'policy' && words[7]) return { key: keyOf(words, 8), pair: pairKey(words[3].text, words[5].text), length: 8 };
  if (at(2) === 'global' && at(3) === 'policy' && words[4]) return { key: keyOf(words, 5), pair: 'global', length: 5 };
  return undefined;
}

/**
 * Statements to the vendor model, in the order the device applies them: `delete` removes what is
 * under its path, `deactivate`/`activate` mark a path inactive or active again, `insert … before|after
 * policy Q` moves a policy within its zone pair, and everything `inactive` is kept but not evaluated.
 */
export function buildVendor(text: string, lines: LineIndex): Built {
  const read = readStatements(text, MAX_NESTING_DEPTH);
  const g = new Grammar(lines, read.form);
  const problems = g.problems;
  for (const p of read.problems) problems.push({ range: lines.rangeOf(p.start, p.end), message: p.message, severity: p.severity });
  const live: Statement[] = [];
  const inactivePaths = new Set<string>();
  const order = new Map<string, string[]>();
  const globalOrder: string[] = [];
  const listOf = (pair: string): string[] => {
    if (pair === 'global') return globalOrder;
    let list = order.get(pair);
    if (!list) {
      list = [];
      order.set(pair, list);
    }
    return list;
  };
  const policyLines: number[] = [];
  // Keys of the policies in `order`, so a policy's many statements find it in constant time.
  const ordered = new Set<string>();
  for (const statement of read.statements) {
    const key = keyOf(statement.words);
    const path = policyPath(statement.words);
    if (path) policyLines.push(lines.positionAt(statement.start).line);
    switch (statement.op) {
      case 'set': {
        live.push(statement);
        if (path && !ordered.has(path.key)) {
          ordered.add(path.key);
          listOf(path.pair).push(path.key);
        }
        break;
      }
      case 'delete': {
        for (let i = live.length - 1; i >= 0; i--) if (under(keyOf(live[i]!.words), key)) live.splice(i, 1);
        for (const p of [...inactivePaths]) if (under(p, key)) inactivePaths.delete(p);
        for (const list of [...order.values(), globalOrder]) {
          for (let i = list.length - 1; i >= 0; i--) {
            if (!under(list[i]!, key)) continue;
            ordered.delete(list[i]!);
            list.splice(i, 1);
          }
        }
        break;
      }
      case 'deactivate':
        inactivePaths.add(key);
        break;
      case 'activate':
        inactivePaths.delete(key);
        break;
      case 'insert': {
        const where = statement.words.findIndex((w, i) => i >= (path?.length ?? 0) && (w.text === 'before' || w.text === 'after'));
        const target = statement.words[where + 2];
        if (!path || where < 0 || statement.words[where + 1]?.text !== 'policy' || !target) {
          problems.push({ range: lines.rangeOf(statement.start, statement.end), message: t('Only "insert security policies … policy P before|after policy Q" is read; this line is ignored.'), severity: 'warning' });
          break;
        }
        const list = listOf(path.pair);
        const prefix = statement.words.slice(0, path.length - 1);
        const other = [...prefix.map((w) => w.text), target.text].join(SEP);
        const from = list.indexOf(path.key);
        const to = list.indexOf(other);
        if (from < 0 || to < 0) {
          problems.push({ range: lines.rangeOf(statement.start, statement.end), message: t('insert names a policy not written before it ({0}); the order is unchanged.', from < 0 ? statement.words[path.length - 1]!.text : target.text), severity: 'error' });
          break;
        }
        list.splice(from, 1);
        const at = list.indexOf(other);
        list.splice(statement.words[where]!.text === 'before' ? at : at + 1, 0, path.key);
        break;
      }
    }
  }
  const paths = [...inactivePaths];
  let count = 0;
  for (const statement of live) {
    count++;
    // What is inactive is kept in the file but is not part of the configuration the device uses.
    if (statement.inactive || (paths.length > 0 && paths.some((p) => under(keyOf(statement.words), p)))) continue;
    g.interpret(statement);
  }
  const vendor = g.finish(order, globalOrder);
  vendor.containers = read.containers;
  vendor.policyLines = policyLines;
  for (const policy of [...vendor.zonePolicies.values()].flat().concat(vendor.globalPolicies)) {
    const header = policy.pair ? ['security', 'policies', 'from-zone', policy.pair.from, 'to-zone', policy.pair.to, 'policy', policy.name] : ['security', 'policies', 'global', 'policy', policy.name];
    const container = read.containers.get(header.join(' '));
    if (container) policy.range = lines.rangeOf(container.headerStart, container.close + 1);
  }
  const limits: AnalysisLimit[] = read.tooDeep.map((d) => ({ kind: 'nesting', range: lines.rangeOf(d.start, d.end), found: MAX_NESTING_DEPTH + 1, limit: MAX_NESTING_DEPTH }));
  const comments: Comment[] = read.comments.map((c) => ({ range: lines.rangeOf(c.start, c.end), text: c.text }));
  return { vendor, references: g.references, wildcardRuns: g.wildcardRuns, problems, comments, limits, statements: count };
}
