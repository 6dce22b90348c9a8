/**
 * The sign-in hosts a proxy adds Microsoft's tenant-restriction headers to, as the catalogue spells
 * them: `Restrict-Access-To-Tenants` and `Restrict-Access-Context` (tenant restrictions v1) or
 * `sec-Restrict-Tenant-Access-Policy` (v2) on login.microsoftonline.com, login.microsoft.com and
 * login.windows.net (Entra ID sign-in), and `sec-Restrict-Tenant-Access-Policy: restrict-msa` on
 * login.live.com (consumer accounts). The proxy can only add a header to traffic it sees, after TLS
 * inspection, so these hosts must not bypass it.
 */
export const TENANT_RESTRICTION_HOSTS: readonly string[] = ['login.microsoftonline.com', 'login.microsoft.com', 'login.windows.net', 'login.live.com'];

export function isTenantRestrictionHost(host: string): boolean {
  return TENANT_RESTRICTION_HOSTS.includes(host.toLowerCase().replace(/\.$/, ''));
}
