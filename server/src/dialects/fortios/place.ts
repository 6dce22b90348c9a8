import { t } from '../../l10n';
import type { InsertionPoint, Placement, PlacementPart, PlacementRequest } from '../dialect';
import { afterLine, endOfText, nowhere } from '../placement';
import { decidedSites } from '../zones';
import { ANY_INTERFACE, applies, internetFacing, policyListName } from './convert';
import type { FortiParsedVendor } from './parse';
import type { FortiTarget } from './render';
import type { FortiPolicy, FortiScope } from './vendor';

type Request = PlacementRequest<FortiParsedVendor>;
type Part = PlacementPart<FortiTarget>;

/** Where one VDOM's new policies go: their interfaces, the policy they precede, and the entries they carry. */
interface Site {
  scope: FortiScope;
  srcintf: string[];
  dstintf: string[];
  before?: FortiPolicy;
  listName: string;
  entries: number[];
}

function interfaceList(names: Iterable<string>): string[] {
  const list = [...new Set(names)].sort();
  return list.length === 0 || list.includes(ANY_INTERFACE) ? ['any'] : list;
}

function inBlock(request: Request, line: number): boolean {
  return request.occupied.some((b) => b.beginLine <= line && line <= b.endLine);
}

/** The evaluator's decisions as one site per VDOM, in front of the earliest policy that decides there. */
function sitesOf(request: Request): Site[] {
  const vendor = request.parsed.vendor;
  const { sites: edit, entries: perSite } = decidedSites(request, (id) => vendor.lists.has(id));
  const byScope = new Map<FortiScope, Site & { order: number }>();
  edit.forEach((site, i) => {
    const info = vendor.lists.get(site.list.id)!;
    let entry = byScope.get(info.scope);
    if (!entry) {
      entry = { scope: info.scope, srcintf: [], dstintf: [], listName: site.list.name, entries: [], order: Number.POSITIVE_INFINITY };
      byScope.set(info.scope, entry);
    }
    entry.srcintf.push(info.from);
    entry.dstintf.push(info.to);
    entry.entries.push(...perSite[i]!);
    const owner = site.ruleIndex >= 0 ? info.policies[site.ruleIndex] : undefined;
    // A policy of another block (an accept) is never the one new policies are moved in front of.
    if (owner && !inBlock(request, owner.range.start.line)) {
      const order = info.scope.policies.indexOf(owner);
      if (order < entry.order) {
        entry.order = order;
        entry.before = owner;
      }
    }
  });
  return [...byScope.values()].map((s) => ({ ...s, srcintf: interfaceList(s.srcintf), dstintf: interfaceList(s.dstintf), entries: [...new Set(s.entries)].sort((a, b) => a - b) }));
}

/**
 * Policies where the evaluator has no decision to go by (an empty file, or interfaces no policy
 * applied to before): from the VDOM's inside interfaces to its Internet-facing ones (internal and
 * wan1 when it names none), in front of the first policy that could match those interfaces.
 */
function freshSite(request: Request, scope: FortiScope | undefined): Site {
  const vendor = request.parsed.vendor;
  const names = new Set<string>();
  if (scope) {
    for (const name of scope.zones.keys()) names.add(name);
    for (const p of scope.policies) for (const m of [...p.srcintf, ...p.dstintf]) if (m.name.toLowerCase() !== 'any') names.add(m.name);
  }
  for (const i of vendor.interfaces.values()) if (!scope || i.vdom === undefined || i.vdom === scope.vdom) if (i.role !== undefined) names.add(i.name);
  const faces = scope ? internetFacing(vendor, scope) : (): boolean => false;
  const sorted = [...names].sort();
  const wan = sorted.filter(faces);
  const lan = sorted.filter((n) => !faces(n) && !sorted.some((z) => scope?.zones.get(z)?.interfaces.some((m) => m.name === n)));
  const outside = wan.length > 0 ? wan : ['wan1'];
  const inside = lan.length > 0 ? lan : ['internal'];
  const inbound = request.policy.direction === 'inbound';
  const srcintf = inbound ? outside : inside;
  const dstintf = inbound ? inside : outside;
  const site: Site = { scope: scope ?? { vdom: '', addresses: new Map(), addressGroups: new Map(), services: new Map(), serviceGroups: new Map(), zones: new Map(), sslProfiles: new Map(), policies: [], policyTables: [] }, srcintf, dstintf, listName: scope ? policyListName(scope, vendor) : t('firewall policies'), entries: request.policy.entries.map((_e, i) => i) };
  const first = scope?.policies.find((p) => !p.disabled && !inBlock(request, p.range.start.line) && srcintf.some((f) => dstintf.some((d) => applies(p, f, d))));
  return first ? { ...site, before: first } : site;
}

function target(request: Request, site: Site): FortiTarget {
  const vendor = request.parsed.vendor;
  const others = site.scope.policies.flatMap((p) => (/^\d+$/.test(p.id) ? [Number(p.id)] : []));
  // IPv6 policies only where the file already has some (or has nothing of its own to break): added to an IPv4-only file they would turn its IPv6 traffic over to the implicit deny.
  const policies = vendor.scopes.flatMap((s) => s.policies);
  const ipv6 = policies.every((p) => inBlock(request, p.range.start.line)) || policies.some((p) => p.ipv6Table || p.srcaddr6.length > 0 || p.dstaddr6.length > 0);
  return {
    ...(vendor.hasVdoms ? { vdom: site.scope.vdom } : {}),
    srcintf: site.srcintf,
    dstintf: site.dstintf,
    nextId: Math.max(0, ...others) + 1,
    usedIds: others,
    ...(site.before ? { before: site.before.id } : {}),
    ipv6,
  };
}

/**
 * FortiOS placement. The evaluator says, per interface pair, which policy decides; the new
 * policies go in front of the earliest of them in the list's order, from the interfaces to the
 * interfaces of those pairs; when the implicit deny decides, at the end. The block goes at the end
 * of the file, as a CLI script would be pasted, and its `move ID before ID` places the policies.
 * It takes effect anywhere after the last command of the user's (outside other blocks) that
 * changes the order of the policies, and after the policy its `move` names.
 */
export function placeFortios(request: Request): Placement<FortiTarget> {
  const vendor = request.parsed.vendor;
  if (vendor.openAtEnd) return nowhere(request, t('the file ends inside a "config" block or an entry, so commands added at its end would land inside it; close it with "next" and "end" first'));
  let sites = sitesOf(request);
  if (sites.length === 0) sites = [freshSite(request, vendor.scopes.find((s) => s.policies.length > 0) ?? vendor.scopes[0])];
  const { lines } = request;
  const parts: Part[] = sites.map((site) => {
    const userLines = site.scope.policyTables.flatMap((table) => table.orderLines).filter((l) => !inBlock(request, l));
    const last = Math.max(-1, ...userLines, ...(site.before?.lines ?? []), site.before ? site.before.range.end.line : -1);
    const end = endOfText(lines, '');
    const from = last < 0 ? 0 : afterLine(lines, last);
    const description = site.before
      ? t('at the end of the file, with a move before policy {0} of {1}, which would otherwise decide this traffic', site.before.id, site.listName)
      : t('at the end of the file; new policies go to the end of {0}, where only the implicit deny decides this traffic', site.listName);
    const point: InsertionPoint = { offset: end.offset, indent: '', description, window: { from: Math.min(from, end.offset), to: end.offset } };
    return { kind: 'block', entries: site.entries, point, target: target(request, site) };
  });
  return { parts, notPlaced: [] };
}
