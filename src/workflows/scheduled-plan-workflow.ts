import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { ScheduleActivities } from '../activities/schedule-activities';
import {
  TERMINAL_PLAN_STATUSES,
  type PlanStatus,
  type ScheduledPlanInput,
  type ScheduledPlanOutcome,
} from './definitions';

const { submitScheduledPlan, scheduledPlanStatus } = proxyActivities<ScheduleActivities>({
  startToCloseTimeout: '2m',
  // A submission refused by the tenant's rules is a result, not an error; what retries is
  // an outage (Postgres, Temporal, the planner's model), for about an hour.
  retry: {
    initialInterval: '5s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    maximumAttempts: 15,
  },
});

const FIRST_CHECK_MS = 2_000;
const LONGEST_CHECK_MS = 5 * 60_000;

/**
 * One run of a recurring plan: submits the plan (or plans the intent) as a
 * submission through the API would, keyed by this run's workflow id so a retry
 * never makes a second plan, then lasts until that plan ends. Lasting that long
 * is what gives the schedule's overlap policy its meaning: with `skip`, no run
 * starts while the last run's plan is still going (awaiting approval, say).
 */
export async function scheduledPlanWorkflow(
  input: ScheduledPlanInput,
): Promise<ScheduledPlanOutcome> {
  let planId = input.plan_id;
  if (!planId) {
    const submitted = await submitScheduledPlan.executeWithOptions(
      { summary: "submit this run's plan" },
      [
        {
          tenant_id: input.tenant_id,
          schedule_id: input.schedule_id,
          run_key: workflowInfo().workflowId,
        },
      ],
    );
    if (!submitted.plan_id) return submitted;
    planId = submitted.plan_id;
  }
  for (let wait = FIRST_CHECK_MS; ; wait = Math.min(wait * 2, LONGEST_CHECK_MS)) {
    await sleep(wait, { summary: `until plan ${planId} ends` });
    const status = await scheduledPlanStatus.executeWithOptions(
      { summary: `read plan ${planId}'s status` },
      [{ tenant_id: input.tenant_id, plan_id: planId }],
    );
    if (status === null || TERMINAL_PLAN_STATUSES.includes(status as PlanStatus)) {
      return { plan_id: planId, status: status ?? 'gone' };
    }
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof scheduledPlanWorkflow>({ ...input, plan_id: planId });
    }
  }
}
