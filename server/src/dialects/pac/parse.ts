import type * as acorn from 'acorn';
import {
  cidrToInterval,
  parseCidr,
  parseNetmaskPair,
  type AddressError,
  type IpInterval,
} from '../../model/address';
import type {
  AnalysisLimit,
  Comment,
  ConfigModel,
  HostMatcher,
  ProxyDirective,
  ProxyScript,
  Reference,
  ReferenceKind,
  ReferenceRole,
  Rule,
  SyntaxProblem,
} from '../../model/config';
import { LineIndex } from '../../model/range';
import { t } from '../../l10n';
import { allNodes, collectReturnSites, forEachChild, type ReturnSite } from '../../pac/instrument';
import { parseJavaScript } from '../../pac/javascript';
import { MAX_HOST_PATTERN_LENGTH, MAX_PAC_SYNTAX_DEPTH } from '../../limits';
import { lineStartOf, readableText, stopAt } from '../bounds';
import { parseProxyString } from './proxyString';
import type { Parsed } from '../dialect';
import { bodyStatements, directSites, type PacDirectSite, type PacStatement } from './body';

/** The function browsers call, as written: its name and where its body's braces are (none for an arrow function's expression body). */
export interface PacEntryFunction {
  name: 'FindProxyForURL' | 'FindProxyForURLEx';
  /** Offsets of the body's `{` and `}`. */
  body?: { open: number; close: number };
  /** The body's top-level statements; empty for an expression body. */
  statements: PacStatement[];
  /** Where the body already sends hosts DIRECT in the file's own idiom. */
  directSites: PacDirectSite[];
}

/** What the PAC parser knows beyond the common model (whose `script` holds the program facts). */
export interface PacVendor {
  entry?: PacEntryFunction;
}

export const PAC_RULE_LIST_ID = 'FindProxyForURL';

/** What `isPlainHostName(host)` tests: a name without a dot. */
export const PLAIN_HOST_NAME: Extract<HostMatcher, { kind: 'regex' }> = { kind: 'regex', source: '^[^.]*$', flags: '' };

const HOST_MATCHERS = new Set(['shExpMatch', 'dnsDomainIs', 'localHostOrDomainIs']);
const ADDRESS_TESTS = new Set(['isInNet', 'isInNetEx']);
const RESOLVING_CALLS = new Set(['dnsResolve', 'dnsResolveEx', 'isResolvable', 'isResolvableEx']);
const MAX_SNIPPET = 80;

type Node = acorn.Node;

interface StringSource {
  value: string;
  /** Offsets of the contents inside the quotes. */
  start: number;
  end: number;
}

/** The outcome of reading one condition expression. */
type Test =
  | { kind: 'host'; referenceIds: number[]; matchers: HostMatcher[]; negated: boolean }
  | { kind: 'address'; referenceIds: number[]; intervals: IpInterval[]; negated: boolean }
  | { kind: 'unknown'; reason: string };

interface Condition {
  expr: Node;
  negated: boolean;
}

export function parsePac(text: string): Parsed<PacVendor> {
  return new PacParser(text).run();
}

class PacParser {
  private readonly index: LineIndex;
  private readonly references: Reference[] = [];
  private readonly problems: SyntaxProblem[] = [];
  private readonly comments: Comment[] = [];
  private readonly dnsDependencies: ProxyScript['dnsDependencies'] = [];
  private readonly limits: AnalysisLimit[] = [];
  /** One reference per literal and meaning, however many calls reach it. */
  private readonly referenceByKey = new Map<string, number>();
  /** Host tests already read, by call node, so a test inside a condition reuses its references. */
  private readonly testByNode = new Map<Node, Test>();
  private readonly constantStrings = new Map<string, acorn.Literal>();
  private readonly constantArrays = new Map<string, acorn.Literal[]>();
  /** Variables given one value once (`var excluded = a || b;`), so a condition naming them reads that value. */
  private readonly constantExpressions = new Map<string, Node>();
  private readonly loopElementArrays = new Map<string, acorn.Literal[]>();
  private readonly hostNames = new Set<string>();
  private readonly resolvedNames = new Set<string>();
  private readonly clientNames = new Set<string>();
  private urlName: string | undefined;

  constructor(private readonly text: string) {
    this.index = new LineIndex(text);
  }

  run(): Parsed<PacVendor> {
    const readable = readableText(this.text, this.index);
    if (readable.limit) this.limits.push(readable.limit);
    const program = this.parseProgram(readable.text);
    const script: ProxyScript = { program: this.text, returns: [], dnsDependencies: this.dnsDependencies };
    const model: ConfigModel = {
      dialect: 'pac',
      references: this.references,
      ruleLists: [],
      paths: [],
      problems: this.problems,
      comments: this.comments,
      limits: this.limits,
      script,
    };
    const vendor: PacVendor = {};
    const parsed = { vendor, model };
    if (!program) return parsed;

    const all = allNodes(program);
    const found = findProxyFunction(program);
    const fn = found?.node;
    if (found) {
      const body = (found.node as acorn.Function).body;
      vendor.entry = {
        name: found.name,
        ...(body.type === 'BlockStatement' ? { body: { open: body.start, close: body.end - 1 } } : {}),
        statements: body.type === 'BlockStatement' ? bodyStatements(body) : [],
        directSites: [],
      };
    }
    const params = fn ? (fn as acorn.Function).params : [];
    this.urlName = identifierName(params[0]);
    const hostName = identifierName(params[1]);
    if (this.urlName !== undefined) script.urlParameter = this.urlName;
    if (hostName !== undefined) script.hostParameter = hostName;
    this.collectNames(all, hostName);
    for (const node of all) {
      this.readTestsIn(node);
      this.noteResolution(node);
    }
    this.dnsDependencies.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);

