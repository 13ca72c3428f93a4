import {
  ActivityFailure,
  ApplicationFailure,
  ParentClosePolicy,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { AuditActivities } from '../activities/audit-activities';
import { ERRAND_TENANT } from '../temporal/search-attributes';
import { ACTION_TYPES, type ActionType } from '../plan/action-types';
import { chainableOf, fillFromChain } from '../plan/chaining';
import { skipReason } from '../plan/conditions';
import type { StepActivities, StepInput, StepOutput } from '../plan/step-io';
import type { PlanStep } from '../plan/validate-plan';
import { AUDIT_OPTIONS, STEP_OPTIONS } from './activity-options';
import {
  getPlanState,
  type PlanState,
  type PlanWorkflowInput,
  type StepError,
  type StepState,
} from './definitions';
import { reminderWorkflow } from './reminder-workflow';

type StepFn = (input: StepInput) => Promise<StepOutput>;

const steps = Object.fromEntries(
  ACTION_TYPES.map((type) => [type, proxyActivities<StepActivities>(STEP_OPTIONS[type])[type]]),
) as unknown as Record<ActionType, StepFn & { executeWithOptions: ExecuteWithOptions }>;
type ExecuteWithOptions = (options: { summary?: string }, args: [StepInput]) => Promise<StepOutput>;

const audit = proxyLocalActivities<AuditActivities>(AUDIT_OPTIONS);

/**
 * Runs one action plan: its steps in order, each as an activity, with chained
 * inputs, conditions and a durable record of every transition in Postgres.
 */
export async function planWorkflow(input: PlanWorkflowInput): Promise<PlanState> {
  const { plan } = input;
  const state = initialState(input);
  setHandler(getPlanState, () => state);
  const workflowId = workflowInfo().workflowId;
  const now = () => new Date().toISOString();
  const record = (kind: string, step: number | null, detail?: Record<string, unknown>) =>
    audit.record_plan_state({ state, event: { kind, step, detail } });

  state.status = 'running';
  state.started_at = now();
  await record('plan_started', null);

  let stoppedBy: number | null = null;
  for (const [index, step] of plan.actions.entries()) {
    const stepState = state.steps[index];
    const reason = skipReason({
      index,
      condition: step.condition,
      use_result_from: step.use_result_from,
      statuses: state.steps.map((s) => s.status),
      stoppedBy,
    });
    if (reason !== null) {
      Object.assign(stepState, { status: 'skipped', skip_reason: reason, completed_at: now() });
      await record('step_skipped', index, { reason });
      continue;
    }

    state.current_step = index;
    Object.assign(stepState, { status: 'running', started_at: now() });
    await record('step_started', index);
    try {
      const output = await runStep(input, workflowId, index, step, state.steps);
      Object.assign(stepState, { status: 'succeeded', output, completed_at: now() });
      await record('step_succeeded', index);
    } catch (err) {
      const error = describeFailure(err);
      Object.assign(stepState, { status: 'failed', error, completed_at: now() });
      state.error ??= { ...error, step: index, step_type: step.type };
      if (plan.on_failure === 'stop') stoppedBy ??= index;
      await record('step_failed', index, { ...error });
    }
  }

  state.current_step = null;
  state.status = state.error ? 'failed' : 'completed';
  state.completed_at = now();
  await record(state.error ? 'plan_failed' : 'plan_completed', null);
  return state;
}

async function runStep(
  input: PlanWorkflowInput,
  workflowId: string,
  index: number,
  step: PlanStep,
  stepStates: StepState[],
): Promise<StepOutput> {
  const source = step.use_result_from !== undefined ? stepStates[step.use_result_from] : null;
  const chained = source ? chainableOf(source.output) : undefined;
  const stepInput: StepInput = {
    tenant_id: input.tenant_id,
    plan_id: input.plan_id,
    workflow_id: workflowId,
    step: index,
    timezone: input.timezone,
    params: fillFromChain(step, chained),
    chained,
  };
  const summary = `${index + 1}/${input.plan.actions.length} ${step.type}`;
  const output = await steps[step.type].executeWithOptions({ summary }, [stepInput]);
  if (step.type === 'schedule_reminder') {
    // The reminder waits in its own workflow so the plan can finish now.
    await startChild(reminderWorkflow, {
      workflowId: String(output.workflow_id),
      args: [
        {
          tenant_id: input.tenant_id,
          reminder_id: String(output.reminder_id),
          fire_at: String(output.fire_at),
        },
      ],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [{ key: ERRAND_TENANT, value: input.tenant_id }],
      staticSummary: `reminder from step ${index} of plan ${input.plan_id}`,
    });
  }
  return output;
}

function initialState(input: PlanWorkflowInput): PlanState {
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
  };
}

/** Only activity failures fail a step; a bug in this code fails the workflow task, to be fixed and resumed. */
function describeFailure(err: unknown): StepError {
  if (!(err instanceof ActivityFailure)) throw err;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure)
    return { type: cause.type ?? 'Error', message: cause.message };
  return { type: cause?.name ?? 'ActivityFailure', message: cause?.message ?? err.message };
}
