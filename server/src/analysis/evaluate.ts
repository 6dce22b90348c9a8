import { mergeIntervals, intersectIntervals, minusIntervals, type IpInterval } from '../model/address';
import type { ConfigModel, EvaluationPath, PortRange, Rule, RuleList } from '../model/config';
import type { DecidingPoint, Flow, PathEvaluation, RegionOutcome } from '../model/policy';
import { t } from '../l10n';
import { matchRule, touches, type UncertainWords } from '../model/match';
import { ALL_PORTS, intersectPorts, minusPorts } from '../model/ports';
import { regionIsEmpty, splitRegion, type Region } from '../model/region';
import { reachableLists } from '../model/lists';
import { listenedPorts, pathsForRequest } from '../model/routing';
import { candidateRules } from './ruleIndex';
import { MAX_EVALUATION_STEPS, MAX_JUMP_DEPTH, MAX_UNCERTAIN_DEPTH } from '../limits';
import { rulesMissingFrom } from '../dialects/bounds';
import { recordEvaluationLimit } from './evaluationLimits';
import type { AnalysisLimitKind, TlsInterception } from '../model/config';
import { probeHosts } from '../catalog/urlPattern';
import type { Range } from '../model/range';

export type { PathEvaluation, RegionOutcome } from '../model/policy';

/** The evaluator's words for what the model layer finds uncertain. */
const UNCERTAIN_WORDS: UncertainWords = {
  get authentication() {
    return t('the rule holds only for clients that have authenticated to the proxy');
  },
  resolves: (host) => t('the device resolves {0} to test the rule\'s addresses', host),
  regex: (host, source) => t('whether {0} matches the regular expression {1} is not tested', host, source),
};

/** What a list does with a region: a final action, a translation, or fall through to the caller. */
type ListResult = 'accept' | 'drop' | 'return' | 'unknown' | 'translate' | TlsInterception;

interface ListOutcome {
  region: Region;
  result: ListResult;
  decidedBy?: DecidingPoint;
  /** The jumps taken to the deciding rule, ending with it (see RegionOutcome.trace). */
  trace: DecidingPoint[];
  reason?: string;
  /** For `translate`: the destination-NAT rule's new local side. */
  translation?: { to?: IpInterval[]; toPorts?: PortRange[] };
  /** See RegionOutcome.alsoDecidedBy. */
  alsoDecidedBy?: DecidingPoint[];
}

function intersectRegions(a: Region, b: Region): Region | undefined {
  const r = { intervals: intersectIntervals(a.intervals, b.intervals), ports: intersectPorts(a.ports, b.ports) };
  return regionIsEmpty(r) ? undefined : r;
}

/**
 * A rule whose match is uncertain: the device takes `ifMatched` or `ifNot`; where they agree the
 * answer stands, elsewhere it is unknown and the uncertain rule is named as the reason. When the
 * uncertain rule would accept, only what follows it can stop the traffic, so the trace (where an
 * edit must go) is that of the other branch.
 */
function combineUncertain(ifMatched: ListOutcome[], ifNot: ListOutcome[], point: DecidingPoint, trace: DecidingPoint[], reason: string): ListOutcome[] {
  const out: ListOutcome[] = [];
  for (const a of ifMatched) {
    for (const b of ifNot) {
      const region = intersectRegions(a.region, b.region);
      if (!region) continue;
      if (a.result === b.result && a.result !== 'unknown') out.push({ ...b, region, ...alsoDecided(a, b) });
      else out.push({ region, result: 'unknown', decidedBy: point, trace: a.result === 'accept' && b.trace.length > 0 ? b.trace : trace, reason: b.reason ?? a.reason ?? reason });
    }
  }
  return out;
}

