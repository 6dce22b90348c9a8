import { mergePorts } from '../../model/ports';
import {
  cidrToInterval,
  formatIp,
  intervalToCidrs,
  mergeIntervals,
  type AddressFamily,
  type Cidr,
  type IpInterval,
} from '../../model/address';
import type { PortRange } from '../../model/config';
import { addressKey, clampName, nameSlug } from '../objectNames';
import type { Policy, PolicyEntry, RenderedBlock } from '../../model/policy';
import { t } from '../../l10n';
import type { CiscoPlatform, CiscoVendor } from './vendor';

/** ASA rejects object and ACL names longer than this. */
const MAX_NAME = 64;
/** ASA and IOS refuse remarks beyond this length. */
export const MAX_REMARK = 100;
/** Longest object-group description ASA and IOS accept. */
const MAX_DESCRIPTION = 200;

interface Names {
  platform: CiscoPlatform;
  /** IPv4 (and on ASA unified) list name. */
  acl: string;
  /** IPv6 list name; on ASA 9 the same unified list. */
  acl6: string;
  /** IOS numbered list: plain lines with wildcard masks, no object-groups. */
  numbered: boolean;
  prefix: string;
}

/** Text on one line within `max` characters: whole words only, "…" where words were left out. */
function oneLine(text: string, max = MAX_REMARK): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const room = flat.slice(0, max - 1);
  const cut = room.lastIndexOf(' ');
  return `${(cut > 0 ? room.slice(0, cut) : room).replace(/[\s,;:]+$/, '')}…`;
}

function ipv4Mask(prefixLength: number, wildcard: boolean): string {
  const mask = prefixLength === 0 ? 0n : (0xffffffffn << BigInt(32 - prefixLength)) & 0xffffffffn;
  return formatIp(4, wildcard ? mask ^ 0xffffffffn : mask);
}

/** One prefix as an ACL or object-group operand: `host a`, `a mask` / `a wildcard`, or `x::/n`. */
function operand(cidr: Cidr, wildcard: boolean): string {
  const address = formatIp(cidr.family, cidr.network);
  const bits = cidr.family === 4 ? 32 : 128;
  if (cidr.prefixLength === bits) return `host ${address}`;
  if (cidr.family === 6) return `${address}/${cidr.prefixLength}`;
  return `${address} ${ipv4Mask(cidr.prefixLength, wildcard)}`;
}

/** A member line of a network object-group, without its indentation. */
export function groupMember(platform: CiscoPlatform, cidr: Cidr): string {
  return platform === 'asa' ? `network-object ${operand(cidr, false)}` : operand(cidr, false);
}

function cidrsOf(intervals: readonly IpInterval[], family: AddressFamily): Cidr[] {
  const out: Cidr[] = [];
  for (const iv of mergeIntervals(intervals.filter((i) => i.family === family))) out.push(...intervalToCidrs(iv));
  return out;
}


function portOperator(port: PortRange): string {
  return port.from === port.to ? `eq ${port.from}` : `range ${port.from} ${port.to}`;
}

function originTag(entry: PolicyEntry): string {
  return entry.origin.source === 'web-service' ? `SET${entry.origin.setId}` : `ROW${entry.origin.row}`;
}

/** The parts of one policy entry a place has to let through (what the file does not already), found by `entryKey`. */
export interface EntryPieces {
  key: string;
  pieces: Array<{ addresses: IpInterval[]; ports: PortRange[] }>;
}

/** Free sequence numbers of an IOS named list around the place: after `after`, before `before` (none: the end of the list). */
export interface SequenceGap {
  after: number;
  before?: number;
}

