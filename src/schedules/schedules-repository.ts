import type { Insertable, Kysely } from 'kysely';
import type { Database, ScheduleRow, ScheduleRunRow, SchedulesTable } from '../db/database';
import { afterCursor, type KeysetCursor } from '../db/keyset';

export const CREATING = 'creating';
export const ACTIVE = 'active';

export async function insertSchedule(
  db: Kysely<Database>,
  row: Insertable<SchedulesTable>,
): Promise<ScheduleRow> {
  return db.insertInto('schedules').values(row).returningAll().executeTakeFirstOrThrow();
}

export const PAUSED = 'paused';

/** Mirrors the Temporal Schedule's state on the row, for lists that do not ask Temporal. */
export async function setScheduleStatus(
  db: Kysely<Database>,
  id: string,
  status: typeof ACTIVE | typeof PAUSED,
): Promise<void> {
  await db
    .updateTable('schedules')
    .set({ status, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function findSchedule(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<ScheduleRow | undefined> {
  return db
    .selectFrom('schedules')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findScheduleByIdempotencyKey(
  db: Kysely<Database>,
  tenantId: string,
  key: string,
): Promise<ScheduleRow | undefined> {
  return db
    .selectFrom('schedules')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

export async function countSchedules(db: Kysely<Database>, tenantId: string): Promise<number> {
  const { n } = await db
    .selectFrom('schedules')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** A tenant's schedules, newest first, by keyset pages. */
export async function listSchedules(
  db: Kysely<Database>,
  tenantId: string,
  filter: { limit: number; before?: KeysetCursor },
): Promise<ScheduleRow[]> {
  const query = db.selectFrom('schedules').selectAll().where('tenant_id', '=', tenantId);
  return afterCursor(query, filter.before)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .execute();
}

/** Deletes a schedule and its run records; false when the tenant has no such schedule. */
export async function deleteSchedule(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('schedules')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export interface ScheduleRunRecord {
  tenant_id: string;
  schedule_id: string;
  run_key: string;
  plan_id: string | null;
  outcome: 'submitted' | 'refused';
  error: { code: string; message: string } | null;
}

/** Records a run once: a retried activity finds its first record standing. */
export async function recordScheduleRun(
  db: Kysely<Database>,
  run: ScheduleRunRecord,
): Promise<void> {
  await db
    .insertInto('schedule_runs')
    .values({ ...run, error: run.error ? JSON.stringify(run.error) : null })
    .onConflict((oc) => oc.column('run_key').doNothing())
    .execute();
}

export async function listScheduleRuns(
  db: Kysely<Database>,
  tenantId: string,
  scheduleId: string,
  limit: number,
): Promise<ScheduleRunRow[]> {
  return db
    .selectFrom('schedule_runs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('schedule_id', '=', scheduleId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
