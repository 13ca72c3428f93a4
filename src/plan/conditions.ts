import type { StepCondition } from './plan-schema';

export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'compensated';

export interface ConditionInput {
  index: number;
  condition: StepCondition;
  use_result_from?: number;
  /** Statuses of the steps so far. */
  statuses: readonly StepStatus[];
  /** Under on_failure "stop": the index of the step whose failure stopped the plan. */
  stoppedBy: number | null;
}

/** The step a condition looks at: the chained step, else the one just before. */
export function previousStep(step: { index: number; use_result_from?: number }): number {
  return step.use_result_from ?? step.index - 1;
}

/**
 * Decides whether a step runs. Returns null to run it, or the reason it is
 * skipped. After a stopping failure only failure handlers (`if_previous_failed`
 * whose previous step failed) still run.
 */
export function skipReason(input: ConditionInput): string | null {
  const prev = previousStep(input);
  const prevStatus = input.statuses[prev];
  if (input.stoppedBy !== null) {
    if (input.condition === 'if_previous_failed' && prevStatus === 'failed') return null;
    return `plan stopped after step ${input.stoppedBy} failed`;
  }
  if (input.condition === 'if_previous_success' && prevStatus !== 'succeeded') {
    return `condition if_previous_success: step ${prev} ${prevStatus ?? 'did not run'}`;
  }
  if (input.condition === 'if_previous_failed' && prevStatus !== 'failed') {
    return `condition if_previous_failed: step ${prev} ${prevStatus ?? 'did not run'}`;
  }
  return null;
}
