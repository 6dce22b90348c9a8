import type { PortRange } from './config';

/** Every port; what "no port condition" means. */
export const ALL_PORTS: PortRange[] = [{ from: 0, to: 65535 }];

/** Sorted by start, overlapping and adjacent ranges joined: the one normal form of a port list. */
export function mergePorts(ports: readonly PortRange[]): PortRange[] {
  const sorted = [...ports].sort((a, b) => a.from - b.from || a.to - b.to);
  const out: PortRange[] = [];
  for (const p of sorted) {
    const prev = out[out.length - 1];
    if (prev && p.from <= prev.to + 1) prev.to = Math.max(prev.to, p.to);
    else out.push({ from: p.from, to: p.to });
  }
  return out;
}

export function intersectPorts(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  for (const x of a) {
    for (const y of b) {
      const from = Math.max(x.from, y.from);
      const to = Math.min(x.to, y.to);
      if (from <= to) out.push({ from, to });
    }
  }
  return mergePorts(out);
}

export function minusPorts(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  let pieces = a.map((p) => ({ ...p }));
  for (const cut of b) {
    const next: PortRange[] = [];
    for (const p of pieces) {
      if (cut.to < p.from || cut.from > p.to) {
        next.push(p);
        continue;
      }
      if (cut.from > p.from) next.push({ from: p.from, to: cut.from - 1 });
      if (cut.to < p.to) next.push({ from: cut.to + 1, to: p.to });
    }
    pieces = next;
  }
  return mergePorts(pieces);
}
