/**
 * iptables into the common model, as the kernel will hold it after the file runs:
 * - one RuleList per table and chain (`filter:OUTPUT`; `ip6:filter:OUTPUT` for IPv6 when the file
 *   configures both families), families [4] or [6]; built-in chains default to their policy
 *   (ACCEPT, without a range, when none is written), user chains have no default and return;
 * - one EvaluationPath per built-in filter chain (INPUT inbound, OUTPUT outbound, FORWARD forward)
 *   with that chain as its only stage; user chains are reached by jump/goto;
 * - LOG, MARK and other non-deciding targets `continue`; NAT targets accept within their chain,
 *   except DNAT in the nat table, whose action is `dnat` with the addresses and ports of
 *   `--to-destination` as far as the file states them; nat PREROUTING (and the nat chains it
 *   jumps to) are `destination-nat` lists, named in `prerouting`;
 * - `-A`/`:CHAIN` lines in a file with no `*table` line at all are a fragment of the filter table
 *   (generated to be wrapped): one note says so, instead of a warning on every line;
 * - conditions the file cannot decide (interfaces, conntrack state as `conntrack state
 *   ESTABLISHED,RELATED`, limits, marks) are unknownConditions; ipsets filled elsewhere, variables
 *   set elsewhere, host names and invalid addresses make an AddressMatch unresolved.
 * Shell scripts are followed in order (variables, for-loops, -I/-D/-F/-X, here-documents fed to
 * iptables-restore or ipset restore); lines that are not iptables or ipset commands are ignored.
 */
import {
  parseCidr,
  parseIp,
  parseNetmaskPair,
  parseAddressRange,
  cidrToInterval,
  intersectIntervals,
  mergeIntervals,
  type AddressError,
  type IpInterval,
} from '../../model/address';
import type {
  AddressMatch,
  AnalysisLimit,
  Comment,
  ConfigModel,
  EvaluationPath,
  PortRange,
  Reference,
  ReferenceRole,
  Rule,
  RuleAction,
  RuleList,
  SyntaxProblem,
  TrafficDirection,
} from '../../model/config';
import { reachableLists } from '../../model/lists';
import { LineIndex, type Range } from '../../model/range';
import { t } from '../../l10n';
import { parserFailureModel, unresolvedReason, type ParseContext, type Parsed } from '../dialect';
import { lexShell, type ShellCommand, type ShellWord } from './lexer';
import { readableText, stopAt } from '../bounds';
import { MAX_VARIABLE_LENGTH } from '../../limits';
import {
  BUILTIN_CHAINS,
  CONTINUE_TARGETS,
  EXTERNAL_TARGETS,
  KNOWN_MODULES,
  KNOWN_TARGET_OPTIONS,
  NAT_TARGETS,
  OPTION_ARITY,
  TARGET_OPTIONS,
  normaliseProtocol,
  portNumber,
} from './tables';

type Family = 4 | 6;

/** A rule that matches against an ipset (`-m set --match-set NAME src|dst`). */
export interface IpsetUse {
  rule: Rule;
  side: 'sources' | 'destinations';
  negated: boolean;
}

/** An ipset the file creates and fills. */
export interface IpsetFacts {
  name: string;
  type: string;
  family: Family;
  /** The members' references, in the order they are added. */
  referenceIds: number[];
  /** Words of the create command after the type (`family inet`, `timeout 600`, `comment`). */
  createOptions: string[];
  /** The rules that match against the set, wherever they are. */
  uses: IpsetUse[];
}

/** What the iptables parser knows beyond the common model; placement and the renderer read it. */
export interface IptablesVendor {
  /** `save` for iptables-save data, `script` for shell scripts of commands. */
  style: 'save' | 'script';
  /** Address families the file configures. */
  families: Family[];
  /** ipsets created in the file, with the references of their members. */
  ipsets: IpsetFacts[];
  /** Shell loops (`for … do … done`, `while …`): a command inside runs once per pass. */
  loops: Range[];
  /** Bodies of here-documents fed to iptables-restore: save syntax inside a script. */
  restoreBodies: Range[];
}

/**
 * List ids: `<table>:<chain>` (`filter:OUTPUT`). When one file configures both families (a script
 * calling iptables and ip6tables), the IPv6 lists are `ip6:<table>:<chain>`; a file of one family
 * uses the plain form for it. Jump targets use the same ids.
 */
export function iptablesListId(family: Family, table: string, chain: string, bothFamilies: boolean): string {
  return `${family === 6 && bothFamilies ? 'ip6:' : ''}${table}:${chain}`;
}

interface Item {
  text: string;
  start: number;
  end: number;
}

/** A word after variable expansion: one or more items (a loop variable holds several). */
interface Expanded {
  text: string;
  items: Item[];
  start: number;
  end: number;
  unresolved?: string;
}

interface ChainState {
  family: Family;
  table: string;
  chain: string;
  builtin: boolean;
  created: boolean;
  policy?: 'accept' | 'drop';
  policyRange?: Range;
  headerRange: Range;
  rules: Rule[];
}

interface IpsetState {
  name: string;
  type: string;
  family?: Family;
  members: Array<{ referenceId: number; interval?: IpInterval }>;
  range: Range;
  options: string[];
}

interface SetUse {
  rule: Rule;
  side: 'sources' | 'destinations';
  name: string;
  negated: boolean;
  family: Family;
  range: Range;
}

interface JumpUse {
  rule: Rule;
  key: string;
  name: string;
  range: Range;
  save: boolean;
}

const ROLE_KEY: Record<ReferenceRole, string> = {
  source: 's',
  destination: 'd',
  'host-pattern': 'h',
  resolver: 'r',
  other: 'o',
};