/** When an uncertain rule and the rules after it decide alike, which rules may have decided besides the one recorded. */
function alsoDecided(a: ListOutcome, b: ListOutcome): Pick<ListOutcome, 'alsoDecidedBy'> {
  const others = [...(a.decidedBy ? [a.decidedBy] : []), ...(a.alsoDecidedBy ?? []), ...(b.alsoDecidedBy ?? [])].filter(
    (p) => !b.decidedBy || p.listId !== b.decidedBy.listId || p.ruleIndex !== b.decidedBy.ruleIndex,
  );
  return others.length > 0 ? { alsoDecidedBy: others } : {};
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
  private bound(kind: AnalysisLimitKind, range: Range, limit: number, region: Region, point: DecidingPoint | undefined, trace: DecidingPoint[], reason: string): ListOutcome {
    recordEvaluationLimit(this.model, { kind, range, found: limit + 1, limit });
    return { region, result: 'unknown', ...(point ? { decidedBy: point } : {}), trace, reason };
  }

  list(id: string): RuleList | undefined {
    return this.lists.get(id);
  }

  /**
   * Evaluate `regions` through `list` starting at rule `start`; `frames` are the jumps that led
   * here. With `fallThrough` what no rule matches returns instead of taking the list's default.
   */
  run(list: RuleList, start: number, regions: Region[], frames: readonly DecidingPoint[], fallThrough = false): ListOutcome[] {
    const out: ListOutcome[] = [];
    let pending = regions;
    // Rules that cannot touch the regions leave them as they are: only the others are visited.
    const candidates = candidateRules(list, this.flow, regions, start);
    const visits = candidates ? candidates.length : list.rules.length - start;
    for (let visit = 0; visit < visits && pending.length > 0; visit++) {
      const index = candidates ? candidates[visit]! : start + visit;
      const rule = list.rules[index]!;
      if (++this.steps > MAX_EVALUATION_STEPS) {
        const reason = t('evaluating this list took more than {0} steps', MAX_EVALUATION_STEPS);
        for (const region of pending) out.push(this.bound('evaluation-steps', list.range, MAX_EVALUATION_STEPS, region, undefined, [], reason));
        return out;
      }
      if (rule.action.type === 'continue') continue;
      const match = matchRule(rule, this.flow, UNCERTAIN_WORDS);
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
        const taken = this.apply(list, index, rule, matched, frames);
        if (match.uncertain && this.uncertainDepth >= MAX_UNCERTAIN_DEPTH) {
          const reason = t('more than {0} rules in a row depend on conditions the file cannot settle', MAX_UNCERTAIN_DEPTH);
          out.push(this.bound('uncertain-depth', rule.range, MAX_UNCERTAIN_DEPTH, matched, point, [...frames, point], reason));
        } else if (match.uncertain) {
          this.uncertainDepth++;
          const ifNot = this.run(list, index + 1, [matched], frames, fallThrough);
          this.uncertainDepth--;
          out.push(...combineUncertain(taken, ifNot, point, [...frames, point], match.uncertain));
        } else {
          out.push(...taken);
        }
      }
      pending = next;
    }
    const byDefault = list.defaultAction ?? list.defaultInterception;
    for (const region of pending) {
      if (byDefault && !fallThrough) {
        const point = { listId: list.id, ruleIndex: -1 };
        if (this.cutReason) out.push({ region, result: 'unknown', decidedBy: point, trace: [...frames, point], reason: this.cutReason });
        else out.push({ region, result: byDefault, decidedBy: point, trace: [...frames, point] });
      } else out.push({ region, result: 'return', trace: [] });
    }
    return out;
  }

  private apply(list: RuleList, index: number, rule: Rule, region: Region, frames: readonly DecidingPoint[]): ListOutcome[] {
    const point: DecidingPoint = { listId: list.id, ruleIndex: index };
    const trace = [...frames, point];
    const action = rule.action;
    switch (action.type) {
      case 'accept':
      case 'proxy':
        return [{ region, result: 'accept', decidedBy: point, trace }];
      case 'drop':
      case 'reject':
        return [{ region, result: 'drop', decidedBy: point, trace }];
      case 'return':
        return [{ region, result: 'return', decidedBy: point, trace }];
      case 'continue':
        return [{ region, result: 'return', trace: [] }];
      case 'tls':
        return [{ region, result: action.interception, decidedBy: point, trace }];
      case 'dnat':
        return [{ region, result: 'translate', decidedBy: point, trace, translation: { ...(action.to ? { to: action.to } : {}), ...(action.toPorts ? { toPorts: action.toPorts } : {}) } }];
      case 'jump':
      case 'goto': {
        const target = this.lists.get(action.target);
        if (!target) {
          return [{ region, result: 'unknown', decidedBy: point, trace, reason: t('chain {0} is not defined in this file', action.target) }];
        }
        if (frames.length >= MAX_JUMP_DEPTH) {
          return [this.bound('jump-depth', rule.range, MAX_JUMP_DEPTH, region, point, trace, t('jumps nest deeper than {0} (a loop?)', MAX_JUMP_DEPTH))];
        }
        const inner = this.run(target, 0, [region], trace);
        if (action.type === 'goto') return inner;
        const out: ListOutcome[] = [];
        const returned: Region[] = [];
        for (const o of inner) {
          if (o.result === 'return') returned.push(o.region);
          else out.push(o);
        }
        if (returned.length > 0) out.push(...this.run(list, index + 1, returned, frames));
        return out;
      }
    }
  }
}

