import { formatIp, parseCidr } from '../../model/address';
import type { Range } from '../../model/range';
import type { ProxyScript } from '../../model/config';
import { isTenantRestrictionHost, TENANT_RESTRICTION_HOSTS } from '../../catalog/tenantRestrictions';
import type { EndpointSet } from '../../catalog/types';
import { probeHosts } from '../../catalog/urlPattern';
import type { PacQuery, PacRunResult } from '../../pac/sandbox';
import { defaultTotalTimeout } from '../../pac/types';
import { readCompletely } from '../../dialects/bounds';
import { limitMessage } from './analysisLimit';
import { t } from '../../l10n';
import type { Check, CheckContext } from '../context';
import { catalogReference, describeOrigin, sentence } from '../describe';
import type { Finding } from '../finding';
import { setInScope } from '../scope';
import { pacFacts } from './pacFacts';
import { endpointSetsPolicy } from '../../policies/endpointSets';
import type { Fix } from '../finding';

export interface PacProbe {
  query: PacQuery;
  set: EndpointSet;
  pattern: string;
}

/** An address inside the set, so isInNet/dnsResolve answer for catalogue hosts as they would live. */
function sampleAddress(set: EndpointSet): string | undefined {
  for (const ip of set.ips) {
    const cidr = parseCidr(ip);
    if (cidr.ok && cidr.value.family === 4) return formatIp(4, cidr.value.prefixLength < 32 ? cidr.value.network + 1n : cidr.value.network);
  }
  return undefined;
}

/** Browsers consult a PAC file for HTTP and HTTPS only; SMTP or media sets never reach it. */
export function carriesWebTraffic(set: EndpointSet): boolean {
  return set.tcpPorts.some((p) => (p.from <= 80 && 80 <= p.to) || (p.from <= 443 && 443 <= p.to));
}

/**
 * What Microsoft asks a PAC file to answer for a host of a set: DIRECT for Optimize and Allow,
 * the proxy for the sign-in hosts when the proxy adds tenant-restriction headers (it sees only
 * what is sent to it), either for Default (undefined).
 */
export function wantsDirect(category: EndpointSet['category'], host: string, tenantRestrictions: boolean): boolean | undefined {
  if (tenantRestrictions && isTenantRestrictionHost(host)) return false;
  return category === 'Default' ? undefined : true;
}

/** Optimize and Allow hosts of the given sets that are in scope, as the browser would ask about them. */
export function pacProbes(context: CheckContext, sets: readonly EndpointSet[]): { probes: PacProbe[]; hostAddresses: Record<string, string> } {
  const out: PacProbe[] = [];
  const hostAddresses: Record<string, string> = {};
  const tenant = context.settings.tenantName || undefined;
  for (const set of sets) {
    if (set.category === 'Default' || !setInScope(set, context.settings) || !carriesWebTraffic(set)) continue;
    const address = sampleAddress(set);
    for (const pattern of set.urls) {
      for (const host of probeHosts(pattern, tenant)) {
        if (!wantsDirect(set.category, host, context.settings.tenantRestrictions)) continue;
        out.push({ query: { url: `https://${host}/`, host }, set, pattern });
        if (address) hostAddresses[host] = address;
      }
    }
  }
  // The user's own DNS table wins over the catalogue's sample answers.
  return { probes: out, hostAddresses: { ...hostAddresses, ...context.settings.pac.hostAddresses } };
}

/** Hosts of one set that one `return` sends to a proxy. */
export interface ProxiedProbes {
  set: EndpointSet;
  value: string;
  returnId: number | undefined;
  hosts: Set<string>;
  patterns: Set<string>;
}

export interface PacProbeRun {
  proxied: ProxiedProbes[];
  failures: Array<{ result: Extract<PacRunResult, { ok: false }>; hosts: string[] }>;
  /** Probes not run because the file's time budget ran out: a bound of Endpoint Lens, not a fault of the program. */
  unchecked: number;
}

/** Runs the PAC program for the probes and groups the answers: proxied by set, return and proxy; failures by kind. */
export function runPacProbes(context: CheckContext, program: string, probes: readonly PacProbe[], hostAddresses: Record<string, string>): PacProbeRun | undefined {
  // A file read only in part is not run: running it would analyse past where reading stopped.
  if (!context.pac || probes.length === 0 || !readCompletely(context.model)) return undefined;
  const results: PacRunResult[] = context.pac.sandbox.evaluate(
    program,
    probes.map((p) => p.query),
    { ...context.pac.options, hostAddresses, clientAddress: context.settings.pac.clientAddress },
  );
  const failures = new Map<string, { result: Extract<PacRunResult, { ok: false }>; hosts: string[] }>();
  const proxied = new Map<string, ProxiedProbes>();
  let unchecked = 0;
  results.forEach((result, index) => {
    const probe = probes[index]!;
    if (!result.ok && result.kind === 'budget') {
      unchecked++;
      return;
    }
    if (!result.ok) {
      const key = `${result.kind}|${result.message}`;
      const entry = failures.get(key) ?? { result, hosts: [] };
      entry.hosts.push(probe.query.host);
      failures.set(key, entry);
      return;
    }
    const first = firstDirective(result.value);
    if (first.toUpperCase() === 'DIRECT') return;
    const key = `${probe.set.id}|${result.returnId ?? -1}|${first}`;
    const entry = proxied.get(key) ?? { set: probe.set, value: result.value, returnId: result.returnId, hosts: new Set<string>(), patterns: new Set<string>() };
    entry.hosts.add(probe.query.host);
    entry.patterns.add(probe.pattern);
    proxied.set(key, entry);
  });
  return { proxied: [...proxied.values()], failures: [...failures.values()], unchecked };
}

