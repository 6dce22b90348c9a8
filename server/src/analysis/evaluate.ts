import { familyMax, mergeIntervals, type IpInterval } from '../model/address';
import type { AddressMatch, ConfigModel, EvaluationPath, PortRange, Rule, RuleList } from '../model/config';
import type { DecidingPoint, Flow, VerdictValue } from '../model/policy';
import { t } from '../l10n';
import { intersectIntervals, minusIntervals } from '../model/address';
import { ALL_PORTS, intersectPorts } from '../model/ports';
import { regionIsEmpty, splitRegion, type Region } from './region';
import { MAX_EVALUATION_STEPS, MAX_JUMP_DEPTH, MAX_UNCERTAIN_DEPTH } from '../limits';
import { rulesMissingFrom } from '../dialects/bounds';
import { recordEvaluationLimit } from './evaluationLimits';
import type { AnalysisLimitKind } from '../model/config';
import type { Range } from '../model/range';

/** One piece of a flow with the verdict the device gives it. */
export interface RegionOutcome {
  region: Region;
  value: VerdictValue;
  decidedBy?: DecidingPoint;
  reason?: string;
}

export interface PathEvaluation {
  path: EvaluationPath;
  outcomes: RegionOutcome[];
}

/** What a list does with a region: a final action, or fall through to the caller. */
type ListResult = 'accept' | 'drop' | 'return' | 'unknown';

interface ListOutcome {
  region: Region;
  result: ListResult;
  decidedBy?: DecidingPoint;
  reason?: string;
}

const PROTOCOL_ANY = new Set(['any', 'all', 'ip', 'ipv6', '0']);
const PROTOCOL_NUMBERS: Record<string, string> = { '6': 'tcp', '17': 'udp' };

/** Which side of a rule holds the Microsoft end of the flow. */
function remoteSide(rule: Rule, flow: Flow): AddressMatch | undefined {
  return flow.direction === 'inbound' ? rule.sources : rule.destinations;
}

function localSide(rule: Rule, flow: Flow): AddressMatch | undefined {
  return flow.direction === 'inbound' ? rule.destinations : rule.sources;
}

function complement(intervals: readonly IpInterval[]): IpInterval[] {
  const all: IpInterval[] = [
    { family: 4, first: 0n, last: familyMax(4) },
    { family: 6, first: 0n, last: familyMax(6) },
  ];
  return minusIntervals(all, intervals);
}

/**
 * Conditions the file alone cannot settle are sorted here. A new outbound connection is not
 * ESTABLISHED, so state-only accepts do not let it through; loopback interfaces never carry
 * Microsoft traffic; other interface names are taken to be the ones the author routes it over.
 * Anything else (time, user, owner, FQDN objects) leaves the verdict unknown.
 */
