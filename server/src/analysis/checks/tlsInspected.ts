import { t } from '../../l10n';
import type { Check } from '../context';
import { evaluateFlow, evaluateTlsInterception } from '../evaluate';
import { addToGroup, describeFlowPart, directFlows, interceptionFindings, type InterceptionGroup } from './interceptionScope';

/**
 * Optimize and Allow traffic that the device decrypts (Squid `ssl_bump bump`, deep inspection):
 * Microsoft's clients pin their certificates or suffer the latency, so Microsoft asks for these
 * endpoints to bypass TLS break-and-inspect. An error for Optimize, a warning for Allow, at the
 * rule (or default) that decides to inspect.
 */
export const tlsInspected: Check = (context) => {
  const { model, catalog } = context;
  const interceptable = model.paths.some((p) => p.tlsInterception !== undefined) || model.ruleLists.some((l) => l.rules.some((r) => r.tlsInterception !== undefined));
  if (!interceptable) return [];
  const groups = new Map<string, InterceptionGroup>();
  for (const { flow, set } of directFlows(context, false)) {
    for (const evaluation of evaluateFlow(model, flow)) {
      for (const outcome of evaluation.outcomes) {
        for (const tls of evaluateTlsInterception(model, evaluation, outcome)) {
          if (tls.value !== 'inspect') continue;
          addToGroup(groups, model, set, flow, tls.decidedBy, describeFlowPart(flow, tls.region.ports, tls.region.intervals));
        }
      }
    }
  }
  return interceptionFindings(model, catalog, groups, {
    code: 'tls-inspected', subjectTag: 'tls',
    message: (origin, parts, location, category) => t('TLS inspection decrypts Microsoft 365 {0}: {1}. Decided by {2}. Microsoft asks for {3} endpoints to bypass TLS break-and-inspect.', origin, parts, location, category),
    fixTitle: (origin) => t('Insert rules that exempt {0} from TLS inspection', origin),
  });
};
