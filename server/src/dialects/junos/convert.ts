import { mergeIntervals, type IpInterval } from '../../model/address';
import { mergePorts } from '../../model/ports';
import type { AddressMatch, Annotation, ConfigModel, EvaluationPath, PortRange, Rule, RuleList } from '../../model/config';
import type { Range } from '../../model/range';
import { t } from '../../l10n';
import { MAX_OBJECT_GROUP_DEPTH } from '../../limits';
import { directionOf, facesInternet, markRolesByUse } from '../zones';
import type { Built } from './grammar';
import { PREDEFINED_APPLICATIONS } from './predefined';
import { pairKey, type AddressBook, type ApplicationTerm, type JunosPolicy, type JunosVendor, type Member } from './vendor';

/** The pseudo zone of a file that names none: its global policies apply from any zone to any zone. */
export const ANY_ZONE = 'any';

/** A rule list of the common model: one zone pair, its zone policies and then the global ones. */
export interface JunosPairList {
  from: string;
  to: string;
  /** For each rule of the list, the policy it comes from. */
  policies: JunosPolicy[];
}

interface Resolved {
  intervals: IpInterval[];
  refIds: number[];
  unresolved: string[];
  /** The host of a `dns-name` address, for the hover. */
  dnsName?: string;
}

const ANY_IPV4: IpInterval = { family: 4, first: 0n, last: 0xffffffffn };
const ANY_IPV6: IpInterval = { family: 6, first: 0n, last: (1n << 128n) - 1n };

/** Whether a policy can match traffic from one zone to another. */
export function applies(policy: JunosPolicy, from: string, to: string): boolean {
  if (policy.pair) return policy.pair.from === from && policy.pair.to === to;
  const inside = (zones: readonly Member[], zone: string): boolean => zones.length === 0 || zones.some((z) => z.name === 'any' || z.name === zone);
  return inside(policy.fromZones, from) && inside(policy.toZones, to);
}

/**
 * Names looked up the way the device does: in the address books attached to the zone the address
 * belongs to (the from-zone for a source, the to-zone for a destination), then in the global book.
 */
class Resolver {
  private readonly reported = new Set<string>();

  constructor(
    private readonly built: Built,
    private readonly annotations: Annotation[],
  ) {}

  private booksFor(zone: string | undefined): AddressBook[] {
    const books = this.built.vendor.books;
    return [...books.filter((b) => zone !== undefined && b.zones.includes(zone)), ...books.filter((b) => b.global)];
  }

