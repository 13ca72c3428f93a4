import type { Kysely, Selectable } from 'kysely';
import type { Database, PlanEventsTable } from '../db/database';

type EventRow = Pick<
  Selectable<PlanEventsTable>,
  'id' | 'step_index' | 'kind' | 'detail' | 'attempt' | 'created_at'
>;

/** A plan's events after `after` (an event id; '0' for all), oldest first. */
export function planEventsAfter(
  db: Kysely<Database>,
  tenantId: string,
  planId: string,
  after: string,
  limit: number,
): Promise<EventRow[]> {
  return db
    .selectFrom('plan_events')
    .select(['id', 'step_index', 'kind', 'detail', 'attempt', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('plan_id', '=', planId)
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** One event as streams send it. */
export function planEventData(planId: string, e: EventRow) {
  return {
    plan_id: planId,
    kind: e.kind,
    step: e.step_index,
    attempt: e.attempt,
    detail: e.detail,
    created_at: e.created_at.toISOString(),
  };
}
