import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { timeZone } from '../plan/plan-schema';
import { tenantSettingsSchema } from '../tenants/tenant-settings';
import { parseBody } from './parse-body';
import { requireJson } from './require-json';
import { tenantOf } from './tenant-context';

const settingsBody = tenantSettingsSchema.extend({ timezone: timeZone.optional() }).strict();

/**
 * The tenant's settings: working hours, approval policy, planner thresholds,
 * automation webhooks, time zone. PUT replaces them; omitted fields take their defaults.
 */
export function settingsRoutes(db: Kysely<Database>): Router {
  const router = Router();
  const view = (tenant: { id: string; timezone: string; settings: unknown }) => ({
    tenant_id: tenant.id,
    timezone: tenant.timezone,
    ...(tenant.settings as object),
  });

  router.get('/v1/settings', (_req, res) => {
    res.json(view(tenantOf(res)));
  });

  router.put('/v1/settings', requireJson, async (req, res) => {
    const { timezone, ...settings } = parseBody(settingsBody, req.body);
    const tenant = tenantOf(res);
    await db
      .updateTable('tenants')
      .set({ settings: JSON.stringify(settings), ...(timezone ? { timezone } : {}) })
      .where('id', '=', tenant.id)
      .execute();
    res.json(view({ id: tenant.id, timezone: timezone ?? tenant.timezone, settings }));
  });
  return router;
}