  private warn(member: Member, message: string): void {
    const key = `${member.range.start.line}:${member.range.start.character}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.built.problems.push({ range: member.range, message, severity: 'warning' });
  }

  address(member: Member, zone: string | undefined): Resolved {
    if (member.name === 'any-ipv4') return { intervals: [ANY_IPV4], refIds: [], unresolved: [] };
    if (member.name === 'any-ipv6') return { intervals: [ANY_IPV6], refIds: [], unresolved: [] };
    const books = this.booksFor(zone);
    const found = this.lookup(member.name, books, 0, new Set());
    if (found?.dnsName !== undefined) this.annotations.push({ range: member.range, markdown: t('**{0}** is a dns-name address for {1}: the device resolves the name itself and matches the addresses it gets, which can differ from what clients are given, so policies using it are left unknown.', member.name, found.dnsName) });
    if (found) return found;
    this.warn(member, zone !== undefined ? t('Address "{0}" is not in the global address book or one of zone {1}.', member.name, zone) : t('Address "{0}" is not in the global address book.', member.name));
    return { intervals: [], refIds: [], unresolved: [t('address {0} is not defined in this file', member.name)] };
  }

  private lookup(name: string, books: readonly AddressBook[], depth: number, seen: Set<string>): Resolved | undefined {
    for (const book of books) {
      const entry = book.addresses.get(name);
      if (entry) {
        const value = entry.value;
        if (!value) return { intervals: [], refIds: [], unresolved: [t('address {0} has no value in this file', name)] };
        const reference = this.built.references[value.refId]!;
        if (value.kind === 'dns-name') return { intervals: [], refIds: [value.refId], unresolved: [t('dns-name address {0} ({1}) is resolved by the device at run time', name, value.host)], dnsName: value.host };
        if (value.kind === 'wildcard-address') {
          const runs = this.built.wildcardRuns.get(value.refId);
          if (!runs) return { intervals: [], refIds: [value.refId], unresolved: reference.invalidReason ? [] : [t('the wildcard address of {0} is too scattered to check', name)] };
          return { intervals: runs, refIds: [value.refId], unresolved: [] };
        }
        return { intervals: reference.interval ? [reference.interval] : [], refIds: [value.refId], unresolved: [] };
      }
      const set = book.sets.get(name);
      if (set) {
        if (seen.has(name) || depth >= MAX_OBJECT_GROUP_DEPTH) return { intervals: [], refIds: [], unresolved: [t('address-set {0} contains itself', name)] };
        seen.add(name);
        const out: Resolved = { intervals: [], refIds: [], unresolved: [] };
        for (const member of [...set.addresses, ...set.sets]) {
          const inner = this.lookup(member.name, [book], depth + 1, seen) ?? this.lookup(member.name, books, depth + 1, seen);
          if (!inner) {
            this.warn(member, t('Address "{0}" is not in the address book {1}.', member.name, book.legacyZone ?? book.name));
            out.unresolved.push(t('address {0} is not defined in this file', member.name));
            continue;
          }
          out.intervals.push(...inner.intervals);
          out.refIds.push(...inner.refIds);
          out.unresolved.push(...inner.unresolved);
        }
        seen.delete(name);
        return { intervals: mergeIntervals(out.intervals), refIds: out.refIds, unresolved: [...new Set(out.unresolved)] };
      }
    }
    return undefined;
  }

  /** The terms an application name stands for; `undefined` for `any`. */
  applications(members: readonly Member[]): { terms: ApplicationTerm[]; unresolved: string[] } | undefined {
    if (members.some((m) => m.name === 'any')) return undefined;
    const out = { terms: [] as ApplicationTerm[], unresolved: [] as string[] };
    for (const member of members) this.application(member, 0, new Set(), out);
    return out;
  }

  private application(member: Member, depth: number, seen: Set<string>, out: { terms: ApplicationTerm[]; unresolved: string[] }): void {
    const { vendor } = this.built;
    const own = vendor.applications.get(member.name);
    if (own) {
      for (const term of own.terms) {
        if (term.unknownPort !== undefined) out.unresolved.push(t('application {0} names port {1}, which is not known here', member.name, term.unknownPort));
        else out.terms.push(term);
      }
      if (own.terms.length === 0) out.unresolved.push(t('application {0} has no protocol in this file', member.name));
      return;
    }
    const set = vendor.applicationSets.get(member.name);
    if (set) {
      if (seen.has(member.name) || depth >= MAX_OBJECT_GROUP_DEPTH) return;
      seen.add(member.name);
      for (const inner of [...set.applications, ...set.sets]) this.application(inner, depth + 1, seen, out);
      seen.delete(member.name);
      return;
    }
    const predefined = PREDEFINED_APPLICATIONS.get(member.name);
    if (predefined) {
      out.terms.push(...predefined);
      this.annotations.push({ range: member.range, markdown: t('**{0}** is a predefined Junos application: {1}.', member.name, predefined.map(termText).join(', ')) });
      return;
    }
    if (member.name.startsWith('junos-')) {
      this.annotations.push({ range: member.range, markdown: t('**{0}** is a predefined Junos application whose ports Endpoint Lens does not know, so policies naming it are left unknown.', member.name) });
      out.unresolved.push(t('predefined application {0} is not known here', member.name));
      return;
    }
    this.warn(member, t('Application "{0}" is not defined in this file.', member.name));
    out.unresolved.push(t('application {0} is not defined in this file', member.name));
  }
}

function portsText(ports: readonly PortRange[]): string {
  return ports.map((p) => (p.from === p.to ? String(p.from) : `${p.from}-${p.to}`)).join(',');
}

function termText(term: ApplicationTerm): string {
  const protocol = (term.protocol ?? 'any').toUpperCase();
  return term.destinationPorts.length > 0 ? `${protocol} ${portsText(term.destinationPorts)}` : protocol;
}

function listText(members: readonly Member[]): string {
  if (members.length === 0) return 'any';
  return members.length === 1 ? members[0]!.name : `[ ${members.map((m) => m.name).join(' ')} ]`;
}

/** The policy as one line says it: stable whatever the form, so findings about it keep their identity. */
function policyText(policy: JunosPolicy): string {
  const head = policy.pair ? `from-zone ${policy.pair.from} to-zone ${policy.pair.to} policy ${policy.name}` : `global policy ${policy.name}`;
  return `${head} match source-address ${listText(policy.sourceAddresses)} destination-address ${listText(policy.destinationAddresses)} application ${listText(policy.applications)} then ${policy.action?.value ?? ''}`;
}

/** Why a policy's match is not known from the file. */
function runTimeConditions(policy: JunosPolicy): string[] {
  const out: string[] = [];
  const dynamic = policy.dynamicApplications.filter((m) => m.name !== 'any' && m.name !== 'none');
  if (dynamic.length > 0) out.push(t('dynamic application {0} is identified by the device from Juniper\'s signatures, not checkable here', dynamic.map((m) => m.name).join(', ')));
  for (const m of policy.runTime) out.push(t('{0} is known to the device only at run time', m.name));
  return out;
}

function side(resolver: Resolver, members: readonly Member[], negated: boolean, zone: string | undefined): AddressMatch | undefined {
  if (members.length === 0 || members.some((m) => m.name === 'any')) return negated ? { referenceIds: [], intervals: [ANY_IPV4, ANY_IPV6], negated: true } : undefined;
  const resolved = members.map((m) => resolver.address(m, zone));
  const unresolved = [...new Set(resolved.flatMap((r) => r.unresolved))];
  return {
    referenceIds: resolved.flatMap((r) => r.refIds),
    intervals: mergeIntervals(resolved.flatMap((r) => r.intervals)),
    negated,
    ...(unresolved.length > 0 ? { unresolved: unresolved.join('; ') } : {}),
  };
}

/** The model rules of one policy for one zone pair: one per protocol of its applications, or none when it cannot be committed. */
function modelRules(built: Built, resolver: Resolver, policy: JunosPolicy, from: string, to: string, annotationsDone: boolean): Rule[] {
  if (!policy.action) {
    if (!annotationsDone) built.problems.push({ range: policy.nameRange, message: t('Policy "{0}" has no then permit, deny or reject; the device refuses to commit it, so it is not evaluated.', policy.name), severity: 'warning' });
    return [];
  }
  const missing = [
    policy.sourceAddresses.length === 0 ? 'source-address' : undefined,
    policy.destinationAddresses.length === 0 ? 'destination-address' : undefined,
    policy.applications.length === 0 ? 'application' : undefined,
  ].filter((m): m is string => m !== undefined);
  if (missing.length > 0) {
    if (!annotationsDone) built.problems.push({ range: policy.nameRange, message: t('Policy "{0}" has no match {1}; the device refuses to commit it, so it is not evaluated.', policy.name, missing.join(', ')), severity: 'warning' });
    return [];
  }
  const conditions = runTimeConditions(policy);
  const applications = resolver.applications(policy.applications);
  if (applications) conditions.push(...applications.unresolved);
  const zones = policy.pair ? { from: [policy.pair.from], to: [policy.pair.to] } : { ...(policy.fromZones.length > 0 && !policy.fromZones.some((z) => z.name === 'any') ? { from: policy.fromZones.map((z) => z.name) } : {}), ...(policy.toZones.length > 0 && !policy.toZones.some((z) => z.name === 'any') ? { to: policy.toZones.map((z) => z.name) } : {}) };
  const action = policy.action.value === 'permit' ? ({ type: 'accept' } as const) : policy.action.value === 'reject' ? ({ type: 'reject' } as const) : ({ type: 'drop' } as const);
  const base: Rule = { range: policy.range, actionRange: policy.action.range, action, text: policyText(policy), zones };
  // Global policies name addresses of the global address book only.
  const sources = side(resolver, policy.sourceAddresses, policy.sourceExcluded, policy.pair ? from : undefined);
  const destinations = side(resolver, policy.destinationAddresses, policy.destinationExcluded, policy.pair ? to : undefined);
  if (sources) base.sources = sources;
  if (destinations) base.destinations = destinations;
  if (conditions.length > 0) base.unknownConditions = conditions;
  if (policy.description !== undefined) base.comment = policy.description;
  if (!applications) return [base];
  const byKey = new Map<string, { protocol?: string; ports: PortRange[]; sourcePorts: PortRange[] }>();
  for (const term of applications.terms) {
    const key = `${term.protocol ?? '*'}|${portsText(term.sourcePorts)}`;
    const split = byKey.get(key) ?? { ...(term.protocol !== undefined ? { protocol: term.protocol } : {}), ports: [], sourcePorts: term.sourcePorts };
    split.ports = mergePorts([...split.ports, ...term.destinationPorts]);
    byKey.set(key, split);
  }
  if (byKey.size === 0) return applications.unresolved.length > 0 ? [base] : [];
  return [...byKey.values()].map((s) => ({
    ...base,
    ...(s.protocol !== undefined && s.protocol !== 'any' ? { protocols: [s.protocol] } : {}),
    ...(s.ports.length > 0 ? { destinationPorts: s.ports } : {}),
    ...(s.sourcePorts.length > 0 ? { sourcePorts: s.sourcePorts } : {}),
  }));
}

function zoneUniverse(vendor: JunosVendor): string[] {
  const zones = new Set<string>(vendor.zones.keys());
  for (const list of vendor.zonePolicies.values()) for (const p of list) if (p.pair) zones.add(p.pair.from).add(p.pair.to);
  for (const p of vendor.globalPolicies) for (const z of [...p.fromZones, ...p.toZones]) if (z.name !== 'any' && z.name !== 'junos-host') zones.add(z.name);
  zones.delete('junos-host');
  return zones.size > 0 ? [...zones].sort() : [ANY_ZONE];
}

export interface Converted {
  model: ConfigModel;
  lists: Map<string, JunosPairList>;
}

const ORIGIN: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/**
 * Vendor model → common model: one rule list per zone pair, holding the pair's policies in order,
 * then the global policies that apply to it, then the default policy (deny-all unless
 * `default-policy permit-all`). A pair is a path when Microsoft 365 traffic crosses it (see
 * zones.ts) and some policy applies to it; a pair no path needs still gets a list when a policy
 * applies only there, so every policy is checked for shadowing.
 */
export function convert(built: Built): Converted {
  const { vendor } = built;
  const annotations: Annotation[] = [];
  const resolver = new Resolver(built, annotations);
  const ruleLists: RuleList[] = [];
  const paths: EvaluationPath[] = [];
  const lists = new Map<string, JunosPairList>();
  const zones = zoneUniverse(vendor);
  const anyInternet = zones.some(facesInternet);
  const name = t('security policies');
  const defaultAllows = vendor.defaultPolicy?.action === 'permit-all';
  const warned = new Set<JunosPolicy>();
  const policiesOf = (from: string, to: string): JunosPolicy[] => [...(vendor.zonePolicies.get(pairKey(from, to)) ?? []), ...vendor.globalPolicies.filter((p) => applies(p, from, to))];
  const rulesOf = (from: string, to: string): { rules: Rule[]; owners: JunosPolicy[] } => {
    const rules: Rule[] = [];
    const owners: JunosPolicy[] = [];
    for (const policy of policiesOf(from, to)) {
      const made = modelRules(built, resolver, policy, from, to, warned.has(policy));
      warned.add(policy);
      rules.push(...made);
      owners.push(...made.map(() => policy));
    }
    return { rules, owners };
  };
  const firstRange = [...vendor.zonePolicies.values()].flat()[0]?.range ?? vendor.globalPolicies[0]?.range ?? [...vendor.zones.values()][0]?.range ?? ORIGIN;
  const covered = new Set<JunosPolicy>();
  const pairs: Array<{ from: string; to: string; direction?: EvaluationPath['direction'] }> = [];
  for (const from of zones) {
    for (const to of zones) {
      const direction = from === ANY_ZONE ? 'forward' : directionOf(from, to, anyInternet);
      pairs.push({ from, to, ...(direction ? { direction } : {}) });
    }
  }
  const add = (pair: { from: string; to: string; direction?: EvaluationPath['direction'] }, made: { rules: Rule[]; owners: JunosPolicy[] }): void => {
    const id = pairKey(pair.from, pair.to);
    for (const p of made.owners) covered.add(p);
    ruleLists.push({ id, name, kind: 'packet-filter', rules: made.rules, defaultAction: defaultAllows ? 'accept' : 'drop', ...(vendor.defaultPolicy ? { defaultRange: vendor.defaultPolicy.range } : {}), range: firstRange });
    lists.set(id, { from: pair.from, to: pair.to, policies: made.owners });
    if (pair.direction) {
      const pathName = pair.from === ANY_ZONE ? t('any zone to any zone') : t('zone {0} to zone {1}', pair.from, pair.to);
      paths.push({ id, name: pathName, direction: pair.direction, stages: [id], range: firstRange });
    }
  };
  const rest: Array<(typeof pairs)[number]> = [];
  for (const pair of pairs) {
    const made = rulesOf(pair.from, pair.to);
    // A pair no policy applies to is one the device is not set up to pass, so it is not reported as blocking.
    if (pair.direction && (made.rules.length > 0 || pair.from === ANY_ZONE)) add(pair, made);
    else rest.push(pair);
  }
  for (const pair of rest) {
    const made = rulesOf(pair.from, pair.to);
    if (made.owners.some((p) => !covered.has(p))) add({ from: pair.from, to: pair.to }, made);
  }
  markRolesByUse(built.references, ruleLists);
  const hasContent = built.references.length > 0 || vendor.globalPolicies.length > 0 || [...vendor.zonePolicies.values()].some((l) => l.length > 0);
  if (!hasContent && built.statements > 0 && !built.problems.some((p) => p.severity === 'error')) {
    built.problems.push({ range: ORIGIN, message: t('No security policies or address-book entries found; nothing in this file is checked.'), severity: 'warning' });
  }
  const model: ConfigModel = {
    dialect: 'junos',
    references: built.references,
    ruleLists,
    paths,
    problems: built.problems,
    comments: built.comments,
    ...(built.limits.length > 0 ? { limits: built.limits } : {}),
    ...(annotations.length > 0 ? { annotations: dedupe(annotations) } : {}),
  };
  return { model, lists };
}

function dedupe(annotations: readonly Annotation[]): Annotation[] {
  const seen = new Set<string>();
  return annotations.filter((a) => {
    const key = `${a.range.start.line}:${a.range.start.character}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