    const sites = collectReturnSites(program, all);
    script.returns = sites.map((s) => ({ id: s.id, range: this.index.rangeOf(s.start, s.end) }));
    if (!fn) {
      // A file read only in part may define the function further on.
      if (this.problems.length === 0 && !this.limits.some((l) => l.stoppedReading)) {
        this.problems.push({
          range: this.index.rangeOf(0, Math.min(this.text.length, this.index.lineText(0).length)),
          message: t('This PAC file defines no FindProxyForURL function, so browsers cannot use it.'),
          severity: 'warning',
        });
      }
      return parsed;
    }

    const body = (fn as acorn.Function).body;
    const rules: Rule[] = [];
    const bySite = new Map(sites.map((s) => [s.start, s]));
    const ruleAt = new Map<number, number>();
    this.walkStatements(body, [], 0, (ret, conditions) => {
      const site = bySite.get(ret.start);
      if (!site) return;
      const entry = script.returns[site.id];
      if (entry) entry.ruleIndex = rules.length;
      ruleAt.set(ret.start, rules.length);
      rules.push(this.ruleFor(ret, site, conditions));
    });
    if (vendor.entry && body.type === 'BlockStatement') {
      vendor.entry.directSites = directSites({
        text: this.text,
        program,
        body,
        rules,
        ruleAt,
        references: this.references,
        offsetOf: (reference) => this.index.offsetAt(reference.range.start),
      });
    }
    const header = this.index.rangeOf(fn.start, body.start);
    model.ruleLists.push({ id: PAC_RULE_LIST_ID, name: 'FindProxyForURL', kind: 'proxy-selection', rules, range: header });
    model.paths.push({ id: 'pac', name: 'FindProxyForURL', direction: 'outbound', stages: [PAC_RULE_LIST_ID], range: header });
    return parsed;
  }

  /**
   * The program as acorn reads it, or acorn-loose when it has a syntax error. Past a nesting bound
   * only the lines before the one that went past it are read.
   */
  private parseProgram(readable: string): Node | undefined {
    const options: acorn.Options = {
      ecmaVersion: 'latest',
      sourceType: 'script',
      // Positions come from offsets through LineIndex (LSP's UTF-16 columns); acorn's own
      // line/column objects would only double the allocation on large files.
      locations: false,
      allowHashBang: true,
      onComment: (_block, text, start, end) => {
        this.comments.push({ range: this.index.rangeOf(start, end), text: text.trim() });
      },
    };
    let text = readable;
    for (;;) {
      const strict = parseJavaScript(text, options);
      if (strict.ok) return strict.program;
      this.comments.length = 0;
      if ('error' in strict) {
        // A syntax error at the end of a file cut short is where reading stopped, not the author's.
        const pos = strict.error.offset;
        if ((text.length === this.text.length || pos < text.length) && !this.problems.some((p) => this.index.offsetAt(p.range.start) === pos)) {
          this.problems.push({ range: this.index.rangeOf(pos, Math.min(this.text.length, pos + 1)), message: t('JavaScript syntax error: {0}', strict.error.message), severity: 'error' });
        }
        // The tolerant parser recovers around the error so the rest of the file still yields references.
        const tolerant = parseJavaScript(text, options, true);
        if (tolerant.ok) return tolerant.program;
        this.comments.length = 0;
        if ('error' in tolerant) {
          this.scanTokens(text);
          return undefined;
        }
        text = this.stopAtLimit(text, tolerant.limit);
      } else {
        text = this.stopAtLimit(text, strict.limit);
      }
    }
  }

  /** One finding per kind of bound is enough to say the file went past it. */
  private noteLimitOnce(limit: AnalysisLimit): void {
    if (!this.limits.some((l) => l.kind === limit.kind)) this.limits.push(limit);
  }

  /** Records a bound the program went past and gives the text before the line it happened on. */
  private stopAtLimit(text: string, limit: { kind: 'nesting' | 'syntax-depth'; offset: number; found: number; bound: number }): string {
    this.limits.push(stopAt(this.index, limit.kind, limit.offset, limit.found, limit.bound));
    return text.slice(0, Math.min(text.length, lineStartOf(this.index, limit.offset)));
  }

  /** Last resort when no parser survives: matcher calls with a literal pattern, found textually. */
  private scanTokens(text: string): void {
    const pattern = /\b(shExpMatch|dnsDomainIs|localHostOrDomainIs)\s*\(\s*[A-Za-z_$][\w$]*\s*,\s*(["'])([^"'\\\r\n]{0,300})\2/g;
    for (const match of text.matchAll(pattern)) {
      const name = match[1] ?? '';
      const value = match[3] ?? '';
      const start = (match.index ?? 0) + match[0].length - 1 - value.length;
      this.hostReference(name, { value, start, end: start + value.length });
    }
  }

  // ---- names: constants, arrays, and which variables hold the host or its address ----

  private collectNames(all: Node[], hostName: string | undefined): void {
    const definitions = new Map<string, Node[]>();
    const addDefinition = (name: string, value: Node | null | undefined): void => {
      const list = definitions.get(name) ?? [];
      // A declaration without a value still counts: it makes the name non-constant if assigned later.
      if (value) list.push(value);
      definitions.set(name, list);
    };
    const reassigned = new Set<string>();
    for (const node of all) {
      if (node.type === 'VariableDeclarator') {
        const d = node as acorn.VariableDeclarator;
        if (d.id.type === 'Identifier') addDefinition(d.id.name, d.init);
      } else if (node.type === 'AssignmentExpression') {
        const a = node as acorn.AssignmentExpression;
        if (a.left.type === 'Identifier') {
          addDefinition(a.left.name, a.right);
          reassigned.add(a.left.name);
        }
      } else if (node.type === 'UpdateExpression') {
        const u = node as acorn.UpdateExpression;
        if (u.argument.type === 'Identifier') reassigned.add(u.argument.name);
      }
    }
    // A helper function's parameter takes the value of every argument passed to it, so
    // `function isM365(name) { return dnsDomainIs(name, …) }` called as isM365(host) tests the host.
    const functions = new Map<string, acorn.Function>();
    for (const node of all) {
      if (node.type === 'FunctionDeclaration') {
        const f = node as acorn.FunctionDeclaration;
        if (!f.id.name.startsWith('FindProxyForURL')) functions.set(f.id.name, f);
      }
    }
    for (const node of all) {
      if (node.type !== 'CallExpression') continue;
      const call = node as acorn.CallExpression;
      const callee = calleeName(call);
      const f = callee ? functions.get(callee) : undefined;
      f?.params.forEach((param, i) => {
        if (param.type !== 'Identifier') return;
        addDefinition(param.name, call.arguments[i]);
        reassigned.add(param.name);
      });
    }
    for (const [name, values] of definitions) {
      if (reassigned.has(name) || values.length !== 1) continue;
      const value = values[0];
      if (value) this.constantExpressions.set(name, value);
      if (isStringLiteral(value)) this.constantStrings.set(name, value);
      else if (value?.type === 'ArrayExpression') {
        const elements = (value as acorn.ArrayExpression).elements;
        if (elements.length > 0 && elements.every((e) => isStringLiteral(e))) this.constantArrays.set(name, elements);
      }
    }
    for (const node of all) {
      if (node.type !== 'ForOfStatement') continue;
      const loop = node as acorn.ForOfStatement;
      const array = loop.right.type === 'Identifier' ? this.constantArrays.get(loop.right.name) : undefined;
      const left = loop.left.type === 'VariableDeclaration' ? loop.left.declarations[0]?.id : loop.left;
      if (array && left?.type === 'Identifier') this.loopElementArrays.set(left.name, array);
    }

    if (hostName) this.hostNames.add(hostName);
    // A variable is the host (or its address) when every value it is given is; grow to a fixed point.
    for (let changed = true; changed; ) {
      changed = false;
      for (const [name, all] of definitions) {
        // `name = name` (or a helper passing its own parameter on) says nothing about the value.
        const values = all.filter((v) => !(v.type === 'Identifier' && (v as acorn.Identifier).name === name));
        if (values.length === 0) continue;
        if (!this.hostNames.has(name) && values.every((v) => this.isHostExpression(v))) {
          this.hostNames.add(name);
          changed = true;
        }
        if (!this.resolvedNames.has(name) && values.every((v) => this.isResolvedExpression(v))) {
          this.resolvedNames.add(name);
          changed = true;
        }
        if (!this.clientNames.has(name) && values.every((v) => this.isClientExpression(v))) {
          this.clientNames.add(name);
          changed = true;
        }
      }
    }
  }

  private noteResolution(node: Node): void {
    if (node.type !== 'CallExpression') return;
    const call = node as acorn.CallExpression;
    const name = calleeName(call);
    if (name && RESOLVING_CALLS.has(name) && this.isHostExpression(call.arguments[0])) {
      this.dnsDependencies.push({ range: this.index.rangeOf(call.start, call.end), call: name });
    }
  }

  private isHostExpression(node: Node | null | undefined): boolean {
    const inner = unwrap(node);
    if (!inner) return false;
    if (inner.type === 'Identifier') return this.hostNames.has((inner as acorn.Identifier).name);
    // host.toLowerCase() and friends keep the meaning (matching is case-insensitive anyway).
    if (inner.type === 'CallExpression') {
      const call = inner as acorn.CallExpression;
      if (call.callee.type === 'MemberExpression' && call.arguments.length === 0) {
        const method = propertyName(call.callee);
        if (method === 'toLowerCase' || method === 'toUpperCase' || method === 'trim') return this.isHostExpression(call.callee.object);
      }
    }
    return false;
  }

  private isResolvedExpression(node: Node | null | undefined): boolean {
    const inner = unwrap(node);
    if (!inner) return false;
    if (inner.type === 'Identifier') return this.resolvedNames.has((inner as acorn.Identifier).name);
    if (inner.type === 'CallExpression') {
      const call = inner as acorn.CallExpression;
      const name = calleeName(call);
      return (name === 'dnsResolve' || name === 'dnsResolveEx') && this.isHostExpression(call.arguments[0]);
    }
    return false;
  }

  private isClientExpression(node: Node | null | undefined): boolean {
    const inner = unwrap(node);
    if (!inner) return false;
    if (inner.type === 'Identifier') return this.clientNames.has((inner as acorn.Identifier).name);
    if (inner.type === 'CallExpression') {
      const name = calleeName(inner as acorn.CallExpression);
      return name === 'myIpAddress' || name === 'myIpAddressEx';
    }
    return false;
  }

  private isUrlExpression(node: Node | null | undefined): boolean {
    const inner = unwrap(node);
    return inner?.type === 'Identifier' && this.urlName !== undefined && (inner as acorn.Identifier).name === this.urlName;
  }

  /** The string values an argument can have, with where each is written. */
  private stringsOf(node: Node | null | undefined): StringSource[] {
    const inner = unwrap(node);
    if (!inner) return [];
    if (isStringLiteral(inner)) return [literalSource(inner)];
    if (inner.type === 'TemplateLiteral') {
      const tl = inner as acorn.TemplateLiteral;
      const quasi = tl.quasis[0];
      if (tl.expressions.length === 0 && quasi && typeof quasi.value.cooked === 'string') {
        return [{ value: quasi.value.cooked, start: quasi.start, end: quasi.end }];
      }
      return [];
    }
    if (inner.type === 'Identifier') {
      const name = (inner as acorn.Identifier).name;
      const constant = this.constantStrings.get(name);
      if (constant) return [literalSource(constant)];
      const elements = this.loopElementArrays.get(name);
      return elements ? elements.map(literalSource) : [];
    }
    // bypass[i]: any element of a constant array can arrive here.
    if (inner.type === 'MemberExpression') {
      const member = inner as acorn.MemberExpression;
      if (member.computed && member.object.type === 'Identifier') {
        const elements = this.constantArrays.get(member.object.name);
        if (elements) return elements.map(literalSource);
      }
    }
    return [];
  }

  // ---- references ----

  private addReference(key: string, make: () => Reference): number {
    const existing = this.referenceByKey.get(key);
    if (existing !== undefined) return existing;
    const id = this.references.length;
    this.references.push(make());
    this.referenceByKey.set(key, id);
    return id;
  }

  /** A host-pattern reference for one matcher argument, with the matchers that function means. */
  private hostReference(fn: string, source: StringSource, role: ReferenceRole = 'host-pattern'): { id: number; matchers: HostMatcher[] } {
    const value = source.value;
    let matchers: HostMatcher[];
    let kind: ReferenceKind = 'hostname';
    if (fn === 'shExpMatch') {
      matchers = [{ kind: 'glob', glob: value.toLowerCase() }];
      if (/[*?]/.test(value)) kind = 'host-wildcard';
    } else if (fn === 'dnsDomainIs' || fn === 'endsWith') {
      matchers = [{ kind: 'suffix', suffix: value.toLowerCase() }];
    } else if (fn === 'localHostOrDomainIs') {
      const lower = value.toLowerCase();
      const dot = lower.indexOf('.');
      // "www.example.com" also matches the unqualified "www" a user types into the address bar.
      matchers = dot > 0 ? [{ kind: 'exact', host: lower }, { kind: 'exact', host: lower.slice(0, dot) }] : [{ kind: 'exact', host: lower }];
    } else {
      matchers = [{ kind: 'exact', host: value.toLowerCase() }];
    }
    const id = this.addReference(`${fn}:${role}:${source.start}`, () => ({
      text: value,
      kind,
      role,
      range: this.index.rangeOf(source.start, source.end),
      ...(role === 'host-pattern' ? { hostMatchers: matchers } : {}),
    }));
    return { id, matchers };
  }

  private netmaskReference(address: StringSource, mask: StringSource): { id: number; interval?: IpInterval } {
    const parsed = parseNetmaskPair(address.value, mask.value);
    const interval = parsed.ok ? cidrToInterval(parsed.value) : undefined;
    // One reference for the pair, spanning from the address to the mask as the call writes them.
    const id = this.addReference(`netmask:${address.start}:${mask.start}`, () => ({
      text: `${address.value} ${mask.value}`,
      kind: 'netmask',
      role: 'destination',
      range: this.index.rangeOf(address.start, mask.end),
      ...(parsed.ok ? { interval, hostBitsSet: parsed.value.hostBitsSet } : { invalidReason: parsed.reason }),
    }));
    return interval ? { id, interval } : { id };
  }

  private prefixReference(source: StringSource): { id: number; interval?: IpInterval } {
    const parsed = parseCidr(source.value);
    const kind: ReferenceKind = source.value.includes('/') ? 'cidr' : source.value.includes(':') ? 'ipv6' : 'ipv4';
    const interval = parsed.ok ? cidrToInterval(parsed.value) : undefined;
    const invalidReason: AddressError | undefined = parsed.ok ? undefined : parsed.reason;
    const id = this.addReference(`prefix:${source.start}`, () => ({
      text: source.value,
      kind,
      role: 'destination',
      range: this.index.rangeOf(source.start, source.end),
      ...(parsed.ok ? { interval, hostBitsSet: parsed.value.hostBitsSet } : { invalidReason }),
    }));
    return interval ? { id, interval } : { id };
  }

  /** Reads one call or comparison as a test, creating its references; cached per node. */
  private readTestsIn(node: Node): Test | undefined {
    const cached = this.testByNode.get(node);
    if (cached) return cached;
    const test = this.readTest(node);
    if (test) this.testByNode.set(node, test);
    return test;
  }

  private readTest(node: Node): Test | undefined {
    if (node.type === 'BinaryExpression') return this.readComparison(node as acorn.BinaryExpression);
    if (node.type !== 'CallExpression') return undefined;
    const call = node as acorn.CallExpression;
    const name = calleeName(call);
    if (name && HOST_MATCHERS.has(name)) return this.readHostMatcher(name, call);
    if (name && ADDRESS_TESTS.has(name)) return this.readAddressTest(name, call);
    if (name === 'isPlainHostName' && this.isHostExpression(call.arguments[0])) {
      return { kind: 'host', referenceIds: [], matchers: [PLAIN_HOST_NAME], negated: false };
    }
    if (call.callee.type === 'MemberExpression') {
      const method = propertyName(call.callee);
      // host.endsWith(".example.com") is dnsDomainIs written as a string method.
      if (method === 'endsWith' && this.isHostExpression(call.callee.object)) {
        const strings = this.stringsOf(call.arguments[0]);
        if (strings.length === 0) return { kind: 'unknown', reason: this.unknownReason(call) };
        const refs = strings.map((s) => this.hostReference('endsWith', s));
        return { kind: 'host', referenceIds: refs.map((r) => r.id), matchers: refs.flatMap((r) => r.matchers), negated: false };
      }
      // /pattern/.test(host)
      const object = call.callee.object;
      if (method === 'test' && object.type === 'Literal' && 'regex' in object && object.regex && this.isHostExpression(call.arguments[0])) {
        const regex = object.regex;
        const start = object.start + 1;
        const id = this.addReference(`regex:${object.start}`, () => ({
          text: regex.pattern,
          kind: 'host-regex',
          role: 'host-pattern',
          range: this.index.rangeOf(start, start + regex.pattern.length),
          hostMatchers: [{ kind: 'regex', source: regex.pattern, flags: regex.flags }],
        }));
        return { kind: 'host', referenceIds: [id], matchers: [{ kind: 'regex', source: regex.pattern, flags: regex.flags }], negated: false };
      }
    }
    return undefined;
  }

  private readHostMatcher(name: string, call: acorn.CallExpression): Test {
    const subject = call.arguments[0];
    const strings = this.stringsOf(call.arguments[1]);
    if (this.isUrlExpression(subject)) {
      // A URL pattern still names hosts worth a hover, but it is not a host test.
      for (const s of strings) this.hostReference(name, s, 'other');
      return { kind: 'unknown', reason: t('the condition {0} tests the whole URL, not the host name', this.snippet(call)) };
    }
    if (strings.length === 0 || !this.isHostExpression(subject)) {
      for (const s of strings) this.hostReference(name, s, this.isHostExpression(subject) ? 'host-pattern' : 'other');
      return { kind: 'unknown', reason: this.unknownReason(call) };
    }
    const refs = strings.map((s) => this.hostReference(name, s));
    return { kind: 'host', referenceIds: refs.map((r) => r.id), matchers: refs.flatMap((r) => r.matchers), negated: false };
  }

  private readAddressTest(name: string, call: acorn.CallExpression): Test {
    const subject = call.arguments[0];
    const refs: Array<{ id: number; interval?: IpInterval }> = [];
    if (name === 'isInNet') {
      const addresses = this.stringsOf(call.arguments[1]);
      const masks = this.stringsOf(call.arguments[2]);
      const address = addresses[0];
      const mask = masks[0];
      if (addresses.length === 1 && masks.length === 1 && address && mask) refs.push(this.netmaskReference(address, mask));
    } else {
      for (const s of this.stringsOf(call.arguments[1])) refs.push(this.prefixReference(s));
    }
    if (this.isHostExpression(subject)) {
      this.dnsDependencies.push({ range: this.index.rangeOf(call.start, call.end), call: name });
    } else if (this.isClientExpression(subject)) {
      for (const r of refs) {
        const ref = this.references[r.id];
        if (ref) ref.role = 'source';
      }
      return { kind: 'unknown', reason: t('the condition {0} depends on the address of the client', this.snippet(call)) };
    } else if (!this.isResolvedExpression(subject)) {
      return { kind: 'unknown', reason: this.unknownReason(call) };
    }
    if (refs.length === 0 || refs.some((r) => !r.interval)) return { kind: 'unknown', reason: this.unknownReason(call) };
    return {
      kind: 'address',
      referenceIds: refs.map((r) => r.id),
      intervals: refs.flatMap((r) => (r.interval ? [r.interval] : [])),
      negated: false,
    };
  }

  private readComparison(node: acorn.BinaryExpression): Test | undefined {
    const op = node.operator;
    if (op !== '==' && op !== '===' && op !== '!=' && op !== '!==') return undefined;
    const hostOnLeft = this.isHostExpression(node.left);
    const other = hostOnLeft ? node.right : this.isHostExpression(node.right) ? node.left : undefined;
    if (!other) return undefined;
    const strings = this.stringsOf(other);
    if (strings.length === 0) return { kind: 'unknown', reason: this.unknownReason(node) };
    const refs = strings.map((s) => this.hostReference('==', s));
    return { kind: 'host', referenceIds: refs.map((r) => r.id), matchers: refs.flatMap((r) => r.matchers), negated: op.startsWith('!') };
  }

  // ---- rules ----

  /** Visits every return of the function body with the conditions that must hold to reach it. */
  private walkStatements(
    node: Node | null | undefined,
    conditions: Condition[],
    depth: number,
    onReturn: (ret: acorn.ReturnStatement, conditions: Condition[]) => void,
  ): void {
    // The parser already stopped any file nested this deep; the guard keeps this recursion bounded on its own.
    if (!node || depth > MAX_PAC_SYNTAX_DEPTH) return;
    const next = depth + 1;
    switch (node.type) {
      case 'ReturnStatement':
        onReturn(node as acorn.ReturnStatement, conditions);
        return;
      case 'IfStatement': {
        const s = node as acorn.IfStatement;
        this.walkStatements(s.consequent, [...conditions, { expr: s.test, negated: false }], next, onReturn);
        this.walkStatements(s.alternate, [...conditions, { expr: s.test, negated: true }], next, onReturn);
        return;
      }
      case 'SwitchStatement':
        this.walkSwitch(node as acorn.SwitchStatement, conditions, next, onReturn);
        return;
      // Functions declared inside FindProxyForURL are not its own returns.
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'ClassDeclaration':
        return;
      case 'ExpressionStatement':
      case 'VariableDeclaration':
        return;
      default:
        // Blocks, loops, try/catch, labels: their bodies run under the same conditions. Loop tests
        // are iteration control (i < list.length), not tests of the request.
        forEachChild(node, (child) => {
          if (isStatement(child)) this.walkStatements(child, conditions, next, onReturn);
        });
    }
  }

  private walkSwitch(
    s: acorn.SwitchStatement,
    conditions: Condition[],
    depth: number,
    onReturn: (ret: acorn.ReturnStatement, conditions: Condition[]) => void,
  ): void {
    // `case "a": case "b": return …` is host == "a" || host == "b" when the switch is on the host.
    let labels: Node[] = [];
    for (const c of s.cases) {
      if (c.test) labels.push(c.test);
      const reachedBy: Condition[] = [];
      if (this.isHostExpression(s.discriminant) && c.test) {
        reachedBy.push({ expr: syntheticSwitchTest(s, labels), negated: false });
      } else {
        reachedBy.push({ expr: c.test ?? s, negated: false });
      }
      for (const statement of c.consequent) this.walkStatements(statement, [...conditions, ...reachedBy], depth, onReturn);
      if (c.consequent.length > 0) labels = [];
    }
  }

  private ruleFor(ret: acorn.ReturnStatement, site: ReturnSite, conditions: Condition[]): Rule {
    const argument = ret.argument;
    const unknownConditions: string[] = [];
    const hostTests: Array<Extract<Test, { kind: 'host' }>> = [];
    let destinations: Rule['destinations'];
    for (const condition of conditions) {
      for (const test of this.conditionTests(condition)) {
        if (test.kind === 'unknown') unknownConditions.push(test.reason);
        else if (test.kind === 'host') hostTests.push(test);
        else if (!destinations) {
          destinations = { referenceIds: test.referenceIds, intervals: test.intervals, negated: test.negated };
        } else {
          // A second address test on the way to one return is an intersection the model cannot hold.
          unknownConditions.push(t('the condition {0} is a second test of the same kind on the way to this return', this.snippet(condition.expr)));
        }
      }
    }
    let hosts: Rule['hosts'];
    const first = hostTests[0];
    if (hostTests.length === 1 && first) {
      hosts = { referenceIds: first.referenceIds, matchers: first.matchers, negated: first.negated };
    } else if (hostTests.length > 1) {
      const combined = intersectHostTests(hostTests);
      if (typeof combined === 'number') {
        this.noteLimitOnce({ kind: 'host-pattern-length', range: this.index.rangeOf(ret.start, ret.end), found: combined, limit: MAX_HOST_PATTERN_LENGTH });
        unknownConditions.push(t('the host tests on the way to this return are too many to combine'));
      } else if (combined) {
        hosts = { referenceIds: [...new Set(hostTests.flatMap((h) => h.referenceIds))], matchers: [combined], negated: false };
      } else {
        unknownConditions.push(t('the return is reached through several host tests that cannot be combined'));
      }
    }
    const proxies = this.proxiesOf(argument, unknownConditions);
    const rule: Rule = {
      range: this.index.rangeOf(ret.start, ret.end),
      actionRange: this.index.rangeOf(site.argumentStart, site.argumentEnd),
      action: { type: 'proxy', proxies },
      text: this.text.slice(ret.start, Math.min(ret.end, ret.start + 200)),
    };
    if (hosts) rule.hosts = hosts;
    if (destinations) rule.destinations = destinations;
    if (unknownConditions.length > 0) rule.unknownConditions = unknownConditions;
    return rule;
  }

  private proxiesOf(argument: Node | null | undefined, unknownConditions: string[]): ProxyDirective[] {
    const strings = this.stringsOf(argument);
    const only = strings[0];
    if (strings.length !== 1 || !only) {
      unknownConditions.push(t('the returned proxy string {0} is computed at run time', this.snippet(argument)));
      return [{ kind: 'unknown' }];
    }
    const parsed = parseProxyString(only.value);
    for (const issue of parsed.issues) {
      const key = `proxy:${only.start}:${issue.start}`;
      if (this.referenceByKey.has(key)) continue;
      this.referenceByKey.set(key, -1);
      const message =
        issue.kind === 'unknown-type' ? t('Unknown proxy type "{0}": browsers skip this entry.', issue.word)
        : issue.kind === 'missing-target' ? t('"{0}" needs a host:port after it.', issue.word)
        : issue.kind === 'unexpected-target' ? t('DIRECT takes no host: "{0}".', issue.word)
        : t('The proxy string is empty.');
      this.problems.push({ range: this.index.rangeOf(only.start + issue.start, only.start + issue.end), message, severity: 'warning' });
    }
    return parsed.directives;
  }

  /** Splits a condition into tests: a conjunction is several conditions, a disjunction one test. */
  private conditionTests(condition: Condition, depth = 0): Test[] {
    let expr = unwrap(condition.expr);
    let negated = condition.negated;
    while (expr?.type === 'UnaryExpression' && (expr as acorn.UnaryExpression).operator === '!') {
      negated = !negated;
      expr = unwrap((expr as acorn.UnaryExpression).argument);
    }
    if (!expr) return [];
    const named = this.namedCondition(expr, depth);
    if (named) return this.conditionTests({ expr: named, negated }, depth + 1);
    if (!negated && isLogical(expr, '&&')) {
      return flattenLogical(expr, '&&').flatMap((part) => this.conditionTests({ expr: part, negated: false }, depth + 1));
    }
    if (negated && isLogical(expr, '||')) {
      // !(a || b) is !a && !b.
      return flattenLogical(expr, '||').flatMap((part) => this.conditionTests({ expr: part, negated: true }, depth + 1));
    }
    const parts = isLogical(expr, '||') ? flattenLogical(expr, '||') : [expr];
    const tests = parts.map((part) => this.readPlainTest(part));
    const first = tests[0];
    if (tests.length === 1 && first) return [negated ? negate(first) : first];
    // A disjunction is one host test only when every part is a positive test of the same kind.
    if (tests.every((test) => test?.kind === 'host' && !test.negated)) {
      const hostTests = tests as Array<Extract<Test, { kind: 'host' }>>;
      const merged: Test = {
        kind: 'host',
        referenceIds: hostTests.flatMap((x) => x.referenceIds),
        matchers: hostTests.flatMap((x) => x.matchers),
        negated,
      };
      return [merged];
    }
    if (tests.every((test) => test?.kind === 'address' && !test.negated)) {
      const addressTests = tests as Array<Extract<Test, { kind: 'address' }>>;
      return [{
        kind: 'address',
        referenceIds: addressTests.flatMap((x) => x.referenceIds),
        intervals: addressTests.flatMap((x) => x.intervals),
        negated,
      }];
    }
    const mixed = tests.some((test) => test?.kind === 'host' || test?.kind === 'address');
    return [{ kind: 'unknown', reason: mixed ? t('the condition {0} mixes host tests with other tests', this.snippet(expr)) : this.unknownReason(expr) }];
  }

  /** The value of a constant variable used as a condition; bounded so `a = b; b = a` cannot loop. */
  private namedCondition(expr: Node, depth: number): Node | undefined {
    if (expr.type !== 'Identifier' || depth > 8) return undefined;
    const value = this.constantExpressions.get((expr as acorn.Identifier).name);
    return value && !isStringLiteral(value) && value.type !== 'ArrayExpression' ? value : undefined;
  }

  private readPlainTest(expr: Node): Test {
    let inner = unwrap(expr);
    let negated = false;
    while (inner?.type === 'UnaryExpression' && (inner as acorn.UnaryExpression).operator === '!') {
      negated = !negated;
      inner = unwrap((inner as acorn.UnaryExpression).argument);
    }
    if (!inner) return { kind: 'unknown', reason: this.unknownReason(expr) };
    const test = this.readTestsIn(inner) ?? { kind: 'unknown', reason: this.unknownReason(inner) };
    return negated ? negate(test) : test;
  }

  private unknownReason(node: Node | null | undefined): string {
    return t('the condition {0} is not a test of the host name', this.snippet(node));
  }

  private snippet(node: Node | null | undefined): string {
    if (!node) return '';
    const raw = this.text.slice(node.start, node.end).replace(/\s+/g, ' ');
    return raw.length > MAX_SNIPPET ? `${raw.slice(0, MAX_SNIPPET - 1)}…` : raw;
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|\/]/g, '\\$&');
}

/** One matcher as a regular expression over the whole (lower-case) host, in its own semantics. */
function matcherRegex(matcher: HostMatcher): string | undefined {
  switch (matcher.kind) {
    case 'exact':
      return escapeRegex(matcher.host);
    case 'suffix':
      return `.*${escapeRegex(matcher.suffix)}`;
    case 'glob':
      return [...matcher.glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : escapeRegex(c))).join('');
    case 'regex':
      // A user's expression keeps its meaning only when it is anchored at both ends and flag-free.
      return matcher.flags === '' && !matcher.source.includes('|') && matcher.source.startsWith('^') && matcher.source.endsWith('$') && !matcher.source.endsWith('\\$')
        ? `(?:${matcher.source.slice(1, -1)})`
        : undefined;
  }
}

