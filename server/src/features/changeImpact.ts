import { intervalsOverlap } from '../model/address';
import type { CheckContext } from '../analysis/context';
import { blockedGroups, describeBlocked } from '../analysis/checks/blockedRequired';
import { flowsForEntries, intervalsOf } from '../analysis/scope';
import { normaliseHost, patternCoversPattern } from '../catalog/urlPattern';
import type { CatalogChange, OtherEndpointRevision, OtherEndpointRow } from '../catalog/types';
import { t } from '../l10n';

/** A file the change report speaks about: how to name it and what its analysis saw. */
export interface ImpactFile {
  name: string;
  context: CheckContext;
}

/** What a catalogue change adds and takes away, whichever source it comes from. */
interface ChangeEntries {
  of: { setId: number } | { row: number };
  addedIps: readonly string[];
  removedIps: readonly string[];
  removedUrls: readonly string[];
}

function ownAddresses(context: CheckContext, of: ChangeEntries['of']): string[] {
  if ('setId' in of) return context.catalog.sets.find((s) => s.id === of.setId)?.ips ?? [];
  return context.catalog.otherRows.find((r) => r.row === of.row)?.destinations.flatMap((d) => d.ips) ?? [];
}

function line(range: { start: { line: number } }): number {
  return range.start.line + 1;
}

/**
 * The change's effect on each file: added addresses the file would not let through, found the way
 * `blocked-required` finds blocked traffic (same paths, same intent), and removed addresses or
 * hosts the file still names.
 */
function effects(entries: ChangeEntries, files: readonly ImpactFile[]): string[] {
  const out: string[] = [];
  const removed = intervalsOf(entries.removedIps);
  for (const file of files) {
    const { context } = file;
    const flows = entries.addedIps.length > 0 ? flowsForEntries(context.catalog, context.settings, entries.of, entries.addedIps) : [];
    // A path is meant for the added addresses when its rules name any address of their set or row.
    const whole = intervalsOf([...entries.addedIps, ...ownAddresses(context, entries.of)]);
    for (const group of blockedGroups(context, flows, () => whole)) out.push(t('not permitted by {0} line {1}', file.name, line(describeBlocked(context, group).location.range)));
    for (const reference of context.model.references) {
      const named = reference.interval
        ? removed.some((r) => intervalsOverlap(r, reference.interval!))
        : (reference.kind === 'hostname' || reference.kind === 'host-wildcard') &&
          entries.removedUrls.some((url) => {
            const host = normaliseHost(reference.text.replace(/^\./, '*.'));
            return normaliseHost(url) === host || patternCoversPattern(url, host);
          });
      if (named) out.push(t('still named by {0} line {1}', file.name, line(reference.range)));
    }
  }
  return [...new Set(out)];
}

/** What one web-service change record means for the files. */
export function webServiceChangeEffects(change: CatalogChange, files: readonly ImpactFile[]): string[] {
  return effects({ of: { setId: change.endpointSetId }, addedIps: change.add?.ips ?? [], removedIps: change.remove?.ips ?? [], removedUrls: change.remove?.urls ?? [] }, files);
}

/** What one revision of an other-endpoints row means for the files. */
export function rowRevisionEffects(row: OtherEndpointRow, revision: OtherEndpointRevision, files: readonly ImpactFile[]): string[] {
  return effects(
    {
      of: { row: row.row },
      addedIps: revision.groups.flatMap((g) => g.added.ips),
      removedIps: revision.groups.flatMap((g) => g.removed.ips),
      removedUrls: revision.groups.flatMap((g) => g.removed.urls),
    },
    files,
  );
}
