import type { PendingAddition } from '../../catalog/history';
import type { EndpointSet } from '../../catalog/types';
import { t } from '../../l10n';
import type { Check, CheckContext } from '../context';
import { catalogReference, daysLeft, describeOrigin, sentence } from '../describe';
import type { Finding } from '../finding';
import { flowsForEntries, intervalsOf } from '../scope';
import { blockedGroups, describeBlocked, fixPolicy } from './blockedRequired';
import { pacFacts } from './pacFacts';
import { WHOLE_FIRST_LINE, directFix, pacProbes, runPacProbes } from './pacRun';

function when(context: CheckContext, addition: PendingAddition): string {
  return t('on {0} ({1}; announced in version {2})', addition.effectiveDate, daysLeft(context.today, addition.effectiveDate), addition.version);
}

/** Firewalls and nginx: the announced addresses evaluated as blocked-required evaluates the set's own. */
function blockedAdditions(context: CheckContext, addition: PendingAddition, set: EndpointSet): Finding[] {
  if (addition.ips.length === 0) return [];
  const flows = flowsForEntries(context.catalog, context.settings, { setId: set.id }, addition.ips);
  // A path is meant for the addition when its rules name any address of the set.
  const wholeSet = intervalsOf([...set.ips, ...addition.ips]);
  const setName = describeOrigin({ source: 'web-service', instance: context.catalog.instance, setId: set.id }, context.catalog);
  return blockedGroups(context, flows, () => wholeSet).map((group) => {
    const { origin, location, what, pieces, subject } = describeBlocked(context, group);
    // Inbound Exchange traffic is named after its other-endpoints row; the announcement is the set's.
    const flowOrigin = group.flow.origin;
    const traffic = flowOrigin.source === 'other-endpoints' ? `${what} ${t('(other-endpoints row {0})', flowOrigin.row)}` : what;
    return {
      code: 'pending-addition',
      severity: 'warning',
      message: t('{0} gains {1} {2}, and this configuration would block it. Decided by {3}.', sentence(setName), traffic, when(context, addition), location.label),
      subject: `${subject}|${addition.changeId}`,
      range: location.range,
      related: [{ message: t('Catalogue entry for {0} (version {1})', origin, context.catalog.version), catalog: catalogReference(group.flow.origin) }],
      fixes: [{ title: t('Allow now: insert rules for {0}', origin), preferred: true, policy: fixPolicy(pieces, context.catalog, origin) }],
    };
  });
}

/** PAC files: the announced hosts of Optimize and Allow sets, run in the sandbox; a proxy answer leaves them out of the bypass. */
function proxiedAdditions(context: CheckContext, addition: PendingAddition, set: EndpointSet): Finding[] {
  const facts = pacFacts(context.model);
  if (!facts || addition.urls.length === 0) return [];
  const { probes, hostAddresses } = pacProbes(context, [{ ...set, urls: addition.urls }]);
  const run = runPacProbes(context, facts.program, probes, hostAddresses);
  return (run?.proxied ?? []).map((entry) => {
    const origin = { source: 'web-service' as const, instance: context.catalog.instance, setId: set.id };
    const name = describeOrigin(origin, context.catalog);
    return {
      code: 'pending-addition',
      severity: 'warning',
      message: t('{0} gains {1} {2}, and this PAC file would send it to "{3}"; Microsoft asks that {4} endpoints bypass the proxy (DIRECT).', sentence(name), [...entry.patterns].join(', '), when(context, addition), entry.value, set.category),
      range: facts.returns.find((r) => r.id === entry.returnId)?.range ?? WHOLE_FIRST_LINE,
      related: [{ message: t('Catalogue entry for {0} (version {1})', name, context.catalog.version), catalog: catalogReference(origin) }],
      fixes: directFix(context, set, name).map((fix) => ({ ...fix, title: t('Allow now: send {0} DIRECT', name) })),
    };
  });
}

/**
 * Additions the service announced with an effective date still ahead, for sets in scope, that
 * the configuration would block (or a PAC file would proxy) once they take effect: the line that
 * would decide, the date and the days left. Until that date `blocked-required` leaves them out.
 */
export const pendingAddition: Check = (context: CheckContext) => {
  const findings: Finding[] = [];
  for (const addition of context.catalog.announced ?? []) {
    const set = context.catalog.sets.find((s) => s.id === addition.setId);
    if (!set) continue;
    findings.push(...blockedAdditions(context, addition, set), ...proxiedAdditions(context, addition, set));
  }
  return findings;
};
