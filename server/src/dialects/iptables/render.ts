import { groupEntries } from '../policyGroups';
import { ruleComment } from '../ruleComment';
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
  /** How the script around the block calls the tool of a family (`$IPT`, `/sbin/iptables -w`); `iptables`/`ip6tables` otherwise. */
  commands?: Partial<Record<'4' | '6', string>>;
  /** A script whose rule the block must precede was built with `-I CHAIN n`: the family's rules go in with `-I CHAIN n` too. */
  insert?: { family: Family; position: number };
}

/** Above this many prefixes of one family in one rule group, a script uses an ipset instead of one rule per prefix. */
export const IPSET_THRESHOLD = 20;

/** multiport takes at most 15 ports, a range counting as two. */
const MULTIPORT_SLOTS = 15;

/** The comment match holds text shorter than 256 bytes. */
export const COMMENT_LIMIT = 255;

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
  return `"${text.replace(/["\\\r\n]/g, ' ')}"`;
}

/** A short, stable tag of a text, for names that must stay distinct when they are cut to length. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0').slice(0, 6);
}

/**
 * An ipset name: at most 31 characters, letters, digits, `_` and `-`; distinct per purpose and
 * chain, so two blocks of one purpose (FORWARD and OUTPUT) never fill each other's set.
 */
function ipsetName(purpose: string, chain: string, defaultChain: boolean, index: number, family: Family): string {
  const slug = `${purpose}${defaultChain ? '' : `-${chain}`}`.toLowerCase().replace(/[^a-z0-9_-]+/g, '-');
  const suffix = `-${index}-v${family}`;
  const whole = `el-${slug}${suffix}`;
  if (whole.length <= 31) return whole;
  const tag = `-${shortHash(slug)}`;
  return `el-${slug}`.slice(0, 31 - suffix.length - tag.length) + tag + suffix;
}

function defaultChainFor(policy: Policy): string {
  return policy.direction === 'inbound' ? 'INPUT' : policy.direction === 'forward' ? 'FORWARD' : 'OUTPUT';
}

function chainFor(policy: Policy, target: IptablesTarget): string {
  return target.chain ?? defaultChainFor(policy);
}

/** The tool that loads a family's rules. */
function toolOf(family: Family): string {
  return family === 6 ? 'ip6tables' : 'iptables';
}

/** "1 prefix belongs" / "12 prefixes belong", and the like. */
function counted(n: number, one: string, many: string): string {
  return n === 1 ? `1 ${one}` : `${n} ${many}`;
}

/**
 * Renders a policy as iptables text: `-A` lines for an iptables-save file (one family), or a
 * shell script of `iptables`/`ip6tables` commands for the target's families, with an ipset for
 * long lists. Each rule's comment names the purpose, sets/rows and catalogue version. What the
 * block cannot hold is said once: one line for the host names, one line per other family's
 * prefixes (a save file holds one family), one line per family the server has no address in.
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

  const urls = [...new Set(policy.entries.flatMap((e) => e.urls))];
  if (urls.length > 0) {
    lines.push(`# Host names iptables cannot match (it matches addresses; allow them through a proxy or a DNS-aware firewall): ${urls.join(' ')}`);
    notExpressible.push(...urls);
  }

  const elsewhere = new Map<Family, string[]>();
  const withoutServer = new Map<Family, string[]>();
  const rules: string[] = [];
  const groups = groupEntries(policy.entries);
  groups.forEach((group, groupIndex) => {
    const origins = policy.entries.filter((e) => group.labels.includes(e.label)).map((e) => e.origin);
    const comment = ` -m comment --comment ${quoteComment(ruleComment(policy.purpose, origins, policy.catalogVersion, COMMENT_LIMIT))}`;
    const ports = portMatches(group.ports);
    for (const family of [4, 6] as Family[]) {
      const cidrs = group.intervals.filter((iv) => iv.family === family).flatMap((iv) => intervalToCidrs(iv).map(formatCidr));
      if (cidrs.length === 0) continue;
      if (!families.includes(family)) {
        // A script block for one family leaves the other to the block placed for it.
        if (style === 'script') continue;
        elsewhere.set(family, [...(elsewhere.get(family) ?? []), ...cidrs]);
        continue;
      }
      // Inbound rules reach only the on-premises server the policy names, not every local address.
      const locals = group.local?.filter((iv) => iv.family === family).flatMap((iv) => intervalToCidrs(iv).map(formatCidr));
      if (group.local && locals?.length === 0) {
        withoutServer.set(family, [...(withoutServer.get(family) ?? []), ...cidrs]);
        continue;
      }
      const localMatch = locals && locals.length > 0 ? ` ${localSide} ${locals.join(',')}` : '';
      const operation = target.insert?.family === family ? `-I ${chain} ${target.insert.position}` : `-A ${chain}`;
      const command = style === 'save' ? operation : `${target.commands?.[family === 6 ? '6' : '4'] ?? toolOf(family)} ${operation}`;
      if (style === 'script' && cidrs.length > IPSET_THRESHOLD) {
        const name = ipsetName(policy.purpose, chain, chain === defaultChainFor(policy), groupIndex + 1, family);
        rules.push(`ipset create ${name} hash:net family ${family === 6 ? 'inet6' : 'inet'} -exist`);
        rules.push(`ipset flush ${name}`);
        for (const cidr of cidrs) rules.push(`ipset add ${name} ${cidr} -exist`);
        for (const portMatch of ports) {
          rules.push(`${command} -p ${group.protocol}${localMatch} -m set --match-set ${name} ${setSide}${portMatch}${comment} -j ${verdict}`);
        }
        continue;
      }
      for (const cidr of cidrs) {
        for (const portMatch of ports) rules.push(`${command} -p ${group.protocol} ${side} ${cidr}${localMatch}${portMatch}${comment} -j ${verdict}`);
      }
    }
  });
  for (const [family, cidrs] of elsewhere) {
    const unique = [...new Set(cidrs)];
    lines.push(`# IPv${family}: ${counted(unique.length, 'prefix belongs', 'prefixes belong')} in the ${toolOf(family)} rules; insert "${policy.purpose}" there too: ${unique.join(' ')}`);
    notExpressible.push(...unique);
  }
  for (const [family, cidrs] of withoutServer) {
    const unique = [...new Set(cidrs)];
    lines.push(`# No IPv${family} server address was given, so ${counted(unique.length, `IPv${family} source is`, `IPv${family} sources are`)} left out: ${unique.join(' ')}`);
    notExpressible.push(...unique);
  }
  lines.push(...rules);
  lines.push(`# END endpoint-lens ${policy.purpose}`);
  return { text: lines.join('\n') + '\n', notExpressible };
}
