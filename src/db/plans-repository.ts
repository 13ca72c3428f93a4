import type { Kysely, SelectQueryBuilder } from 'kysely';
import { postgresSafe, postgresSafeText } from '../plan/postgres-safe';
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
  /** The run of the plan that wrote it; absent: the first. */
  attempt?: number;
}

export async function insertPlan(db: Kysely<Database>, row: NewPlanRow): Promise<PlanRow> {
  return db.insertInto('action_plans').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Where a plan is before its workflow writes its first transition. */
export const SUBMITTING = 'submitting';
export const PENDING = 'pending';

/**
 * Marks a plan whose workflow is known to exist as `pending`, unless the
 * workflow has already moved it on (its first transition may land first).
 */
export async function markPlanStarted(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable('action_plans')
    .set({ status: PENDING, updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', SUBMITTING)
    .execute();
}

/** Puts a plan whose start just failed at the back of the reconciler's queue. */
export async function touchSubmission(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable('action_plans')
    .set({ updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', SUBMITTING)
    .execute();
}

/**
 * Plans of every tenant still `submitting` and untouched since `before`, the
 * least recently tried first, so plans that keep failing cannot starve the rest.
 */
export async function listStaleSubmissions(
  db: Kysely<Database>,
  before: Date,
  limit: number,
): Promise<PlanRow[]> {
  return db
    .selectFrom('action_plans')
    .selectAll()
    .where('status', '=', SUBMITTING)
    .where('updated_at', '<', before)
    .orderBy('updated_at')
    .limit(limit)
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

/** What is written when a plan ends without its full snapshot: see recordPlanEnding. */
export interface PlanEnding {
  status: string;
  error: unknown;
  completed_at: string;
  compensation: unknown[];
}

/** What a transition's write did: the plan's source, and the events it wrote for the first time. */
export interface WrittenTransition {
  source: string;
  fresh: PlanEvent[];
}

/**
 * Writes a plan's snapshot and its events in one transaction; undefined when the
 * plan has no row. Each event is keyed by kind and step, so a retried write
 * records it once (and leaves it out of `fresh`). Every string is made storable
 * first (see postgresSafe).
 */
export async function recordPlanTransition(
  db: Kysely<Database>,
  tenantId: string,
  planId: string,
  snapshot: PlanSnapshot,
  events: PlanEvent[],
): Promise<WrittenTransition | undefined> {
  const safe = postgresSafe(snapshot);
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('action_plans')
      .set({
        status: safe.status,
        current_step: safe.current_step,
        step_results: JSON.stringify(safe.step_results),
        error: safe.error ? JSON.stringify(safe.error) : null,
        started_at: safe.started_at,
        completed_at: safe.completed_at,
        approvals: JSON.stringify(safe.approvals),
        compensation: JSON.stringify(safe.compensation),
        updated_at: new Date(),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', planId)
      .returning('source')
      .executeTakeFirst();
    if (!updated) return undefined;
    const fresh: PlanEvent[] = [];
    for (const event of events) {
      if (await insertEventOnce(trx, tenantId, planId, event)) fresh.push(event);
    }
    return { source: updated.source, fresh };
  });
}

/**
 * Ends a plan with only its status, error, end time and compensation, keeping
 * the step results Postgres last accepted: the fallback when the full
 * snapshot was refused. Undefined when the plan has no row.
 */
export async function recordPlanEnding(
  db: Kysely<Database>,
  tenantId: string,
  planId: string,
  ending: PlanEnding,
  event: PlanEvent,
): Promise<WrittenTransition | undefined> {
  const safe = postgresSafe(ending);
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('action_plans')
      .set({
        status: safe.status,
        current_step: null,
        error: safe.error ? JSON.stringify(safe.error) : null,
        completed_at: safe.completed_at,
        compensation: JSON.stringify(safe.compensation),
        updated_at: new Date(),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', planId)
      .returning('source')
      .executeTakeFirst();
    if (!updated) return undefined;
    const fresh = (await insertEventOnce(trx, tenantId, planId, event)) ? [event] : [];
    return { source: updated.source, fresh };
  });
}

/**
 * Records one event, once: keyed by kind, step and attempt, so a retried
 * write records it once and each attempt of a plan keeps its own.
 */
export async function insertEventOnce(
  trx: Kysely<Database>,
  tenantId: string,
  planId: string,
  event: PlanEvent,
): Promise<boolean> {
  const kind = postgresSafeText(event.kind);
  const attempt = event.attempt ?? 1;
  const inserted = await trx
    .insertInto('plan_events')
    .values({
      tenant_id: tenantId,
      plan_id: planId,
      step_index: event.step,
      kind,
      attempt,
      event_key: `${kind}#${event.step ?? '-'}${attempt > 1 ? `#${attempt}` : ''}`,
      detail: event.detail ? JSON.stringify(postgresSafe(event.detail)) : null,
    })
    .onConflict((oc) => oc.columns(['plan_id', 'event_key']).doNothing())
    .executeTakeFirst();
  // True when this call wrote it; false when it was there already.
  return inserted.numInsertedOrUpdatedRows !== 0n;
}

export async function listPlanEvents(db: Kysely<Database>, tenantId: string, planId: string) {
  return db
    .selectFrom('plan_events')
    .select(['step_index', 'kind', 'detail', 'attempt', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('plan_id', '=', planId)
    .orderBy('id')
    .execute();
}

/** Whose plans: a user's (whichever key or token they submitted with), or one key's. */
export type PlanOwner = { user: string } | { key: string };

export interface PlanListFilter {
  status?: string;
  /** Only the plans this owner submitted. */
  owner?: PlanOwner;
  limit: number;
  before?: KeysetCursor;
}

/** The ids of the tenant's plans `owner` submitted, as a subquery for `plan_id in (…)`. */
export function ownedPlanIds(db: Kysely<Database>, tenantId: string, owner: PlanOwner) {
  return submittedBy(
    db.selectFrom('action_plans').select('id').where('tenant_id', '=', tenantId),
    owner,
  );
}

function submittedBy<O>(
  query: SelectQueryBuilder<Database, 'action_plans', O>,
  owner: PlanOwner,
): SelectQueryBuilder<Database, 'action_plans', O> {
  return 'user' in owner
    ? query.where('submitted_by_user', '=', owner.user)
    : query.where('submitted_by_key', '=', owner.key);
}

/** Whether `owner` submitted the plan; false for a plan whose submitter is unknown. */
export function isOwnedBy(row: PlanRow, owner: PlanOwner): boolean {
  return 'user' in owner
    ? row.submitted_by_user === owner.user
    : row.submitted_by_key === owner.key;
}

/** Whether the tenant's plan `planId` exists and `owner` submitted it. */
export async function isPlanOwnedBy(
  db: Kysely<Database>,
  tenantId: string,
  planId: string,
  owner: PlanOwner,
): Promise<boolean> {
  const row = await ownedPlanIds(db, tenantId, owner).where('id', '=', planId).executeTakeFirst();
  return row !== undefined;
}

/** A tenant's plans, newest first, by keyset pages. */
export async function listPlans(
  db: Kysely<Database>,
  tenantId: string,
  filter: PlanListFilter,
): Promise<PlanRow[]> {
  let query = db.selectFrom('action_plans').selectAll().where('tenant_id', '=', tenantId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.owner) query = submittedBy(query, filter.owner);
  return afterCursor(query, filter.before)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .execute();
}
