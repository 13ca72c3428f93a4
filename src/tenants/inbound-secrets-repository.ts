import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, InboundSecretsTable } from '../db/database';

/** How long the secret a rotation replaced is still accepted, so senders can switch over. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 3600 * 1000;

/** The secret a tenant's inbound triggers are signed with, in the Standard Webhooks `whsec_<base64>` form. */
export interface InboundSecret {
  secret: string;
  createdAt: Date;
  rotatedAt: Date | null;
  /** The secret the last rotation replaced, while it is still accepted; else null. */
  previous: { secret: string; validUntil: Date } | null;
}

/** A fresh secret: 32 random bytes, as Standard Webhooks libraries expect them. */
export function generateInboundSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The tenant's secret, made on first need; concurrent first calls agree on one. */
export async function ensureInboundSecret(
  db: Kysely<Database>,
  tenantId: string,
  now: Date,
): Promise<InboundSecret> {
  await db
    .insertInto('inbound_secrets')
    .values({ tenant_id: tenantId, secret: generateInboundSecret() })
    .onConflict((oc) => oc.column('tenant_id').doNothing())
    .execute();
  const row = await db
    .selectFrom('inbound_secrets')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return toInboundSecret(row, now);
}

/** Replaces the tenant's secret; the old one is accepted for PREVIOUS_SECRET_GRACE_MS more. */
export async function rotateInboundSecret(
  db: Kysely<Database>,
  tenantId: string,
  now: Date,
): Promise<InboundSecret> {
  await ensureInboundSecret(db, tenantId, now);
  const row = await db
    .updateTable('inbound_secrets')
    .set((eb) => ({
      previous_secret: eb.ref('secret'),
      secret: generateInboundSecret(),
      rotated_at: now,
    }))
    .where('tenant_id', '=', tenantId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toInboundSecret(row, now);
}

/** Every secret a request may be signed with: the current one, then a replaced one still in its grace. */
export function acceptedSecrets(secret: InboundSecret): string[] {
  return secret.previous ? [secret.secret, secret.previous.secret] : [secret.secret];
}

/** The tenant's secret if it has one; never made here, so an unset-up tenant accepts nothing. */
export async function findInboundSecret(
  db: Kysely<Database>,
  tenantId: string,
  now: Date,
): Promise<InboundSecret | undefined> {
  const row = await db
    .selectFrom('inbound_secrets')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return row && toInboundSecret(row, now);
}

function toInboundSecret(row: Selectable<InboundSecretsTable>, now: Date): InboundSecret {
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
