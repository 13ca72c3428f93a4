import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database, PlanRow } from '../db/database';
import {
  beginRetry,
  DRAFT,
  executeDraft,
  RETRYABLE_STATUSES,
  wasCancelledAsDraft,
} from '../db/plan-runs-repository';
import { findPlan } from '../db/plans-repository';
import { latestResumeStep, resumedSteps } from '../plan/plan-resume';
import type { Tenant } from '../tenants/tenants-repository';
import {
  planAttemptWorkflowId,
  planWorkflowId,
  type PlanWorkflowInput,
  type StepState,
} from '../workflows/definitions';
import { badRequest, HttpError } from './http-error';
import { admitPlan } from './plan-admission';
import {
  approvalReason,
  startSubmitted,
  stillAllowed,
  workflowInputOf,
  type StartDeps,
} from './plan-preparation';

export interface PlanRunsDeps extends StartDeps {
  db: Kysely<Database>;
  logger: Logger;
  now?: () => Date;
}

export interface RunOptions {
  /** Who asks, for the plan's history. */
  by: string;
  log?: Logger;
}

export interface RunAnswer {
  row: PlanRow;
  /** false: the plan was already running or done, and this is its state. */
  started: boolean;
}

/** The plan moved on between reading it and writing it: the transaction writes nothing. */
class PlanMoved extends Error {}

const isRetryable = (status: string) => (RETRYABLE_STATUSES as readonly string[]).includes(status);

/**
 * Runs stored plans: a draft's first run and the retries of an ended plan,
 * each admitted under the tenant's policy and limits as a submission is, in
 * the transaction that moves the row to `submitting`.
 */
export function createPlanRuns(deps: PlanRunsDeps) {
  const now = () => deps.now?.() ?? new Date();

  /** Admits the run and writes its row in one transaction; undefined when the plan moved on. */
  async function admitted(
    tenant: Tenant,
    input: PlanWorkflowInput,
    workflowId: string,
    write: (trx: Kysely<Database>) => Promise<PlanRow | undefined>,
  ): Promise<PlanRow | undefined> {
    const admission = {
      tenant,
      plan: input.plan,
      workflowId,
      approvalReason: input.approval_reason ?? null,
      now: now(),
      firstStep: input.resume?.from_step,
    };
    try {
      return await deps.db.transaction().execute(async (trx) => {
        await admitPlan(trx, admission);
        const row = await write(trx);
        if (!row) throw new PlanMoved();
        return row;
      });
    } catch (err) {
      if (err instanceof PlanMoved) return undefined;
      throw err;
    }
  }

  const current = async (tenant: Tenant, id: string) =>
    (await findPlan(deps.db, tenant.id, id)) as PlanRow;

  return {
    /**
     * Starts a draft. Idempotent: a plan already executed answers its state and
     * starts nothing; a draft cancelled before it ran is a 409.
     */
    async execute(tenant: Tenant, row: PlanRow, options: RunOptions): Promise<RunAnswer> {
      if (row.status !== DRAFT) {
        if (row.status === 'cancelled' && (await wasCancelledAsDraft(deps.db, tenant.id, row.id))) {
          throw new HttpError(409, 'plan_cancelled', 'the draft was cancelled before it ran');
        }
        return { row, started: false };
      }
      const stored = row.workflow_input as PlanWorkflowInput;
      const plan = stillAllowed(tenant, stored.plan);
      const input = workflowInputOf(tenant, plan, row.id, {
        timezone: stored.timezone,
        approvalReason: approvalReason(tenant, plan),
        source: row.source,
        planner: stored.planner,
      });
      const event = { kind: 'plan_executed', step: null, detail: { by: options.by } };
      const written = await admitted(tenant, input, row.workflow_id, (trx) =>
        executeDraft(trx, tenant.id, row.id, input, event),
      );
      if (!written) return this.execute(tenant, await current(tenant, row.id), options);
      const started = await startSubmitted(deps, written, input, options.log ?? deps.logger);
      return { row: started, started: true };
    },

    /**
     * Runs an ended plan again as its next attempt, from `fromStep` (default:
     * its first failed step, else its first step that did not succeed),
     * reusing the outputs of the steps before it and every step's idempotency key.
     */
    async retry(
      tenant: Tenant,
      row: PlanRow,
      fromStep: number | undefined,
      options: RunOptions,
    ): Promise<PlanRow> {
      if (!isRetryable(row.status)) {
        throw new HttpError(
          409,
          'plan_not_retryable',
          `only ${RETRYABLE_STATUSES.join(', ')} plans can be retried; this one is ${row.status}`,
        );
      }
      if (await wasCancelledAsDraft(deps.db, tenant.id, row.id)) {
        throw new HttpError(
          409,
          'plan_never_ran',
          'the draft was cancelled before it ran: submit it again',
        );
      }
      if (!row.workflow_input) {
        throw new HttpError(
          409,
          'plan_not_retryable',
          'the plan predates stored workflow inputs: submit it again',
        );
      }
      if ((row.compensation ?? []).length > 0) {
        throw new HttpError(
          409,
          'plan_compensated',
          'the plan was compensated (its done steps were undone), so their outputs cannot be reused: submit it again',
        );
      }
      const steps = row.step_results as StepState[];
      const latest = latestResumeStep(steps);
      const from = fromStep ?? latest;
      if (from > latest) {
        throw badRequest([
          {
            path: 'from_step',
            message: `must be at most ${latest}: every step before it must have succeeded (or been skipped by its condition)`,
          },
        ]);
      }
      const prior = row.workflow_input as PlanWorkflowInput;
      const plan = stillAllowed(tenant, prior.plan);
      const attempt = row.attempt + 1;
      const workflowId = planAttemptWorkflowId(tenant.id, row.id, attempt);
      const input = workflowInputOf(tenant, plan, row.id, {
        timezone: prior.timezone,
        approvalReason: approvalReason(tenant, plan),
        source: row.source,
        planner: prior.planner,
        resume: {
          attempt,
          key_base: planWorkflowId(tenant.id, row.id),
          from_step: from,
          prior_steps: steps,
        },
      });
      const written = await admitted(tenant, input, workflowId, (trx) =>
        beginRetry(trx, tenant.id, row.id, {
          previousAttempt: row.attempt,
          previousStatus: row.status,
          attempt,
          workflowId,
          input,
          steps: resumedSteps(steps, from),
          event: {
            kind: 'plan_retried',
            step: null,
            attempt,
            detail: {
              by: options.by,
              from_step: from,
              previous_status: row.status,
              previous_workflow_id: row.workflow_id,
            },
          },
        }),
      );
      if (!written) {
        // Another retry won: this one is refused as any retry of a plan that has not ended.
        const now = await current(tenant, row.id);
        if (isRetryable(now.status)) {
          throw new HttpError(
            409,
            'plan_changed',
            `the plan changed meanwhile (attempt ${now.attempt}, ${now.status}): look at it again`,
          );
        }
        return this.retry(tenant, now, fromStep, options);
      }
      return startSubmitted(deps, written, input, options.log ?? deps.logger);
    },
  };
}

export type PlanRuns = ReturnType<typeof createPlanRuns>;
