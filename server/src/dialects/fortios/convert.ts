import type { AddressMatch, Annotation, ConfigModel, EvaluationPath, Reference, Rule, RuleAction, RuleList, SyntaxProblem, Comment } from '../../model/config';
import type { Range } from '../../model/range';
import { t } from '../../l10n';
import { directionOf, facesInternet, markRolesByUse, pairLists, rulesPerService, type ZonePair } from '../zones';
import { describeInternetService } from './predefined';
import { profileListId, profileLists } from './tls';
import { Resolver, type ResolvedAddresses, type ResolvedServices } from './resolve';
import type { FortiPolicy, FortiScope, FortiVendor, Member } from './vendor';

/** The pseudo interface of a VDOM whose policies name none but `any`. */
export const ANY_INTERFACE = 'any';

/** A rule list of the common model: one interface pair and address family of one VDOM. */
export interface FortiPairList {
  scope: FortiScope;
  from: string;
  to: string;
  family: 4 | 6;
  /** For each rule of the list, the policy it comes from. */
  policies: FortiPolicy[];
}

function names(members: readonly Member[]): string[] | undefined {
  return members.length === 0 || members.some((m) => m.name.toLowerCase() === 'any') ? undefined : members.map((m) => m.name);
}

function actionOf(value: string): RuleAction {
  return value === 'accept' || value === 'ipsec' ? { type: 'accept' } : { type: 'drop' };
}

function listText(members: readonly Member[]): string {
  return members.length === 0 ? '-' : members.map((m) => m.name).join(' ');
}

/** The policy as one line would say it, so findings about it keep their identity. */
function policyText(p: FortiPolicy, family: 4 | 6): string {
  const src = family === 6 && !p.ipv6Table ? p.srcaddr6 : p.srcaddr;
  const dst = family === 6 && !p.ipv6Table ? p.dstaddr6 : p.dstaddr;
  const destination = p.internetService.length > 0 ? `internet-service-name ${listText(p.internetService)}` : `dstaddr${family === 6 ? '6' : ''} ${listText(dst)}`;
  return `policy ${p.id} srcintf ${listText(p.srcintf)} dstintf ${listText(p.dstintf)} srcaddr${family === 6 ? '6' : ''} ${listText(src)} ${destination} service ${listText(p.service)} action ${p.action}`;
}

/** Whether a policy can match traffic from one interface (or zone) to another. */
export function applies(policy: FortiPolicy, from: string, to: string): boolean {
  const inside = (members: readonly Member[], name: string): boolean => members.some((m) => m.name.toLowerCase() === 'any' || m.name === name) || (name === ANY_INTERFACE && members.length > 0);
  return inside(policy.srcintf, from) && inside(policy.dstintf, to);
}

/** Which interfaces and zones face the Internet: `set role wan`, a zone holding one, or the name (wan1, sd-wan, ISP-A) when no role is set. */
export function internetFacing(vendor: FortiVendor, scope: FortiScope): (name: string) => boolean {
  const byInterface = (name: string): boolean => {
    const role = vendor.interfaces.get(name)?.role;
    return role !== undefined && role !== 'undefined' ? role === 'wan' : facesInternet(name);
  };
  return (name: string): boolean => {
    const zone = scope.zones.get(name);
    return zone ? byInterface(name) || zone.interfaces.some((m) => byInterface(m.name)) : byInterface(name);
  };
}

function interfaceUniverse(scope: FortiScope): string[] {
  const all = new Set<string>(scope.zones.keys());
  for (const p of scope.policies) for (const m of [...p.srcintf, ...p.dstintf]) if (m.name.toLowerCase() !== 'any') all.add(m.name);
  return all.size > 0 ? [...all].sort() : [ANY_INTERFACE];
}

function sideOf(resolved: ResolvedAddresses, negated: boolean): AddressMatch | undefined {
  if (resolved.any && !negated) return undefined;
  if (resolved.any) return { referenceIds: [], intervals: [], negated: false };
  return { referenceIds: resolved.refIds, intervals: resolved.intervals, negated, ...(resolved.unresolved.length > 0 ? { unresolved: resolved.unresolved.join('; ') } : {}) };
}

