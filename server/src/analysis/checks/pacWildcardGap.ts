import type { HostMatcher, Reference } from '../../model/config';
import { t } from '../../l10n';
import type { Check } from '../context';
import type { Finding, Fix } from '../finding';
import type { LineIndex } from '../../model/range';
import { pacFacts } from './pacFacts';

/** The apex a subdomain-only matcher leaves out: `*.x` / `.x` → `x`. */
function apexLeftOut(matcher: HostMatcher): string | undefined {
  if (matcher.kind === 'glob' && /^\*\.[^*?]+$/.test(matcher.glob)) return matcher.glob.slice(2).toLowerCase();
  if (matcher.kind === 'suffix' && /^\.[^*?]+$/.test(matcher.suffix)) return matcher.suffix.slice(1).toLowerCase();
  return undefined;
}

function globMatches(glob: string, host: string): boolean {
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < host.length) {
    if (i < glob.length && (glob[i] === '?' || glob[i] === host[j])) {
      i++;
      j++;
    } else if (i < glob.length && glob[i] === '*') {
      star = i++;
      mark = j;
    } else if (star >= 0) {
      i = star + 1;
      j = ++mark;
    } else return false;
  }
  while (i < glob.length && glob[i] === '*') i++;
  return i === glob.length;
}

/** Whether any matcher in the file catches the host exactly as the browser would test it. */
function coveredElsewhere(references: readonly Reference[], host: string): boolean {
  return references.some((r) =>
    (r.hostMatchers ?? []).some((m) => {
      switch (m.kind) {
        case 'exact':
          return m.host.toLowerCase() === host;
        case 'suffix':
          return host.endsWith(m.suffix.toLowerCase());
        case 'glob':
          return globMatches(m.glob.toLowerCase(), host);
        case 'regex':
          return false;
      }
    }),
  );
}

/**
 * `shExpMatch(host, "*.office.com")` and `dnsDomainIs(host, ".office.com")` do not match
 * `office.com` itself; when the catalogue lists the apex as well, its traffic silently takes the
 * other branch.
 */
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

export const pacWildcardGap: Check = ({ model, catalog, lines }) => {
  if (model.dialect !== 'pac') return [];
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const reference of model.references) {
    for (const matcher of reference.hostMatchers ?? []) {
      const apex = apexLeftOut(matcher);
      if (!apex || reported.has(apex)) continue;
      const listed = catalog.lookupHost(apex).find((m) => m.entry.toLowerCase() === apex);
      if (!listed || coveredElsewhere(model.references, apex)) continue;
      reported.add(apex);
      findings.push({
        code: 'pac-wildcard-gap',
        severity: 'warning',
        message: t('"{0}" does not match {1} itself, which the catalogue lists ({2}); requests to {1} take another branch.', reference.text, apex, listed.id !== undefined ? t('endpoint set {0}', listed.id) : t('other-endpoints row {0}', listed.row ?? 0)),
        range: reference.range,
        related: [],
        fixes: apexFix(reference, apex, lines, pacFacts(model)?.hostParameter ?? 'host'),
      });
    }
  }
  return findings;
};
