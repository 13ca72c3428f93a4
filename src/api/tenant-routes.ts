import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { createApiKey } from '../auth/api-keys-repository';
import type { Database } from '../db/database';
import { timeZone } from '../plan/plan-schema';
import { HttpError } from './http-error';
import { parseBody } from './parse-body';
import { requireJson } from './require-json';

export const createBody = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 lowercase letters, digits, - or _')
    .optional(),
  name: z.string().trim().min(1).max(200),
  timezone: timeZone.optional(),
});

/** The operator's: a new tenant, with its first admin key (shown once). */
export function tenantRoutes({ db, pepper }: { db: Kysely<Database>; pepper: string }): Router {
  const router = Router();
  router.post('/v1/tenants', requireJson, async (req, res) => {
    const body = parseBody(createBody, req.body);
    const id = body.id ?? `t-${randomBytes(4).toString('hex')}`;
    const made = await db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('tenants')
        .values({ id, name: body.name, timezone: body.timezone ?? 'UTC', settings: '{}' })
        .onConflict((oc) => oc.column('id').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!inserted) return undefined;
      const key = await createApiKey(trx, pepper, { tenant: id, role: 'admin', name: 'admin' });
      return { tenant: inserted, key };
    });
    if (!made) {
      throw new HttpError(409, 'tenant_exists', 'a tenant with this id exists', [
        { path: 'id', message: 'is taken' },
      ]);
    }
    res.status(201).json({
      tenant: { id: made.tenant.id, name: made.tenant.name, timezone: made.tenant.timezone },
      key: made.key.key,
      key_info: made.key.view,
    });
  });
  return router;
}
