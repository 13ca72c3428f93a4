import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { listEvents, toMeeting } from '../db/calendar-repository';
import type { Database } from '../db/database';
import { limitParam, parseQuery } from './pagination';
import { tenantOf } from './tenant-context';

const instant = z.iso.datetime({
  offset: true,
  error: 'must be an ISO-8601 instant with an offset or Z',
});

const eventsQuery = z.strictObject({
  from: instant.optional(),
  to: instant.optional(),
  status: z.enum(['confirmed', 'cancelled']).optional(),
  limit: limitParam,
});

/** The built-in calendar's events, for the tenant. */
export function calendarRoutes(db: Kysely<Database>): Router {
  const router = Router();
  router.get('/v1/calendar/events', async (req, res) => {
    const query = parseQuery(eventsQuery, req.query);
    const rows = await listEvents(db, tenantOf(res).id, {
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      status: query.status,
      limit: query.limit,
    });
    res.json({
      data: rows.map((row) => ({
        ...toMeeting(row),
        plan_id: row.plan_id,
        step: row.step_index,
        created_at: row.created_at.toISOString(),
      })),
    });
  });
  return router;
}
