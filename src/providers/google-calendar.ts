import { createHash } from 'node:crypto';
import { google, type calendar_v3 } from 'googleapis';
import type { Kysely } from 'kysely';
import {
  AmbiguousMeetingError,
  InvalidStepError,
  MeetingNotFoundError,
} from '../activities/errors';
import type { Database } from '../db/database';
import { dayBounds } from '../time/zoned-time';
import type { CalendarProvider, Meeting, MeetingRef } from './calendar-provider';
import type { GoogleAuth } from './google-auth';
import { googleTransport, type GoogleConfig, type GoogleOAuthClient } from './google-config';
import { googleStatus } from './google-failure';

export interface GoogleCalendarDeps {
  db: Kysely<Database>;
  auth: GoogleAuth;
  google: GoogleConfig;
  now: () => Date;
}

/** The calendar Errand books into; the grant's own. */
const CALENDAR_ID = 'primary';
/** Events a match looks through, at most: a match is meant to find one. */
const MAX_MATCH_CANDIDATES = 50;
const MATCH_WINDOW_MS = 30 * 24 * 3600 * 1000;

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
 * Google Calendar through googleapis, per tenant by its OAuth grant: book
 * inserts with the attendees invited (sendUpdates=all) and a Meet link asked
 * for through conference data; update patches, cancel deletes, restore sets the
 * event confirmed again; busy is freeBusy over the tenant's calendar. Every
 * write is safe to retry: bookings by their derived id, changes by the
 * recorded `previous` (written before the change) and by reading the event first.
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

  const getEvent = async (calendar: calendar_v3.Calendar, eventId: string) => {
    try {
      return (await calendar.events.get({ calendarId: CALENDAR_ID, eventId })).data;
    } catch (err) {
      const status = googleStatus(err);
      if (status === 404 || status === 410)
        throw new MeetingNotFoundError(`no meeting with id ${eventId}`);
      throw err;
    }
  };

  const resolve = async (calendar: calendar_v3.Calendar, ref: MeetingRef) => {
    if (ref.meeting_id) return getEvent(calendar, ref.meeting_id);
    const match = ref.match ?? {};
    const day = match.date ? dayBounds(match.date, ref.timezone) : undefined;
    const now = deps.now();
    const from = day && day.start > now ? day.start : now;
    const listed = await calendar.events.list({
      calendarId: CALENDAR_ID,
      timeMin: from.toISOString(),
      timeMax: (day?.end ?? new Date(now.getTime() + MATCH_WINDOW_MS)).toISOString(),
      singleEvents: true,
      orderBy: 'startTime',
      maxResults: MAX_MATCH_CANDIDATES,
      ...(match.title ? { q: match.title } : {}),
    });
    const candidates = (listed.data.items ?? []).filter(
      (e) =>
        e.status !== 'cancelled' &&
        (!match.title || (e.summary ?? '').toLowerCase().includes(match.title.toLowerCase())) &&
        (!match.attendee ||
          (e.attendees ?? []).some(
            (a) => a.email?.toLowerCase() === match.attendee!.toLowerCase(),
          )),
    );
    if (candidates.length === 0) {
      throw new MeetingNotFoundError(`no confirmed meeting matches ${JSON.stringify(match)}`);
    }
    if (candidates.length > 1) {
      const list = candidates.map((c) => `${c.id} "${c.summary}" at ${c.start?.dateTime}`);
      throw new AmbiguousMeetingError(
        `${candidates.length} meetings match; give meeting_id: ${list.join('; ')}`,
      );
    }
    return candidates[0]!;
  };

  /** What an event was before the change `key` makes; the first answer is kept, so retries agree. */
  const recordPrevious = async (tenantId: string, key: string, event: calendar_v3.Schema$Event) => {
    const meeting = toMeeting(event);
    await deps.db
      .insertInto('google_calendar_changes')
      .values({
        tenant_id: tenantId,
        idempotency_key: key,
        calendar_id: CALENDAR_ID,
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
      return run(request.tenant_id, async (calendar) => {
        try {
          const inserted = await calendar.events.insert({
            calendarId: CALENDAR_ID,
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
          return toMeeting(inserted.data);
        } catch (err) {
          // The id is this step's: an earlier attempt made the event, and its answer was lost.
          if (googleStatus(err) !== 409) throw err;
          return toMeeting(await getEvent(calendar, eventId));
        }
      });
    },

    update(request) {
      const { changes } = request;
      return run(request.tenant_id, async (calendar) => {
        const event = await resolve(calendar, request.ref);
        if (event.status === 'cancelled') {
          throw new MeetingNotFoundError(`meeting ${event.id} is cancelled, not confirmed`);
        }
        const { previous } = await recordPrevious(
          request.tenant_id,
          request.idempotency_key,
          event,
        );
        const current = toMeeting(event);
        const start = changes.start ?? new Date(current.start_time);
        const length = changes.duration_minutes
          ? changes.duration_minutes * 60_000
          : Date.parse(current.end_time) - Date.parse(current.start_time);
        const patched = await calendar.events.patch({
          calendarId: CALENDAR_ID,
          eventId: event.id!,
          sendUpdates: 'all',
          requestBody: {
            start: { dateTime: start.toISOString() },
            end: { dateTime: new Date(start.getTime() + length).toISOString() },
            ...(changes.title ? { summary: changes.title } : {}),
          },
        });
        return { meeting: toMeeting(patched.data), previous };
      });
    },

    cancel(request) {
      return run(request.tenant_id, async (calendar) => {
        const event = await resolve(calendar, request.ref);
        // A retry finds the event its first attempt deleted: Calendar keeps it, cancelled.
        if (event.status !== 'cancelled') {
          try {
            await calendar.events.delete({
              calendarId: CALENDAR_ID,
              eventId: event.id!,
              sendUpdates: 'all',
            });
          } catch (err) {
            if (googleStatus(err) !== 410) throw err;
          }
        }
        return {
          ...toMeeting(event),
          status: 'cancelled' as const,
          cancel_reason: request.reason ?? null,
        };
      });
    },

    restore(request) {
      return run(request.tenant_id, async (calendar) => {
        const event = await resolve(calendar, request.ref);
        if (event.status !== 'cancelled') return toMeeting(event);
        const patched = await calendar.events.patch({
          calendarId: CALENDAR_ID,
          eventId: event.id!,
          sendUpdates: 'all',
          requestBody: { status: 'confirmed' },
        });
        return toMeeting(patched.data);
      });
    },

    busy(tenantId, from, to) {
      return run(tenantId, async (calendar) => {
        const answer = await calendar.freebusy.query({
          requestBody: {
            timeMin: from.toISOString(),
            timeMax: to.toISOString(),
            items: [{ id: CALENDAR_ID }],
          },
        });
        const entry = answer.data.calendars?.[CALENDAR_ID];
        const problem = entry?.errors?.[0]?.reason;
        if (!entry || problem) {
          throw new InvalidStepError(
            `Google Calendar gave no free/busy for the calendar (${problem ?? 'not in the answer'})`,
          );
        }
        return (entry.busy ?? []).flatMap((b) =>
          b.start && b.end ? [{ start: new Date(b.start), end: new Date(b.end) }] : [],
        );
      });
    },

    list(tenantId, filter) {
      return run(tenantId, async (calendar) => {
        const listed = await calendar.events.list({
          calendarId: CALENDAR_ID,
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
            ...toMeeting(e),
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
function toMeeting(event: calendar_v3.Schema$Event): Meeting {
  const video = event.conferenceData?.entryPoints?.find((p) => p.entryPointType === 'video');
  return {
    meeting_id: event.id ?? '',
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
