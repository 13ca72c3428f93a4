import {
  CancellationScope,
  isCancellation,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ACTION_TYPES, type ActionType } from '../plan/action-types';
import { chainableOf, fillFromChain } from '../plan/chaining';
import { skipReason } from '../plan/conditions';
import type { StepActivities, StepContext, StepInput, StepOutput } from '../plan/step-io';
import type { PlanStep } from '../plan/validate-plan';
import { ERRAND_TENANT } from '../temporal/search-attributes';
import { STEP_OPTIONS } from './activity-options';
import { awaitsResult } from '../plan/awaits-result';
import { createApprovalGate } from './approval-gate';
import { AUTOMATION_COMPLETION_PATCH, createAutomationGate } from './automation-completion';
import { compensate } from './compensation';
import {
  getPlanState,
  type PlanState,
  type PlanStatus,
  type PlanWorkflowInput,
  type StepError,
} from './definitions';
import { AuditFailed, createPlanRecorder } from './plan-recorder';
import { describeFailure, initialState, nowIso } from './plan-state';
import { reminderWorkflow } from './reminder-workflow';
import { createSearchAttributeSync } from './search-attribute-sync';
import { ACTION_RATE_PATCH, createCapacityGate } from './step-capacity';
import { waitForNotBefore } from './step-schedule';

/** Retries (input.resume) start at a step, keep the steps before it, and reuse the first attempt's keys. */
export const RESUME_PATCH = 'plan-retry-resumes-from-a-step';

type ExecuteWithOptions = (options: { summary?: string }, args: [StepInput]) => Promise<StepOutput>;
const steps = Object.fromEntries(
  ACTION_TYPES.map((type) => [type, proxyActivities<StepActivities>(STEP_OPTIONS[type])[type]]),
) as unknown as Record<ActionType, { executeWithOptions: ExecuteWithOptions }>;

/**
 * Runs one action plan: approval gates, its steps in order (each an activity,
 * with chained inputs and conditions, counted first against the tenant's
 * action rates and waiting durably for room), compensation when asked for,
 * and a durable record of every transition in Postgres. Cancelling the workflow
 * lets the step in flight finish, then stops (and compensates if asked).
 * The getPlanState query answers the state Postgres last accepted; when the
 * audit trail cannot be written the plan stops and ends failed.
 */
