import { z } from 'zod';
import { PAYLOAD_LIMITS, boundedObject } from './context-schema';
import {
  MAX_AVAILABILITY_DAYS,
  YEARS_MESSAGE,
  approximateWindow,
  isInYearRange,
} from './date-bounds';
import { parseOffset } from './offset';

/**
 * Parameter schemas of the allowlisted action types.
 *
 * Fields that a chained step can supply (`use_result_from`) are optional here;
 * `validatePlan` checks that each one is either given or chained from a step
 * that produces it.
 */

export const email = z.email({ error: 'must be an email address' });
export const phone = z.e164({ error: 'must be an E.164 phone number such as +14155550123' });

/** A wall-clock time in the plan's timezone, or an instant when it carries an offset. */
export const dateTime = z.iso
  .datetime({
    local: true,
    offset: true,
    error: 'must be an ISO-8601 date-time such as 2026-01-13T15:00:00',
  })
  .refine(isInYearRange, { error: YEARS_MESSAGE });
const date = z.iso
  .date({ error: 'must be an ISO-8601 date such as 2026-01-13' })
  .refine(isInYearRange, { error: YEARS_MESSAGE });
const dateOrDateTime = z
  .union([z.iso.datetime({ local: true, offset: true }), z.iso.date()], {
    error: 'must be an ISO-8601 date or date-time',
  })
  .refine(isInYearRange, { error: YEARS_MESSAGE });

const durationMinutes = z.int().min(5).max(1440);
const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * A calendar of the tenant, by a short name: `primary` (the default) is the
 * tenant's own; the built-in calendar keeps any other name apart from it, and
 * Google maps the name through `calendars` in the tenant settings or takes an
 * email or Calendar id as it is. Names are compared in lower case.
 */
export const calendarName = z
  .string()
  .trim()
  .regex(
    /^[a-z0-9][a-z0-9._@+-]{0,199}$/i,
    'must be a calendar name of letters, digits and . _ @ + - (such as primary, bob or bob@example.com)',
  )
  .transform((name) => name.toLowerCase());

/** Batches of meetings: at most this many per step. */
export const MAX_BATCH = 500;
export const DEFAULT_MAX_RESULTS = 50;
/** Bookings of one step's `items`: each is a write, so fewer than a match may change. */
export const MAX_BOOK_ITEMS = 100;

/** Finds existing meetings: every criterion given must hold. */
export const meetingMatch = z
  .strictObject({
    /** An attendee's email, or a name the tenant's contacts resolve at submission. */
    attendee: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .refine((v) => !v.includes('@') || email.safeParse(v).success, {
        error: 'must be an email address or the name of a contact',
      })
      .optional(),
    date: date.optional(),
    /** Meetings starting on or after this (a date: from its first minute). */
    from: dateOrDateTime.optional(),
    /** Meetings starting before this (a date: up to the end of that day). */
    to: dateOrDateTime.optional(),
    title: text(200).optional(),
    calendar: calendarName.optional(),
  })
  .superRefine((m, ctx) => {
    if (!(m.attendee ?? m.date ?? m.from ?? m.to ?? m.title ?? m.calendar)) {
      ctx.addIssue({
        code: 'custom',
        message: 'match needs at least one of attendee, date, from, to, title or calendar',
      });
    }
    if (m.date !== undefined && (m.from !== undefined || m.to !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['date'],
        message: 'give either date or a from/to range, not both',
      });
    }
    if (m.from !== undefined && m.to !== undefined) {
      const w = approximateWindow(m.from, m.to);
      const slack = w.exact ? 0 : 14 * 3600_000;
      // A date as `to` counts its whole day, so a one-day range (from = to) is fine.
      const toEnd = w.to + (/T/.test(m.to) ? 0 : 24 * 3600_000);
      if (toEnd + slack <= w.from) {
        ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
      }
    }
  });

export type MeetingMatch = z.output<typeof meetingMatch>;

const maxResults = z.int().min(1).max(MAX_BATCH);
const verbosity = z.enum(['summary', 'detailed']);

/** What a batch step takes besides its match: how many, how much to say, and partial failure. */
const batchFields = {
  /** Acts on every meeting the match selects (up to max_results), not on exactly one. */
  all: z.boolean().optional(),
  max_results: maxResults.optional(),
  verbosity: verbosity.optional(),
  all_or_nothing: z.boolean().optional(),
};

/** One booking of a book_meeting step's `items`; what it leaves out, the step gives. */
const bookItem = z.strictObject({
  title: text(200).optional(),
  time: dateTime.optional(),
  duration_minutes: durationMinutes.optional(),
  attendees: z.array(email).max(100).optional(),
  description: z.string().max(5000).optional(),
  location: z.string().max(500).optional(),
  calendar: calendarName.optional(),
});

