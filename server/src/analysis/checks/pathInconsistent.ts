import { probeHosts } from '../../catalog/urlPattern';
import type { EndpointSet } from '../../catalog/types';
import type { CheckContext } from '../context';
import { evaluateFlow } from '../evaluate';
import { decidingLocation, describeIntervals, formatPorts } from '../describe';
import { pacFacts } from './pacFacts';
import { carriesWebTraffic } from './pacRun';
import { intervalsOf, setInScope } from '../scope';
import { DEFAULT_SEVERITY, type Finding, type RelatedInformation } from '../finding';
import { readCompletely } from '../../dialects/bounds';
import { formatIp, intersectIntervals, type IpInterval } from '../../model/address';
import type { PortRange } from '../../model/config';
import type { Flow } from '../../model/policy';
import type { Range } from '../../model/range';
import { t } from '../../l10n';
import type { Estate } from '../../project/estate';
import type { Check, EgressFirewall, EstatePath } from '../context';


/** Where the PAC sends one catalogue host: DIRECT, or a proxy; decided by one `return`. */
export interface PacRoute {
  set: EndpointSet;
  host: string;
  direct: boolean;
  /** The return statement that chose it. */
  range: Range;
  line: number;
}

/** A piece of traffic a firewall drops: from whom, to what, and the rule or policy that drops it. */
export interface BlockedLeg {
  firewall: EgressFirewall;
  protocol: 'tcp' | 'udp';
  intervals: IpInterval[];
  ports: PortRange[];
  decidedAt: Range;
  decidedBy: string;
}

/**
 * Runs the PAC file for every in-scope catalogue host that browsers ask it about, as a client of the
 * estate would (myIpAddress is an address of its first client network). Undefined when the file
 * cannot be run (untrusted, no sandbox, read only in part).
 */
export function pacRoutes(context: CheckContext, estate: Estate): PacRoute[] | undefined {
  const facts = pacFacts(context.model);
  if (!facts || !context.pac || !readCompletely(context.model)) return undefined;
  const probes: Array<{ set: EndpointSet; host: string }> = [];
  for (const set of context.catalog.sets) {
    if (!setInScope(set, context.settings) || !carriesWebTraffic(set)) continue;
    for (const pattern of set.urls) for (const host of probeHosts(pattern, context.settings.tenantName || undefined)) probes.push({ set, host });
  }
  const client = estate.clients[0];
  const clientAddress = client ? formatIp(client.interval.family, client.interval.first === client.interval.last ? client.interval.first : client.interval.first + 1n) : context.settings.pac.clientAddress;
  const results = context.pac.sandbox.evaluate(
    facts.program,
    probes.map((p) => ({ url: `https://${p.host}/`, host: p.host })),
    { ...context.pac.options, hostAddresses: context.settings.pac.hostAddresses, clientAddress },
  );
  const routes: PacRoute[] = [];
  results.forEach((result, i) => {
    const probe = probes[i]!;
    if (!result.ok) return;
    const site = facts.returns.find((r) => r.id === result.returnId);
    if (!site) return;
    const first = (result.value.split(';')[0] ?? '').trim().toUpperCase();
    routes.push({ set: probe.set, host: probe.host, direct: first === 'DIRECT', range: site.range, line: site.range.start.line + 1 });
  });
  return routes;
}

/** The parts of `flow` the firewall drops; unknown verdicts are not counted (the file cannot say). */
function blockedBy(firewall: EgressFirewall, flow: Flow): BlockedLeg[] {
  const legs: BlockedLeg[] = [];
  for (const evaluation of evaluateFlow(firewall.model, flow)) {
    for (const outcome of evaluation.outcomes) {
      if (outcome.value !== 'blocked' || !outcome.decidedBy) continue;
      const at = decidingLocation(firewall.model, outcome.decidedBy);
      legs.push({ firewall, protocol: flow.protocol, intervals: outcome.region.intervals, ports: outcome.region.ports, decidedAt: at.range, decidedBy: at.label });
    }
  }
  return legs;
}

/** Outbound flows from `local` to `intervals` on the set's ports, one per protocol and family the local side has. */
function legFlows(set: EndpointSet, local: readonly IpInterval[], intervals: readonly IpInterval[], tcp: PortRange[], udp: PortRange[]): Flow[] {
  const flows: Flow[] = [];
  for (const family of [4, 6] as const) {
    const from = local.filter((l) => l.family === family);
    const to = intervals.filter((i) => i.family === family);
    // Clients with no address of a family never send traffic of it.
    if (from.length === 0 || to.length === 0) continue;
    const origin = { source: 'web-service' as const, instance: '', setId: set.id };
    if (tcp.length > 0) flows.push({ origin, direction: 'outbound', protocol: 'tcp', ports: tcp, remote: { kind: 'addresses', intervals: to }, local: from });
    if (udp.length > 0) flows.push({ origin, direction: 'outbound', protocol: 'udp', ports: udp, remote: { kind: 'addresses', intervals: to }, local: from });
  }
  return flows;
}