/**
 * Nested host tests (`if (!excluded) { if (a || b) return … }`) as one regular expression with a
 * lookahead per test, so the rule still says exactly which hosts reach it. A pattern longer than
 * MAX_HOST_PATTERN_LENGTH is not built; its length so far is returned instead.
 */
function intersectHostTests(tests: ReadonlyArray<Extract<Test, { kind: 'host' }>>): HostMatcher | number | undefined {
  const parts: string[] = [];
  let length = 0;
  for (const test of tests) {
    const alternatives = test.matchers.map(matcherRegex);
    if (alternatives.length === 0 || alternatives.some((a) => a === undefined)) return undefined;
    const part = `(?${test.negated ? '!' : '='}(?:${alternatives.join('|')})$)`;
    length += part.length;
    if (length > MAX_HOST_PATTERN_LENGTH) return length;
    parts.push(part);
  }
  return { kind: 'regex', source: `^${parts.join('')}.*$`, flags: '' };
}

function negate(test: Test): Test {
  return test.kind === 'unknown' ? test : { ...test, negated: !test.negated };
}

function isLogical(node: Node, operator: '&&' | '||'): boolean {
  return node.type === 'LogicalExpression' && (node as acorn.LogicalExpression).operator === operator;
}

/** `a || b || c` → [a, b, c]; iterative so long chains (Microsoft's generated PAC has hundreds) are cheap. */
function flattenLogical(node: Node, operator: '&&' | '||'): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const current = unwrap(stack.pop());
    if (!current) continue;
    if (isLogical(current, operator)) {
      const l = current as acorn.LogicalExpression;
      stack.push(l.right, l.left);
    } else {
      out.push(current);
    }
  }
  return out;
}

