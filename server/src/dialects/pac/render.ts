import { t } from '../../l10n';
import { formatCidr, formatIp, intervalToCidrs, mergeIntervals, parseCidr, type IpInterval } from '../../model/address';
import type { ProxyDirective } from '../../model/config';
import type { Policy, PolicyEntry, RenderedBlock } from '../../model/policy';
import type { RuleList } from '../../model/config';
import { parseUrlPattern, patternCoversPattern, type ParsedUrlPattern } from '../../catalog/urlPattern';
import { parseProxyString } from './proxyString';

const INDENT_STEP = '    ';
/** Variable the block resolves the host into, only when the policy asks for address tests. */
const ADDRESS_VARIABLE = 'endpointLensAddress';
/** Variable holding "this host is one of the excluded Default hosts", when no proxy string is known. */
const EXCLUDED_VARIABLE = 'endpointLensExcluded';
/**
 * `Policy.parameters.pacAddresses = ['isInNet']` asks for isInNet tests of the catalogue's IPv4
 * ranges. Off by default: isInNet makes the browser resolve every host name it is asked about.
 */
export const PAC_ADDRESS_PARAMETER = 'pacAddresses';
const CIDRS_PER_COMMENT_LINE = 4;

/**
 * The test that keeps Microsoft's meaning of one catalogue pattern (see catalog/urlPattern.ts):
 * - `*.x` is any host below x, never x itself: dnsDomainIs(host, ".x").
 * - a plain name is that host only: host == "x".
 * - a `*` inside the name stands for characters within ONE label, but shExpMatch's `*` also
 *   crosses dots, so `autodiscover.*.onmicrosoft.com` would match `autodiscover.a.b.onmicrosoft.com`;
 *   fixing the number of dots with dnsDomainLevels keeps the wildcard inside its label.
 * - a leading `*.` together with a wildcard inside a label cannot be pinned by a dot count; a
 *   regular expression says it exactly.
 */
export function pacHostTest(pattern: string, tenant?: string): string | undefined {
  const parsed = parseUrlPattern(pattern, tenant);
  if (!parsed) return undefined;
  const wildcardInside = parsed.labels.some((label) => /[*?]/.test(label));
  const name = parsed.labels.join('.');
  if (!wildcardInside) return parsed.deep ? `dnsDomainIs(host, ${quote(`.${name}`)})` : `host == ${quote(name)}`;
  if (!parsed.deep) {
    return `(shExpMatch(host, ${quote(name)}) && dnsDomainLevels(host) == ${parsed.labels.length - 1})`;
  }
  return `${labelRegex(parsed)}.test(host)`;
}

function labelRegex(parsed: ParsedUrlPattern): string {
  const labels = parsed.labels.map((label) => label.replace(/\?/g, '[^.]').replace(/\*/g, '[^.]*'));
  return `/^([^.]+\\.)+${labels.join('\\.')}$/`;
}

function quote(value: string): string {
  return JSON.stringify(value);
}

function formatDirectives(directives: readonly ProxyDirective[]): string | undefined {
  if (directives.length === 0 || directives.some((d) => d.kind === 'unknown')) return undefined;
  if (directives.every((d) => d.kind === 'DIRECT')) return undefined;
  return directives.map((d) => (d.target ? `${d.kind} ${d.target}` : d.kind)).join('; ');
}

/** Where a PAC block goes: the proxy string the file uses, the entry function's list (for its column) and its host parameter name. */
export interface PacTarget {
  proxy?: string;
  list?: RuleList;
  /** The name the entry function gives its host parameter, when not `host`. */
  hostParameter?: string;
  /** Hosts the block must leave on the proxy although the policy names them (tenant restrictions' sign-in hosts). */
  keepOnProxy?: readonly string[];
}

/**
 * The proxy string the file already uses: the one the caller passes in `proxy`, else the last
 * return of FindProxyForURL that names a proxy. Never a made-up default: a wrong proxy name would
 * break browsing for the hosts that must keep going through the proxy.
 */
