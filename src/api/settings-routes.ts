import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { outboundUrlProblem } from '../net/url-policy';
import { formatPath, type FieldError } from '../plan/field-error';
import { timeZone } from '../plan/plan-schema';
import { tenantSettingsSchema } from '../tenants/tenant-settings';
import { findConnection } from '../connections/connections-repository';
import { connectionNeeds } from '../connections/provider-needs';
import { readScopes } from '../providers/google-auth';
import { hasScopesFor } from '../providers/google-config';
import { badRequest, HttpError } from './http-error';
import { parseBody } from './parse-body';
import { requireJson } from './require-json';
import { tenantOf } from './tenant-context';

export const settingsBody = tenantSettingsSchema.extend({ timezone: timeZone.optional() }).strict();

export interface SettingsRoutesDeps {
  db: Kysely<Database>;
  /** ERRAND_ALLOW_PRIVATE_NETWORK: whether webhook URLs may be http or private addresses. */
  allowPrivateNetwork: boolean;
}

/**
 * The tenant's settings: working hours, approval policy, planner thresholds,
 * automation webhooks, providers, time zone. PUT replaces them; omitted fields take their defaults.
 * A webhook URL the network policy refuses by its text alone is refused here with
 * a 400; names are checked again, resolved, each time the webhook is called.
 */
export function settingsRoutes({ db, allowPrivateNetwork }: SettingsRoutesDeps): Router {
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
    const refused: FieldError[] = Object.entries(settings.automations).flatMap(([name, url]) => {
      const problem = outboundUrlProblem(url, { allowPrivateNetwork });
      return problem ? [{ path: formatPath(['automations', name]), message: problem }] : [];
    });
    if (refused.length) throw badRequest(refused);
    const tenant = tenantOf(res);
    for (const need of connectionNeeds(settings.providers)) {
      const connection = await findConnection(db, tenant.id, need.provider);
      const family = need.path.split('.')[1];
      if (need.provider !== 'google') {
        if (connection) continue;
        throw new HttpError(
          422,
          'provider_not_connected',
          `${family} cannot go through ${need.choice} before it is connected: PUT /v1/connections/${need.provider} first`,
          [{ path: need.path, message: `${need.choice} is not connected` }],
        );
      }
      if (
        connection?.status === 'connected' &&
        hasScopesFor(readScopes(connection.config), need.service!)
      ) {
        continue;
      }
      throw new HttpError(
        422,
        'provider_not_connected',
        `${family} cannot go through ${need.choice} before Google is connected for ${need.service}: ` +
          `GET /v1/connections/google/authorize?services=${need.service} and open its url first`,
        [{ path: need.path, message: `Google is not connected for ${need.service}` }],
      );
    }
    for (const family of ['sms', 'call'] as const) {
      const provider = settings.providers[family];
      if (provider !== 'outbox' && !(await findConnection(db, tenant.id, provider))) {
        throw new HttpError(
          422,
          'provider_not_connected',
          `${family === 'sms' ? 'SMS' : 'calls'} cannot go through ${provider} before it is connected: PUT /v1/connections/${provider} first`,
          [{ path: `providers.${family}`, message: `${provider} is not connected` }],
        );
      }
    }
    await db
      .updateTable('tenants')
      .set({ settings: JSON.stringify(settings), ...(timezone ? { timezone } : {}) })
      .where('id', '=', tenant.id)
      .execute();
    res.json(view({ id: tenant.id, timezone: timezone ?? tenant.timezone, settings }));
  });
  return router;
}
