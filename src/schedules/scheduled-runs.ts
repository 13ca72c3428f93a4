import { HttpError } from '../api/http-error';
import { submittingOnQueue, type SubmittingConfig } from '../api/submitting-on-queue';
import type { Submitter } from '../api/plan-visibility';
import { findTenant } from '../tenants/tenants-repository';
import type { ScheduledPlanOutcome } from '../workflows/definitions';
import type { ScheduleIntent } from './schedule-request';
import { findSchedule, recordScheduleRun } from './schedules-repository';

/** What a scheduled run asks of the outside world: submit this run's plan, once. */
export interface ScheduledRuns {
  submit(run: {
    tenant_id: string;
    schedule_id: string;
    run_key: string;
    task_queue: string;
  }): Promise<ScheduledPlanOutcome>;
}

export type ScheduledRunsConfig = SubmittingConfig;

/**
 * Submits a run's plan exactly as the API does (the plan service, or the intent
 * service with its planner, gate and decision log), under an idempotency key made
 * from the run's workflow id, so a retried activity answers the same plan. A
 * newline cannot stand in a header, so no client's key meets these.
 */
export function createScheduledRuns(config: ScheduledRunsConfig): ScheduledRuns {
  return {
    async submit(run) {
      const tenant = await findTenant(config.db, run.tenant_id);
      const schedule = tenant && (await findSchedule(config.db, tenant.id, run.schedule_id));
      // Deleted between the trigger and this run: nothing to submit.
      if (!tenant || !schedule) return { plan_id: null, status: 'schedule_gone' };
      const { plans, intents } = submittingOnQueue(config, run.task_queue);
      const submitter = schedule.created_by as unknown as Submitter;
      const key = `schedule\n${run.run_key}`;
      const record = { tenant_id: tenant.id, schedule_id: schedule.id, run_key: run.run_key };
      try {
        let planId: string;
        if (schedule.plan) {
          const { row } = await plans.submit(tenant, schedule.plan, {
            idempotencyKey: key,
            submitter,
            source: 'schedule',
          });
          planId = row.id;
        } else {
          const intent = schedule.intent as unknown as ScheduleIntent;
          const answer = await intents.handle(
            tenant,
            { ...intent, dry_run: false, source: 'schedule' },
            { idempotencyKey: key, submitter },
          );
          planId = String(answer.body.plan_id);
        }
        await recordScheduleRun(config.db, {
          ...record,
          plan_id: planId,
          outcome: 'submitted',
          error: null,
        });
        return { plan_id: planId, status: 'submitted' };
      } catch (err) {
        // A refusal (the plan no longer fits the tenant's policy, the intent cannot be planned
        // now, the tenant's rate is spent) is this run's outcome; anything else is retried.
        if (!(err instanceof HttpError) || err.status >= 500) throw err;
        const error = { code: err.code, message: err.message };
        await recordScheduleRun(config.db, { ...record, plan_id: null, outcome: 'refused', error });
        return { plan_id: null, status: 'refused', error };
      }
    },
  };
}
