import type { RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { findTenant, type Tenant } from '../tenants/tenants-repository';
import { HttpError } from './http-error';

export const TENANT_HEADER = 'x-errand-tenant';

/**
 * Resolves the tenant every request acts for, from the X-Errand-Tenant header
 * or the deployment's default tenant. Every route reads it through `tenantOf`
 * and scopes every query by it.
 */
export function resolveTenant(db: Kysely<Database>, defaultTenant: string): RequestHandler {
  return async (req, res, next) => {
    const id = req.header(TENANT_HEADER) ?? defaultTenant;
    const tenant = /^[a-z0-9][a-z0-9_-]{0,62}$/.test(id) ? await findTenant(db, id) : undefined;
    if (!tenant) {
      next(
        new HttpError(401, 'unknown_tenant', 'no such tenant', [
          { path: TENANT_HEADER, message: 'names no tenant of this deployment' },
        ]),
      );
      return;
    }
    res.locals.tenant = tenant;
    next();
  };
}

export function tenantOf(res: Response): Tenant {
  return res.locals.tenant as Tenant;
}
