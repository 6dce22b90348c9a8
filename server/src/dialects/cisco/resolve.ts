import { mergeIntervals, type IpInterval } from '../../model/address';
import { t } from '../../l10n';
import { MAX_OBJECT_GROUP_DEPTH } from '../../limits';
import { rangeOnLine, type CiscoLine, type CiscoToken } from './lexer';
import { markUse, pushTokenProblem } from './reader';
import type { CiscoConfig, CiscoRead, ServiceEntry } from './vendor';

export interface ResolvedNetwork {
  intervals: IpInterval[];
  refIds: number[];
  unresolved?: string;
  /** Computed once per group: a big group used by many rules must not be scanned per rule. */
  families?: Set<4 | 6>;
}

export interface ResolvedService {
  entries: ServiceEntry[];
  unresolved?: string;
}

/** Network and service groups resolved to their members, nested groups included, each group once. */
export class GroupResolver {
  private readonly config: CiscoConfig;
  private readonly resolvedNetworks = new Map<string, ResolvedNetwork | 'visiting'>();
  private readonly resolvedServices = new Map<string, ResolvedService | 'visiting'>();
  private readonly groupUseMarks = new Map<string, number>();

  constructor(private readonly read: CiscoRead) {
    this.config = read.config;
  }

  private tokenProblem(line: CiscoLine, token: CiscoToken, message: string, severity: 'error' | 'warning' = 'error'): void {
    pushTokenProblem(this.read, line, token, message, severity);
  }

  /** Once per place: a group resolved again from another rule meets the bound at the same member. */
  private groupDepthLimit(line: CiscoLine | undefined, token: CiscoToken | undefined): void {
    if (line === undefined || token === undefined) return;
    const range = rangeOnLine(line, token.start, token.end);
    if (this.read.limits.some((l) => l.kind === 'object-group-depth' && l.range.start.line === range.start.line)) return;
    this.read.limits.push({ kind: 'object-group-depth', range, found: MAX_OBJECT_GROUP_DEPTH + 1, limit: MAX_OBJECT_GROUP_DEPTH });
  }

  resolveNetwork(name: string, depth: number, useLine?: CiscoLine, useToken?: CiscoToken): ResolvedNetwork {
    const cached = this.resolvedNetworks.get(name);
    if (cached === 'visiting') {
      if (useLine !== undefined && useToken !== undefined) {
        this.tokenProblem(useLine, useToken, t('Object-group {0} contains itself through nested groups.', name));
      }
      return { intervals: [], refIds: [], unresolved: t('object-group {0} contains itself', name) };
    }
    if (cached !== undefined) return cached;
    const def = this.config.networkObjects.get(name);
    if (def === undefined) {
      if (useLine !== undefined && useToken !== undefined) {
        this.tokenProblem(useLine, useToken, t('Object {0} is not defined in this file.', name), 'warning');
      }
      return { intervals: [], refIds: [], unresolved: t('object {0} is not defined in this file', name) };
    }
    if (depth >= MAX_OBJECT_GROUP_DEPTH) {
      this.groupDepthLimit(useLine, useToken);
      return { intervals: [], refIds: [], unresolved: t('object-group {0} is nested too deeply', name) };
    }
    this.resolvedNetworks.set(name, 'visiting');
    const intervals: IpInterval[] = [];
    const refIds: number[] = [];
    const reasons: string[] = [];
    for (const member of def.members) {
      if (member.type === 'literal') {
        for (const iv of member.intervals) intervals.push(iv);
        for (const id of member.refIds) refIds.push(id);
        if (member.unresolved !== undefined) reasons.push(member.unresolved);
      } else if (member.type === 'fqdn') {
        refIds.push(member.refId);
        reasons.push(t('{0} is an FQDN object; the device resolves it at run time', member.host));
      } else {
        const nested = this.resolveNetwork(member.name, depth + 1, member.line, member.token);
        for (const iv of nested.intervals) intervals.push(iv);
        for (const id of nested.refIds) refIds.push(id);
        if (nested.unresolved !== undefined) reasons.push(nested.unresolved);
      }
    }
    const resolved: ResolvedNetwork = { intervals: mergeIntervals(intervals), refIds: [...new Set(refIds)].sort((x, y) => x - y) };
    if (reasons.length > 0) resolved.unresolved = [...new Set(reasons)].join('; ');
    this.resolvedNetworks.set(name, resolved);
    return resolved;
  }

  resolveService(name: string, depth: number, useLine?: CiscoLine, useToken?: CiscoToken): ResolvedService {
    const cached = this.resolvedServices.get(name);
    if (cached === 'visiting') {
      if (useLine !== undefined && useToken !== undefined) {
        this.tokenProblem(useLine, useToken, t('Object-group {0} contains itself through nested groups.', name));
      }
      return { entries: [], unresolved: t('object-group {0} contains itself', name) };
    }
    if (cached !== undefined) return cached;
    const def = this.config.serviceObjects.get(name);
    if (def !== undefined && depth >= MAX_OBJECT_GROUP_DEPTH) {
      this.groupDepthLimit(useLine, useToken);
      return { entries: [], unresolved: t('object-group {0} is nested too deeply', name) };
    }
    if (def === undefined) {
      if (useLine !== undefined && useToken !== undefined) {
        this.tokenProblem(useLine, useToken, t('Object {0} is not defined in this file.', name), 'warning');
      }
      return { entries: [], unresolved: t('object {0} is not defined in this file', name) };
    }
    this.resolvedServices.set(name, 'visiting');
    const entries: ServiceEntry[] = [];
    const reasons: string[] = [];
    for (const member of def.members) {
      if (member.type === 'entry') entries.push(member.entry);
      else {
        const nested = this.resolveService(member.name, depth + 1, member.line, member.token);
        for (const entry of nested.entries) entries.push(entry);
        if (nested.unresolved !== undefined) reasons.push(nested.unresolved);
      }
    }
    const resolved: ResolvedService = { entries };
    if (reasons.length > 0) resolved.unresolved = [...new Set(reasons)].join('; ');
    this.resolvedServices.set(name, resolved);
    return resolved;
  }

  /** Marks every member reference of a group (nested ones too) as used in a role, each group at most once per role. */
  markGroupUse(name: string, role: 'source' | 'destination', depth: number): void {
    const bit = role === 'source' ? 1 : 2;
    const marks = this.groupUseMarks.get(name) ?? 0;
    if ((marks & bit) !== 0 || depth >= MAX_OBJECT_GROUP_DEPTH) return;
    this.groupUseMarks.set(name, marks | bit);
    const def = this.config.networkObjects.get(name);
    if (def === undefined) return;
    for (const member of def.members) {
      if (member.type === 'literal') for (const id of member.refIds) markUse(this.read, id, role);
      else if (member.type === 'fqdn') markUse(this.read, member.refId, role);
      else this.markGroupUse(member.name, role, depth + 1);
    }
  }
}
