import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { resumedSteps } from '../plan/plan-resume';
import type { Plan } from '../plan/validate-plan';
import type { PlanResume, PlanState, PlanWorkflowInput, StepError, StepState } from './definitions';

/** A plan's state before anything of this attempt ran; a retry keeps the steps before its start. */
export function initialState(input: PlanWorkflowInput, resume?: PlanResume): PlanState {
  return {
    plan_id: input.plan_id,
    tenant_id: input.tenant_id,
    status: 'pending',
    current_step: null,
    steps: resume ? resumedSteps(resume.prior_steps, resume.from_step) : initialSteps(input.plan),
    error: null,
    started_at: null,
    completed_at: null,
    approvals: [],
    compensation: [],
  };
}

/** Every step of a plan, pending. */
export function initialSteps(plan: Plan): StepState[] {
  return plan.actions.map((step, index) => ({
    index,
    type: step.type,
    status: 'pending',
    output: null,
    error: null,
    skip_reason: null,
    started_at: null,
    completed_at: null,
  }));
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

/** Writes the plan's state and one event to the audit trail. */
export type Recorder = (
  kind: string,
  step: number | null,
  detail?: Record<string, unknown>,
) => Promise<void>;
