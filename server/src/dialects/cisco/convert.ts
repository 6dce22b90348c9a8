import { mergePorts } from '../../model/ports';
import type { IpInterval } from '../../model/address';
import type { AddressMatch, ConfigModel, EvaluationPath, PortRange, Rule, RuleList, TrafficDirection, UndefinedFilter } from '../../model/config';
import { t } from '../../l10n';
import { IPV4_ANY, IPV6_ANY } from './addresses';
import { lineRange, rangeOnLine } from './lexer';
import { markUse, pushTokenProblem } from './reader';
import { GroupResolver } from './resolve';
import type { AccessList, AclBinding, AclEntry, AddressSpec, CiscoAcl, CiscoBinding, CiscoConfig, CiscoNetworkGroup, CiscoRead, CiscoVendor, PortSpec, ProtocolSpec } from './vendor';

/** Interface name words that say which side of the device a binding faces; see directionOf. */
const OUTSIDE_WORDS = new Set(['outside', 'internet', 'wan', 'untrust', 'untrusted', 'external', 'isp']);
const INSIDE_WORDS = new Set(['inside', 'lan', 'trust', 'trusted', 'internal']);

/**
 * Which way traffic crosses a binding, from the interface's name: a list applied `in` on an
 * Internet-facing interface (outside, internet, wan, untrust, external, isp) sees inbound traffic
 * and `out` there sees outbound; on an inside-facing interface (inside, lan, trust, internal) `in`
 * sees traffic leaving for the Internet and `out` traffic arriving from it. Anything else (dmz,
 * GigabitEthernet0/1 without a telling description, ASA `global`) is 'forward'. Names are split
 * into words so Vlan10 does not read as "lan" and untrust is not read as "trust".
 */
export function directionOf(names: readonly (string | undefined)[], direction: 'in' | 'out' | 'global'): TrafficDirection {
  if (direction === 'global') return 'forward';
  for (const name of names) {
    if (name === undefined) continue;
    const words = name.toLowerCase().split(/[^a-z]+/);
    if (words.some((w) => OUTSIDE_WORDS.has(w))) return direction === 'in' ? 'inbound' : 'outbound';
    if (words.some((w) => INSIDE_WORDS.has(w))) return direction === 'in' ? 'outbound' : 'inbound';
  }
  return 'forward';
}

/** Turns the configuration the grammar read into rule lists and paths, and the summary placement reads. */
class Converter {
  private readonly config: CiscoConfig;
  private readonly groups: GroupResolver;
  private readonly undefinedFilters: UndefinedFilter[] = [];
  /** ACL entries naming each network group, filled as lists are built. */
  private readonly groupUses = new Map<string, CiscoNetworkGroup['uses']>();

  constructor(private readonly read: CiscoRead) {
    this.config = read.config;
    this.groups = new GroupResolver(read);
  }

  convert(): { vendor: CiscoVendor; model: ConfigModel } {
    const ruleLists: RuleList[] = [];
    const acls: CiscoAcl[] = [];
    for (const state of this.config.accessLists.values()) {
      ruleLists.push(this.buildList(state));
      const uses = this.config.otherUses.get(state.acl.name);
      const acl: CiscoAcl = uses === undefined ? { ...state.acl } : { ...state.acl, usedFor: uses };
      if (state.sequenced) acl.sequences = sequencesOf(state);
      acls.push(acl);
    }
    const paths = this.buildPaths(ruleLists);
    for (let id = 0; id < this.read.references.length; id++) {
      if (this.read.roleDecided[id]) continue;
      const use = this.read.referenceUse[id] ?? 0;
      const reference = this.read.references[id]!;
      reference.role = use === 1 ? 'source' : use === 2 ? 'destination' : 'other';
    }
    const networkGroups: CiscoNetworkGroup[] = [];
    const mentions = this.wordCounts();
    for (const def of this.config.networkObjects.values()) {
      const resolved = this.groups.resolveNetwork(def.name, 0);
      const uses = this.groupUses.get(def.name) ?? [];
      const group: CiscoNetworkGroup = { name: def.name, kind: def.kind, intervals: resolved.intervals, range: def.range, uses, otherMentions: (mentions.get(def.name) ?? 0) - 1 - uses.length };
      if (resolved.unresolved !== undefined) group.unresolved = resolved.unresolved;
      if (def.lastMemberLine !== undefined) group.lastMemberLine = def.lastMemberLine;
      networkGroups.push(group);
    }
    const vendor: CiscoVendor = {
      platform: this.config.platform,
      networkGroups,
      acls,
      bindings: this.config.bindings.map((b) => {
        const binding: CiscoBinding = { acl: b.acl, direction: b.direction, range: lineRange(b.line) };
        const interfaceName = b.interfaceState?.name ?? b.interfaceName;
        if (interfaceName !== undefined) binding.interfaceName = interfaceName;
        return binding;
      }),
    };
    if (this.config.hostname !== undefined) vendor.hostname = this.config.hostname;
    const model: ConfigModel = { dialect: 'cisco', references: this.read.references, ruleLists, paths, problems: this.read.problems, comments: this.read.comments, limits: this.read.limits };
    if (this.undefinedFilters.length > 0) model.undefinedFilters = this.undefinedFilters;
    return { vendor, model };
  }

