import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, WebhookAttemptsTable, WebhookDeliveriesTable } from '../db/database';
import type { StoredEvent } from './webhook-events';

export type DeliveryRow = Selectable<WebhookDeliveriesTable>;
export type AttemptRow = Selectable<WebhookAttemptsTable>;

export const DELIVERY_STATES = ['queued', 'sending', 'delivered', 'failed', 'held'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** The oldest deliveries waiting for a workflow to send them. */
export async function listQueuedDeliveries(
  db: Kysely<Database>,
  limit: number,
  tenantId?: string,
): Promise<Pick<DeliveryRow, 'id' | 'tenant_id' | 'round'>[]> {
  let query = db
    .selectFrom('webhook_deliveries')
    .select(['id', 'tenant_id', 'round'])
    .where('state', '=', 'queued');
  if (tenantId) query = query.where('tenant_id', '=', tenantId);
  return query.orderBy('id').limit(limit).execute();
}

/** Marks a queued delivery as handed to its workflow; a later round is left queued. */
export async function markSending(db: Kysely<Database>, id: string, round: number): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ state: 'sending', updated_at: new Date() })
    .where('id', '=', id)
    .where('round', '=', round)
    .where('state', '=', 'queued')
    .execute();
}

/** What one attempt needs: the delivery, its subscription's address and secret, and the event. */
export interface DeliveryToSend {
  delivery: DeliveryRow;
  url: string;
  secret: string;
  paused: boolean;
  event: StoredEvent | undefined;
}

export async function loadDeliveryToSend(
  db: Kysely<Database>,
  id: string,
): Promise<DeliveryToSend | undefined> {
  const row = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_subscriptions as s', 's.id', 'd.subscription_id')
    .selectAll('d')
    .select(['s.url', 's.secret', 's.paused_at'])
    .where('d.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { url, secret, paused_at, ...delivery } = row;
  const event = await db
    .selectFrom('plan_events')
    .select(['id', 'tenant_id', 'plan_id', 'step_index', 'kind', 'attempt', 'detail', 'created_at'])
    .where('id', '=', delivery.event_id)
    .where('tenant_id', '=', delivery.tenant_id)
    .executeTakeFirst();
  return { delivery, url, secret, paused: paused_at !== null, event };
}

/** Counts an attempt and records how it went; returns its number. */
export async function recordAttempt(
  db: Kysely<Database>,
  deliveryId: string,
  attempt: Omit<AttemptRow, 'delivery_id' | 'attempt' | 'attempted_at'>,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { attempts } = await trx
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_error: attempt.error,
        updated_at: new Date(),
      }))
      .where('id', '=', deliveryId)
      .returning('attempts')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('webhook_attempts')
      .values({ delivery_id: deliveryId, attempt: attempts, ...attempt })
      .execute();
    return attempts;
  });
}

/**
 * Ends a round: delivered, failed for good, or held by a pause. Only the round in flight may;
 * returns its tenant when this call ended it, undefined when it had ended already.
 */
export async function finishDelivery(
  db: Kysely<Database>,
  id: string,
  round: number,
  state: Exclude<DeliveryState, 'queued' | 'sending'>,
  error: string | null = null,
): Promise<{ tenant_id: string } | undefined> {
  return db
    .updateTable('webhook_deliveries')
    .set({
      state,
      ...(state === 'delivered' ? { delivered_at: sql<Date>`now()` } : { last_error: error }),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .where('round', '=', round)
    .where('state', 'in', ['queued', 'sending'])
    .returning('tenant_id')
    .executeTakeFirst();
}

export interface DeliveryFilter {
  state?: DeliveryState;
  limit: number;
  /** The id of the last delivery of the previous page. */
  before?: string;
}

/** A subscription's deliveries, newest first, each with its attempts. */
export async function listDeliveries(
  db: Kysely<Database>,
  tenantId: string,
  subscriptionId: string,
  filter: DeliveryFilter,
): Promise<{ delivery: DeliveryRow; attempts: AttemptRow[] }[]> {
  let query = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('subscription_id', '=', subscriptionId);
  if (filter.state) query = query.where('state', '=', filter.state);
  if (filter.before) query = query.where('id', '<', filter.before);
  const deliveries = await query.orderBy('id', 'desc').limit(filter.limit).execute();
  if (deliveries.length === 0) return [];
  const attempts = await db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where(
      'delivery_id',
      'in',
      deliveries.map((d) => d.id),
    )
    .orderBy('attempt')
    .execute();
  return deliveries.map((delivery) => ({
    delivery,
    attempts: attempts.filter((a) => a.delivery_id === delivery.id),
  }));
}
