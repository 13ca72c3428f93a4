import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, WebhookSecretsTable } from '../db/database';

/** How long the secret a rotation replaced still signs deliveries, so receivers can switch over. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 3600 * 1000;

/** A tenant's webhook signing secret, in the Standard Webhooks `whsec_<base64>` form. */
export interface WebhookSecret {
  secret: string;
  createdAt: Date;
  rotatedAt: Date | null;
  /** The secret the last rotation replaced, while it still signs; else null. */
  previous: { secret: string; validUntil: Date } | null;
}

/** A fresh secret: 32 random bytes, as Standard Webhooks libraries expect them. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The tenant's secret, made on first need; concurrent first calls agree on one. */
export async function ensureWebhookSecret(
  db: Kysely<Database>,
  tenantId: string,
  now: Date,
): Promise<WebhookSecret> {
  await db
    .insertInto('webhook_secrets')
    .values({ tenant_id: tenantId, secret: generateWebhookSecret() })
    .onConflict((oc) => oc.column('tenant_id').doNothing())
    .execute();
  const row = await db
    .selectFrom('webhook_secrets')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return toWebhookSecret(row, now);
}

/** Replaces the tenant's secret; the old one keeps signing for PREVIOUS_SECRET_GRACE_MS. */
export async function rotateWebhookSecret(
  db: Kysely<Database>,
  tenantId: string,
  now: Date,
): Promise<WebhookSecret> {
  await ensureWebhookSecret(db, tenantId, now);
  const row = await db
    .updateTable('webhook_secrets')
    .set((eb) => ({
      previous_secret: eb.ref('secret'),
      secret: generateWebhookSecret(),
      rotated_at: now,
    }))
    .where('tenant_id', '=', tenantId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toWebhookSecret(row, now);
}

/** Every secret a delivery is signed with: the current one, then a replaced one still in its grace. */
export function signingSecrets(secret: WebhookSecret): string[] {
  return secret.previous ? [secret.secret, secret.previous.secret] : [secret.secret];
}

function toWebhookSecret(row: Selectable<WebhookSecretsTable>, now: Date): WebhookSecret {
  const validUntil =
    row.rotated_at && new Date(row.rotated_at.getTime() + PREVIOUS_SECRET_GRACE_MS);
  return {
    secret: row.secret,
    createdAt: row.created_at,
    rotatedAt: row.rotated_at,
    previous:
      row.previous_secret && validUntil && validUntil > now
        ? { secret: row.previous_secret, validUntil }
        : null,
  };
}
