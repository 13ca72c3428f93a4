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

/** Finds an existing meeting when its id is not known. */
export const meetingMatch = z
  .strictObject({
    attendee: email.optional(),
    date: date.optional(),
    title: text(200).optional(),
  })
  .refine((m) => m.attendee ?? m.date ?? m.title, {
    error: 'match needs at least one of attendee, date or title',
  });

export const emailTemplates = [
  'meeting_invite',
  'meeting_confirmation',
  'meeting_update',
  'meeting_cancellation',
  'reminder',
] as const;

export const reminderChannels = ['notification', 'email', 'sms'] as const;

export const actionParams = {
  book_meeting: z.strictObject({
    title: text(200),
    time: dateTime.optional(),
    duration_minutes: durationMinutes.default(30),
    attendees: z.array(email).max(100).optional(),
    description: z.string().max(5000).optional(),
    location: z.string().max(500).optional(),
  }),
  update_meeting: z.strictObject({
    meeting_id: text(100).optional(),
    match: meetingMatch.optional(),
    time: dateTime.optional(),
    duration_minutes: durationMinutes.optional(),
    title: text(200).optional(),
  }),
  cancel_meeting: z.strictObject({
    meeting_id: text(100).optional(),
    match: meetingMatch.optional(),
    reason: z.string().max(1000).optional(),
  }),
  check_availability: z
    .strictObject({
      from: dateOrDateTime,
      to: dateOrDateTime.optional(),
      duration_minutes: durationMinutes.default(30),
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
