import type { Range } from '../model/range';
import type { Policy } from '../model/policy';
import type { TextEdit } from '../model/edit';

export const FINDING_CODES = [
  'blocked-required',
  'proxied-optimize',
  'incomplete-set',
  'stale-entry',
  'host-bits-set',
  'invalid-address',
  'shadowed-rule',
  'redundant-entry',
  'undefined-filter',
  'pac-wildcard-gap',
  'pac-dns-dependency',
  'pac-runtime-error',
  'tenant-restrictions-bypass',
  'tls-inspected',
  'proxy-auth-required',
  'path-inconsistent',
  'managed-block-outdated',
  'pending-addition',
  'catalog-change-impact',
  'syntax-error',
  'not-analysed',
  'analysis-limit',
  'config-problem',
  'include-problem',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

export type FindingSeverity = 'error' | 'warning' | 'information' | 'hint';

export const DEFAULT_SEVERITY: Record<FindingCode, FindingSeverity> = {
  'blocked-required': 'error',
  'proxied-optimize': 'warning',
  'incomplete-set': 'warning',
  'stale-entry': 'warning',
  'host-bits-set': 'warning',
  'invalid-address': 'error',
  'shadowed-rule': 'warning',
  'redundant-entry': 'information',
  'undefined-filter': 'warning',
  'pac-wildcard-gap': 'warning',
  'pac-dns-dependency': 'information',
  'pac-runtime-error': 'error',
  'tenant-restrictions-bypass': 'warning',
  'tls-inspected': 'error',
  'proxy-auth-required': 'error',
  'path-inconsistent': 'warning',
  'managed-block-outdated': 'information',
  'pending-addition': 'warning',
  'catalog-change-impact': 'warning',
  'syntax-error': 'error',
  'not-analysed': 'warning',
  'analysis-limit': 'warning',
  'config-problem': 'warning',
  'include-problem': 'warning',
};

export function isFindingCode(value: string): value is FindingCode {
  return (FINDING_CODES as readonly string[]).includes(value);
}

/**
 * A way to make a finding go away. Either concrete edits, or a policy to insert (the fix layer
 * plans where it goes with the same code as the insert commands), or a managed block to refresh.
 */
export interface Fix {
  title: string;
  /** Shown as the preferred quick fix and applied by `check --fix`. */
  preferred: boolean;
  edits?: TextEdit[];
  policy?: Policy;
  refreshBlock?: string;
}

/** A place in the catalogue a finding talks about; the LSP layer turns it into a location. */
export type CatalogReference = { source: 'web-service'; instance: string; id: number } | { source: 'other-endpoints'; row: number };

export interface RelatedInformation {
  message: string;
  /** Absolute path of the file `range` is in when it is not the finding's own (a firewall on the path, endpoint-lens.json, the include that brought an included file in). */
  path?: string;
  range?: Range;
  catalog?: CatalogReference;
}

export interface Finding {
  code: FindingCode;
  severity: FindingSeverity;
  message: string;
  /**
   * What the finding is about, free of line numbers, when the message has them; an edit elsewhere
   * in the file keeps it the same, so "is this finding still there?" can be asked after an edit.
   */
  subject?: string;
  range: Range;
  related: RelatedInformation[];
  fixes: Fix[];
}
