import type { Kysely } from 'kysely';
import { afterCursor, type KeysetCursor } from './keyset';
import type { Database, NewPlanRow, PlanRow } from './database';

/** The audit fields the workflow keeps current, one snapshot per transition. */
export interface PlanSnapshot {
  status: string;
  current_step: number | null;
  step_results: unknown[];
  error: unknown;
  started_at: string | null;
  completed_at: string | null;
  approvals: unknown[];
  compensation: unknown[];
}

export interface PlanEvent {
  kind: string;
  step: number | null;
  detail?: Record<string, unknown>;
}

export async function insertPlan(db: Kysely<Database>, row: NewPlanRow): Promise<PlanRow> {
  return db.insertInto('action_plans').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function deletePlan(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<void> {
  await db
    .deleteFrom('action_plans')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

export async function findPlan(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<PlanRow | undefined> {
  return db
    .selectFrom('action_plans')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findPlanByIdempotencyKey(
  db: Kysely<Database>,
  tenantId: string,
  key: string,
): Promise<PlanRow | undefined> {
  return db
    .selectFrom('action_plans')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/**
 * Writes a plan's snapshot and its event in one transaction. The event is keyed
 * by kind and step, so a retried write records it once.
 */
export async function recordPlanTransition(
  db: Kysely<Database>,
  tenantId: string,
  planId: string,
  snapshot: PlanSnapshot,
  event: PlanEvent,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('action_plans')
      .set({
        status: snapshot.status,
        current_step: snapshot.current_step,
        step_results: JSON.stringify(snapshot.step_results),
        error: snapshot.error ? JSON.stringify(snapshot.error) : null,
        started_at: snapshot.started_at,
        completed_at: snapshot.completed_at,
        approvals: JSON.stringify(snapshot.approvals),
        compensation: JSON.stringify(snapshot.compensation),
        updated_at: new Date(),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', planId)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n)
      throw new Error(`plan ${planId} of ${tenantId} is not in the database`);
    await trx
      .insertInto('plan_events')
      .values({
        tenant_id: tenantId,
        plan_id: planId,
        step_index: event.step,
        kind: event.kind,
        event_key: `${event.kind}#${event.step ?? '-'}`,
        detail: event.detail ? JSON.stringify(event.detail) : null,
      })
      .onConflict((oc) => oc.columns(['plan_id', 'event_key']).doNothing())
      .execute();
  });
}

export async function listPlanEvents(db: Kysely<Database>, tenantId: string, planId: string) {
  return db
    .selectFrom('plan_events')
    .select(['step_index', 'kind', 'detail', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('plan_id', '=', planId)
    .orderBy('id')
    .execute();
}

export interface PlanListFilter {
  status?: string;
  limit: number;
  before?: KeysetCursor;
}

/** A tenant's plans, newest first, by keyset pages. */
export async function listPlans(
  db: Kysely<Database>,
  tenantId: string,
  filter: PlanListFilter,
): Promise<PlanRow[]> {
  let query = db.selectFrom('action_plans').selectAll().where('tenant_id', '=', tenantId);
  if (filter.status) query = query.where('status', '=', filter.status);
  return afterCursor(query, filter.before)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .execute();
}
