import { t } from '../../l10n';
import type { ConfigModel } from '../../model/config';
import type { DecidingPoint, RegionOutcome } from '../../model/policy';
import type { Check } from '../context';
import { evaluateFlow } from '../evaluate';
import { intersectPorts } from '../../model/ports';
import { addToGroup, describeFlowPart, directFlows, interceptionFindings, type InterceptionGroup } from './interceptionScope';

function asksForAuthentication(model: ConfigModel, point: DecidingPoint | undefined): boolean {
  if (!point || point.ruleIndex < 0) return false;
  return model.ruleLists.find((l) => l.id === point.listId)?.rules[point.ruleIndex]?.proxyAuthentication !== undefined;
}

/** Outcomes about the same host and some of the same ports. */
function meet(a: RegionOutcome, b: RegionOutcome): boolean {
  return a.host === b.host && intersectPorts(a.region.ports, b.region.ports).length > 0;
}

/**
 * Required Optimize and Allow traffic that gets through only once the client has authenticated to
 * the proxy: Microsoft 365 clients (Teams, Outlook, OneDrive sync) do not all answer a proxy's
 * challenge, and Microsoft asks for these endpoints to be exempt from proxy authentication. The
 * finding points at the rule that asks for credentials.
 */
export const proxyAuthRequired: Check = (context) => {
  const { model, catalog } = context;
  if (!model.ruleLists.some((l) => l.rules.some((r) => r.proxyAuthentication !== undefined))) return [];
  const groups = new Map<string, InterceptionGroup>();
  for (const { flow, set } of directFlows(context, true)) {
    const anonymous = evaluateFlow(model, { ...flow, authenticated: false });
    const signedIn = evaluateFlow(model, { ...flow, authenticated: true });
    for (const evaluation of anonymous) {
      const withCredentials = signedIn.find((e) => e.path.id === evaluation.path.id);
      if (!withCredentials) continue;
      for (const refused of evaluation.outcomes) {
        if (refused.value !== 'blocked') continue;
        const admitted = withCredentials.outcomes.find((o) => o.value === 'allowed' && meet(o, refused));
        if (!admitted) continue;
        // `deny !auth` asks for credentials where it refuses; `allow … auth` where it admits.
        const point = asksForAuthentication(model, refused.decidedBy) ? refused.decidedBy : asksForAuthentication(model, admitted.decidedBy) ? admitted.decidedBy : refused.decidedBy;
        addToGroup(groups, model, set, flow, point, describeFlowPart(flow, intersectPorts(refused.region.ports, admitted.region.ports), refused.region.intervals));
      }
    }
  }
  return interceptionFindings(model, catalog, groups, {
    code: 'proxy-auth-required', subjectTag: 'auth',
    message: (origin, parts, location, category) => t('Required Microsoft 365 {0} gets through only after proxy authentication: {1}. Decided by {2}. Microsoft asks for {3} endpoints to be exempt from proxy authentication.', origin, parts, location, category),
    fixTitle: (origin) => t('Insert rules that let {0} through without proxy authentication', origin),
  });
};
