import { mergePorts } from '../model/ports';
import type { PortRange } from '../model/config';

const MAX_PORT = 65535;

export interface PortListParse {
  ranges: PortRange[];
  /** The comma-separated parts that are not a port or a port range, as written. */
  invalid: string[];
}

function parsePort(text: string): number | undefined {
  // Five digits at most keeps Number() exact and rejects "1e3", "+80" and " 80 " forms.
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_PORT ? n : undefined;
}


/**
 * The web service's port list ("80,443", "143, 587, 993, 995", "443,80", "5000-5100") with
 * every part checked; the parts that are not ports are reported instead of guessed at.
 */
export function parsePortListChecked(text: string): PortListParse {
  const ranges: PortRange[] = [];
  const invalid: string[] = [];
  if (text.trim() === '') return { ranges, invalid };
  for (const rawPart of text.split(',')) {
    const part = rawPart.trim();
    const dash = part.indexOf('-');
    if (dash < 0) {
      const port = parsePort(part);
      if (port === undefined) invalid.push(part);
      else ranges.push({ from: port, to: port });
      continue;
    }
    const from = parsePort(part.slice(0, dash).trim());
    const to = parsePort(part.slice(dash + 1).trim());
    if (from === undefined || to === undefined || from > to) invalid.push(part);
    else ranges.push({ from, to });
  }
  return { ranges: mergePorts(ranges), invalid };
}

/** Normalised (sorted, merged) ranges of a port list; parts that are not ports are left out. */
export function parsePortList(text: string): PortRange[] {
  return parsePortListChecked(text).ranges;
}

/** `80,443,5000-5100`: the normalised form, the same for every spelling of one port set. */
export function formatPortList(ranges: readonly PortRange[]): string {
  return mergePorts(ranges)
    .map((r) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`))
    .join(',');
}

