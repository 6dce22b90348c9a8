import { cidrToInterval, parseAddressRange, parseCidr, parseNetmaskPair, type AddressParseResult, type Cidr, type IpInterval } from '../../model/address';
import type { Comment, PortRange, Reference, ReferenceKind, SyntaxProblem } from '../../model/config';
import type { LineIndex, Range } from '../../model/range';
import { t } from '../../l10n';
import type { FortiToken } from './lexer';
import { keywordOf, type ConfigBlock, type ConfigTree, type EditEntry, type Setting } from './tree';
import type { AddressValue, FortiAddress, FortiAddressGroup, FortiInterface, FortiPolicy, FortiScope, FortiService, FortiServiceGroup, FortiSslExemption, FortiSslProfile, FortiVendor, FortiZone, Member, ServicePorts } from './vendor';

/** `80`, `443:1024-65535`, `10000-20000`: one value of a `*-portrange`; undefined when it is not one. */
export function parsePortRange(text: string): Omit<ServicePorts, 'protocol'> | undefined {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?(?::(\d{1,5})(?:-(\d{1,5}))?)?$/.exec(text);
  if (!match) return undefined;
  const range = (a: string, b: string | undefined): PortRange | undefined => {
    const from = Number(a);
    const to = b === undefined ? from : Number(b);
    return from <= to && to <= 65535 ? { from, to } : undefined;
  };
  const ports = range(match[1]!, match[2]);
  if (!ports) return undefined;
  if (match[3] === undefined) return { ports: [ports] };
  const source = range(match[3], match[4]);
  return source ? { ports: [ports], sourcePorts: [source] } : undefined;
}

/**
 * Reads the typed objects out of the configuration tree and records a reference for every address
 * token. FortiOS `show` leaves out settings at their defaults, so an absent `type` is `ipmask`, an
 * absent `subnet` 0.0.0.0/0, an absent `action` deny and an absent `status` enable.
 */
export class ObjectReader {
  readonly references: Reference[] = [];
  readonly problems: SyntaxProblem[];
  readonly comments: Comment[];
  /** Addresses an object with no `subnet` stands for: everything of its family. */
  readonly whole = new Map<string, IpInterval>();

  constructor(
    private readonly lines: LineIndex,
    private readonly tree: ConfigTree,
  ) {
    this.problems = tree.problems;
    this.comments = tree.comments;
  }

  private range(start: number, end: number): Range {
    return this.lines.rangeOf(start, end);
  }

  /** Where a value stands without its quotes, so a range holds exactly the name or address. */
  private valueRange(token: FortiToken): Range {
    const closed = token.quoted && token.end - token.start >= 2 && this.lines.text[token.end - 1] === this.lines.text[token.start];
    return token.quoted ? this.range(token.start + 1, closed ? token.end - 1 : token.end) : this.range(token.start, token.end);
  }

  private warn(range: Range, message: string): void {
    this.problems.push({ range, message, severity: 'warning' });
  }

  private reference(text: string, kind: ReferenceKind, tokens: readonly FortiToken[], parsed: AddressParseResult<IpInterval>, hostBitsSet = false): number {
    const first = tokens[0]!;
    const last = tokens[tokens.length - 1]!;
    const reference: Reference = { text, kind, role: 'other', range: { start: this.valueRange(first).start, end: this.valueRange(last).end } };
    if (parsed.ok) reference.interval = parsed.value;
    else reference.invalidReason = parsed.reason;
    if (hostBitsSet) reference.hostBitsSet = true;
    this.references.push(reference);
    return this.references.length - 1;
  }

  private cidrReference(text: string, kind: ReferenceKind, tokens: readonly FortiToken[], parsed: AddressParseResult<Cidr>): number {
    if (!parsed.ok) return this.reference(text, kind, tokens, parsed);
    return this.reference(text, kind, tokens, { ok: true, value: cidrToInterval(parsed.value) }, parsed.value.hostBitsSet);
  }

