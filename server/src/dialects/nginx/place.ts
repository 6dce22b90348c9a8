import { t } from '../../l10n';
import type { LineIndex } from '../../model/range';
import type { Placement, PlacementPart, PlacementRequest } from '../dialect';
import { afterRules, beforeRule, braceBlockAfter, editSites, entriesBySite, insideBraces, nowhere, type EditSite } from '../placement';
import type { NginxContextInfo, NginxVendor } from './parse';
import type { NginxTarget } from './render';

/** Ports nginx serves HTTP on in the configurations this reads (the evaluator shows access lists these ports only). */
const HTTP_PORTS = [80, 443, 8080, 8443];

function blockOf(text: string, lines: LineIndex, context: NginxContextInfo): { open: number; close: number } | undefined {
  return braceBlockAfter(text, lines.offsetAt(context.range.start));
}

/** Outbound traffic through nginx is stream proxying chosen by SNI: the map that routes it, or a new map in the stream block. */
function placeOutbound(request: PlacementRequest<NginxVendor>): Placement<NginxTarget> {
  const { text, lines, parsed, policy } = request;
  const all = policy.entries.map((_e, i) => i);
  const map = parsed.model.ruleLists.find((l) => l.kind === 'sni-routing');
  const mapBlock = map ? braceBlockAfter(text, lines.offsetAt(map.range.start)) : undefined;
  if (map && mapBlock) return { parts: [{ kind: 'block', entries: all, point: insideBraces(lines, mapBlock, map.name, false), target: { mode: 'sni-map', list: map } }], notPlaced: [] };
  const stream = parsed.vendor.contexts.find((c) => c.kind === 'stream');
  const streamBlock = stream ? blockOf(text, lines, stream) : undefined;
  if (stream && streamBlock) return { parts: [{ kind: 'block', entries: all, point: insideBraces(lines, streamBlock, stream.name, true), target: { mode: 'sni-map' } }], notPlaced: [] };
  // A map on $ssl_preread_server_name outside a stream block is not valid nginx.
  return nowhere(request, t('this nginx file has no stream block, so it carries no outbound traffic; allow these destinations on the firewall instead'));
}

/** The context whose own allow/deny lines make up the list, where new lines join them. */
function ownerOf(vendor: NginxVendor, listId: string): NginxContextInfo | undefined {
  return vendor.contexts.find((c) => c.accessListOwn === true && c.accessListId === listId);
}

function sitePart(request: PlacementRequest<NginxVendor>, site: EditSite, entries: number[]): PlacementPart<NginxTarget> | undefined {
  const { text, lines, parsed } = request;
  const owner = ownerOf(parsed.vendor, site.list.id);
  const block = owner ? blockOf(text, lines, owner) : undefined;
  if (!owner || !block) return undefined;
  const body = insideBraces(lines, block, owner.name, true);
  const from = body.offset;
  const bounds = { from: lines.positionAt(block.open).line, to: lines.positionAt(block.close).line };
  const ownRules = { ...site.list, rules: site.list.rules.filter((r) => r.range.start.line >= bounds.from && r.range.end.line <= bounds.to) };
  const shadow = site.ruleIndex >= 0 ? ownRules.rules.indexOf(site.list.rules[site.ruleIndex]!) : -1;
  const point = shadow >= 0 ? beforeRule(lines, ownRules, shadow, from) : (afterRules(lines, site.list, { from, to: body.window?.to ?? from }, bounds) ?? body);
  return { kind: 'block', entries, point, target: { mode: 'access', list: ownRules } };
}

/** Entries nginx can serve: TCP on a port its servers take HTTP on. */
function servesHttp(entry: PlacementRequest<NginxVendor>['policy']['entries'][number]): boolean {
  return entry.protocol === 'tcp' && entry.ports.some((p) => HTTP_PORTS.some((h) => p.from <= h && h <= p.to));
}

/**
 * nginx placement. Inbound: in the context whose own allow/deny decides the request, in front of
 * the `deny` that would refuse it. Outbound: into the SNI map of the stream block. A file with no
 * allow/deny at all gets the list at the top of its http block, where every server inherits it.
 * Entries nginx does not serve (SMTP on 25) are never written into an HTTP list; they are not placed.
 */
export function placeNginx(request: PlacementRequest<NginxVendor>): Placement<NginxTarget> {
  if (request.policy.direction !== 'inbound') return placeOutbound(request);
  const { text, lines, parsed } = request;
  const http = request.policy.entries.map((_e, i) => i).filter((i) => servesHttp(request.policy.entries[i]!));
  const other = request.policy.entries.map((_e, i) => i).filter((i) => !http.includes(i));
  const notPlaced = other.length > 0 ? [{ entries: other, reason: t('no server of this nginx file accepts this traffic, so allow/deny here cannot let it in; allow it on the firewall or the server that receives it') }] : [];
  if (http.length === 0) return { parts: [], notPlaced };
  const sites = editSites(parsed.model, request.decisions).filter((s) => s.list.kind === 'http-access');
  const entries = entriesBySite(request, sites, http);
  const parts = sites.map((site, i) => sitePart(request, site, entries[i]!)).filter((p): p is PlacementPart<NginxTarget> => p !== undefined);
  if (parts.length > 0) return { parts, notPlaced };
  const context = parsed.vendor.contexts.find((c) => c.kind === 'http') ?? parsed.vendor.contexts.find((c) => c.kind === 'server');
  const block = context ? blockOf(text, lines, context) : undefined;
  if (!context || !block) return { parts: [], notPlaced: [...notPlaced, { entries: http, reason: t('this nginx file has no http or server block to hold allow/deny lines') }] };
  const point = insideBraces(lines, block, context.name, true);
  // nginx lets everything through until a context has allow/deny; an allow-list placed here is inherited by every server below.
  if (request.policy.action === 'allow') point.description += ` ${t('(no block of this file has allow/deny yet; the list applies to every server and location that has none of its own)')}`;
  return { parts: [{ kind: 'block', entries: http, point, target: { mode: 'access' } }], notPlaced };
}
