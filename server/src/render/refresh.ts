import { diffEdits, type TextEdit } from '../model/edit';
import { findManagedBlocks, type ManagedBlock, type ManagedBlockProblem } from '../model/managedBlock';
import type { Policy } from '../model/policy';
import { policyForBlock, type PolicyCatalog } from '../policies';
import { commentSyntaxOf } from '../dialects/dialect';
import { t } from '../l10n';
import { planPolicy, type EditSubject } from './plan';

export type BlockPolicyResult = { ok: true; policy: Policy } | { ok: false; errors: string[] };

export interface RefreshResult {
  /** Against the original text; empty when every block is current. */
  edits: TextEdit[];
  /** The text with the edits applied. */
  text: string;
  /** Every purpose rebuilt, in file order of its first block. */
  refreshed: Array<{ purpose: string; fromVersion: string; toVersion: string; changed: boolean; summary: string }>;
  skipped: Array<{ purpose: string; reason: string }>;
  problems: ManagedBlockProblem[];
}

/**
 * Re-render managed blocks from the current catalogue, each purpose planned again on the text as
 * the previous ones left it (a block moves when a rule before it would now stop its traffic). A
 * block of another instance, or one whose policy cannot be rebuilt, is left as it is and listed in
 * `skipped`. `only` limits the refresh to one purpose (the quick fix of one outdated block).
 */
export function refreshManagedBlocks(
  subject: EditSubject,
  catalog: PolicyCatalog,
  options: { only?: string; policyFor?: (block: ManagedBlock) => BlockPolicyResult } = {},
): RefreshResult {
  const policyFor = options.policyFor ?? ((block: ManagedBlock) => policyForBlock(catalog, block));
  const scan = findManagedBlocks(subject.text, commentSyntaxOf(subject.dialect, subject.text));
  const result: RefreshResult = { edits: [], text: subject.text, refreshed: [], skipped: [], problems: scan.problems };
  const firstOfPurpose = new Map<string, ManagedBlock>();
  for (const block of scan.blocks) if (!firstOfPurpose.has(block.purpose)) firstOfPurpose.set(block.purpose, block);
  let text = subject.text;
  for (const block of firstOfPurpose.values()) {
    if (options.only !== undefined && block.purpose !== options.only) continue;
    if (block.instance !== catalog.instance) {
      result.skipped.push({ purpose: block.purpose, reason: t('the block is for the {0} instance; the catalogue in use is {1}', block.instance, catalog.instance) });
      continue;
    }
    const built = policyFor(block);
    if (!built.ok) {
      result.skipped.push({ purpose: block.purpose, reason: built.errors.join(' ') });
      continue;
    }
    const plan = planPolicy({ ...subject, text }, built.policy);
    const changed = plan.newText !== text;
    result.refreshed.push({ purpose: block.purpose, fromVersion: block.version, toVersion: built.policy.catalogVersion, changed, summary: plan.summary });
    text = plan.newText;
  }
  result.text = text;
  result.edits = diffEdits(subject.text, text);
  return result;
}
