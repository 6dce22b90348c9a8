import type { CatalogView } from '../analysis/context';
import { decisionsToPlace, policyDecisions } from '../analysis/decisions';
import { commentSyntaxOf, type Dialect, type FlowDecision, type InsertionPoint, type ParseContext, type Parsed, type PlacementPart } from '../dialects/dialect';
import { diffEdits, lineBreakOf, type TextEdit } from '../model/edit';
import { findManagedBlocks, type ManagedBlock, type ManagedBlockProblem } from '../model/managedBlock';
import type { ConfigModel, RuleList } from '../model/config';
import type { Policy } from '../model/policy';
import { LineIndex } from '../model/range';
import { t } from '../l10n';
import { prepareBlockText } from './blockText';

/** The document an edit is planned for: its exact text, how it is read, and the catalogue in use. */
export interface EditSubject {
  text: string;
  dialect: Dialect;
  parseContext: ParseContext;
  catalog: Pick<CatalogView, 'lookupAddress'>;
  /** Hosts no edit may send past the proxy (the sign-in hosts, with tenant restrictions on). */
  keepOnProxy?: readonly string[];
}

export interface PolicyPlan {
  /** Line hunks against the subject's text; empty when nothing changes. */
  edits: TextEdit[];
  newText: string;
  /** Localised: what goes where, or why nothing does. */
  summary: string;
  /** A block of this purpose was already in the file. */
  replaced: boolean;
  /** What the dialect could not express (written into the block as comments). */
  notExpressible: string[];
  /** Entries (by label) no place in the file lets take effect, with the reason. */
  notPlaced: Array<{ labels: string[]; reason: string }>;
  /** Indexes of the policy's entries that no round placed anywhere (those of `notPlaced`): the edit is not meant to let them through. */
  unplacedEntries: number[];
  /** Broken markers of this purpose; when present nothing is edited, since the block's extent is unknown. */
  problems: ManagedBlockProblem[];
}

/** An edit that needs a second place after the first (a later stage that also drops) gets another round; more is a loop. */
const MAX_ROUNDS = 4;

interface ExistingBlock {
  block: ManagedBlock;
  /** Where the block started in the text without this purpose's blocks. */
  baseOffset: number;
  text: string;
  used: boolean;
}

/** The text without the policy's own blocks, and where each of them stood in it. */
function withoutBlocks(text: string, blocks: readonly ManagedBlock[]): { base: string; existing: ExistingBlock[] } {
  let base = '';
  let from = 0;
  const existing: ExistingBlock[] = [];
  for (const block of [...blocks].sort((a, b) => a.startOffset - b.startOffset)) {
    base += text.slice(from, block.startOffset);
    existing.push({ block, baseOffset: base.length, text: text.slice(block.startOffset, block.endOffset), used: false });
    from = block.endOffset;
  }
  return { base: base + text.slice(from), existing };
}

/** Text for the range [offset, end) of the text a round starts from; blocks are insertions (end = offset). */
interface PlacedPart {
  offset: number;
  end: number;
  text: string;
  summary: string;
}

/** A block part rendered for its place, in an existing block's position when that still takes effect. */
function renderBlockPart(
  subject: EditSubject,
  policy: Policy,
  text: string,
  parsed: Parsed<unknown>,
  part: Extract<PlacementPart<unknown>, { kind: 'block' }>,
  occupied: readonly ManagedBlock[],
  existing: ExistingBlock[],
  notExpressible: string[],
): PlacedPart {
  const { dialect } = subject;
  const entries = part.entries
    .map((i) => policy.entries[i])
    .filter((e) => e !== undefined)
    .map((e) => (part.local && e.localAddresses ? { ...e, localAddresses: part.local } : e));
  const rendered = dialect.render({ ...policy, entries }, part.target);
  notExpressible.push(...rendered.notExpressible);
  const kept = existing.find((e) => !e.used && inWindow(e.baseOffset, part.point));
  if (kept) kept.used = true;
  const point = outsideBlocks(part.point, occupied);
  const offset = kept ? kept.baseOffset : point.offset;
  const indent = kept ? kept.block.indent : point.indent;
  let block = prepareBlockText(rendered, policy, commentSyntaxOf(dialect, text), indent, lineBreakOf(text), part.notes);
  let problem: string | undefined;
  if (dialect.fitBlock) {
    const fitted = dialect.fitBlock({ text, offset, block, parsed, occupied, ...(kept ? { replaced: kept.text } : {}) });
    block = fitted.block;
    problem = fitted.problem;
  }
  // At the end of a file without a final line break the block must start on a line of its own.
  if (offset === text.length && text.length > 0 && !/[\r\n]$/.test(text)) block = lineBreakOf(text) + block;
  const line = new LineIndex(text).positionAt(offset).line + 1;
  const count = entries.length === 1 ? t('1 entry') : t('{0} entries', entries.length);
  let summary: string;
  if (kept && kept.text === block) summary = t('The managed block "{0}" on line {1} is already up to date.', policy.purpose, line);
  else if (kept) summary = t('Replaced the managed block "{0}" on line {1} ({2}, catalogue {3}).', policy.purpose, line, count, policy.catalogVersion);
  else if (existing.some((e) => !e.used)) summary = t('Moved the managed block "{0}" {1} ({2}, catalogue {3}).', policy.purpose, part.point.description, count, policy.catalogVersion);
  else summary = t('Inserted the managed block "{0}" ({1}, catalogue {2}) {3}.', policy.purpose, count, policy.catalogVersion, part.point.description);
  if (problem) summary += ` ${t('Warning: {0}.', problem)}`;
  return { offset, end: offset, text: block, summary };
}

