import { formatCidr, formatIp, intervalToCidrs, mergeIntervals, type Cidr, type IpInterval } from '../../model/address';
import { mergePorts } from '../../model/ports';
import type { PortRange } from '../../model/config';
import type { FlowOrigin, Policy, RenderedBlock } from '../../model/policy';
import { t } from '../../l10n';
import { ruleComment } from '../ruleComment';
import { addressBuckets, type AddressBucket } from '../policyGroups';
import { clampName, nameSlug } from '../objectNames';

/** FortiOS refuses address, group and service names longer than this. */
export const MAX_OBJECT_NAME = 79;
/** A policy's `name` holds at most 35 characters. */
export const MAX_POLICY_NAME = 35;
/** A policy's `comments` hold up to 1023 characters. */
export const POLICY_COMMENT_LIMIT = 1023;
/** An address's `comment` holds up to 255. */
const ADDRESS_COMMENT_LIMIT = 255;

/** Where a FortiOS block goes and what its policies look like there. */
export interface FortiTarget {
  /** The VDOM the block is written into, for a file with VDOMs. */
  vdom?: string;
  srcintf: string[];
  dstintf: string[];
  /** The first id a policy without one of `ids` may take; ids above it that the file uses are skipped. */
  nextId: number;
  /** Ids the file already uses outside the block. */
  usedIds: number[];
  /** The policy the new ones are moved in front of; absent when they go at the end (the implicit deny decides). */
  before?: string;
  /** IPv6 is written only where the file evaluates it (it has IPv6 policies, or no policies at all). */
  ipv6: boolean;
}


function portText(ports: readonly PortRange[]): string[] {
  return mergePorts(ports).map((p) => (p.from === p.to ? String(p.from) : `${p.from}-${p.to}`));
}

function serviceKeys(services: AddressBucket['services']): string[] {
  if (services.some((s) => s.ports.length === 0)) return ['*'];
  const byProtocol = new Map<string, PortRange[]>();
  for (const s of services) byProtocol.set(s.protocol, [...(byProtocol.get(s.protocol) ?? []), ...s.ports]);
  return [...byProtocol.entries()].map(([protocol, ports]) => `${protocol}:${portText(ports).join(' ')}`).sort();
}


function quote(text: string): string {
  return `"${text.replace(/[\r\n]+/g, ' ').replace(/["\\]/g, '')}"`;
}

function quoted(names: readonly string[]): string {
  return names.map(quote).join(' ');
}

/** `52.112.0.0/14` → `52.112.0.0 255.252.0.0`, the way `show` writes a subnet. */
function subnetText(cidr: Cidr): string {
  const mask = ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - cidr.prefixLength)) - 1n);
  return `${formatIp(4, cidr.network)} ${formatIp(4, mask)}`;
}

interface Objects {
  v4: Array<{ name: string; subnet: string; comment: string }>;
  v6: Array<{ name: string; ip6: string; comment: string }>;
  groups4: Array<{ name: string; members: string[]; comment: string }>;
  groups6: Array<{ name: string; members: string[]; comment: string }>;
  services: Array<{ name: string; protocol: 'tcp' | 'udp'; ranges: string[] }>;
  policies: Array<{ id: number; name: string; src: string[]; dst: string[]; src6: string[]; dst6: string[]; services: string[]; comment: string }>;
}

/** Ids for `count` policies, free ones from `nextId` up. */
function idsFor(target: FortiTarget, count: number): number[] {
  const used = new Set(target.usedIds);
  const out: number[] = [];
  let next = target.nextId;
  while (out.length < count) {
    while (used.has(next)) next++;
    out.push(next);
    used.add(next);
  }
  return out;
}