/**
 * Paths that see traffic of the flow's direction and kind (host flows go only where hosts decide).
 * A routed path (a listener block and its locations) sees only flows on its listeners' protocol and
 * ports, and of one block's paths a flow with a known request path takes the location that serves it.
 */
export function pathsForFlow(model: ConfigModel, flow: Flow): EvaluationPath[] {
  const byHost = flow.remote.kind === 'host';
  const ofDirection = model.paths.filter((p) => (p.direction === undefined || p.direction === 'forward' || p.direction === flow.direction) && (p.decidesBy === 'host') === byHost);
  const requestPath = flow.requestPath;
  const servers = new Map<string, EvaluationPath[]>();
  const out: EvaluationPath[] = [];
  for (const path of ofDirection) {
    if (!path.route) out.push(path);
    else if (visiblePorts(path, flow).length > 0) servers.set(path.route.server, [...(servers.get(path.route.server) ?? []), path]);
  }
  for (const paths of servers.values()) out.push(...(requestPath === undefined ? paths : pathsForRequest(paths, requestPath)));
  return out;
}

/** Every address: what a host flow's region stands for, since the file cannot say what the name resolves to. */
const ANY_ADDRESS: IpInterval[] = [
  { family: 4, first: 0n, last: (1n << 32n) - 1n },
  { family: 6, first: 0n, last: (1n << 128n) - 1n },
];

/**
 * The concrete host names a host flow is evaluated for: the pattern's probes (a catalogue wildcard
 * stands for many hosts; the shortest and a deeper one show whether a rule takes them all).
 */
function hostsOf(flow: Flow): string[] {
  if (flow.remote.kind !== 'host') return [];
  const probes = probeHosts(flow.remote.pattern);
  return probes.length > 0 ? probes : [flow.remote.pattern.toLowerCase()];
}

/** The part of a flow's ports a path can see: all of them, or those its listeners take. */
function visiblePorts(path: EvaluationPath, flow: Flow): PortRange[] {
  const ports = flow.ports.length > 0 ? flow.ports : ALL_PORTS;
  return path.route ? listenedPorts(path.route, flow.protocol, ports, flow.direction === 'inbound' ? flow.local : undefined) : ports;
}

function familiesOf(lists: RuleList[]): Set<4 | 6> {
  const families = new Set<4 | 6>();
  for (const l of lists) for (const f of l.families ?? [4, 6]) families.add(f);
  return families;
}

/** A flow (or part of one) and the paths it takes through the device. */
interface Route {
  flow: Flow;
  paths: EvaluationPath[];
  translatedBy?: DecidingPoint;
}

/** The customer-side addresses destination NAT sends traffic to: servers behind this device. */
function translationTargets(model: ConfigModel, prerouting: readonly RuleList[]): IpInterval[] {
  return mergeIntervals(
    reachableLists(model, prerouting.map((l) => l.id)).flatMap((l) => l.rules.flatMap((r) => (r.action.type === 'dnat' ? (r.action.to ?? []) : []))),
  );
}

/**
 * The addresses traffic for `behind` (servers behind destination NAT) is sent to before it is
 * translated: the destinations of the rules that translate to them; undefined when one of those
 * rules translates traffic to any address.
 */
