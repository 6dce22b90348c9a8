import type { CheckContext, EstatePath } from '../analysis/context';
import { estatePathFindings, pacRoutes } from '../analysis/checks/pathInconsistent';
import type { Estate } from '../project/estate';
import { t } from '../l10n';

/** The hover over an estate entry: where each set's hosts go and what the firewalls say about it. */
export interface EstateSummary {
  estate: Estate;
  direct: number;
  proxied: number;
  /** Findings the path check makes, in short. */
  problems: string[];
  /** Undefined when the PAC file could not be run. */
  ran: boolean;
}

export function summariseEstate(context: CheckContext, source: EstatePath): EstateSummary {
  const routes = pacRoutes(context, source.estate);
  if (!routes) return { estate: source.estate, direct: 0, proxied: 0, problems: [], ran: false };
  const sets = (direct: boolean): number => new Set(routes.filter((r) => r.direct === direct).map((r) => r.set.id)).size;
  const problems = estatePathFindings(context, source).map((f) => f.message);
  return { estate: source.estate, direct: sets(true), proxied: sets(false), problems, ran: true };
}

/** The summary as Markdown, for the hover. */
export function estateMarkdown(summary: EstateSummary, names: { pac: string; egress: string[] }): string {
  const e = summary.estate;
  const lines = [
    `**${t('Estate "{0}"', e.name)}**`,
    '',
    t('Clients {0} run {1}.', e.clients.map((c) => `\`${c.text}\``).join(', '), `\`${names.pac}\``),
    e.proxy ? t('Proxied traffic leaves from {0} (the clients reach it on TCP {1}).', `\`${e.proxy.address}\``, e.proxy.port) : t('No proxy is named: traffic the PAC file sends to a proxy is not checked.'),
    t('Egress firewalls: {0}.', names.egress.map((n) => `\`${n}\``).join(', ')),
    '',
  ];
  if (!summary.ran) lines.push(t('The PAC file could not be run here (untrusted workspace, no sandbox, or a file read only in part), so the path is not checked.'));
  else {
    lines.push(t('Sets sent DIRECT: {0}; sets sent to the proxy: {1}.', summary.direct, summary.proxied));
    if (summary.problems.length === 0) lines.push('', t('Every firewall on the path lets this traffic through.'));
    else lines.push('', ...summary.problems.map((p) => `- ${p}`));
  }
  return lines.join('\n');
}
