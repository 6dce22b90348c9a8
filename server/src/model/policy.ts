import type { IpInterval } from './address';
import type { EvaluationPath, HostMatcher, PortRange, TrafficDirection } from './config';
import type { Region } from './region';

/** Which traffic a file's rules are checked for. */
export type Direction = 'outbound' | 'inbound' | 'both';

/**
 * What a flow is for: a web-service endpoint set or an "other endpoints" row. Findings group by it
 * so a hundred blocked addresses of one set make one diagnostic.
 */
export type FlowOrigin =
  | { source: 'web-service'; instance: string; setId: number }
  | { source: 'other-endpoints'; row: number };

/**
 * One kind of connection the catalogue says must work. `remote` is the Microsoft side: the
 * destination for outbound flows, the source for inbound ones. The customer side is "any".
 */
export interface Flow {
  origin: FlowOrigin;
  direction: TrafficDirection;
  protocol: 'tcp' | 'udp';
  ports: PortRange[];
  remote: { kind: 'addresses'; intervals: IpInterval[] } | { kind: 'host'; pattern: string };
  /** Addresses of the customer's own server for inbound flows (Exchange hybrid), when known. */
  local?: IpInterval[];
  /** The request path of a web request, when the traffic is one service of the server (`/EWS/mrsproxy.svc`); absent when any path may be asked for. */
  requestPath?: string;
  /**
   * Whether the client has authenticated to the proxy. Undefined: not known, so a rule that holds
   * only for one kind of client leaves the verdict unknown.
   */
  authenticated?: boolean;
}

export type VerdictValue = 'allowed' | 'blocked' | 'unknown';

/** Which rule (or list default) decided, so a finding can point at the line. */
export interface DecidingPoint {
  listId: string;
  /** Index into the list's rules; -1 when the list's default decided. */
  ruleIndex: number;
}

/** One piece of a flow with the verdict the device gives it. */
export interface RegionOutcome {
  region: Region;
  value: VerdictValue;
  decidedBy?: DecidingPoint;
  /**
   * How the device got to the decision: the stage list first, then each jump taken (a point on a
   * jump rule), and last the deciding rule or default (`decidedBy`). Empty when nothing decided
   * (a region another stage let by).
   */
  trace: DecidingPoint[];
  /** Why the verdict is unknown, in the words of Rule.unknownConditions / AddressMatch.unresolved. */
  reason?: string;
  /** The destination-NAT rule that sent inbound traffic down this (forward) path. */
  translatedBy?: DecidingPoint;
  /** For a host flow: the host name, one the flow's pattern stands for, this outcome is about. */
  host?: string;
  /**
   * Rules that decide the same way when a condition the file cannot settle goes the other way (an
   * ISDB or App-ID match before a general rule): the verdict stands, but what else a rule does
   * (its TLS inspection) may come from either.
   */
  alsoDecidedBy?: DecidingPoint[];
}

export interface PathEvaluation {
  path: EvaluationPath;
  /** The flow as this path carries it: narrowed by the caller, with the local side destination NAT gave it. */
  flow: Flow;
  outcomes: RegionOutcome[];
}

/** Rendering input: flows with one action and a purpose that names the managed block. */
export interface Policy {
  /** Stable name of the managed block, e.g. "exchange-hybrid", "sets-11-12". */
  purpose: string;
  /** Human description written into the block header. */
  title: string;
  action: 'allow' | 'deny';
  direction: TrafficDirection;
  instance: string;
  catalogVersion: string;
  entries: PolicyEntry[];
  /**
   * What the policy was made from (features, server addresses, set filters), written into the
   * managed block so "Refresh managed blocks" can rebuild it from a newer catalogue.
   */
  parameters?: Record<string, string[]>;
}

export interface PolicyEntry {
  /** Shown as the rule comment: "set 11 Teams Optimize", "row 9". */
  label: string;
  origin: FlowOrigin;
  protocol: 'tcp' | 'udp';
  ports: PortRange[];
  addresses: IpInterval[];
  /** Catalogue URL patterns, written in Microsoft's notation; IP-only dialects render them as comments. */
  urls: string[];
  /** For PAC rendering: hosts that must keep going to the proxy although a broader DIRECT pattern covers them. */
  excludedHosts?: string[];
  /**
   * The customer side of an inbound entry (the on-premises Exchange server): the destination the
   * rule matches. Absent means any local address.
   */
  localAddresses?: IpInterval[];
  /** The request path the entry's web requests use, for a device that routes requests by path (see Flow.requestPath). */
  requestPath?: string;
}

export interface RenderedBlock {
  /** The whole text including BEGIN/END markers, ending with a newline. */
  text: string;
  /** Entries or URLs the dialect cannot express, already written as comments in `text`. */
  notExpressible: string[];
}

export type { HostMatcher };