/**
 * Out of another purpose's block: in front of it when that still takes effect (the place was in
 * front of a rule), after it otherwise, so blocks never nest.
 */
function outsideBlocks(point: InsertionPoint, occupied: readonly ManagedBlock[]): InsertionPoint {
  const span = occupied.find((b) => b.startOffset < point.offset && point.offset < b.endOffset);
  if (!span) return point;
  const before = point.window === undefined || point.window.to <= point.offset;
  return { ...point, offset: before ? span.startOffset : span.endOffset, indent: span.indent };
}

/**
 * The parse with the lists other managed blocks created left out (a table a block added belongs
 * to that block's purpose); lists of the user's that a block only adds rules to stay.
 */
function withoutBlockLists(parsed: Parsed<unknown>, occupied: readonly ManagedBlock[]): Parsed<unknown> {
  if (occupied.length === 0) return parsed;
  const inBlock = (line: number): boolean => occupied.some((b) => b.beginLine <= line && line <= b.endLine);
  const created = (l: RuleList): boolean => inBlock(l.range.start.line) && l.rules.every((r) => inBlock(r.range.start.line));
  const ruleLists = parsed.model.ruleLists.filter((l) => !created(l));
  if (ruleLists.length === parsed.model.ruleLists.length) return parsed;
  const kept = new Set(ruleLists.map((l) => l.id));
  // A path that lost every list to the blocks goes; one that never had any (a routed place nothing filters) stays.
  const paths = parsed.model.paths.filter((p) => p.stages.length === 0 || p.stages.some((id) => kept.has(id))).map((p) => ({ ...p, stages: p.stages.filter((id) => kept.has(id)) }));
  return { ...parsed, model: { ...parsed.model, ruleLists, paths } };
}

/** A flow the file lets through only by sending it to a proxy (a PAC return naming one first), which a DIRECT policy is meant to change. */
function sentToProxy(model: ConfigModel, decision: FlowDecision): boolean {
  const point = decision.outcome.decidedBy;
  const action = point ? model.ruleLists.find((l) => l.id === point.listId)?.rules[point.ruleIndex]?.action : undefined;
  return action?.type === 'proxy' && action.proxies[0]?.kind !== 'DIRECT';
}

function inWindow(offset: number, point: InsertionPoint): boolean {
  return point.window !== undefined && point.window.from <= offset && offset <= point.window.to;
}

/** Apply the placed parts, from the end backwards; parts at one offset keep their order. */
function applyParts(text: string, parts: readonly PlacedPart[]): string {
  const ordered = parts.map((p, order) => ({ ...p, order })).sort((a, b) => b.offset - a.offset || b.order - a.order);
  let out = text;
  for (const part of ordered) out = out.slice(0, part.offset) + part.text + out.slice(part.end);
  return out;
}

/**
 * Plan the edits that make a policy take effect in a file: ask the evaluator where each of its
 * flows is decided, let the dialect place the rules immediately before those decisions (or extend
 * what already holds them), and repeat on the result while a later stage still stops some of it.
 * A block of the same purpose already in the file is re-rendered where it stands when that place
 * still takes effect, and moved otherwise, so planning twice equals planning once.
 */
