// Turns a ConfigModel into short lines a reviewer can check token by token against the fixture:
// one line per reference, per rule, per path and per problem, positions as line:character (0-based).
import { formatInterval } from '../../../server/src/model/address';
import type { AddressMatch, ConfigModel, PortRange, Rule, RuleAction } from '../../../server/src/model/config';
import type { Range } from '../../../server/src/model/range';

export interface ModelSummary {
  references: string[];
  lists: Record<string, { kind?: string; default?: string; families?: (4 | 6)[]; rules: string[] }>;
  paths: string[];
  /** Destination-NAT lists before routing, when the model has any. */
  prerouting?: string[];
  problems: string[];
}

function at(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

function addresses(match: AddressMatch): string {
  const list = match.intervals.map(formatInterval).join(',') || '(none)';
  return `${match.negated ? '!' : ''}${list}${match.unresolved ? ` unresolved(${match.unresolved})` : ''}`;
}

function ports(list: PortRange[]): string {
  return list.map((p) => (p.from === p.to ? String(p.from) : `${p.from}-${p.to}`)).join(',') || '(none)';
}

function actionText(action: RuleAction): string {
  if (action.type === 'jump' || action.type === 'goto') return `${action.type}(${action.target})`;
  if (action.type === 'dnat') return `dnat(${action.to ? action.to.map(formatInterval).join(',') : '?'}:${action.toPorts ? ports(action.toPorts) : '?'})`;
  return action.type;
}

export function ruleLine(rule: Rule): string {
  const action = actionText(rule.action);
  const parts = [`${action}@${rule.actionRange.start.line}:${rule.actionRange.start.character}`];
  if (rule.protocols) parts.push(`proto=${rule.protocols.join(',') || '(none)'}`);
  if (rule.sources) parts.push(`src=${addresses(rule.sources)}`);
  if (rule.destinations) parts.push(`dst=${addresses(rule.destinations)}`);
  if (rule.sourcePorts) parts.push(`sport=${ports(rule.sourcePorts)}`);
  if (rule.destinationPorts) parts.push(`dport=${ports(rule.destinationPorts)}`);
  if (rule.unknownConditions) parts.push(`unknown=[${rule.unknownConditions.join('; ')}]`);
  if (rule.comment !== undefined) parts.push(`comment=${JSON.stringify(rule.comment)}`);
  return parts.join(' ');
}

export function summarize(model: ConfigModel): ModelSummary {
  const lists: ModelSummary['lists'] = {};
  for (const list of model.ruleLists) {
    const entry: ModelSummary['lists'][string] = { ...(list.kind === 'destination-nat' ? { kind: list.kind } : {}), rules: list.rules.map(ruleLine) };
    if (list.defaultAction) entry.default = `${list.defaultAction}${list.defaultRange ? `@${list.defaultRange.start.line}:${list.defaultRange.start.character}` : ''}`;
    if (list.families) entry.families = list.families;
    lists[list.id] = entry;
  }
  return {
    references: model.references.map(
      (r) =>
        `${r.text} ${r.kind} ${r.role} ${at(r.range)}${r.interval ? ` =${formatInterval(r.interval)}` : ''}${r.hostBitsSet ? ' host-bits' : ''}${r.invalidReason ? ` invalid=${r.invalidReason}` : ''}`,
    ),
    lists,
    paths: model.paths.map((p) => `${p.id} ${p.direction ?? '-'} [${p.stages.join(' | ')}]`),
    ...(model.prerouting ? { prerouting: model.prerouting } : {}),
    problems: model.problems.map((p) => `${p.severity} ${at(p.range)} ${p.message}`),
  };
}
