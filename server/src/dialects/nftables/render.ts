import { groupEntries, type RuleGroup } from '../policyGroups';
import { formatCidr, formatIp, intervalToCidrs, type IpInterval } from '../../model/address';
import type { PortRange } from '../../model/config';
import type { Policy, RenderedBlock } from '../../model/policy';

type Family = 4 | 6;

/**
 * Where an nftables block goes: rules inside an existing chain's body, `add` commands for an
 * existing chain (a file of commands; they append, so the block stands in front of the commands
 * that would stop its traffic), or a table of its own with a base chain.
 */
export type NftablesTarget = { mode: 'body' | 'commands'; family: string; table: string; chain: string } | { mode: 'table' };

/** The table a policy gets when the file has no chain for it. */
export const NEW_TABLE = 'endpoint_lens';



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

function elementText(interval: IpInterval): string[] {
  return intervalToCidrs(interval).map((cidr) => (cidr.prefixLength === (cidr.family === 4 ? 32 : 128) ? formatIp(cidr.family, cidr.network) : formatCidr(cidr)));
}

function commentText(labels: string[]): string {
  // nft limits a rule comment to 128 bytes, counted in UTF-8.
  let text = `endpoint-lens ${labels.join(', ')}`.replace(/["\\\r\n]/g, ' ');
  if (Buffer.byteLength(text) > 127) {
    while (Buffer.byteLength(`${text}…`) > 127) text = text.slice(0, -1);
    text += '…';
  }
  return `"${text}"`;
}

function setName(purpose: string, groupIndex: number, groupCount: number, family: Family): string {
  const base = `el_${purpose.toLowerCase().replace(/[^a-z0-9_]+/g, '_')}`.slice(0, 48);
  return groupCount === 1 ? `${base}_v${family}` : `${base}_${groupIndex + 1}_v${family}`;
}

function elementLines(elements: string[], indent: string): string {
  const rows: string[] = [];
  for (let k = 0; k < elements.length; k += 4) rows.push(elements.slice(k, k + 4).join(', '));
  return rows.join(`,\n${indent}`);
}

/**
 * Renders a policy as nftables text: rules with anonymous sets inside an existing chain's body;
 * `add set`, `add element` and `add rule` commands for an existing chain; or a new
 * `table inet endpoint_lens` with its sets and a base chain on the hook of the policy's direction.
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
  const groups = groupEntries(policy.entries);
  const sets: Array<{ name: string; family: Family; elements: string[] }> = [];
  const rules: string[] = [];
  const inline = target.mode === 'body';

  groups.forEach((group, index) => {
    for (const family of [4, 6] as Family[]) {
      const elements = group.intervals.filter((iv) => iv.family === family).flatMap(elementText);
      if (elements.length === 0) continue;
      if (!families.includes(family)) {
        lines.push(`# ${group.labels.join(', ')}: ${elements.length} IPv${family} prefixes cannot match in a ${tableFamily} table: ${elements.join(' ')}`);
        notExpressible.push(...elements);
        continue;
      }
      if (group.local && !group.local.some((iv) => iv.family === family)) {
        lines.push(`# ${group.labels.join(', ')}: no IPv${family} server address was given, so the IPv${family} sources are left out: ${elements.join(' ')}`);
        notExpressible.push(...elements);
        continue;
      }
      if (inline) {
        rules.push(`${matchText(group, family, `{ ${elements.join(', ')} }`, inbound)} ${verdict} comment ${commentText(group.labels)}`);
        continue;
      }
      const name = setName(policy.purpose, index, groups.length, family);
      sets.push({ name, family, elements });
      rules.push(`${matchText(group, family, `@${name}`, inbound)} ${verdict} comment ${commentText(group.labels)}`);
    }
  });

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
    // Commands run in file order: appended here, the rules come before whatever later commands add.
    for (const rule of rules) lines.push(`add rule ${family} ${table} ${chain} ${rule}`);
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
