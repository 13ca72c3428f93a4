import { log } from '@temporalio/activity';
import { isPermanentPostgresError, sqlStateOf } from '../db/postgres-errors';
import {
  recordPlanEnding,
  recordPlanTransition,
  type PlanEnding,
  type PlanEvent,
  type WrittenTransition,
} from '../db/plans-repository';
import { plansEnded } from '../metrics/errand-metrics';
import { sourceLabel } from '../metrics/labels';
import { observePlanEvents } from '../metrics/plan-metrics';
import type { PlanState } from '../workflows/definitions';
import type { ActivityDeps } from './deps';
import { AuditWriteRefusedError } from './errors';

/** Keeps `action_plans` and its event log in step with the workflow. */
export function createAuditActivities(deps: Pick<ActivityDeps, 'db'>) {
  return {
    /**
     * Writes the plan's snapshot and its events (one, or those held back and one). A write Postgres refuses for
     * what it contains fails at once as AuditWriteRefusedError; anything else
     * (an outage) is retried by the policy.
     */
    async record_plan_state(input: {
      state: PlanState;
      event: PlanEvent;
      /** Transitions the workflow held back to write with this one, oldest first. */
      earlier?: PlanEvent[];
    }): Promise<void> {
      const { state, event } = input;
      const written = await refusalsNamed(event.kind, () =>
        recordPlanTransition(
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
          [...(input.earlier ?? []), event],
        ),
      );
      observePlanEvents(state, written.source, written.fresh);
    },

    /**
     * Ends a plan whose full snapshot could not be recorded: only its status,
     * error, end time and compensation are written, beside the last snapshot
     * Postgres accepted.
     */
    async record_plan_ending(input: {
      tenant_id: string;
      plan_id: string;
      ending: PlanEnding;
      event: PlanEvent;
    }): Promise<void> {
      const written = await refusalsNamed(input.event.kind, () =>
        recordPlanEnding(deps.db, input.tenant_id, input.plan_id, input.ending, input.event),
      );
      for (const event of written.fresh) {
        if (event.kind === 'plan_failed') {
          plansEnded.inc({
            tenant: input.tenant_id,
            source: sourceLabel(written.source),
            outcome: 'failed',
          });
        }
      }
    },
  };
}

async function refusalsNamed(
  kind: string,
  write: () => Promise<WrittenTransition | undefined>,
): Promise<WrittenTransition> {
  let found: WrittenTransition | undefined;
  try {
    found = await write();
  } catch (err) {
    if (!isPermanentPostgresError(err)) throw err;
    // The driver's own words go to the worker's log, not into the plan a client reads.
    log.warn('Postgres refused an audit write', { kind, error: (err as Error).message });
    throw new AuditWriteRefusedError(
      `Postgres refused to record ${kind} (SQLSTATE ${sqlStateOf(err)})`,
    );
  }
  // The API writes the row before it starts the workflow, so a missing row was deleted: final.
  if (!found) throw new AuditWriteRefusedError(`the plan's row is gone; ${kind} was not recorded`);
  return found;
}

export type AuditActivities = ReturnType<typeof createAuditActivities>;
