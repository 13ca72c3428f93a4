import { z } from 'zod';
import { ACTION_TYPES } from '../plan/action-types';
import { MAX_STEPS } from '../plan/plan-schema';

/**
 * The most any tenant may set: beyond these the accounting queries (a count
 * over an hour of actions) and a human approval queue stop being cheap.
 */
export const HARD_LIMITS = {
  actions_per_minute: 10_000,
  actions_per_hour: 100_000,
  plans_awaiting_approval: 10_000,
  steps_per_plan: MAX_STEPS,
} as const;

/**
 * Generous enough that a tenant who never sets them is not slowed down: 600
 * a minute takes a burst of 50 four-step plans; 10 000 an hour is the
 * sustained rate (about 170 a minute).
 */
export const DEFAULT_LIMITS = {
  actions_per_minute: 600,
  actions_per_hour: 10_000,
  plans_awaiting_approval: 100,
  steps_per_plan: MAX_STEPS,
} as const;

export type LimitName = keyof typeof HARD_LIMITS;

const limit = (name: LimitName) =>
  z
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(HARD_LIMITS[name], { error: `must be at most ${HARD_LIMITS[name]}` })
    .default(DEFAULT_LIMITS[name]);

/** Which action types the tenant's plans may use; a plan with any other is refused (403). */
export const policySettings = z
  .object({
    enabled_actions: z.array(z.enum(ACTION_TYPES)).default([...ACTION_TYPES]),
  })
  .prefault({});

/**
 * Quotas. Every step that runs is one action; the per-minute and per-hour
 * rates are sliding windows counted in Postgres (see src/limits/action-capacity.ts).
 */
export const limitsSettings = z
  .object({
    actions_per_minute: limit('actions_per_minute'),
    actions_per_hour: limit('actions_per_hour'),
    /** Plans waiting for a human decision (or about to) at once. */
    plans_awaiting_approval: limit('plans_awaiting_approval'),
    steps_per_plan: limit('steps_per_plan'),
  })
  .prefault({});

export type TenantLimits = z.output<typeof limitsSettings>;
export type TenantPolicy = z.output<typeof policySettings>;