  private hostReference(text: string, kind: 'hostname' | 'host-wildcard', token: FortiToken): number {
    const host = text.toLowerCase().replace(/\.$/, '');
    const reference: Reference = { text, kind, role: 'other', range: this.valueRange(token), hostMatchers: [kind === 'hostname' ? { kind: 'exact', host } : { kind: 'glob', glob: host }] };
    this.references.push(reference);
    return this.references.length - 1;
  }

  private members(setting: Setting | undefined): Member[] {
    return setting ? setting.values.map((v) => ({ name: v.text, range: this.valueRange(v) })) : [];
  }

  private addressValue(entry: EditEntry, family: 4 | 6): AddressValue | undefined {
    const type = keywordOf(entry.settings.get('type')) ?? 'ipmask';
    if (type === 'ipmask' || type === 'ipprefix') {
      const setting = entry.settings.get(family === 4 ? 'subnet' : 'ip6');
      if (!setting || setting.values.length === 0) return undefined;
      const [a, b] = setting.values;
      if (family === 4 && b) return { type: 'ipmask', refId: this.cidrReference(`${a!.text} ${b.text}`, 'netmask', [a!, b], parseNetmaskPair(a!.text, b.text)) };
      const text = a!.text;
      const cidr = text.includes('/') ? text : `${text}/${family === 4 ? 32 : 128}`;
      return { type: 'ipmask', refId: this.cidrReference(text, text.includes('/') ? 'cidr' : family === 4 ? 'ipv4' : 'ipv6', [a!], parseCidr(cidr)) };
    }
    if (type === 'iprange') {
      const start = entry.settings.get('start-ip')?.values[0];
      const end = entry.settings.get('end-ip')?.values[0] ?? start;
      if (!start || !end) return undefined;
      return { type: 'iprange', refId: this.reference(`${start.text}-${end.text}`, 'range', start === end ? [start] : [start, end], parseAddressRange(start.text, end.text)) };
    }
    if (type === 'fqdn') {
      const token = entry.settings.get('fqdn')?.values[0];
      if (!token) return undefined;
      return { type: 'fqdn', refId: this.hostReference(token.text, 'hostname', token), host: token.text.toLowerCase() };
    }
    if (type === 'wildcard-fqdn') {
      const token = entry.settings.get('wildcard-fqdn')?.values[0];
      if (!token) return undefined;
      return { type: 'wildcard-fqdn', refId: this.hostReference(token.text, 'host-wildcard', token), pattern: token.text.toLowerCase() };
    }
    return { type: 'other', kind: type };
  }

  private address(entry: EditEntry, family: 4 | 6): FortiAddress {
    const value = this.addressValue(entry, family);
    const comment = entry.settings.get('comment')?.values[0]?.text;
    return { name: entry.name, family, range: entry.range, ...(value ? { value } : {}), ...(comment !== undefined ? { comment } : {}) };
  }

  private group(entry: EditEntry, family: 4 | 6): FortiAddressGroup {
    const exclude = keywordOf(entry.settings.get('exclude')) === 'enable' ? this.members(entry.settings.get('exclude-member')) : [];
    return { name: entry.name, family, range: entry.range, members: this.members(entry.settings.get('member')), exclude };
  }

  private service(entry: EditEntry): FortiService {
    const protocol = (keywordOf(entry.settings.get('protocol')) ?? 'tcp/udp/sctp').toUpperCase();
    const service: FortiService = { name: entry.name, range: entry.range, protocol, ports: [] };
    if (protocol === 'TCP/UDP/SCTP' || protocol === 'TCP/UDP/UDP-LITE/SCTP') {
      for (const p of ['tcp', 'udp', 'sctp'] as const) {
        for (const value of entry.settings.get(`${p}-portrange`)?.values ?? []) {
          const parsed = parsePortRange(value.text);
          if (parsed) service.ports.push({ protocol: p, ...parsed });
          else this.warn(this.valueRange(value), t('"{0}" is not a port range (80, 1000-2000, or 443:1024-65535 with source ports).', value.text));
        }
      }
      const iprange = entry.settings.get('iprange')?.values[0]?.text;
      const fqdn = entry.settings.get('fqdn')?.values[0]?.text;
      if (iprange !== undefined && iprange !== '0.0.0.0') service.destinationLimit = iprange;
      else if (fqdn !== undefined && fqdn !== '') service.destinationLimit = fqdn;
    } else if (protocol === 'IP') {
      const number = Number(entry.settings.get('protocol-number')?.values[0]?.text ?? '0');
      service.protocolNumber = Number.isInteger(number) ? number : 0;
    }
    return service;
  }

