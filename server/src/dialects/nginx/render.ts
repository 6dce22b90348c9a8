import { t } from '../../l10n';
import { formatCidr, intervalToCidrs, mergeIntervals, subtractIntervals, type IpInterval } from '../../model/address';
import type { HostMatcher, Rule, RuleList } from '../../model/config';
import type { Policy, PolicyEntry, RenderedBlock } from '../../model/policy';

const INDENT_STEP = '    ';

/** Where an nginx block goes: allow/deny lines for a context (its list, when it has one), or entries of an SNI map in a stream block. */
export interface NginxTarget {
  mode: 'access' | 'sni-map';
  list?: RuleList;
  /**
   * Rules the context inherits, written after the new ones: once a context has allow/deny of its
   * own nginx stops applying the enclosing block's, so every other client keeps its answer.
   */
  keep?: { rules: readonly Rule[]; from: string };
  /** The request path of a new location that holds the lines (no location of the server serves it). */
  location?: string;
}

/** Body indentation for a block inside the target's context: one step deeper than its header. */
function bodyIndent(list: RuleList | undefined): string {
  if (!list) return '';
  return ' '.repeat(list.range.start.character) + INDENT_STEP;
}

function beginMarker(policy: Policy): string {
  return `# BEGIN endpoint-lens ${policy.purpose} ${policy.instance} ${policy.catalogVersion}`;
}

function endMarker(policy: Policy): string {
  return `# END endpoint-lens ${policy.purpose}`;
}

/**
 * Per entry, the addresses of one family that no earlier entry already wrote, as few prefixes as
 * cover them exactly. Entries keep their own label, so merging happens within an entry and
 * duplicates across entries are written once, under the first label.
 */
function prefixesByEntry(entries: readonly PolicyEntry[], family: 4 | 6): { entry: PolicyEntry; cidrs: string[] }[] {
  let written: IpInterval[] = [];
  const out: { entry: PolicyEntry; cidrs: string[] }[] = [];
  for (const entry of entries) {
    const mine = mergeIntervals(entry.addresses.filter((a) => a.family === family));
    const fresh = mine.flatMap((iv) => subtractIntervals(iv, written));
    const cidrs = mergeIntervals(fresh).flatMap((iv) => intervalToCidrs(iv).map(formatCidr));
    if (cidrs.length > 0) out.push({ entry, cidrs });
    written = mergeIntervals([...written, ...mine]);
  }
  return out;
}

function renderAccess(policy: Policy, target: NginxTarget, indent: string, lines: string[], notExpressible: string[]): void {
  const word = policy.action === 'allow' ? 'allow' : 'deny';
  if (policy.direction !== 'inbound') {
    // allow/deny test the client address of a request nginx receives; an outbound flow never reaches them.
    lines.push(`${indent}# ${t('nginx allow/deny only filter clients connecting to this server; {0} flows cannot be expressed here.', policy.direction)}`);
    for (const entry of policy.entries) {
      for (const iv of mergeIntervals(entry.addresses)) for (const c of intervalToCidrs(iv)) notExpressible.push(formatCidr(c));
      notExpressible.push(...entry.urls);
    }
    return;
  }
  for (const family of [4, 6] as const) {
    for (const { entry, cidrs } of prefixesByEntry(policy.entries, family)) {
      lines.push(`${indent}# ${entry.label}`);
      for (const cidr of cidrs) lines.push(`${indent}${word} ${cidr};`);
    }
  }
  for (const entry of policy.entries) {
    if (entry.urls.length === 0) continue;
    lines.push(`${indent}# ${t('{0}: nginx allow/deny match client addresses, not host names; these need a rule elsewhere:', entry.label)}`);
    for (const url of entry.urls) {
      lines.push(`${indent}#   ${url}`);
      notExpressible.push(url);
    }
  }
  if (target.keep) {
    lines.push(`${indent}# ${t('The rules this context inherited from {0}, which no longer apply here once it has allow/deny of its own:', target.keep.from)}`);
    for (const rule of target.keep.rules) lines.push(`${indent}${rule.text.replace(/\s+/g, ' ').trim()}`);
    return;
  }
  // Beside rules of the user's, those decide every other client; an allow-list on its own means nothing without a final `deny all`, since nginx lets through what no rule matches.
  if (policy.action === 'allow' && (target.list?.rules.length ?? 0) === 0) lines.push(`${indent}deny all;`);
}

/**
 * Microsoft's notation to nginx `hostnames` map keys: `*.x.com` means subdomains only in both, and a
 * plain name is exact in both. Anything else (a `*` inside a label or mid-name, `<tenant>`
 * templates) has no nginx map spelling with the same meaning.
 */