/** What the file alone cannot settle about a policy: when it applies, and which services it inverts. */
function conditionsOf(p: FortiPolicy): string[] {
  const out: string[] = [];
  if (p.schedule !== undefined && p.schedule !== 'always') out.push(t('schedule {0} limits the policy to certain times', p.schedule));
  if (p.serviceNegate) out.push(t('service-negate inverts the service match'));
  return out;
}

export interface ConvertInput {
  vendor: FortiVendor;
  references: Reference[];
  problems: SyntaxProblem[];
  comments: Comment[];
  statements: number;
}

export interface Converted {
  model: ConfigModel;
  lists: Map<string, FortiPairList>;
}

/** The model rules of one policy for one family (one per protocol of its services), or none when it is off or has no side of that family. */
function modelRules(p: FortiPolicy, family: 4 | 6, resolver: Resolver, services: ResolvedServices, annotations: Annotation[], tls: string | undefined): Rule[] {
  if (p.disabled) return [];
  if (p.ipv6Table && family === 4) return [];
  // A `policy6` entry's srcaddr/dstaddr are IPv6; from FortiOS 6.4 one policy holds both, IPv6 in srcaddr6/dstaddr6.
  const src = family === 4 || p.ipv6Table ? p.srcaddr : p.srcaddr6;
  const dst = family === 4 || p.ipv6Table ? p.dstaddr : p.dstaddr6;
  // Internet services here are the IPv4 ISDB; IPv6 has its own fields, which leave IPv6 to srcaddr6/dstaddr6.
  const isdb = family === 4 && (p.internetService.length > 0 || p.internetServiceGroups.length > 0 || p.internetServiceCustom.length > 0);
  if (src.length === 0 && dst.length === 0 && !isdb) return [];
  const conditions = conditionsOf(p);
  const from = names(p.srcintf);
  const to = names(p.dstintf);
  const base: Rule = {
    range: p.range,
    actionRange: p.actionRange,
    action: actionOf(p.action),
    text: policyText(p, family),
    zones: { ...(from ? { from } : {}), ...(to ? { to } : {}) },
    ...(tls !== undefined && p.action === 'accept' ? { tlsInterception: tls } : {}),
    // `users`/`groups` make the FortiGate ask for firewall authentication: the policy holds only for clients that have signed in.
    ...(p.users.length > 0 || p.groups.length > 0 ? { proxyAuthentication: 'authenticated' as const } : {}),
  };
  const sources = sideOf(resolver.side(src, family), p.srcaddrNegate);
  if (sources) base.sources = sources;
  if (isdb) {
    const reasons: string[] = [];
    for (const m of p.internetService) {
      const description = describeInternetService(m.name);
      annotations.push({ range: m.range, markdown: description.note });
      reasons.push(description.reason);
    }
    for (const m of [...p.internetServiceGroups, ...p.internetServiceCustom]) reasons.push(t('Internet Service {0} is maintained by Fortinet, not checkable here', m.name));
    // The ISDB entry brings its own addresses and ports, so the policy's service list does not apply.
    base.destinations = { referenceIds: [], intervals: [], negated: false, unresolved: reasons.join('; ') };
    if (conditions.length > 0) base.unknownConditions = conditions;
    if (p.comments !== undefined) base.comment = p.comments;
    return [base];
  }
  const destinations = sideOf(resolver.side(dst, family), p.dstaddrNegate);
  if (destinations) base.destinations = destinations;
  conditions.push(...services.unresolved);
  if (conditions.length > 0) base.unknownConditions = conditions;
  if (p.comments !== undefined) base.comment = p.comments;
  return rulesPerService(base, services);
}

const ORIGIN: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** How messages name a VDOM's policy lists: one name for all its interface pairs. */
export function policyListName(scope: FortiScope, vendor: FortiVendor): string {
  return vendor.hasVdoms ? t('firewall policies of VDOM {0}', scope.vdom) : t('firewall policies');
}

/**
 * Vendor model → common model. Each VDOM becomes one rule list per interface pair and address
 * family it is evaluated for (its policies in listed order, each only in the pairs its srcintf and
 * dstintf admit, ending in the implicit deny), and one path per pair that carries Microsoft 365
 * traffic (see ../zones.ts) and that some policy applies to. IPv6 lists exist only when the file
 * has IPv6 policies (srcaddr6/dstaddr6 or `config firewall policy6`); lists of one VDOM share a
 * name, so one shadowed policy is said once.
 */
