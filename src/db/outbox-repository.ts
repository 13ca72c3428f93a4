import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterCursor, type KeysetCursor } from './keyset';
import type { Database, OutboxRow } from './database';
import { ownedPlanIds, type PlanOwner } from './plans-repository';

import type { DeliveryStatus, OutgoingMessage } from '../providers/messages';

/** A message as the outbox keeps it: what was sent, and where its delivery stands. */
export type OutboxMessage = OutgoingMessage & {
  status?: DeliveryStatus;
  /** The sender that takes it; default the built-in outbox. */
  provider?: string;
};

/** Writes a message unless its idempotency key is already there; returns the row either way. */
export async function insertOutboxOnce(
  db: Kysely<Database>,
  message: OutboxMessage,
): Promise<OutboxRow> {
  const inserted = await db
    .insertInto('outbox')
    .values({
      id: randomUUID(),
      tenant_id: message.tenant_id,
      channel: message.channel,
      recipients: message.recipients,
      subject: message.subject ?? null,
      body: message.body ?? null,
      payload: message.payload ? JSON.stringify(message.payload) : null,
      status: message.status ?? 'queued',
      idempotency_key: message.idempotency_key,
      plan_id: message.plan_id ?? null,
      step_index: message.step_index ?? null,
      provider: message.provider ?? 'outbox',
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return inserted;
  const existing = await findOutboxByKey(db, message.tenant_id, message.idempotency_key);
  if (!existing) throw new Error(`outbox row ${message.idempotency_key} vanished`);
  return existing;
}

export async function findOutboxByKey(
  db: Kysely<Database>,
  tenantId: string,
  key: string,
): Promise<OutboxRow | undefined> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

export interface OutboxFilter {
  channel?: string;
  plan_id?: string;
  /** Only the messages of plans this owner submitted. */
  owner?: PlanOwner;
  limit: number;
  /** Keyset cursor: rows strictly older than this (created_at, id). */
  before?: KeysetCursor;
}

export async function findOutboxMessage(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<OutboxRow | undefined> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** A tenant's messages, newest first. */
export async function listOutbox(
  db: Kysely<Database>,
  tenantId: string,
  filter: OutboxFilter,
): Promise<OutboxRow[]> {
  let query = db.selectFrom('outbox').selectAll().where('tenant_id', '=', tenantId);
  if (filter.channel) query = query.where('channel', '=', filter.channel);
  if (filter.plan_id) query = query.where('plan_id', '=', filter.plan_id);
  if (filter.owner) query = query.where('plan_id', 'in', ownedPlanIds(db, tenantId, filter.owner));
  return afterCursor(query, filter.before)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .execute();
}

/**
 * Records that a provider took the message: the vendor's id for it, and status
 * `sent` unless the vendor's own report (delivered, bounced) got here first.
 */
export async function markOutboxSent(
  db: Kysely<Database>,
  input: { id: string; provider: string; vendorMessageId: string | null; now: Date },
): Promise<OutboxRow> {
  return db
    .updateTable('outbox')
    .set({
      status: sql<string>`case when status = 'queued' then 'sent' else status end`,
      provider: input.provider,
      vendor_message_id: input.vendorMessageId,
      status_updated_at: input.now,
    })
    .where('id', '=', input.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A vendor's report on one message, found by its outbox key or by the vendor's id for it. */
export interface DeliveryReport {
  tenantId: string;
  provider: string;
  key: string | null;
  vendorMessageId: string | null;
  status: DeliveryStatus;
  detail: string | null;
  now: Date;
}

/**
 * Moves a message on from `queued` or `sent`; `delivered`, `bounced` and
 * `failed` are final, so a report repeated or arriving late changes nothing.
 * Returns whether a row moved.
 */
export async function applyDeliveryReport(
  db: Kysely<Database>,
  report: DeliveryReport,
): Promise<boolean> {
  if (!report.key && !report.vendorMessageId) return false;
  let query = db
    .updateTable('outbox')
    .set({
      status: report.status,
      status_detail: report.detail,
      status_updated_at: report.now,
    })
    .where('tenant_id', '=', report.tenantId)
    .where('provider', '=', report.provider)
    .where('status', 'in', ['queued', 'sent']);
  query = report.key
    ? query.where('idempotency_key', '=', report.key)
    : query.where('vendor_message_id', '=', report.vendorMessageId);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Records the vendor's id for one recipient of a message sent recipient by
 * recipient (Twilio: one SMS per number), under `payload.vendor_ids`, so a
 * retried step skips the numbers already sent to.
 */
export async function recordRecipientSent(
  db: Kysely<Database>,
  input: { id: string; recipient: string; vendorMessageId: string },
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      payload: sql`jsonb_set(coalesce(payload, '{}'::jsonb) || jsonb_build_object('vendor_ids', coalesce(payload->'vendor_ids', '{}'::jsonb)), array['vendor_ids', ${input.recipient}::text], to_jsonb(${input.vendorMessageId}::text))`,
    })
    .where('id', '=', input.id)
    .execute();
}

/** The ids `recordRecipientSent` kept, by recipient. */
export function recipientsSent(row: OutboxRow): Record<string, string> {
  const ids = (row.payload as { vendor_ids?: unknown } | null)?.vendor_ids;
  return ids && typeof ids === 'object' ? (ids as Record<string, string>) : {};
}

/** The statuses a relay's report may move a message from: forward only, and final ones stay. */
const RELAY_MOVES_FROM: Record<'sent' | 'delivered' | 'failed', DeliveryStatus[]> = {
  sent: ['queued'],
  delivered: ['queued', 'sent'],
  failed: ['queued', 'sent'],
};

/**
 * A relay's report on a message of the built-in outbox (provider `outbox`):
 * moves it forward to `status` and returns the row, or returns undefined when
 * the row is not the tenant's, not the outbox's, or not behind `status`.
 */
export async function applyRelayReport(
  db: Kysely<Database>,
  report: {
    tenantId: string;
    id: string;
    status: 'sent' | 'delivered' | 'failed';
    vendorMessageId: string | null;
    detail: string | null;
    now: Date;
  },
): Promise<OutboxRow | undefined> {
  return db
    .updateTable('outbox')
    .set({
      status: report.status,
      vendor_message_id: sql<
        string | null
      >`coalesce(${report.vendorMessageId}::text, vendor_message_id)`,
      status_detail: sql<string | null>`coalesce(${report.detail}::text, status_detail)`,
      status_updated_at: report.now,
    })
    .where('tenant_id', '=', report.tenantId)
    .where('id', '=', report.id)
    .where('provider', '=', 'outbox')
    .where('status', 'in', RELAY_MOVES_FROM[report.status])
    .returningAll()
    .executeTakeFirst();
}
