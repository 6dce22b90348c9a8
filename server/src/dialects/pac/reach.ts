import type { HostMatcher, Rule } from '../../model/config';
import { hostMatcherMatches } from '../../model/match';
import { PLAIN_HOST_NAME } from './parse';

/** The parser's own `isPlainHostName` test is read here; any other regular expression is left unknown. */
function matches(matcher: HostMatcher, host: string): boolean | undefined {
  if (matcher.kind === 'regex' && matcher.source === PLAIN_HOST_NAME.source && matcher.flags === PLAIN_HOST_NAME.flags) return !host.includes('.');
  return hostMatcherMatches(matcher, host);
}

/**
 * Whether a return of the entry function may answer for a host, from what the file says: a
 * condition the analysis cannot read (the URL, the time, a resolved address, a user's regular
 * expression) may; a host test only when it matches. An edit that must decide a host goes before
 * every return that may answer for it.
 */
export function mayAnswer(rule: Rule, host: string): boolean {
  if ((rule.unknownConditions ?? []).length > 0 || rule.destinations || !rule.hosts) return true;
  let matched = false;
  for (const matcher of rule.hosts.matchers) {
    const answer = matches(matcher, host);
    if (answer === undefined) return true;
    if (answer) matched = true;
  }
  return rule.hosts.negated ? !matched : matched;
}
