import { formatInterval } from '../../../server/src/model/address';
import type { AddressMatch, ConfigModel, PortRange, Rule } from '../../../server/src/model/config';
import type { Range } from '../../../server/src/model/range';
import type { CiscoVendor } from '../../../server/src/dialects/cisco/parse';

/**
 * A reviewable, line-per-fact picture of a parsed Cisco file: what the fixture's expected file
 * holds. Each reference and rule is one string so a diff points at the token that changed.
 */
export interface CiscoSummary {
  platform: string;
  references: string[];
  lists: Record<string, { families: string; defaultAction: string; rules: string[] }>;
  paths: string[];
  problems: string[];
  /** Bindings of lists the file does not define, which IOS accepts (absent when there are none). */
  undefinedFilters?: string[];
  comments: number;
}

export function formatRange(range: Range): string {
  const { start, end } = range;
  return start.line === end.line
    ? `${start.line + 1}:${start.character}-${end.character}`
    : `${start.line + 1}:${start.character}-${end.line + 1}:${end.character}`;
}

function side(match: AddressMatch | undefined): string {
  if (match === undefined) return 'any';
  const parts = match.intervals.map(formatInterval);
  const unresolved = match.unresolved === undefined ? '' : ` ?(${match.unresolved})`;
  return `[${parts.join(' ')}]${unresolved}`;
}

function ports(list: PortRange[] | undefined): string {
  if (list === undefined) return '*';
  return list.map((p) => (p.from === p.to ? String(p.from) : `${p.from}-${p.to}`)).join(',');
}

export function describeRule(rule: Rule): string {
  const action = rule.action.type === 'accept' ? 'permit' : rule.action.type === 'drop' ? 'deny' : rule.action.type;
  const parts = [
    `${rule.range.start.line + 1}`,
    action,
    rule.protocols?.join(',') ?? 'ip',
    `${side(rule.sources)}:${ports(rule.sourcePorts)}`,
    '->',
    `${side(rule.destinations)}:${ports(rule.destinationPorts)}`,
  ];
  if (rule.unknownConditions !== undefined) parts.push(`unknown(${rule.unknownConditions.join('; ')})`);
  if (rule.comment !== undefined) parts.push(`# ${rule.comment.replace(/\n/g, ' / ')}`);
  return parts.join(' ');
}

export function summarize(model: ConfigModel, extra: CiscoVendor): CiscoSummary {
  const lists: CiscoSummary['lists'] = {};
  for (const list of model.ruleLists) {
    lists[list.id] = {
      families: list.families === undefined ? 'both' : list.families.join(','),
      defaultAction: list.defaultAction ?? 'none',
      rules: list.rules.map(describeRule),
    };
  }
  return {
    platform: extra.platform,
    references: model.references.map((r) => {
      const flags: string[] = [];
      if (r.invalidReason !== undefined) flags.push(`invalid=${r.invalidReason}`);
      if (r.hostBitsSet === true) flags.push('host-bits');
      if (r.interval !== undefined) flags.push(formatInterval(r.interval));
      return [formatRange(r.range), r.text, r.kind, r.role, ...flags].join(' | ');
    }),
    lists,
    paths: model.paths.map((p) => `${p.name} | ${p.direction ?? 'unbound'} | ${p.stages.join(',')} | ${formatRange(p.range)}`),
    problems: model.problems.map((p) => `${formatRange(p.range)} ${p.severity} ${p.message}`),
    ...(model.undefinedFilters ? { undefinedFilters: model.undefinedFilters.map((f) => `${formatRange(f.range)} ${f.message}`) } : {}),
    comments: model.comments.length,
  };
}
