import { condition, log, setHandler } from '@temporalio/workflow';
import {
  approvePlan,
  approvePlanSignal,
  rejectPlan,
  rejectPlanSignal,
  type ApprovalDecision,
  type ApprovalRecord,
  type DecisionInput,
  type PlanState,
} from './definitions';
import { nowIso, type Recorder } from './plan-state';

/**
 * Human decisions for a plan: registers the approve and reject Updates, whose
 * validator refuses a decision the plan is not waiting for, and the signals of the
 * same names, which take a decision the same way but, having no one to answer,
 * record one that comes too late, twice or malformed and ignore it. Waits durably
 * for a decision until the deadline.
 */
export function createApprovalGate(
  state: PlanState,
  timeoutMs: number,
  record: Recorder,
  /** Records a transition with the next write: for what a signal handler notes. */
  note: Recorder,
) {
  let pending: ApprovalRecord | null = null;
  const decide =
    (outcome: 'approved' | 'rejected') =>
    (d: DecisionInput): ApprovalDecision => {
      const decision = { outcome, by: d.by ?? 'unknown', at: nowIso(), reason: d.reason ?? null };
      if (pending) pending.decision = decision;
      pending = null;
      return decision;
    };
  /** Why a decision cannot be taken now, or null. */
  const refusal = (decision: unknown): string | null => {
    if (!pending) {
      // Two decisions in one workflow task: the first took the approval, the plan has not moved yet.
      return state.status === 'awaiting_approval'
        ? 'the approval was decided already'
        : `the plan is ${state.status}, not awaiting approval`;
    }
    // Operators may send anything from the CLI or the Web UI; refuse it here rather than fail the workflow task.
    if (typeof decision !== 'object' || decision === null || Array.isArray(decision)) {
      return 'send a decision as {"by": "...", "reason": "..."}';
    }
    for (const field of ['by', 'reason'] as const) {
      const value = (decision as Record<string, unknown>)[field];
      if (value !== undefined && typeof value !== 'string') return `${field} must be a string`;
    }
    return null;
  };
  const validator = (decision: DecisionInput) => {
    const why = refusal(decision);
    if (why) throw new Error(why);
  };
  setHandler(approvePlan, decide('approved'), { validator });
  setHandler(rejectPlan, decide('rejected'), { validator });
  const onSignal = (outcome: 'approved' | 'rejected') => (decision: DecisionInput) => {
    const why = refusal(decision);
    if (why === null) {
      decide(outcome)(decision);
      return;
    }
    const by = typeof decision?.by === 'string' ? decision.by.slice(0, 200) : null;
    log.warn('approval signal ignored', { plan_id: state.plan_id, outcome, by, why });
    // Written with the plan's next transition (every plan ends with one); the signal itself
    // stays in the workflow's history.
    void note('approval_signal_ignored', state.current_step, { outcome, by, why });
  };
  setHandler(approvePlanSignal, onSignal('approved'));
  setHandler(rejectPlanSignal, onSignal('rejected'));

  return {
    /** Waits for a decision on the whole plan (step null) or before one step; nothing runs meanwhile. */
    async wait(step: number | null, reason: string): Promise<ApprovalDecision['outcome']> {
      const requested = Date.now();
      const approval: ApprovalRecord = {
        step,
        reason,
        requested_at: new Date(requested).toISOString(),
        deadline: new Date(requested + timeoutMs).toISOString(),
        decision: null,
      };
      state.approvals.push(approval);
      pending = approval;
      state.status = 'awaiting_approval';
      state.current_step = step;
      try {
        await record('approval_requested', step, { reason });
        const what = step === null ? 'the plan' : `step ${step + 1} (${state.steps[step]?.type})`;
        const decided = await condition(() => approval.decision !== null, timeoutMs, {
          summary: `approval of ${what} waits for a decision until ${approval.deadline}`,
        });
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
    },
  };
}
