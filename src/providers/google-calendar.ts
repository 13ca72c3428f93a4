import { createHash } from 'node:crypto';
import { google, type calendar_v3 } from 'googleapis';
import type { Kysely } from 'kysely';
import {
  AmbiguousMeetingError,
  CalendarConflictError,
  InvalidStepError,
  MeetingNotFoundError,
} from '../activities/errors';
import type { Database } from '../db/database';
import { findTenant } from '../tenants/tenants-repository';
import {
  PRIMARY_CALENDAR,
  type CalendarProvider,
  type Meeting,
  type MeetingQuery,
  type MeetingRef,
} from './calendar-provider';
import { describeQuery } from './describe-query';
import type { GoogleAuth } from './google-auth';
import { googleTransport, type GoogleConfig, type GoogleOAuthClient } from './google-config';
import { googleStatus } from './google-failure';

export interface GoogleCalendarDeps {
  db: Kysely<Database>;
  auth: GoogleAuth;
  google: GoogleConfig;
  now: () => Date;
}

/** Events a single-meeting match looks through, at most: it is meant to find one. */
const MAX_MATCH_CANDIDATES = 50;
/** Pages of events.list one query reads, at most, so a sparse match cannot walk a whole calendar. */
const MAX_LIST_PAGES = 5;
const LIST_PAGE_SIZE = 250;
/** Events a booking's clash check reads in its slot. */
const MAX_SLOT_EVENTS = 50;

/**
 * An event id Calendar accepts (base32hex: 0-9 and a-v, 5 to 1024 characters;
 * hex is a subset), derived from the tenant and the step's key, so a retried
 * booking names the same event and Calendar refuses a second one with 409.
 */
export function googleEventId(tenantId: string, idempotencyKey: string): string {
  return createHash('sha256').update(`${tenantId}\0${idempotencyKey}`).digest('hex');
}

const rejected = (message: string) => new InvalidStepError(message);

/**
 * The Google Calendar id of a calendar name: `primary` is the grant's own; a
 * name in the tenant's `calendars` setting is the id given there; an email or
 * Calendar id (anything with an @) is used as it is. Any other name is refused,
 * so a misspelt name never books into a calendar nobody meant.
 */
export function googleCalendarId(name: string, mapped: Record<string, string>): string {
  if (mapped[name] !== undefined) return mapped[name];
  if (name === PRIMARY_CALENDAR || name.includes('@')) return name;
  throw new InvalidStepError(
    `calendar "${name}" is not known to Google: set calendars.${name} in PUT /v1/settings to its Google Calendar id (an email or …@group.calendar.google.com), or give that id as the calendar`,
  );
}

const overlaps = (e: calendar_v3.Schema$Event, start: Date, end: Date) =>
  !!e.start?.dateTime &&
  !!e.end?.dateTime &&
  Date.parse(e.start.dateTime) < end.getTime() &&
  Date.parse(e.end.dateTime) > start.getTime();

/**
 * Google Calendar through googleapis, per tenant by its OAuth grant, on the
 * calendar each step names (see googleCalendarId): book checks the slot on that
 * calendar for another busy event, then inserts with the attendees invited
 * (sendUpdates=all) and a Meet link asked for through conference data; update
 * patches, cancel deletes, restore sets the event confirmed again; busy is
 * freeBusy over the named calendars. Every write is safe to retry: bookings by
 * their derived id, changes by the recorded `previous` (written before the
 * change, and what a move or shift counts from) and by reading the event first.
 */
