import { t } from '../../l10n';
import type { Placement, PlacementRequest } from '../dialect';
import { endOfText, lineStart } from '../placement';
import type { SquidVendor } from './parse';
import type { SquidTarget } from './render';

/**
 * Squid placement: one block in front of the first line that decides the policy's traffic now —
 * the http_access line that denies it (or asks for credentials, or leaves it unknown) and, when
 * the file bumps TLS, the first ssl_bump line, so the block's splice is consulted first. The
 * block defines its own acls, so it works anywhere above those lines. When the implicit last
 * rule decides, the block goes above the last http_access line, which stays last and keeps the
 * implicit rule what it was.
 */
export function placeSquid(request: PlacementRequest<SquidVendor>): Placement<SquidTarget> {
  const { lines, parsed, policy } = request;
  if (policy.direction !== 'outbound') {
    return { parts: [], notPlaced: [{ entries: policy.entries.map((_e, i) => i), reason: t('Squid is a forward proxy: it carries requests from clients out, not traffic coming in') }] };
  }
  const vendor = parsed.vendor;
  const tcp = policy.entries.map((_e, i) => i).filter((i) => policy.entries[i]!.protocol === 'tcp');
  const udp = policy.entries.map((_e, i) => i).filter((i) => policy.entries[i]!.protocol !== 'tcp');
  const notPlaced = udp.length > 0 ? [{ entries: udp, reason: t('UDP does not pass through an HTTP proxy; allow it on the firewall') }] : [];
  if (tcp.length === 0) return { parts: [], notPlaced };
  const access = parsed.model.ruleLists.find((l) => l.id === 'http_access');
  const candidates: Array<{ line: number; what: string }> = [];
  let decided = Number.POSITIVE_INFINITY;
  for (const decision of request.decisions) {
    const point = decision.outcome.decidedBy;
    if (!point || point.listId !== 'http_access' || !access) continue;
    decided = Math.min(decided, point.ruleIndex < 0 ? access.rules.length - 1 : point.ruleIndex);
  }
  if (access && Number.isFinite(decided) && decided >= 0 && access.rules[decided]) {
    candidates.push({ line: access.rules[decided]!.range.start.line, what: t('before the http_access line {0}, which decides this traffic now', access.rules[decided]!.range.start.line + 1) });
  } else if (access && access.rules.length > 0 && request.decisions.length === 0) {
    const lastRule = access.rules[access.rules.length - 1]!;
    candidates.push({ line: lastRule.range.start.line, what: t('before the last http_access line ({0})', lastRule.range.start.line + 1) });
  }
  const splice = vendor.ports.some((p) => p.sslBump);
  const firstBump = vendor.sslBump[0];
  if (splice && firstBump) candidates.push({ line: firstBump.range.start.line, what: t('before the first ssl_bump line ({0}), so the splice is consulted first', firstBump.range.start.line + 1) });
  const target: SquidTarget = { splice, taken: [...vendor.acls.keys()] };
  if (candidates.length === 0) {
    const point = endOfText(lines, t('at the end of the file (no http_access line decides this traffic)'), true);
    return { parts: [{ kind: 'block', entries: tcp, point, target }], notPlaced };
  }
  const first = candidates.reduce((a, b) => (b.line < a.line ? b : a));
  // Never inside another managed block: in front of it instead.
  const inside = request.occupied.find((b) => b.range.start.line <= first.line && first.line <= b.range.end.line);
  const line = inside ? inside.range.start.line : first.line;
  const offset = lineStart(lines, line);
  return { parts: [{ kind: 'block', entries: tcp, point: { offset, indent: '', description: first.what, window: { from: 0, to: offset } }, target }], notPlaced };
}
