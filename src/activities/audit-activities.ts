import { recordPlanTransition, type PlanEvent } from '../db/plans-repository';
import type { PlanState } from '../workflows/definitions';
import type { ActivityDeps } from './deps';

/** Keeps `action_plans` and its event log in step with the workflow. */
export function createAuditActivities(deps: Pick<ActivityDeps, 'db'>) {
  return {
    async record_plan_state(input: { state: PlanState; event: PlanEvent }): Promise<void> {
      const { state, event } = input;
      await recordPlanTransition(
        deps.db,
        state.tenant_id,
        state.plan_id,
        {
          status: state.status,
          current_step: state.current_step,
          step_results: state.steps,
          error: state.error,
          started_at: state.started_at,
          completed_at: state.completed_at,
          approvals: state.approvals,
          compensation: state.compensation,
        },
        event,
      );
    },
  };
}

export type AuditActivities = ReturnType<typeof createAuditActivities>;
