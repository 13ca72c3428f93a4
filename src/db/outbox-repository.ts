import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterCursor, type KeysetCursor } from './keyset';
import type { Database, OutboxRow } from './database';
import { ownedPlanIds, type PlanOwner } from './plans-repository';

import type { DeliveryStatus, OutgoingMessage } from '../providers/messages';

/** A message as the outbox keeps it: what was sent, and where its delivery stands. */
export type OutboxMessage = OutgoingMessage & { status?: DeliveryStatus };

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
