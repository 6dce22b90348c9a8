import { formatInterval, intervalContains, type IpInterval } from '../model/address';
import type { PortRange, RuleList } from '../model/config';
import type { DecidingPoint, FlowOrigin } from '../model/policy';
import type { Range } from '../model/range';
import { t } from '../l10n';
import { daysBetween } from '../catalog/history';
import type { CatalogView, CheckContext } from './context';
import { defaultRangeOf, lineLabel, listById, ruleLabel } from './context';
import type { ConfigModel } from '../model/config';
import type { CatalogReference } from './finding';

/** Shared wording for findings, so every check names sets, ports and rules the same way. */

export function describeOrigin(origin: FlowOrigin, catalog: CatalogView): string {
  if (origin.source === 'web-service') {
    const set = catalog.sets.find((s) => s.id === origin.setId);
    return set
      ? t('endpoint set {0} ({1}, {2})', set.id, set.serviceAreaDisplayName, set.category)
      : t('endpoint set {0}', origin.setId);
  }
  const row = catalog.otherRows.find((r) => r.row === origin.row);
  return row ? t('other-endpoints row {0} ({1})', row.row, row.purpose.en) : t('other-endpoints row {0}', origin.row);
}

/** "in 5 days": how far a day (yyyy-mm-dd) lies after `today`. */
export function daysLeft(today: string, day: string): string {
  const days = daysBetween(today, day);
  return days === 1 ? t('in 1 day') : t('in {0} days', days);
}

/** Start a sentence with a phrase written for mid-sentence use. */
export function sentence(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

export function catalogReference(origin: FlowOrigin): CatalogReference {
  return origin.source === 'web-service'
    ? { source: 'web-service', instance: origin.instance, id: origin.setId }
    : { source: 'other-endpoints', row: origin.row };
}

export function formatPorts(protocol: string, ports: readonly PortRange[]): string {
  const list = ports.map((p) => (p.from === p.to ? String(p.from) : `${p.from}-${p.to}`)).join(', ');
  return `${protocol.toUpperCase()} ${list}`;
}

/**
 * Addresses as a short list: each piece said against the catalogue prefix it belongs to
 * ("52.112.0.0/15 of 52.112.0.0/14"), at most `limit` items and a count of the rest.
 */
export function describeIntervals(pieces: readonly IpInterval[], catalogPrefixes: readonly IpInterval[], limit = 4): string {
  const words = pieces.map((piece) => {
    const whole = catalogPrefixes.find((c) => intervalContains(c, piece));
    const text = formatInterval(piece);
    return whole && (whole.first !== piece.first || whole.last !== piece.last) ? t('{0} of {1}', text, formatInterval(whole)) : text;
  });
  if (words.length <= limit) return words.join(', ');
  return t('{0} and {1} more', words.slice(0, limit).join(', '), words.length - limit);
}

/** Where a deciding point is in the file, and how to name it. */
export function decidingLocation(model: ConfigModel, point: DecidingPoint, context?: Pick<CheckContext, 'parts' | 'lines'>): { range: Range; label: string; list?: RuleList } {
  const list = listById(model, point.listId);
  if (!list) return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, label: point.listId };
  if (point.ruleIndex < 0) {
    const action = list.defaultAction === 'drop' ? 'DROP' : 'ACCEPT';
    return {
      range: defaultRangeOf(list),
      label: list.defaultRange ? t('the default policy {0} of {1}', action, list.name) : t('the implicit {0} at the end of {1}', action.toLowerCase(), list.name),
      list,
    };
  }
  const rule = list.rules[point.ruleIndex];
  if (!rule) return { range: list.range, label: list.name, list };
  return { range: rule.range, label: t('the rule on line {0} of {1}', lineLabel(rule.range, context), list.name), list };
}

/** A deciding point named by what it is rather than where: the list and the rule's text, or the list's default. */
export function decidingSubject(model: ConfigModel, point: DecidingPoint): string {
  const list = listById(model, point.listId);
  const rule = point.ruleIndex >= 0 ? list?.rules[point.ruleIndex] : undefined;
  return rule ? `${point.listId}|${ruleLabel(rule)}` : `${point.listId}|default`;
}
