import type { AddressMatch, Annotation, ConfigModel, EvaluationPath, Rule, RuleAction, RuleList } from '../../model/config';
import type { Range } from '../../model/range';
import { t } from '../../l10n';
import type { VendorBuilder } from './builder';
import { describeApplication } from './predefined';
import { Resolver, type ResolvedAddresses } from './resolve';
import type { Member, PanosRule, PanosScope, PanosVendor } from './vendor';
import { directionOf, facesInternet, markRolesByUse, pairLists, rulesPerService, type ZonePair } from '../zones';

/** One rulebase the firewall evaluates: a vsys, or a device group with the shared rules around it. */
export interface PanosRulebase {
  /** `vsys1`, `dg:Branches`, `shared`: the first part of list and path ids. */
  key: string;
  /** "vsys2", "device group Branches"; empty when the file has one rulebase. */
  label: string;
  /** Where objects are looked up, in order. */
  scopes: PanosScope[];
  /** Every rule in evaluation order, with the scope it is written in. */
  rules: Array<{ rule: PanosRule; scope: PanosScope }>;
  /** The scope a new rule of this rulebase is written in when no rule decides. */
  home: PanosScope;
}

/** A rule list of the common model: one zone pair of one rulebase. */
export interface PanosPairList {
  rulebase: PanosRulebase;
  from: string;
  to: string;
  /** For each rule of the list, the vendor rule it comes from. */
  rules: Array<{ rule: PanosRule; scope: PanosScope }>;
}

/** The pseudo zone of a rulebase that names none: every rule is from any to any. */
export const ANY_ZONE = 'any';

function names(members: readonly Member[]): string[] | undefined {
  return members.length === 0 || members.some((m) => m.name === 'any') ? undefined : members.map((m) => m.name);
}

function actionOf(value: string): RuleAction {
  if (value === 'allow') return { type: 'accept' };
  if (value.startsWith('reset')) return { type: 'reject' };
  return { type: 'drop' };
}

function listText(members: readonly Member[]): string {
  const list = names(members);
  if (!list) return 'any';
  return list.length === 1 ? list[0]! : `[ ${list.join(' ')} ]`;
}

/** The rule as one `set` line would say it: stable whatever the form, so findings about it keep their identity. */
function ruleText(rule: PanosRule): string {
  return [
    `rules ${rule.name}`,
    `from ${listText(rule.from)}`,
    `to ${listText(rule.to)}`,
    `source ${rule.negateSource ? 'not ' : ''}${listText(rule.source)}`,
    `destination ${rule.negateDestination ? 'not ' : ''}${listText(rule.destination)}`,
    `application ${listText(rule.application)}`,
    `service ${listText(rule.service)}`,
    `action ${rule.action?.value ?? ''}`,
  ].join(' ');
}

/** The rulebases of a file: each vsys; each device group between shared pre- and post-rules; shared alone when it is all there is. */
export function rulebasesOf(vendor: PanosVendor): PanosRulebase[] {
  const shared = vendor.scopes.find((s) => s.kind === 'shared');
  const withShared = (scope: PanosScope): PanosScope[] => (shared && shared !== scope ? [scope, shared] : [scope]);
  const out: PanosRulebase[] = [];
  const vsyses = vendor.scopes.filter((s) => s.kind === 'vsys');
  const groups = vendor.scopes.filter((s) => s.kind === 'device-group');
  const many = vsyses.length + groups.length > 1;
  for (const vsys of vsyses) {
    out.push({ key: vsys.name, label: many || vsys.name !== 'vsys1' ? vsys.name : '', scopes: withShared(vsys), rules: vsys.rules.map((rule) => ({ rule, scope: vsys })), home: vsys });
  }
  const sharedRules = (rulebase: string): Array<{ rule: PanosRule; scope: PanosScope }> => (shared ? shared.rules.filter((r) => r.rulebase === rulebase).map((rule) => ({ rule, scope: shared })) : []);
  for (const group of groups) {
    const own = (rulebase: string): Array<{ rule: PanosRule; scope: PanosScope }> => group.rules.filter((r) => r.rulebase === rulebase).map((rule) => ({ rule, scope: group }));
    out.push({
      key: `dg:${group.name}`,
      label: t('device group {0}', group.name),
      scopes: withShared(group),
      rules: [...sharedRules('pre-rulebase'), ...own('pre-rulebase'), ...own('post-rulebase'), ...sharedRules('post-rulebase')],
      home: group,
    });
  }
  if (out.length === 0 && shared && shared.rules.length > 0) {
    out.push({ key: 'shared', label: '', scopes: [shared], rules: [...sharedRules('pre-rulebase'), ...sharedRules('post-rulebase')], home: shared });
  }
  return out;
}