export function existingProxyString(target: PacTarget): string | undefined {
  if (target.proxy) {
    const parsed = parseProxyString(target.proxy);
    if (parsed.issues.length === 0) return formatDirectives(parsed.directives) ?? undefined;
  }
  const rules = target.list?.rules ?? [];
  for (let i = rules.length - 1; i >= 0; i--) {
    const action = rules[i]?.action;
    if (action?.type !== 'proxy') continue;
    const formatted = formatDirectives(action.proxies);
    if (formatted) return formatted;
  }
  return undefined;
}

interface HostTests {
  tests: string[];
  notExpressible: string[];
}

function hostTests(patterns: readonly string[], tenant: string | undefined, written: Set<string>): HostTests {
  const tests: string[] = [];
  const notExpressible: string[] = [];
  for (const pattern of patterns) {
    const test = pacHostTest(pattern, tenant);
    if (!test) {
      notExpressible.push(pattern);
      continue;
    }
    if (written.has(test)) continue;
    written.add(test);
    tests.push(test);
  }
  return { tests, notExpressible };
}

/** `if (a\n    || b)\n    return "X";` with one test per line, as hand-written PAC files read. */
function ifBlock(indent: string, condition: string[], result: string): string[] {
  const lines = condition.map((test, i) => {
    if (condition.length === 1) return `${indent}if (${test})`;
    if (i === 0) return `${indent}if (${test}`;
    return `${indent}${INDENT_STEP}|| ${test}${i === condition.length - 1 ? ')' : ''}`;
  });
  lines.push(`${indent}${INDENT_STEP}return ${quote(result)};`);
  return lines;
}

function bodyIndent(target: PacTarget): string {
  const column = target.list?.range.start.character ?? 0;
  return ' '.repeat(column) + INDENT_STEP;
}

function cidrsOf(intervals: readonly IpInterval[]): string[] {
  return mergeIntervals(intervals).flatMap((iv) => intervalToCidrs(iv).map(formatCidr));
}

/**
 * A managed block for the body of FindProxyForURL: exclusions first (Default-category hosts that
 * a broader DIRECT wildcard below would catch keep going to the proxy), then one `if` per policy
 * entry. The block tests the host parameter by the name the entry function gives it (`host` unless the target says otherwise).
 */