/** Where a Cisco block goes: the platform's syntax, the ACL it adds to (its list id), and object-groups to reuse. */
export interface CiscoTarget {
  platform: CiscoPlatform;
  /** `ACL name` or `IPv6 ACL name`; a new list named after the direction when absent. */
  aclId?: string;
  /** Network object-groups of the file that hold whole address lists: name → addresses. */
  existingGroups?: ReadonlyMap<string, IpInterval[]>;
  /** Entries narrowed to what the place must let through; entries not named are written whole. */
  pieces?: EntryPieces[];
  /** For a place inside an IOS named list: the free numbers there, which its entries must fit (they are numbered when the block is fitted). */
  sequence?: SequenceGap;
  /** Object names other blocks of the same edit define; this block takes others. */
  reservedNames?: readonly string[];
}

/** The object and object-group names a rendered block defines. */
export function definedNames(text: string): string[] {
  return [...text.matchAll(/^object(?:-group)? (?:network|service) (\S+)/gm)].map((m) => m[1]!);
}

export function entryKey(entry: PolicyEntry): string {
  const ports = entry.ports.map((p) => `${p.from}-${p.to}`).join(',');
  const addresses = entry.addresses.map((iv) => `${iv.family}:${iv.first}-${iv.last}`).join(',');
  return `${entry.label}|${entry.protocol}|${ports}|${addresses}`;
}

/** The policy's entries as the place needs them: each narrowed entry replaced by its pieces. */
function narrowedEntries(entries: readonly PolicyEntry[], pieces: readonly EntryPieces[] | undefined): PolicyEntry[] {
  if (!pieces || pieces.length === 0) return [...entries];
  const byKey = new Map(pieces.map((p) => [p.key, p.pieces]));
  return entries.flatMap((entry) => {
    const parts = byKey.get(entryKey(entry));
    return parts ? parts.map((part) => ({ ...entry, addresses: part.addresses, ports: part.ports })) : [entry];
  });
}

/**
 * Sequence numbers for `count` lines between the gap's ends: steps of 10 where there is room,
 * smaller ones where not; undefined when the gap holds fewer free numbers than lines.
 */
export function sequenceNumbers(gap: SequenceGap, count: number): number[] | undefined {
  const before = gap.before;
  const step = before === undefined ? 10 : Math.min(10, Math.floor((before - gap.after) / (count + 1)));
  if (step < 1) return undefined;
  return Array.from({ length: count }, (_v, i) => gap.after + step * (i + 1));
}

function namesFor(policy: Policy, target: CiscoTarget): Names {
  const listId = target.aclId;
  const listName = listId?.replace(/^(IPv6 )?ACL /, '');
  const platform = target.platform;
  const prefix = clampName(`EL-${nameSlug(policy.purpose)}`, MAX_NAME);
  const inbound = policy.direction === 'inbound';
  if (platform === 'asa') {
    const acl = listName ?? (inbound ? 'outside_in' : 'inside_in');
    return { platform, acl, acl6: acl, numbered: false, prefix };
  }
  const isV6List = listId?.startsWith('IPv6 ') ?? false;
  const numbered = listName !== undefined && !isV6List && /^\d+$/.test(listName);
  const base = listName ?? prefix;
  return {
    platform,
    acl: base,
    acl6: isV6List ? base : clampName(`${numbered ? prefix : base}-V6`, MAX_NAME),
    numbered,
    prefix,
  };
}

/**
 * Renders a policy as Cisco configuration: network and service object-groups, then the ACL
 * entries, inside a managed block. ASA 9 unified access lists take IPv6 in the same list; IOS
 * needs a separate `ipv6 access-list` with one line per prefix because classic IOS object-groups
 * hold IPv4 only. Outbound (and forward) flows have Microsoft as the destination; inbound flows as
 * the source, with the on-premises server (when the entry names it) as the destination.
 */
