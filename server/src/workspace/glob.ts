import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';

/** True when a path has the characters glob(3) treats as wildcards. */
export function hasGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** One path component of a glob as a regular expression: `*`, `?` and `[…]` (with `!` or `^` negation). */
function componentPattern(component: string): RegExp {
  let source = '';
  for (let i = 0; i < component.length; i++) {
    const c = component[i]!;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const close = component.indexOf(']', i + 2);
      if (close < 0) {
        source += '\\[';
        continue;
      }
      let body = component.slice(i + 1, close);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      source += `[${negated ? '^' : ''}${body.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
      i = close;
    } else if (c === '\\' && i + 1 < component.length) {
      source += component[++i]!.replace(/[.*+?^${}()|[\]\\]/g, (m) => `\\${m}`);
    } else source += c.replace(/[.*+?^${}()|[\]\\]/g, (m) => `\\${m}`);
  }
  return new RegExp(`^${source}$`);
}

/** Byte order of the UTF-8 names, as glob(3) sorts in the C locale nginx and nft run in. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The paths an absolute glob matches, sorted as glob(3) sorts them (byte order of the whole path).
 * A leading dot in a name is matched only by a pattern that starts with one, as glob(3) does; a
 * folder that cannot be read matches nothing. At most `limit` paths are returned.
 */
export function expandGlob(pattern: string, limit: number): string[] {
  if (!isAbsolute(pattern)) return [];
  const components = pattern.split(/[\\/]+/).filter((c) => c.length > 0);
  const rootMatch = /^([A-Za-z]:)?[\\/]/.exec(pattern);
  let current: string[] = [rootMatch ? rootMatch[0].replace(/\\/g, sep) : sep];
  for (const [index, component] of components.entries()) {
    const last = index === components.length - 1;
    const next: string[] = [];
    for (const dir of current) {
      if (!hasGlob(component)) {
        next.push(join(dir, component));
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      const matcher = componentPattern(component);
      for (const name of names) {
        if (name.startsWith('.') && !component.startsWith('.')) continue;
        if (matcher.test(name)) next.push(join(dir, name));
      }
      if (!last && next.length > limit) break;
    }
    current = next;
  }
  // Fixed components were joined without looking; glob(3) returns only paths that exist.
  return current.filter((path) => existsSync(path)).sort(compareBytes).slice(0, limit);
}
