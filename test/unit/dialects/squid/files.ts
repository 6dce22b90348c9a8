import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Policy } from '../../../../server/src/model/policy';
import { allPolicies } from '../../render/cases';

const ROOT = join(__dirname, '..', '..', '..', '..');
const fixture = (name: string): string => readFileSync(join(ROOT, 'test', 'fixtures', 'findings', 'squid', name), 'utf8');

/** Files that deny, ask for credentials or bump Microsoft 365 today, and one with nothing but a port. */
export const SQUID_FILES: Array<{ name: string; text: string }> = [
  { name: 'examples/squid.conf', text: readFileSync(join(ROOT, 'examples', 'squid.conf'), 'utf8') },
  { name: 'auth-everything', text: fixture('auth-everything.squid.conf') },
  { name: 'bump-all', text: fixture('bump-all.squid.conf') },
  { name: 'stare-then-bump', text: fixture('stare-then-bump.squid.conf') },
  { name: 'deny-teams', text: fixture('deny-teams.squid.conf') },
  { name: 'debian-default', text: fixture('debian-default.squid.conf') },
  { name: 'port only', text: 'http_port 3128\n' },
];

/** The outbound policies whose entries a proxy carries: TCP with host names. */
export function proxyPolicies(): Policy[] {
  return allPolicies().filter((p) => p.direction === 'outbound' && p.entries.some((e) => e.protocol === 'tcp' && e.urls.length > 0));
}

