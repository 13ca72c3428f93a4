import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import {
  ensureInboundSecret,
  rotateInboundSecret,
  type InboundSecret,
} from '../tenants/inbound-secrets-repository';
import { requireJson } from './require-json';
import { tenantOf } from './tenant-context';

export interface InboundSecretRoutesDeps {
  db: Kysely<Database>;
  now: () => Date;
}

/**
 * The secret the tenant's senders sign POST /v1/inbound/:source with
 * (Standard Webhooks). GET makes one on first use; rotate replaces it, and
 * the replaced one is accepted too for 24 hours.
 */
export function inboundSecretRoutes({ db, now }: InboundSecretRoutesDeps): Router {
  const router = Router();

  router.get('/v1/settings/inbound-secret', async (_req, res) => {
    res.json(view(await ensureInboundSecret(db, tenantOf(res).id, now())));
  });

  router.post('/v1/settings/inbound-secret/rotate', requireJson, async (_req, res) => {
    res.json(view(await rotateInboundSecret(db, tenantOf(res).id, now())));
  });
  return router;
}

function view(secret: InboundSecret) {
  return {
    secret: secret.secret,
    created_at: secret.createdAt.toISOString(),
    rotated_at: secret.rotatedAt?.toISOString() ?? null,
    previous_secret_valid_until: secret.previous?.validUntil.toISOString() ?? null,
  };
}