/** How messages name a rulebase's lists: one name for all its zone pairs. */
export function rulebaseName(rulebase: PanosRulebase): string {
  return rulebase.label === '' ? t('security rules') : t('security rules of {0}', rulebase.label);
}

function zoneUniverse(rulebase: PanosRulebase): string[] {
  const zones = new Set<string>();
  for (const scope of rulebase.scopes) for (const name of scope.zones.keys()) zones.add(name);
  for (const { rule } of rulebase.rules) for (const m of [...rule.from, ...rule.to]) if (m.name !== 'any') zones.add(m.name);
  return zones.size > 0 ? [...zones].sort() : [ANY_ZONE];
}

/** Whether a rule can match traffic from one zone to another: its zones and rule type admit the pair. */
export function applies(rule: PanosRule, from: string, to: string): boolean {
  const inside = (members: readonly Member[], zone: string): boolean => members.length === 0 || members.some((m) => m.name === 'any' || m.name === zone);
  if (!inside(rule.from, from) || !inside(rule.to, to)) return false;
  const intrazone = from === to && from !== ANY_ZONE;
  if (rule.ruleType === 'intrazone') return intrazone;
  if (rule.ruleType === 'interzone') return !intrazone;
  return true;
}

/** Why a rule's match is not known from the file, field by field. */
function conditionsOf(rule: PanosRule, annotations: Annotation[]): string[] {
  const out: string[] = [];
  const apps = names(rule.application);
  if (apps) {
    for (const m of rule.application) annotations.push({ range: m.range, markdown: describeApplication(m.name).note });
    out.push(t('App-ID {0} is identified by the firewall from Palo Alto\'s signatures, not checkable here', apps.join(', ')));
  }
  const users = names(rule.sourceUser);
  if (users && !users.every((u) => u === 'any')) out.push(t('source user {0} is known only to User-ID at run time', users.join(', ')));
  const categories = names(rule.category);
  if (categories) out.push(t('URL category {0} is decided by URL filtering at run time', categories.join(', ')));
  const hips = [...(names(rule.hipProfiles) ?? []), ...(names(rule.sourceHip) ?? []), ...(names(rule.destinationHip) ?? [])].filter((h) => h !== 'no-hip');
  if (hips.length > 0) out.push(t('HIP profile {0} is reported by GlobalProtect at run time', hips.join(', ')));
  const devices = [...(names(rule.sourceDevice) ?? []), ...(names(rule.destinationDevice) ?? [])];
  if (devices.length > 0) out.push(t('device object {0} is identified by IoT Security at run time', devices.join(', ')));
  if (rule.schedule !== undefined && rule.schedule !== '' && rule.schedule !== 'none') out.push(t('schedule {0} limits the rule to certain times', rule.schedule));
  return out;
}

/** One side of a rule; `any` is undefined, names that resolve to nothing certain make it unresolved. */
function sideOf(members: readonly Member[], negated: boolean, resolve: (m: Member) => ResolvedAddresses): AddressMatch | undefined {
  if (!names(members)) return undefined;
  const resolved = members.map(resolve);
  const unresolved = [...new Set(resolved.flatMap((r) => r.unresolved))];
  return {
    referenceIds: resolved.flatMap((r) => r.refIds),
    intervals: resolved.flatMap((r) => r.intervals),
    negated,
    ...(unresolved.length > 0 ? { unresolved: unresolved.join('; ') } : {}),
  };
}

/** The model rules of one vendor rule (one per protocol of its services), or none when it is off. */
function modelRules(b: VendorBuilder, rule: PanosRule, resolver: Resolver, annotations: Annotation[]): Rule[] {
  if (rule.disabled) return [];
  if (!rule.action) {
    b.problems.push({ range: rule.nameRange, message: t('Rule "{0}" has no action; the firewall refuses to commit it, so it is not evaluated.', rule.name), severity: 'warning' });
    return [];
  }
  const conditions = conditionsOf(rule, annotations);
  const services = resolver.services(rule.service);
  conditions.push(...services.unresolved);
  const from = names(rule.from);
  const to = names(rule.to);
  const only = rule.ruleType === 'universal' ? undefined : rule.ruleType;
  const base: Rule = {
    range: rule.range,
    actionRange: rule.action.range,
    action: actionOf(rule.action.value),
    text: ruleText(rule),
    zones: { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(only ? { only } : {}) },
  };
  const sources = sideOf(rule.source, rule.negateSource, (m) => resolver.addressMember(m));
  const destinations = sideOf(rule.destination, rule.negateDestination, (m) => resolver.addressMember(m));
  if (sources) base.sources = sources;
  if (destinations) base.destinations = destinations;
  if (conditions.length > 0) base.unknownConditions = conditions;
  if (rule.description !== undefined) base.comment = rule.description;
  return rulesPerService(base, services);
}