export function renderPac(policy: Policy, target: PacTarget): RenderedBlock {
  const indent = bodyIndent(target);
  const lines: string[] = [`${indent}// BEGIN endpoint-lens ${policy.purpose} ${policy.instance} ${policy.catalogVersion}`];
  const notExpressible: string[] = [];
  const comment = (text: string): void => {
    lines.push(`${indent}// ${text}`);
  };
  if (policy.title) comment(policy.title);
  const tenant = policy.parameters?.tenantName?.[0];
  const proxy = existingProxyString(target);
  const written = new Set<string>();
  const result = policy.action === 'allow' ? 'DIRECT' : proxy;

  const kept = keptOnProxy(policy, target, tenant);
  if (kept.named.length > 0) comment(t('Tenant restrictions: {0} are not sent DIRECT here; the proxy adds the tenant-restriction headers to sign-in.', kept.named.join(', ')));
  const entries = kept.entries;
  const included = new Set(entries.flatMap((e) => e.urls.map((u) => u.toLowerCase())));
  // A pattern another entry of the policy names itself is wanted DIRECT, whatever else covers it.
  const excluded = [...new Set([...entries.flatMap((e) => e.excludedHosts ?? []), ...kept.covered])].filter((x) => !included.has(x.toLowerCase()));
  let exclusionGuard: string | undefined;
  if (excluded.length > 0 && result !== undefined) {
    // Policy hosts narrower than an exclusion (`*.mail.protection.x` under an excluded
    // `*.protection.x`) must be decided before the exclusion catches them.
    const narrower = [...included].filter((u) => excluded.some((x) => patternCoversPattern(x, u, tenant)));
    const { tests } = hostTests(narrower, tenant, written);
    if (tests.length > 0) {
      comment(t('Hosts of this policy inside an excluded wildcard are decided first.'));
      lines.push(...ifBlock(indent, tests, result));
    }
  }
  if (excluded.length > 0) {
    const { tests, notExpressible: bad } = hostTests(excluded, tenant, new Set<string>());
    notExpressible.push(...bad);
    if (tests.length > 0 && proxy) {
      comment(t('Default-category hosts that a wildcard below would send DIRECT keep going to the proxy.'));
      lines.push(...ifBlock(indent, tests, proxy));
    } else if (tests.length > 0) {
      // Without the file's proxy string the excluded hosts simply skip this block and reach the
      // file's own returns further down, which is where they went before.
      comment(t('Default-category hosts that a wildcard below would catch skip this block and reach the rules after it.'));
      lines.push(...tests.map((test, i) => `${indent}${i === 0 ? `var ${EXCLUDED_VARIABLE} = ` : `${INDENT_STEP}|| `}${test}${i === tests.length - 1 ? ';' : ''}`));
      exclusionGuard = `!${EXCLUDED_VARIABLE}`;
    }
  }

  const useAddresses = policy.parameters?.[PAC_ADDRESS_PARAMETER]?.includes('isInNet') ?? false;
  let addressVariableWritten = false;
  // Entries repeat their set's addresses once per protocol; each range is written once, under its first label.
  const writtenCidrs = new Set<string>();
  const fresh = (cidrs: string[]): string[] => cidrs.filter((c) => !writtenCidrs.has(c) && writtenCidrs.add(c));
  let lastLabel: string | undefined;
  for (const entry of entries) {
    const { tests, notExpressible: bad } = hostTests(entry.urls, tenant, written);
    for (const pattern of bad) {
      comment(t('{0}: "{1}" is not a host name pattern a PAC file can test.', entry.label, pattern));
      notExpressible.push(pattern);
    }
    const addressTests: string[] = [];
    const v4 = fresh(cidrsOf(entry.addresses.filter((a) => a.family === 4)));
    const v6 = fresh(cidrsOf(entry.addresses.filter((a) => a.family === 6)));
    if (useAddresses) {
      for (const text of v4) {
        const parsed = parseCidr(text);
        if (!parsed.ok) continue;
        const mask = formatIp(4, (0xffffffffn << BigInt(32 - parsed.value.prefixLength)) & 0xffffffffn);
        addressTests.push(`isInNet(${ADDRESS_VARIABLE}, ${quote(formatIp(4, parsed.value.network))}, ${quote(mask)})`);
      }
    }
    if (tests.length === 0 && addressTests.length === 0 && v4.length === 0 && v6.length === 0) continue;
    if (result === undefined) {
      comment(t('{0}: no proxy string is known for this file, so these hosts cannot be sent to the proxy here.', entry.label));
      notExpressible.push(...entry.urls);
      continue;
    }
    // Entries of one set or row come one per protocol or port group; one label line is enough.
    if ((tests.length > 0 || addressTests.length > 0) && entry.label !== lastLabel) comment(entry.label);
    if (tests.length > 0 || addressTests.length > 0) lastLabel = entry.label;
    if (tests.length > 0) lines.push(...ifBlock(indent, guarded(tests, exclusionGuard), result));
    if (addressTests.length > 0) {
      if (!addressVariableWritten) {
        lines.push(`${indent}var ${ADDRESS_VARIABLE} = dnsResolve(host);`);
        addressVariableWritten = true;
      }
      lines.push(...addressBlock(indent, addressTests, exclusionGuard, result));
    }
    const untested = [...(useAddresses ? [] : v4), ...v6];
    if (untested.length > 0) writeUntestedAddresses(entry, untested, useAddresses, comment, notExpressible);
  }
  if (lines.some((line) => line.includes('dnsDomainLevels(host)'))) {
    // Said once, at the end, so a reader who wonders about the dot counts finds why.
    comment(t('dnsDomainLevels keeps each * of Microsoft\'s list inside one label; shExpMatch\'s * alone would also match dots.'));
  }
  lines.push(`${indent}// END endpoint-lens ${policy.purpose}`);
  const text = `${lines.join('\n')}\n`;
  const host = target.hostParameter;
  return { text: host && host !== 'host' && /^[A-Za-z_$][\w$]*$/.test(host) ? withHostName(text, host) : text, notExpressible };
}

