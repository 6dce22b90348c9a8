import type { PortRange } from '../../model/config';
import type { Member, PanosRule, RuleType } from './vendor';

/** Rule fields holding member lists, in both forms' spelling, and the rule property each fills. */
export const LIST_FIELDS = {
  from: 'from',
  to: 'to',
  source: 'source',
  destination: 'destination',
  'source-user': 'sourceUser',
  category: 'category',
  application: 'application',
  service: 'service',
  'hip-profiles': 'hipProfiles',
  'source-hip': 'sourceHip',
  'destination-hip': 'destinationHip',
  'source-device': 'sourceDevice',
  'destination-device': 'destinationDevice',
} as const satisfies Record<string, keyof PanosRule>;

export type ListField = keyof typeof LIST_FIELDS;

/** Fields with one value that the evaluation reads. */
export const VALUE_FIELDS = new Set(['action', 'disabled', 'negate-source', 'negate-destination', 'rule-type', 'schedule', 'description']);

/** Fields with one value or a list that decide nothing about which traffic matches. */
export const IGNORED_FIELDS = new Set(['tag', 'log-start', 'log-end', 'log-setting', 'uuid', 'group-tag', 'icmp-unreachable', 'audit-comment', 'source-imsi', 'source-imei', 'source-nw-slice']);

/** Fields whose value is a nested structure of several words (`profile-setting group default`). */
export const NESTED_FIELDS = new Set(['profile-setting', 'option', 'qos', 'target']);

export function isListField(name: string): name is ListField {
  return Object.prototype.hasOwnProperty.call(LIST_FIELDS, name);
}

export function isKnownRuleField(name: string): boolean {
  return isListField(name) || VALUE_FIELDS.has(name) || IGNORED_FIELDS.has(name) || NESTED_FIELDS.has(name);
}

/** Members added to a list as the CLI does: a member already there is not repeated. */
export function appendMembers(list: Member[], members: readonly Member[]): Member[] {
  for (const member of members) if (!list.some((m) => m.name === member.name)) list.push(member);
  return list;
}

export function addMembers(rule: PanosRule, field: ListField, members: readonly Member[]): void {
  appendMembers(rule[LIST_FIELDS[field]], members);
}

export function removeMembers(rule: PanosRule, field: ListField, names: readonly string[]): void {
  const list = rule[LIST_FIELDS[field]];
  for (let i = list.length - 1; i >= 0; i--) if (names.includes(list[i]!.name)) list.splice(i, 1);
}

export function ruleTypeOf(text: string): RuleType | undefined {
  return text === 'universal' || text === 'intrazone' || text === 'interzone' ? text : undefined;
}

const SECURITY_ACTIONS = new Set(['allow', 'deny', 'drop', 'reset-client', 'reset-server', 'reset-both']);

export function isSecurityAction(text: string): boolean {
  return SECURITY_ACTIONS.has(text);
}

/** `80,443,8000-8080` as PAN-OS writes a service's ports; undefined when any part is not a port or range. */
export function parsePortList(text: string): PortRange[] | undefined {
  const out: PortRange[] = [];
  for (const part of text.split(',')) {
    const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part.trim());
    if (!match) return undefined;
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (from > 65535 || to > 65535 || from > to) return undefined;
    out.push({ from, to });
  }
  return out.length > 0 ? out : undefined;
}

/** A rule moved within its rulebase the way `move … top|bottom|before|after` does; false when the other rule is not there. */
export function moveRule(rules: PanosRule[], rule: PanosRule, where: 'top' | 'bottom' | 'before' | 'after', other?: PanosRule): boolean {
  const from = rules.indexOf(rule);
  if (from < 0) return false;
  if ((where === 'before' || where === 'after') && (!other || other === rule || !rules.includes(other))) return false;
  rules.splice(from, 1);
  const same = rules.filter((r) => r.rulebase === rule.rulebase);
  let index: number;
  if (where === 'top') index = same.length > 0 ? rules.indexOf(same[0]!) : rules.length;
  else if (where === 'bottom') index = same.length > 0 ? rules.indexOf(same[same.length - 1]!) + 1 : rules.length;
  else index = rules.indexOf(other!) + (where === 'after' ? 1 : 0);
  rules.splice(index, 0, rule);
  return true;
}
