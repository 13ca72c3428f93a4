import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { CalendarConflictError, MeetingNotFoundError } from '../activities/errors';
import { calendarName, dateTime } from '../plan/action-params';
import { isInYearRange, YEARS_MESSAGE } from '../plan/date-bounds';
import { timeZone } from '../plan/plan-schema';
import type { CalendarProvider, Meeting } from '../providers/calendar-provider';
import { followMeeting, type ReminderSyncDeps } from '../reminders/reminder-sync';
import { toInstant } from '../time/zoned-time';
import { HttpError, notFound } from './http-error';
import { parseBody } from './parse-body';
import { requireJson } from './require-json';
import { decodeCursor, encodeCursor, limitParam, parseQuery } from './pagination';
import { tenantOf } from './tenant-context';

const instant = z.iso
  .datetime({
    offset: true,
    error: 'must be an ISO-8601 instant with an offset or Z',
  })
  .refine(isInYearRange, { error: YEARS_MESSAGE });

export const eventsQuery = z.strictObject({
  from: instant.optional(),
  to: instant.optional(),
  status: z.enum(['confirmed', 'cancelled']).optional(),
  calendar: calendarName.optional(),
  limit: limitParam,
  cursor: z.string().max(500).optional(),
});

export const changeBody = z
  .strictObject({
    time: dateTime.optional(),
    duration_minutes: z.int().min(5).max(1440).optional(),
    title: z.string().trim().min(1).max(200).optional(),
    /** The zone a time without offset is read in; default: the tenant's. */
    timezone: timeZone.optional(),
  })
  .refine((b) => b.time ?? b.duration_minutes ?? b.title, {
    error: 'give time, duration_minutes or title',
  });

export const cancelBody = z.strictObject({ reason: z.string().trim().max(1000).optional() });

export interface CalendarRoutesDeps extends ReminderSyncDeps {
  calendar: CalendarProvider;
}

/** The tenant's calendar: list events, move or cancel one (its reminders follow). */
export function calendarRoutes(deps: CalendarRoutesDeps): Router {
  const router = Router();

  const change = async (res: Response, apply: () => Promise<Meeting>) => {
    try {
      const meeting = await apply();
      await followMeeting(deps, tenantOf(res).id, meeting);
      res.json(meeting);
    } catch (err) {
      if (err instanceof MeetingNotFoundError) throw notFound('meeting');
      if (err instanceof CalendarConflictError)
        throw new HttpError(409, 'calendar_conflict', err.message);
      throw err;
    }
  };
  const keyOf = (req: Request) => `api:${req.header('idempotency-key') ?? randomUUID()}`;

  router.patch('/v1/calendar/events/:id', requireJson, async (req, res) => {
    const body = parseBody(changeBody, req.body ?? {});
    const tenant = tenantOf(res);
    const timezone = body.timezone ?? tenant.timezone;
    await change(res, async () => {
      const { meeting } = await deps.calendar.update({
        tenant_id: tenant.id,
        idempotency_key: keyOf(req),
        ref: { meeting_id: String(req.params.id) },
        changes: {
          start: body.time ? toInstant(body.time, timezone) : undefined,
          duration_minutes: body.duration_minutes,
          title: body.title,
        },
      });
      return meeting;
    });
  });

  router.delete('/v1/calendar/events/:id', async (req, res) => {
    const body = parseBody(cancelBody, req.body ?? {});
    const tenant = tenantOf(res);
    await change(res, () =>
      deps.calendar.cancel({
        tenant_id: tenant.id,
        idempotency_key: keyOf(req),
        ref: { meeting_id: String(req.params.id) },
        reason: body.reason,
      }),
    );
  });

  router.get('/v1/calendar/events', async (req, res) => {
    const query = parseQuery(eventsQuery, req.query);
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const meetings = await deps.calendar.list(tenantOf(res).id, {
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      status: query.status,
      calendar: query.calendar,
      limit: query.limit,
      after: after && { start: after.created_at, meeting_id: after.id },
    });
    // The cursor carries the last meeting's (start, id): the order the calendar lists in.
    const last = meetings.length === query.limit ? meetings[meetings.length - 1] : undefined;
    res.json({
      data: meetings,
      next_cursor: last
        ? encodeCursor({ created_at: new Date(last.start_time), id: last.meeting_id })
        : null,
    });
  });
  return router;
}
