import { familyBits, intervalToCidrs, mergeIntervals } from '../../model/address';
import type { AddressMatch, ConfigModel, PortRange, Rule, RuleAction, RuleList } from '../../model/config';
import { minusIntervals } from '../../model/address';
import { minusPorts } from '../../model/ports';
import { ruleLabel } from '../context';
import type { Finding } from '../finding';

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
  if (!earlier) return true;
  if (!later || earlier.negated || later.negated || earlier.unresolved || later.unresolved) return false;
  // A test that takes no host the analysis knows of (a cache-manager acl) still takes requests of its own.
  if (later.matchers.length === 0) return false;
  const keys = new Set(earlier.matchers.map((m) => JSON.stringify(m)));
  return later.matchers.every((m) => keys.has(JSON.stringify(m)));
}

/** A side that names addresses none of which parsed matches nothing; such rules are reported as invalid instead. */
function matchesNothing(rule: Rule): boolean {
  return [rule.sources, rule.destinations].some((side) => side !== undefined && !side.unresolved && side.referenceIds.length > 0 && side.intervals.length === 0);
}

/** Names an earlier rule's zone side holds cover the later one's: any covers all, a list only its subsets. */
function zoneSideCovers(earlier: string[] | undefined, later: string[] | undefined): boolean {
  if (!earlier) return true;
  return later !== undefined && later.every((z) => earlier.includes(z));
}

function zonesCover(earlier: Rule['zones'], later: Rule['zones']): boolean {
  if (!earlier) return true;
  if (earlier.only !== undefined && later?.only !== earlier.only) return false;
  return zoneSideCovers(earlier.from, later?.from) && zoneSideCovers(earlier.to, later?.to);
}

