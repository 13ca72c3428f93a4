import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ROLES } from '../auth/api-key';
import { createApiKey, listApiKeys, revokeApiKey } from '../auth/api-keys-repository';
import { userId } from '../auth/user-id';
import type { Database } from '../db/database';
import { findTenant } from '../tenants/tenants-repository';
import { badRequest, notFound } from './http-error';
import { parseBody } from './parse-body';
import { requireJson } from './require-json';
import { principalOf } from './tenant-context';

export const createBody = z.strictObject({
  role: z.enum(ROLES),
  name: z.string().trim().min(1).max(200).optional(),
  /** The user the key acts for: its plans are theirs (`mine`, four eyes). */
  user: userId.optional(),
  expires_at: z.string().datetime({ offset: true }).optional(),
  /** Only the operator key names a tenant; a tenant's key makes keys for its own tenant. */
  tenant: z.string().min(1).max(63).optional(),
});

export interface KeyRoutesDeps {
  db: Kysely<Database>;
  pepper: string;
  now: () => Date;
}

/** A tenant's API keys: made (shown once), listed (never their secret), revoked. */
export function keyRoutes({ db, pepper, now }: KeyRoutesDeps): Router {
  const router = Router();

  router.post('/v1/keys', requireJson, async (req, res) => {
    const body = parseBody(createBody, req.body);
    const principal = principalOf(res);
    let tenantId: string;
    if (principal.kind === 'operator') {
      if (!body.tenant)
        throw badRequest([{ path: 'tenant', message: 'the operator key must name the tenant' }]);
      if (!(await findTenant(db, body.tenant))) throw notFound('tenant');
      tenantId = body.tenant;
    } else {
      // Another tenant is "not found", as every other object of another tenant is.
      if (body.tenant !== undefined && body.tenant !== principal.tenant) throw notFound('tenant');
      tenantId = principal.tenant;
    }
    const expiresAt = body.expires_at ? new Date(body.expires_at) : null;
    if (expiresAt && expiresAt <= now()) {
      throw badRequest([{ path: 'expires_at', message: 'must be in the future' }]);
    }
    const made = await createApiKey(db, pepper, {
      tenant: tenantId,
      role: body.role,
      name: body.name,
      user: body.user,
      expiresAt,
    });
    res.status(201).json({ ...made.view, key: made.key });
  });

  router.get('/v1/keys', async (_req, res) => {
    const principal = principalOf(res);
    res.json({ data: await listApiKeys(db, principal.tenant ?? '') });
  });

  router.delete('/v1/keys/:id', async (req, res) => {
    const principal = principalOf(res);
    const revoked = await revokeApiKey(db, principal.tenant ?? '', String(req.params.id));
    if (!revoked) throw notFound('key');
    res.json(revoked);
  });
  return router;
}