function objectsOf(policy: Policy, target: FortiTarget): Objects & { notes: string[]; notExpressible: string[] } {
  const prefix = `EL-${nameSlug(policy.purpose)}`;
  const families = new Set<number>(target.ipv6 ? [4, 6] : [4]);
  const out: Objects & { notes: string[]; notExpressible: string[] } = { v4: [], v6: [], groups4: [], groups6: [], services: [], policies: [], notes: [], notExpressible: [] };
  const addressNames = new Map<string, string>();
  const objectFor = (cidr: Cidr, comment: string): string => {
    const text = formatCidr(cidr);
    let name = addressNames.get(text);
    if (name === undefined) {
      name = clampName(`${prefix}-${text.replace(/\//g, '-')}`, MAX_OBJECT_NAME);
      addressNames.set(text, name);
      const short = comment.slice(0, ADDRESS_COMMENT_LIMIT);
      if (cidr.family === 4) out.v4.push({ name, subnet: subnetText(cidr), comment: short });
      else out.v6.push({ name, ip6: text, comment: short });
    }
    return name;
  };
  const serviceNames = new Map<string, string>();
  const list = addressBuckets(policy, families);
  const ids = idsFor(target, list.length);
  list.forEach((bucket, i) => {
    const base = list.length === 1 ? prefix : `${prefix}-${i + 1}`;
    const label = [...new Set(bucket.entries.map((e) => e.label))].join('; ');
    const groupOf = (intervals: readonly IpInterval[], suffix: string, comment: string): { g4?: string; g6?: string } => {
      const cidrs = mergeIntervals(intervals).flatMap((iv) => intervalToCidrs(iv));
      const v4 = cidrs.filter((c) => c.family === 4).map((c) => objectFor(c, comment));
      const v6 = cidrs.filter((c) => c.family === 6).map((c) => objectFor(c, comment));
      const result: { g4?: string; g6?: string } = {};
      if (v4.length > 0) {
        result.g4 = clampName(`${base}-${suffix}`, MAX_OBJECT_NAME);
        out.groups4.push({ name: result.g4, members: v4, comment: comment.slice(0, ADDRESS_COMMENT_LIMIT) });
      }
      if (v6.length > 0) {
        result.g6 = clampName(`${base}-${suffix}6`, MAX_OBJECT_NAME);
        out.groups6.push({ name: result.g6, members: v6, comment: comment.slice(0, ADDRESS_COMMENT_LIMIT) });
      }
      return result;
    };
    const remote = groupOf(bucket.remote, 'M365', label);
    const local = bucket.local && bucket.local.length > 0 ? groupOf(bucket.local, 'LOCAL', t('on-premises servers')) : undefined;
    const keys = serviceKeys(bucket.services);
    const services = keys[0] === '*' ? ['ALL'] : keys.map((key) => {
      const [protocol, ports] = key.split(':') as ['tcp' | 'udp', string];
      let name = serviceNames.get(key);
      if (name === undefined) {
        name = clampName(`${prefix}-${protocol.toUpperCase()}-${ports.replace(/ /g, '_')}`, MAX_OBJECT_NAME);
        serviceNames.set(key, name);
        out.services.push({ name, protocol, ranges: ports.split(' ') });
      }
      return name;
    });
    const inbound = policy.direction === 'inbound';
    const sides = (remoteGroup: string | undefined, localGroup: string | undefined, hasLocal: boolean): { src: string[]; dst: string[] } => {
      if (!remoteGroup) return { src: [], dst: [] };
      const localSide = hasLocal ? (localGroup ? [localGroup] : []) : ['all'];
      return inbound ? { src: [remoteGroup], dst: localSide } : { src: ['all'], dst: [remoteGroup] };
    };
    const hasLocal = local !== undefined;
    const v4 = sides(remote.g4, local?.g4, hasLocal);
    const v6 = sides(remote.g6, local?.g6, hasLocal);
    const origins: FlowOrigin[] = bucket.entries.map((e) => e.origin);
    out.policies.push({ id: ids[i]!, name: clampName(base, MAX_POLICY_NAME), src: v4.dst.length > 0 ? v4.src : [], dst: v4.src.length > 0 ? v4.dst : [], src6: v6.dst.length > 0 ? v6.src : [], dst6: v6.src.length > 0 ? v6.dst : [], services, comment: ruleComment(policy.purpose, origins, policy.catalogVersion, POLICY_COMMENT_LIMIT) });
  });
  const seenUrls = new Set<string>();
  for (const entry of policy.entries) {
    for (const url of entry.urls) {
      if (seenUrls.has(url)) continue;
      seenUrls.add(url);
      out.notes.push(t('{0} ({1}): these policies match addresses; allow the name with a wildcard-FQDN address or an Internet Service entry.', url, entry.label));
      out.notExpressible.push(url);
    }
    if (!target.ipv6 && entry.addresses.some((a) => a.family === 6)) {
      const text = t('{0}: its IPv6 prefixes are left out, as this file has no IPv6 policies (srcaddr6/dstaddr6).', entry.label);
      if (!out.notes.includes(text)) {
        out.notes.push(text);
        out.notExpressible.push(entry.label);
      }
    }
    if (entry.addresses.length === 0 && entry.urls.length === 0) {
      out.notes.push(t('{0}: the catalogue lists no addresses or URLs for this entry.', entry.label));
      out.notExpressible.push(entry.label);
    }
  }
  return out;
}

function table(path: string, rows: readonly string[][], indent: string): string[] {
  if (rows.length === 0) return [];
  return [`${indent}config ${path}`, ...rows.flatMap((row) => row.map((line, i) => `${indent}${i === 0 || i === row.length - 1 ? '    ' : '        '}${line}`)), `${indent}end`];
}

/**
 * Renders a policy as FortiOS CLI inside a managed block: address (and address6) objects per
 * prefix, an address group per policy, custom services, the firewall policies with fixed ids, and
 * `move ID before ID` that puts them in front of the policy that decides the traffic (a new policy
 * is added at the end of the list). In a file with VDOMs the whole block is inside
 * `config vdom` → `edit NAME`.
 */