function frontsOf(model: ConfigModel, prerouting: readonly RuleList[], behind: readonly IpInterval[]): IpInterval[] | undefined {
  const fronts: IpInterval[] = [];
  for (const list of reachableLists(model, prerouting.map((l) => l.id))) {
    for (const rule of list.rules) {
      if (rule.action.type !== 'dnat' || intersectIntervals(rule.action.to ?? [], behind).length === 0) continue;
      const side = rule.destinations;
      if (!side || side.negated || side.unresolved) return undefined;
      fronts.push(...side.intervals);
    }
  }
  return mergeIntervals(fronts);
}

/**
 * Routes of an inbound flow addressed to `flow.local`, through the destination-NAT lists in order
 * (each sees only its own address families). What a rule translates goes down the forward paths
 * with the new local side; `keep` limits that to some translated addresses. What nothing
 * translates goes to `untranslated` (this host's own paths), or nowhere when undefined.
 */
function natRoutes(model: ConfigModel, flow: Flow, prerouting: readonly RuleList[], forward: EvaluationPath[], untranslated: EvaluationPath[] | undefined, keep?: readonly IpInterval[]): Route[] {
  if (flow.remote.kind !== 'addresses') return [];
  const evaluator = new Evaluator(model, flow);
  let pending: Region[] = [{ intervals: mergeIntervals(flow.remote.intervals), ports: flow.ports.length > 0 ? flow.ports : ALL_PORTS }];
  const routes: Route[] = [];
  for (const list of prerouting) {
    const seen = new Set(list.families ?? [4, 6]);
    const next: Region[] = [];
    const mine: Region[] = [];
    for (const region of pending) {
      const inside = region.intervals.filter((iv) => seen.has(iv.family));
      const outside = region.intervals.filter((iv) => !seen.has(iv.family));
      if (inside.length > 0) mine.push({ intervals: inside, ports: region.ports });
      if (outside.length > 0) next.push({ intervals: outside, ports: region.ports });
    }
    for (const o of mine.length > 0 ? evaluator.run(list, 0, mine, []) : []) {
      if (o.result !== 'translate' || !o.decidedBy) {
        next.push(o.region);
        continue;
      }
      const to = o.translation?.to ?? flow.local ?? [];
      const local = keep ? intersectIntervals(to, keep) : to;
      if (local.length === 0) continue;
      const ports = o.translation?.toPorts ?? o.region.ports;
      routes.push({ flow: { ...flow, ports, local, remote: { kind: 'addresses', intervals: o.region.intervals } }, paths: forward, translatedBy: o.decidedBy });
    }
    pending = next;
  }
  if (untranslated) for (const region of pending) routes.push({ flow: { ...flow, ports: region.ports, remote: { kind: 'addresses', intervals: region.intervals } }, paths: untranslated });
  return routes;
}

/** Routes that say the same (one translation to one address on the same ports) as one, with their remote addresses joined. */
function joinRoutes(routes: readonly Route[]): Route[] {
  const byKey = new Map<string, Route>();
  for (const route of routes) {
    const point = route.translatedBy ? `${route.translatedBy.listId}#${route.translatedBy.ruleIndex}` : '-';
    const key = `${point}|${(route.flow.local ?? []).map((iv) => `${iv.family}:${iv.first}-${iv.last}`).join(',')}|${route.flow.ports.map((p) => `${p.from}-${p.to}`).join(',')}`;
    const known = byKey.get(key);
    if (!known || known.flow.remote.kind !== 'addresses' || route.flow.remote.kind !== 'addresses') {
      if (!known) byKey.set(key, route);
      continue;
    }
    known.flow = { ...known.flow, remote: { kind: 'addresses', intervals: mergeIntervals([...known.flow.remote.intervals, ...route.flow.remote.intervals]) } };
  }
  return [...byKey.values()];
}

/**
 * Which paths an inbound flow to a known local address takes: destination NAT before routing
 * sends what it translates to the new address down the forward path (a DNAT'd server behind a
 * gateway); the rest goes where it went before. A local address that destination NAT translates
 * *to* (the server's inside address) is reached only that way: through the rules that translate
 * to it, from the addresses they are written for. Outbound flows and flows to any local address
 * take every path of their direction.
 */