function unwrap(node: Node | null | undefined): Node | undefined {
  let current = node ?? undefined;
  while (current?.type === 'ParenthesizedExpression' || current?.type === 'ChainExpression') {
    current = (current as acorn.ParenthesizedExpression).expression;
  }
  return current;
}

function isStringLiteral(node: Node | null | undefined): node is acorn.Literal & { value: string } {
  return node?.type === 'Literal' && typeof (node as acorn.Literal).value === 'string';
}

function literalSource(node: acorn.Literal): StringSource {
  // The contents sit inside the quotes; an escape makes the written text longer than the value.
  return { value: String(node.value), start: node.start + 1, end: Math.max(node.start + 1, node.end - 1) };
}

function calleeName(call: acorn.CallExpression): string | undefined {
  return call.callee.type === 'Identifier' ? call.callee.name : undefined;
}

function propertyName(member: acorn.MemberExpression): string | undefined {
  if (!member.computed && member.property.type === 'Identifier') return member.property.name;
  if (member.computed && isStringLiteral(member.property)) return member.property.value;
  return undefined;
}

function identifierName(node: Node | undefined): string | undefined {
  return node?.type === 'Identifier' ? (node as acorn.Identifier).name : undefined;
}

function isStatement(node: Node): boolean {
  return node.type.endsWith('Statement') || node.type.endsWith('Declaration') || node.type === 'SwitchCase' ||
    node.type === 'CatchClause';
}