export function renderFortios(policy: Policy, target: FortiTarget): RenderedBlock {
  const objects = objectsOf(policy, target);
  const indent = target.vdom !== undefined ? '    ' : '';
  const body: string[] = [];
  for (const note of objects.notes) body.push(`# ${note.replace(/[\r\n]+/g, ' ')}`);
  if (target.vdom !== undefined) body.push('config vdom', `edit ${quote(target.vdom)}`);
  body.push(...table('firewall address', objects.v4.map((a) => [`edit ${quote(a.name)}`, `set subnet ${a.subnet}`, `set comment ${quote(a.comment)}`, 'next']), indent));
  body.push(...table('firewall address6', objects.v6.map((a) => [`edit ${quote(a.name)}`, `set ip6 ${a.ip6}`, `set comment ${quote(a.comment)}`, 'next']), indent));
  body.push(...table('firewall addrgrp', objects.groups4.map((g) => [`edit ${quote(g.name)}`, `set member ${quoted(g.members)}`, `set comment ${quote(g.comment)}`, 'next']), indent));
  body.push(...table('firewall addrgrp6', objects.groups6.map((g) => [`edit ${quote(g.name)}`, `set member ${quoted(g.members)}`, `set comment ${quote(g.comment)}`, 'next']), indent));
  body.push(...table('firewall service custom', objects.services.map((s) => [`edit ${quote(s.name)}`, `set ${s.protocol}-portrange ${s.ranges.join(' ')}`, 'next']), indent));
  const action = policy.action === 'allow' ? 'accept' : 'deny';
  const rows = objects.policies.filter((p) => p.src.length > 0 || p.src6.length > 0).map((p) => [
    `edit ${p.id}`,
    `set name ${quote(p.name)}`,
    `set srcintf ${quoted(target.srcintf)}`,
    `set dstintf ${quoted(target.dstintf)}`,
    `set action ${action}`,
    ...(p.src.length > 0 ? [`set srcaddr ${quoted(p.src)}`, `set dstaddr ${quoted(p.dst)}`] : []),
    ...(p.src6.length > 0 ? [`set srcaddr6 ${quoted(p.src6)}`, `set dstaddr6 ${quoted(p.dst6)}`] : []),
    'set schedule "always"',
    `set service ${quoted(p.services)}`,
    `set comments ${quote(p.comment)}`,
    'next',
  ]);
  body.push(...table('firewall policy', rows, indent));
  if (target.before !== undefined && objects.policies.length > 0) {
    body.push(`${indent}config firewall policy`, ...objects.policies.map((p) => `${indent}    move ${p.id} before ${target.before!}`), `${indent}end`);
  }
  if (target.vdom !== undefined) body.push('next', 'end');
  const lines = [`# BEGIN endpoint-lens ${policy.purpose} ${policy.instance} ${policy.catalogVersion}`];
  if (policy.title.trim() !== '') lines.push(`# ${policy.title.replace(/[\r\n]+/g, ' ')}`);
  lines.push(...body, `# END endpoint-lens ${policy.purpose}`);
  return { text: lines.join('\n') + '\n', notExpressible: objects.notExpressible };
}

const POLICY_ID_LINE = /^(\s*(?:edit|move) )(\d+)\b/;

/** The policy ids a block's `edit N` lines give, in order. */
function blockIds(block: string): number[] {
  const ids: number[] = [];
  for (const line of block.split('\n')) {
    const match = /^\s*edit (\d+)\s*$/.exec(line);
    if (match && !ids.includes(Number(match[1]))) ids.push(Number(match[1]));
  }
  return ids;
}

/**
 * A refreshed block keeps the policy ids of the block it replaces, in order, where no other policy
 * has taken them since: the ids a firewall already has in its table stay what the admin knows.
 */
export function keepPolicyIds(block: string, replaced: string | undefined, used: ReadonlySet<number>): string {
  if (replaced === undefined) return block;
  const fresh = blockIds(block);
  const old = blockIds(replaced).filter((id) => !used.has(id));
  if (fresh.length === 0 || old.length === 0) return block;
  const taken = new Set<number>([...used, ...old]);
  const mapping = new Map<number, number>();
  let next = Math.max(0, ...taken, ...fresh) + 1;
  fresh.forEach((id, k) => {
    const kept = old[k];
    if (kept !== undefined) mapping.set(id, kept);
    else if (taken.has(id)) mapping.set(id, next++);
    else {
      mapping.set(id, id);
      taken.add(id);
    }
  });
  return block
    .split('\n')
    .map((line) => line.replace(POLICY_ID_LINE, (_m, head: string, id: string) => `${head}${mapping.get(Number(id)) ?? id}`))
    .join('\n');
}
