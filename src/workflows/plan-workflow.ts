import {
  CancellationScope,
  condition,
  isCancellation,
  ParentClosePolicy,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { AuditActivities } from '../activities/audit-activities';
import type { UndoActivities } from '../activities/undo-activities';
import { ACTION_TYPES, ACTIONS, type ActionType } from '../plan/action-types';
import { chainableOf, fillFromChain } from '../plan/chaining';
import { skipReason } from '../plan/conditions';
import type { StepActivities, StepContext, StepInput, StepOutput } from '../plan/step-io';
import type { PlanStep } from '../plan/validate-plan';
import { ERRAND_TENANT } from '../temporal/search-attributes';
import { AUDIT_OPTIONS, STEP_OPTIONS, UNDO_OPTIONS } from './activity-options';
import {
  approvePlan,
  getPlanState,
  rejectPlan,
  type ApprovalDecision,
  type ApprovalRecord,
  type DecisionInput,
  type PlanState,
  type PlanStatus,
  type PlanWorkflowInput,
} from './definitions';
import { describeFailure, initialState, nowIso } from './plan-state';
import { reminderWorkflow } from './reminder-workflow';

type ExecuteWithOptions = (options: { summary?: string }, args: [StepInput]) => Promise<StepOutput>;
const steps = Object.fromEntries(
  ACTION_TYPES.map((type) => [type, proxyActivities<StepActivities>(STEP_OPTIONS[type])[type]]),
) as unknown as Record<ActionType, { executeWithOptions: ExecuteWithOptions }>;
const undo = proxyActivities<UndoActivities>(UNDO_OPTIONS);
const audit = proxyLocalActivities<AuditActivities>(AUDIT_OPTIONS);

/**
 * Runs one action plan: approval gates, its steps in order (each an activity,
 * with chained inputs and conditions), compensation when asked for, and a
 * durable record of every transition in Postgres. Cancelling the workflow
 * lets the step in flight finish, then stops (and compensates if asked).
 */
export async function planWorkflow(input: PlanWorkflowInput): Promise<PlanState> {
  const { plan } = input;
  const root = CancellationScope.current();
  const state = initialState(input);
  const ctx = (step: number): StepContext => ({
    tenant_id: input.tenant_id,
    plan_id: input.plan_id,
    workflow_id: workflowInfo().workflowId,
    step,
    timezone: input.timezone,
  });
  // Audit writes must land even while the plan is being cancelled.
  const record = (kind: string, step: number | null, detail?: Record<string, unknown>) =>
    CancellationScope.nonCancellable(() =>
      audit.record_plan_state({ state, event: { kind, step, detail } }),
    );

  let pending: ApprovalRecord | null = null;
  const decide =
    (outcome: 'approved' | 'rejected') =>
    (d: DecisionInput): ApprovalDecision => {
      const decision = { outcome, by: d.by ?? 'unknown', at: nowIso(), reason: d.reason ?? null };
      if (pending) pending.decision = decision;
      pending = null;
      return decision;
    };
  const validator = (_decision: DecisionInput) => {
    if (!pending) throw new Error(`the plan is ${state.status}, not awaiting approval`);
  };
  setHandler(getPlanState, () => state);
  setHandler(approvePlan, decide('approved'), { validator });
  setHandler(rejectPlan, decide('rejected'), { validator });

  /** Waits durably for a decision until the deadline; nothing runs meanwhile. */
  const awaitApproval = async (step: number | null, reason: string) => {
    const requested = Date.now();
    const approval: ApprovalRecord = {
      step,
      reason,
      requested_at: new Date(requested).toISOString(),
      deadline: new Date(requested + input.approval_timeout_ms).toISOString(),
      decision: null,
    };
    state.approvals.push(approval);
    pending = approval;
    state.status = 'awaiting_approval';
    state.current_step = step;
    try {
      await record('approval_requested', step, { reason });
      const decided = await condition(() => approval.decision !== null, input.approval_timeout_ms);
      if (!decided) {
        approval.decision = {
          outcome: 'expired',
          by: 'errand',
          at: nowIso(),
          reason: 'the approval deadline passed',
        };
      }
    } finally {
      pending = null;
    }
    const decision = approval.decision as ApprovalDecision;
    if (decision.outcome === 'approved') {
      state.status = 'running';
      state.started_at ??= nowIso();
    }
    await record(`approval_${decision.outcome}`, step, { ...decision });
    return decision.outcome;
  };

  let stoppedBy: number | null = null;
  let ended: PlanStatus | null = null;
  try {
    if (input.approval_reason) {
      const outcome = await awaitApproval(null, input.approval_reason);
      if (outcome !== 'approved') ended = outcome;
    } else {
      state.status = 'running';
      state.started_at = nowIso();
      await record('plan_started', null);
    }
    for (const [index, step] of plan.actions.entries()) {
      if (ended) break;
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
        await record('step_skipped', index, { reason });
        continue;
      }
      if (step.approval === 'required') {
        const outcome = await awaitApproval(
          index,
          `step ${index} (${step.type}) requires approval`,
        );
        if (outcome !== 'approved') {
          ended = outcome;
          break;
        }
      }

      state.current_step = index;
      Object.assign(stepState, { status: 'running', started_at: nowIso() });
      await record('step_started', index);
      // The step in flight finishes even if the plan is cancelled meanwhile, so its outcome is known.
      const outcome = await CancellationScope.nonCancellable(() =>
        runStep(input, ctx(index), step, state).then(
          (output) => ({ output }),
          (err: unknown) => ({ error: describeFailure(err) }),
        ),
      );
      if ('output' in outcome) {
        Object.assign(stepState, {
          status: 'succeeded',
          output: outcome.output,
          completed_at: nowIso(),
        });
        await record('step_succeeded', index);
      } else {
        Object.assign(stepState, {
          status: 'failed',
          error: outcome.error,
          completed_at: nowIso(),
        });
        state.error ??= { ...outcome.error, step: index, step_type: step.type };
        if (plan.on_failure !== 'continue') stoppedBy ??= index;
        await record('step_failed', index, { ...outcome.error });
      }
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    ended = 'cancelled';
  }

  for (const s of state.steps) {
    if (s.status === 'pending')
      Object.assign(s, { status: 'skipped', skip_reason: `plan ${ended}` });
  }
  state.current_step = null;
  const status: PlanStatus = ended ?? (state.error ? 'failed' : 'completed');
  if (plan.on_failure === 'compensate' && status !== 'completed') {
    await compensate(state, ctx, record);
  }
  state.status = status;
  state.completed_at = nowIso();
  await record(`plan_${status}`, null);
  return state;
}

/** Undoes the done steps in reverse order; an undo that still fails after retries is recorded, never dropped. */
async function compensate(
  state: PlanState,
  ctx: (step: number) => StepContext,
  record: (kind: string, step: number | null, detail?: Record<string, unknown>) => Promise<void>,
): Promise<void> {
  for (const s of [...state.steps].reverse()) {
    if (s.status !== 'succeeded') continue;
    const base = { step: s.index, type: s.type, at: '' };
    if (!ACTIONS[s.type].undo) {
      state.compensation.push({ ...base, outcome: 'not_undoable', error: null, at: nowIso() });
      continue;
    }
    const error = await CancellationScope.nonCancellable(() =>
      undo.undo_step
        .executeWithOptions({ summary: `undo ${s.index + 1} ${s.type}` }, [
          { ...ctx(s.index), type: s.type, output: s.output ?? {} },
        ])
        .then(
          () => null,
          (err: unknown) => describeFailure(err),
        ),
    );
    if (!error) s.status = 'compensated';
    state.compensation.push({
      ...base,
      outcome: error ? 'undo_failed' : 'undone',
      error,
      at: nowIso(),
    });
    await record(
      error ? 'undo_failed' : 'step_compensated',
      s.index,
      error ? { ...error } : undefined,
    );
  }
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
  }
  return output;
}