export function convert(input: ConvertInput): Converted {
  const { vendor, references, problems } = input;
  const annotations: Annotation[] = [];
  const ruleLists: RuleList[] = [];
  const paths: EvaluationPath[] = [];
  const lists = new Map<string, FortiPairList>();
  for (const scope of vendor.scopes) {
    const resolver = new Resolver(scope, references, problems, annotations);
    const hasV6 = scope.policies.some((p) => p.ipv6Table || p.srcaddr6.length > 0 || p.dstaddr6.length > 0);
    const families: Array<4 | 6> = hasV6 ? [4, 6] : [4];
    for (const p of scope.policies) {
      if (p.disabled) continue;
      if (p.srcintf.length === 0 || p.dstintf.length === 0) problems.push({ range: p.idRange, message: t('Policy {0} names no srcintf or dstintf; the FortiGate refuses it, so it is not evaluated.', p.id), severity: 'warning' });
    }
    const services = new Map(scope.policies.map((p) => [p, resolver.services(p.service)]));
    const profiles = profileLists(scope, resolver, vendor.hasVdoms);
    const tlsOf = (p: FortiPolicy): string | undefined => (p.utm && p.sslSshProfile ? profiles.get(p.sslSshProfile.name)?.id ?? profileListId(scope, p.sslSshProfile.name, vendor.hasVdoms) : undefined);
    const converted = new Map<4 | 6, Rule[][]>(families.map((f) => [f, scope.policies.map((p) => (p.srcintf.length === 0 || p.dstintf.length === 0 ? [] : modelRules(p, f, resolver, services.get(p)!, annotations, tlsOf(p))))]));
    const universe = interfaceUniverse(scope);
    const faces = internetFacing(vendor, scope);
    const anyInternet = universe.some(faces);
    const name = policyListName(scope, vendor);
    const range = scope.policyTables[0]?.headerRange ?? ORIGIN;
    const prefix = vendor.hasVdoms ? `${scope.vdom}|` : '';
    for (const family of families) {
      const rulesOf = converted.get(family)!;
      const named = (from: string, to: string): boolean => from === ANY_INTERFACE || scope.policies.some((p, i) => rulesOf[i]!.length > 0 && applies(p, from, to));
      const pairs: ZonePair[] = [];
      for (const from of universe) {
        for (const to of universe) {
          const direction = from === ANY_INTERFACE ? 'forward' : directionOf(from, to, anyInternet, faces);
          pairs.push({ from, to, ...(direction && named(from, to) ? { direction } : {}) });
        }
      }
      for (const { pair, indices, rules } of pairLists(pairs, rulesOf, (i, from, to) => applies(scope.policies[i]!, from, to))) {
        const owners = indices.flatMap((i) => rulesOf[i]!.map(() => scope.policies[i]!));
        const id = `${prefix}${pair.from}>${pair.to}|v${family}`;
        ruleLists.push({ id, name, kind: 'packet-filter', rules, defaultAction: 'drop', range, families: [family] });
        lists.set(id, { scope, from: pair.from, to: pair.to, family, policies: owners });
        if (pair.direction) {
          const pairName = pair.from === ANY_INTERFACE ? t('any interface to any interface') : t('interface {0} to interface {1}', pair.from, pair.to);
          const label = hasV6 ? `${pairName} (IPv${family})` : pairName;
          paths.push({ id, name: vendor.hasVdoms ? `${scope.vdom}: ${label}` : label, direction: pair.direction, stages: [id], range });
        }
      }
    }
    ruleLists.push(...profiles.values());
  }
  const evaluated = new Set(paths.map((p) => p.id));
  ruleLists.sort((a, c) => Number(!evaluated.has(a.id)) - Number(!evaluated.has(c.id)));
  markRolesByUse(references, ruleLists);
  const hasContent = references.length > 0 || vendor.scopes.some((s) => s.policies.length > 0);
  if (!hasContent && input.statements > 0 && !problems.some((p) => p.severity === 'error')) {
    problems.push({ range: ORIGIN, message: t('No firewall policies or addresses found; nothing in this file is checked.'), severity: 'warning' });
  }
  return {
    model: { dialect: 'fortios', references, ruleLists, paths, problems, comments: input.comments, ...(annotations.length > 0 ? { annotations } : {}) },
    lists,
  };
}
