import type { HostMatcher, Reference } from '../../model/config';
import { t } from '../../l10n';
import { isTenantRestrictionHost } from '../../catalog/tenantRestrictions';
import { hostMatcherMatches } from '../../model/match';
import type { CatalogView, Check } from '../context';
import type { Finding, Fix } from '../finding';
import type { LineIndex } from '../../model/range';
import { pacFacts } from './pacFacts';

/** The apex a subdomain-only matcher leaves out: `*.x` / `.x` → `x`. */
function apexLeftOut(matcher: HostMatcher): string | undefined {
  if (matcher.kind === 'glob' && /^\*\.[^*?]+$/.test(matcher.glob)) return matcher.glob.slice(2).toLowerCase();
  if (matcher.kind === 'suffix' && /^\.[^*?]+$/.test(matcher.suffix)) return matcher.suffix.slice(1).toLowerCase();
  return undefined;
}

/** Whether any matcher in the file catches the host exactly as the browser would test it. */
function coveredElsewhere(references: readonly Reference[], host: string): boolean {
  return references.some((r) => (r.hostMatchers ?? []).some((m) => hostMatcherMatches(m, host) === true));
}

/**
 * The catalogue's own listing of the apex that makes the gap matter: an Optimize or Allow set, the
 * categories Microsoft asks to send DIRECT. An apex listed only in Default sets or "other
 * endpoints" rows may take the other branch: Microsoft leaves that traffic to the proxy (set 46's
 * `*.officeapps.live.com` is Allow, its apex `officeapps.live.com` is set 53, Default).
 */
function apexSet(catalog: CatalogView, apex: string): number | undefined {
  return catalog.lookupHost(apex).find((m) => m.entry.toLowerCase() === apex && (m.category === 'Optimize' || m.category === 'Allow'))?.id;
}

/**
 * `|| host == "apex"` right after the call that holds the pattern, so the same branch takes the
 * apex too. Only offered when the call closes on the same line, where the edit is plainly right.
 */
function apexFix(reference: Reference, apex: string, lines: LineIndex, hostName: string): Fix[] {
  const line = lines.lineText(reference.range.end.line);
  const close = line.indexOf(')', reference.range.end.character);
  if (close < 0) return [];
  const position = { line: reference.range.end.line, character: close + 1 };
  return [{ title: t('Also match {0}', apex), preferred: true, edits: [{ range: { start: position, end: position }, newText: ` || ${hostName} == "${apex}"` }] }];
}

/**
 * `shExpMatch(host, "*.office.com")` and `dnsDomainIs(host, ".office.com")` do not match
 * `office.com` itself; when the catalogue asks for the apex to go DIRECT as well, its traffic
 * silently takes another branch. With tenant restrictions on, a sign-in host left to another
 * branch is what the setting wants, not a gap.
 */
export const pacWildcardGap: Check = ({ model, catalog, lines, settings }) => {
  if (model.dialect !== 'pac') return [];
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const reference of model.references) {
    for (const matcher of reference.hostMatchers ?? []) {
      const apex = apexLeftOut(matcher);
      if (!apex || reported.has(apex)) continue;
      if (settings.tenantRestrictions && isTenantRestrictionHost(apex)) continue;
      const setId = apexSet(catalog, apex);
      if (setId === undefined || coveredElsewhere(model.references, apex)) continue;
      reported.add(apex);
      findings.push({
        code: 'pac-wildcard-gap',
        severity: 'warning',
        message: t('"{0}" does not match {1} itself, which the catalogue lists ({2}); requests to {1} take another branch.', reference.text, apex, t('endpoint set {0}', setId)),
        range: reference.range,
        related: [],
        fixes: apexFix(reference, apex, lines, pacFacts(model)?.hostParameter ?? 'host'),
      });
    }
  }
  return findings;
};
