import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, WebhookSubscriptionsTable } from '../db/database';
import { afterCursor, inKeysetOrder, NEWEST_FIRST, type KeysetCursor } from '../db/keyset';
import { generateWebhookSecret } from '../tenants/webhook-secrets-repository';
import { WEBHOOK_DELIVERIES_CHANNEL } from './webhook-events';

export type SubscriptionRow = Selectable<WebhookSubscriptionsTable>;

export interface SubscriptionInput {
  url: string;
  events: string[];
  description: string | null;
  createdBy: string;
}

/** Subscriptions one tenant may hold: each event is one delivery per subscription. */
export const MAX_SUBSCRIPTIONS = 20;

/** Thrown when the tenant already holds MAX_SUBSCRIPTIONS. */
export class TooManySubscriptionsError extends Error {}

/**
 * Adds a subscription with its own signing secret. The count and the insert
 * are serialised per tenant, so concurrent creates cannot pass the limit.
 */
export async function createSubscription(
  db: Kysely<Database>,
  tenantId: string,
  input: SubscriptionInput,
): Promise<SubscriptionRow> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`webhooks:${tenantId}`}))`.execute(trx);
    const { n } = await trx
      .selectFrom('webhook_subscriptions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    if (Number(n) >= MAX_SUBSCRIPTIONS) throw new TooManySubscriptionsError();
    return trx
      .insertInto('webhook_subscriptions')
      .values({
        id: randomUUID(),
        tenant_id: tenantId,
        url: input.url,
        events: input.events,
        secret: generateWebhookSecret(),
        description: input.description,
        created_by: input.createdBy,
        updated_at: new Date(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export async function findSubscription(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<SubscriptionRow | undefined> {
  return db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listSubscriptions(
  db: Kysely<Database>,
  tenantId: string,
  limit: number,
  before?: KeysetCursor,
): Promise<SubscriptionRow[]> {
  const query = db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('tenant_id', '=', tenantId);
  return inKeysetOrder(afterCursor(query, before), NEWEST_FIRST).limit(limit).execute();
}

/**
 * Pauses or resumes. While paused, new events are kept as `held` deliveries
 * and attempts in flight stop at their next try; resuming queues every held
 * one again, in the same transaction, so nothing is lost either way.
 */
export async function setSubscriptionPaused(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
  paused: boolean,
): Promise<SubscriptionRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('webhook_subscriptions')
      .set({
        paused_at: paused ? sql<Date>`coalesce(paused_at, now())` : null,
        updated_at: new Date(),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (row && !paused) {
      await trx
        .updateTable('webhook_deliveries')
        .set((eb) => ({ state: 'queued', round: eb('round', '+', 1), updated_at: new Date() }))
        .where('subscription_id', '=', id)
        .where('state', '=', 'held')
        .execute();
      await sql`select pg_notify(${WEBHOOK_DELIVERIES_CHANNEL}, ${tenantId})`.execute(trx);
    }
    return row;
  });
}

/** Deletes a subscription and its deliveries; a delivery in flight finds it gone and stops. */
export async function deleteSubscription(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('webhook_subscriptions')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