export function ruleCovers(earlier: Rule, later: Rule): boolean {
  if (matchesNothing(earlier) || matchesNothing(later)) return false;
  if (!zonesCover(earlier.zones, later.zones)) return false;
  if ((earlier.unknownConditions?.length ?? 0) > 0) return false;
  // A rule only for clients that have (or have not) authenticated leaves the others to later rules.
  if (earlier.proxyAuthentication !== undefined && earlier.proxyAuthentication !== later.proxyAuthentication) return false;
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

/**
 * Interception lists a handshake walks step by step (one goes on to the next): each holds the
 * rules that apply at its step, and a rule another catches at one step may decide at the next,
 * so they are not checked for shadowed or repeated rules.
 */
export function steppedLists(model: ConfigModel): Set<string> {
  const out = new Set<string>();
  for (const list of model.ruleLists) {
    if (list.kind !== 'tls-interception') continue;
    for (const rule of list.rules) {
      if (rule.action.type !== 'goto') continue;
      out.add(list.id);
      out.add(rule.action.target);
    }
  }
  return out;
}

export function sameAction(a: RuleAction, b: RuleAction): boolean {
  if (a.type !== b.type) return false;
  if ((a.type === 'jump' || a.type === 'goto') && (b.type === 'jump' || b.type === 'goto')) return a.target === b.target;
  if (a.type === 'proxy' && b.type === 'proxy') return JSON.stringify(a.proxies) === JSON.stringify(b.proxies);
  return true;
}

function canCover(rule: Rule): boolean {
  return rule.action.type !== 'continue' && rule.action.type !== 'jump' && (rule.unknownConditions?.length ?? 0) === 0;
}

type Side = 'sources' | 'destinations';

/** A side whose addresses can index the rules: written, not negated, resolved and not empty. */
function indexable(match: AddressMatch | undefined): match is AddressMatch {
  return match !== undefined && !match.negated && !match.unresolved && match.intervals.length > 0;
}

/** The side most rules of the list name addresses on, so the index narrows the comparisons most. */
function indexedSide(rules: readonly Rule[]): Side {
  let sources = 0;
  let destinations = 0;
  for (const rule of rules) {
    if (indexable(rule.sources)) sources++;
    if (indexable(rule.destinations)) destinations++;
  }
  return sources > destinations ? 'sources' : 'destinations';
}

/**
 * Earlier rules by the prefixes their addresses on one side cover: a rule can only cover a later
 * one whose first address lies in one of its prefixes, or when it does not restrict that side.
 */
class PrefixIndex {
  /** Rules that match any address on the side (or one the index cannot narrow). */
  readonly unrestricted: number[] = [];
  /** Per family and prefix length, the rules by network address. */
  private readonly byLength = new Map<number, { family: 4 | 6; hostBits: bigint; rules: Map<bigint, number[]> }>();

  add(index: number, match: AddressMatch | undefined): void {
    if (!match || match.negated || match.unresolved) {
      this.unrestricted.push(index);
      return;
    }
    for (const interval of match.intervals) {
      for (const cidr of intervalToCidrs(interval)) {
        const key = cidr.family * 1000 + cidr.prefixLength;
        let level = this.byLength.get(key);
        if (!level) {
          level = { family: cidr.family, hostBits: BigInt(familyBits(cidr.family) - cidr.prefixLength), rules: new Map() };
          this.byLength.set(key, level);
        }
        const list = level.rules.get(cidr.network);
        if (list) list.push(index);
        else level.rules.set(cidr.network, [index]);
      }
    }
  }

  /** Earlier rules that may cover one matching `match`, in file order. */
  candidates(match: AddressMatch | undefined, all: number): readonly number[] {
    if (!match || match.negated || match.unresolved) return this.unrestricted;
    // Nothing narrows a side without addresses: every earlier rule is a candidate.
    if (match.intervals.length === 0) return Array.from({ length: all }, (_, i) => i);
    const first = match.intervals[0]!;
    const found: number[] = [];
    for (const level of this.byLength.values()) {
      if (level.family !== first.family) continue;
      const list = level.rules.get((first.first >> level.hostBits) << level.hostBits);
      if (list) for (const j of list) found.push(j);
    }
    if (found.length === 0) return this.unrestricted;
    for (const j of this.unrestricted) found.push(j);
    return found.sort((a, b) => a - b);
  }
}

const coverageCache = new WeakMap<readonly Rule[], Array<{ index: number; by: number }>>();

/**
 * For each rule, the first earlier rule of the list that matches everything it matches. Earlier
 * rules are indexed by the prefixes of their addresses on the side most rules restrict, so a
 * candidate is only compared when it can contain the later rule's: a 10,000-rule chain is not 50
 * million comparisons.
 */
export function coveringRules(rules: readonly Rule[]): Array<{ index: number; by: number }> {
  const cached = coverageCache.get(rules);
  if (cached) return cached;
  const out: Array<{ index: number; by: number }> = [];
  const side = indexedSide(rules);
  const index = new PrefixIndex();
  rules.forEach((later, i) => {
    if (later.action.type !== 'continue') {
      for (const j of index.candidates(later[side], i)) {
        if (ruleCovers(rules[j]!, later)) {
          out.push({ index: i, by: j });
          break;
        }
      }
    }
    if (canCover(later)) index.add(i, later[side]);
  });
  coverageCache.set(rules, out);
  return out;
}

/** Each rule that an earlier rule of its list matches everything of, with that earlier rule. */
export function coveredRules(model: ConfigModel): Array<{ list: RuleList; rule: Rule; earlier: Rule }> {
  const out: Array<{ list: RuleList; rule: Rule; earlier: Rule }> = [];
  for (const list of coverageLists(model)) {
    for (const { index, by } of coveringRules(list.rules)) out.push({ list, rule: list.rules[index]!, earlier: list.rules[by]! });
  }
  return out;
}

/** The lists whose rules are read first match, one after another: not proxy selection, not stepped through. */
export function coverageLists(model: ConfigModel): RuleList[] {
  const stepped = steppedLists(model);
  return model.ruleLists.filter((list) => list.kind !== 'proxy-selection' && !stepped.has(list.id));
}

/** A finding at a covered rule, pointing back at the earlier rule that covers it. */
export function coverageFinding(
  covered: { list: RuleList; rule: Rule; earlier: Rule },
  about: Pick<Finding, 'code' | 'severity' | 'message'> & { earlierLabel: string },
): Finding {
  const { list, rule, earlier } = covered;
  return {
    code: about.code,
    severity: about.severity,
    message: about.message,
    subject: `${list.id}|${ruleLabel(rule)}|${ruleLabel(earlier)}`,
    range: rule.range,
    related: [{ message: about.earlierLabel, range: earlier.range }],
    fixes: [],
  };
}