export function planPolicy(subject: EditSubject, policy: Policy): PolicyPlan {
  const { dialect } = subject;
  const scan = findManagedBlocks(subject.text, commentSyntaxOf(dialect, subject.text));
  const problems = scan.problems.filter((p) => p.purpose === policy.purpose);
  const nothing = (summary: string, extra: Partial<PolicyPlan> = {}): PolicyPlan => ({
    edits: [],
    newText: subject.text,
    summary,
    replaced: false,
    notExpressible: [],
    notPlaced: [],
    unplacedEntries: [],
    problems: [],
    ...extra,
  });
  if (problems.length > 0) {
    return nothing(t('Nothing inserted: the managed block "{0}" has broken markers (line {1}); fix or remove them first.', policy.purpose, problems[0]!.range.start.line + 1), { problems });
  }
  const own = scan.blocks.filter((b) => b.purpose === policy.purpose);
  const { base, existing } = withoutBlocks(subject.text, own);
  const summaries: string[] = [];
  const notExpressible: string[] = [];
  const notPlaced = new Map<string, { labels: string[]; reason: string; entries: number[] }>();
  const placedEntries = new Set<number>();
  let current = base;
  let alreadyAllowed = false;
  let placedAny = false;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const occupied = findManagedBlocks(current, commentSyntaxOf(dialect, current)).blocks;
    // The policy's own blocks of earlier rounds count: the next round starts from what they did.
    const parsed = withoutBlockLists(dialect.parse(current, subject.parseContext), occupied.filter((b) => b.purpose !== policy.purpose));
    const { decisions, allAllowed } = decisionsToPlace(policyDecisions(parsed.model, policy, subject.catalog));
    if (round > 0 && allAllowed) break;
    if (round === 0) alreadyAllowed = allAllowed && decisions.length > 0 && !decisions.some((d) => sentToProxy(parsed.model, d));
    const placement = dialect.place({
      text: current,
      lines: new LineIndex(current),
      parsed,
      policy,
      decisions,
      occupied,
      ...(round === 0 && existing.length > 0 ? { replacedBlocks: existing.map((e) => e.baseOffset) } : {}),
      catalog: subject.catalog,
      ...(subject.keepOnProxy ? { keepOnProxy: subject.keepOnProxy } : {}),
    });
    for (const missing of placement.notPlaced) {
      // An entry an earlier round placed is not "not placed" because a later round finds it let through.
      const entries = missing.entries.filter((i) => !placedEntries.has(i));
      if (entries.length === 0) continue;
      // Entries of one set come one per protocol under one label; the reason names it once.
      const labels = [...new Set(entries.map((i) => policy.entries[i]?.label ?? '').filter((l) => l !== ''))];
      const key = `${missing.reason}|${labels.join(',')}`;
      notPlaced.set(key, { labels, reason: missing.reason, entries: [...new Set([...(notPlaced.get(key)?.entries ?? []), ...entries])] });
    }
    for (const part of placement.parts) for (const i of part.entries) placedEntries.add(i);
    const placed: PlacedPart[] = [];
    if (placement.parts.length > 0) placedAny = true;
    for (const part of placement.parts) {
      if (part.kind === 'block') placed.push(renderBlockPart(subject, policy, current, parsed, part, occupied, round === 0 ? existing : [], notExpressible));
      else placed.push(...editPart(current, part));
    }
    const next = applyParts(current, placed);
    summaries.push(...placed.map((p) => p.summary).filter((s) => s !== ''));
    if (next === current || allAllowed) {
      current = next;
      break;
    }
    current = next;
  }
  const unplacedEntries = [...new Set([...notPlaced.values()].flatMap((n) => n.entries))].filter((i) => !placedEntries.has(i)).sort((a, b) => a - b);
  const notPlacedList = [...notPlaced.values()].map(({ labels, reason }) => ({ labels, reason }));
  const reasons = notPlacedReasons(notPlacedList);
  // A block the file already has is never dropped because nothing of the new policy can be placed.
  if (own.length > 0 && !placedAny) {
    return nothing(t('The managed block "{0}" on line {1} is left as it is: {2}', policy.purpose, own[0]!.beginLine + 1, reasons.join('; ') || t('no place found where the rules would take effect')), { replaced: true, notPlaced: notPlacedList });
  }
  const edits = diffEdits(subject.text, current);
  if (own.length > 0 && edits.length === 0) {
    return nothing(t('The managed block "{0}" on line {1} is already up to date.', policy.purpose, own[0]!.beginLine + 1), { replaced: true, notPlaced: notPlacedList });
  }
  if (edits.length === 0) {
    const why = reasons.length > 0 ? reasons.join('; ') : t('no place found where the rules would take effect');
    return nothing(t('Nothing inserted for "{0}": {1}', policy.purpose, why), { notPlaced: notPlacedList });
  }
  const notes = [...summaries];
  if (alreadyAllowed && own.length === 0) notes.push(t('This file already lets all of it through; the block keeps it so if the rules around it change.'));
  if (reasons.length > 0) notes.push(t('Not placed: {0}', reasons.join('; ')));
  return { edits, newText: current, summary: notes.join(' '), replaced: own.length > 0, notExpressible, notPlaced: notPlacedList, unplacedEntries, problems: [] };
}

/** Each entry no place was found for, with the reason, as a sentence of a summary. */
export function notPlacedReasons(notPlaced: PolicyPlan['notPlaced']): string[] {
  return notPlaced.map((n) => (n.labels.length > 0 ? t('{0}: {1}', n.labels.join(', '), n.reason) : n.reason));
}

/** Direct edits in the file's own idiom, as placed parts so they apply with the blocks of the same round. */
function editPart(text: string, part: Extract<PlacementPart<unknown>, { kind: 'edits' }>): PlacedPart[] {
  const index = new LineIndex(text);
  return part.edits.map((edit, i) => ({
    offset: index.offsetAt(edit.range.start),
    end: index.offsetAt(edit.range.end),
    text: edit.newText,
    summary: i === 0 ? part.description : '',
  }));
}
