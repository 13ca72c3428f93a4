import { patched, sleep } from '@temporalio/workflow';
import type { PlanStep } from '../plan/validate-plan';
import type { PlanState, PlanWorkflowInput, StepError } from './definitions';
import type { Recorder } from './plan-state';

/** Marks plans whose steps wait for their not_before (a timer the plans before did not have). */
export const NOT_BEFORE_PATCH = 'step-not-before';

/**
 * Holds step `index` until its not_before: a durable timer, with a summary the
 * Web UI shows, that cancelling the plan ends. An ISO time was read as an
 * instant at submission; an offset counts from the start time of the step it
 * chains to, exactly (a "-1d" is 24 hours). A time already past waits for
 * nothing. Returns an error when the offset has no start time to count from
 * (an automation that reported none, say).
 */
export async function waitForNotBefore(
  input: PlanWorkflowInput,
  state: PlanState,
  index: number,
  step: PlanStep,
  record: Recorder,
): Promise<StepError | null> {
  const notBefore = input.not_before?.[index];
  if (notBefore === undefined || !patched(NOT_BEFORE_PATCH)) return null;
  const until = instantOf(notBefore, state, step);
  if (until === null) {
    return {
      type: 'InvalidStepError',
      message: `not_before ${step.not_before} counts from the start time of step ${step.use_result_from}, which gave none`,
    };
  }
  const ms = until.getTime() - Date.now();
  if (ms <= 0) return null;
  const stepState = state.steps[index];
  stepState.waiting_until = until.toISOString();
  state.status = 'waiting_for_time';
  state.current_step = index;
  try {
    await record('step_waiting', index, { until: stepState.waiting_until });
    await sleep(ms, {
      summary: `step ${index + 1} (${step.type}) waits until ${stepState.waiting_until}`,
    });
  } finally {
    stepState.waiting_until = null;
  }
  state.status = 'running';
  return null;
}

function instantOf(
  notBefore: NonNullable<PlanWorkflowInput['not_before']>[number],
  state: PlanState,
  step: PlanStep,
): Date | null {
  if ('at' in notBefore) return new Date(notBefore.at);
  const source = step.use_result_from === undefined ? null : state.steps[step.use_result_from];
  const start = source?.output?.start_time;
  return typeof start === 'string'
    ? new Date(new Date(start).getTime() + notBefore.offset_ms)
    : null;
}
