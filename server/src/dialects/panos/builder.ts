import { cidrToInterval, parseAddressRange, parseCidr, parseIpv4, type IpInterval } from '../../model/address';
import type { Comment, Reference, ReferenceKind, ReferenceRole, SyntaxProblem } from '../../model/config';
import type { LineIndex, Range } from '../../model/range';
import { t } from '../../l10n';
import type { AddressValue, PanosForm, PanosRule, PanosScope, PanosVendor, RulebaseName, ScopeKind } from './vendor';

/** What a literal address token is, when it is one: its reference kind, interval and host bits. */
export interface LiteralAddress {
  kind: ReferenceKind;
  interval?: IpInterval;
  hostBitsSet?: boolean;
  invalidReason?: string;
}

/** Looks like an address someone meant (digits and dots, or hex and colons), so a bad one is reported rather than taken for a name. */
export function looksLikeAddress(text: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}(\/\d+)?$/.test(text) || /^\d{1,3}(\.\d{1,3}){3}-\d{1,3}(\.\d{1,3}){3}$/.test(text) || (/^[0-9A-Fa-f:.]+(\/\d+)?(-[0-9A-Fa-f:.]+)?$/.test(text) && (text.match(/:/g)?.length ?? 0) >= 2);
}

/** `10.0.0.0/8`, `10.1.1.1`, `2001:db8::/32`: an `ip-netmask` value or an address written in a rule. */
export function netmaskAddress(text: string): LiteralAddress {
  const dash = text.indexOf('-');
  if (dash > 0 && !text.includes('/')) return rangeAddress(text);
  const parsed = parseCidr(text);
  const kind: ReferenceKind = text.includes('/') ? 'cidr' : text.includes(':') ? 'ipv6' : 'ipv4';
  if (!parsed.ok) return { kind, invalidReason: parsed.reason };
  return { kind, interval: cidrToInterval(parsed.value), ...(parsed.value.hostBitsSet ? { hostBitsSet: true } : {}) };
}

/** `10.0.0.1-10.0.0.9`: an `ip-range` value. */
export function rangeAddress(text: string): LiteralAddress {
  const dash = text.indexOf('-');
  if (dash <= 0) return { kind: 'range', invalidReason: 'range-reversed' };
  const parsed = parseAddressRange(text.slice(0, dash), text.slice(dash + 1));
  return parsed.ok ? { kind: 'range', interval: parsed.value } : { kind: 'range', invalidReason: parsed.reason };
}

/** More addresses than this in a scattered wildcard are left unknown instead of listed one by one. */
const MAX_WILDCARD_INTERVALS = 4096;

/**
 * `10.0.0.5/0.0.255.0`: the address with the mask's bits free. PAN-OS allows masks with holes, so the
 * match is a set of runs; the reference's interval is set only when it is one run.
 */
export function wildcardAddress(text: string): LiteralAddress & { intervals?: IpInterval[]; tooScattered?: boolean } {
  const slash = text.indexOf('/');
  if (slash < 0) return { kind: 'wildcard-mask', invalidReason: 'bad-wildcard-mask' };
  const address = parseIpv4(text.slice(0, slash));
  if (!address.ok) return { kind: 'wildcard-mask', invalidReason: address.reason };
  const mask = parseIpv4(text.slice(slash + 1));
  if (!mask.ok) return { kind: 'wildcard-mask', invalidReason: 'bad-wildcard-mask' };
  const free = mask.value;
  const base = address.value & (free ^ 0xffffffffn);
  // The lowest free bits that are contiguous from bit 0 make each run; the other free bits multiply the runs.
  let runBits = 0;
  while (runBits < 32 && ((free >> BigInt(runBits)) & 1n) === 1n) runBits++;
  const scattered: number[] = [];
  for (let bit = runBits; bit < 32; bit++) if (((free >> BigInt(bit)) & 1n) === 1n) scattered.push(bit);
  const runSize = 1n << BigInt(runBits);
  if (scattered.length === 0) return { kind: 'wildcard-mask', interval: { family: 4, first: base, last: base + runSize - 1n }, intervals: [{ family: 4, first: base, last: base + runSize - 1n }] };
  if (2 ** scattered.length > MAX_WILDCARD_INTERVALS) return { kind: 'wildcard-mask', tooScattered: true };
  const intervals: IpInterval[] = [];
  for (let combination = 0; combination < 2 ** scattered.length; combination++) {
    let value = base;
    scattered.forEach((bit, i) => {
      if ((combination >> i) & 1) value |= 1n << BigInt(bit);
    });
    intervals.push({ family: 4, first: value, last: value + runSize - 1n });
  }
  intervals.sort((a, b) => (a.first < b.first ? -1 : 1));
  return { kind: 'wildcard-mask', intervals };
}

