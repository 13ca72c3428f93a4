import { isUuid } from './calendar-repository';
import type { Kysely } from 'kysely';
import type { Database, ReminderRow } from './database';
import { afterCursor, inKeysetOrder, type KeysetCursor, type KeysetOrder } from './keyset';
import { ownedPlanIds, type PlanOwner } from './plans-repository';

export type ReminderStatus = 'pending' | 'fired' | 'cancelled';

export interface NewReminder {
  id: string;
  tenant_id: string;
  plan_id: string | null;
  step_index: number | null;
  meeting_id: string | null;
  offset_ms: number | null;
  fire_at: Date;
  channel: string;
  recipients: string[];
  message: string;
  timezone: string;
  workflow_id: string;
  idempotency_key: string;
}

/** Records a pending reminder unless its idempotency key is already there; returns the row. */
export async function insertReminderOnce(
  db: Kysely<Database>,
  reminder: NewReminder,
): Promise<ReminderRow> {
  const inserted = await db
    .insertInto('reminders')
    .values({ ...reminder, status: 'pending', updated_at: new Date() })
    .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return inserted;
  return db
    .selectFrom('reminders')
    .selectAll()
    .where('tenant_id', '=', reminder.tenant_id)
    .where('idempotency_key', '=', reminder.idempotency_key)
    .executeTakeFirstOrThrow();
}

export async function findReminder(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<ReminderRow | undefined> {
  return db
    .selectFrom('reminders')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * Moves a pending reminder to a final status and returns it; a reminder
 * already final is left alone (undefined).
 */
export async function finishReminder(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
  status: Exclude<ReminderStatus, 'pending'>,
  extra: { fired_at?: Date; outbox_id?: string; cancelled_by?: string } = {},
): Promise<ReminderRow | undefined> {
  return db
    .updateTable('reminders')
    .set({ status, ...extra, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}

/** The pending reminders set relative to a meeting. */
export async function pendingRemindersOfMeeting(
  db: Kysely<Database>,
  tenantId: string,
  meetingId: string,
): Promise<ReminderRow[]> {
  // Reminders record built-in meetings (uuid ids); a Google event's id is never one of them.
  if (!isUuid(meetingId)) return [];
  return db
    .selectFrom('reminders')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('meeting_id', '=', meetingId)
    .where('status', '=', 'pending')
    .execute();
}

/** The reminders that the change with this idempotency key cancelled along with their meeting. */
export async function remindersCancelledBy(
  db: Kysely<Database>,
  tenantId: string,
  cancelledBy: string,
): Promise<ReminderRow[]> {
  return db
    .selectFrom('reminders')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('cancelled_by', '=', cancelledBy)
    .orderBy('id')
    .execute();
}

/** Gives a pending reminder a new due time. */
export async function movePendingReminder(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
  fireAt: Date,
): Promise<void> {
  await db
    .updateTable('reminders')
    .set({ fire_at: fireAt, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** Reminders list soonest first. */
export const REMINDERS_ORDER: KeysetOrder = { column: 'fire_at', direction: 'asc' };

/** A tenant's reminders, soonest first, by keyset pages (`after`: the last one's fire_at and id). */
export async function listReminders(
  db: Kysely<Database>,
  tenantId: string,
  filter: { status?: string; owner?: PlanOwner; limit: number; after?: KeysetCursor },
): Promise<ReminderRow[]> {
  let query = db.selectFrom('reminders').selectAll().where('tenant_id', '=', tenantId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.owner) query = query.where('plan_id', 'in', ownedPlanIds(db, tenantId, filter.owner));
  query = afterCursor(query, filter.after, REMINDERS_ORDER);
  return inKeysetOrder(query, REMINDERS_ORDER).limit(filter.limit).execute();
}