  /** How often each word occurs in the file, to tell where a group is named. */
  private wordCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const line of this.read.lines) for (const token of line.tokens) if (this.config.networkObjects.has(token.text)) counts.set(token.text, (counts.get(token.text) ?? 0) + 1);
    return counts;
  }

  private buildList(state: AccessList): RuleList {
    const drafts = state.sequenced ? state.entries.filter((d) => d.removed !== true).sort((a, b) => a.sequence - b.sequence) : applyInsertions(state.entries);
    const rules: Rule[] = [];
    const families = new Set<4 | 6>();
    for (const draft of drafts) {
      for (const [side, spec] of [['source', draft.source], ['destination', draft.destination]] as const) {
        if (spec.type !== 'named') continue;
        const uses = this.groupUses.get(spec.name) ?? [];
        uses.push({ listId: state.acl.listId, line: draft.line.line, side, accept: draft.accept });
        this.groupUses.set(spec.name, uses);
      }
      const source = this.addressMatch(draft.source, 'source');
      const destination = this.addressMatch(draft.destination, 'destination');
      const sourcePorts = this.portRangesOf(draft.sourcePorts);
      const destinationPorts = this.portRangesOf(draft.destinationPorts);
      for (const f of source.families) if (destination.families.has(f)) families.add(f);
      const base: Rule = {
        range: lineRange(draft.line),
        actionRange: rangeOnLine(draft.line, draft.actionToken.start, draft.actionToken.end),
        action: draft.accept ? { type: 'accept' } : { type: 'drop' },
        text: draft.text,
      };
      if (source.match !== undefined) base.sources = source.match;
      if (destination.match !== undefined) base.destinations = destination.match;
      if (draft.comment !== undefined) base.comment = draft.comment;
      const unknown = [...draft.unknownConditions];
      if (sourcePorts.unresolved !== undefined) unknown.push(sourcePorts.unresolved);
      if (destinationPorts.unresolved !== undefined) unknown.push(destinationPorts.unresolved);
      for (const combination of this.serviceCombinations(draft.protocol, sourcePorts.ranges, destinationPorts.ranges, unknown)) {
        const rule: Rule = { ...base };
        if (combination.protocol !== null) rule.protocols = [combination.protocol];
        if (combination.sourcePorts !== undefined) rule.sourcePorts = combination.sourcePorts;
        if (combination.destinationPorts !== undefined) rule.destinationPorts = combination.destinationPorts;
        if (combination.unknown.length > 0) rule.unknownConditions = combination.unknown;
        rules.push(rule);
      }
    }
    const list: RuleList = {
      id: state.acl.listId,
      name: state.acl.form === 'ipv6' ? t('IPv6 access list {0}', state.acl.name) : t('access list {0}', state.acl.name),
      kind: 'packet-filter',
      rules,
      defaultAction: 'drop',
      range: state.headerRange,
    };
    if (state.acl.form === 'ipv6') list.families = [6];
    else if (state.acl.form === 'ios-named' || state.acl.form === 'ios-numbered' || this.config.legacyAsa) list.families = [4];
    else if (families.size === 1) list.families = [...families];
    return list;
  }

  /**
   * A service group in the protocol position stands for several protocol/port combinations; each
   * becomes its own rule (same line, same range) so first-match order is kept exactly. Entries with
   * the same protocol and source ports are joined.
   */
  private serviceCombinations(
    protocol: ProtocolSpec,
    sourcePorts: PortRange[] | undefined,
    destinationPorts: PortRange[] | undefined,
    unknown: string[],
  ): Array<{ protocol: string | null; sourcePorts?: PortRange[]; destinationPorts?: PortRange[]; unknown: string[] }> {
    if (protocol.type === 'protocol') {
      const one: { protocol: string | null; sourcePorts?: PortRange[]; destinationPorts?: PortRange[]; unknown: string[] } = { protocol: protocol.protocol, unknown };
      if (sourcePorts !== undefined) one.sourcePorts = sourcePorts;
      if (destinationPorts !== undefined) one.destinationPorts = destinationPorts;
      return [one];
    }
    const resolved = this.groups.resolveService(protocol.name, 0, protocol.line, protocol.token);
    const extraUnknown = resolved.unresolved !== undefined ? [...unknown, resolved.unresolved] : unknown;
    if (resolved.entries.length === 0) return [{ protocol: null, unknown: extraUnknown.length > 0 ? extraUnknown : [t('service object {0} has no entries', protocol.name)] }];
    const joined = new Map<string, { protocol: string | null; sourcePorts?: PortRange[]; destinationPorts?: PortRange[]; unknown: string[] }>();
    for (const entry of resolved.entries) {
      const entrySource = entry.sourcePorts ?? sourcePorts;
      const entryDestination = entry.destinationPorts ?? destinationPorts;
      const key = `${entry.protocol ?? '*'}|${entrySource === undefined ? '*' : JSON.stringify(entrySource)}`;
      const existing = joined.get(key);
      if (existing !== undefined) {
        if (existing.destinationPorts === undefined || entryDestination === undefined) delete existing.destinationPorts;
        else existing.destinationPorts = mergePorts([...existing.destinationPorts, ...entryDestination]);
        continue;
      }
      const combination: { protocol: string | null; sourcePorts?: PortRange[]; destinationPorts?: PortRange[]; unknown: string[] } = {
        protocol: entry.protocol,
        unknown: extraUnknown,
      };
      if (entrySource !== undefined) combination.sourcePorts = entrySource;
      if (entryDestination !== undefined) combination.destinationPorts = entryDestination;
      joined.set(key, combination);
    }
    return [...joined.values()];
  }

  private addressMatch(spec: AddressSpec, role: 'source' | 'destination'): { match: AddressMatch | undefined; families: Set<4 | 6> } {
    switch (spec.type) {
      case 'any':
        if (spec.family === undefined) return { match: undefined, families: new Set([4, 6]) };
        return {
          match: { referenceIds: [], intervals: [spec.family === 4 ? IPV4_ANY : IPV6_ANY], negated: false },
          families: new Set([spec.family]),
        };
      case 'literal': {
        for (const id of spec.refIds) markUse(this.read, id, role);
        const match: AddressMatch = { referenceIds: spec.refIds, intervals: spec.intervals, negated: false };
        if (spec.unresolved !== undefined) match.unresolved = spec.unresolved;
        return { match, families: familiesOf(spec.intervals, spec.unresolved !== undefined) };
      }
      case 'named': {
        const resolved = this.groups.resolveNetwork(spec.name, 0, spec.line, spec.token);
        this.groups.markGroupUse(spec.name, role, 0);
        const match: AddressMatch = { referenceIds: resolved.refIds, intervals: resolved.intervals, negated: false };
        if (resolved.unresolved !== undefined) match.unresolved = resolved.unresolved;
        resolved.families ??= familiesOf(resolved.intervals, resolved.unresolved !== undefined);
        return { match, families: resolved.families };
      }
      case 'interface':
        return {
          match: { referenceIds: [], intervals: [], negated: false, unresolved: t('the address of interface {0} is known only to the device', spec.name) },
          families: new Set([4, 6]),
        };
    }
  }

  private portRangesOf(spec: PortSpec | undefined): { ranges?: PortRange[]; unresolved?: string } {
    if (spec === undefined) return {};
    if (spec.type === 'ranges') return { ranges: spec.ranges };
    const resolved = this.groups.resolveService(spec.name, 0, spec.line, spec.token);
    const ranges: PortRange[] = [];
    for (const entry of resolved.entries) for (const r of entry.destinationPorts ?? []) ranges.push(r);
    const result: { ranges?: PortRange[]; unresolved?: string } = { ranges: mergePorts(ranges) };
    if (resolved.unresolved !== undefined) result.unresolved = resolved.unresolved;
    return result;
  }

  /**
   * One path per binding. On ASA an interface's `in` list is read with the global list after it
   * (what neither matches meets the implicit deny), and the global list alone filters traffic
   * entering an interface without an `in` list. A list bound nowhere is evaluated on its own and
   * named as not bound, unless another command uses it to select routes, VPN or NAT traffic.
   */
  private buildPaths(lists: readonly RuleList[]): EvaluationPath[] {
    const paths: EvaluationPath[] = [];
    const bound = new Set<string>();
    const byId = new Map(lists.map((l) => [l.id, l]));
    const targetsOf = (binding: AclBinding): string[] => {
      const candidates: string[] = [];
      if (binding.families !== 'ipv6') candidates.push(`ACL ${binding.acl}`);
      if (binding.families !== 'ip') candidates.push(`IPv6 ACL ${binding.acl}`);
      return candidates.filter((id) => byId.has(id));
    };
    const resolved = this.config.bindings.map((binding) => ({ binding, targets: targetsOf(binding) }));
    const globals = resolved.filter((r) => r.binding.direction === 'global' && r.targets.length > 0);
    const globalOf = (listId: string): { listId: string; binding: AclBinding } | undefined => {
      const family = listId.startsWith('IPv6 ') ? 'IPv6 ' : '';
      for (const g of globals) {
        const match = g.targets.find((id) => (id.startsWith('IPv6 ') ? 'IPv6 ' : '') === family);
        if (match !== undefined) return { listId: match, binding: g.binding };
      }
      return undefined;
    };
    const filtered = new Set<string>();
    for (const { binding, targets } of resolved) {
      if (targets.length === 0) {
        this.undefinedBinding(binding);
        continue;
      }
      for (const listId of targets) bound.add(listId);
      // Traffic to the device itself (vty logins, ASA control plane) is never a Microsoft 365 flow.
      if (binding.management || binding.direction === 'global') continue;
      const iface = binding.interfaceState;
      const interfaceName = iface?.nameif ?? iface?.name ?? binding.interfaceName;
      if (binding.direction === 'in' && interfaceName !== undefined) filtered.add(interfaceName);
      const direction = directionOf([iface?.nameif, iface?.name ?? binding.interfaceName, iface?.description], binding.direction);
      for (const listId of targets) {
        const global = binding.direction === 'in' ? globalOf(listId) : undefined;
        const name = global
          ? t('ACL {0} on {1} in, then ACL {2} global', binding.acl, interfaceName ?? '', global.binding.acl)
          : t('ACL {0} on {1} {2}', binding.acl, interfaceName ?? '', binding.direction);
        paths.push({
          id: `${listId} @${binding.line.line + 1}`,
          name: targets.length > 1 && listId.startsWith('IPv6') ? `${name} (IPv6)` : name,
          direction,
          stages: global ? [listId, global.listId] : [listId],
          ...(global ? { stageOrder: 'first-match' as const } : {}),
          range: lineRange(binding.line),
        });
      }
    }
    for (const { binding, targets } of globals) paths.push(...this.globalPaths(binding, targets, filtered));
    for (const list of lists) {
      if (bound.has(list.id)) continue;
      // A list that only selects routes, VPN or NAT traffic filters nothing; a list with no use in
      // this file may be bound elsewhere, so it is evaluated on its own.
      const aclName = list.id.replace(/^(IPv6 )?ACL /, '');
      if (this.config.otherUses.has(aclName)) continue;
      list.name = list.id.startsWith('IPv6 ') ? t('IPv6 access list {0} (not bound to an interface)', aclName) : t('access list {0} (not bound to an interface)', aclName);
      paths.push({ id: list.id, name: t('ACL {0} (not bound to an interface)', aclName), stages: [list.id], range: list.range });
    }
    return paths;
  }

  /**
   * The global list on its own: for each named interface without an `in` list, in the direction
   * its name says; once, as forwarded traffic, when the file declares no named interfaces.
   */
  private globalPaths(binding: AclBinding, targets: readonly string[], filtered: ReadonlySet<string>): EvaluationPath[] {
    const named = this.config.interfaces.filter((i) => i.nameif !== undefined);
    const open = named.filter((i) => !filtered.has(i.nameif!));
    const range = lineRange(binding.line);
    const paths: EvaluationPath[] = [];
    for (const listId of targets) {
      const suffix = targets.length > 1 && listId.startsWith('IPv6') ? ' (IPv6)' : '';
      if (named.length === 0) {
        paths.push({ id: `${listId} @${binding.line.line + 1}`, name: t('ACL {0} global', binding.acl) + suffix, direction: 'forward', stages: [listId], range });
        continue;
      }
      for (const iface of open) {
        paths.push({
          id: `${listId} @${binding.line.line + 1} ${iface.nameif!}`,
          name: t('ACL {0} global, on {1} in', binding.acl, iface.nameif!) + suffix,
          direction: directionOf([iface.nameif, iface.name, iface.description], 'in'),
          stages: [listId],
          range,
        });
      }
    }
    return paths;
  }

  /**
   * A binding of a list the file does not define. IOS accepts it and filters nothing there until
   * the list exists; ASA refuses the command.
   */
  private undefinedBinding(binding: AclBinding): void {
    const token = binding.aclToken;
    if (this.config.platform !== 'ios') {
      pushTokenProblem(this.read, binding.line, token, t('Access list {0} is not defined in this file.', binding.acl), 'warning');
      return;
    }
    const command = binding.management ? 'access-class' : binding.families === 'ipv6' ? 'ipv6 traffic-filter' : 'ip access-group';
    this.undefinedFilters.push({
      range: rangeOnLine(binding.line, token.start, token.end),
      message: t('Access list {0} is not defined in this file. IOS accepts {1} with it anyway and permits all traffic here until the list exists.', binding.acl, command),
    });
  }
}

