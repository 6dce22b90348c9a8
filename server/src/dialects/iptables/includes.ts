import { basename, dirname, join } from 'node:path';
import type { IncludeSyntax } from '../dialect';

/**
 * iptables-save files include nothing, but iptables-persistent and netfilter-persistent load
 * rules.v4 and rules.v6 from one folder as the two halves of one host: reading rules.v4 brings its
 * rules.v6 along (`edge.rules.v4` its `edge.rules.v6`), so IPv6 is judged by the IPv6 rules.
 */
function companions(path: string): string[] {
  const name = basename(path);
  const v4 = /^(.*\b)?rules\.v4$/.exec(name);
  return v4 ? [join(dirname(path), `${v4[1] ?? ''}rules.v6`)] : [];
}

export const iptablesIncludes: IncludeSyntax = {
  statements: () => [],
  relativeTo: { kind: 'including-folder' },
  companions,
};
