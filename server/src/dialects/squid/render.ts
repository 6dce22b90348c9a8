import { t } from '../../l10n';
import { formatCidr, intervalToCidrs, mergeIntervals } from '../../model/address';
import { mergePorts } from '../../model/ports';
import type { Policy, PolicyEntry, RenderedBlock } from '../../model/policy';
import { literalSuffix, parseUrlPattern } from '../../catalog/urlPattern';
import { clampName } from '../objectNames';
import { MAX_ACL_NAME } from './grammar';

/** Where a Squid block goes: whether the file bumps TLS (so the block splices its hosts), and the acl names already taken. */
export interface SquidTarget {
  splice: boolean;
  taken: readonly string[];
}

/**
 * A catalogue pattern as a dstdomain value: `*.x` and `x` both become `.x` (the domain and all
 * below it); a pattern with a wildcard inside (`autodiscover.*.onmicrosoft.com`, `<tenant>`)
 * widens to its literal domain, `broadened` says so.
 */
function domainValue(pattern: string): { value: string; broadened: boolean } | undefined {
  const lower = pattern.toLowerCase();
  const parsed = parseUrlPattern(lower);
  if (!parsed) return undefined;
  if (!parsed.labels.some((l) => /[*?]/.test(l))) return { value: parsed.deep ? `.${parsed.labels.join('.')}` : parsed.labels.join('.'), broadened: false };
  const suffix = literalSuffix(lower);
  return suffix.includes('.') ? { value: `.${suffix}`, broadened: true } : undefined;
}

/**
 * Values for one dstdomain acl: Squid refuses an acl that lists a name and a domain above it
 * (`.office.com` with `www.office.com`), so names a `.domain` value covers are left out.
 */
export function dstdomainValues(patterns: readonly string[]): { values: string[]; broadened: string[]; impossible: string[] } {
  const raw: string[] = [];
  const broadened: string[] = [];
  const impossible: string[] = [];
  for (const pattern of patterns) {
    const v = domainValue(pattern);
    if (!v) impossible.push(pattern);
    else {
      raw.push(v.value);
      if (v.broadened) broadened.push(pattern);
    }
  }
  // `x` and `.x` together: `.x` holds both.
  const domains = new Set(raw.filter((v) => v.startsWith('.')));
  for (const v of raw) if (!v.startsWith('.') && raw.includes(`.${v}`)) domains.add(`.${v}`);
  const covered = (v: string): boolean => {
    const bare = v.startsWith('.') ? v.slice(1) : v;
    return [...domains].some((d) => d !== v && (bare === d.slice(1) ? !v.startsWith('.') : bare.endsWith(d)));
  };
  const values = [...new Set(raw)].filter((v) => !covered(v)).sort();
  return { values, broadened, impossible };
}

function portsText(entry: PolicyEntry): string {
  return mergePorts(entry.ports)
    .map((p) => (p.from === p.to ? String(p.from) : `${p.from}-${p.to}`))
    .join(' ');
}

/** An acl name from the block's purpose: letters, digits, `_` and `-`, at most Squid's 63 characters, never one the file has. */
function aclName(purpose: string, index: number, kind: string, taken: Set<string>): string {
  const base = clampName(`endpoint_lens_${purpose.replace(/[^A-Za-z0-9_-]+/g, '_')}_${index + 1}_${kind}`, MAX_ACL_NAME);
  let name = base;
  for (let n = 2; taken.has(name); n++) name = clampName(`${base}_${n}`, MAX_ACL_NAME);
  taken.add(name);
  return name;
}

/**
 * A policy as squid.conf lines: per entry a dstdomain acl of its host names (a dst acl of its
 * addresses when it has none) and a port acl, then `http_access allow|deny` for
 * them, and, when the file bumps TLS, `ssl_bump splice` so the allowed traffic is never decrypted.
 * UDP cannot pass through an HTTP proxy and is written as a comment.
 */
export function renderSquid(policy: Policy, target: SquidTarget): RenderedBlock {
  const taken = new Set(target.taken);
  const notExpressible: string[] = [];
  const acls: string[] = [];
  const access: string[] = [];
  const bump: string[] = [];
  const word = policy.action === 'allow' ? 'allow' : 'deny';
  policy.entries.forEach((entry, index) => {
    acls.push(`# ${entry.label.replace(/[\r\n]+/g, ' ')}`);
    if (entry.protocol !== 'tcp') {
      acls.push(`# ${t('{0}: UDP does not pass through an HTTP proxy; allow it on the firewall', entry.label)}`);
      notExpressible.push(...entry.urls, ...mergeIntervals(entry.addresses).flatMap((iv) => intervalToCidrs(iv).map(formatCidr)));
      return;
    }
    const ports = aclName(policy.purpose, index, 'ports', taken);
    const targets: string[] = [];
    const { values, broadened, impossible } = dstdomainValues(entry.urls);
    if (values.length > 0) {
      const name = aclName(policy.purpose, index, 'hosts', taken);
      acls.push(`acl ${name} dstdomain ${values.join(' ')}`);
      targets.push(name);
    }
    for (const pattern of broadened) acls.push(`# ${t('{0} has a wildcard inside a name, which dstdomain cannot write; its domain {1} is used', pattern, `.${literalSuffix(pattern)}`)}`);
    for (const pattern of impossible) {
      acls.push(`# ${t('{0}: no dstdomain value has the same meaning', pattern)}`);
      notExpressible.push(pattern);
    }
    // Clients ask a proxy for names; addresses are written only for entries that have no names,
    // since a dst acl makes Squid resolve every name that reaches it.
    const cidrs = entry.urls.length > 0 ? [] : mergeIntervals(entry.addresses).flatMap((iv) => intervalToCidrs(iv).map(formatCidr));
    if (cidrs.length > 0) {
      const name = aclName(policy.purpose, index, 'addresses', taken);
      acls.push(`acl ${name} dst ${cidrs.join(' ')}`);
      targets.push(name);
    }
    if (targets.length === 0) return;
    acls.push(`acl ${ports} port ${portsText(entry)}`);
    for (const name of targets) access.push(`http_access ${word} ${name} ${ports}`);
    if (target.splice && policy.action === 'allow') for (const name of targets) bump.push(`ssl_bump splice ${name}`);
  });
  const lines = [
    `# BEGIN endpoint-lens ${policy.purpose} ${policy.instance} ${policy.catalogVersion}`,
    `# ${policy.title.replace(/[\r\n]+/g, ' ')}`,
    ...acls,
    ...access,
    ...bump,
    `# END endpoint-lens ${policy.purpose}`,
  ];
  return { text: lines.join('\n') + '\n', notExpressible };
}
