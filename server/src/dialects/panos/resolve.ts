import { mergeIntervals, type IpInterval } from '../../model/address';
import type { Annotation, PortRange } from '../../model/config';
import { t } from '../../l10n';
import { looksLikeAddress, type VendorBuilder } from './builder';
import { describeList, isPredefinedList, PREDEFINED_SERVICES } from './predefined';
import type { Member, PanosScope } from './vendor';

/** Object groups nest at most this deep; PAN-OS allows far less, and it bounds the recursion. */
const MAX_GROUP_DEPTH = 32;

/** The addresses a name stands for, the references that say so, and what makes them unknown. */
export interface ResolvedAddresses {
  intervals: IpInterval[];
  refIds: number[];
  unresolved: string[];
}

export interface ServiceEntry {
  protocol: 'tcp' | 'udp' | 'sctp';
  ports: PortRange[];
  sourcePorts?: PortRange[];
}

export type ResolvedServices = { any: true; unresolved: string[] } | { any: false; entries: ServiceEntry[]; unresolved: string[] };

/**
 * Names resolved the way the firewall looks them up for one rulebase: in its own scope, then in
 * `shared`, then among the predefined objects; an address written in place of a name is an
 * address. Answers are kept per name, since rules repeat the same objects.
 */
export class Resolver {
  private readonly addressCache = new Map<string, ResolvedAddresses>();
  private readonly literalRefs = new WeakMap<Member, number>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly b: VendorBuilder,
    private readonly scopes: readonly PanosScope[],
    private readonly annotations: Annotation[],
  ) {}

  private notDefined(member: Member, message: string): void {
    const key = `${member.range.start.line}:${member.range.start.character}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.b.problems.push({ range: member.range, message, severity: 'warning' });
  }

  private note(member: Member, markdown: string): void {
    this.annotations.push({ range: member.range, markdown });
  }

  /** A rule's source or destination member. */
  addressMember(member: Member): ResolvedAddresses {
    const named = this.address(member.name, 0, new Set());
    if (named) {
      this.noteAddress(member);
      return named;
    }
    if (looksLikeAddress(member.name)) {
      let refId = this.literalRefs.get(member);
      if (refId === undefined) {
        const start = this.b.lines.offsetAt(member.range.start);
        refId = this.b.literalMember(member.name, start, start + member.name.length, 'other');
        this.literalRefs.set(member, refId);
      }
      const interval = this.b.references[refId]!.interval;
      return { intervals: interval ? [interval] : [], refIds: [refId], unresolved: [] };
    }
    this.notDefined(member, t('Address "{0}" is not defined in this file.', member.name));
    return { intervals: [], refIds: [], unresolved: [t('address {0} is not defined in this file', member.name)] };
  }

  /** Hover notes for a member that names a list or a host the firewall resolves itself. */
  private noteAddress(member: Member): void {
    for (const scope of this.scopes) {
      const list = scope.externalLists.get(member.name);
      if (list) {
        this.note(member, describeList(list.name, list.url).note);
        return;
      }
      const address = scope.addresses.get(member.name);
      if (address) {
        if (address.value?.type === 'fqdn') this.note(member, t('**{0}** is an FQDN object for {1}: the firewall resolves the name itself and matches the addresses it gets, which can differ from what clients are given, so rules using it are left unknown.', member.name, address.value.host));
        return;
      }
      if (scope.addressGroups.has(member.name)) return;
    }
    if (isPredefinedList(member.name)) this.note(member, describeList(member.name, undefined).note);
  }

  private address(name: string, depth: number, seen: Set<string>): ResolvedAddresses | undefined {
    const cached = this.addressCache.get(name);
    if (cached) return cached;
    const result = this.lookupAddress(name, depth, seen);
    if (result && depth === 0) this.addressCache.set(name, result);
    return result;
  }

  private lookupAddress(name: string, depth: number, seen: Set<string>): ResolvedAddresses | undefined {
    for (const scope of this.scopes) {
      const object = scope.addresses.get(name);
      if (object) {
        const value = object.value;
        if (!value) return { intervals: [], refIds: [], unresolved: [t('address {0} has no value in this file', name)] };
        if (value.type === 'fqdn') return { intervals: [], refIds: [value.refId], unresolved: [t('FQDN object {0} ({1}) is resolved by the firewall at run time', name, value.host)] };
        const reference = this.b.references[value.refId]!;
        const runs = this.b.wildcardRuns.get(value.refId);
        if (value.type === 'ip-wildcard' && !runs && !reference.invalidReason) return { intervals: [], refIds: [value.refId], unresolved: [t('the wildcard mask of {0} is too scattered to check', name)] };
        const intervals = runs ?? (reference.interval ? [reference.interval] : []);
        return { intervals, refIds: [value.refId], unresolved: [] };
      }
      const group = scope.addressGroups.get(name);
      if (group) {
        if (!group.members) return { intervals: [], refIds: [], unresolved: [t('dynamic address group {0} gets its members at run time (filter {1})', name, group.dynamicFilter ?? '')] };
        if (seen.has(name) || depth >= MAX_GROUP_DEPTH) return { intervals: [], refIds: [], unresolved: [t('address group {0} contains itself', name)] };
        seen.add(name);
        const out: ResolvedAddresses = { intervals: [], refIds: [], unresolved: [] };
        for (const member of group.members) {
          const inner = this.lookupAddress(member.name, depth + 1, seen) ?? this.literalInGroup(member);
          out.intervals.push(...inner.intervals);
          out.refIds.push(...inner.refIds);
          out.unresolved.push(...inner.unresolved);
        }
        seen.delete(name);
        return { intervals: mergeIntervals(out.intervals), refIds: out.refIds, unresolved: [...new Set(out.unresolved)] };
      }
      const list = scope.externalLists.get(name);
      if (list) return { intervals: [], refIds: [], unresolved: [describeList(name, list.url).reason] };
    }
    if (isPredefinedList(name)) return { intervals: [], refIds: [], unresolved: [describeList(name, undefined).reason] };
    return undefined;
  }

  /** A group member that names nothing the file defines. */
  private literalInGroup(member: Member): ResolvedAddresses {
    this.notDefined(member, t('Address "{0}" is not defined in this file.', member.name));
    return { intervals: [], refIds: [], unresolved: [t('address {0} is not defined in this file', member.name)] };
  }

  /** A rule's service list: `any` and `application-default` match every port (see convert), the rest by their objects. */
  services(members: readonly Member[]): ResolvedServices {
    if (members.length === 0 || members.some((m) => m.name === 'any' || m.name === 'application-default')) return { any: true, unresolved: [] };
    const out: ResolvedServices = { any: false, entries: [], unresolved: [] };
    for (const member of members) this.service(member, 0, new Set(), out);
    return out;
  }

  /** Adds what a service name stands for; a name defined nowhere makes the rule's match unknown, and is reported. */
  private service(member: Member, depth: number, seen: Set<string>, out: Extract<ResolvedServices, { any: false }>): void {
    const name = member.name;
    for (const scope of this.scopes) {
      const object = scope.services.get(name);
      if (object) {
        if (object.protocol) out.entries.push({ protocol: object.protocol, ports: object.ports, ...(object.sourcePorts ? { sourcePorts: object.sourcePorts } : {}) });
        return;
      }
      const group = scope.serviceGroups.get(name);
      if (group) {
        if (seen.has(name) || depth >= MAX_GROUP_DEPTH) return;
        seen.add(name);
        for (const inner of group.members) this.service(inner, depth + 1, seen, out);
        seen.delete(name);
        return;
      }
    }
    const predefined = PREDEFINED_SERVICES.get(name);
    if (predefined) {
      out.entries.push({ protocol: predefined.protocol, ports: predefined.ports });
      return;
    }
    this.notDefined(member, t('Service "{0}" is not defined in this file.', name));
    out.unresolved.push(t('service {0} is not defined in this file', name));
  }
}
