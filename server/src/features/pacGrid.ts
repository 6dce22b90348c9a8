import { probeHosts } from '../catalog/urlPattern';
import type { Category } from '../catalog/types';
import type { PacRunOptions, PacSandbox } from '../pac/sandbox';
import { t } from '../l10n';
import type { CheckContext } from '../analysis/context';
import { pacFacts } from '../analysis/checks/pacFacts';
import { setInScope } from '../analysis/scope';
import { carriesWebTraffic, wantsDirect } from '../analysis/checks/pacRun';
import { readCompletely } from '../dialects/bounds';
import { PAC_REPORT_BUDGET } from '../limits';

/** One catalogue host through FindProxyForURL. */
export interface PacGridRow {
  setId: number;
  category: Category;
  host: string;
  url: string;
  /** Exactly what FindProxyForURL returned; null when the run failed. */
  answer: string | null;
  /** Why the run failed, when it did. */
  error?: string;
  /** 1-based line of the `return` that gave the answer, when known. */
  line: number | null;
  /** Optimize and Allow hosts should go DIRECT (sign-in to the proxy with tenant restrictions); Default hosts may go either way. */
  followsGuidance: boolean;
}

export type PacGrid =
  | { ok: true; instance: string; version: string; rows: PacGridRow[]; differing: number; tenantRestrictions: boolean }
  | { ok: false; reason: string };

const CELL_LIMIT = 60;

/**
 * "Test this PAC file against the catalogue": every in-scope set's hosts through FindProxyForURL,
 * one row per host, with the answer and the line of the `return` that gave it. The editor command
 * and `endpoint-lens pac-test` both show this data.
 */
export function pacGrid(context: CheckContext, sandbox: PacSandbox | undefined, pac: { hostAddresses: Record<string, string>; clientAddress: string }, budget?: Omit<PacRunOptions, 'hostAddresses' | 'clientAddress'>): PacGrid {
  const facts = pacFacts(context.model);
  if (!facts) return { ok: false, reason: t('This file has no FindProxyForURL program to run.') };
  if (!sandbox) return { ok: false, reason: t('The PAC sandbox is not available in this environment.') };
  if (!readCompletely(context.model)) return { ok: false, reason: t('This file went past a bound of Endpoint Lens (see its analysis-limit finding), so it is not run.') };
  const probes: Array<{ setId: number; category: Category; host: string; url: string }> = [];
  for (const set of context.catalog.sets) {
    if (!setInScope(set, { ...context.settings, includeOptional: true }) || !carriesWebTraffic(set)) continue;
    for (const pattern of set.urls) {
      for (const host of probeHosts(pattern, context.settings.tenantName || undefined)) probes.push({ setId: set.id, category: set.category, host, url: `https://${host}/` });
    }
  }
  const results = sandbox.evaluate(
    facts.program,
    probes.map((p) => ({ url: p.url, host: p.host })),
    { ...PAC_REPORT_BUDGET, ...budget, hostAddresses: pac.hostAddresses, clientAddress: pac.clientAddress },
  );
  const rows: PacGridRow[] = [];
  probes.forEach((probe, i) => {
    const result = results[i];
    if (!result) return;
    if (!result.ok) {
      rows.push({ ...probe, answer: null, error: result.message, line: null, followsGuidance: false });
      return;
    }
    const site = facts.returns.find((r) => r.id === result.returnId);
    const direct = (result.value.split(';')[0] ?? '').trim().toUpperCase() === 'DIRECT';
    const wanted = wantsDirect(probe.category, probe.host, context.settings.tenantRestrictions);
    rows.push({ ...probe, answer: result.value, line: site ? site.range.start.line + 1 : null, followsGuidance: wanted === undefined || wanted === direct });
  });
  return {
    ok: true,
    instance: context.catalog.instance,
    version: context.catalog.version,
    rows,
    differing: rows.filter((r) => !r.followsGuidance).length,
    tenantRestrictions: context.settings.tenantRestrictions,
  };
}

function cell(text: string): string {
  const flat = text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
  return flat.length > CELL_LIMIT ? `${flat.slice(0, CELL_LIMIT - 1)}…` : flat;
}

/** The answer column: the answer, or the failure. */
export function answerText(row: PacGridRow): string {
  return row.answer ?? t('error: {0}', row.error ?? '');
}

/** ⚠ for an answer against Microsoft's guidance, ✖ for a failed run. */
export function guidanceMark(row: PacGridRow): string {
  return row.answer === null ? '✖' : row.followsGuidance ? '' : '⚠';
}

/** The grid as the markdown report the editor shows. */
export function pacGridMarkdown(grid: PacGrid): string {
  if (!grid.ok) return grid.reason;
  const lines = [
    `# ${t('PAC answers for the {0} catalogue, version {1}', grid.instance, grid.version)}`,
    '',
    grid.tenantRestrictions
      ? t('{0} hosts tested; {1} answers differ from Microsoft\'s guidance (Optimize and Allow go DIRECT; with tenant restrictions, sign-in goes to the proxy).', grid.rows.length, grid.differing)
      : t('{0} hosts tested; {1} answers differ from Microsoft\'s guidance (Optimize and Allow go DIRECT).', grid.rows.length, grid.differing),
    '',
    `| ${[t('Set'), t('Category'), t('Host'), t('Answer'), t('Line'), ''].join(' | ')} |`,
    '|---|---|---|---|---|---|',
  ];
  for (const row of grid.rows) {
    lines.push(`| ${[String(row.setId), row.category, `\`${cell(row.host)}\``, cell(answerText(row)), row.line === null ? '' : String(row.line), guidanceMark(row)].join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}
