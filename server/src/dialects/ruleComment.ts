import type { FlowOrigin } from '../model/policy';
import { MARKER_TAG } from '../model/managedBlock';

/** One id or a run of ids, as written, and how many ids it stands for. */
interface IdItem {
  text: string;
  count: number;
}

/** Ids as few items as say them: 1, 2, 3, 9 → "1-3", "9". */
function idItems(ids: readonly number[]): IdItem[] {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const out: IdItem[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    if (j - i >= 2) out.push({ text: `${sorted[i]}-${sorted[j]}`, count: j - i + 1 });
    else for (let k = i; k <= j; k++) out.push({ text: String(sorted[k]), count: 1 });
    i = j + 1;
  }
  return out;
}

function phrase(singular: string, plural: string, items: readonly IdItem[], total: number): string | undefined {
  if (items.length === 0) return undefined;
  return `${total === 1 ? singular : plural} ${items.map((i) => i.text).join(', ')}`;
}

/**
 * The comment a generated rule carries: the tool's tag, the block's purpose, the endpoint sets and
 * other-endpoints rows it is for (each id once, runs as ranges) and the catalogue version, within
 * the dialect's limit in bytes. When it does not fit, whole items give way from the end, rows
 * before sets ("sets 1-3, 9 and 4 more"), never part of a word; the version goes last of all.
 */
export function ruleComment(purpose: string, origins: readonly FlowOrigin[], catalogVersion: string, limit: number): string {
  const sets = idItems(origins.flatMap((o) => (o.source === 'web-service' ? [o.setId] : [])));
  const rows = idItems(origins.flatMap((o) => (o.source === 'other-endpoints' ? [o.row] : [])));
  const setTotal = sets.reduce((n, i) => n + i.count, 0);
  const rowTotal = rows.reduce((n, i) => n + i.count, 0);
  const compose = (keptSets: number, keptRows: number, withVersion: boolean): string => {
    const left = sets.slice(0, keptSets);
    const leftRows = rows.slice(0, keptRows);
    const dropped = setTotal + rowTotal - [...left, ...leftRows].reduce((n, i) => n + i.count, 0);
    const parts = [phrase('set', 'sets', left, setTotal), phrase('row', 'rows', leftRows, rowTotal)].filter((p): p is string => p !== undefined);
    let text = `${MARKER_TAG} ${purpose}`;
    if (parts.length > 0) text += `: ${parts.join('; ')}`;
    if (dropped > 0) text += `${parts.length > 0 ? ' and' : ':'} ${dropped} more`;
    if (withVersion && catalogVersion) text += ` (${catalogVersion})`;
    return text;
  };
  const fits = (text: string): boolean => Buffer.byteLength(text, 'utf8') <= limit;
  for (let keptSets = sets.length, keptRows = rows.length; ; ) {
    const text = compose(keptSets, keptRows, true);
    if (fits(text)) return text;
    if (keptRows > 0) keptRows--;
    else if (keptSets > 0) keptSets--;
    else break;
  }
  const bare = compose(0, 0, false);
  if (fits(bare)) return bare;
  return fits(MARKER_TAG) ? MARKER_TAG : '';
}
