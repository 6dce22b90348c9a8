import { mergeIntervals } from '../../model/address';
import type { AddressMatch, PortRange, Rule, RuleAction } from '../../model/config';
import { minusIntervals, minusPorts } from '../region';

/** Shared by shadowed-rule and redundant-entry: does an earlier rule match everything a later one does? */

function sideCovers(earlier: AddressMatch | undefined, later: AddressMatch | undefined): boolean {
  if (!earlier) return true;
  if (!later || earlier.unresolved || later.unresolved) return false;
  if (earlier.negated || later.negated) {
    return earlier.negated && later.negated && minusIntervals(earlier.intervals, later.intervals).length === 0;
  }
  return minusIntervals(later.intervals, mergeIntervals(earlier.intervals)).length === 0;
}

function portsCover(earlier: PortRange[] | undefined, later: PortRange[] | undefined): boolean {
  if (!earlier || earlier.length === 0) return true;
  if (!later || later.length === 0) return false;
  return minusPorts(later, earlier).length === 0;
}

function protocolsCover(earlier: string[] | undefined, later: string[] | undefined): boolean {
  if (!earlier || earlier.length === 0 || earlier.some((p) => ['all', 'ip', 'any'].includes(p.toLowerCase()))) return true;
  if (!later || later.length === 0) return false;
  return later.every((p) => earlier.includes(p));
}

function hostsCover(earlier: Rule['hosts'], later: Rule['hosts']): boolean {
  if (!earlier) return !later;
  if (!later || earlier.negated || later.negated) return false;
  const keys = new Set(earlier.matchers.map((m) => JSON.stringify(m)));
  return later.matchers.every((m) => keys.has(JSON.stringify(m)));
}

export function ruleCovers(earlier: Rule, later: Rule): boolean {
  if ((earlier.unknownConditions?.length ?? 0) > 0) return false;
  if ((later.unknownConditions?.length ?? 0) > 0 && !sameConditions(earlier, later)) return false;
  return (
    protocolsCover(earlier.protocols, later.protocols) &&
    sideCovers(earlier.sources, later.sources) &&
    sideCovers(earlier.destinations, later.destinations) &&
    portsCover(earlier.destinationPorts, later.destinationPorts) &&
    portsCover(earlier.sourcePorts, later.sourcePorts) &&
    hostsCover(earlier.hosts, later.hosts)
  );
}

function sameConditions(a: Rule, b: Rule): boolean {
  return JSON.stringify(a.unknownConditions ?? []) === JSON.stringify(b.unknownConditions ?? []);
}

export function sameAction(a: RuleAction, b: RuleAction): boolean {
  if (a.type !== b.type) return false;
  if ((a.type === 'jump' || a.type === 'goto') && (b.type === 'jump' || b.type === 'goto')) return a.target === b.target;
  if (a.type === 'proxy' && b.type === 'proxy') return JSON.stringify(a.proxies) === JSON.stringify(b.proxies);
  return true;
}

/** For each rule, the first earlier rule of the list that matches everything it matches. */
export function coveringRules(rules: readonly Rule[]): Array<{ index: number; by: number }> {
  const out: Array<{ index: number; by: number }> = [];
  for (let i = 1; i < rules.length; i++) {
    const later = rules[i]!;
    if (later.action.type === 'continue') continue;
    for (let j = 0; j < i; j++) {
      const earlier = rules[j]!;
      if (earlier.action.type === 'continue' || earlier.action.type === 'jump') continue;
      if (ruleCovers(earlier, later)) {
        out.push({ index: i, by: j });
        break;
      }
    }
  }
  return out;
}
