import type { Kysely } from 'kysely';
import type { Database, PlanRow } from './database';
import { insertEventOnce, SUBMITTING, type PlanEvent } from './plans-repository';

/** A plan stored validated, whose workflow starts only when it is executed. */
export const DRAFT = 'draft';
/** The ends a plan may be retried from. */
export const RETRYABLE_STATUSES = ['failed', 'expired', 'cancelled'] as const;
/** What a draft cancelled before it ran leaves in its history. */
export const DRAFT_CANCELLED = 'draft_cancelled';

/**
 * Moves a draft to `submitting` with its workflow's input, and records who
 * executed it; undefined when the plan is no longer a draft (another request
 * executed or cancelled it first).
 */
export async function executeDraft(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
  input: unknown,
  event: PlanEvent,
): Promise<PlanRow | undefined> {
  const row = await db
    .updateTable('action_plans')
    .set({ status: SUBMITTING, workflow_input: JSON.stringify(input), updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '=', DRAFT)
    .returningAll()
    .executeTakeFirst();
  if (row) await insertEventOnce(db, tenantId, id, event);
  return row;
}

/** Cancels a draft, which has no workflow to cancel; false when it is no longer a draft. */
export async function cancelDraft(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
  at: Date,
  by: string,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('action_plans')
      .set({ status: 'cancelled', completed_at: at, updated_at: at })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '=', DRAFT)
      .executeTakeFirst();
    if (done.numUpdatedRows === 0n) return false;
    await insertEventOnce(trx, tenantId, id, { kind: DRAFT_CANCELLED, step: null, detail: { by } });
    return true;
  });
}

/** Whether the plan was a draft cancelled before it ever ran. */
export async function wasCancelledAsDraft(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('plan_events')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('plan_id', '=', id)
    .where('kind', '=', DRAFT_CANCELLED)
    .executeTakeFirst();
  return row !== undefined;
}

/** What a retry writes on the plan before its new attempt starts. */
export interface RetryStart {
  /** The attempt the retry ends (the row's current one), so concurrent retries start one. */
  previousAttempt: number;
  previousStatus: string;
  attempt: number;
  workflowId: string;
  input: unknown;
  steps: unknown[];
  event: PlanEvent;
}

/**
 * Puts an ended plan back to `submitting` as its next attempt; undefined
 * when the plan moved on meanwhile (another retry won).
 */
export async function beginRetry(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
  retry: RetryStart,
): Promise<PlanRow | undefined> {
  const row = await db
    .updateTable('action_plans')
    .set({
      status: SUBMITTING,
      attempt: retry.attempt,
      workflow_id: retry.workflowId,
      workflow_input: JSON.stringify(retry.input),
      step_results: JSON.stringify(retry.steps),
      current_step: null,
      error: null,
      completed_at: null,
      approvals: JSON.stringify([]),
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '=', retry.previousStatus)
    .where('attempt', '=', retry.previousAttempt)
    .returningAll()
    .executeTakeFirst();
  if (row) await insertEventOnce(db, tenantId, id, retry.event);
  return row;
}