/**
 * The policy without the hosts the target keeps on the proxy: the entries without them (`named`,
 * the ones they named), and those a wildcard of the policy would still catch (`covered`), which the
 * block then sends to the proxy before its DIRECT tests.
 */
function keptOnProxy(policy: Policy, target: PacTarget, tenant: string | undefined): { entries: PolicyEntry[]; named: string[]; covered: string[] } {
  const keep = new Set((target.keepOnProxy ?? []).map((h) => h.toLowerCase()));
  if (keep.size === 0) return { entries: policy.entries, named: [], covered: [] };
  const named = new Set<string>();
  const entries = policy.entries.map((entry) => {
    const urls = entry.urls.filter((u) => {
      if (!keep.has(u.toLowerCase())) return true;
      named.add(u.toLowerCase());
      return false;
    });
    return urls.length === entry.urls.length ? entry : { ...entry, urls };
  });
  const remaining = entries.flatMap((e) => e.urls);
  const covered = [...keep].filter((host) => remaining.some((u) => patternCoversPattern(u, host, tenant)));
  return { entries, named: [...named], covered };
}

/** Adds the exclusion guard to a condition list, keeping one test per line. */
function guarded(tests: string[], guard: string | undefined): string[] {
  if (!guard) return tests;
  if (tests.length === 1) return [`${guard} && ${tests[0] ?? ''}`];
  return tests.map((test, i) => (i === 0 ? `${guard} && (${test}` : i === tests.length - 1 ? `${test})` : test));
}

/** `if (address && (isInNet(…) || isInNet(…)))`: dnsResolve answers null for names it cannot resolve. */
function addressBlock(indent: string, tests: string[], guard: string | undefined, result: string): string[] {
  const head = [...(guard ? [guard] : []), ADDRESS_VARIABLE].join(' && ');
  const lines = [`${indent}if (${head}`];
  tests.forEach((test, i) => {
    const lead = i === 0 ? '&& (' : '|| ';
    lines.push(`${indent}${INDENT_STEP}${lead}${test}${i === tests.length - 1 ? '))' : ''}`);
  });
  lines.push(`${indent}${INDENT_STEP}return ${quote(result)};`);
  return lines;
}

function writeUntestedAddresses(
  entry: PolicyEntry,
  cidrs: string[],
  addressTestsAsked: boolean,
  comment: (text: string) => void,
  notExpressible: string[],
): void {
  comment(
    addressTestsAsked
      ? t('{0}: IPv6 ranges are not tested; isInNet compares IPv4 addresses only.', entry.label)
      : t('{0}: address ranges are not tested; a PAC file chooses by host name, and isInNet would make the browser resolve every host name it is asked about.', entry.label),
  );
  for (let i = 0; i < cidrs.length; i += CIDRS_PER_COMMENT_LINE) comment(`  ${cidrs.slice(i, i + CIDRS_PER_COMMENT_LINE).join(' ')}`);
  notExpressible.push(...cidrs);
}

/**
 * PAC blocks test the standard parameter name `host`; in a function that calls it something else
 * the block must use that name, or every test would throw. Renames the identifier `host` outside
 * strings and comments; property names (`x.host`) are left alone.
 */
export function withHostName(block: string, name: string): string {
  let out = '';
  let i = 0;
  while (i < block.length) {
    const c = block[i]!;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < block.length && block[j] !== c && block[j] !== '\n') j += block[j] === '\\' ? 2 : 1;
      out += block.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '/' && block[i + 1] === '/') {
      const end = block.indexOf('\n', i);
      const stop = end < 0 ? block.length : end;
      out += block.slice(i, stop);
      i = stop;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < block.length && /[\w$]/.test(block[j]!)) j++;
      const word = block.slice(i, j);
      const previous = out.trimEnd().slice(-1);
      out += word === 'host' && previous !== '.' ? name : word;
      i = j;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}
