import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type Client,
  type ScheduleOptions,
  type ScheduleSpec,
} from '@temporalio/client';
import { temporalUnavailable, isTemporalUnavailable } from '../api/temporal-unavailable';
import type { ScheduleRow } from '../db/database';
import { ERRAND_TENANT } from '../temporal/search-attributes';
import { scheduleId, scheduledRunWorkflowId } from '../workflows/definitions';
import { TEMPORAL_OVERLAP, type ScheduleOverlap } from './schedule-request';
import type { ScheduleTiming } from './schedule-spec';

/**
 * A run missed by more than this (the server or every worker was down) is
 * skipped, not run late: "every Monday at 9am" should not send its email at 4pm.
 */
const CATCHUP_WINDOW = '10 minutes';

/**
 * Temporal's spec of a schedule. The time zone is the spec's, so Temporal reads
 * the cron line in it and a daylight-saving change keeps the wall-clock time.
 */
export function specOf(
  timing: ScheduleTiming,
  timezone: string,
  bounds: { start_at: Date | null; end_at: Date | null },
): ScheduleSpec {
  return {
    ...('cron' in timing
      ? { cronExpressions: [timing.cron] }
      : { intervals: [{ every: `${timing.interval_minutes} minutes` }] }),
    timezone,
    startAt: bounds.start_at ?? undefined,
    endAt: bounds.end_at ?? undefined,
  };
}

/** The Temporal Schedule of a schedule row: its runs start scheduledPlanWorkflow on `taskQueue`. */
export function scheduleOptionsOf(row: ScheduleRow, taskQueue: string): ScheduleOptions {
  const tenant = [{ key: ERRAND_TENANT, value: row.tenant_id }];
  return {
    scheduleId: scheduleId(row.tenant_id, row.id),
    spec: specOf(row.timing as unknown as ScheduleTiming, row.timezone, row),
    action: {
      type: 'startWorkflow',
      workflowType: 'scheduledPlanWorkflow',
      workflowId: scheduledRunWorkflowId(row.tenant_id, row.id),
      taskQueue,
      args: [{ tenant_id: row.tenant_id, schedule_id: row.id }],
      typedSearchAttributes: tenant,
      staticSummary: `recurring plan ${row.id} (${row.schedule}, ${row.timezone})`,
    },
    policies: {
      overlap: TEMPORAL_OVERLAP[row.overlap as ScheduleOverlap],
      catchupWindow: CATCHUP_WINDOW,
    },
    typedSearchAttributes: tenant,
    state: { note: row.schedule },
  };
}

/** Creates the Temporal Schedule; one that already exists (a repeated create) counts as created. */
export async function createTemporalSchedule(
  temporal: Client,
  options: ScheduleOptions,
): Promise<void> {
  try {
    await temporal.schedule.create(options);
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return;
    throw unavailableOr(err);
  }
}

/** Runs a call on a schedule's handle; undefined when Temporal has no such schedule. */
export async function onSchedule<T>(
  temporal: Client,
  row: ScheduleRow,
  call: (handle: ReturnType<Client['schedule']['getHandle']>) => Promise<T>,
): Promise<T | undefined> {
  try {
    return await call(temporal.schedule.getHandle(scheduleId(row.tenant_id, row.id)));
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return undefined;
    throw unavailableOr(err);
  }
}

const unavailableOr = (err: unknown) =>
  isTemporalUnavailable(err) ? temporalUnavailable(err) : err;
