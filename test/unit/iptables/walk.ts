// A small, independent packet walk over a ConfigModel, used by the round-trip tests of the
// iptables and nftables renderers: the flow meets each stage of its path in order; within a list
// rules are tried first match wins, jumps descend and RETURN/fall-through come back; a stage's
// accept hands the packet to the next stage and any drop or reject is final.
import type { ConfigModel, PortRange, Rule, RuleList, TrafficDirection } from '../../../server/src/model/config';
import type { IpInterval } from '../../../server/src/model/address';

export interface TestFlow {
  direction: TrafficDirection;
  protocol: 'tcp' | 'udp';
  port: number;
  family: 4 | 6;
  /** The Microsoft side: destination of outbound/forward flows, source of inbound ones. */
  remote: bigint;
}

export type WalkResult = 'allowed' | 'blocked' | 'unknown';

function inIntervals(value: bigint, family: 4 | 6, intervals: IpInterval[]): boolean {
  return intervals.some((iv) => iv.family === family && iv.first <= value && value <= iv.last);
}

function inPorts(port: number, ranges: PortRange[]): boolean {
  return ranges.some((r) => r.from <= port && port <= r.to);
}

/** true, false, or undefined when the rule's match depends on something outside the file. */
function matches(rule: Rule, flow: TestFlow): boolean | undefined {
  if (rule.protocols && !rule.protocols.includes(flow.protocol)) return false;
  if (rule.destinationPorts && !inPorts(flow.port, rule.destinationPorts)) return false;
  // The customer side uses an ephemeral port and any address: source ports of outbound flows are unknown.
  if (rule.sourcePorts && !(rule.sourcePorts.length === 1 && rule.sourcePorts[0]!.from <= 1024 && rule.sourcePorts[0]!.to === 65535)) return undefined;
  const remoteSide = flow.direction === 'inbound' ? rule.sources : rule.destinations;
  const localSide = flow.direction === 'inbound' ? rule.destinations : rule.sources;
  if (remoteSide) {
    if (remoteSide.unresolved) return undefined;
    const inside = inIntervals(flow.remote, flow.family, remoteSide.intervals);
    if (inside === remoteSide.negated) return false;
  }
  if (localSide) return undefined;
  if (rule.unknownConditions && rule.unknownConditions.length > 0) return undefined;
  return true;
}

type ListOutcome = 'accept' | 'drop' | 'return' | 'unknown';

function walkList(model: ConfigModel, list: RuleList, flow: TestFlow, depth: number): ListOutcome {
  if (depth > 20) return 'unknown';
  for (const rule of list.rules) {
    const m = matches(rule, flow);
    if (m === false) continue;
    if (m === undefined) {
      if (rule.action.type === 'continue') continue;
      return 'unknown';
    }
    const action = rule.action;
    switch (action.type) {
      case 'accept':
        return 'accept';
      case 'drop':
      case 'reject':
        return 'drop';
      case 'return':
        return 'return';
      case 'continue':
        continue;
      case 'jump':
      case 'goto': {
        const target = model.ruleLists.find((l) => l.id === action.target);
        if (!target) return 'unknown';
        const outcome = walkList(model, target, flow, depth + 1);
        if (outcome === 'return' && action.type === 'jump') continue;
        return outcome;
      }
      default:
        return 'unknown';
    }
  }
  return 'return';
}

export function walk(model: ConfigModel, flow: TestFlow): WalkResult {
  const paths = model.paths.filter((p) => p.direction === flow.direction);
  let sawStage = false;
  for (const path of paths) {
    const stages = path.stages.map((id) => model.ruleLists.find((l) => l.id === id)!).filter((l) => !l.families || l.families.includes(flow.family));
    if (stages.length === 0) continue;
    sawStage = true;
    for (const list of stages) {
      let outcome = walkList(model, list, flow, 0);
      if (outcome === 'return') outcome = list.defaultAction === 'drop' ? 'drop' : 'accept';
      if (outcome === 'drop') return 'blocked';
      if (outcome === 'unknown') return 'unknown';
    }
  }
  return sawStage ? 'allowed' : 'unknown';
}
