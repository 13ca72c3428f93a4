import { z } from 'zod';
import { boundedContext } from './context-schema';

export const MAX_STEPS = 50;

export const stepConditions = ['always', 'if_previous_success', 'if_previous_failed'] as const;
export type StepCondition = (typeof stepConditions)[number];

export const failurePolicies = ['stop', 'compensate', 'continue'] as const;
export type FailurePolicy = (typeof failurePolicies)[number];

/** True for an IANA time zone name this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const timeZone = z
  .string()
  .refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/Paris' });

/** A step as submitted; its params are checked against its type's schema afterwards. */
export const stepEnvelope = z.strictObject({
  type: z.string({ error: 'must be an action type' }),
  params: z.record(z.string(), z.unknown()).default({}),
  use_result_from: z.int({ error: 'must be the index of an earlier step' }).optional(),
  condition: z.enum(stepConditions).default('always'),
  /** "required": the plan pauses for a decision just before this step. */
  approval: z.enum(['required', 'none']).default('none'),
  /**
   * The step waits until then: an ISO time (wall clock in the plan's zone without an
   * offset), or an offset such as "-10m" from the start time of the step it chains to.
   */
  not_before: z.string().trim().min(1).max(40).optional(),
});

/** A plan as submitted, before each step's params are checked. */
export const planEnvelope = z.strictObject({
  intent: z.string().trim().min(1).max(2000),
  context: boundedContext.optional(),
  timezone: timeZone.optional(),
  conversation_id: z.string().max(200).optional(),
  user_id: z.string().max(200).optional(),
  on_failure: z.enum(failurePolicies).default('stop'),
  require_approval: z.boolean().default(false),
  /** How long an approval may wait, e.g. "2h" or "3d"; default: the tenant's (24h). */
  approval_timeout: z.string().trim().min(1).max(20).optional(),
  actions: z
    .array(z.unknown())
    .min(1, { error: 'a plan needs at least one action' })
    .max(MAX_STEPS, { error: `a plan has at most ${MAX_STEPS} actions` }),
});
