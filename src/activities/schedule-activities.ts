import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { findPlan } from '../db/plans-repository';
import type { ScheduledPlanOutcome } from '../workflows/definitions';
import type { ActivityDeps } from './deps';

export interface ScheduledRunRef {
  tenant_id: string;
  schedule_id: string;
  /** The run's workflow id: unique per scheduled time, so it keys the plan the run makes. */
  run_key: string;
}

/** Recurring plans: a run submits its plan, then watches it until it ends. */
export function createScheduleActivities(deps: ActivityDeps) {
  return {
    async submitScheduledPlan(run: ScheduledRunRef): Promise<ScheduledPlanOutcome> {
      if (!deps.scheduledRuns) {
        throw ApplicationFailure.nonRetryable(
          'this worker was built without scheduled runs (ActivityDeps.scheduledRuns)',
          'ScheduledRunsNotConfigured',
        );
      }
      // The plan runs on the queue this run runs on, which is the queue the API starts plans on.
      return deps.scheduledRuns.submit({ ...run, task_queue: Context.current().info.taskQueue });
    },

    /** The plan's status, or null when its row is gone. */
    async scheduledPlanStatus(ref: { tenant_id: string; plan_id: string }): Promise<string | null> {
      const row = await findPlan(deps.db, ref.tenant_id, ref.plan_id);
      return row?.status ?? null;
    },
  };
}

export type ScheduleActivities = ReturnType<typeof createScheduleActivities>;
