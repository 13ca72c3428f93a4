import { Router } from 'express';
import type { Kysely } from 'kysely';
import { isUuid } from '../db/calendar-repository';
import type { Database, PlanRow } from '../db/database';
import { findPlan } from '../db/plans-repository';
import { TERMINAL_PLAN_STATUSES, type PlanStatus } from '../workflows/definitions';
import { HttpError, notFound } from './http-error';
import type { PlanEventFeed } from './plan-event-feed';
import { openEventStream } from './event-stream';
import { planEventData, planEventsAfter } from './plan-events-reader';
import { planView } from './plan-view';
import { canSee } from './plan-visibility';
import { principalOf, tenantOf } from './tenant-context';

export interface PlanStreamDeps {
  db: Kysely<Database>;
  /** Wakes streams when their plan has a new event; without it they only poll. */
  feed?: PlanEventFeed;
  /** Ends every open stream when aborted (the server is shutting down). */
  shutdown?: AbortSignal;
  webUiLink: (workflowId: string) => string;
  limits?: Partial<typeof STREAM_LIMITS>;
}

export const STREAM_LIMITS = {
  /** A comment line this often keeps proxies from closing a quiet stream. */
  heartbeatMs: 15_000,
  /** Read the events this often even without a notification: the feed may be reconnecting. */
  pollMs: 5_000,
  /** Streams one process serves at once; more get 503 with Retry-After. */
  maxStreams: 1_000,
  /** A stream ends after this long; the client resumes with Last-Event-ID. */
  maxLifetimeMs: 60 * 60_000,
  /** Unsent bytes a slow client may hold before its stream is ended (it resumes later). */
  maxBufferedBytes: 1_000_000,
  /** Events read per query. */
  batch: 200,
};

const TERMINAL_EVENTS = new Set(TERMINAL_PLAN_STATUSES.map((s) => `plan_${s}`));
const EVENT_ID = /^\d{1,19}$/;

/**
 * GET /v1/plans/:id/stream: Server-Sent Events of one plan. Without
 * Last-Event-ID the plan's current view comes first (`state`, its id the
 * plan's latest event), then every event after it, each with its event id,
 * until the plan ends; with Last-Event-ID only the events after that one.
 * Postgres drives it: a NOTIFY per new event wakes the stream, which reads
 * the event table; no stream asks Temporal anything.
 */
export function planStreamRoutes(deps: PlanStreamDeps): Router {
  const router = Router();
  const limits = { ...STREAM_LIMITS, ...deps.limits };
  let open = 0;

  router.get('/v1/plans/:id/stream', async (req, res) => {
    const tenant = tenantOf(res);
    const row = isUuid(req.params.id)
      ? await findPlan(deps.db, tenant.id, req.params.id)
      : undefined;
    if (!row || !canSee(row, principalOf(res), tenant)) throw notFound('plan');
    const raw: unknown = req.get('last-event-id') ?? req.query.last_event_id;
    // A repeated query parameter arrives as an array: refused like any other bad id.
    const given = typeof raw === 'string' ? raw : raw === undefined ? undefined : '';
    if (given !== undefined && !EVENT_ID.test(given.trim())) {
      throw new HttpError(400, 'invalid_request', 'Last-Event-ID must be an event id', [
        { path: 'Last-Event-ID', message: 'must be the id of an event this stream sent' },
      ]);
    }
    if (open >= limits.maxStreams) {
      throw new HttpError(
        503,
        'too_many_streams',
        `Errand is serving ${open} streams, its limit; retry later`,
        [],
        { 'retry-after': '5' },
      );
    }

    open += 1;
    const stream = openEventStream(res, {
      limits,
      shutdown: deps.shutdown,
      onEnd: () => (open -= 1),
    });
    let cursor = given?.trim() ?? null;
    const readNew = async () => {
      for (;;) {
        const events = await planEventsAfter(
          deps.db,
          tenant.id,
          row.id,
          cursor ?? '0',
          limits.batch,
        );
        for (const e of events) {
          stream.send(e.kind, e.id, planEventData(row.id, e));
          cursor = e.id;
          if (TERMINAL_EVENTS.has(e.kind)) return stream.end();
        }
        if (events.length < limits.batch || stream.isEnded()) return;
      }
    };

    try {
      if (cursor === null) {
        const snapshot = await stateWithLastEvent(deps.db, tenant.id, row.id);
        cursor = snapshot.lastEventId ?? '0';
        // Id 0 before the plan's first event: resuming from it gives every event.
        stream.send('state', cursor, {
          ...planView(snapshot.row, { webUi: deps.webUiLink(snapshot.row.workflow_id) }),
        });
        if (isTerminal(snapshot.row.status)) return stream.end();
      } else if (isTerminal(row.status)) {
        // A plan that ended before the events asked for: nothing more will come.
        await readNew();
        return stream.end();
      }
    } catch (err) {
      req.log?.warn({ err }, 'plan stream could not start');
      return stream.end();
    }
    // Postgres away: the next notification or poll reads again from the same cursor.
    await stream.follow(readNew, deps.feed && ((wake) => deps.feed!.subscribe(row.id, wake)));
  });

  return router;
}

function isTerminal(status: string): boolean {
  return TERMINAL_PLAN_STATUSES.includes(status as PlanStatus);
}

/** The plan and the id of its latest event, read as of one instant. */
async function stateWithLastEvent(
  db: Kysely<Database>,
  tenantId: string,
  planId: string,
): Promise<{ row: PlanRow; lastEventId: string | null }> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const last = await trx
        .selectFrom('plan_events')
        .select((eb) => eb.fn.max('id').as('id'))
        .where('tenant_id', '=', tenantId)
        .where('plan_id', '=', planId)
        .executeTakeFirst();
      const row = await findPlan(trx, tenantId, planId);
      if (!row) throw notFound('plan');
      return { row, lastEventId: last?.id ? String(last.id) : null };
    });
}
