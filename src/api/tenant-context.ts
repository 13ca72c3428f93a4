import type { RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import { parseKeyId, sameHash, sameSecret, hashKey, type Role } from '../auth/api-key';
import { findApiKey, touchApiKey } from '../auth/api-keys-repository';
import type { Database } from '../db/database';
import { findTenant, type Tenant } from '../tenants/tenants-repository';
import { HttpError } from './http-error';

/** Who is calling: a tenant's key, or the deployment's operator key (which acts for no tenant). */
export type Principal =
  | { kind: 'key'; tenant: string; role: Role; key_id: string; name: string }
  | { kind: 'operator'; tenant: null; role: 'operator'; key_id: null; name: 'operator' };

export interface AuthenticatorDeps {
  db: Kysely<Database>;
  pepper: string;
  /** ERRAND_OPERATOR_KEY; undefined: no operator key is accepted. */
  operatorKey?: string;
  now: () => Date;
}

// One answer for every refusal, so a caller learns nothing about which keys exist.
const unauthenticated = () =>
  new HttpError(
    401,
    'unauthenticated',
    'a valid API key is required: send Authorization: Bearer <key>',
    [],
    { 'www-authenticate': 'Bearer' },
  );

/**
 * Resolves who calls and the tenant they act for from `Authorization: Bearer <key>`.
 * The X-Errand-Tenant header is ignored: only the credential chooses the tenant.
 * Every route reads the tenant through `tenantOf` and scopes every query by it.
 */
export function authenticate(deps: AuthenticatorDeps): RequestHandler {
  return async (req, res, next) => {
    try {
      const match = /^Bearer ([^\s]+)$/.exec(req.header('authorization') ?? '');
      const presented = match?.[1];
      if (!presented) throw unauthenticated();
      if (deps.operatorKey && sameSecret(presented, deps.operatorKey, deps.pepper)) {
        res.locals.principal = {
          kind: 'operator',
          tenant: null,
          role: 'operator',
          key_id: null,
          name: 'operator',
        } satisfies Principal;
        next();
        return;
      }
      const id = parseKeyId(presented);
      const row = id ? await findApiKey(deps.db, id) : undefined;
      const hash = hashKey(presented, deps.pepper);
      // Compared even without a row, so an unknown id costs the same as a wrong secret.
      const matches = sameHash(hash, row?.hash ?? '0'.repeat(64)) && row !== undefined;
      const now = deps.now();
      if (!row || !matches || row.revoked_at || (row.expires_at && row.expires_at <= now)) {
        throw unauthenticated();
      }
      const tenant = await findTenant(deps.db, row.tenant_id);
      if (!tenant) throw unauthenticated();
      await touchApiKey(deps.db, row.id);
      res.locals.principal = {
        kind: 'key',
        tenant: tenant.id,
        role: row.role,
        key_id: row.id,
        name: row.name ?? `ek_${row.id}`,
      } satisfies Principal;
      res.locals.tenant = tenant;
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function tenantOf(res: Response): Tenant {
  return res.locals.tenant as Tenant;
}

export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}
