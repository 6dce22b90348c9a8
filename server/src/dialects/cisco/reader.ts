import type { IpInterval } from '../../model/address';
import type { AnalysisLimit, Comment, Reference, ReferenceKind, ReferenceRole, SyntaxProblem } from '../../model/config';
import { t } from '../../l10n';
import { rangeOnLine, type CiscoLine, type CiscoToken } from './lexer';
import type { CiscoConfig, CiscoInterface, CiscoPlatform, CiscoRead, NetworkObject, ServiceObject, AccessList } from './vendor';

/** Names of objects and object-groups by type, known before the entries that use them. */
export type GroupType = 'network' | 'service' | 'protocol' | 'other';

/** The sub-mode a line may belong to, opened by the command before it. */
export type Mode =
  | { type: 'none' }
  | { type: 'acl'; state: AccessList }
  | { type: 'network'; def: NetworkObject }
  | { type: 'service'; def: ServiceObject; protocolHint: string | null }
  | { type: 'ignored-group' }
  | { type: 'interface'; state: CiscoInterface }
  | { type: 'line'; name: string }
  /** Banner text runs until the delimiter comes back; its words are prose, not commands. */
  | { type: 'banner'; delimiter: string };

export function lower(token: CiscoToken | undefined): string {
  return token === undefined ? '' : token.text.toLowerCase();
}

export function pushTokenProblem(read: CiscoRead, line: CiscoLine, token: CiscoToken, message: string, severity: 'error' | 'warning' = 'error'): void {
  read.problems.push({ range: rangeOnLine(line, token.start, token.end), message, severity });
}

/** Records that a reference is used as a source or a destination. */
export function markUse(read: CiscoRead, refId: number, role: ReferenceRole): void {
  const bit = role === 'source' ? 1 : role === 'destination' ? 2 : 0;
  read.referenceUse[refId] = (read.referenceUse[refId] ?? 0) | bit;
}

/** The grammar's state while it reads a file line by line: what it built so far and the open sub-mode. */
export class Reader implements CiscoRead {
  readonly references: Reference[] = [];
  readonly referenceUse: number[] = [];
  readonly roleDecided: boolean[] = [];
  readonly problems: SyntaxProblem[] = [];
  readonly comments: Comment[] = [];
  readonly config: CiscoConfig;
  /** `name ADDRESS ALIAS` aliases, which ACL entries may write instead of an address. */
  readonly names = new Map<string, { refId: number; interval: IpInterval }>();
  mode: Mode = { type: 'none' };

  constructor(
    readonly text: string,
    readonly lines: readonly CiscoLine[],
    readonly limits: AnalysisLimit[],
    readonly groupTypes: ReadonlyMap<string, GroupType>,
    platform: CiscoPlatform,
  ) {
    this.config = {
      platform,
      legacyAsa: false,
      accessLists: new Map(),
      networkObjects: new Map(),
      serviceObjects: new Map(),
      interfaces: [],
      bindings: [],
      otherUses: new Map(),
    };
  }

  lineText(line: CiscoLine): string {
    const first = line.tokens[0];
    const last = line.tokens[line.tokens.length - 1];
    return first === undefined || last === undefined ? '' : this.text.slice(first.start, last.end);
  }

  problem(line: CiscoLine, start: number, end: number, message: string, severity: 'error' | 'warning' = 'error'): void {
    this.problems.push({ range: rangeOnLine(line, start, end), message, severity });
  }

  tokenProblem(line: CiscoLine, token: CiscoToken, message: string, severity: 'error' | 'warning' = 'error'): void {
    pushTokenProblem(this, line, token, message, severity);
  }

  /** A problem for a line that stopped before a required word; points at the last word it has. */
  missing(line: CiscoLine, what: string): void {
    const last = line.tokens[line.tokens.length - 1];
    const at = last === undefined ? line.start : last.end;
    this.problem(line, last?.start ?? at, at, t('Incomplete command: expected {0}.', what));
  }

  /** A reference whose role is `role`, or decided later by the entries that use it when that is undefined. */
  addReference(line: CiscoLine, start: number, end: number, kind: ReferenceKind, role: ReferenceRole | undefined, fields: Partial<Reference> = {}): number {
    const id = this.references.length;
    this.references.push({
      text: this.text.slice(start, end),
      kind,
      role: role ?? 'other',
      range: rangeOnLine(line, start, end),
      ...fields,
    });
    this.roleDecided.push(role !== undefined);
    this.referenceUse.push(0);
    return id;
  }

  markUse(refId: number, role: ReferenceRole): void {
    markUse(this, refId, role);
  }
}