function toMapKey(pattern: string): string | undefined {
  const lower = pattern.toLowerCase();
  const body = lower.startsWith('*.') ? lower.slice(2) : lower;
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(body)) return undefined;
  return lower;
}

function keyMatcher(key: string): HostMatcher {
  return key.startsWith('*.') ? { kind: 'glob', glob: key } : { kind: 'exact', host: key };
}

function sameMatcher(a: HostMatcher, b: HostMatcher): boolean {
  if (a.kind === 'exact' && b.kind === 'exact') return a.host.toLowerCase() === b.host.toLowerCase();
  if (a.kind === 'glob' && b.kind === 'glob') return a.glob.toLowerCase() === b.glob.toLowerCase();
  return false;
}

function renderSniMap(policy: Policy, target: NginxTarget, lines: string[], notExpressible: string[]): void {
  const existing = target.list?.kind === 'sni-routing' ? target.list : undefined;
  // Inside an existing map the caller indents the whole block; a new map indents its own entries.
  const indent = existing ? '' : INDENT_STEP;
  // An empty value leaves proxy_pass nowhere to go, which is how a map refuses a name.
  const routed = existing?.rules.find((r) => r.action.type === 'accept' && r.comment)?.comment ?? '$ssl_preread_server_name:443';
  const value = policy.action === 'allow' ? routed : '""';
  const valueText = /[\s;{}#"']/.test(value) && value !== '""' ? `"${value}"` : value;
  const taken: HostMatcher[] = existing ? existing.rules.flatMap((r) => r.hosts?.matchers ?? []) : [];

  if (!existing) {
    const variable = `$endpoint_lens_${policy.purpose.replace(/[^A-Za-z0-9_]/g, '_')}`;
    // A new map routes nothing until a stream server passes connections to its variable.
    lines.push(`# ${t('Takes effect once a stream server uses: proxy_pass {0};', variable)}`);
    lines.push(`map $ssl_preread_server_name ${variable} {`);
  }
  // Entries are read with wildcard meaning only after `hostnames`; repeating it is harmless.
  lines.push(`${indent}hostnames;`);
  for (const entry of policy.entries) {
    const keys: string[] = [];
    const skipped: string[] = [];
    const impossible: string[] = [];
    for (const url of entry.urls) {
      const key = toMapKey(url);
      if (key === undefined) impossible.push(url);
      else if (taken.some((m) => sameMatcher(m, keyMatcher(key)))) skipped.push(key);
      else {
        keys.push(key);
        taken.push(keyMatcher(key));
      }
    }
    if (keys.length > 0 || skipped.length > 0 || impossible.length > 0) lines.push(`${indent}# ${entry.label}`);
    for (const key of keys) lines.push(`${indent}${key} ${valueText};`);
    // nginx refuses a map whose key appears twice, so names the map already has are left to it.
    for (const key of skipped) lines.push(`${indent}# ${t('{0} is already in this map', key)}`);
    for (const url of impossible) {
      lines.push(`${indent}# ${t('{0}: an nginx map has no pattern with the same meaning', url)}`);
      notExpressible.push(url);
    }
    const addresses = mergeIntervals(entry.addresses).flatMap((iv) => intervalToCidrs(iv).map(formatCidr));
    if (addresses.length > 0) {
      lines.push(`${indent}# ${t('{0}: {1} address prefixes; an SNI map routes by host name, not by address', entry.label, addresses.length)}`);
      notExpressible.push(...addresses);
    }
  }
  if (!existing) lines.push('}');
}

/** A request path as a location argument: quoted when nginx would otherwise split or misread it. */
function quotedPath(path: string): string {
  return /[\s;{}#"'\\]/.test(path) ? `"${path.replace(/["\\]/g, '\\$&')}"` : path;
}

export function renderNginx(policy: Policy, target: NginxTarget): RenderedBlock {
  const notExpressible: string[] = [];
  const sni = target.mode === 'sni-map' || target.list?.kind === 'sni-routing';
  const indent = sni && target.list?.kind !== 'sni-routing' ? '' : bodyIndent(target.list);
  const body: string[] = [];
  if (sni) renderSniMap(policy, target, body, notExpressible);
  else if (target.location) {
    body.push(`location ${quotedPath(target.location)} {`);
    renderAccess(policy, target, INDENT_STEP, body, notExpressible);
    body.push('}');
  } else renderAccess(policy, target, '', body, notExpressible);
  const lines = [beginMarker(policy), `# ${policy.title.replace(/[\r\n]+/g, ' ')}`, ...body, endMarker(policy)];
  const text = lines.map((l) => (l.length > 0 ? indent + l : l)).join('\n') + '\n';
  return { text, notExpressible };
}
