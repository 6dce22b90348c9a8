import { probeHosts } from '../catalog/urlPattern';
import type { PacRunOptions, PacSandbox } from '../pac/sandbox';
import { t } from '../l10n';
import type { CheckContext } from './context';
import { pacFacts } from './checks/pacFacts';
import { setInScope } from './scope';
import { carriesWebTraffic } from './checks/pacRun';
import { readCompletely } from '../dialects/bounds';
import { PAC_REPORT_BUDGET } from '../limits';

const CELL_LIMIT = 60;

function cell(text: string): string {
  const flat = text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
  return flat.length > CELL_LIMIT ? `${flat.slice(0, CELL_LIMIT - 1)}…` : flat;
}

/**
 * "Test this PAC file against the catalogue": every in-scope set's hosts through FindProxyForURL,
 * one row per host, with the answer and the line of the `return` that gave it.
 */
export function pacGrid(context: CheckContext, sandbox: PacSandbox | undefined, pac: { hostAddresses: Record<string, string>; clientAddress: string }, budget?: Omit<PacRunOptions, 'hostAddresses' | 'clientAddress'>): string {
  const facts = pacFacts(context.model);
  if (!facts) return t('This file has no FindProxyForURL program to run.');
  if (!sandbox) return t('The PAC sandbox is not available in this environment.');
  if (!readCompletely(context.model)) return t('This file went past a bound of Endpoint Lens (see its analysis-limit finding), so it is not run.');
  const rows: Array<{ setId: number; category: string; host: string }> = [];
  for (const set of context.catalog.sets) {
    if (!setInScope(set, { ...context.settings, includeOptional: true }) || !carriesWebTraffic(set)) continue;
    for (const pattern of set.urls) for (const host of probeHosts(pattern, context.settings.tenantName || undefined)) rows.push({ setId: set.id, category: set.category, host });
  }
  const results = sandbox.evaluate(
    facts.program,
    rows.map((r) => ({ url: `https://${r.host}/`, host: r.host })),
    { ...PAC_REPORT_BUDGET, ...budget, hostAddresses: pac.hostAddresses, clientAddress: pac.clientAddress },
  );
  const lines = [
    `# ${t('PAC answers for the {0} catalogue, version {1}', context.catalog.instance, context.catalog.version)}`,
    '',
    `| ${[t('Set'), t('Category'), t('Host'), t('Answer'), t('Line'), ''].join(' | ')} |`,
    '|---|---|---|---|---|---|',
  ];
  let mismatches = 0;
  rows.forEach((row, i) => {
    const result = results[i];
    if (!result) return;
    let answer: string;
    let line = '';
    let mark = '';
    if (result.ok) {
      answer = result.value;
      const site = facts.returns.find((r) => r.id === result.returnId);
      if (site) line = String(site.range.start.line + 1);
      const direct = (result.value.split(';')[0] ?? '').trim().toUpperCase() === 'DIRECT';
      if (!direct && row.category !== 'Default') {
        mark = '⚠';
        mismatches++;
      }
    } else {
      answer = t('error: {0}', result.message);
      mark = '✖';
      mismatches++;
    }
    lines.push(`| ${[String(row.setId), row.category, `\`${cell(row.host)}\``, cell(answer), line, mark].join(' | ')} |`);
  });
  lines.splice(2, 0, t('{0} hosts tested; {1} answers differ from Microsoft\'s guidance (Optimize and Allow go DIRECT).', rows.length, mismatches), '');
  return lines.join('\n') + '\n';
}
