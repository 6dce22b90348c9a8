import type { CatalogMatch } from '../catalog/types';
import type { Catalog } from '../catalog/index';
import type { Annotation, Reference, Rule, RuleList } from '../model/config';
import { comparePositions, rangeContains, type Position, type Range } from '../model/range';
import { formatInterval } from '../model/address';
import type { DocumentAnalysis } from '../engine';
import { evaluateFlow } from '../analysis/evaluate';
import { flowsFor } from '../analysis/scope';
import { referenceHistoryLines } from './referenceHistory';
import { describeIntervals, describeOrigin, formatPorts } from '../analysis/describe';
import { t } from '../l10n';

const MAX_ROWS = 12;

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function relationWord(match: CatalogMatch): string {
  switch (match.relation) {
    case 'equal':
      return t('equals');
    case 'contains':
      return t('contains it');
    case 'inside':
      return t('lies inside it');
    case 'overlaps':
      return t('overlaps');
    case 'matches':
      return t('matches');
  }
}

/** The catalogue rows for one reference, most specific first, as a markdown table. */
export function catalogMarkdown(reference: Reference, matches: readonly CatalogMatch[], catalog: Catalog): string {
  const header = `**${escapeCell(reference.text)}**`;
  if (matches.length === 0) {
    return `${header} — ${t('not in the Microsoft 365 catalogue ({0} {1}).', catalog.instance, catalog.version)}`;
  }
  const lines = [
    `${header} — ${t('{0} catalogue row(s), {1} version {2}', matches.length, catalog.instance, catalog.version)}`,
    '',
    `| ${[t('Row'), t('Service area'), t('Category'), t('Required'), t('TCP'), t('UDP'), t('ExpressRoute'), t('Catalogue entry'), t('Relation')].join(' | ')} |`,
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const notes: string[] = [];
  for (const m of matches.slice(0, MAX_ROWS)) {
    const set = m.id !== undefined ? catalog.setById(m.id) : undefined;
    const row = m.row !== undefined ? catalog.rowByNumber(m.row) : undefined;
    const name = set ? t('set {0}', set.id) : row ? t('other endpoints row {0}', row.row) : '';
    const area = set ? set.serviceAreaDisplayName : (row?.purpose.en ?? '');
    const cells = [
      name,
      area,
      m.category ?? '',
      m.required === undefined ? '' : m.required ? t('yes') : t('no'),
      m.tcpPorts || '—',
      m.udpPorts || '—',
      set ? (set.expressRoute ? t('yes') : t('no')) : '',
      `\`${m.entry}\``,
      relationWord(m),
    ];
    lines.push(`| ${cells.map(escapeCell).join(' | ')} |`);
    if (set?.notes) notes.push(`${name}: ${set.notes}`);
    if (set?.capturedOn) notes.push(t('{0} comes from the {1} snapshot of the service area {2}.', name, set.capturedOn, set.serviceArea));
  }
  if (matches.length > MAX_ROWS) lines.push('', t('…and {0} more rows.', matches.length - MAX_ROWS));
  const first = matches[0];
  if (first && reference.interval) {
    // Relations are said from the catalogue entry's side: it "contains" the address written here.
    const name = first.id !== undefined ? t('set {0}', first.id) : t('other endpoints row {0}', first.row ?? 0);
    const written = formatInterval(reference.interval);
    if (first.relation === 'contains') lines.push('', t('{0} lies inside {1} ({2}).', written, first.entry, name));
    else if (first.relation === 'inside') lines.push('', t('{0} covers all of {1} ({2}) and more addresses besides.', written, first.entry, name));
    else if (first.relation === 'overlaps') lines.push('', t('{0} only partly overlaps {1} ({2}).', written, first.entry, name));
  }
  if (notes.length > 0) lines.push('', ...[...new Set(notes)].map((n) => `- ${escapeCell(n)}`));
  return lines.join('\n');
}

export function referenceAt(references: readonly Reference[], position: Position): Reference | undefined {
  let best: Reference | undefined;
  for (const r of references) {
    if (!rangeContains(r.range, position)) continue;
    if (!best || comparePositions(r.range.start, best.range.start) >= 0) best = r;
  }
  return best;
}

export function ruleAt(lists: readonly RuleList[], position: Position): { list: RuleList; rule: Rule; index: number } | undefined {
  for (const list of lists) {
    const index = list.rules.findIndex((rule) => rangeContains(rule.range, position));
    if (index >= 0) return { list, rule: list.rules[index]!, index };
  }
  return undefined;
}

/** Every rule of every list written where the position is: a zone-based rule stands in several lists, a rule of two protocols as two rules. */
function pointsAt(lists: readonly RuleList[], rule: Rule): Set<string> {
  const points = new Set<string>();
  for (const list of lists) {
    list.rules.forEach((other, index) => {
      if (other.range.start.line === rule.range.start.line && other.range.start.character === rule.range.start.character) points.add(`${list.id}#${index}`);
    });
  }
  return points;
}

/** What the dialect knows about a name at the position that the catalogue cannot say. */
function annotationsAt(annotations: readonly Annotation[] | undefined, position: Position): Annotation[] {
  const byText = new Map<string, Annotation>();
  for (const a of annotations ?? []) if (rangeContains(a.range, position) && !byText.has(a.markdown)) byText.set(a.markdown, a);
  return [...byText.values()];
}

export function matchesFor(reference: Reference, catalog: Catalog, tenant: string): CatalogMatch[] {
  if (reference.interval) return catalog.lookupAddress(reference.interval);
  if (reference.kind === 'hostname' || reference.kind === 'host-wildcard') {
    return catalog.lookupHost(reference.text.replace(/^\./, '*.'), tenant || undefined);
  }
  return [];
}

/** For a rule line: what this rule decides for the flows in scope, and why where it is not known. */
export function ruleVerdictMarkdown(analysis: DocumentAnalysis, catalog: Catalog, rule: Rule): string | undefined {
  const points = pointsAt(analysis.model.ruleLists, rule);
  const lines: string[] = [];
  for (const flow of flowsFor(analysis.context.catalog, analysis.context.settings)) {
    for (const evaluation of evaluateFlow(analysis.model, flow)) {
      for (const outcome of evaluation.outcomes) {
        if (!outcome.decidedBy || !points.has(`${outcome.decidedBy.listId}#${outcome.decidedBy.ruleIndex}`)) continue;
        const verdict = outcome.value === 'allowed' ? t('allows') : outcome.value === 'blocked' ? t('blocks') : t('may allow or block');
        const prefixes = flow.remote.kind === 'addresses' ? flow.remote.intervals : [];
        const why = outcome.value === 'unknown' && outcome.reason ? ` (${outcome.reason})` : '';
        lines.push(`- ${verdict} ${describeOrigin(flow.origin, catalog)}: ${formatPorts(flow.protocol, outcome.region.ports)} ${describeIntervals(outcome.region.intervals, prefixes, 3)}${why}`);
      }
    }
  }
  if (lines.length === 0) return undefined;
  const unique = [...new Set(lines)];
  const shown = unique.slice(0, 10);
  if (unique.length > shown.length) shown.push(t('…and {0} more.', unique.length - shown.length));
  return [`**${t('This rule decides for Microsoft 365 traffic in scope:')}**`, '', ...shown].join('\n');
}

/** What a hover shows at a position: the catalogue rows of the reference there, or what the rule there decides. */
export function hoverContent(analysis: DocumentAnalysis, catalog: Catalog, tenant: string, position: Position): { markdown: string; range: Range } | undefined {
  const reference = referenceAt(analysis.model.references, position);
  if (reference) {
    const matches = matchesFor(reference, catalog, tenant);
    const { context } = analysis;
    const history = referenceHistoryLines({ reference, matches, catalog: context.catalog, ...(context.history ? { history: context.history } : {}), today: context.today });
    return { markdown: [catalogMarkdown(reference, matches, catalog), ...(history.length > 0 ? ['', ...history.map((l) => `- ${l}`)] : [])].join('\n'), range: reference.range };
  }
  const notes = annotationsAt(analysis.model.annotations, position);
  const hit = ruleAt(analysis.model.ruleLists, position);
  const verdict = hit ? ruleVerdictMarkdown(analysis, catalog, hit.rule) : undefined;
  const markdown = [...notes.map((n) => n.markdown), ...(verdict ? [verdict] : [])].join('\n\n');
  const range = notes[0]?.range ?? hit?.rule.range;
  return markdown !== '' && range ? { markdown, range } : undefined;
}
