import { condition, setHandler } from '@temporalio/workflow';
import {
  approvePlan,
  rejectPlan,
  type ApprovalDecision,
  type ApprovalRecord,
  type DecisionInput,
  type PlanState,
} from './definitions';
import { nowIso, type Recorder } from './plan-state';

/**
 * Human decisions for a plan: registers the approve and reject Updates, whose
 * validator refuses a decision the plan is not waiting for, and waits durably
 * for one until the deadline.
 */
export function createApprovalGate(state: PlanState, timeoutMs: number, record: Recorder) {
  let pending: ApprovalRecord | null = null;
  const decide =
    (outcome: 'approved' | 'rejected') =>
    (d: DecisionInput): ApprovalDecision => {
      const decision = { outcome, by: d.by ?? 'unknown', at: nowIso(), reason: d.reason ?? null };
      if (pending) pending.decision = decision;
      pending = null;
      return decision;
    };
  const validator = (decision: DecisionInput) => {
    if (!pending) throw new Error(`the plan is ${state.status}, not awaiting approval`);
    // Operators may send anything from the CLI; refuse it here rather than fail the workflow task.
    if (typeof decision !== 'object' || decision === null) {
      throw new Error('send a decision as {"by": "...", "reason": "..."}');
    }
    for (const field of ['by', 'reason'] as const) {
      if (decision[field] !== undefined && typeof decision[field] !== 'string') {
        throw new Error(`${field} must be a string`);
      }
    }
  };
  setHandler(approvePlan, decide('approved'), { validator });
  setHandler(rejectPlan, decide('rejected'), { validator });

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
        const decided = await condition(() => approval.decision !== null, timeoutMs);
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
