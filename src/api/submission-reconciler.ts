import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database';
import { listStaleSubmissions, markPlanStarted, touchSubmission } from '../db/plans-repository';
import type { PlanWorkflowInput } from '../workflows/definitions';
import { startPlanWorkflow, type StartPlanConfig } from './start-plan-workflow';

export interface ReconcilerConfig extends StartPlanConfig {
  db: Kysely<Database>;
  logger: Logger;
  /** A plan `submitting` for longer than this is taken to have lost its start. */
  ageMs: number;
  /** At most this many plans per round. */
  batchSize: number;
  now?: () => Date;
}

export interface ReconcileResult {
  started: number;
  /** Their workflow already existed (the start had happened, only its answer was lost). */
  alreadyStarted: number;
  failed: number;
}

/**
 * Starts the workflows of plans left `submitting` (an API that died between
 * writing the row and starting the workflow, or a Temporal that was down),
 * from the workflow input stored with the row. Starts are idempotent by
 * workflow ID, so a plan is never run twice, even by two reconcilers at once.
 */
export function createSubmissionReconciler(config: ReconcilerConfig) {
  const now = config.now ?? (() => new Date());

  async function reconcileOnce(): Promise<ReconcileResult> {
    const result: ReconcileResult = { started: 0, alreadyStarted: 0, failed: 0 };
    const before = new Date(now().getTime() - config.ageMs);
    for (const row of await listStaleSubmissions(config.db, before, config.batchSize)) {
      try {
        if (!row.workflow_input) throw new Error('the plan has no stored workflow input');
        const outcome = await startPlanWorkflow(
          config,
          row.workflow_id,
          row.workflow_input as PlanWorkflowInput,
        );
        await markPlanStarted(config.db, row.id);
        if (outcome === 'started') result.started++;
        else result.alreadyStarted++;
      } catch (err) {
        result.failed++;
        config.logger.warn({ err, plan_id: row.id }, 'reconciler could not start a plan');
        await touchSubmission(config.db, row.id);
      }
    }
    return result;
  }

  return {
    reconcileOnce,
    /** Runs a round every `intervalMs` until `stop`, which waits for the round in flight. */
    start(intervalMs: number) {
      let timer: NodeJS.Timeout | undefined;
      let round: Promise<unknown> = Promise.resolve();
      let stopped = false;
      const tick = () => {
        round = reconcileOnce()
          .then((r) => {
            if (r.started || r.alreadyStarted || r.failed)
              config.logger.info(r, 'reconciled submitting plans');
          })
          .catch((err: unknown) => config.logger.error({ err }, 'reconciler round failed'))
          .finally(() => {
            if (!stopped) timer = setTimeout(tick, intervalMs);
          });
      };
      timer = setTimeout(tick, intervalMs);
      return {
        async stop() {
          stopped = true;
          clearTimeout(timer);
          await round;
        },
      };
    },
  };
}

export type SubmissionReconciler = ReturnType<typeof createSubmissionReconciler>;
