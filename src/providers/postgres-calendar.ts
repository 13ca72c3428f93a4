import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import {
  AmbiguousMeetingError,
  CalendarConflictError,
  MeetingNotFoundError,
} from '../activities/errors';
import {
  EXCLUSION_VIOLATION,
  findEventForUpdate,
  insertEventOnce,
  matchEvents,
  listEvents,
  overlappingEvents,
  toMeeting,
} from '../db/calendar-repository';
import type { CalendarEventRow, Database } from '../db/database';
import { describeQuery } from './describe-query';
import {
  PRIMARY_CALENDAR,
  type BookRequest,
  type CalendarProvider,
  type ChangeRequest,
  type MeetingChanges,
  type MeetingRef,
  type UpdateResult,
} from './calendar-provider';

export interface PostgresCalendarConfig {
  db: Kysely<Database>;
  /** Join links are this base followed by the meeting id. */
  meetingLinkBase: string;
  now?: () => Date;
}

/**
 * The built-in calendar: events in Postgres, double bookings refused by the
 * database within each of the tenant's calendars (the exclusion constraint
 * covers tenant, calendar and time); meeting ids are unique across them.
 */
export function createPostgresCalendar(config: PostgresCalendarConfig): CalendarProvider {
  const { db } = config;
  const now = config.now ?? (() => new Date());

  const conflictMessage = async (
    tenantId: string,
    calendar: string,
    start: Date,
    end: Date,
    exceptId?: string,
  ) => {
    const clash = (await overlappingEvents(db, tenantId, start, end, calendar)).find(
      (e) => e.id !== exceptId,
    );
    const where = calendar === PRIMARY_CALENDAR ? '' : ` on calendar ${calendar}`;
    return clash
      ? `the slot ${start.toISOString()}–${end.toISOString()}${where} clashes with "${clash.title}" (${clash.start_at.toISOString()}–${clash.end_at.toISOString()})`
      : `the slot ${start.toISOString()}–${end.toISOString()}${where} clashes with another meeting`;
  };

  const resolve = async (trx: Transaction<Database>, tenantId: string, ref: MeetingRef) => {
    if (ref.meeting_id) {
      const found = await findEventForUpdate(trx, tenantId, ref.meeting_id);
      if (!found) throw new MeetingNotFoundError(`no meeting with id ${ref.meeting_id}`);
      return found;
    }
    const match = ref.match ?? { calendar: PRIMARY_CALENDAR, endAfter: now() };
    const candidates = await matchEvents(trx, tenantId, match, 10);
    if (candidates.length === 0) {
      throw new MeetingNotFoundError(`no confirmed meeting matches ${describeQuery(match)}`);
    }
    if (candidates.length > 1) {
      const list = candidates.map((c) => `${c.id} "${c.title}" at ${c.start_at.toISOString()}`);
      throw new AmbiguousMeetingError(
        `${candidates.length} meetings match; give meeting_id: ${list.join('; ')}`,
      );
    }
    const locked = await findEventForUpdate(trx, tenantId, candidates[0].id);
    if (!locked) throw new MeetingNotFoundError(`meeting ${candidates[0].id} vanished`);
    return locked;
  };

  /** Runs a change once per idempotency key; a repeat returns the recorded outcome. */
  const changeOnce = async <T>(
    request: ChangeRequest,
    kind: 'update' | 'cancel' | 'restore',
    apply: (trx: Transaction<Database>, event: CalendarEventRow) => Promise<CalendarEventRow>,
    replay: (event: CalendarEventRow, previous: Record<string, unknown>) => T,
    fresh: (event: CalendarEventRow, previous: CalendarEventRow) => T,
  ): Promise<T> =>
    db.transaction().execute(async (trx) => {
      const done = await trx
        .selectFrom('calendar_changes')
        .innerJoin('calendar_events', 'calendar_events.id', 'calendar_changes.event_id')
        .selectAll('calendar_events')
        .select('calendar_changes.previous')
        .where('calendar_changes.tenant_id', '=', request.tenant_id)
        .where('calendar_changes.idempotency_key', '=', request.idempotency_key)
        .executeTakeFirst();
      if (done) {
        const { previous, ...event } = done;
        return replay(event, previous);
      }
      const event = await resolve(trx, request.tenant_id, request.ref);
      const expected = kind === 'restore' ? 'cancelled' : 'confirmed';
      if (event.status !== expected) {
        throw new MeetingNotFoundError(`meeting ${event.id} is ${event.status}, not ${expected}`);
      }
      const changed = await apply(trx, event);
      await trx
        .insertInto('calendar_changes')
        .values({
          id: randomUUID(),
          tenant_id: request.tenant_id,
          event_id: event.id,
          kind,
          previous: JSON.stringify({
            start_time: event.start_at.toISOString(),
            end_time: event.end_at.toISOString(),
            title: event.title,
          }),
          idempotency_key: request.idempotency_key,
        })
        .execute();
      return fresh(changed, event);
    });

  return {
    async book(request: BookRequest) {
      const id = randomUUID();
      const calendar = request.calendar ?? PRIMARY_CALENDAR;
      try {
        const row = await insertEventOnce(db, {
          id,
          tenant_id: request.tenant_id,
          calendar_id: calendar,
          title: request.title,
          description: request.description ?? null,
          location: request.location ?? null,
          start_at: request.start,
          end_at: request.end,
          attendees: request.attendees,
          join_link: `${config.meetingLinkBase}${id}`,
          idempotency_key: request.idempotency_key,
          plan_id: request.plan_id ?? null,
          step_index: request.step_index ?? null,
        });
        return toMeeting(row);
      } catch (err) {
        if (isExclusionViolation(err)) {
          throw new CalendarConflictError(
            await conflictMessage(request.tenant_id, calendar, request.start, request.end),
          );
        }
        throw err;
      }
    },

    async update(request: ChangeRequest & { changes: MeetingChanges }): Promise<UpdateResult> {
      const { changes } = request;
      let target: { start: Date; end: Date; id: string; calendar: string } | null = null;
      try {
        return await changeOnce<UpdateResult>(
          request,
          'update',
          async (trx, event) => {
            const length = changes.duration_minutes
              ? changes.duration_minutes * 60_000
              : event.end_at.getTime() - event.start_at.getTime();
            const start =
              changes.start ?? new Date(event.start_at.getTime() + (changes.shift_ms ?? 0));
            target = {
              start,
              end: new Date(start.getTime() + length),
              id: event.id,
              calendar: event.calendar_id,
            };
            return trx
              .updateTable('calendar_events')
              .set({
                start_at: target.start,
                end_at: target.end,
                title: changes.title ?? event.title,
                updated_at: new Date(),
              })
              .where('id', '=', event.id)
              .returningAll()
              .executeTakeFirstOrThrow();
          },
          (event, previous) => ({
            meeting: toMeeting(event),
            previous: previous as UpdateResult['previous'],
          }),
          (event, before) => ({
            meeting: toMeeting(event),
            previous: {
              start_time: before.start_at.toISOString(),
              end_time: before.end_at.toISOString(),
              title: before.title,
            },
          }),
        );
      } catch (err) {
        const t = target as { start: Date; end: Date; id: string; calendar: string } | null;
        if (isExclusionViolation(err) && t) {
          throw new CalendarConflictError(
            await conflictMessage(request.tenant_id, t.calendar, t.start, t.end, t.id),
          );
        }
        throw err;
      }
    },

    async cancel(request: ChangeRequest & { reason?: string }) {
      return changeOnce(
        request,
        'cancel',
        (trx, event) =>
          trx
            .updateTable('calendar_events')
            .set({
              status: 'cancelled',
              cancel_reason: request.reason ?? null,
              updated_at: new Date(),
            })
            .where('id', '=', event.id)
            .returningAll()
            .executeTakeFirstOrThrow(),
        (event) => toMeeting(event),
        (event) => toMeeting(event),
      );
    },

    async restore(request: ChangeRequest) {
      try {
        return await changeOnce(
          request,
          'restore',
          (trx, event) =>
            trx
              .updateTable('calendar_events')
              .set({ status: 'confirmed', cancel_reason: null, updated_at: new Date() })
              .where('id', '=', event.id)
              .returningAll()
              .executeTakeFirstOrThrow(),
          (event) => toMeeting(event),
          (event) => toMeeting(event),
        );
      } catch (err) {
        if (!isExclusionViolation(err)) throw err;
        throw new CalendarConflictError(
          `meeting ${String(request.ref.meeting_id)} cannot be restored: its slot is taken`,
        );
      }
    },

    async busy(tenantId, from, to, calendars = [PRIMARY_CALENDAR]) {
      const busy = [];
      // One query per calendar, each served by the exclusion constraint's index.
      for (const calendar of new Set(calendars)) {
        const events = await overlappingEvents(db, tenantId, from, to, calendar);
        busy.push(...events.map((e) => ({ start: e.start_at, end: e.end_at })));
      }
      return busy;
    },

    async find(tenantId, query, limit) {
      return (await matchEvents(db, tenantId, query, limit)).map(toMeeting);
    },

    async list(tenantId, filter) {
      const rows = await listEvents(db, tenantId, {
        from: filter.from,
        to: filter.to,
        status: filter.status,
        calendar: filter.calendar,
        limit: filter.limit,
        after: filter.after && { created_at: filter.after.start, id: filter.after.meeting_id },
      });
      return rows.map((row) => ({
        ...toMeeting(row),
        plan_id: row.plan_id,
        step: row.step_index,
        created_at: row.created_at.toISOString(),
      }));
    },
  };
}

function isExclusionViolation(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { code?: string }).code === EXCLUSION_VIOLATION
  );
}