export function renderCisco(policy: Policy, target: CiscoTarget): RenderedBlock {
  const names = namesFor(policy, target);
  const asa = names.platform === 'asa';
  const action = policy.action === 'allow' ? 'permit' : 'deny';
  const inbound = policy.direction === 'inbound';
  const definitions: string[] = [];
  const aclLines: string[] = [];
  const acl6Lines: string[] = [];
  const notes: string[] = [];
  const notExpressible: string[] = [];
  const groupByKey = new Map<string, string>();
  const usedNames = new Set<string>();
  const seenUrls = new Set<string>();
  /** Entries with one label (TCP and UDP of one set) share one remark. */
  const lastRemark = new Map<string[], string>();
  const emitted = new Set<string>();

  for (const name of target.reservedNames ?? []) usedNames.add(name);
  for (const [name, intervals] of target.existingGroups ?? []) {
    const key = addressKey(intervals);
    if (key !== '' && !groupByKey.has(key)) groupByKey.set(key, name);
    usedNames.add(name);
  }

  const uniqueName = (wanted: string): string => {
    let name = clampName(wanted, MAX_NAME);
    for (let n = 2; usedNames.has(name); n++) name = clampName(`${wanted}-${n}`, MAX_NAME);
    usedNames.add(name);
    return name;
  };

  /** An object-group holding these prefixes (IPv4 on IOS), defined once and reused by content. */
  const networkGroup = (wanted: string, cidrs: Cidr[], description: string): string => {
    const key = addressKey(cidrs.map(cidrToInterval));
    const existing = groupByKey.get(key);
    if (existing !== undefined) return existing;
    const name = uniqueName(wanted);
    groupByKey.set(key, name);
    definitions.push(`object-group network ${name}`);
    definitions.push(` description ${oneLine(description, MAX_DESCRIPTION)}`);
    for (const cidr of cidrs) definitions.push(` ${groupMember(names.platform, cidr)}`);
    return name;
  };

  const serviceGroups = new Map<string, string>();
  const serviceGroup = (wanted: string, protocol: 'tcp' | 'udp', ports: PortRange[]): string => {
    const key = `${protocol}:${ports.map((p) => `${p.from}-${p.to}`).join(',')}`;
    const existing = serviceGroups.get(key);
    if (existing !== undefined) return existing;
    const name = uniqueName(wanted);
    serviceGroups.set(key, name);
    definitions.push(asa ? `object-group service ${name} ${protocol}` : `object-group service ${name}`);
    for (const port of ports) definitions.push(asa ? ` port-object ${portOperator(port)}` : ` ${protocol} ${portOperator(port)}`);
    return name;
  };

  /** Address operands for one side in one family: `any`, `host x`, an object-group, or (IOS v6/numbered) one per prefix. */
  const sideOperands = (cidrs: Cidr[] | undefined, wanted: string, description: string, grouped: boolean, wildcard: boolean): string[] => {
    if (cidrs === undefined) return ['any'];
    if (cidrs.length === 1) return [operand(cidrs[0]!, wildcard)];
    if (!grouped) return cidrs.map((c) => operand(c, wildcard));
    return [`object-group ${networkGroup(wanted, cidrs, description)}`];
  };

  let missingLocal6 = false;
  for (const entry of narrowedEntries(policy.entries, target.pieces)) {
    const tag = originTag(entry);
    const label = entry.label;
    const ports = mergePorts(entry.ports);
    const protocol = entry.protocol;
    for (const family of [4, 6] as const) {
      const remote = cidrsOf(entry.addresses, family);
      if (remote.length === 0) continue;
      const local = entry.localAddresses === undefined ? undefined : cidrsOf(entry.localAddresses, family);
      if (inbound && local !== undefined && local.length === 0) {
        if (family === 6) missingLocal6 = true;
        else notes.push(`! ${t('{0}: the IPv{1} addresses are not rendered because no on-premises IPv{1} address was given.', oneLine(label, MAX_DESCRIPTION), family)}`);
        notExpressible.push(`${label} IPv${family}`);
        continue;
      }
      const ios6 = !asa && family === 6;
      const grouped = !names.numbered && !ios6;
      const wildcard = !asa;
      const v6Suffix = family === 6 ? '-V6' : '';
      const remoteOperands = sideOperands(remote, `${names.prefix}-${tag}${v6Suffix}`, label, grouped, wildcard);
      const localOperands = inbound ? sideOperands(local, `${names.prefix}-LOCAL${v6Suffix}`, t('on-premises servers'), grouped, wildcard) : ['any'];
      const sources = inbound ? remoteOperands : localOperands;
      const destinations = inbound ? localOperands : remoteOperands;
      let protocolWord: string = protocol;
      let portSuffixes: string[] = [''];
      if (ports.length === 1) portSuffixes = [` ${portOperator(ports[0]!)}`];
      else if (ports.length > 1) {
        if (asa) portSuffixes = [` object-group ${serviceGroup(`${names.prefix}-${tag}-${protocol.toUpperCase()}`, protocol, ports)}`];
        else if (grouped) protocolWord = `object-group ${serviceGroup(`${names.prefix}-${tag}-${protocol.toUpperCase()}`, protocol, ports)}`;
        else portSuffixes = ports.map((p) => ` ${portOperator(p)}`);
      }
      const lines = ios6 ? acl6Lines : aclLines;
      const fresh: string[] = [];
      for (const source of sources) {
        for (const destination of destinations) {
          for (const suffix of portSuffixes) {
            const line = entryLine(names, ios6, `${action} ${protocolWord} ${source} ${destination}${suffix}`);
            // Two catalogue rows with the same addresses and ports (a set and an other-endpoints row) need one entry.
            if (emitted.has(line)) continue;
            emitted.add(line);
            fresh.push(line);
          }
        }
      }
      if (fresh.length === 0) continue;
      const remark = remarkLine(names, ios6, oneLine(label));
      if (lastRemark.get(lines) !== remark) {
        lastRemark.set(lines, remark);
        lines.push(remark);
      }
      lines.push(...fresh);
    }
    for (const url of entry.urls) {
      if (seenUrls.has(url)) continue;
      seenUrls.add(url);
      const exactHost = !url.includes('*') && !url.includes('<') && /^[a-z0-9.-]+$/i.test(url);
      if (asa && exactHost && !inbound) {
        const objectName = uniqueName(`EL-FQDN-${url.toLowerCase()}`);
        definitions.push(`! ${t('{0}: the firewall resolves this name itself at run time; its answer can differ from the clients\' lookups.', url)}`);
        definitions.push(`object network ${objectName}`);
        definitions.push(` fqdn ${url.toLowerCase()}`);
        const portSuffixes = ports.length === 0 ? [''] : ports.map((p) => ` ${portOperator(p)}`);
        for (const suffix of portSuffixes) aclLines.push(entryLine(names, false, `${action} ${protocol} any object ${objectName}${suffix}`));
        continue;
      }
      notes.push(`! ${t('{0} ({1}): access lists match addresses, not names; allow it on the proxy or with a DNS-aware rule.', url, oneLine(label, 200))}`);
      notExpressible.push(url);
    }
    if (entry.addresses.length === 0 && entry.urls.length === 0) {
      notes.push(`! ${t('{0}: the catalogue lists no addresses or URLs for this entry.', oneLine(label, 200))}`);
      notExpressible.push(label);
    }
  }

  // One pointer for every entry whose IPv6 senders have no server to reach, not one per entry.
  if (missingLocal6) notes.unshift(`! ${t('The IPv6 addresses are not rendered because no on-premises IPv6 address was given.')}`);
  const targetIsIpv6 = target.aclId?.startsWith('IPv6 ') ?? false;
  const out: string[] = [];
  out.push(`! BEGIN endpoint-lens ${policy.purpose} ${policy.instance} ${policy.catalogVersion}`);
  if (policy.title.trim() !== '') out.push(`! ${oneLine(policy.title, MAX_DESCRIPTION)}`);
  out.push(...notes);
  out.push(...definitions);
  const ipv4Section: string[] = [];
  if (aclLines.length > 0) {
    if (!asa && !names.numbered) ipv4Section.push(`ip access-list extended ${names.acl}`);
    ipv4Section.push(...aclLines);
  }
  const ipv6Section = acl6Lines.length > 0 ? [`ipv6 access-list ${names.acl6}`, ...acl6Lines] : [];
  // IOS list modes last until the next top-level command, so the list the block was placed in is
  // entered last: the lines after the block then still belong to that list, in text order.
  if (targetIsIpv6) out.push(...ipv4Section, ...ipv6Section);
  else out.push(...ipv6Section, ...ipv4Section);
  out.push(`! END endpoint-lens ${policy.purpose}`);
  return { text: out.join('\n') + '\n', notExpressible };
}

