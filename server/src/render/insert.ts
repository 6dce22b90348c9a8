import type { ConfigModel } from '../model/config';
import type { Policy } from '../model/policy';
import { LineIndex } from '../model/range';
import type { Dialect, ParseOptions } from '../dialects/dialect';
import type { TextEdit } from '../analysis/finding';
import { t } from '../l10n';
import { applyTextEdits, findManagedBlocks, lineBreakOf, prepareBlockText, replacementForBlock, type ManagedBlockProblem } from './managedBlocks';
import { choosePlacement, fitIosBlock, pacHostParameter, renamePacHost } from './placement';

export interface InsertionPlan {
  /**
   * Minimal edits against the text: one insertion, or the replacement of the block of the same
   * purpose (an insertion and a removal when the block has to move in front of a rule that would
   * now stop its traffic).
   */
  edits: TextEdit[];
  /** Localised: what goes where, or why nothing does. */
  summary: string;
  replaced: boolean;
  /** What the dialect could not express (written into the block as comments). */
  notExpressible: string[];
  /** Broken markers of this purpose; when present nothing is edited, since the block's extent is unknown. */
  problems: ManagedBlockProblem[];
}

/**
 * Plan the edits that put the policy's managed block into the file where it takes effect, or
 * replace the block of the same purpose that is already there (so inserting twice equals once).
 */
export function planInsertion(text: string, model: ConfigModel, dialect: Dialect, policy: Policy, parseOptions?: ParseOptions): InsertionPlan {
  const scan = findManagedBlocks(text, dialect.lineComment);
  const problems = scan.problems.filter((p) => p.purpose === policy.purpose);
  if (problems.length > 0) {
    return {
      edits: [],
      summary: t('Nothing inserted: the managed block "{0}" has broken markers (line {1}); fix or remove them first.', policy.purpose, problems[0]!.range.start.line + 1),
      replaced: false,
      notExpressible: [],
      problems,
    };
  }
  const existing = scan.blocks.find((b) => b.purpose === policy.purpose);
  if (existing) {
    const { edits, newText, moved, notExpressible } = replacementForBlock(text, existing, dialect, policy, parseOptions);
    const same = !moved && newText === text.slice(existing.startOffset, existing.endOffset);
    return {
      edits: same ? [] : edits,
      summary: same
        ? t('The managed block "{0}" on line {1} is already up to date.', policy.purpose, existing.beginLine + 1)
        : moved
          ? t('Moved the managed block "{0}" from line {1} in front of the rule that would stop its traffic ({2} entries, catalogue {3}).', policy.purpose, existing.beginLine + 1, policy.entries.length, policy.catalogVersion)
          : t('Replaced the managed block "{0}" on line {1} ({2} entries, catalogue {3}).', policy.purpose, existing.beginLine + 1, policy.entries.length, policy.catalogVersion),
      replaced: true,
      notExpressible,
      problems: [],
    };
  }
  const placement = choosePlacement(text, model, dialect, policy, scan.blocks);
  if (placement.unsupported) return { edits: [], summary: placement.unsupported, replaced: false, notExpressible: [], problems: [] };
  const rendered = dialect.render(policy, placement.target);
  const lineBreak = lineBreakOf(text);
  let newText = prepareBlockText(rendered, policy, dialect.lineComment, placement.point.indent, lineBreak);
  const offset = placement.point.offset;
  const hostName = dialect.id === 'pac' ? pacHostParameter(model) : undefined;
  if (hostName) newText = renamePacHost(newText, hostName);
  let sequenceProblem: string | undefined;
  if (dialect.id === 'cisco') {
    const sequenced = fitIosBlock(text, offset, newText, dialect.lineComment, scan.blocks);
    newText = sequenced.block;
    sequenceProblem = sequenced.problem;
  }
  // At the end of a file without a final line break the block must start on a line of its own.
  if (offset === text.length && text.length > 0 && !/[\r\n]$/.test(text)) newText = lineBreak + newText;
  const position = new LineIndex(text).positionAt(offset);
  return {
    edits: [{ range: { start: position, end: position }, newText }],
    summary:
      t('Inserted the managed block "{0}" ({1} entries, catalogue {2}) {3}.', policy.purpose, policy.entries.length, policy.catalogVersion, placement.point.description) +
      (sequenceProblem ? ` ${t('Warning: {0}.', sequenceProblem)}` : ''),
    replaced: false,
    notExpressible: rendered.notExpressible,
    problems: [],
  };
}

export { applyTextEdits };
