import type { ActionParams } from '../plan/action-types';
import { MAX_AVAILABILITY_DAYS } from '../plan/date-bounds';
import { parseOffset } from '../plan/offset';
import { PRIMARY_CALENDAR, type MeetingRef } from '../providers/calendar-provider';
import { idempotencyKey, type StepInput, type StepOutput } from '../plan/step-io';
import { followMeeting } from '../reminders/reminder-sync';
import { findTenant } from '../tenants/tenants-repository';
import { longestWorkingStretch } from '../tenants/working-stretch';
import { dayBounds, isDateOnly, toInstant } from '../time/zoned-time';
import type { ActivityDeps } from './deps';
import { InvalidStepError, NoAvailabilityError } from './errors';
import { createCalendarBatch } from './calendar-batch';
import { freeSlots } from './free-slots';
import { queryOf } from './meeting-query';

const DAY_MS = 24 * 3600 * 1000;

/** Calendar steps: book, move, cancel, find meetings and find free time. */
export function createCalendarActivities(deps: ActivityDeps) {
  const { calendar } = deps;
  const batch = createCalendarBatch(deps);
  const refOf = (
    p: ActionParams<'update_meeting' | 'cancel_meeting'>,
    timezone: string,
  ): MeetingRef => {
    if (!p.meeting_id && !p.match)
      throw new InvalidStepError('no meeting_id or match, given or chained');
    return {
      meeting_id: p.meeting_id,
      calendar: p.calendar,
      match: p.meeting_id ? undefined : queryOf(p.match, p.calendar, timezone, deps.now()),
    };
  };
  return {
    async book_meeting(input: StepInput<'book_meeting'>): Promise<StepOutput> {
      const p = input.params;
      if (p.items) return batch.bookItems(input);
      if (!p.time) throw new InvalidStepError('book_meeting has no time, given or chained');
      if (!p.title) throw new InvalidStepError('book_meeting has no title');
      const start = toInstant(p.time, input.timezone);
      const meeting = await calendar.book({
        tenant_id: input.tenant_id,
        idempotency_key: idempotencyKey(input),
        title: p.title,
        start,
        end: new Date(start.getTime() + p.duration_minutes * 60_000),
        attendees: p.attendees ?? [],
        calendar: p.calendar,
        description: p.description,
        location: p.location,
        plan_id: input.plan_id,
        step_index: input.step,
      });
      return { ...meeting };
    },

    async update_meeting(input: StepInput<'update_meeting'>): Promise<StepOutput> {
      const p = input.params;
      if (p.all) return batch.changeAll(input, 'update');
      const { meeting, previous } = await calendar.update({
        tenant_id: input.tenant_id,
        idempotency_key: idempotencyKey(input),
        ref: refOf(p, input.timezone),
        changes: {
          start: p.time ? toInstant(p.time, input.timezone) : undefined,
          shift_ms: p.shift ? (parseOffset(p.shift) ?? undefined) : undefined,
          duration_minutes: p.duration_minutes,
          title: p.title,
        },
      });
      await followMeeting(deps, input.tenant_id, meeting);
      return { ...meeting, previous };
    },

    async cancel_meeting(input: StepInput<'cancel_meeting'>): Promise<StepOutput> {
      const p = input.params;
      if (p.all) return batch.changeAll(input, 'cancel');
      const meeting = await calendar.cancel({
        tenant_id: input.tenant_id,
        idempotency_key: idempotencyKey(input),
        ref: refOf(p, input.timezone),
        reason: p.reason,
      });
      await followMeeting(deps, input.tenant_id, meeting, idempotencyKey(input));
      return { ...meeting };
    },

    async check_availability(input: StepInput<'check_availability'>): Promise<StepOutput> {
      const p = input.params;
      const tenant = await findTenant(deps.db, input.tenant_id);
      if (!tenant) throw new InvalidStepError(`tenant ${input.tenant_id} does not exist`);
      const tz = input.timezone;
      const requestedFrom = isDateOnly(p.from)
        ? dayBounds(p.from, tz).start
        : toInstant(p.from, tz);
      const from = new Date(Math.max(requestedFrom.getTime(), deps.now().getTime()));
      const to = p.to
        ? isDateOnly(p.to)
          ? dayBounds(p.to, tz).end
          : toInstant(p.to, tz)
        : isDateOnly(p.from)
          ? dayBounds(p.from, tz).end
          : new Date(from.getTime() + 7 * DAY_MS);
      // Validation refuses these too; the worker checks again so a plan that slipped
      // past it (an old row, another client) can never walk years of days. A day of
      // slack covers DST days, which validation cannot see.
      if (to <= requestedFrom) {
        throw new InvalidStepError(`to (${to.toISOString()}) is not after from`);
      }
      if (to.getTime() - requestedFrom.getTime() > (MAX_AVAILABILITY_DAYS + 1) * DAY_MS) {
        throw new InvalidStepError(
          `the window from ${requestedFrom.toISOString()} to ${to.toISOString()} is longer than ${MAX_AVAILABILITY_DAYS} days`,
        );
      }
      const calendars =
        p.calendar === undefined
          ? [PRIMARY_CALENDAR]
          : typeof p.calendar === 'string'
            ? [p.calendar]
            : p.calendar;
      const hours = tenant.settings.working_hours;
      const stretch = longestWorkingStretch(hours);
      if (p.duration_minutes > stretch) {
        throw new NoAvailabilityError(
          `a ${p.duration_minutes}-minute meeting never fits in working hours whose longest stretch is ${stretch} minutes`,
        );
      }
      const slots = freeSlots({
        from,
        to,
        durationMinutes: p.duration_minutes,
        timezone: tz,
        workingHours: hours,
        busy: to > from ? await calendar.busy(input.tenant_id, from, to, calendars) : [],
      });
      if (slots.length === 0) {
        throw new NoAvailabilityError(
          `no free ${p.duration_minutes}-minute slot between ${from.toISOString()} and ${to.toISOString()}`,
        );
      }
      const first = slots[0].start;
      return {
        slots: slots.map((s) => ({ start: s.start.toISOString(), end: s.end.toISOString() })),
        start_time: first.toISOString(),
        end_time: new Date(first.getTime() + p.duration_minutes * 60_000).toISOString(),
        duration_minutes: p.duration_minutes,
        calendars,
      };
    },

    find_meetings: (input: StepInput<'find_meetings'>) => batch.find(input),
  };
}