  private policy(entry: EditEntry, ipv6Table: boolean): FortiPolicy {
    const s = entry.settings;
    const action = s.get('action');
    const on = (key: string): boolean => keywordOf(s.get(key)) === 'enable';
    const isdbNames = on('internet-service') ? [...this.members(s.get('internet-service-name')), ...this.members(s.get('internet-service-id'))] : [];
    const profile = s.get('ssl-ssh-profile')?.values[0];
    const name = s.get('name')?.values[0]?.text;
    const schedule = s.get('schedule')?.values[0]?.text;
    const comments = s.get('comments')?.values[0]?.text;
    return {
      id: entry.name,
      idRange: entry.nameRange,
      ...(name !== undefined ? { name } : {}),
      range: entry.range,
      lines: entry.lines,
      srcintf: this.members(s.get('srcintf')),
      dstintf: this.members(s.get('dstintf')),
      srcaddr: this.members(s.get('srcaddr')),
      dstaddr: this.members(s.get('dstaddr')),
      srcaddr6: this.members(s.get('srcaddr6')),
      dstaddr6: this.members(s.get('dstaddr6')),
      srcaddrNegate: on('srcaddr-negate'),
      dstaddrNegate: on('dstaddr-negate'),
      service: this.members(s.get('service')),
      serviceNegate: on('service-negate'),
      action: keywordOf(action) ?? 'deny',
      actionRange: action?.range ?? entry.nameRange,
      disabled: keywordOf(s.get('status')) === 'disable',
      ...(schedule !== undefined ? { schedule } : {}),
      internetService: isdbNames,
      internetServiceGroups: on('internet-service') ? this.members(s.get('internet-service-group')) : [],
      internetServiceCustom: on('internet-service') ? this.members(s.get('internet-service-custom')) : [],
      users: this.members(s.get('users')),
      groups: this.members(s.get('groups')),
      ...(profile ? { sslSshProfile: { name: profile.text, range: this.valueRange(profile) } } : {}),
      // Before FortiOS 6.2 a policy names its profiles without a switch; `utm-status` says so from then on.
      utm: keywordOf(s.get('utm-status')) !== 'disable' && (s.has('utm-status') || s.has('ssl-ssh-profile')),
      ...(comments !== undefined ? { comments } : {}),
      ipv6Table,
    };
  }

  private sslProfile(entry: EditEntry): FortiSslProfile {
    const profile: FortiSslProfile = { name: entry.name, range: entry.range, deep: false, inspectAll: false, httpsPorts: [{ from: 443, to: 443 }], exemptions: [] };
    for (const child of entry.children) {
      const section = child.path.join(' ');
      if (section === 'https' || section === 'ssl') {
        const mode = child.settings.get('inspect-all') ?? child.settings.get('status');
        if (keywordOf(mode) === 'deep-inspection') {
          profile.deep = true;
          profile.deepRange = mode!.range;
          if (section === 'ssl') profile.inspectAll = true;
        }
        const ports = child.settings.get('ports');
        if (section === 'https' && ports) profile.httpsPorts = ports.values.flatMap((v) => parsePortRange(v.text)?.ports ?? []);
      } else if (section === 'ssl-exempt') {
        for (const row of child.entries) {
          const type = keywordOf(row.settings.get('type')) ?? 'fortiguard-category';
          const key = type === 'fortiguard-category' ? 'fortiguard-category' : type;
          const exemption: FortiSslExemption = { id: row.name, range: row.range, type, names: this.members(row.settings.get(key)) };
          profile.exemptions.push(exemption);
        }
      }
    }
    return profile;
  }

  private newScope(vdom: string): FortiScope {
    return { vdom, addresses: new Map(), addressGroups: new Map(), services: new Map(), serviceGroups: new Map(), zones: new Map(), sslProfiles: new Map(), policies: [], policyTables: [] };
  }