/** The managed DIRECT block "Insert rules for endpoint sets" would write for this set. */
export function directFix(context: CheckContext, set: EndpointSet, name: string): Fix[] {
  const result = endpointSetsPolicy(context.catalog, { setIds: [set.id] });
  const policy = result.ok ? result.policies.find((p) => p.direction === 'outbound') : undefined;
  return policy ? [{ title: t('Send {0} DIRECT', name), preferred: true, policy }] : [];
}

function firstDirective(value: string): string {
  return (value.split(';')[0] ?? '').trim();
}

export const WHOLE_FIRST_LINE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The sign-in hosts a tenant-restricting proxy must see, asked about when the setting is on. */
function signInQueries(context: CheckContext): PacQuery[] {
  return context.settings.tenantRestrictions ? TENANT_RESTRICTION_HOSTS.map((host) => ({ url: `https://${host}/`, host })) : [];
}

/** `tenant-restrictions-bypass` at each return that sends sign-in hosts DIRECT. */
function bypassFindings(returns: ProxyScript['returns'], queries: readonly PacQuery[], results: readonly PacRunResult[]): Finding[] {
  const direct = new Map<number | undefined, string[]>();
  queries.forEach((query, i) => {
    const result = results[i];
    if (!result?.ok || firstDirective(result.value).toUpperCase() !== 'DIRECT') return;
    direct.set(result.returnId, [...(direct.get(result.returnId) ?? []), query.host]);
  });
  return [...direct].map(([returnId, hosts]) => ({
    code: 'tenant-restrictions-bypass' as const,
    severity: 'warning' as const,
    message: t('Sign-in to {0} goes DIRECT here, so the proxy cannot add the tenant-restriction header (Restrict-Access-To-Tenants, sec-Restrict-Tenant-Access-Policy) to it; with tenant restrictions on, send it to the proxy.', hosts.join(', ')),
    range: returns.find((r) => r.id === returnId)?.range ?? WHOLE_FIRST_LINE,
    related: [],
    fixes: [],
  }));
}

/**
 * Runs the PAC program in the sandbox for every Optimize/Allow host: a proxy answer is
 * `proxied-optimize` at the `return` that gave it; a failed run is `pac-runtime-error`. With
 * tenant restrictions on, the sign-in hosts are asked about too: a DIRECT answer for them is
 * `tenant-restrictions-bypass`, and a proxy answer is what the setting wants.
 */
export const pacRun: Check = (context: CheckContext) => {
  const facts = pacFacts(context.model);
  if (!facts) return [];
  const { probes: list, hostAddresses } = pacProbes(context, context.catalog.sets);
  const signIn = signInQueries(context);
  const findings: Finding[] =
    context.pac && signIn.length > 0
      ? bypassFindings(facts.returns, signIn, context.pac.sandbox.evaluate(facts.program, signIn, { ...context.pac.options, hostAddresses, clientAddress: context.settings.pac.clientAddress }))
      : [];
  const run = runPacProbes(context, facts.program, list, hostAddresses);
  if (!run) return findings;
  for (const { result, hosts } of run.failures) {
    const line = result.line;
    const range: Range = line !== undefined ? { start: { line, character: 0 }, end: { line, character: context.lines.lineText(line).length } } : WHOLE_FIRST_LINE;
    findings.push({
      code: 'pac-runtime-error',
      severity: 'error',
      message: t('FindProxyForURL failed ({0}) for {1} host(s), e.g. {2}: {3}', result.kind, hosts.length, hosts[0] ?? '', result.message),
      range,
      related: [],
      fixes: [],
    });
  }
  if (run.unchecked > 0 && context.pac) {
    const limit = { kind: 'pac-time' as const, range: WHOLE_FIRST_LINE, found: run.unchecked, limit: defaultTotalTimeout(context.pac.options) };
    findings.push({ code: 'analysis-limit', severity: 'warning', message: limitMessage(limit), range: limit.range, related: [], fixes: [] });
  }
  for (const entry of run.proxied) {
    const site = facts.returns.find((r) => r.id === entry.returnId);
    const origin = { source: 'web-service' as const, instance: context.catalog.instance, setId: entry.set.id };
    const name = describeOrigin(origin, context.catalog);
    const patterns = [...entry.patterns];
    findings.push({
      code: 'proxied-optimize',
      severity: entry.set.category === 'Optimize' ? 'warning' : 'information',
      message: t('{0} goes to "{1}" for {2}; Microsoft asks that {3} endpoints bypass the proxy (DIRECT).', sentence(name), entry.value, patterns.slice(0, 4).join(', ') + (patterns.length > 4 ? ' …' : ''), entry.set.category),
      range: site?.range ?? WHOLE_FIRST_LINE,
      related: [{ message: t('Catalogue entry for {0} (version {1})', name, context.catalog.version), catalog: catalogReference(origin) }],
      fixes: directFix(context, entry.set, name),
    });
  }
  return findings;
};