export function createGoogleCalendar(deps: GoogleCalendarDeps): CalendarProvider {
  const transport = googleTransport(deps.google);
  const api = (auth: GoogleOAuthClient) =>
    google.calendar({
      version: 'v3',
      auth,
      ...(deps.google.apiRootUrl ? { rootUrl: deps.google.apiRootUrl } : {}),
      ...transport,
    });
  const run = <T>(tenantId: string, call: (calendar: calendar_v3.Calendar) => Promise<T>) =>
    deps.auth.run(tenantId, 'calendar', rejected, (auth) => call(api(auth)));
  const calendarIds = async (tenantId: string) =>
    (await findTenant(deps.db, tenantId))?.settings.calendars ?? {};
  const idOf = async (tenantId: string, name: string | undefined) =>
    googleCalendarId(name ?? PRIMARY_CALENDAR, await calendarIds(tenantId));

  const getEvent = async (calendar: calendar_v3.Calendar, calendarId: string, eventId: string) => {
    try {
      return (await calendar.events.get({ calendarId, eventId })).data;
    } catch (err) {
      const status = googleStatus(err);
      if (status === 404 || status === 410)
        throw new MeetingNotFoundError(`no meeting with id ${eventId}`);
      throw err;
    }
  };

  /** Confirmed events a query selects, earliest first, reading a few pages at most. */
  const query = async (
    calendar: calendar_v3.Calendar,
    calendarId: string,
    q: MeetingQuery,
    limit: number,
  ) => {
    const found: calendar_v3.Schema$Event[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES && found.length < limit; page++) {
      const listed = await calendar.events.list({
        calendarId,
        // timeMin bounds an event's end and timeMax its start, as Calendar reads them.
        timeMin: (q.startFrom ?? q.endAfter ?? new Date(0)).toISOString(),
        ...(q.startBefore ? { timeMax: q.startBefore.toISOString() } : {}),
        singleEvents: true,
        orderBy: 'startTime',
        maxResults: LIST_PAGE_SIZE,
        ...(q.title ? { q: q.title } : {}),
        ...(pageToken ? { pageToken } : {}),
      });
      for (const e of listed.data.items ?? []) {
        const start = e.start?.dateTime ? Date.parse(e.start.dateTime) : NaN;
        if (
          e.status !== 'cancelled' &&
          !Number.isNaN(start) &&
          (!q.startFrom || start >= q.startFrom.getTime()) &&
          (!q.title || (e.summary ?? '').toLowerCase().includes(q.title.toLowerCase())) &&
          (!q.attendee ||
            (e.attendees ?? []).some((a) => a.email?.toLowerCase() === q.attendee!.toLowerCase()))
        ) {
          found.push(e);
        }
      }
      pageToken = listed.data.nextPageToken ?? undefined;
      if (!pageToken) break;
    }
    return found.slice(0, limit);
  };

  const resolve = async (calendar: calendar_v3.Calendar, tenantId: string, ref: MeetingRef) => {
    const name = ref.match?.calendar ?? ref.calendar ?? PRIMARY_CALENDAR;
    const calendarId = await idOf(tenantId, name);
    if (ref.meeting_id) {
      return { name, calendarId, event: await getEvent(calendar, calendarId, ref.meeting_id) };
    }
    const match = ref.match ?? { calendar: name, endAfter: deps.now() };
    const candidates = await query(calendar, calendarId, match, MAX_MATCH_CANDIDATES);
    if (candidates.length === 0) {
      throw new MeetingNotFoundError(`no confirmed meeting matches ${describeQuery(match)}`);
    }
    if (candidates.length > 1) {
      const list = candidates.map((c) => `${c.id} "${c.summary}" at ${c.start?.dateTime}`);
      throw new AmbiguousMeetingError(
        `${candidates.length} meetings match; give meeting_id: ${list.join('; ')}`,
      );
    }
    return { name, calendarId, event: candidates[0]! };
  };

  /** What an event was before the change `key` makes; the first answer is kept, so retries agree. */
  const recordPrevious = async (
    tenantId: string,
    key: string,
    calendarId: string,
    event: calendar_v3.Schema$Event,
  ) => {
    const meeting = toMeeting(event, '');
    await deps.db
      .insertInto('google_calendar_changes')
      .values({
        tenant_id: tenantId,
        idempotency_key: key,
        calendar_id: calendarId,
        event_id: meeting.meeting_id,
        previous: JSON.stringify({
          start_time: meeting.start_time,
          end_time: meeting.end_time,
          title: meeting.title,
        }),
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
      .execute();
    const row = await deps.db
      .selectFrom('google_calendar_changes')
      .select(['event_id', 'previous'])
      .where('tenant_id', '=', tenantId)
      .where('idempotency_key', '=', key)
      .executeTakeFirstOrThrow();
    return row as {
      event_id: string;
      previous: { start_time: string; end_time: string; title: string };
    };
  };

  return {
    book(request) {
      const eventId = googleEventId(request.tenant_id, request.idempotency_key);
      const name = request.calendar ?? PRIMARY_CALENDAR;
      return run(request.tenant_id, async (calendar) => {
        const calendarId = await idOf(request.tenant_id, name);
        // Calendar itself accepts overlaps; this reads the slot first (not atomic, unlike the
        // built-in's constraint: a booking made elsewhere in between is not seen).
        const inSlot = await calendar.events.list({
          calendarId,
          timeMin: request.start.toISOString(),
          timeMax: request.end.toISOString(),
          singleEvents: true,
          maxResults: MAX_SLOT_EVENTS,
        });
        const clash = (inSlot.data.items ?? []).find(
          (e) =>
            e.id !== eventId &&
            e.status !== 'cancelled' &&
            e.transparency !== 'transparent' &&
            overlaps(e, request.start, request.end),
        );
        if (clash) {
          const where = name === PRIMARY_CALENDAR ? '' : ` on calendar ${name}`;
          throw new CalendarConflictError(
            `the slot ${request.start.toISOString()}–${request.end.toISOString()}${where} clashes with "${clash.summary ?? ''}" (${clash.start?.dateTime}–${clash.end?.dateTime})`,
          );
        }
        try {
          const inserted = await calendar.events.insert({
            calendarId,
            conferenceDataVersion: 1,
            sendUpdates: 'all',
            requestBody: {
              id: eventId,
              summary: request.title,
              description: request.description,
              location: request.location,
              start: { dateTime: request.start.toISOString() },
              end: { dateTime: request.end.toISOString() },
              attendees: request.attendees.map((email) => ({ email })),
              conferenceData: {
                createRequest: {
                  requestId: eventId,
                  conferenceSolutionKey: { type: 'hangoutsMeet' },
                },
              },
              extendedProperties: {
                private: {
                  errand_plan_id: request.plan_id ?? '',
                  errand_step: request.step_index === undefined ? '' : String(request.step_index),
                },
              },
            },
          });
          return toMeeting(inserted.data, name);
        } catch (err) {
          // The id is this step's: an earlier attempt made the event, and its answer was lost.
          if (googleStatus(err) !== 409) throw err;
          return toMeeting(await getEvent(calendar, calendarId, eventId), name);
        }
      });
    },

    update(request) {
      const { changes } = request;
      return run(request.tenant_id, async (calendar) => {
        const { name, calendarId, event } = await resolve(calendar, request.tenant_id, request.ref);
        if (event.status === 'cancelled') {
          throw new MeetingNotFoundError(`meeting ${event.id} is cancelled, not confirmed`);
        }
        const { previous } = await recordPrevious(
          request.tenant_id,
          request.idempotency_key,
          calendarId,
          event,
        );
        // From what it was before this change, so a retried shift moves it once.
        const start =
          changes.start ?? new Date(Date.parse(previous.start_time) + (changes.shift_ms ?? 0));
        const length = changes.duration_minutes
          ? changes.duration_minutes * 60_000
          : Date.parse(previous.end_time) - Date.parse(previous.start_time);
        const patched = await calendar.events.patch({
          calendarId,
          eventId: event.id!,
          sendUpdates: 'all',
          requestBody: {
            start: { dateTime: start.toISOString() },
            end: { dateTime: new Date(start.getTime() + length).toISOString() },
            ...(changes.title ? { summary: changes.title } : {}),
          },
        });
        return { meeting: toMeeting(patched.data, name), previous };
      });
    },

    cancel(request) {
      return run(request.tenant_id, async (calendar) => {
        const { name, calendarId, event } = await resolve(calendar, request.tenant_id, request.ref);
        // A retry finds the event its first attempt deleted: Calendar keeps it, cancelled.
        if (event.status !== 'cancelled') {
          try {
            await calendar.events.delete({
              calendarId,
              eventId: event.id!,
              sendUpdates: 'all',
            });
          } catch (err) {
            if (googleStatus(err) !== 410) throw err;
          }
        }
        return {
          ...toMeeting(event, name),
          status: 'cancelled' as const,
          cancel_reason: request.reason ?? null,
        };
      });
    },

    restore(request) {
      return run(request.tenant_id, async (calendar) => {
        const { name, calendarId, event } = await resolve(calendar, request.tenant_id, request.ref);
        if (event.status !== 'cancelled') return toMeeting(event, name);
        const patched = await calendar.events.patch({
          calendarId,
          eventId: event.id!,
          sendUpdates: 'all',
          requestBody: { status: 'confirmed' },
        });
        return toMeeting(patched.data, name);
      });
    },

    busy(tenantId, from, to, calendars = [PRIMARY_CALENDAR]) {
      return run(tenantId, async (calendar) => {
        const mapped = await calendarIds(tenantId);
        const ids = [...new Set(calendars.map((name) => googleCalendarId(name, mapped)))];
        const answer = await calendar.freebusy.query({
          requestBody: {
            timeMin: from.toISOString(),
            timeMax: to.toISOString(),
            items: ids.map((id) => ({ id })),
          },
        });
        return ids.flatMap((id) => {
          const entry = answer.data.calendars?.[id];
          const problem = entry?.errors?.[0]?.reason;
          if (!entry || problem) {
            throw new InvalidStepError(
              `Google Calendar gave no free/busy for the calendar ${id} (${problem ?? 'not in the answer'})`,
            );
          }
          return (entry.busy ?? []).flatMap((b) =>
            b.start && b.end ? [{ start: new Date(b.start), end: new Date(b.end) }] : [],
          );
        });
      });
    },

    find(tenantId, q, limit) {
      return run(tenantId, async (calendar) => {
        const calendarId = await idOf(tenantId, q.calendar);
        return (await query(calendar, calendarId, q, limit)).map((e) => toMeeting(e, q.calendar));
      });
    },

    list(tenantId, filter) {
      const name = filter.calendar ?? PRIMARY_CALENDAR;
      return run(tenantId, async (calendar) => {
        const listed = await calendar.events.list({
          calendarId: await idOf(tenantId, name),
          singleEvents: true,
          orderBy: 'startTime',
          showDeleted: filter.status === 'cancelled',
          maxResults: Math.min(2500, filter.limit + 1 + (filter.after ? 250 : 0)),
          ...(filter.from ? { timeMin: filter.from.toISOString() } : {}),
          ...(filter.to ? { timeMax: filter.to.toISOString() } : {}),
        });
        const after = filter.after;
        return (listed.data.items ?? [])
          .filter((e) => e.start?.dateTime && e.end?.dateTime)
          .map((e) => ({
            ...toMeeting(e, name),
            plan_id: e.extendedProperties?.private?.errand_plan_id || null,
            step: Number(e.extendedProperties?.private?.errand_step) || null,
            created_at: new Date(e.created ?? e.start!.dateTime!).toISOString(),
          }))
          .filter((m) => !filter.status || m.status === filter.status)
          .filter(
            (m) =>
              !after ||
              m.start_time > after.start.toISOString() ||
              (m.start_time === after.start.toISOString() && m.meeting_id > after.meeting_id),
          )
          .slice(0, filter.limit);
      });
    },
  };
}

/** A Calendar event as Errand's meeting; the Meet link when Calendar made one. */
function toMeeting(event: calendar_v3.Schema$Event, calendar: string): Meeting {
  const video = event.conferenceData?.entryPoints?.find((p) => p.entryPointType === 'video');
  return {
    meeting_id: event.id ?? '',
    calendar,
    title: event.summary ?? '',
    start_time: new Date(event.start?.dateTime ?? event.start?.date ?? 0).toISOString(),
    end_time: new Date(event.end?.dateTime ?? event.end?.date ?? 0).toISOString(),
    attendees: (event.attendees ?? []).flatMap((a) => (a.email ? [a.email] : [])),
    join_link: event.hangoutLink ?? video?.uri ?? event.htmlLink ?? '',
    status: event.status === 'cancelled' ? 'cancelled' : 'confirmed',
    description: event.description ?? null,
    location: event.location ?? null,
    cancel_reason: null,
  };
}