  private readBlock(block: ConfigBlock, scope: FortiScope, interfaces: Map<string, FortiInterface>): void {
    const path = block.path.join(' ');
    for (const entry of block.entries) {
      switch (path) {
        case 'firewall address':
          scope.addresses.set(entry.name, this.address(entry, 4));
          break;
        case 'firewall address6':
          scope.addresses.set(`6:${entry.name}`, this.address(entry, 6));
          break;
        case 'firewall addrgrp':
          scope.addressGroups.set(entry.name, this.group(entry, 4));
          break;
        case 'firewall addrgrp6':
          scope.addressGroups.set(`6:${entry.name}`, this.group(entry, 6));
          break;
        case 'firewall service custom':
          scope.services.set(entry.name, this.service(entry));
          break;
        case 'firewall service group':
          scope.serviceGroups.set(entry.name, { name: entry.name, range: entry.range, members: this.members(entry.settings.get('member')) } satisfies FortiServiceGroup);
          break;
        case 'firewall ssl-ssh-profile':
          scope.sslProfiles.set(entry.name, this.sslProfile(entry));
          break;
        case 'system zone':
          scope.zones.set(entry.name, { name: entry.name, range: entry.range, interfaces: this.members(entry.settings.get('interface')) } satisfies FortiZone);
          break;
        case 'system interface': {
          const role = keywordOf(entry.settings.get('role'));
          const vdom = entry.settings.get('vdom')?.values[0]?.text;
          interfaces.set(entry.name, { name: entry.name, range: entry.range, ...(role ? { role } : {}), ...(vdom !== undefined ? { vdom } : {}) });
          break;
        }
        default:
          break;
      }
    }
    if (path === 'firewall policy' || path === 'firewall policy6') {
      scope.policyTables.push(block);
      for (const entry of block.entries) {
        const existing = scope.policies.findIndex((p) => p.id === entry.name);
        const policy = this.policy(entry, path === 'firewall policy6');
        // A table written twice (a script after the `show` output) adds to the same policy list.
        if (existing >= 0) scope.policies[existing] = policy;
        else scope.policies.push(policy);
      }
      for (const move of block.moves) {
        if (move.applied) continue;
        const from = scope.policies.findIndex((p) => p.id === move.name);
        const to = scope.policies.findIndex((p) => p.id === move.other);
        if (from < 0 || to < 0 || from === to) {
          this.warn(move.range, t('"move" names a policy this file does not have, so the order stays as it is.'));
          continue;
        }
        // A move in a later table reorders policies of an earlier one.
        const [policy] = scope.policies.splice(from, 1);
        const target = scope.policies.findIndex((p) => p.id === move.other);
        scope.policies.splice(move.where === 'before' ? target : target + 1, 0, policy!);
      }
    }
  }

  /** The vendor model of the whole tree: one scope per VDOM, or one for a file without them. */
  read(): FortiVendor {
    const interfaces = new Map<string, FortiInterface>();
    const scopes = new Map<string, FortiScope>();
    const scope = (vdom: string): FortiScope => {
      let s = scopes.get(vdom);
      if (!s) {
        s = this.newScope(vdom);
        scopes.set(vdom, s);
      }
      return s;
    };
    let hasVdoms = false;
    const walk = (blocks: readonly ConfigBlock[], vdom: string): void => {
      for (const block of blocks) {
        const path = block.path.join(' ');
        if (path === 'vdom') {
          hasVdoms = true;
          for (const entry of block.entries) walk(entry.children, entry.name);
          continue;
        }
        if (path === 'global') {
          walk(block.children, vdom);
          continue;
        }
        this.readBlock(block, scope(vdom), interfaces);
      }
    };
    walk(this.tree.blocks, '');
    const list = [...scopes.values()].filter((s) => !(hasVdoms && s.vdom === '' && s.policies.length === 0 && s.addresses.size === 0));
    return { scopes: list.length > 0 ? list : [this.newScope('')], interfaces, hasVdoms, openAtEnd: this.tree.openAtEnd };
  }
}

