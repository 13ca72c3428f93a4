import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database';
import { ERRAND_TENANT } from '../temporal/search-attributes';
import {
  webhookDeliveryWorkflowId,
  type WebhookDeliveryInput,
  type WebhookRetry,
} from '../workflows/definitions';
import { listQueuedDeliveries, markSending } from './deliveries-repository';

/**
 * Doubling from 10 s to an hour, for 25 hours: about 35 attempts, the last a
 * day after the event, so a receiver down for a day still gets it.
 */
export const DEFAULT_WEBHOOK_RETRY: WebhookRetry = {
  initial_ms: 10_000,
  maximum_ms: 3_600_000,
  give_up_after_ms: 25 * 3_600_000,
};

export interface WebhookDispatcherConfig {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  retry?: WebhookRetry;
  /** Deliveries handed to workflows per round. */
  batchSize?: number;
  /** Only this tenant's deliveries: for tests, which share one database between many deployments. */
  tenantId?: string;
  /** Wakes the dispatcher when deliveries are queued (see listenForPlanEvents); it also polls. */
  onQueued?: (wake: () => void) => () => void;
}

/**
 * Hands each queued delivery to a workflow of its own, which sends it and
 * retries it. The delivery rows are the outbox: they were written with their
 * event, so a crash here loses nothing, and a start is idempotent by workflow
 * ID (delivery and round), so two dispatchers never send one round twice.
 */
export function createWebhookDispatcher(config: WebhookDispatcherConfig) {
  const retry = config.retry ?? DEFAULT_WEBHOOK_RETRY;
  const batchSize = config.batchSize ?? 100;

  async function dispatchOnce(): Promise<number> {
    const queued = await listQueuedDeliveries(config.db, batchSize, config.tenantId);
    for (const row of queued) {
      const input: WebhookDeliveryInput = {
        tenant_id: row.tenant_id,
        delivery_id: row.id,
        round: row.round,
        retry,
      };
      try {
        await config.temporal.workflow.start('webhookDeliveryWorkflow', {
          taskQueue: config.taskQueue,
          workflowId: webhookDeliveryWorkflowId(row.tenant_id, row.id, row.round),
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          staticSummary: `event webhook delivery ${row.id}`,
          typedSearchAttributes: [{ key: ERRAND_TENANT, value: row.tenant_id }],
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      await markSending(config.db, row.id, row.round);
    }
    return queued.length;
  }

  return {
    dispatchOnce,
    /** Dispatches when woken and every `intervalMs`, one round at a time, until `stop`. */
    start(intervalMs: number) {
      let stopped = false;
      let running: Promise<void> | null = null;
      let again = false;
      let timer: NodeJS.Timeout | undefined;
      const round = async () => {
        do {
          again = false;
          try {
            // A full batch means more are waiting.
            if ((await dispatchOnce()) === batchSize) again = true;
          } catch (err) {
            config.logger.warn({ err }, 'webhook dispatcher round failed; will try again');
          }
        } while (again && !stopped);
      };
      const wake = () => {
        if (stopped) return;
        if (running) {
          again = true;
          return;
        }
        clearTimeout(timer);
        running = round().finally(() => {
          running = null;
          if (!stopped) timer = setTimeout(wake, intervalMs);
        });
      };
      const unsubscribe = config.onQueued?.(wake);
      wake();
      return {
        async stop() {
          stopped = true;
          unsubscribe?.();
          clearTimeout(timer);
          await running;
        },
      };
    },
  };
}