export async function planWorkflow(input: PlanWorkflowInput): Promise<PlanState> {
  const { plan } = input;
  const root = CancellationScope.current();
  const resume = input.resume && patched(RESUME_PATCH) ? input.resume : undefined;
  const state = initialState(input, resume);
  // Every attempt keys its side effects as the first did, so none is done twice.
  const keyBase = resume?.key_base ?? workflowInfo().workflowId;
  const ctx = (step: number): StepContext => ({
    tenant_id: input.tenant_id,
    plan_id: input.plan_id,
    workflow_id: keyBase,
    step,
    timezone: input.timezone,
    ...(plan.user_id !== undefined && { user_id: plan.user_id }),
  });
  const recorder = createPlanRecorder(
    state,
    plan.actions,
    resume?.attempt,
    createSearchAttributeSync(state, plan.actions),
  );
  const { record, defer } = recorder;

  setHandler(getPlanState, () => recorder.recorded());
  const approvals = createApprovalGate(state, input.approval_timeout_ms, record, defer);
  const capacity = createCapacityGate(state, record, workflowInfo().workflowId);
  const automations = createAutomationGate(state, plan.actions, record);

  let stoppedBy: number | null = null;
  let ended: PlanStatus | null = null;
  const stepFailed = async (index: number, error: StepError) => {
    Object.assign(state.steps[index], { status: 'failed', error, completed_at: nowIso() });
    state.error ??= { ...error, step: index, step_type: plan.actions[index].type };
    if (plan.on_failure !== 'continue') stoppedBy ??= index;
    await defer('step_failed', index, { ...error });
  };
  try {
    if (input.approval_reason) {
      const outcome = await approvals.wait(null, input.approval_reason);
      if (outcome !== 'approved') ended = outcome;
    } else {
      state.status = 'running';
      state.started_at = nowIso();
      await defer(
        'plan_started',
        null,
        resume && { attempt: resume.attempt, from_step: resume.from_step },
      );
    }
    for (const [index, step] of plan.actions.entries()) {
      if (ended) break;
      if (resume && index < resume.from_step) continue;
      if (root.consideredCancelled) {
        ended = 'cancelled';
        break;
      }
      const stepState = state.steps[index];
      const reason = skipReason({
        index,
        condition: step.condition,
        use_result_from: step.use_result_from,
        statuses: state.steps.map((s) => s.status),
        stoppedBy,
      });
      if (reason !== null) {
        Object.assign(stepState, {
          status: 'skipped',
          skip_reason: reason,
          completed_at: nowIso(),
        });
        await defer('step_skipped', index, { reason });
        continue;
      }
      if (step.approval === 'required') {
        const outcome = await approvals.wait(
          index,
          `step ${index} (${step.type}) requires approval`,
        );
        if (outcome !== 'approved') {
          ended = outcome;
          break;
        }
      }

      const early = await waitForNotBefore(input, state, index, step, record);
      if (early) {
        await stepFailed(index, early);
        continue;
      }

      if (patched(ACTION_RATE_PATCH)) {
        const refused = await capacity.reserve(index);
        if (refused) {
          await stepFailed(index, refused);
          continue;
        }
      }

      state.current_step = index;
      Object.assign(stepState, { status: 'running', started_at: nowIso() });
      await record('step_started', index).catch((err: unknown) => {
        // Not started after all: it ends skipped with the rest.
        if (err instanceof AuditFailed)
          Object.assign(stepState, { status: 'pending', started_at: null });
        throw err;
      });
      // The step in flight finishes even if the plan is cancelled meanwhile, so its outcome is known.
      let outcome = await CancellationScope.nonCancellable(() =>
        runStep(input, ctx(index), step, state).then(
          (output): { output: StepOutput } => ({ output }),
          (err: unknown) => ({ error: describeFailure(err) }),
        ),
      );
      // The wait for an automation's report can be cancelled: nothing is in flight meanwhile.
      if ('output' in outcome && awaitsResult(step) && patched(AUTOMATION_COMPLETION_PATCH)) {
        outcome = await automations.wait(index, outcome.output);
      }
      if ('output' in outcome) {
        Object.assign(stepState, {
          status: 'succeeded',
          output: outcome.output,
          completed_at: nowIso(),
        });
        await defer('step_succeeded', index);
      } else {
        await stepFailed(index, outcome.error);
      }
    }
  } catch (err) {
    if (err instanceof AuditFailed) ended = 'failed';
    else if (isCancellation(err)) ended = 'cancelled';
    else throw err;
  }

  for (const s of state.steps) {
    if (s.status === 'pending')
      Object.assign(s, { status: 'skipped', skip_reason: `plan ${ended}` });
  }
  state.current_step = null;
  const status: PlanStatus = ended ?? (state.error ? 'failed' : 'completed');
  if (plan.on_failure === 'compensate' && status !== 'completed') {
    // Undo goes on even when the audit trail failed: the side effects are real either way.
    await compensate(state, ctx, recorder.recordOrGoOn);
  }
  state.status = status;
  state.completed_at = nowIso();
  await recorder.finish();
  return state;
}

async function runStep(
  input: PlanWorkflowInput,
  ctx: StepContext,
  step: PlanStep,
  state: PlanState,
): Promise<StepOutput> {
  const source = step.use_result_from !== undefined ? state.steps[step.use_result_from] : null;
  const chained = source ? chainableOf(source.output) : undefined;
  const stepInput: StepInput = { ...ctx, params: fillFromChain(step, chained), chained };
  const summary = `${ctx.step + 1}/${input.plan.actions.length} ${step.type}`;
  const output = await steps[step.type].executeWithOptions({ summary }, [stepInput]);
  if (step.type === 'schedule_reminder') {
    // The reminder waits in its own workflow so the plan can finish now.
    await startReminder(input, ctx, output);
  }
  return output;
}

async function startReminder(input: PlanWorkflowInput, ctx: StepContext, output: StepOutput) {
  try {
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
      staticSummary: `reminder from step ${ctx.step} of plan ${input.plan_id}`,
    });
  } catch (err) {
    // Already waiting (e.g. after a reset of this plan): it is the same reminder.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