const HOSTNAME = /^(?=.*[A-Za-z])[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;

const SHELL_PREFIXES = new Set(['sudo', 'exec', 'command', 'nohup', 'time', 'then', 'do', 'else', 'elif', 'if', 'while', 'until', '!', '{', '}', 'builtin', 'nice']);
const DECLARERS = new Set(['export', 'readonly', 'local', 'declare', 'typeset']);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;
const TOOL = /(?:^|[\s/(`'"])(ip6?tables|ipset)(?:-legacy|-nft)?(-restore|-save)?(?=$|[\s)`'"])/;

const FREE_TEXT_OPTIONS = new Set(['--comment', '--log-prefix', '--nflog-prefix', '--ulog-prefix', '--string', '--hex-string', '-j', '--jump', '-g', '--goto']);

/** Options whose value is an address the target translates to or sends to. */
const ADDRESS_VALUE_OPTIONS = new Set(['--to-destination', '--to-source', '--gateway', '--on-ip', '--to']);

const FULL_PORT_RANGE: PortRange = { from: 0, to: 65535 };

/** The match and target part of a rule's text, for `-D CHAIN rulespec`. */
function ruleSpec(text: string): string {
  return text
    .replace(/^.*?(?:-A|--append|-I|--insert)\s+\S+\s+(?:\d+\s+)?/s, '')
    .replace(/\\\r?\n/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}


/**
 * The address and port parts of a NAT target as iptables writes them: `A`, `A-B`, `A:P`,
 * `A-B:P-Q`, `:P`, and for IPv6 `[A]:P` or a bare `A`. Undefined when it is none of these.
 */
function translationTarget(text: string): { address?: string; ports?: string } | undefined {
  const bracketed = /^\[([0-9a-fA-F:.]+(?:-[0-9a-fA-F:.]+)?)\](?::(\d+(?:-\d+)?))?$/.exec(text);
  if (bracketed) return { address: bracketed[1]!, ...(bracketed[2] ? { ports: bracketed[2] } : {}) };
  if ((text.match(/:/g) ?? []).length > 1) return /^[0-9a-fA-F:.]+(?:-[0-9a-fA-F:.]+)?$/.test(text) ? { address: text } : undefined;
  const plain = /^([0-9.]+(?:-[0-9.]+)?)?(?::(\d+(?:-\d+)?))?$/.exec(text);
  if (!plain || (!plain[1] && !plain[2])) return undefined;
  return { ...(plain[1] ? { address: plain[1] } : {}), ...(plain[2] ? { ports: plain[2] } : {}) };
}

/** One address or an `A-B` range of a NAT target. */
function translationInterval(text: string): IpInterval | undefined {
  const dash = text.indexOf('-');
  if (dash >= 0) {
    const range = parseAddressRange(text.slice(0, dash), text.slice(dash + 1));
    return range.ok ? range.value : undefined;
  }
  const ip = parseIp(text);
  return ip.ok ? { family: ip.value.family, first: ip.value.value, last: ip.value.value } : undefined;
}

/** `P` or `P-Q` of a NAT target. */
function translationPorts(text: string): PortRange | undefined {
  const [from, to = from] = text.split('-').map(Number);
  if (from === undefined || to === undefined || !(from <= to) || to > 65535) return undefined;
  return { from, to };
}

function complementPorts(ranges: PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const out: PortRange[] = [];
  let next = 0;
  for (const r of sorted) {
    if (r.from > next) out.push({ from: next, to: r.from - 1 });
    next = Math.max(next, r.to + 1);
  }
  if (next <= 65535) out.push({ from: next, to: 65535 });
  return out;
}

class IptablesParser {
  private readonly index: LineIndex;
  private readonly references: Reference[] = [];
  private readonly referenceKeys = new Map<string, number>();
  private readonly problems: SyntaxProblem[] = [];
  private readonly comments: Comment[] = [];
  private readonly chains = new Map<string, ChainState>();
  private readonly ipsets = new Map<string, IpsetState>();
  private readonly variables = new Map<string, Item[]>();
  /** Variables set by `for NAME in …`, whose values are alternatives rather than words of one value. */
  private readonly loopVariables = new Set<string>();
  private readonly setUses: SetUse[] = [];
  private readonly jumpUses: JumpUse[] = [];
  private saveFamily: Family = 4;
  /** For a text of several files (rules.v4 then rules.v6): the family of save data in each, from its start. */
  private partFamilies: Array<{ offset: number; family: Family }> = [];
  private sawSaveSyntax = false;
  private sawTableHeader = false;
  /** Top-level rule and chain lines before any table: warnings, or one note when the file has no table line at all. */
  private readonly outsideTable: Array<{ range: Range; message: string }> = [];
  private readonly loopStarts: number[] = [];
  private readonly loops: Range[] = [];
  private readonly restoreBodies: Range[] = [];
  private openTable: { name: string; range: Range; family: Family } | undefined;
  private readonly limits: AnalysisLimit[] = [];
  /** Offset where reading stopped (a long line, or a variable past its bound); the text's length otherwise. */
  private readEnd: number;

  constructor(
    private readonly text: string,
    private readonly options: ParseContext,
  ) {
    this.index = new LineIndex(text);
    this.readEnd = text.length;
  }

  parse(): Parsed<IptablesVendor> {
    this.saveFamily = this.guessSaveFamily();
    const parts = this.options.parts ?? [];
    this.partFamilies = parts.map((part, i) => ({ offset: part.offset, family: this.guessSaveFamily(part.fileName, this.text.slice(part.offset, parts[i + 1]?.offset ?? this.text.length)) }));
    const readable = readableText(this.text, this.index);
    if (readable.limit) this.stop(readable.limit, readable.text.length);
    const lexed = lexShell(this.text, 0, readable.text.length, (command) => {
      if (command.start < this.readEnd) this.topLevel(command);
    });
    for (const c of lexed.comments) this.comments.push({ range: this.range(c.start, c.end), text: c.text });
    for (const p of lexed.problems) {
      // What is left open where reading stopped says nothing about the file.
      if (p.end >= this.readEnd && this.readEnd < this.text.length) continue;
      const message = p.message === 'unterminated-quote' ? t('Unterminated quote') : t('Here-document is not closed by a line {0}', p.detail ?? '');
      this.problem(p.start, p.end, message);
    }
    if (this.openTable && this.readEnd === this.text.length) this.problemRange(this.openTable.range, t('Table {0} is not closed with COMMIT', this.openTable.name));
    this.reportOutsideTable();
    return this.finish();
  }

  /** True once reading stopped inside or before these words: the command they belong to is not read. */
  private pastReadEnd(words: readonly ShellWord[]): boolean {
    const last = words[words.length - 1];
    return last !== undefined && last.end > this.readEnd;
  }

  /** Ends reading at a bound: commands from `end` on are not read. */
  private stop(limit: AnalysisLimit, end: number): void {
    this.limits.push(limit);
    this.readEnd = Math.min(this.readEnd, end);
  }

  /**
   * Rule lines before any table: in a file that has table lines elsewhere, each is a mistake; in
   * a file with none at all, they are a fragment of the filter table meant to be wrapped.
   */
  private reportOutsideTable(): void {
    const first = this.outsideTable[0];
    if (!first) return;
    if (this.sawTableHeader) {
      for (const o of this.outsideTable) this.problemRange(o.range, o.message, 'warning');
      return;
    }
    this.problemRange(first.range, t('No *table line: these lines are read as a fragment of the filter table; iptables-restore loads them once they are wrapped in *filter … COMMIT'), 'info');
  }

  private range(start: number, end: number): Range {
    return this.index.rangeOf(start, end);
  }

  private problem(start: number, end: number, message: string, severity: SyntaxProblem['severity'] = 'error'): void {
    this.problems.push({ range: this.range(start, end), message, severity });
  }

  private problemRange(range: Range, message: string, severity: SyntaxProblem['severity'] = 'error'): void {
    this.problems.push({ range, message, severity });
  }

  /** An ip6tables-save file says so in its header comment, its name, or its addresses. */
  private guessSaveFamily(fileName = this.options.fileName ?? '', text = this.text): Family {
    const name = fileName.replace(/\\/g, '/').split('/').pop() ?? '';
    if (/^ip6tables|\.v6$|rules6|6\.rules$|\.ip6tables$/i.test(name)) return 6;
    if (/^iptables|\.v4$|\.iptables$/i.test(name)) return 4;
    if (/^#.*ip6tables-(save|restore)/m.test(text)) return 6;
    const v6 = /(?:-s|-d|--source|--destination)[ \t]+(?:![ \t]+)?[0-9a-fA-F]*:|icmpv6|ipv6-icmp/.test(text);
    const v4 = /(?:-s|-d|--source|--destination)[ \t]+(?:![ \t]+)?\d+\.\d/.test(text);
    return v6 && !v4 ? 6 : 4;
  }

  private expand(word: ShellWord, expandVariables = true): Expanded {
    const parts = word.parts.filter((p) => !(p.kind === 'text' && p.text === ''));
    const only = parts.length === 1 ? parts[0] : undefined;
    if (only && only.kind === 'var' && expandVariables) {
      const value = this.variables.get(only.name);
      if (value) {
        return { text: value.map((v) => v.text).join(' '), items: value.map((v) => ({ ...v })), start: word.start, end: word.end };
      }
    }
    let text = '';
    let unresolved: string | undefined;
    for (const part of word.parts) {
      if (part.kind === 'text') text += part.text;
      else if (part.kind === 'var') {
        const value = expandVariables ? this.variables.get(part.name) : undefined;
        if (value) text += value.map((v) => v.text).join(' ');
        else if (!expandVariables) text += this.text.slice(part.start, part.end);
        else unresolved ??= '$' + part.name;
      } else {
        text += part.text;
        unresolved ??= part.text;
      }
      // Variables that double one another grow exponentially; reading stops at the first too long.
      if (text.length > MAX_VARIABLE_LENGTH) {
        this.stop(stopAt(this.index, 'variable-length', word.start, text.length, MAX_VARIABLE_LENGTH), word.start);
        return { text: '', items: [], start: word.start, end: word.end };
      }
    }
    let start = word.start;
    let end = word.end;
    if (only && only.kind === 'text' && only.exact) {
      start = only.start;
      end = only.start + only.text.length;
    }
    const result: Expanded = { text, items: [{ text, start, end }], start: word.start, end: word.end };
    if (unresolved) result.unresolved = unresolved;
    return result;
  }

  /** Splits an item on commas, keeping exact positions when the item maps onto the source. */
  private splitList(item: Item, separator: RegExp): Item[] {
    const exact = item.end - item.start === item.text.length;
    const out: Item[] = [];
    let offset = 0;
    for (const piece of item.text.split(separator)) {
      const lead = piece.length - piece.trimStart().length;
      const trimmed = piece.trim();
      if (trimmed.length > 0) {
        out.push(exact ? { text: trimmed, start: item.start + offset + lead, end: item.start + offset + lead + trimmed.length } : { text: trimmed, start: item.start, end: item.end });
      }
      offset += piece.length + 1;
    }
    return out;
  }

  private addReference(item: Item, role: ReferenceRole, build: () => Omit<Reference, 'range' | 'role' | 'text'>): number {
    const key = `${item.start}:${item.end}:${item.text}:${ROLE_KEY[role]}`;
    const known = this.referenceKeys.get(key);
    if (known !== undefined) return known;
    const id = this.references.length;
    this.references.push({ text: item.text, role, range: this.range(item.start, item.end), ...build() });
    this.referenceKeys.set(key, id);
    return id;
  }

  /** One address token (`-s`, `-d`, ipset member) as a reference. */
  private addressReference(item: Item, role: ReferenceRole): number {
    return this.addReference(item, role, () => classifyAddress(item.text));
  }

  private rangeReference(item: Item, role: ReferenceRole): number {
    return this.addReference(item, role, () => {
      const dash = item.text.indexOf('-');
      const result = dash < 0 ? { ok: false as const, reason: 'bad-ipv4' as AddressError } : parseAddressRange(item.text.slice(0, dash), item.text.slice(dash + 1));
      if (result.ok) return { kind: 'range', interval: result.value };
      return { kind: 'range', invalidReason: result.reason };
    });
  }

  private topLevel(command: ShellCommand): void {
    for (const part of this.partFamilies) if (part.offset <= command.start) this.saveFamily = part.family;
    let words = command.words;
    const first = words[0]!.raw;
    if (/^\[\d+:\d+\]$/.test(first)) words = words.slice(1);
    if (words.length === 0) return;
    const head = words[0]!.raw;
    if (head.startsWith('*') && head.length > 1 && words.length === 1) {
      this.sawSaveSyntax = true;
      this.startTable(head.slice(1), words[0]!, this.saveFamily);
      return;
    }
    if (head === 'COMMIT') {
      this.sawSaveSyntax = true;
      if (!this.openTable) this.problem(words[0]!.start, words[0]!.end, t('COMMIT without a table header'));
      this.openTable = undefined;
      return;
    }
    if (head.startsWith(':') && head.length > 1) {
      this.sawSaveSyntax = true;
      this.chainDeclaration(words, this.openTable?.family ?? this.saveFamily, true);
      return;
    }
    if (head.startsWith('-') && head.length > 1) {
      this.sawSaveSyntax = true;
      if (!this.openTable) this.outsideTable.push({ range: this.range(command.start, command.end), message: t('Rule outside a table: add a *filter line before it') });
      const args = words.map((w) => this.expand(w, false));
      this.iptablesCommand(args, this.openTable?.family ?? this.saveFamily, this.openTable?.name ?? 'filter', true, command);
      return;
    }
    if (this.openTable) {
      this.problem(command.start, command.end, t('Unexpected line in iptables-save data: {0}', head));
      return;
    }
    if (this.ipsetRestoreLine(words, true)) return;
    this.shellCommand(command);
  }

  private startTable(name: string, word: ShellWord, family: Family): void {
    if (this.openTable) this.problemRange(this.openTable.range, t('Table {0} is not closed with COMMIT', this.openTable.name));
    const range = this.range(word.start, word.end);
    if (!Object.hasOwn(BUILTIN_CHAINS, name)) this.problemRange(range, t('Unknown table {0}', name));
    this.sawTableHeader = true;
    this.openTable = { name, range, family };
  }

  /** `:CHAIN POLICY [counters]`; `topLevel` when it is a line of the file itself, not of a here-document. */
  private chainDeclaration(words: ShellWord[], family: Family, topLevel: boolean): void {
    const head = words[0]!;
    const name = head.raw.slice(1);
    const table = this.openTable?.name ?? 'filter';
    if (!this.openTable) {
      const message = t('Chain declaration outside a table: add a *filter line before it');
      if (topLevel) this.outsideTable.push({ range: this.range(head.start, head.end), message });
      else this.problem(head.start, head.end, message, 'warning');
    }
    const policyWord = words[1];
    const builtin = (Object.hasOwn(BUILTIN_CHAINS, table) ? BUILTIN_CHAINS[table]! : []).includes(name);
    const chain = this.chain(family, table, name, this.range(head.start, head.end), true);
    chain.created = true;
    if (!policyWord) {
      this.problem(head.start, head.end, t('Chain {0} needs a policy (ACCEPT, DROP or -)', name));
      return;
    }
    const policy = policyWord.raw;
    if (policy === '-') {
      // iptables-restore keeps the policy the chain has; on a host that boots with this file that is the kernel's ACCEPT.
      if (builtin) this.problem(policyWord.start, policyWord.end, t('"-" keeps the policy {0} already has; Endpoint Lens reads it as ACCEPT, the policy a built-in chain starts with', name), 'info');
      return;
    }
    if (!builtin) {
      this.problem(policyWord.start, policyWord.end, t('User chain {0} cannot have a policy; write -', name));
      return;
    }
    if (policy !== 'ACCEPT' && policy !== 'DROP') {
      this.problem(policyWord.start, policyWord.end, t('Policy must be ACCEPT or DROP, not {0}', policy));
      return;
    }
    chain.policy = policy === 'ACCEPT' ? 'accept' : 'drop';
    chain.policyRange = this.range(policyWord.start, policyWord.end);
  }

  private chain(family: Family, table: string, name: string, range: Range, declare: boolean): ChainState {
    const key = `${family}|${table}|${name}`;
    let chain = this.chains.get(key);
    if (!chain) {
      const builtin = (Object.hasOwn(BUILTIN_CHAINS, table) ? BUILTIN_CHAINS[table]! : []).includes(name);
      chain = { family, table, chain: name, builtin, created: builtin || declare, headerRange: range, rules: [] };
      this.chains.set(key, chain);
    }
    return chain;
  }

  private shellCommand(command: ShellCommand): void {
    let words = command.words;
    this.trackLoop(command);
    let k = 0;
    while (k < words.length && SHELL_PREFIXES.has(words[k]!.raw)) {
      k++;
      if (words[k - 1]!.raw === 'sudo') while (k < words.length && words[k]!.raw.startsWith('-')) k++;
    }
    words = words.slice(k);
    if (words.length === 0) return;
    const head = words[0]!.raw;
    if (head === 'for' && words.length >= 2) {
      this.forLoop(words);
      return;
    }
    if (DECLARERS.has(head)) {
      for (const w of words.slice(1)) if (ASSIGNMENT.test(w.raw)) this.assignment(w);
      return;
    }
    let a = 0;
    while (a < words.length && ASSIGNMENT.test(words[a]!.raw)) a++;
    if (a === words.length) {
      for (const w of words) this.assignment(w);
      return;
    }
    words = words.slice(a);
    const loopVariable = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(words[0]!.raw)?.[1];
    const loopValues = loopVariable && this.loopVariables.has(loopVariable) ? this.variables.get(loopVariable) : undefined;
    if (loopValues && loopValues.length > 1) {
      // `for ipt in iptables ip6tables; do $ipt …`: the command runs once per value.
      for (const value of loopValues) {
        this.variables.set(loopVariable!, [value]);
        this.shellCommand({ ...command, words });
      }
      this.variables.set(loopVariable!, loopValues);
      return;
    }
    const commandWord = this.expand(words[0]!);
    const fromVariable = words[0]!.raw.startsWith('$');
    const pieces = commandWord.text.trim().split(/\s+/);
    const base = (pieces[0] ?? '').split('/').pop() ?? '';
    let tool = /^(ip6?tables|ipset)(?:-legacy|-nft)?(-restore|-save)?$/.exec(base);
    let extra: Expanded[] = [];
    if (tool) {
      extra = pieces.slice(1).map((p) => ({ text: p, items: [{ text: p, start: commandWord.start, end: commandWord.end }], start: commandWord.start, end: commandWord.end }));
    } else if (fromVariable) {
      tool = TOOL.exec(commandWord.text);
    }
    if (!tool) return;
    const name = tool[1]!;
    const suffix = tool[2];
    const args = [...extra, ...words.slice(1).map((w) => this.expand(w))];
    if (this.pastReadEnd(words)) return;
    if (suffix === '-save') return;
    if (name === 'ipset') {
      if (args[0]?.text === 'restore' && command.heredoc) this.restoreBody(command, undefined);
      else this.ipsetCommand(args, command);
      return;
    }
    const family: Family = name === 'ip6tables' ? 6 : 4;
    if (suffix === '-restore') {
      if (command.heredoc) {
        this.restoreBodies.push(this.range(command.heredoc.start, command.heredoc.end));
        this.restoreBody(command, family);
      }
      return;
    }
    this.iptablesCommand(args, family, 'filter', false, command);
  }

  /** Where shell loops start and end, so placement never puts a block inside one. */
  private trackLoop(command: ShellCommand): void {
    const first = command.words[0]?.raw;
    if (first === 'for' || first === 'while' || first === 'until' || first === 'select') this.loopStarts.push(command.start);
    else if (first === 'done') {
      const start = this.loopStarts.pop();
      if (start !== undefined) this.loops.push(this.range(start, command.end));
    }
  }

  /** The body of `iptables-restore <<EOF` (save data) or `ipset restore <<EOF`. */
  private restoreBody(command: ShellCommand, family: Family | undefined): void {
    const body = command.heredoc!;
    const lexed = lexShell(this.text, body.start, body.end, undefined, { expandSaveLines: body.expand });
    for (const c of lexed.comments) this.comments.push({ range: this.range(c.start, c.end), text: c.text });
    const savedFamily = this.saveFamily;
    if (family) this.saveFamily = family;
    for (const inner of lexed.commands) {
      if (this.pastReadEnd(inner.words)) break;
      if (family === undefined) {
        if (!this.ipsetRestoreLine(inner.words, false)) this.problem(inner.start, inner.end, t('Unexpected line in ipset restore data: {0}', inner.words[0]!.raw));
        continue;
      }
      const head = inner.words[0]!.raw;
      if (head.startsWith('*') || head === 'COMMIT' || head.startsWith(':') || head.startsWith('-') || /^\[\d+:\d+\]$/.test(head)) {
        this.topLevelExpanded(inner, body.expand);
      } else {
        this.problem(inner.start, inner.end, t('Unexpected line in iptables-save data: {0}', head));
      }
    }
    if (family && this.openTable) {
      if (this.readEnd === this.text.length) this.problemRange(this.openTable.range, t('Table {0} is not closed with COMMIT', this.openTable.name));
      this.openTable = undefined;
    }
    this.saveFamily = savedFamily;
  }

  private topLevelExpanded(command: ShellCommand, expandVariables: boolean): void {
    let words = command.words;
    if (/^\[\d+:\d+\]$/.test(words[0]!.raw)) words = words.slice(1);
    if (words.length === 0) return;
    const head = words[0]!.raw;
    if (head.startsWith('*')) this.startTable(head.slice(1), words[0]!, this.saveFamily);
    else if (head === 'COMMIT') {
      if (!this.openTable) this.problem(words[0]!.start, words[0]!.end, t('COMMIT without a table header'));
      this.openTable = undefined;
    } else if (head.startsWith(':')) this.chainDeclaration(words, this.saveFamily, false);
    else {
      if (!this.openTable) this.problem(command.start, command.end, t('Rule outside a table: add a *filter line before it'), 'warning');
      const args = words.map((w) => this.expand(w, expandVariables));
      if (this.pastReadEnd(words)) return;
      this.iptablesCommand(args, this.saveFamily, this.openTable?.name ?? 'filter', true, command);
    }
  }

  private assignment(word: ShellWord): void {
    const match = ASSIGNMENT.exec(word.raw)!;
    const name = match[1]!;
    const cut = match[0].length;
    // Drop the `NAME=` characters from the first text part to leave the value's parts.
    const parts = [];
    let skipped = 0;
    for (const part of word.parts) {
      if (skipped < cut && part.kind === 'text') {
        const take = Math.min(cut - skipped, part.text.length);
        skipped += take;
        const rest = part.text.slice(take);
        if (rest.length > 0) parts.push({ ...part, text: rest, start: part.start + take });
        continue;
      }
      parts.push(part);
    }
    const valueWord: ShellWord = { raw: word.raw.slice(cut), start: word.start + cut, end: word.end, parts };
    const value = this.expand(valueWord);
    if (this.pastReadEnd([word])) return;
    const items: Item[] = [];
    for (const item of value.items) {
      const exact = item.end - item.start === item.text.length;
      if (!exact) {
        if (item.text.trim().length > 0) items.push({ text: item.text.trim(), start: item.start, end: item.end });
        continue;
      }
      const re = /\S+/g;
      let m: RegExpExecArray | null;
      while ((m = re.exec(item.text)) !== null) items.push({ text: m[0], start: item.start + m.index, end: item.start + m.index + m[0].length });
    }
    if (value.unresolved && items.length === 0) {
      this.variables.delete(name);
      return;
    }
    this.variables.set(name, items.length > 0 ? items : [{ text: '', start: valueWord.start, end: valueWord.end }]);
    this.loopVariables.delete(name);
  }

  private forLoop(words: ShellWord[]): void {
    const name = words[1]!.raw;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return;
    if (words[2]?.raw !== 'in') {
      this.variables.delete(name);
      return;
    }
    const items: Item[] = [];
    let unresolved = false;
    for (const w of words.slice(3)) {
      const e = this.expand(w);
      if (e.unresolved) unresolved = true;
      for (const item of e.items) {
        const exact = item.end - item.start === item.text.length;
        const re = /\S+/g;
        let m: RegExpExecArray | null;
        while ((m = re.exec(item.text)) !== null) {
          items.push(exact ? { text: m[0], start: item.start + m.index, end: item.start + m.index + m[0].length } : { text: m[0], start: item.start, end: item.end });
        }
      }
    }
    if (this.pastReadEnd(words)) return;
    if (unresolved || items.length === 0) this.variables.delete(name);
    else {
      this.variables.set(name, items);
      this.loopVariables.add(name);
    }
  }

  /** `create NAME TYPE …` / `add NAME ENTRY …` lines of ipset restore data. */
  private ipsetRestoreLine(words: ShellWord[], strict: boolean): boolean {
    const head = words[0]!.raw;
    const args = words.map((w) => this.expand(w));
    if (this.pastReadEnd(words)) return true;
    if (head === 'create' && words.length >= 3 && /^(hash|bitmap|list):/.test(words[2]!.raw)) {
      this.ipsetCommand(args, undefined);
      return true;
    }
    if (head === 'add' && words.length >= 3 && (!strict || this.ipsets.has(args[1]!.text))) {
      this.ipsetCommand(args, undefined);
      return true;
    }
    if (!strict && ['flush', 'destroy', 'del', 'swap', 'rename', 'COMMIT'].includes(head)) {
      this.ipsetCommand(args, undefined);
      return true;
    }
    return false;
  }

  private ipsetCommand(rawArgs: Expanded[], command: ShellCommand | undefined): void {
    const args = rawArgs.filter((a) => !/^(-exist|-!|-q|-quiet|-n|-name|-s|-sorted|-o|-output)$/.test(a.text));
    const verb = args[0]?.text ?? '';
    const setName = args[1]?.text;
    const verbRange = args[0] ? this.range(args[0].start, args[0].end) : command ? this.range(command.start, command.end) : this.range(0, 0);
    switch (verb) {
      case 'create':
      case 'n':
      case '-N': {
        if (!setName || !args[2]) {
          this.problemRange(verbRange, t('ipset {0} needs a set name and a type', verb));
          return;
        }
        const state: IpsetState = { name: setName, type: args[2].text, members: [], range: this.range(args[1]!.start, args[1]!.end), options: args.slice(3).map((a) => a.text) };
        for (let k = 3; k + 1 < args.length; k++) {
          if (args[k]!.text === 'family') state.family = args[k + 1]!.text === 'inet6' ? 6 : 4;
        }
        if (!this.ipsets.has(setName)) this.ipsets.set(setName, state);
        return;
      }
      case 'add':
      case 'a':
      case '-A': {
        if (!setName || !args[2]) {
          this.problemRange(verbRange, t('ipset {0} needs a set name and an entry', verb));
          return;
        }
        let set = this.ipsets.get(setName);
        if (!set) {
          this.problem(args[1]!.start, args[1]!.end, t('Set {0} is not created in this file before this line', setName), 'warning');
          set = { name: setName, type: 'hash:net', members: [], range: this.range(args[1]!.start, args[1]!.end), options: [] };
          this.ipsets.set(setName, set);
        }
        if (args[3]?.text === 'nomatch' || args.slice(3).some((a) => a.text === 'nomatch')) return;
        for (const item of args[2].items) {
          // hash:ip,port and hash:net,iface entries: the address is the first dimension.
          const address = this.splitList(item, /,/)[0];
          if (!address) continue;
          const isRange = /^[0-9.]+-[0-9.]+$/.test(address.text) || /^[0-9a-fA-F:]+-[0-9a-fA-F:]+$/.test(address.text);
          const id = isRange ? this.rangeReference(address, 'other') : this.addressReference(address, 'other');
          const interval = this.references[id]!.interval;
          set.members.push(interval ? { referenceId: id, interval } : { referenceId: id });
        }
        return;
      }
      case 'destroy':
      case 'x':
      case '-X':
        if (setName) this.ipsets.delete(setName);
        else this.ipsets.clear();
        return;
      case 'flush':
      case 'F':
      case '-F':
        for (const set of this.ipsets.values()) if (!setName || set.name === setName) set.members = [];
        return;
      default:
        return;
    }
  }

  private iptablesCommand(args: Expanded[], family: Family, defaultTable: string, save: boolean, command: ShellCommand): void {
    let table = defaultTable;
    for (let k = 0; k + 1 < args.length; k++) {
      if (args[k]!.text === '-t' || args[k]!.text === '--table') table = args[k + 1]!.text;
    }
    if (!Object.hasOwn(BUILTIN_CHAINS, table)) {
      const at = args.find((a) => a.text === table);
      if (at) this.problem(at.start, at.end, t('Unknown table {0}', table));
    }
    const rule: Rule = {
      range: this.range(command.start, command.end),
      actionRange: this.range(command.start, command.end),
      action: { type: 'continue' },
      text: this.text.slice(command.start, command.end),
    };
    const unknownConditions: string[] = [];
    let operation: { kind: string; chain?: Expanded; number?: Expanded; target?: Expanded; word: Expanded } | undefined;
    let negation: Expanded | undefined;
    const portProtocols = new Set<string>();
    let unknownModule = false;
    let targetKnown = true;
    const pendingSets: Array<{ name: string; side: 'sources' | 'destinations'; negated: boolean; range: Range }> = [];
    let sourceSeen = false;
    let destinationSeen = false;
    let jumpTarget: string | undefined;
    const translations: Expanded[] = [];
    const modules = new Set<string>();
    // iptables reads an option only through a match loaded before it: `--dports` needs `-m multiport`.
    const needsModule = (word: Expanded, module: string): void => {
      if (!modules.has(module)) this.problem(word.start, word.end, t('Option {0} needs -m {1} before it', word.text, module));
    };
    const specStart = { value: 0 };
    let k = 0;
    const take = (option: Expanded): Expanded | undefined => {
      const next = args[k + 1];
      // An option word where the argument should be means the argument is missing (free-text options excepted).
      const isOption = next !== undefined && /^--?[a-zA-Z]/.test(next.text) && !FREE_TEXT_OPTIONS.has(option.text);
      if (!next || isOption) {
        this.problem(option.start, option.end, t('Option {0} needs an argument', option.text));
        return undefined;
      }
      k++;
      return next;
    };
    // `-s ! 10.0.0.0/8` is the old spelling of `! -s 10.0.0.0/8`.
    const takeNegatable = (option: Expanded): { value: Expanded; negated: boolean } | undefined => {
      let negated = negation !== undefined;
      negation = undefined;
      let value = take(option);
      if (value?.text === '!') {
        // The old `-d ! ADDR` form: current iptables refuses the whole command.
        this.problem(value.start, value.end, t('"{0} !" is the old form that current iptables refuses; write "! {0} …"', option.text));
        negated = !negated;
        value = take(option);
      }
      return value ? { value, negated } : undefined;
    };
    const condition = (words: Expanded[], negated: boolean): string => `${negated ? '! ' : ''}${words.map((w) => w.text).join(' ')}`;

    // The command option at args[k] (-A, -I, -P …) with its chain, rule number and target.
    const isOperation = (kind: string, chainArg: 'required' | 'optional' | 'none', numberArg: 'optional' | 'required' | 'none' = 'none', targetArg = false): void => {
      const word = args[k]!;
      const option = word.text;
      if (operation) this.problem(word.start, word.end, t('Only one command per line: {0} follows {1}', option, operation.word.text));
      const op: { kind: string; chain?: Expanded; number?: Expanded; target?: Expanded; word: Expanded } = { kind, word };
      if (chainArg !== 'none') {
        const next = args[k + 1];
        if (next && !next.text.startsWith('-')) {
          op.chain = next;
          k++;
        } else if (chainArg === 'required') this.problem(word.start, word.end, t('Missing chain name after {0}', option));
      }
      if (numberArg !== 'none') {
        const next = args[k + 1];
        if (next && /^\d+$/.test(next.text)) {
          op.number = next;
          k++;
        } else if (numberArg === 'required') this.problem(word.start, word.end, t('Missing rule number after {0}', option));
      }
      if (targetArg) {
        const next = take(word);
        if (next) op.target = next;
      }
      operation = op;
      specStart.value = k + 1;
    };

    for (; k < args.length; k++) {
      const word = args[k]!;
      const option = word.text;
      if (option === '!') {
        if (negation) this.problem(word.start, word.end, t('Two negations in a row'));
        negation = word;
        continue;
      }
      switch (option) {
        case '-t':
        case '--table':
          k++;
          continue;
        case '-A':
        case '--append':
          isOperation('append', 'required');
          continue;
        case '-I':
        case '--insert':
          isOperation('insert', 'required', 'optional');
          continue;
        case '-R':
        case '--replace':
          isOperation('replace', 'required', 'required');
          continue;
        case '-D':
        case '--delete':
          isOperation('delete', 'required', 'optional');
          continue;
        case '-C':
        case '--check':
          isOperation('check', 'required');
          continue;
        case '-P':
        case '--policy':
          isOperation('policy', 'required', 'none', true);
          continue;
        case '-N':
        case '--new-chain':
        case '--new':
          isOperation('new', 'required');
          continue;
        case '-X':
        case '--delete-chain':
          isOperation('delete-chain', 'optional');
          continue;
        case '-F':
        case '--flush':
          isOperation('flush', 'optional');
          continue;
        case '-E':
        case '--rename-chain':
          isOperation('rename', 'required', 'none', true);
          continue;
        case '-Z':
        case '--zero':
        case '-L':
        case '--list':
        case '-S':
        case '--list-rules':
          isOperation('list', 'optional', 'optional');
          continue;
        case '-h':
        case '--help':
        case '-V':
        case '--version':
          operation ??= { kind: 'list', word };
          continue;
        case '-w':
        case '--wait':
          if (args[k + 1] && /^\d+(\.\d+)?$/.test(args[k + 1]!.text)) k++;
          continue;
        case '-W':
        case '--wait-interval':
        case '-M':
        case '--modprobe':
          k++;
          continue;
        case '-n':
        case '--numeric':
        case '-v':
        case '--verbose':
        case '-x':
        case '--exact':
        case '--line-numbers':
        case '-4':
        case '--ipv4':
        case '-6':
        case '--ipv6':
          continue;
        case '-c':
        case '--set-counters':
          k += 2;
          continue;
        case '-s':
        case '--source':
        case '--src':
        case '-d':
        case '--destination':
        case '--dst': {
          const isSource = option === '-s' || option.startsWith('--s');
          if ((isSource && sourceSeen) || (!isSource && destinationSeen)) this.problem(word.start, word.end, t('Option {0} is given twice', option));
          const value = takeNegatable(word);
          if (!value) continue;
          if (isSource) sourceSeen = true;
          else destinationSeen = true;
          const match = this.addressMatch(value.value, isSource ? 'source' : 'destination', value.negated, family, false);
          this.combineAddress(rule, isSource ? 'sources' : 'destinations', match, unknownConditions, word);
          continue;
        }
        case '-p':
        case '--protocol': {
          const value = takeNegatable(word);
          if (!value) continue;
          const protocol = normaliseProtocol(value.value.text);
          if (protocol === null) {
            this.problem(value.value.start, value.value.end, t('Unknown protocol {0}', value.value.text));
            continue;
          }
          if (protocol === undefined) continue;
          if (value.negated) unknownConditions.push(condition([word, value.value], true));
          else {
            rule.protocols = [protocol];
            if (['tcp', 'udp', 'sctp', 'dccp', 'udplite'].includes(protocol)) portProtocols.add(protocol);
          }
          continue;
        }
        case '-i':
        case '--in-interface':
        case '-o':
        case '--out-interface': {
          const value = takeNegatable(word);
          if (value) unknownConditions.push(condition([word, value.value], value.negated));
          continue;
        }
        case '-f':
        case '--fragment':
          unknownConditions.push(condition([word], negation !== undefined));
          negation = undefined;
          continue;
        case '-m':
        case '--match': {
          const value = take(word);
          if (!value) continue;
          const module = value.text.toLowerCase();
          modules.add(module);
          if (['tcp', 'udp', 'sctp', 'dccp', 'udplite'].includes(module)) portProtocols.add(module);
          if (!KNOWN_MODULES.has(module)) unknownModule = true;
          continue;
        }
        case '-j':
        case '--jump':
        case '-g':
        case '--goto': {
          const value = take(word);
          if (!value) continue;
          rule.actionRange = this.range(value.start, value.end);
          const goto = option === '-g' || option === '--goto';
          const target = value.text;
          jumpTarget = goto ? undefined : target;
          if (!goto && target === 'ACCEPT') rule.action = { type: 'accept' };
          else if (!goto && target === 'DROP') rule.action = { type: 'drop' };
          else if (!goto && target === 'REJECT') rule.action = { type: 'reject' };
          else if (!goto && target === 'RETURN') rule.action = { type: 'return' };
          else if (!goto && CONTINUE_TARGETS.has(target)) rule.action = { type: 'continue' };
          else if (!goto && NAT_TARGETS.has(target)) rule.action = { type: 'accept' };
          else if (!goto && EXTERNAL_TARGETS.has(target)) {
            rule.action = { type: 'continue' };
            unknownConditions.push(t('verdict from a user-space queue ({0})', target));
          } else {
            const key = `${family}|${table}|${target}`;
            rule.action = goto ? { type: 'goto', target: key } : { type: 'jump', target: key };
            this.jumpUses.push({ rule, key, name: target, range: this.range(value.start, value.end), save });
          }
          if (!KNOWN_TARGET_OPTIONS.has(target)) targetKnown = false;
          continue;
        }
        case '--dport':
        case '--destination-port':
        case '--sport':
        case '--source-port': {
          if (portProtocols.size === 0) this.problem(word.start, word.end, t('Option {0} needs a protocol with ports (-p tcp or -p udp) before it', word.text));
          const value = takeNegatable(word);
          if (!value) continue;
          const ports = this.ports(value.value, ':');
          if (!ports) continue;
          const result = value.negated ? complementPorts(ports) : ports;
          if (option === '--dport' || option === '--destination-port') rule.destinationPorts = result;
          else rule.sourcePorts = result;
          continue;
        }
        case '--dports':
        case '--destination-ports':
        case '--sports':
        case '--source-ports':
        case '--ports': {
          needsModule(word, 'multiport');
          if (portProtocols.size === 0) this.problem(word.start, word.end, t('Option {0} needs a protocol with ports (-p tcp or -p udp) before it', word.text));
          const value = takeNegatable(word);
          if (!value) continue;
          const ports = this.ports(value.value, ':');
          if (!ports) continue;
          const result = value.negated ? complementPorts(ports) : ports;
          if (option.startsWith('--s')) rule.sourcePorts = result;
          else rule.destinationPorts = result;
          continue;
        }
        case '--src-range':
        case '--dst-range': {
          needsModule(word, 'iprange');
          const value = takeNegatable(word);
          if (!value) continue;
          const isSource = option === '--src-range';
          const match = this.addressMatch(value.value, isSource ? 'source' : 'destination', value.negated, family, true);
          this.combineAddress(rule, isSource ? 'sources' : 'destinations', match, unknownConditions, word);
          continue;
        }
        case '--match-set':
        case '--set': {
          if (option === '--set' && (modules.has('recent') || !(args[k + 2] && /^(src|dst)(,(src|dst))*$/.test(args[k + 2]!.text)))) {
            // `--set` without a set and flags is the recent module's option.
            unknownConditions.push(condition([word], negation !== undefined));
            negation = undefined;
            continue;
          }
          needsModule(word, 'set');
          const negated = negation !== undefined;
          negation = undefined;
          const name = take(word);
          const flags = name ? take(word) : undefined;
          if (!name || !flags) continue;
          const firstFlag = flags.text.split(',')[0];
          if (firstFlag !== 'src' && firstFlag !== 'dst') {
            this.problem(flags.start, flags.end, t('Set direction must be src or dst, not {0}', flags.text));
            continue;
          }
          pendingSets.push({ name: name.text, side: firstFlag === 'src' ? 'sources' : 'destinations', negated, range: this.range(name.start, name.end) });
          continue;
        }
        case '--comment': {
          needsModule(word, 'comment');
          const value = take(word);
          if (value) rule.comment = value.text;
          continue;
        }
        case '--ctstate':
        case '--state': {
          needsModule(word, option === '--ctstate' ? 'conntrack' : 'state');
          const value = takeNegatable(word);
          if (value) unknownConditions.push(`conntrack state ${value.negated ? 'not ' : ''}${value.value.text}`);
          continue;
        }
        default:
          break;
      }
      if (option.startsWith('-')) {
        const arity = Object.hasOwn(OPTION_ARITY, option) ? OPTION_ARITY[option] : undefined;
        const negated = negation !== undefined;
        negation = undefined;
        const consumed: Expanded[] = [word];
        if (arity !== undefined) {
          for (let a = 0; a < arity; a++) {
            if (args[k + 1]?.text === '!' && a === 0) k++;
            const value = take(word);
            if (value) consumed.push(value);
          }
          if (!TARGET_OPTIONS.has(option)) unknownConditions.push(condition(consumed, negated));
          if (ADDRESS_VALUE_OPTIONS.has(option)) for (const value of consumed.slice(1)) this.translationReferences(value);
          if (option === '--to-destination') translations.push(...consumed.slice(1));
          continue;
        }
        if (unknownModule || !targetKnown) {
          while (args[k + 1] && !args[k + 1]!.text.startsWith('-') && args[k + 1]!.text !== '!' && consumed.length < 3) {
            consumed.push(args[k + 1]!);
            k++;
          }
          if (targetKnown) unknownConditions.push(condition(consumed, negated));
          continue;
        }
        this.problem(word.start, word.end, t('Unknown option {0}', option));
        while (args[k + 1] && !args[k + 1]!.text.startsWith('-') && args[k + 1]!.text !== '!') k++;
        continue;
      }
      this.problem(word.start, word.end, t('Unexpected argument {0}', option));
    }
    if (negation) this.problem(negation.start, negation.end, t('Negation ! must be followed by an option'));
    if (unknownConditions.length > 0) rule.unknownConditions = unknownConditions;
    if (jumpTarget === 'DNAT' && table === 'nat') rule.action = this.dnatAction(translations, family);

    if (!operation) {
      if (args.length > 0) this.problem(command.start, command.end, t('No command given (-A, -I, -P, -N, -F …)'));
      return;
    }
    const spec = operation.kind === 'delete' ? args.slice(specStart.value).map((a) => a.text).join(' ') : '';
    this.applyOperation(operation, rule, spec, family, table, save, pendingSets);
  }

  private applyOperation(
    operation: { kind: string; chain?: Expanded; number?: Expanded; target?: Expanded; word: Expanded },
    rule: Rule,
    spec: string,
    family: Family,
    table: string,
    save: boolean,
    pendingSets: Array<{ name: string; side: 'sources' | 'destinations'; negated: boolean; range: Range }>,
  ): void {
    const chainWord = operation.chain;
    const chainName = chainWord?.text;
    const chainRange = chainWord ? this.range(chainWord.start, chainWord.end) : this.range(operation.word.start, operation.word.end);
    switch (operation.kind) {
      case 'append':
      case 'insert':
      case 'replace': {
        if (!chainName) return;
        if (rule.actionRange.start.line === rule.range.start.line && rule.actionRange.start.character === rule.range.start.character) {
          rule.actionRange = this.range(operation.word.start, operation.word.end);
        }
        const chain = this.chain(family, table, chainName, chainRange, false);
        if (!chain.created) {
          if (save) this.problemRange(chainRange, t('Chain {0} is not declared in table {1}', chainName, table));
          else this.problemRange(chainRange, t('Chain {0} is used before it is created with -N', chainName), 'warning');
          chain.created = true;
        }
        for (const use of pendingSets) this.setUses.push({ rule, side: use.side, name: use.name, negated: use.negated, family, range: use.range });
        const position = operation.number ? Number(operation.number.text) - 1 : operation.kind === 'insert' ? 0 : chain.rules.length;
        if (operation.kind === 'replace') {
          if (position >= 0 && position < chain.rules.length) chain.rules[position] = rule;
          else this.problemRange(chainRange, t('Chain {0} has no rule number {1}', chainName, String(position + 1)));
        } else if (operation.kind === 'insert') {
          chain.rules.splice(Math.max(0, Math.min(position, chain.rules.length)), 0, rule);
        } else chain.rules.push(rule);
        return;
      }
      case 'delete': {
        if (!chainName) return;
        const chain = this.chains.get(`${family}|${table}|${chainName}`);
        if (!chain) return;
        if (operation.number) chain.rules.splice(Number(operation.number.text) - 1, 1);
        else {
          const at = chain.rules.findIndex((r) => ruleSpec(r.text) === spec);
          if (at >= 0) chain.rules.splice(at, 1);
        }
        return;
      }
      case 'policy': {
        if (!chainName || !operation.target) return;
        const chain = this.chain(family, table, chainName, chainRange, false);
        const policy = operation.target.text;
        if (!chain.builtin) {
          this.problemRange(chainRange, t('Only built-in chains have a policy; {0} is a user chain', chainName));
          return;
        }
        if (policy !== 'ACCEPT' && policy !== 'DROP') {
          this.problem(operation.target.start, operation.target.end, t('Policy must be ACCEPT or DROP, not {0}', policy));
          return;
        }
        chain.policy = policy === 'ACCEPT' ? 'accept' : 'drop';
        chain.policyRange = this.range(operation.target.start, operation.target.end);
        return;
      }
      case 'new': {
        if (!chainName) return;
        const chain = this.chain(family, table, chainName, chainRange, true);
        chain.created = true;
        return;
      }
      case 'flush':
        for (const chain of this.chains.values()) {
          if (chain.family === family && chain.table === table && (!chainName || chain.chain === chainName)) chain.rules = [];
        }
        return;
      case 'delete-chain':
        for (const [key, chain] of this.chains) {
          if (chain.family === family && chain.table === table && !chain.builtin && (!chainName || chain.chain === chainName)) this.chains.delete(key);
        }
        return;
      case 'rename': {
        if (!chainName || !operation.target) return;
        const old = this.chains.get(`${family}|${table}|${chainName}`);
        if (!old) return;
        this.chains.delete(`${family}|${table}|${chainName}`);
        old.chain = operation.target.text;
        this.chains.set(`${family}|${table}|${old.chain}`, old);
        return;
      }
      default:
        return;
    }
  }

  /** Addresses a target translates to (`--to-destination 10.1.1.25:443`): references with no side in the match. */
  private translationReferences(value: Expanded): void {
    for (const item of value.items) {
      const target = translationTarget(item.text);
      const address = target?.address;
      // `--to 40` (the string match's offset) is no address: only dotted or bracketed ones are.
      if (!address || !/\d/.test(address) || (!address.includes('.') && !item.text.startsWith('['))) continue;
      const offset = item.text.startsWith('[') ? 1 : 0;
      const exact = item.end - item.start === item.text.length;
      const first = address.split('-')[0]!;
      this.addressReference(exact ? { text: first, start: item.start + offset, end: item.start + offset + first.length } : { text: first, start: item.start, end: item.end }, 'other');
    }
  }

  /**
   * DNAT's action: the addresses and ports of its `--to-destination` values, each side only when
   * every value states it (`:8443` keeps the address, a variable set elsewhere leaves it unknown).
   */
  private dnatAction(values: readonly Expanded[], family: Family): RuleAction {
    const to: IpInterval[] = [];
    const toPorts: PortRange[] = [];
    let addressesKnown = values.length > 0;
    let portsKnown = values.length > 0;
    for (const value of values) {
      const targets = value.unresolved ? [] : value.items.map((item) => translationTarget(item.text));
      if (targets.length === 0 || targets.some((x) => x === undefined)) {
        addressesKnown = portsKnown = false;
        continue;
      }
      for (const target of targets) {
        const interval = target?.address ? translationInterval(target.address) : undefined;
        if (interval && interval.family === family) to.push(interval);
        else addressesKnown = false;
        const ports = target?.ports ? translationPorts(target.ports) : undefined;
        if (ports) toPorts.push(ports);
        else portsKnown = false;
      }
    }
    return { type: 'dnat', ...(addressesKnown ? { to: mergeIntervals(to) } : {}), ...(portsKnown ? { toPorts } : {}) };
  }

  /** `-s` and `--src-range` on one rule both have to match; the model keeps one set per side. */
  private combineAddress(rule: Rule, side: 'sources' | 'destinations', match: AddressMatch, unknownConditions: string[], word: Expanded): void {
    const existing = rule[side];
    if (!existing) {
      rule[side] = match;
      return;
    }
    if (!existing.negated && !match.negated && !existing.unresolved && !match.unresolved) {
      existing.intervals = intersectIntervals(existing.intervals, match.intervals);
      existing.referenceIds.push(...match.referenceIds);
      return;
    }
    unknownConditions.push(`${match.negated ? '! ' : ''}${word.text} ${match.referenceIds.map((id) => this.references[id]!.text).join(',')}`);
  }

  private addressMatch(value: Expanded, role: ReferenceRole, negated: boolean, family: Family, ranges: boolean): AddressMatch {
    const match: AddressMatch = { referenceIds: [], intervals: [], negated };
    if (value.unresolved) match.unresolved = t('variable {0} is set outside this file', value.unresolved);
    for (const item of value.items) {
      for (const piece of this.splitList(item, /[,\s]+/)) {
        const id = ranges ? this.rangeReference(piece, role) : this.addressReference(piece, role);
        match.referenceIds.push(id);
        const ref = this.references[id]!;
        const reason = unresolvedReason(ref);
        if (reason) match.unresolved ??= reason;
        if (!ref.interval) continue;
        if (ref.interval.family !== family) {
          this.problemRange(
            ref.range,
            family === 4 ? t('{0} is an IPv6 address in an iptables (IPv4) rule', ref.text) : t('{0} is an IPv4 address in an ip6tables (IPv6) rule', ref.text),
          );
          continue;
        }
        match.intervals.push(ref.interval);
      }
    }
    return match;
  }

  /** `443`, `3478:3481`, `:1023`, `https`, and comma lists of them (multiport). */
  private ports(value: Expanded, rangeSeparator: string): PortRange[] | undefined {
    const out: PortRange[] = [];
    for (const item of value.items) {
      for (const piece of this.splitList(item, /,/)) {
        const sep = piece.text.indexOf(rangeSeparator);
        if (sep < 0) {
          const n = portNumber(piece.text);
          if (n === undefined) {
            this.problem(piece.start, piece.end, t('Invalid port {0}', piece.text));
            return undefined;
          }
          out.push({ from: n, to: n });
          continue;
        }
        const fromText = piece.text.slice(0, sep);
        const toText = piece.text.slice(sep + 1);
        const from = fromText === '' ? 0 : portNumber(fromText);
        const to = toText === '' ? 65535 : portNumber(toText);
        if (from === undefined || to === undefined) {
          this.problem(piece.start, piece.end, t('Invalid port {0}', piece.text));
          return undefined;
        }
        if (from > to) {
          // iptables refuses the whole command ("invalid portrange (min > max)"); it never reaches the kernel.
          this.problem(piece.start, piece.end, t('Invalid port range {0}: the first port is above the second, which iptables refuses', piece.text));
          return undefined;
        }
        out.push({ from, to });
      }
    }
    if (value.unresolved) {
      this.problem(value.start, value.end, t('Port list {0} is set outside this file', value.unresolved), 'warning');
      return [FULL_PORT_RANGE];
    }
    return out;
  }

  private finish(): Parsed<IptablesVendor> {
    const families = new Set<Family>();
    for (const chain of this.chains.values()) families.add(chain.family);
    const both = families.has(4) && families.has(6);
    const idOf = (key: string): string => {
      const [family, table, chain] = key.split('|') as [string, string, string];
      return iptablesListId(Number(family) as Family, table, chain, both);
    };

    for (const use of this.jumpUses) {
      const target = this.chains.get(use.key);
      if (!target) {
        const [, table] = use.key.split('|');
        const looksLikeTarget = /^[A-Z][A-Z0-9_]*$/.test(use.name);
        const message = looksLikeTarget ? t('Unknown target or chain {0}', use.name) : t('Chain {0} is not defined in table {1}', use.name, table ?? 'filter');
        this.problemRange(use.range, message, use.save ? 'error' : 'warning');
      }
      if (use.rule.action.type === 'jump' || use.rule.action.type === 'goto') use.rule.action.target = idOf(use.key);
    }

    for (const use of this.setUses) {
      const set = this.ipsets.get(use.name);
      const role: ReferenceRole = use.side === 'sources' ? 'source' : 'destination';
      const match: AddressMatch = { referenceIds: [], intervals: [], negated: use.negated };
      if (!set) match.unresolved = t('ipset {0} is filled outside this file', use.name);
      else if (set.members.length === 0) match.unresolved = t('ipset {0} has no members in this file', use.name);
      else {
        for (const member of set.members) {
          let id = member.referenceId;
          const ref = this.references[id]!;
          if (ref.role === 'other') ref.role = role;
          else if (ref.role !== role) {
            const copy: Reference = { ...ref, role };
            id = this.references.length;
            this.references.push(copy);
          }
          match.referenceIds.push(id);
          if (member.interval && member.interval.family === use.family) match.intervals.push(member.interval);
        }
      }
      const existing = use.rule[use.side];
      if (!existing) use.rule[use.side] = match;
      else {
        use.rule.unknownConditions = [...(use.rule.unknownConditions ?? []), `match-set ${use.name}`];
      }
    }

    const ruleLists: RuleList[] = [];
    const paths: EvaluationPath[] = [];
    const directions: Record<string, TrafficDirection> = { INPUT: 'inbound', OUTPUT: 'outbound', FORWARD: 'forward' };
    for (const family of [...families].sort()) {
      const hasFilter = [...this.chains.values()].some((c) => c.family === family && c.table === 'filter');
      if (!hasFilter) continue;
      const anchor = [...this.chains.values()].find((c) => c.family === family && c.table === 'filter')!.headerRange;
      for (const name of BUILTIN_CHAINS.filter!) this.chain(family, 'filter', name, anchor, true);
    }
    for (const [key, chain] of this.chains) {
      const id = idOf(key);
      const list: RuleList = {
        id,
        name: `${chain.chain} (${chain.table}${chain.family === 6 ? ', IPv6' : ''})`,
        kind: 'packet-filter',
        rules: chain.rules,
        range: chain.headerRange,
        families: [chain.family],
      };
      if (chain.builtin) list.defaultAction = chain.policy ?? 'accept';
      if (chain.builtin && chain.policyRange) list.defaultRange = chain.policyRange;
      ruleLists.push(list);
      const direction = chain.table === 'filter' && chain.builtin && Object.hasOwn(directions, chain.chain) ? directions[chain.chain] : undefined;
      if (direction) {
        paths.push({ id, name: `${chain.family === 6 ? 'ip6tables' : 'iptables'} ${chain.chain}`, direction, stages: [id], range: chain.headerRange });
      }
    }

    const prerouting = [...families].sort().filter((f) => this.chains.has(`${f}|nat|PREROUTING`)).map((f) => idOf(`${f}|nat|PREROUTING`));

    const vendor: IptablesVendor = {
      style: this.sawSaveSyntax ? 'save' : 'script',
      families: [...families].sort(),
      ipsets: [...this.ipsets.values()].map((s) => ({
        name: s.name,
        type: s.type,
        family: s.family ?? s.members.find((m) => m.interval)?.interval?.family ?? 4,
        referenceIds: s.members.map((m) => m.referenceId),
        createOptions: s.options,
        uses: this.setUses.filter((u) => u.name === s.name).map((u) => ({ rule: u.rule, side: u.side, negated: u.negated })),
      })),
      loops: this.loops,
      restoreBodies: this.restoreBodies,
    };
    // Problems in document order, whichever pass found them.
    this.problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    const model: ConfigModel = { dialect: 'iptables', references: this.references, ruleLists, paths, problems: this.problems, comments: this.comments, limits: this.limits };
    if (prerouting.length > 0) {
      model.prerouting = prerouting;
      // nat PREROUTING and the nat chains it jumps to decide destination NAT before routing.
      for (const list of reachableLists(model, prerouting)) list.kind = 'destination-nat';
    }
    return { vendor, model };
  }
}

/** Classifies one address token the way iptables reads `-s`/`-d` and ipset entries. */
export function classifyAddress(text: string): Omit<Reference, 'range' | 'role' | 'text'> {
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const suffix = text.slice(slash + 1);
    if (suffix.includes('.')) {
      const result = parseNetmaskPair(text.slice(0, slash), suffix);
      if (result.ok) return { kind: 'netmask', interval: cidrToInterval(result.value), ...(result.value.hostBitsSet ? { hostBitsSet: true } : {}) };
      return { kind: 'netmask', invalidReason: result.reason };
    }
    const result = parseCidr(text);
    if (result.ok) return { kind: 'cidr', interval: cidrToInterval(result.value), ...(result.value.hostBitsSet ? { hostBitsSet: true } : {}) };
    return { kind: 'cidr', invalidReason: result.reason };
  }
  const ip = parseIp(text);
  if (ip.ok) {
    return { kind: ip.value.family === 4 ? 'ipv4' : 'ipv6', interval: { family: ip.value.family, first: ip.value.value, last: ip.value.value } };
  }
  if (HOSTNAME.test(text) && !/^[0-9.]+$/.test(text) && !text.includes(':')) {
    return { kind: 'hostname', hostMatchers: [{ kind: 'exact', host: text.replace(/\.$/, '').toLowerCase() }] };
  }
  return { kind: text.includes(':') ? 'ipv6' : 'ipv4', invalidReason: ip.reason };
}

export function parseIptables(text: string, context: ParseContext = {}): Parsed<IptablesVendor> {
  try {
    return new IptablesParser(text, context).parse();
  } catch (error) {
    return { vendor: { style: 'save', families: [], ipsets: [], loops: [], restoreBodies: [] }, model: parserFailureModel('iptables', 'iptables', error) };
  }
}
