import { z } from 'zod';
import { intentBody } from '../api/intents-routes';
import { timeZone } from '../plan/plan-schema';
import { MAX_SCHEDULE_LENGTH } from './schedule-spec';

/**
 * What a schedule does when a run is due while the last run's plan is still going.
 * `skip` (default): nothing; `buffer_one`: run once after it ends; `allow_all`: run anyway.
 */
export const SCHEDULE_OVERLAPS = ['skip', 'buffer_one', 'allow_all'] as const;
export type ScheduleOverlap = (typeof SCHEDULE_OVERLAPS)[number];

/** Temporal's names of the overlap policies. */
export const TEMPORAL_OVERLAP = {
  skip: 'SKIP',
  buffer_one: 'BUFFER_ONE',
  allow_all: 'ALLOW_ALL',
} as const satisfies Record<ScheduleOverlap, string>;

const instant = z.iso.datetime({
  offset: true,
  error: 'must be an ISO-8601 instant with an offset or Z',
});

/**
 * POST /v1/schedules. The plan is checked by the plan service as POST /v1/plans
 * checks it, and the intent by the planner; this schema only shapes the envelope.
 */
export const scheduleBody = z
  .strictObject({
    plan: z.record(z.string(), z.unknown(), { error: 'must be a plan object' }).optional(),
    intent: intentBody.shape.text.optional(),
    /** For an intent: the user the plans are for, as in POST /v1/intents. */
    user_id: intentBody.shape.user_id,
    schedule: z.string().max(MAX_SCHEDULE_LENGTH, {
      error: `must be at most ${MAX_SCHEDULE_LENGTH} characters`,
    }),
    timezone: timeZone.optional(),
    start_at: instant.optional(),
    end_at: instant.optional(),
    overlap: z.enum(SCHEDULE_OVERLAPS).default('skip'),
  })
  .superRefine((body, ctx) => {
    if ((body.plan === undefined) === (body.intent === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['plan'], message: 'give either plan or intent' });
    }
    if (body.user_id !== undefined && body.plan !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['user_id'],
        message: "goes in the plan's own user_id",
      });
    }
    if (body.start_at && body.end_at && Date.parse(body.end_at) <= Date.parse(body.start_at)) {
      ctx.addIssue({ code: 'custom', path: ['end_at'], message: 'must be after start_at' });
    }
  });

export type ScheduleBody = z.output<typeof scheduleBody>;

/** What an intent schedule keeps and hands the intent service at each run. */
export interface ScheduleIntent {
  text: string;
  timezone: string;
  user_id?: string;
}
