import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  proxyLocalActivities,
  sleep,
  TemporalFailure,
} from '@temporalio/workflow';
import type { CapacityActivities } from '../activities/capacity-activities';
import { CAPACITY_OPTIONS } from './activity-options';
import type { PlanState, StepError } from './definitions';
import { describeFailure, nowIso, type Recorder } from './plan-state';

const capacity = proxyLocalActivities<CapacityActivities>(CAPACITY_OPTIONS);

/** Plans started before steps were counted against the tenant's action rates run without asking. */
export const ACTION_RATE_PATCH = 'plan-step-waits-for-the-action-rate';

/**
 * Each wait lasts until the oldest counted action leaves its window, so a
 * step waits again only when other plans took the room first; past this many
 * times the step fails rather than grow the history without end.
 */
export const MAX_CAPACITY_WAITS = 500;

/**
 * The tenant's action rates, as a running plan meets them: before a step
 * runs it is counted, or the plan waits on a durable timer until there is
 * room (status `waiting_for_capacity`), then asks again. A cancelled plan
 * stops waiting at once.
 */
export function createCapacityGate(state: PlanState, record: Recorder, workflowId: string) {
  return {
    /** Resolves null once the step is counted, or with the error that fails it. */
    async reserve(step: number): Promise<StepError | null> {
      for (let waits = 0; ; waits++) {
        let answer;
        try {
          answer = await capacity.reserve_step_capacity({
            tenant_id: state.tenant_id,
            workflow_id: workflowId,
            step,
          });
        } catch (err) {
          if (isCancellation(err)) throw err;
          return describeCapacityFailure(err);
        }
        if (answer.ok) {
          if (waits > 0) state.status = 'running';
          return null;
        }
        if (waits === MAX_CAPACITY_WAITS) {
          return {
            type: 'CapacityWaitExceeded',
            message: `step ${step} waited ${waits} times for room under limits.${answer.limit} (${answer.max}) and gave up`,
          };
        }
        if (waits === 0) {
          state.status = 'waiting_for_capacity';
          state.current_step = step;
          await record('capacity_wait', step, {
            limit: answer.limit,
            max: answer.max,
            wait_ms: answer.wait_ms,
            since: nowIso(),
          });
        }
        await sleep(answer.wait_ms, {
          summary: `step ${step + 1} (${state.steps[step]?.type}) waits for room under the tenant's action rate`,
        });
      }
    },
  };
}

/** A local activity's failure may reach the workflow as the activity's own error, unwrapped. */
function describeCapacityFailure(err: unknown): StepError {
  if (err instanceof ActivityFailure) return describeFailure(err);
  if (err instanceof ApplicationFailure) return { type: err.type ?? 'Error', message: err.message };
  if (err instanceof TemporalFailure) return { type: err.name, message: err.message };
  throw err;
}
