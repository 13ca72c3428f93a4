import { z } from 'zod';
import { ACTION_TYPES } from '../plan/action-types';
import { isApprovalTimeout } from '../plan/validate-plan';
import { limitsSettings, policySettings } from './tenant-limits';

/** The providers each family can use; the first of each is the built-in default that needs no account. */
export const EMAIL_PROVIDERS = ['outbox', 'sendgrid', 'gmail'] as const;
export const SMS_PROVIDERS = ['outbox', 'twilio'] as const;
export const CALL_PROVIDERS = ['outbox', 'twilio'] as const;
export const CALENDAR_PROVIDERS = ['builtin', 'google'] as const;

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');

/** Per-tenant settings, stored as JSON on the tenant; every field has a default. */
export const tenantSettingsSchema = z.object({
  working_hours: z
    .object({
      start: clock.default('09:00'),
      end: clock.default('17:00'),
      /** ISO weekdays: 1 is Monday. */
      days: z.array(z.int().min(1).max(7)).default([1, 2, 3, 4, 5]),
      breaks: z
        .array(z.object({ start: clock, end: clock }))
        .default([{ start: '12:00', end: '13:00' }]),
    })
    .prefault({}),
  /** Part of the tenant's policy, beside `policy` and `limits`: which action types need a human. */
  approval: z
    .object({
      /** Plans with any of these action types wait for a human decision first. */
      required_for: z
        .array(z.enum(ACTION_TYPES))
        .default(['start_campaign', 'initiate_call', 'trigger_automation']),
      /** How long a decision may wait before the plan expires. */
      timeout: z.string().refine(isApprovalTimeout).default('24h'),
    })
    .prefault({}),
  planner: z
    .object({
      /** Planner confidence at or above this runs the plan at once. */
      auto_execute_threshold: z.number().min(0).max(1).default(0.85),
      /** Below this the intent is refused; in between, the plan waits for approval. */
      reject_threshold: z.number().min(0).max(1).default(0.3),
    })
    .prefault({}),
  policy: policySettings,
  limits: limitsSettings,
  /** Keys and tokens whose role is exactly `submitter` see and cancel only the plans they submitted, and those plans' reminders and messages. */
  submitters_see_only_their_own: z.boolean().default(false),
  /**
   * Who may send the tenant's inbound email (POST /v1/inbound/email): addresses, or `@domain`
   * for a whole domain. Empty: nobody, so inbound email is off until an admin names senders.
   */
  inbound_senders: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .max(254)
        .regex(/^(?:[^\s@]+)?@[^\s@]+\.[^\s@]+$/, 'must be an address or @domain'),
    )
    .max(100)
    .default([]),
  /** Whoever submitted a plan may not approve or reject it: another approver must. */
  four_eyes: z.boolean().default(false),
  /** Which provider each family goes through; a connected one is needed for all but the built-ins. */
  providers: z
    .object({
      email: z.enum(EMAIL_PROVIDERS).default('outbox'),
      sms: z.enum(SMS_PROVIDERS).default('outbox'),
      call: z.enum(CALL_PROVIDERS).default('outbox'),
      calendar: z.enum(CALENDAR_PROVIDERS).default('builtin'),
    })
    .prefault({}),
  /**
   * Calendar name (as steps give `calendar`) → the Google Calendar id it is
   * (an email, or an id such as c_…@group.calendar.google.com). Only Google
   * reads it; the built-in calendar keeps each name as a calendar of its own.
   */
  calendars: z
    .record(
      z.string().regex(/^[a-z0-9][a-z0-9._@+-]{0,199}$/, 'must be a lower-case calendar name'),
      z.string().trim().min(1).max(320),
    )
    .refine((m) => Object.keys(m).length <= 100, { error: 'at most 100 calendars' })
    .default({}),
  /** Automation name → webhook URL (for example an n8n workflow). */
  automations: z.record(z.string(), z.url()).default({}),
});

export type TenantSettings = z.output<typeof tenantSettingsSchema>;

/** Reads stored settings, filling defaults; bad stored values fall back to defaults. */
export function readTenantSettings(raw: unknown): TenantSettings {
  const parsed = tenantSettingsSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : tenantSettingsSchema.parse({});
}