/** FindProxyForURL as a declaration, `var FindProxyForURL = function…` or an assignment to it. */
function findProxyFunction(program: Node): { name: PacEntryFunction['name']; node: Node } | undefined {
  // Browsers call FindProxyForURL; a file written only for Microsoft's IPv6-aware clients has just the Ex form.
  for (const name of ['FindProxyForURL', 'FindProxyForURLEx'] as const) {
    const node = findFunctionNamed(program, name);
    if (node) return { name, node };
  }
  return undefined;
}

function findFunctionNamed(program: Node, name: string): Node | undefined {
  for (const written of (program as acorn.Program).body) {
    // `WPAD: function FindProxyForURL…`: a label in front changes nothing for the browser.
    let statement: acorn.Statement | acorn.ModuleDeclaration = written;
    while (statement.type === 'LabeledStatement') statement = statement.body;
    if (statement.type === 'FunctionDeclaration' && statement.id?.name === name) return statement;
    if (statement.type === 'VariableDeclaration') {
      for (const d of statement.declarations) {
        if (d.id.type === 'Identifier' && d.id.name === name && isFunction(d.init)) return d.init ?? undefined;
      }
    }
    if (statement.type === 'ExpressionStatement' && statement.expression.type === 'AssignmentExpression') {
      const a = statement.expression;
      if (a.left.type === 'Identifier' && a.left.name === name && isFunction(a.right)) return a.right;
    }
  }
  return undefined;
}

function isFunction(node: Node | null | undefined): boolean {
  return node?.type === 'FunctionExpression' || node?.type === 'ArrowFunctionExpression';
}

/** `host == label1 || host == label2 …` built from switch cases, so cases read like comparisons. */
function syntheticSwitchTest(s: acorn.SwitchStatement, labels: Node[]): Node {
  const comparisons = labels.map((label) => ({
    type: 'BinaryExpression',
    operator: '===',
    left: s.discriminant,
    right: label,
    start: label.start,
    end: label.end,
  }) as unknown as Node);
  let expr = comparisons[0] ?? s;
  for (const next of comparisons.slice(1)) {
    expr = { type: 'LogicalExpression', operator: '||', left: expr, right: next, start: expr.start, end: next.end } as unknown as Node;
  }
  return expr;
}

