import type { HostMatcher } from '../../model/config';

/** Squid host names compare case-insensitively and without a trailing dot. */
function normal(host: string): string {
  const lower = host.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/**
 * A dstdomain or ssl::server_name value: `.example.com` is the domain and every name below it,
 * `example.com` that name alone.
 */
export function domainMatchers(value: string): HostMatcher[] {
  const host = normal(value);
  if (host.startsWith('.')) return [{ kind: 'exact', host: host.slice(1) }, { kind: 'suffix', suffix: host }];
  return [{ kind: 'exact', host }];
}

const LITERAL = /^(?:[a-z0-9_-]|\\\.)+$/;

/**
 * The plain meaning of the regular expressions people write for domains, so they can be
 * evaluated without running them: `\.example\.com$` (below the domain), `(^|\.)example\.com$`
 * (the domain and below), `^host\.example\.com$` (one name). Anything else stays a regex.
 */
export function regexMatchers(source: string, caseless: boolean): HostMatcher[] {
  const text = caseless ? source.toLowerCase() : source;
  const unescape = (s: string) => s.replace(/\\\./g, '.');
  let m = /^\^(.+)\$$/.exec(text);
  if (m && LITERAL.test(m[1]!)) return [{ kind: 'exact', host: unescape(m[1]!) }];
  m = /^\(\^\|\\\.\)(.+)\$$/.exec(text) ?? /^\(\^\|\.\*\\\.\)(.+)\$$/.exec(text);
  if (m && LITERAL.test(m[1]!)) return [{ kind: 'exact', host: unescape(m[1]!) }, { kind: 'suffix', suffix: `.${unescape(m[1]!)}` }];
  m = /^(?:\.\*)?\\\.(.+)\$$/.exec(text);
  if (m && LITERAL.test(m[1]!)) return [{ kind: 'suffix', suffix: `.${unescape(m[1]!)}` }];
  // Unanchored at the start, a literal tail matches any name that ends in it, `badexample.com` too.
  m = /^(.+)\$$/.exec(text);
  if (m && LITERAL.test(m[1]!)) return [{ kind: 'suffix', suffix: unescape(m[1]!) }];
  return [{ kind: 'regex', source, flags: caseless ? 'i' : '' }];
}
