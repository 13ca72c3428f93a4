import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  log,
  patched,
  proxyLocalActivities,
  TemporalFailure,
} from '@temporalio/workflow';
import type { AuditActivities } from '../activities/audit-activities';
import { postgresSafe } from '../plan/postgres-safe';
import type { Plan } from '../plan/validate-plan';
import { AUDIT_OPTIONS } from './activity-options';
import type { PlanError, PlanState, StepError } from './definitions';
import { describeFailure, type Recorder } from './plan-state';

const audit = proxyLocalActivities<AuditActivities>(AUDIT_OPTIONS);

/** Plans started before the audit write was bounded retried it forever; this marks the ones that end instead. */
export const AUDIT_FAILURE_PATCH = 'audit-write-failure-ends-plan';

/** Thrown by a recorder when the audit trail could not be written: the plan must stop. */
export class AuditFailed extends Error {
  constructor(readonly error: PlanError) {
    super(error.message);
  }
}

/**
 * Writes a plan's state to Postgres and keeps a copy of what was written, so
 * the workflow's query never runs ahead of the database. The first write that
 * fails for good (a refused value, or an outage past AUDIT_OPTIONS' bound)
 * throws AuditFailed; later writes do nothing, and `finish` ends the plan
 * failed with a minimal record.
 */
export function createPlanRecorder(state: PlanState, actions: Plan['actions'], attempt?: number) {
  // Only retries say which attempt wrote an event; a first run's events stay as they always were.
  const of = attempt ? { attempt } : {};
  let recorded: PlanState = postgresSafe(state);
  let failure: PlanError | null = null;

  // Audit writes must land even while the plan is being cancelled.
  const record: Recorder = async (kind, step, detail) => {
    if (failure) return;
    const snapshot = postgresSafe(state);
    try {
      await CancellationScope.nonCancellable(() =>
        audit.record_plan_state({ state: snapshot, event: { kind, step, detail, ...of } }),
      );
    } catch (err) {
      if (!(err instanceof TemporalFailure) || !patched(AUDIT_FAILURE_PATCH)) throw err;
      const cause = describeAuditFailure(err);
      failure = {
        type: 'AuditWriteFailed',
        message:
          `the audit trail could not record ${kind}${step === null ? '' : ` of step ${step}`}, ` +
          `so the plan was stopped: ${cause.type}: ${cause.message}`,
        step,
        step_type: step === null ? null : (actions[step]?.type ?? null),
      };
      throw new AuditFailed(failure);
    }
    recorded = snapshot;
  };

  return {
    record,
    /** Like record, but an audit failure only stops later writes: used where the work must go on (undo). */
    recordOrGoOn: (async (kind, step, detail) => {
      await record(kind, step, detail).catch((err: unknown) => {
        if (!(err instanceof AuditFailed)) throw err;
      });
    }) as Recorder,
    /** The state as Postgres last accepted it: what the query answers. */
    recorded: () => recorded,

    /**
     * Records the plan's end. After an audit failure the plan ends failed with
     * that error, written alone beside the last snapshot Postgres accepted; if
     * even that cannot be written the workflow still ends, and says so in its log.
     */
    async finish(): Promise<void> {
      await record(`plan_${state.status}`, null).catch((err: unknown) => {
        if (!(err instanceof AuditFailed)) throw err;
      });
      const error = failure;
      if (!error) return;
      Object.assign(state, { status: 'failed', current_step: null, error });
      const ending = postgresSafe({
        status: 'failed' as const,
        error,
        completed_at: state.completed_at ?? new Date().toISOString(),
        compensation: state.compensation,
      });
      try {
        await CancellationScope.nonCancellable(() =>
          audit.record_plan_ending({
            tenant_id: state.tenant_id,
            plan_id: state.plan_id,
            ending,
            event: { kind: 'plan_failed', step: null, detail: { ...error }, ...of },
          }),
        );
        recorded = { ...recorded, ...ending, current_step: null };
      } catch (err) {
        if (!(err instanceof TemporalFailure)) throw err;
        log.error('the end of the plan could not be recorded either', {
          plan_id: state.plan_id,
          error: describeAuditFailure(err),
        });
      }
    },
  };
}

/** A local activity's failure may reach the workflow as the activity's own error, unwrapped. */
function describeAuditFailure(err: TemporalFailure): StepError {
  if (err instanceof ActivityFailure) return describeFailure(err);
  if (err instanceof ApplicationFailure) return { type: err.type ?? 'Error', message: err.message };
  return { type: err.name, message: err.message };
}
