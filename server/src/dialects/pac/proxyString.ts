import type { ProxyDirective } from '../../model/config';

const KINDS: ReadonlySet<string> = new Set(['DIRECT', 'PROXY', 'SOCKS', 'SOCKS4', 'SOCKS5', 'HTTP', 'HTTPS']);

export interface ProxyStringIssue {
  /** Offsets inside the proxy string. */
  start: number;
  end: number;
  kind: 'unknown-type' | 'missing-target' | 'unexpected-target' | 'empty';
  word: string;
}

/**
 * A PAC result string as browsers read it: `;`-separated directives tried in order, each a type
 * keyword (case-insensitive) and, except for DIRECT, a `host:port` target.
 */
export function parseProxyString(value: string): { directives: ProxyDirective[]; issues: ProxyStringIssue[] } {
  const directives: ProxyDirective[] = [];
  const issues: ProxyStringIssue[] = [];
  let offset = 0;
  for (const part of value.split(';')) {
    const partStart = offset;
    offset += part.length + 1;
    const trimmed = part.trim();
    if (trimmed.length === 0) continue;
    const start = partStart + part.indexOf(trimmed);
    const words = trimmed.split(/\s+/);
    const keyword = (words[0] ?? '').toUpperCase();
    const target = words[1];
    if (!KINDS.has(keyword)) {
      directives.push(target === undefined ? { kind: 'unknown' } : { kind: 'unknown', target });
      issues.push({ start, end: start + (words[0] ?? '').length, kind: 'unknown-type', word: words[0] ?? '' });
      continue;
    }
    const kind = keyword as ProxyDirective['kind'];
    if (kind === 'DIRECT') {
      directives.push({ kind });
      if (target !== undefined) issues.push({ start, end: start + trimmed.length, kind: 'unexpected-target', word: trimmed });
    } else if (target === undefined) {
      directives.push({ kind });
      issues.push({ start, end: start + trimmed.length, kind: 'missing-target', word: trimmed });
    } else {
      directives.push({ kind, target });
    }
  }
  if (directives.length === 0) issues.push({ start: 0, end: value.length, kind: 'empty', word: value });
  return { directives, issues };
}
