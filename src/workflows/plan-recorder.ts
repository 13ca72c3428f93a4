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
import type { PlanEvent } from '../db/plans-repository';
import { postgresSafe } from '../plan/postgres-safe';
import type { Plan } from '../plan/validate-plan';
import { AUDIT_OPTIONS } from './activity-options';
import type { PlanError, PlanState, StepError } from './definitions';
import { describeFailure, type Recorder } from './plan-state';

const audit = proxyLocalActivities<AuditActivities>(AUDIT_OPTIONS);

/** Plans started before the audit write was bounded retried it forever; this marks the ones that end instead. */
export const AUDIT_FAILURE_PATCH = 'audit-write-failure-ends-plan';

/** Plans that hold a step's end back to write it with the next transition: half the audit writes. */
export const BATCHED_AUDIT_PATCH = 'audit-writes-batched';

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
export function createPlanRecorder(
  state: PlanState,
  actions: Plan['actions'],
  attempt?: number,
  /** Called at every transition, before it is written: keeps the search attributes current. */
  onTransition: () => void = () => undefined,
) {
  // Only retries say which attempt wrote an event; a first run's events stay as they always were.
  const of = attempt ? { attempt } : {};
  let recorded: PlanState = postgresSafe(state);
  let failure: PlanError | null = null;
  /** Transitions held back by `defer`, written with the next `record`. */
  let held: PlanEvent[] = [];

  // Audit writes must land even while the plan is being cancelled.
  const record: Recorder = async (kind, step, detail) => {
    onTransition();
    if (failure) return;
    const snapshot = postgresSafe(state);
    const earlier = held;
    held = [];
    try {
      await CancellationScope.nonCancellable(() =>
        audit.record_plan_state({
          state: snapshot,
          event: { kind, step, detail, ...of },
          ...(earlier.length > 0 && { earlier }),
        }),
      );
    } catch (err) {
      if (!(err instanceof TemporalFailure) || !patched(AUDIT_FAILURE_PATCH)) throw err;
      const cause = describeAuditFailure(err);
      // The write was refused as a whole: name the first transition it held.
      const first = earlier[0] ?? { kind, step };
      const at = (e: { step: number | null }) => (e.step === null ? '' : ` of step ${e.step}`);
      const also = earlier.length > 0 ? ` (and ${kind}${at({ step })})` : '';
      failure = {
        type: 'AuditWriteFailed',
        message:
          `the audit trail could not record ${first.kind}${at(first)}${also}, ` +
          `so the plan was stopped: ${cause.type}: ${cause.message}`,
        step: first.step,
        step_type: first.step === null ? null : (actions[first.step]?.type ?? null),
      };
      throw new AuditFailed(failure);
    }
    recorded = snapshot;
  };

  return {
    record,
    /**
     * Records a transition with the next one, in the same write: for those the plan
     * goes on from at once (a step's end, the next step's start). Every wait and the
     * plan's end begin with `record`, so nothing held back waits with the plan.
     */
    defer: (async (kind, step, detail) => {
      onTransition();
      if (failure) return;
      if (!patched(BATCHED_AUDIT_PATCH)) return record(kind, step, detail);
      held.push({ kind, step, ...(detail !== undefined && { detail }), ...of });
    }) as Recorder,
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
      onTransition();
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
