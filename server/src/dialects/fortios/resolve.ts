import { mergeIntervals, minusIntervals, type IpInterval } from '../../model/address';
import type { Annotation, Reference } from '../../model/config';
import { MAX_OBJECT_GROUP_DEPTH } from '../../limits';
import type { SyntaxProblem } from '../../model/config';
import { t } from '../../l10n';
import { PREDEFINED_SERVICE_GROUPS, PREDEFINED_SERVICES, predefinedAddress } from './predefined';
import type { FortiScope, Member, ServicePorts } from './vendor';

const WHOLE: Record<4 | 6, IpInterval> = {
  4: { family: 4, first: 0n, last: (1n << 32n) - 1n },
  6: { family: 6, first: 0n, last: (1n << 128n) - 1n },
};

/** The addresses a name stands for, the references that say so, and what makes them unknown; `any` for `all`. */
export interface ResolvedAddresses {
  any: boolean;
  intervals: IpInterval[];
  refIds: number[];
  unresolved: string[];
}

export type ResolvedServices = { any: true; unresolved: string[] } | { any: false; entries: ServicePorts[]; unresolved: string[] };

/**
 * Names looked up the way the FortiGate does for one VDOM: addresses and groups of the family the
 * policy field holds (srcaddr/dstaddr IPv4, srcaddr6/dstaddr6 IPv6), services and groups, then the
 * objects every unit ships with. Problems for names defined nowhere are reported once per place.
 */
export class Resolver {
  private readonly reported = new Set<string>();

  constructor(
    private readonly scope: FortiScope,
    private readonly references: readonly Reference[],
    private readonly problems: SyntaxProblem[],
    private readonly annotations: Annotation[],
  ) {}