function routesOf(model: ConfigModel, flow: Flow): Route[] {
  const all = pathsForFlow(model, flow);
  const prerouting = (model.prerouting ?? []).map((id) => model.ruleLists.find((l) => l.id === id)).filter((l): l is RuleList => l !== undefined);
  if (flow.direction !== 'inbound' || !flow.local || prerouting.length === 0 || flow.remote.kind !== 'addresses') return [{ flow, paths: all }];
  const forward = all.filter((p) => p.direction === 'forward');
  const behind = intersectIntervals(flow.local, translationTargets(model, prerouting));
  const front = minusIntervals(flow.local, behind);
  const routes: Route[] = [];
  if (front.length > 0) routes.push(...natRoutes(model, { ...flow, local: front }, prerouting, forward, all));
  if (behind.length > 0) routes.push(...natRoutes(model, { ...flow, local: frontsOf(model, prerouting, behind) }, prerouting, forward, undefined, behind));
  return joinRoutes(routes);
}

/** Stages run in order; see evaluateFlow. A host flow is run once per host its pattern stands for. */
function evaluatePath(model: ConfigModel, path: EvaluationPath, flow: Flow): RegionOutcome[] | undefined {
  if (flow.remote.kind === 'addresses') return evaluateStages(model, path, flow, flow.remote.intervals);
  const outcomes: RegionOutcome[] = [];
  for (const host of hostsOf(flow)) {
    const probe: Flow = { ...flow, remote: { kind: 'host', pattern: host } };
    for (const outcome of evaluateStages(model, path, probe, ANY_ADDRESS) ?? []) outcomes.push({ ...outcome, host });
  }
  return outcomes.length > 0 ? outcomes : undefined;
}

function evaluateStages(model: ConfigModel, path: EvaluationPath, flow: Flow, remote: readonly IpInterval[]): RegionOutcome[] | undefined {
  const evaluator = new Evaluator(model, flow);
  const stages = path.stages.map((id) => evaluator.list(id)).filter((l): l is RuleList => l !== undefined);
  const ports = visiblePorts(path, flow);
  if (ports.length === 0) return undefined;
  // A routed path without lists is a listener or location nothing filters: every client gets through.
  if (path.route && path.stages.length === 0) return [{ region: { intervals: mergeIntervals([...remote]), ports }, value: 'allowed', trace: [] }];
  if (stages.length === 0) return undefined;
  const families = familiesOf(stages);
  const intervals = remote.filter((iv) => families.has(iv.family));
  if (intervals.length === 0) return undefined;
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
        if (last) outcomes.push({ region: { intervals: outside, ports: region.ports }, value: 'allowed', trace: [] });
        else next.push({ intervals: outside, ports: region.ports });
      }
    }
    // In a first-match path an earlier stage decides what it matches and passes on the rest.
    const passOn = path.stageOrder === 'first-match' && !last;
    for (const o of mine.length > 0 ? evaluator.run(list, 0, mine, [], passOn) : []) {
      if (passOn && o.result === 'return') {
        next.push(o.region);
        continue;
      }
      // RETURN from a base chain, or the end of a list without a default, takes the list's policy.
      const byDefault = o.result === 'return';
      const result = byDefault ? (list.defaultAction ?? 'accept') : o.result;
      const point = byDefault && list.defaultAction ? { listId: list.id, ruleIndex: -1 } : o.decidedBy;
      const trace = byDefault ? (point ? [point] : []) : o.trace;
      const alternatives = !byDefault && o.alsoDecidedBy ? { alsoDecidedBy: o.alsoDecidedBy } : {};
      const outcome = (value: RegionOutcome['value']): RegionOutcome => ({ region: o.region, value, trace, ...(point ? { decidedBy: point } : {}), ...alternatives });
      if (result === 'drop') outcomes.push(outcome('blocked'));
      else if (result === 'unknown') outcomes.push({ ...outcome('unknown'), ...(o.reason ? { reason: o.reason } : {}) });
      else if (last || passOn) outcomes.push(outcome('allowed'));
      else next.push(o.region);
    }
    pending = next;
  }
  return outcomes;
}

/**
 * Evaluate one flow on every path of the model that sees it. Stages run in order: a region dropped
 * by one stage is blocked for good, a region accepted goes on to the next stage (nftables base
 * chains on one hook), and a region accepted by the last stage is allowed. Each outcome carries
 * the trace to its decision, which is where an edit has to go to change it. `narrow` lets a caller
 * evaluate only the part of the flow a path is meant for.
 */