/**
 * The entries of an IOS named list with their sequence numbers (`sequence N` in an IPv6 list);
 * when the gap is too small for the remarks too, or the list is an IPv6 one, whose remarks take no
 * number, the remarks become comments. Undefined when even the entries do not fit.
 */
export function numberedLines(lines: readonly string[], gap: SequenceGap, ipv6: boolean): string[] | undefined {
  const isRemark = (line: string): boolean => /^\s+remark\s/.test(line);
  const number = (line: string, n: number): string => line.replace(/^(\s+)/, `$1${ipv6 ? 'sequence ' : ''}${n} `);
  const all = ipv6 ? undefined : sequenceNumbers(gap, lines.length);
  if (all) return lines.map((line, i) => number(line, all[i]!));
  const entries = lines.filter((l) => !isRemark(l));
  const some = sequenceNumbers(gap, entries.length);
  if (!some) return undefined;
  let next = 0;
  return lines.map((line) => (isRemark(line) ? `!${line.replace(/^\s+remark/, '')}` : number(line, some[next++]!)));
}

/** Whether the block's entries fit the sequence numbers free at its place (always, away from an IOS named list). */
export function fitsSequence(policy: Policy, target: CiscoTarget): boolean {
  const { sequence, ...unnumbered } = target;
  if (!sequence) return true;
  const ipv6 = target.aclId?.startsWith('IPv6 ') ?? false;
  const lines = listSection(renderCisco(policy, unnumbered).text, ipv6);
  return lines.length === 0 || numberedLines(lines, sequence, ipv6 && target.platform === 'ios') !== undefined;
}