  private notDefined(member: Member, message: string): void {
    const key = `${member.range.start.line}:${member.range.start.character}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.problems.push({ range: member.range, message, severity: 'warning' });
  }

  /** One policy side: the members of one family, `all` making it any. */
  side(members: readonly Member[], family: 4 | 6): ResolvedAddresses {
    const out: ResolvedAddresses = { any: false, intervals: [], refIds: [], unresolved: [] };
    for (const member of members) {
      const inner = this.address(member, family, 0, new Set());
      if (inner.any) return { any: true, intervals: [], refIds: [], unresolved: [] };
      out.intervals.push(...inner.intervals);
      out.refIds.push(...inner.refIds);
      out.unresolved.push(...inner.unresolved);
    }
    return { ...out, intervals: mergeIntervals(out.intervals), unresolved: [...new Set(out.unresolved)] };
  }

  private key(name: string, family: 4 | 6): string {
    return family === 4 ? name : `6:${name}`;
  }

  private address(member: Member, family: 4 | 6, depth: number, seen: Set<string>): ResolvedAddresses {
    const name = member.name;
    const object = this.scope.addresses.get(this.key(name, family));
    if (object) {
      const value = object.value;
      if (!value) {
        // `show` leaves out a subnet of 0.0.0.0 0.0.0.0, so an address without one is everything.
        return { any: false, intervals: [WHOLE[family]], refIds: [], unresolved: [] };
      }
      if (value.type === 'fqdn') {
        this.annotations.push({ range: member.range, markdown: t('**{0}** is an FQDN address for {1}: the FortiGate resolves the name itself and matches the addresses it gets, which can differ from what clients are given, so policies using it are left unknown.', name, value.host) });
        return { any: false, intervals: [], refIds: [value.refId], unresolved: [t('FQDN address {0} ({1}) is resolved by the FortiGate at run time', name, value.host)] };
      }
      if (value.type === 'wildcard-fqdn') {
        this.annotations.push({ range: member.range, markdown: t('**{0}** is a wildcard FQDN address for {1}: the FortiGate learns its addresses from the DNS answers it sees, so policies using it are left unknown.', name, value.pattern) });
        return { any: false, intervals: [], refIds: [value.refId], unresolved: [t('wildcard FQDN address {0} ({1}) is learnt from DNS traffic at run time', name, value.pattern)] };
      }
      if (value.type === 'other') return { any: false, intervals: [], refIds: [], unresolved: [t('address {0} of type {1} is worked out by the FortiGate at run time', name, value.kind)] };
      const interval = this.references[value.refId]?.interval;
      return { any: false, intervals: interval ? [interval] : [], refIds: [value.refId], unresolved: [] };
    }
    const group = this.scope.addressGroups.get(this.key(name, family));
    if (group) {
      if (seen.has(name) || depth >= MAX_OBJECT_GROUP_DEPTH) return { any: false, intervals: [], refIds: [], unresolved: [t('address group {0} contains itself', name)] };
      seen.add(name);
      const out: ResolvedAddresses = { any: false, intervals: [], refIds: [], unresolved: [] };
      for (const inner of group.members) {
        const r = this.address(inner, family, depth + 1, seen);
        out.intervals.push(...(r.any ? [WHOLE[family]] : r.intervals));
        out.refIds.push(...r.refIds);
        out.unresolved.push(...r.unresolved);
      }
      for (const inner of group.exclude) {
        const r = this.address(inner, family, depth + 1, seen);
        out.intervals = minusIntervals(mergeIntervals(out.intervals), r.any ? [WHOLE[family]] : r.intervals);
        out.refIds.push(...r.refIds);
        out.unresolved.push(...r.unresolved);
      }
      seen.delete(name);
      return { any: false, intervals: mergeIntervals(out.intervals), refIds: out.refIds, unresolved: [...new Set(out.unresolved)] };
    }
    const predefined = predefinedAddress(name);
    if (predefined === 'all') return { any: true, intervals: [], refIds: [], unresolved: [] };
    if (predefined === 'none') return { any: false, intervals: [], refIds: [], unresolved: [] };
    this.notDefined(member, family === 4 ? t('Address "{0}" is not defined in this file.', name) : t('IPv6 address "{0}" is not defined in this file.', name));
    return { any: false, intervals: [], refIds: [], unresolved: [t('address {0} is not defined in this file', name)] };
  }

  /** The pattern of an FQDN or wildcard-FQDN address, for messages. */
  hostPattern(name: string): string | undefined {
    const value = this.scope.addresses.get(name)?.value;
    return value?.type === 'fqdn' ? value.host : value?.type === 'wildcard-fqdn' ? value.pattern : undefined;
  }

  /** A policy's service list: `ALL` matches everything, the rest by their objects. */
  services(members: readonly Member[]): ResolvedServices {
    const out: Extract<ResolvedServices, { any: false }> = { any: false, entries: [], unresolved: [] };
    for (const member of members) if (this.service(member, 0, new Set(), out)) return { any: true, unresolved: [] };
    return out;
  }

  /** Adds what a service name stands for; true when it matches all traffic. */
  private service(member: Member, depth: number, seen: Set<string>, out: Extract<ResolvedServices, { any: false }>): boolean {
    const name = member.name;
    const object = this.scope.services.get(name);
    if (object) {
      if (object.protocol === 'IP') {
        if (object.protocolNumber === 0) return true;
        return false;
      }
      if (object.destinationLimit !== undefined) out.unresolved.push(t('service {0} also limits the destination to {1}', name, object.destinationLimit));
      out.entries.push(...object.ports);
      return false;
    }
    const group = this.scope.serviceGroups.get(name);
    if (group) {
      if (seen.has(name) || depth >= MAX_OBJECT_GROUP_DEPTH) return false;
      seen.add(name);
      let any = false;
      for (const inner of group.members) any = this.service(inner, depth + 1, seen, out) || any;
      seen.delete(name);
      return any;
    }
    const predefined = PREDEFINED_SERVICES.get(name);
    if (predefined) {
      out.entries.push(...predefined.ports);
      return predefined.everything === true;
    }
    const predefinedGroup = PREDEFINED_SERVICE_GROUPS.get(name);
    if (predefinedGroup) {
      for (const inner of predefinedGroup) out.entries.push(...(PREDEFINED_SERVICES.get(inner)?.ports ?? []));
      return false;
    }
    this.notDefined(member, t('Service "{0}" is not defined in this file.', name));
    out.unresolved.push(t('service {0} is not defined in this file', name));
    return false;
  }
}

