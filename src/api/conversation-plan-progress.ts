import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { TERMINAL_PLAN_STATUSES } from '../workflows/definitions';
import type { EventStream } from './event-stream';
import { planEventData, planEventsAfter } from './plan-events-reader';
import type { PlanEventFeed } from './plan-event-feed';

/** Where a conversation's turn stops following its plan: its end, or a wait for a person. */
const LAST_EVENTS = new Set([
  ...TERMINAL_PLAN_STATUSES.map((s) => `plan_${s}`),
  'approval_requested',
]);

/**
 * Streams the events of the plan a turn started, from its first, until it
 * ends or waits for an approval (GET /v1/plans/:id/stream follows it from
 * there); then ends the stream.
 */
export async function followPlan(
  stream: EventStream,
  deps: { db: Kysely<Database>; feed?: PlanEventFeed },
  tenantId: string,
  planId: string,
): Promise<void> {
  let cursor = '0';
  await stream.follow(
    async () => {
      const events = await planEventsAfter(deps.db, tenantId, planId, cursor, 200);
      for (const e of events) {
        stream.send(e.kind, e.id, planEventData(planId, e));
        cursor = e.id;
        if (LAST_EVENTS.has(e.kind)) return stream.end();
      }
    },
    deps.feed && ((wake) => deps.feed!.subscribe(planId, wake)),
  );
}
