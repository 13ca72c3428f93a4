import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import {
  ensureWebhookSecret,
  rotateWebhookSecret,
  type WebhookSecret,
} from '../tenants/webhook-secrets-repository';
import { requireJson } from './require-json';
import { tenantOf } from './tenant-context';

export interface WebhookSecretRoutesDeps {
  db: Kysely<Database>;
  now: () => Date;
}

/**
 * The secret the tenant's automation webhooks are signed with (Standard
 * Webhooks), for its receivers to verify them. GET makes one on first use;
 * rotate replaces it, and the replaced one signs too for 24 hours.
 */
export function webhookSecretRoutes({ db, now }: WebhookSecretRoutesDeps): Router {
  const router = Router();

  router.get('/v1/settings/webhook-secret', async (_req, res) => {
    res.json(view(await ensureWebhookSecret(db, tenantOf(res).id, now())));
  });

  router.post('/v1/settings/webhook-secret/rotate', requireJson, async (_req, res) => {
    res.json(view(await rotateWebhookSecret(db, tenantOf(res).id, now())));
  });
  return router;
}

function view(secret: WebhookSecret) {
  return {
    secret: secret.secret,
    created_at: secret.createdAt.toISOString(),
    rotated_at: secret.rotatedAt?.toISOString() ?? null,
    previous_secret_valid_until: secret.previous?.validUntil.toISOString() ?? null,
  };
}
