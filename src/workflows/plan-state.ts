import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { PlanState, PlanWorkflowInput, StepError } from './definitions';

/** A plan's state before anything ran. */
export function initialState(input: PlanWorkflowInput): PlanState {
  return {
    plan_id: input.plan_id,
    tenant_id: input.tenant_id,
    status: 'pending',
    current_step: null,
    steps: input.plan.actions.map((step, index) => ({
      index,
      type: step.type,
      status: 'pending',
      output: null,
      error: null,
      skip_reason: null,
      started_at: null,
      completed_at: null,
    })),
    error: null,
    started_at: null,
    completed_at: null,
    approvals: [],
    compensation: [],
  };
}

/**
 * Turns an activity failure into a step error. Anything else is a bug in
 * workflow code: rethrown, it fails the workflow task, to be fixed and resumed.
 */
export function describeFailure(err: unknown): StepError {
  if (!(err instanceof ActivityFailure)) throw err;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    return { type: cause.type ?? 'Error', message: cause.message };
  }
  return { type: cause?.name ?? 'ActivityFailure', message: cause?.message ?? err.message };
}

export const nowIso = () => new Date().toISOString();