function emptyScope(kind: ScopeKind, name: string, setPrefix: string[]): PanosScope {
  return {
    kind,
    name,
    setPrefix,
    addresses: new Map(),
    addressGroups: new Map(),
    services: new Map(),
    serviceGroups: new Map(),
    externalLists: new Map(),
    zones: new Map(),
    rules: [],
    defaults: {},
    ruleLines: [],
  };
}

/** Values of `yes`/`no` fields. */
export function isYes(text: string): boolean {
  return text.toLowerCase() === 'yes';
}

/**
 * What both grammars build into: the scopes and their objects, the references of every address
 * token, problems and comments. Later definitions of an object replace or extend earlier ones the
 * way the device applies commands in order.
 */
export class VendorBuilder {
  readonly references: Reference[] = [];
  readonly problems: SyntaxProblem[] = [];
  readonly comments: Comment[] = [];
  private readonly scopes = new Map<string, PanosScope>();
  /** Scattered wildcards expand to many runs; kept by reference id so the conversion reuses them. */
  readonly wildcardRuns = new Map<number, IpInterval[]>();
  panorama = false;
  /** Commands or elements read, so a file of them that yields nothing is told from an empty one. */
  statements = 0;

  constructor(
    readonly lines: LineIndex,
    readonly form: PanosForm,
  ) {}

  range(start: number, end: number): Range {
    return this.lines.rangeOf(start, end);
  }

  problem(start: number, end: number, message: string, severity: 'error' | 'warning' = 'error'): void {
    this.problems.push({ range: this.range(start, end), message, severity });
  }

  comment(start: number, end: number, text: string): void {
    this.comments.push({ range: this.range(start, end), text });
  }

  scope(kind: ScopeKind, name: string): PanosScope {
    const key = `${kind}:${name}`;
    let scope = this.scopes.get(key);
    if (!scope) {
      const prefix = kind === 'shared' ? ['shared'] : kind === 'device-group' ? ['device-group', name] : name === 'vsys1' ? [] : ['vsys', name];
      scope = emptyScope(kind, name, prefix);
      this.scopes.set(key, scope);
    }
    return scope;
  }

  private addReference(text: string, start: number, end: number, literal: LiteralAddress, role: ReferenceRole): number {
    const reference: Reference = { text, kind: literal.kind, role, range: this.range(start, end) };
    if (literal.interval) reference.interval = literal.interval;
    if (literal.hostBitsSet) reference.hostBitsSet = true;
    if (literal.invalidReason) reference.invalidReason = literal.invalidReason;
    this.references.push(reference);
    return this.references.length - 1;
  }

  /** An address object's value: `ip-netmask`, `ip-range`, `ip-wildcard` or `fqdn`. */
  addressValue(type: string, text: string, start: number, end: number): AddressValue | undefined {
    switch (type) {
      case 'ip-netmask':
        return { type, refId: this.addReference(text, start, end, netmaskAddress(text), 'other') };
      case 'ip-range':
        return { type, refId: this.addReference(text, start, end, rangeAddress(text), 'other') };
      case 'ip-wildcard': {
        const wildcard = wildcardAddress(text);
        const refId = this.addReference(text, start, end, wildcard, 'other');
        if (wildcard.intervals) this.wildcardRuns.set(refId, wildcard.intervals);
        if (wildcard.tooScattered) this.problem(start, end, t('The wildcard mask of {0} frees too many scattered bits to be checked; rules naming it are left unknown.', text), 'warning');
        return { type, refId };
      }
      case 'fqdn': {
        const host = text.toLowerCase().replace(/\.$/, '');
        const reference: Reference = { text, kind: 'hostname', role: 'other', range: this.range(start, end), hostMatchers: [{ kind: 'exact', host }] };
        this.references.push(reference);
        return { type, refId: this.references.length - 1, host };
      }
      default:
        return undefined;
    }
  }

  /** An address written directly in a rule's source or destination. */
  literalMember(text: string, start: number, end: number, role: ReferenceRole): number {
    return this.addReference(text, start, end, netmaskAddress(text), role);
  }

  /** A rule as the first command or element that names it leaves it: every list empty, universal. */
  newRule(name: string, rulebase: RulebaseName, nameRange: Range, range: Range): PanosRule {
    return {
      name,
      rulebase,
      range,
      lines: [range.start.line],
      nameRange,
      from: [],
      to: [],
      source: [],
      destination: [],
      negateSource: false,
      negateDestination: false,
      sourceUser: [],
      category: [],
      application: [],
      service: [],
      hipProfiles: [],
      sourceHip: [],
      destinationHip: [],
      sourceDevice: [],
      destinationDevice: [],
      disabled: false,
      ruleType: 'universal',
    };
  }

  vendor(): PanosVendor {
    return { form: this.form, scopes: [...this.scopes.values()], panorama: this.panorama };
  }
}
