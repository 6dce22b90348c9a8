import { mergeIntervals, type IpInterval } from '../../model/address';
import type { ConfigModel, Rule, RuleList } from '../../model/config';
import { listenedPorts } from '../../model/routing';
import type { EndpointSet } from '../../catalog/types';
import type { Flow } from '../../model/policy';
import { t } from '../../l10n';
import type { Check, CheckContext } from '../context';
import { catalogReference, describeIntervals, describeOrigin } from '../describe';
import type { Finding } from '../finding';
import { minusIntervals } from '../../model/address';
import { intervalsOf, portsFit, setInScope } from '../scope';
import { fixPolicy } from './blockedRequired';
import { gainedSinceWritten, isGained } from './catalogChangeImpact';

/** A set counts as meant when the list names at least this share of its prefixes. */
const MEANT_SHARE = 0.5;

/** Addresses the list accepts through rules that fit the set's ports. */
function acceptedIntervals(list: RuleList, set?: EndpointSet): IpInterval[] {
  return list.rules
    .filter((r) => (r.action.type === 'accept' || r.action.type === 'proxy') && (!set || portsFit(r, set)))
    .flatMap((r) => [r.sources, r.destinations])
    .filter((side) => side !== undefined && !side.negated && !side.unresolved)
    .flatMap((side) => side!.intervals);
}

/**
 * Whether the list sees any of the set's traffic: a list only routed paths reach (an nginx server
 * block) sees just the protocols and ports its listeners take; any other list sees every port.
 */
function seesSetPorts(model: ConfigModel, list: RuleList, set: EndpointSet): boolean {
  const paths = model.paths.filter((p) => p.stages.includes(list.id));
  if (paths.length === 0 || paths.some((p) => !p.route)) return true;
  return paths.some((p) => listenedPorts(p.route!, 'tcp', set.tcpPorts).length > 0 || listenedPorts(p.route!, 'udp', set.udpPorts).length > 0);
}

/** The first rule that lets part of the set through: where the author wrote the list. */
function firstRuleNaming(list: RuleList, intervals: readonly IpInterval[]): Rule | undefined {
  return list.rules.find((r) =>
    (r.action.type === 'accept' || r.action.type === 'proxy') &&
    [r.sources, r.destinations].some((side) => side?.intervals.some((iv) => intervals.some((x) => x.family === iv.family && x.first <= iv.last && iv.first <= x.last))),
  );
}

/**
 * A list that allows most of an endpoint set but not all of it: usually a copy of an older
 * catalogue or a missed IPv6 line. The message lists what is missing.
 */
export const incompleteSet: Check = (context: CheckContext) => {
  const { model, catalog } = context;
  const findings: Finding[] = [];
  for (const list of model.ruleLists) {
    if (list.kind !== 'packet-filter' && list.kind !== 'http-access') continue;
    const accepted = mergeIntervals(acceptedIntervals(list));
    if (accepted.length === 0) continue;
    const candidateSets = new Set<number>();
    for (const iv of accepted) {
      for (const m of catalog.lookupAddress(iv)) if (m.source === 'web-service' && m.id !== undefined) candidateSets.add(m.id);
    }
    for (const id of candidateSets) {
      const set = catalog.sets.find((s) => s.id === id);
      if (!set || !setInScope(set, context.settings) || !seesSetPorts(model, list, set)) continue;
      // What the set gained since the list was written is catalog-change-impact's to report.
      const gained = gainedSinceWritten(context, list, set.id);
      const fitting = mergeIntervals(acceptedIntervals(list, set));
      // Only families the list lets through on the set's ports count: a Teams UDP line in IPv6 does not make a TCP list's missing IPv6 prefixes a gap of that list.
      const families = new Set(fitting.map((iv) => iv.family));
      const prefixes = intervalsOf(set.ips).filter((iv) => families.has(iv.family) && !isGained(gained, iv));
      if (prefixes.length === 0) continue;
      const named = prefixes.filter((p) => minusIntervals([p], fitting).length === 0);
      if (named.length === prefixes.length || named.length / prefixes.length < MEANT_SHARE) continue;
      const missing = mergeIntervals(prefixes.flatMap((p) => minusIntervals([p], fitting)));
      const rule = firstRuleNaming(list, named);
      if (!rule) continue;
      const origin = { source: 'web-service' as const, instance: catalog.instance, setId: set.id };
      const flows: Array<{ flow: Flow; intervals: IpInterval[] }> = [];
      // A list that names the set as its senders is an inbound allow-list (a receiver of Exchange or Graph traffic).
      const direction = rule.sources?.intervals.some((iv) => named.some((p) => p.family === iv.family && p.first <= iv.last && iv.first <= p.last)) ? 'inbound' : 'outbound';
      if (set.tcpPorts.length > 0) flows.push({ flow: { origin, direction, protocol: 'tcp', ports: set.tcpPorts, remote: { kind: 'addresses', intervals: prefixes } }, intervals: missing });
      if (set.udpPorts.length > 0) flows.push({ flow: { origin, direction, protocol: 'udp', ports: set.udpPorts, remote: { kind: 'addresses', intervals: prefixes } }, intervals: missing });
      const name = describeOrigin(origin, catalog);
      findings.push({
        code: 'incomplete-set',
        severity: 'warning',
        message: t('{0} names {1} of the {2} prefixes of {3}; missing: {4}.', list.name, named.length, prefixes.length, name, describeIntervals(missing, prefixes, 6)),
        range: rule.range,
        related: [{ message: t('Catalogue entry for {0} (version {1})', name, catalog.version), catalog: catalogReference(origin) }],
        fixes:
          flows.length > 0
            ? [{ title: t('Add the {0} missing prefixes of {1}', missing.length, name), preferred: true, policy: fixPolicy(flows, catalog, name) }]
            : [],
      });
    }
  }
  return findings;
};
