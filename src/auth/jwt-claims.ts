import { ROLES, type Role } from './api-key';
import { MAX_USER_LENGTH } from './user-id';

/** Which claims of a verified token name the tenant and the roles (ERRAND_JWT_TENANT_CLAIM, _ROLES_CLAIM). */
export interface ClaimNames {
  tenant: string;
  roles: string;
}

/** Who a verified token says calls; `role` is null when it names no Errand role. */
export interface TokenIdentity {
  tenant: string;
  user: string;
  role: Role | null;
}

/**
 * Reads tenant, user and role from a verified token's claims, or undefined
 * when the tenant or `sub` is missing or not a usable string. The roles claim
 * may be one string (roles separated by spaces, as OAuth scopes are) or an
 * array of strings; unknown names are ignored and the highest known role wins.
 *
 * @example identityOf({ sub: 'ana', tenant: 'acme', roles: ['viewer', 'approver'] }, { tenant: 'tenant', roles: 'roles' })
 * // { tenant: 'acme', user: 'ana', role: 'approver' }
 */
export function identityOf(
  claims: Record<string, unknown>,
  names: ClaimNames,
): TokenIdentity | undefined {
  const tenant = claims[names.tenant];
  const sub = claims.sub;
  if (!usable(tenant, 63) || !usable(sub, MAX_USER_LENGTH)) return undefined;
  return { tenant, user: sub, role: highestRole(claims[names.roles]) };
}

const usable = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.trim() !== '' && value.length <= max;

/** The highest Errand role a roles claim names, or null when it names none. */
export function highestRole(claim: unknown): Role | null {
  const names =
    typeof claim === 'string'
      ? claim.split(/\s+/)
      : Array.isArray(claim)
        ? claim.filter((n): n is string => typeof n === 'string')
        : [];
  let best = -1;
  for (const name of names) best = Math.max(best, ROLES.indexOf(name as Role));
  return best < 0 ? null : ROLES[best]!;
}
