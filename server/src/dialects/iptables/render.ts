import { groupEntries } from '../policyGroups';
import { formatCidr, intervalToCidrs } from '../../model/address';
import type { PortRange } from '../../model/config';
import type { Policy, RenderedBlock } from '../../model/policy';

type Family = 4 | 6;

/** Where an iptables block goes: a save file's `-A` lines or a script's commands, in one filter chain, for some families. */
export interface IptablesTarget {
  style: 'save' | 'script';
  /** The filter chain the rules go in (OUTPUT, FORWARD, a user chain); from the policy's direction when absent. */
  chain?: string;
  /** Address families the block writes rules for; a save file holds one. */
  families: Family[];
}

/** Above this many prefixes of one family in one rule group, a script uses an ipset instead of one rule per prefix. */
export const IPSET_THRESHOLD = 20;

/** multiport takes at most 15 ports, a range counting as two. */
const MULTIPORT_SLOTS = 15;




function portText(p: PortRange): string {
  return p.from === p.to ? String(p.from) : `${p.from}:${p.to}`;
}

/** Port matches for one rule: none, `--dport`, or as many multiport lists as the 15-slot limit needs. */
function portMatches(ports: PortRange[]): string[] {
  if (ports.length === 0 || (ports.length === 1 && ports[0]!.from === 0 && ports[0]!.to === 65535)) return [''];
  if (ports.length === 1) return [` --dport ${portText(ports[0]!)}`];
  const chunks: string[] = [];
  let current: string[] = [];
  let slots = 0;
  for (const p of ports) {
    const cost = p.from === p.to ? 1 : 2;
    if (slots + cost > MULTIPORT_SLOTS) {
      chunks.push(` -m multiport --dports ${current.join(',')}`);
      current = [];
      slots = 0;
    }
    current.push(portText(p));
    slots += cost;
  }
  if (current.length > 0) chunks.push(` -m multiport --dports ${current.join(',')}`);
  return chunks;
}

function quoteComment(text: string): string {
  // The comment match takes at most 255 bytes, counted in UTF-8.
  let clean = text.replace(/["\\\r\n]/g, ' ');
  while (Buffer.byteLength(clean) > 255) clean = clean.slice(0, -1);
  return `"${clean}"`;
}

/** An ipset name: at most 31 characters, letters, digits, `_` and `-`. */
function ipsetName(purpose: string, index: number, family: Family): string {
  const suffix = `-${index}-v${family}`;
  const base = `el-${purpose.toLowerCase().replace(/[^a-z0-9_-]+/g, '-')}`;
  return base.slice(0, 31 - suffix.length) + suffix;
}

function chainFor(policy: Policy, target: IptablesTarget): string {
  if (target.chain) return target.chain;
  return policy.direction === 'inbound' ? 'INPUT' : policy.direction === 'forward' ? 'FORWARD' : 'OUTPUT';
}

/**
 * Renders a policy as iptables text: `-A` lines for an iptables-save file (one family), or a
 * shell script of `iptables`/`ip6tables` commands for the target's families, with an ipset for
 * long lists. In a save file, prefixes of the other family become one pointer comment per group.
 */
export function renderIptables(policy: Policy, target: IptablesTarget): RenderedBlock {
  const style = target.style;
  const chain = chainFor(policy, target);
  const verdict = policy.action === 'allow' ? 'ACCEPT' : 'DROP';
  const side = policy.direction === 'inbound' ? '-s' : '-d';
  const localSide = policy.direction === 'inbound' ? '-d' : '-s';
  const setSide = policy.direction === 'inbound' ? 'src' : 'dst';
  const families: Family[] = target.families;
  const lines: string[] = [`# BEGIN endpoint-lens ${policy.purpose} ${policy.instance} ${policy.catalogVersion}`];
  if (policy.title) lines.push(`# ${policy.title.replace(/[\r\n]+/g, ' ')}`);
  const notExpressible: string[] = [];

  const urls = new Map<string, string>();
  for (const entry of policy.entries) for (const url of entry.urls) if (!urls.has(url)) urls.set(url, entry.label);
  for (const [url, label] of urls) {
    lines.push(`# ${label}: ${url} is a host name; iptables matches addresses only, so allow it through a proxy or a DNS-aware firewall`);
    notExpressible.push(url);
  }

  const groups = groupEntries(policy.entries);
  groups.forEach((group, groupIndex) => {
    const comment = ` -m comment --comment ${quoteComment(`endpoint-lens ${group.labels.join(', ')}`)}`;
    const ports = portMatches(group.ports);
    for (const family of [4, 6] as Family[]) {
      const cidrs = group.intervals.filter((iv) => iv.family === family).flatMap((iv) => intervalToCidrs(iv).map(formatCidr));
      if (cidrs.length === 0) continue;
      if (!families.includes(family)) {
        // A script block for one family leaves the other to the block placed for it.
        if (style === 'script') continue;
        const other = family === 6 ? 'ip6tables' : 'iptables';
        lines.push(`# ${group.labels.join(', ')}: ${cidrs.length} IPv${family} prefixes belong in the ${other} rules file: ${cidrs.join(' ')}`);
        notExpressible.push(...cidrs);
        continue;
      }
      // Inbound rules reach only the on-premises server the policy names, not every local address.
      const locals = group.local?.filter((iv) => iv.family === family).flatMap((iv) => intervalToCidrs(iv).map(formatCidr));
      if (group.local && locals?.length === 0) {
        lines.push(`# ${group.labels.join(', ')}: no IPv${family} server address was given, so the IPv${family} sources are left out: ${cidrs.join(' ')}`);
        notExpressible.push(...cidrs);
        continue;
      }
      const localMatch = locals && locals.length > 0 ? ` ${localSide} ${locals.join(',')}` : '';
      const command = style === 'save' ? `-A ${chain}` : `${family === 6 ? 'ip6tables' : 'iptables'} -A ${chain}`;
      if (style === 'script' && cidrs.length > IPSET_THRESHOLD) {
        const name = ipsetName(policy.purpose, groupIndex + 1, family);
        lines.push(`ipset create ${name} hash:net family ${family === 6 ? 'inet6' : 'inet'} -exist`);
        lines.push(`ipset flush ${name}`);
        for (const cidr of cidrs) lines.push(`ipset add ${name} ${cidr} -exist`);
        for (const portMatch of ports) {
          lines.push(`${command} -p ${group.protocol}${localMatch} -m set --match-set ${name} ${setSide}${portMatch}${comment} -j ${verdict}`);
        }
        continue;
      }
      for (const cidr of cidrs) {
        for (const portMatch of ports) lines.push(`${command} -p ${group.protocol} ${side} ${cidr}${localMatch}${portMatch}${comment} -j ${verdict}`);
      }
    }
  });
  lines.push(`# END endpoint-lens ${policy.purpose}`);
  return { text: lines.join('\n') + '\n', notExpressible };
}