export function evaluateFlow(
  model: ConfigModel,
  whole: Flow,
  narrow?: (path: EvaluationPath, flow: Flow, translatedBy: DecidingPoint | undefined) => Flow | undefined,
): PathEvaluation[] {
  const results: PathEvaluation[] = [];
  for (const route of routesOf(model, whole)) {
    for (const path of route.paths) {
      // A caller may evaluate only part of the flow on a path (or none of it), e.g. by intent.
      const flow = narrow ? narrow(path, route.flow, route.translatedBy) : route.flow;
      if (!flow) continue;
      const outcomes = evaluatePath(model, path, flow);
      if (!outcomes) continue;
      const translatedBy = route.translatedBy;
      results.push({ path, flow, outcomes: translatedBy ? outcomes.map((o) => ({ ...o, translatedBy })) : outcomes });
    }
  }
  return results;
}

/** What a device does with the TLS session of an allowed outcome: decrypts it, passes it through, refuses it, or the file cannot say. */
export interface TlsOutcome {
  region: Region;
  value: TlsInterception | 'blocked' | 'unknown';
  /** The interception rule or list default that decided; absent when no interception list applies. */
  decidedBy?: DecidingPoint;
  reason?: string;
}

/** Port 80 carries plain HTTP in the catalogue: no TLS session there to intercept. */
const PLAIN_HTTP: PortRange[] = [{ from: 80, to: 80 }];

/**
 * The TLS interception an allowed outcome meets: the list its deciding rule names (a firewall
 * policy's inspection profile), else the list of its path (a proxy's ssl_bump rules), evaluated
 * first match for the outcome's host and ports. Empty when neither names one.
 */
export function evaluateTlsInterception(model: ConfigModel, evaluation: PathEvaluation, outcome: RegionOutcome): TlsOutcome[] {
  if (outcome.value !== 'allowed') return [];
  const decider = outcome.decidedBy && outcome.decidedBy.ruleIndex >= 0 ? model.ruleLists.find((l) => l.id === outcome.decidedBy!.listId)?.rules[outcome.decidedBy.ruleIndex] : undefined;
  const listId = decider?.tlsInterception ?? evaluation.path.tlsInterception;
  if (listId === undefined) return [];
  // A rule whose condition the file cannot settle may decide instead, and it may inspect otherwise.
  const ruleAt = (p: DecidingPoint): Rule | undefined => (p.ruleIndex >= 0 ? model.ruleLists.find((l) => l.id === p.listId)?.rules[p.ruleIndex] : undefined);
  const differs = (outcome.alsoDecidedBy ?? []).find((p) => (ruleAt(p)?.tlsInterception ?? evaluation.path.tlsInterception) !== listId);
  if (differs) {
    const other = ruleAt(differs);
    return [{ region: outcome.region, value: 'unknown', reason: t('whether TLS is inspected depends on the rule on line {0}, which may decide this traffic with other inspection settings', (other?.range.start.line ?? 0) + 1) }];
  }
  const ports = minusPorts(outcome.region.ports, PLAIN_HTTP);
  if (ports.length === 0) return [];
  const region: Region = { intervals: outcome.region.intervals, ports };
  const flow: Flow = outcome.host !== undefined ? { ...evaluation.flow, remote: { kind: 'host', pattern: outcome.host } } : evaluation.flow;
  const evaluator = new Evaluator(model, flow);
  const list = evaluator.list(listId);
  if (!list) return [{ region, value: 'unknown', reason: t('TLS inspection list {0} is not defined in this file', listId) }];
  return evaluator.run(list, 0, [region], []).map((o): TlsOutcome => {
    const decided = o.decidedBy ? { decidedBy: o.decidedBy } : {};
    switch (o.result) {
      case 'inspect':
      case 'bypass':
        return { region: o.region, value: o.result, ...decided };
      case 'drop':
        return { region: o.region, value: 'blocked', ...decided };
      case 'unknown':
        return { region: o.region, value: 'unknown', ...decided, ...(o.reason ? { reason: o.reason } : {}) };
      default:
        // Past the end of a list without a default, or a rule that lets the session go: nothing decrypts it.
        return { region: o.region, value: 'bypass', ...decided };
    }
  });
}