/** The line a rulebase's defaults are said to stand on when the file does not state them. */
function headerRange(rulebase: PanosRulebase): Range {
  for (const scope of rulebase.scopes) if (scope.rulebaseRange) return scope.rulebaseRange;
  const zone = rulebase.scopes.flatMap((s) => [...s.zones.values()])[0];
  return zone?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

export interface Converted {
  model: ConfigModel;
  rulebases: PanosRulebase[];
  lists: Map<string, PanosPairList>;
}

/**
 * Vendor model → common model. Each rulebase becomes one rule list per zone pair it is evaluated
 * for (rules in the device's order, each only in the pairs its from/to zones and rule type admit,
 * ending in the intrazone allow or interzone deny default unless `default-security-rules` says
 * otherwise) and one path per pair that carries Microsoft 365 traffic (see zones.ts) and that some
 * rule applies to. Pairs no path needs still get a list when a rule applies only
 * there, so every rule is checked for shadowing; lists of one rulebase share a name, so one
 * shadowed rule is said once.
 */
export function convert(b: VendorBuilder, vendor: PanosVendor): Converted {
  const annotations: Annotation[] = [];
  const ruleLists: RuleList[] = [];
  const paths: EvaluationPath[] = [];
  const lists = new Map<string, PanosPairList>();
  const rulebases = rulebasesOf(vendor);
  for (const rulebase of rulebases) {
    const resolver = new Resolver(b, rulebase.scopes, annotations);
    const converted = rulebase.rules.map(({ rule }) => modelRules(b, rule, resolver, annotations));
    const zones = zoneUniverse(rulebase);
    const anyInternet = zones.some(facesInternet);
    const defaults = { intrazone: rulebase.scopes.map((s) => s.defaults.intrazone).find((d) => d), interzone: rulebase.scopes.map((s) => s.defaults.interzone).find((d) => d) };
    const name = rulebaseName(rulebase);
    const range = headerRange(rulebase);
    // A pair no rule applies to is one the device is not set up to pass (a DMZ that only receives
    // mail): like an empty forward chain, it is not reported as blocking Microsoft 365.
    const named = (from: string, to: string): boolean => from === ANY_ZONE || rulebase.rules.some((r, i) => converted[i]!.length > 0 && applies(r.rule, from, to));
    const pairs: ZonePair[] = [];
    for (const from of zones) {
      for (const to of zones) {
        const direction = from === ANY_ZONE ? 'forward' : directionOf(from, to, anyInternet);
        pairs.push({ from, to, ...(direction && named(from, to) ? { direction } : {}) });
      }
    }
    for (const { pair, indices, rules } of pairLists(pairs, converted, (i, from, to) => applies(rulebase.rules[i]!.rule, from, to))) {
      const owners = indices.flatMap((i) => converted[i]!.map(() => rulebase.rules[i]!));
      const intrazone = pair.from === pair.to && pair.from !== ANY_ZONE;
      const stated = intrazone ? defaults.intrazone : defaults.interzone;
      const defaultAllows = stated ? stated.action === 'allow' : intrazone;
      const id = `${rulebase.key}|${pair.from}>${pair.to}`;
      ruleLists.push({ id, name, kind: 'packet-filter', rules, defaultAction: defaultAllows ? 'accept' : 'drop', ...(stated ? { defaultRange: stated.range } : {}), range });
      lists.set(id, { rulebase, from: pair.from, to: pair.to, rules: owners });
      if (pair.direction) {
        const pathName = pair.from === ANY_ZONE ? (rulebase.label === '' ? t('any zone to any zone') : t('{0}: any zone to any zone', rulebase.label)) : rulebase.label === '' ? t('zone {0} to zone {1}', pair.from, pair.to) : t('{0}: zone {1} to zone {2}', rulebase.label, pair.from, pair.to);
        paths.push({ id, name: pathName, direction: pair.direction, stages: [id], range });
      }
    }
  }
  // Lists with paths first, so an editor's "which rule is here" finds the one traffic is evaluated in.
  const evaluated = new Set(paths.map((p) => p.id));
  ruleLists.sort((a, c) => Number(!evaluated.has(a.id)) - Number(!evaluated.has(c.id)));
  markRolesByUse(b.references, ruleLists);
  const hasContent = b.references.length > 0 || rulebases.some((r) => r.rules.length > 0);
  if (!hasContent && b.statements > 0 && !b.problems.some((p) => p.severity === 'error')) {
    b.problems.push({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: t('No security rules or address objects found; nothing in this file is checked.'), severity: 'warning' });
  }
  return {
    model: { dialect: 'panos', references: b.references, ruleLists, paths, problems: b.problems, comments: b.comments, ...(annotations.length > 0 ? { annotations } : {}) },
    rulebases,
    lists,
  };
}