/**
 * Final order of entries that were each inserted at a position of the list as it was then (ASA
 * `access-list NAME line N`; appends insert at the end). Placed from the last insertion back,
 * each entry takes the free slot its position names, found in a Fenwick tree, so a file of many
 * `line 1` commands stays O(n log n) instead of shifting the array each time.
 */
function applyInsertions(drafts: readonly AclEntry[]): AclEntry[] {
  const n = drafts.length;
  const tree = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    tree[i]! += 1;
    const parent = i + (i & -i);
    if (parent <= n) tree[parent]! += tree[i]!;
  }
  let top = 1;
  while (top * 2 <= n) top *= 2;
  const out = new Array<AclEntry>(n);
  for (let k = n - 1; k >= 0; k--) {
    const draft = drafts[k]!;
    // The (position + 1)-th free slot, by binary lifting over the tree.
    let remaining = draft.sequence + 1;
    let slot = 0;
    for (let step = top; step > 0; step >>= 1) {
      const next = slot + step;
      if (next <= n && tree[next]! < remaining) {
        slot = next;
        remaining -= tree[next]!;
      }
    }
    out[slot] = draft;
    for (let i = slot + 1; i <= n; i += i & -i) tree[i]! -= 1;
  }
  return out;
}

/** The numbers a sequenced list holds on the device: its live entries and its numbered remarks, in order. */
function sequencesOf(state: AccessList): Array<{ line: number; sequence: number }> {
  const entries = [...state.live.values()].map((d) => ({ line: d.line.line, sequence: d.sequence }));
  return [...entries, ...state.numberedRemarks].sort((a, b) => a.sequence - b.sequence);
}

function familiesOf(intervals: readonly IpInterval[], unresolved: boolean): Set<4 | 6> {
  const families = new Set<4 | 6>();
  for (const iv of intervals) families.add(iv.family);
  if (unresolved || families.size === 0) return new Set([4, 6]);
  return families;
}

/** The common model of a Cisco configuration, and the summary of it that placement and rendering read. */
export function convertCisco(read: CiscoRead): { vendor: CiscoVendor; model: ConfigModel } {
  return new Converter(read).convert();
}
