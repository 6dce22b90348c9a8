import { groupEntries, type RuleGroup } from '../policyGroups';
import { ruleComment } from '../ruleComment';
import { formatCidr, formatIp, intervalToCidrs, type IpInterval } from '../../model/address';
import type { PortRange } from '../../model/config';
import type { Policy, PolicyEntry, RenderedBlock } from '../../model/policy';
import { t } from '../../l10n';

type Family = 4 | 6;

/** nft refuses a comment longer than 128 bytes, on rules and on set elements alike. */
export const RULE_COMMENT_LIMIT = 128;

/** A change to one policy entry for the place its rules go to, found by `entryKey`. */
export interface EntryAdjustment {
  key: string;
  /** Families a set edit or the file already lets through for this entry, left out without a note. */
  omit?: Family[];
  /** The ports the rules name instead of the entry's own: destination NAT before this chain changed them. */
  ports?: PortRange[];
}

interface ChainTarget {
  family: string;
  table: string;
  chain: string;
  adjust?: EntryAdjustment[];
  /** Families another block of the same edit holds (an ip6 table beside an ip one); left out without a note. */
  elsewhere?: Family[];
}

/**
 * Where an nftables block goes: rules inside an existing chain's body, commands for an existing
 * chain (`add rule` in front of the command that decides, or `insert rule` after it when that
 * rule was itself inserted), or a table of its own with a base chain.
 */
export type NftablesTarget = ({ mode: 'body' } & ChainTarget) | ({ mode: 'commands'; verb?: 'add' | 'insert' } & ChainTarget) | { mode: 'table' };

/** The table a policy gets when the file has no chain for it. */
export const NEW_TABLE = 'endpoint_lens';

/** Which entry an adjustment is for; entries of one policy differ in label, protocol, ports or addresses. */
export function entryKey(entry: PolicyEntry): string {
  const ports = entry.ports.map((p) => `${p.from}-${p.to}`).join(',');
  const addresses = entry.addresses.map((iv) => `${iv.family}:${iv.first}-${iv.last}`).join(',');
  return `${entry.label}|${entry.protocol}|${ports}|${addresses}`;
}

function portExpression(ports: PortRange[]): string {
  const text = (p: PortRange): string => (p.from === p.to ? String(p.from) : `${p.from}-${p.to}`);
  if (ports.length === 1) return text(ports[0]!);
  return `{ ${ports.map(text).join(', ')} }`;
}

/** `ip daddr @set udp dport 3478-3481` without the verdict. */
function matchText(group: RuleGroup, family: Family, addressExpression: string, inbound: boolean): string {
  const prefix = family === 4 ? 'ip' : 'ip6';
  let selector = `${prefix} ${inbound ? 'saddr' : 'daddr'} ${addressExpression}`;
  // Inbound rules reach only the on-premises server the policy names, not every local address.
  const locals = group.local?.filter((iv) => iv.family === family).flatMap(elementText) ?? [];
  if (locals.length > 0) selector += ` ${prefix} ${inbound ? 'daddr' : 'saddr'} ${locals.length === 1 ? locals[0]! : `{ ${locals.join(', ')} }`}`;
  const anyPort = group.ports.length === 0 || (group.ports.length === 1 && group.ports[0]!.from === 0 && group.ports[0]!.to === 65535);
  const ports = anyPort ? `meta l4proto ${group.protocol}` : `${group.protocol} dport ${portExpression(group.ports)}`;
  return `${selector} ${ports}`;
}

/** Set elements as nft writes them: a host without its prefix length, every other prefix as a CIDR. */
export function elementText(interval: IpInterval): string[] {
  return intervalToCidrs(interval).map((cidr) => (cidr.prefixLength === (cidr.family === 4 ? 32 : 128) ? formatIp(cidr.family, cidr.network) : formatCidr(cidr)));
}

/** A quoted nft comment; the text of `ruleComment` has no quotes, this keeps it so. */
export function commentString(text: string): string {
  return `"${text.replace(/["\\\r\n]/g, ' ')}"`;
}

/** `el_<purpose>[_<chain>]_…`: blocks of one purpose for two chains of a table must not flush each other's sets. */
function setName(purpose: string, chain: string | undefined, groupIndex: number, groupCount: number, family: Family): string {
  const base = `el_${[purpose, ...(chain ? [chain] : [])].join('_').toLowerCase().replace(/[^a-z0-9_]+/g, '_')}`.slice(0, 48);
  return groupCount === 1 ? `${base}_v${family}` : `${base}_${groupIndex + 1}_v${family}`;
}

function elementLines(elements: string[], indent: string): string {
  const rows: string[] = [];
  for (let k = 0; k < elements.length; k += 4) rows.push(elements.slice(k, k + 4).join(', '));
  return rows.join(`,\n${indent}`);
}

/** The entries as this place writes them: families another edit holds left out, ports destination NAT changed. */
function adjustedEntries(entries: readonly PolicyEntry[], adjust: readonly EntryAdjustment[]): PolicyEntry[] {
  if (adjust.length === 0) return [...entries];
  const byKey = new Map(adjust.map((a) => [a.key, a]));
  return entries.map((entry) => {
    const change = byKey.get(entryKey(entry));
    if (!change) return entry;
    const omit = new Set(change.omit ?? []);
    return { ...entry, addresses: entry.addresses.filter((iv) => !omit.has(iv.family)), ...(change.ports ? { ports: change.ports } : {}) };
  });
}

/**
 * Renders a policy as nftables text: rules with anonymous sets inside an existing chain's body;
 * `add set`, `add element` and `add rule` (or `insert rule`) commands for an existing chain; or a
 * new `table inet endpoint_lens` with its sets and a base chain on the hook of the policy's
 * direction. Prefixes a table's family cannot hold, or for which no server address was given,
 * are said once per block, not once per set.
 */