export function classifyCondition(condition: string): 'matches' | 'never' | 'uncertain' {
  const text = condition.toLowerCase();
  if (/\b(ct ?state|conntrack|state)\b/.test(text)) {
    if (/\bnew\b/.test(text)) return 'matches';
    if (/\b(established|related|invalid|untracked)\b/.test(text)) return 'never';
    return 'uncertain';
  }
  if (/\b(interface|iifname|oifname|iif|oif|in-interface|out-interface)\b|(^|\s)-[io]\b/.test(text)) {
    return /(^|[\s"'=])lo(\b|$)/.test(text) ? 'never' : 'matches';
  }
  return 'uncertain';
}

const matchedCache = new WeakMap<AddressMatch, IpInterval[]>();

/** The addresses a side matches, merged (and complemented when negated) once per side, not per flow. */
function matchedIntervals(side: AddressMatch): IpInterval[] {
  let intervals = matchedCache.get(side);
  if (!intervals) {
    intervals = side.negated ? complement(side.intervals) : mergeIntervals(side.intervals);
    matchedCache.set(side, intervals);
  }
  return intervals;
}

/** Cheap test before splitting: most rules of a long list touch none of a flow's addresses. */
function touches(region: Region, addresses: readonly IpInterval[]): boolean {
  for (const a of region.intervals) {
    for (const b of addresses) {
      if (a.family === b.family && a.first <= b.last && b.first <= a.last) return true;
    }
  }
  return false;
}

interface RuleMatch {
  addresses?: IpInterval[];
  ports?: PortRange[];
  uncertain?: string;
}

/** What part of the flow a rule matches, or undefined when it cannot match this flow at all. */
export function matchRule(rule: Rule, flow: Flow): RuleMatch | undefined {
  if (rule.protocols && rule.protocols.length > 0) {
    const names = rule.protocols.map((p) => PROTOCOL_NUMBERS[p.toLowerCase()] ?? p.toLowerCase());
    if (!names.some((p) => PROTOCOL_ANY.has(p) || p === flow.protocol)) return undefined;
  }
  if (rule.hosts) return undefined;
  if (rule.sourcePorts && rule.sourcePorts.length > 0) {
    // The client's source port is ephemeral; a rule on fixed source ports is for other traffic.
    const ephemeral = intersectPorts([{ from: 1024, to: 65535 }], rule.sourcePorts);
    if (ephemeral.length !== 1 || ephemeral[0]!.from !== 1024 || ephemeral[0]!.to !== 65535) return undefined;
  }
  let uncertain: string | undefined;
  for (const condition of rule.unknownConditions ?? []) {
    const kind = classifyCondition(condition);
    if (kind === 'never') return undefined;
    if (kind === 'uncertain') uncertain ??= condition;
  }
  const local = localSide(rule, flow);
  if (local && flow.local && !local.unresolved) {
    const overlap = intersectIntervals(flow.local, local.intervals).length > 0;
    const fullyInside = minusIntervals(flow.local, local.intervals).length === 0;
    if (local.negated ? fullyInside : !overlap) return undefined;
  }
  const match: RuleMatch = {};
  const remote = remoteSide(rule, flow);
  if (remote) {
    if (remote.unresolved) uncertain ??= remote.unresolved;
    else match.addresses = matchedIntervals(remote);
  }
  if (rule.destinationPorts && rule.destinationPorts.length > 0) match.ports = rule.destinationPorts;
  if (uncertain) match.uncertain = uncertain;
  return match;
}

function intersectRegions(a: Region, b: Region): Region | undefined {
  const r = { intervals: intersectIntervals(a.intervals, b.intervals), ports: intersectPorts(a.ports, b.ports) };
  return regionIsEmpty(r) ? undefined : r;
}

/**
 * A rule whose match is uncertain: the device takes `ifMatched` or `ifNot`; where they agree the
 * answer stands, elsewhere it is unknown and the uncertain rule is named as the reason.
 */
function combineUncertain(ifMatched: ListOutcome[], ifNot: ListOutcome[], point: DecidingPoint, reason: string): ListOutcome[] {
  const out: ListOutcome[] = [];
  for (const a of ifMatched) {
    for (const b of ifNot) {
      const region = intersectRegions(a.region, b.region);
      if (!region) continue;
      if (a.result === b.result && a.result !== 'unknown') out.push({ ...b, region });
      else out.push({ region, result: 'unknown', decidedBy: point, reason: b.reason ?? a.reason ?? reason });
    }
  }
  return out;
}

class Evaluator {
  private readonly lists: Map<string, RuleList>;
  /** Rule visits so far; past MAX_EVALUATION_STEPS what is left is unknown. */
  private steps = 0;
  /** Uncertain rules on the way to the current one, each evaluated both ways. */
  private uncertainDepth = 0;
  /** Why a flow that reaches the end of a list has no known verdict: the file's later rules are missing. */
  private readonly cutReason: string | undefined;

  constructor(
    private readonly model: ConfigModel,
    private readonly flow: Flow,
  ) {
    this.lists = new Map(model.ruleLists.map((l) => [l.id, l]));
    const missing = rulesMissingFrom(model);
    if (missing !== undefined) this.cutReason = t('Endpoint Lens did not read the rules from line {0} on', missing + 1);
  }

  /** A bound met here: what it covers is unknown, and the analysis-limit check says so once per place. */
  private bound(kind: AnalysisLimitKind, range: Range, limit: number, region: Region, point: DecidingPoint | undefined, reason: string): ListOutcome {
    recordEvaluationLimit(this.model, { kind, range, found: limit + 1, limit });
    return { region, result: 'unknown', ...(point ? { decidedBy: point } : {}), reason };
  }

  list(id: string): RuleList | undefined {
    return this.lists.get(id);
  }

  /** Evaluate `regions` through `list` starting at rule `start`. */
  run(list: RuleList, start: number, regions: Region[], depth: number): ListOutcome[] {
    const out: ListOutcome[] = [];
    let pending = regions;
    for (let index = start; index < list.rules.length && pending.length > 0; index++) {
      const rule = list.rules[index]!;
      if (++this.steps > MAX_EVALUATION_STEPS) {
        const reason = t('evaluating this list took more than {0} steps', MAX_EVALUATION_STEPS);
        for (const region of pending) out.push(this.bound('evaluation-steps', list.range, MAX_EVALUATION_STEPS, region, undefined, reason));
        return out;
      }
      if (rule.action.type === 'continue') continue;
      const match = matchRule(rule, this.flow);
      if (!match) continue;
      const point: DecidingPoint = { listId: list.id, ruleIndex: index };
      const next: Region[] = [];
      for (const region of pending) {
        if (match.addresses && !touches(region, match.addresses)) {
          next.push(region);
          continue;
        }
        const { matched, rest } = splitRegion(region, match.addresses, match.ports);
        next.push(...rest);
        if (!matched) continue;
        const taken = this.apply(list, index, rule, matched, depth);
        if (match.uncertain && this.uncertainDepth >= MAX_UNCERTAIN_DEPTH) {
          out.push(this.bound('uncertain-depth', rule.range, MAX_UNCERTAIN_DEPTH, matched, point, t('more than {0} rules in a row depend on conditions the file cannot settle', MAX_UNCERTAIN_DEPTH)));
        } else if (match.uncertain) {
          this.uncertainDepth++;
          const ifNot = this.run(list, index + 1, [matched], depth);
          this.uncertainDepth--;
          out.push(...combineUncertain(taken, ifNot, point, match.uncertain));
        } else {
          out.push(...taken);
        }
      }
      pending = next;
    }
    for (const region of pending) {
      const point = { listId: list.id, ruleIndex: -1 };
      if (list.defaultAction && this.cutReason) out.push({ region, result: 'unknown', decidedBy: point, reason: this.cutReason });
      else if (list.defaultAction) out.push({ region, result: list.defaultAction, decidedBy: point });
      else out.push({ region, result: 'return' });
    }
    return out;
  }

  private apply(list: RuleList, index: number, rule: Rule, region: Region, depth: number): ListOutcome[] {
    const point: DecidingPoint = { listId: list.id, ruleIndex: index };
    const action = rule.action;
    switch (action.type) {
      case 'accept':
      case 'proxy':
        return [{ region, result: 'accept', decidedBy: point }];
      case 'drop':
      case 'reject':
        return [{ region, result: 'drop', decidedBy: point }];
      case 'return':
        return [{ region, result: 'return', decidedBy: point }];
      case 'continue':
        return [{ region, result: 'return' }];
      case 'jump':
      case 'goto': {
        const target = this.lists.get(action.target);
        if (!target) {
          return [{ region, result: 'unknown', decidedBy: point, reason: t('chain {0} is not defined in this file', action.target) }];
        }
        if (depth >= MAX_JUMP_DEPTH) {
          return [this.bound('jump-depth', rule.range, MAX_JUMP_DEPTH, region, point, t('jumps nest deeper than {0} (a loop?)', MAX_JUMP_DEPTH))];
        }
        const inner = this.run(target, 0, [region], depth + 1);
        if (action.type === 'goto') return inner;
        const out: ListOutcome[] = [];
        const returned: Region[] = [];
        for (const o of inner) {
          if (o.result === 'return') returned.push(o.region);
          else out.push(o);
        }
        if (returned.length > 0) out.push(...this.run(list, index + 1, returned, depth));
        return out;
      }
    }
  }
}

/** nginx allow/deny guards HTTP requests; other traffic never reaches those lists. */
const HTTP_PORTS: PortRange[] = [
  { from: 80, to: 80 },
  { from: 443, to: 443 },
  { from: 8080, to: 8080 },
  { from: 8443, to: 8443 },
];

/** Paths that see traffic of the flow's direction. */
export function pathsForFlow(model: ConfigModel, flow: Flow): EvaluationPath[] {
  return model.paths.filter((p) => p.direction === undefined || p.direction === 'forward' || p.direction === flow.direction);
}

/** The part of a flow's ports a list can see at all: everything, except HTTP ports for nginx access lists. */
function visiblePorts(list: RuleList, flow: Flow): PortRange[] {
  const ports = flow.ports.length > 0 ? flow.ports : ALL_PORTS;
  if (list.kind !== 'http-access') return ports;
  return flow.protocol === 'tcp' ? intersectPorts(ports, HTTP_PORTS) : [];
}

function familiesOf(lists: RuleList[]): Set<4 | 6> {
  const families = new Set<4 | 6>();
  for (const l of lists) for (const f of l.families ?? [4, 6]) families.add(f);
  return families;
}

/**
 * Evaluate one flow on every path of the model that sees it. Stages run in order: a region dropped
 * by one stage is blocked for good, a region accepted goes on to the next stage (nftables base
 * chains on one hook), and a region accepted by the last stage is allowed. `narrow` lets a caller
 * evaluate only the part of the flow a path is meant for.
 */
export function evaluateFlow(model: ConfigModel, whole: Flow, narrow?: (path: EvaluationPath, flow: Flow) => Flow | undefined): PathEvaluation[] {
  if (whole.remote.kind !== 'addresses') return [];
  const results: PathEvaluation[] = [];
  for (const path of pathsForFlow(model, whole)) {
    // A caller may evaluate only part of the flow on a path (or none of it), e.g. by intent.
    const flow = narrow ? narrow(path, whole) : whole;
    if (!flow || flow.remote.kind !== 'addresses') continue;
    const evaluator = new Evaluator(model, flow);
    const stages = path.stages.map((id) => evaluator.list(id)).filter((l): l is RuleList => l !== undefined);
    if (stages.length === 0) continue;
    const families = familiesOf(stages);
    const intervals = flow.remote.intervals.filter((iv) => families.has(iv.family));
    if (intervals.length === 0) continue;
    const ports = visiblePorts(stages[0]!, flow);
    if (ports.length === 0) continue;
    let pending: Region[] = [{ intervals: mergeIntervals(intervals), ports }];
    const outcomes: RegionOutcome[] = [];
    for (let s = 0; s < stages.length && pending.length > 0; s++) {
      const list = stages[s]!;
      const last = s === stages.length - 1;
      const next: Region[] = [];
      // A base chain of an `ip` table never sees IPv6 packets on the same hook: they pass it by.
      const seen = new Set(list.families ?? [4, 6]);
      const mine: Region[] = [];
      for (const region of pending) {
        const inside = region.intervals.filter((iv) => seen.has(iv.family));
        const outside = region.intervals.filter((iv) => !seen.has(iv.family));
        if (inside.length > 0) mine.push({ intervals: inside, ports: region.ports });
        if (outside.length > 0) {
          if (last) outcomes.push({ region: { intervals: outside, ports: region.ports }, value: 'allowed' });
          else next.push({ intervals: outside, ports: region.ports });
        }
      }
      for (const o of mine.length > 0 ? evaluator.run(list, 0, mine, 0) : []) {
        // RETURN from a base chain, or the end of a list without a default, takes the list's policy.
        const result = o.result === 'return' ? (list.defaultAction ?? 'accept') : o.result;
        const decidedBy = o.result === 'return' && list.defaultAction ? { listId: list.id, ruleIndex: -1 } : o.decidedBy;
        if (result === 'drop') outcomes.push(withPoint({ region: o.region, value: 'blocked' }, decidedBy));
        else if (result === 'unknown') outcomes.push(withReason(withPoint({ region: o.region, value: 'unknown' }, decidedBy), o.reason));
        else if (last) outcomes.push(withPoint({ region: o.region, value: 'allowed' }, decidedBy));
        else next.push(o.region);
      }
      pending = next;
    }
    results.push({ path, outcomes });
  }
  return results;
}

function withPoint(outcome: RegionOutcome, point: DecidingPoint | undefined): RegionOutcome {
  if (point) outcome.decidedBy = point;
  return outcome;
}

function withReason(outcome: RegionOutcome, reason: string | undefined): RegionOutcome {
  if (reason) outcome.reason = reason;
  return outcome;
}