/** The entry and remark lines of the block's IPv4 or IPv6 list section. */
function listSection(text: string, ipv6: boolean): string[] {
  const out: string[] = [];
  let inSection = false;
  for (const line of text.split('\n')) {
    if (/^ip(v6)? access-list /.test(line)) inSection = line.startsWith('ipv6') === ipv6;
    else if (!/^\s/.test(line)) inSection = false;
    else if (inSection) out.push(line);
  }
  return out;
}

function remarkLine(names: Names, ipv6: boolean, text: string): string {
  if (names.platform === 'asa') return `access-list ${names.acl} remark ${text}`;
  if (ipv6) return ` remark ${text}`;
  if (names.numbered) return `access-list ${names.acl} remark ${text}`;
  return ` remark ${text}`;
}

function entryLine(names: Names, ipv6: boolean, body: string): string {
  if (names.platform === 'asa') return `access-list ${names.acl} extended ${body}`;
  if (ipv6) return ` ${body}`;
  if (names.numbered) return `access-list ${names.acl} ${body}`;
  return ` ${body}`;
}

/** The render target for a parsed Cisco file: its platform, its whole object-groups for reuse, and the list to add to. */
export function ciscoTarget(vendor: CiscoVendor, aclId?: string): CiscoTarget {
  const groups = new Map<string, IpInterval[]>();
  for (const group of vendor.networkGroups) {
    // Objects hold one address and FQDN members resolve at run time; only complete object-groups can stand in for a list.
    if (group.kind === 'object-group' && group.unresolved === undefined && group.intervals.length > 0) groups.set(group.name, group.intervals);
  }
  return { platform: vendor.platform, existingGroups: groups, ...(aclId !== undefined ? { aclId } : {}) };
}