function describeLegs(legs: readonly BlockedLeg[], prefixes: readonly IpInterval[]): string {
  // Blocked addresses are named per catalogue prefix: the evaluator's regions join neighbours into ranges no one wrote.
  const blocked = legs.flatMap((l) => l.intervals);
  const intervals = prefixes.flatMap((p) => intersectIntervals([p], blocked));
  const ports = [...new Set(legs.map((l) => formatPorts(l.protocol, l.ports)))].join('; ');
  return t('{0} on {1}', describeIntervals(intervals, prefixes, 6), ports);
}

/**
 * `path-inconsistent`: the PAC file and the estate's egress firewalls disagree. A host sent DIRECT
 * needs its set's addresses and ports open from the client networks; a host sent to the proxy
 * needs them open from the proxy's address, and the proxy's port open from the clients. One
 * finding per set, `return` and firewall, at the `return`.
 */
export function estatePathFindings(context: CheckContext, source: EstatePath): Finding[] {
  const severity = DEFAULT_SEVERITY['path-inconsistent'];
  const { estate, firewalls } = source;
  const routes = pacRoutes(context, estate);
  if (!routes) return [];
  const clients = estate.clients.map((c) => c.interval);
  const groups = new Map<string, PacRoute[]>();
  for (const route of routes) {
    // Without a proxy in the estate, where proxied traffic leaves is not known: it is not assumed.
    if (!route.direct && !estate.proxy) continue;
    const key = `${route.set.id}|${route.line}|${route.direct}`;
    groups.set(key, [...(groups.get(key) ?? []), route]);
  }
  const findings: Finding[] = [];
  const estateRelated: RelatedInformation = { message: t('Estate "{0}" in endpoint-lens.json', estate.name), path: source.configPath, range: estate.range };
  for (const group of groups.values()) {
    const { set, direct, range } = group[0]!;
    const hosts = [...new Set(group.map((r) => r.host))];
    const hostText = hosts.length === 1 ? hosts[0]! : t('{0} and {1} more hosts', hosts[0]!, hosts.length - 1);
    const prefixes = intervalsOf(set.ips);
    const setName = t('set {0} ({1} {2})', set.id, set.serviceAreaDisplayName ?? set.serviceArea, set.category);
    for (const firewall of firewalls) {
      const legs: BlockedLeg[] = [];
      if (direct) {
        for (const flow of legFlows(set, clients, prefixes, set.tcpPorts, set.udpPorts)) legs.push(...blockedBy(firewall, flow));
      } else if (estate.proxy) {
        for (const flow of legFlows(set, [estate.proxy.interval], prefixes, set.tcpPorts, [])) legs.push(...blockedBy(firewall, flow));
      }
      const proxyLegs: BlockedLeg[] = [];
      if (!direct && estate.proxy) {
        const port = [{ from: estate.proxy.port, to: estate.proxy.port }];
        for (const flow of legFlows(set, clients, [estate.proxy.interval], port, [])) proxyLegs.push(...blockedBy(firewall, flow));
      }
      if (legs.length === 0 && proxyLegs.length === 0) continue;
      const parts: string[] = [];
      if (legs.length > 0) {
        parts.push(
          direct
            ? t('{0} blocks {1} from the clients ({2})', firewall.name, describeLegs(legs, prefixes), estate.clients.map((c) => c.text).join(', '))
            : t('{0} blocks {1} from the proxy {2}', firewall.name, describeLegs(legs, prefixes), estate.proxy?.address ?? ''),
        );
      }
      if (proxyLegs.length > 0) parts.push(t('{0} blocks the clients from the proxy {1} on TCP {2}', firewall.name, estate.proxy?.address ?? '', estate.proxy?.port ?? 0));
      const message = direct
        ? t('Estate "{0}": this return sends {1} of {2} DIRECT, but {3}.', estate.name, hostText, setName, parts.join('; '))
        : t('Estate "{0}": this return sends {1} of {2} to the proxy, but {3}.', estate.name, hostText, setName, parts.join('; '));
      const deciding = [...legs, ...proxyLegs];
      const seen = new Set<string>();
      const related: RelatedInformation[] = [];
      for (const leg of deciding) {
        const key = `${leg.decidedAt.start.line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        related.push({ message: t('{0} decides in {1}', leg.decidedBy, firewall.name), path: firewall.path, range: leg.decidedAt });
      }
      findings.push({
        code: 'path-inconsistent',
        severity,
        message,
        subject: `path-inconsistent|${estate.name}|${set.id}|${direct ? 'direct' : 'proxy'}|${firewall.path}`,
        range,
        related: [...related, estateRelated],
        fixes: [],
      });
    }
  }
  return findings;
}

/** Every estate of the project config this PAC file is the PAC of. */
export const pathInconsistent: Check = (context: CheckContext) => (context.estates ?? []).flatMap((source) => estatePathFindings(context, source));