export const emailTemplates = [
  'meeting_invite',
  'meeting_confirmation',
  'meeting_update',
  'meeting_cancellation',
  'meeting_follow_up',
  'reminder',
] as const;

export const reminderChannels = ['notification', 'email', 'sms'] as const;

export const actionParams = {
  book_meeting: z.strictObject({
    title: text(200).optional(),
    time: dateTime.optional(),
    duration_minutes: durationMinutes.default(30),
    attendees: z.array(email).max(100).optional(),
    description: z.string().max(5000).optional(),
    location: z.string().max(500).optional(),
    calendar: calendarName.optional(),
    /** Several bookings in one step, each with the step's fields as defaults. */
    items: z.array(bookItem).min(1).max(MAX_BOOK_ITEMS).optional(),
    all_or_nothing: z.boolean().optional(),
    verbosity: verbosity.optional(),
  }),
  update_meeting: z.strictObject({
    meeting_id: text(100).optional(),
    match: meetingMatch.optional(),
    calendar: calendarName.optional(),
    time: dateTime.optional(),
    /** Moves by a signed amount instead of to a time: "+1h", "-30m". */
    shift: z.string().trim().min(1).max(20).optional(),
    duration_minutes: durationMinutes.optional(),
    title: text(200).optional(),
    ...batchFields,
  }),
  cancel_meeting: z.strictObject({
    meeting_id: text(100).optional(),
    match: meetingMatch.optional(),
    calendar: calendarName.optional(),
    reason: z.string().max(1000).optional(),
    ...batchFields,
  }),
  find_meetings: z.strictObject({
    match: meetingMatch.optional(),
    max_results: maxResults.optional(),
    verbosity: verbosity.optional(),
  }),
  check_availability: z
    .strictObject({
      from: dateOrDateTime,
      to: dateOrDateTime.optional(),
      duration_minutes: durationMinutes.default(30),
      /** The calendars whose busy time counts; default: primary. */
      calendar: z.union([calendarName, z.array(calendarName).min(1).max(10)]).optional(),
    })
    .superRefine((p, ctx) => {
      const w = approximateWindow(p.from, p.to);
      // Mixed forms (one with an offset, one without) are compared with 14 hours' slack.
      const slack = w.exact ? 0 : 14 * 3600_000;
      if (w.to + slack <= w.from) {
        ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
      } else if (w.to - slack - w.from > MAX_AVAILABILITY_DAYS * 24 * 3600_000) {
        ctx.addIssue({
          code: 'custom',
          path: ['to'],
          message: `the window from from to to is at most ${MAX_AVAILABILITY_DAYS} days`,
        });
      }
    }),
  send_email: z.strictObject({
    to: z.array(email).min(1).max(50).optional(),
    subject: text(300).optional(),
    body: z.string().max(20000).optional(),
    template: z.enum(emailTemplates).optional(),
  }),
  send_sms: z.strictObject({
    to: z.array(phone).min(1).max(50),
    message: text(1600),
  }),
  schedule_reminder: z.strictObject({
    offset: z.string().trim().min(1).max(20).optional(),
    at: dateTime.optional(),
    message: z.string().max(1000).optional(),
    channel: z.enum(reminderChannels).default('notification'),
    to: z.array(text(320)).min(1).max(50).optional(),
  }),
  initiate_call: z.strictObject({
    to: phone,
    script: z.string().max(5000).optional(),
  }),
  start_campaign: z.strictObject({
    campaign: text(200),
    audience: z.union([text(200), z.array(email).min(1).max(1000)]).optional(),
  }),
  trigger_automation: z
    .strictObject({
      automation: z
        .string()
        .regex(/^[a-z0-9][a-z0-9_-]{0,99}$/i, 'must be a name of letters, digits, - and _'),
      payload: boundedObject('payload', PAYLOAD_LIMITS).optional(),
      /** Wait for the automation to report back through its callback URL before the next step. */
      await_completion: z.boolean().optional(),
      completion_timeout: z
        .string()
        .trim()
        .max(20)
        .refine(isCompletionTimeout, {
          error: 'must be a duration from 1 minute to 30 days, e.g. 30m, 2h or 3d',
        })
        .optional(),
    })
    .refine((p) => p.completion_timeout === undefined || p.await_completion === true, {
      path: ['completion_timeout'],
      error: 'completion_timeout needs await_completion: true',
    }),
} as const;

/** How long an automation may take to report back when no completion_timeout is given. */
export const DEFAULT_COMPLETION_TIMEOUT = '24h';

export function isCompletionTimeout(text: string): boolean {
  const ms = parseOffset(text);
  return ms !== null && ms >= 60_000 && ms <= 30 * 24 * 3600_000;
}

export type ActionParamsMap = {
  [K in keyof typeof actionParams]: z.output<(typeof actionParams)[K]>;
};