export function renderNftables(policy: Policy, target: NftablesTarget): RenderedBlock {
  const inbound = policy.direction === 'inbound';
  const hook = inbound ? 'input' : policy.direction === 'forward' ? 'forward' : 'output';
  const verdict = policy.action === 'allow' ? 'accept' : 'drop';
  const lines: string[] = [`# BEGIN endpoint-lens ${policy.purpose} ${policy.instance} ${policy.catalogVersion}`];
  if (policy.title) lines.push(`# ${policy.title.replace(/[\r\n]+/g, ' ')}`);
  const notExpressible: string[] = [];

  const urls = new Map<string, string>();
  for (const entry of policy.entries) for (const url of entry.urls) if (!urls.has(url)) urls.set(url, entry.label);
  for (const [url, label] of urls) {
    lines.push(`# ${label}: ${url} is a host name; nftables matches addresses only, so allow it through a proxy or a DNS-aware firewall`);
    notExpressible.push(url);
  }

  const existing = target.mode === 'table' ? undefined : target;
  const tableFamily = existing?.family ?? 'inet';
  const families: Family[] = tableFamily === 'ip' ? [4] : tableFamily === 'ip6' ? [6] : [4, 6];
  const elsewhere = new Set(existing?.elsewhere ?? []);
  const groups = groupEntries(adjustedEntries(policy.entries, existing?.adjust ?? []));
  const sets: Array<{ name: string; family: Family; elements: string[] }> = [];
  const rules: string[] = [];
  const inline = target.mode === 'body';
  const outsideTable: string[] = [];
  const withoutServer = new Map<Family, string[]>();

  groups.forEach((group, index) => {
    for (const family of [4, 6] as Family[]) {
      const elements = group.intervals.filter((iv) => iv.family === family).flatMap(elementText);
      if (elements.length === 0 || elsewhere.has(family)) continue;
      if (!families.includes(family)) {
        outsideTable.push(...elements);
        continue;
      }
      if (group.local && !group.local.some((iv) => iv.family === family)) {
        withoutServer.set(family, [...(withoutServer.get(family) ?? []), ...elements]);
        continue;
      }
      const comment = commentString(ruleComment(policy.purpose, group.origins, policy.catalogVersion, RULE_COMMENT_LIMIT));
      if (inline) {
        rules.push(`${matchText(group, family, `{ ${elements.join(', ')} }`, inbound)} ${verdict} comment ${comment}`);
        continue;
      }
      const name = setName(policy.purpose, existing?.chain, index, groups.length, family);
      sets.push({ name, family, elements });
      rules.push(`${matchText(group, family, `@${name}`, inbound)} ${verdict} comment ${comment}`);
    }
  });
  if (outsideTable.length > 0) {
    const left = families.includes(4) ? 6 : 4;
    const table = existing?.table ?? NEW_TABLE;
    const note =
      outsideTable.length === 1
        ? t('1 IPv{0} prefix is left out: table {1} {2} sees only IPv{3}.', left, tableFamily, table, families[0] ?? 4)
        : t('{0} IPv{1} prefixes are left out: table {2} {3} sees only IPv{4}.', outsideTable.length, left, tableFamily, table, families[0] ?? 4);
    lines.push(`# ${note}`);
    notExpressible.push(...outsideTable);
  }
  for (const [family, elements] of withoutServer) {
    const note = elements.length === 1 ? t('1 IPv{0} source is left out: no IPv{0} address of the server was given.', family) : t('{0} IPv{1} sources are left out: no IPv{1} address of the server was given.', elements.length, family);
    lines.push(`# ${note}`);
    notExpressible.push(...elements);
  }

  if (inline) {
    lines.push(...rules);
  } else if (existing) {
    const { family, table, chain } = existing;
    for (const set of sets) {
      lines.push(`add set ${family} ${table} ${set.name} { type ${set.family === 4 ? 'ipv4_addr' : 'ipv6_addr'}; flags interval; }`);
      // Loading the file again without `flush ruleset` must not keep elements a newer catalogue dropped.
      lines.push(`flush set ${family} ${table} ${set.name}`);
      lines.push(`add element ${family} ${table} ${set.name} { ${elementLines(set.elements, '\t')} }`);
    }
    // Commands run in file order: `add` appends here, before whatever later commands add; `insert` goes to the front.
    const verb = existing.mode === 'commands' && existing.verb === 'insert' ? 'insert' : 'add';
    for (const rule of rules) lines.push(`${verb} rule ${family} ${table} ${chain} ${rule}`);
  } else if (rules.length > 0) {
    lines.push(`table inet ${NEW_TABLE} {`);
    for (const set of sets) {
      lines.push(`\tset ${set.name} {`);
      lines.push(`\t\ttype ${set.family === 4 ? 'ipv4_addr' : 'ipv6_addr'}`);
      lines.push('\t\tflags interval');
      lines.push(`\t\telements = { ${elementLines(set.elements, '\t\t\t     ')} }`);
      lines.push('\t}');
    }
    const chainName = `el_${policy.purpose.toLowerCase().replace(/[^a-z0-9_]+/g, '_')}`.slice(0, 60);
    lines.push(`\tchain ${chainName} {`);
    lines.push(`\t\ttype filter hook ${hook} priority filter; policy accept;`);
    for (const rule of rules) lines.push(`\t\t${rule}`);
    lines.push('\t}');
    lines.push('}');
  }
  lines.push(`# END endpoint-lens ${policy.purpose}`);
  return { text: lines.join('\n') + '\n', notExpressible };
}
