import { Webhook } from 'standardwebhooks';
import { OutboundRequestError } from '../net/outbound-request-error';
import { postgresSafeText } from '../plan/postgres-safe';
import {
  finishDelivery,
  loadDeliveryToSend,
  recordAttempt,
} from '../webhooks/deliveries-repository';
import { webhookEventBody } from '../webhooks/webhook-events';
import { webhookAttempts, webhookDeliveries } from '../metrics/errand-metrics';
import type { ActivityDeps } from './deps';
import { WebhookRefusedError } from './errors';

/** How much of a receiver's answer an attempt keeps, for GET /v1/webhooks/:id/deliveries. */
const KEPT_ANSWER_CHARS = 500;

export interface DeliveryRef {
  delivery_id: string;
  round: number;
}

/** How a round ended: sent, stopped by a pause, or its delivery gone (deleted, or queued again). */
export type DeliveryOutcome = 'delivered' | 'held' | 'gone';

/** Event webhooks: one POST per attempt, each recorded, retried by the workflow's policy. */
export function createWebhookDeliveryActivities(deps: ActivityDeps) {
  return {
    /**
     * POSTs one event to one subscription, signed with the subscription's
     * secret (Standard Webhooks). Any answer but a 2xx, and any network failure,
     * throws a plain error that the retry policy retries; only an address the
     * network policy refuses ends the delivery at once.
     */
    async send_event_webhook(ref: DeliveryRef): Promise<DeliveryOutcome> {
      const found = await loadDeliveryToSend(deps.db, ref.delivery_id);
      if (!found || found.delivery.round !== ref.round) return 'gone';
      if (!['queued', 'sending'].includes(found.delivery.state)) return 'gone';
      if (found.paused) {
        countEnded(await finishDelivery(deps.db, ref.delivery_id, ref.round, 'held'), 'held');
        return 'held';
      }
      if (!found.event) {
        countEnded(
          await finishDelivery(deps.db, ref.delivery_id, ref.round, 'failed', 'the event is gone'),
          'failed',
        );
        return 'gone';
      }
      const body = webhookEventBody(found.event);
      const payload = JSON.stringify(body);
      const now = deps.now();
      const began = Date.now();
      let status: number | null = null;
      let answer: string | null = null;
      let error: string | null = null;
      let refused = false;
      try {
        const response = await deps.outbound.post(found.url, {
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Errand-Webhooks',
            'webhook-id': body.id,
            'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
            'webhook-signature': new Webhook(found.secret).sign(body.id, now, payload),
          },
          body: payload,
        });
        status = response.status;
        answer = postgresSafeText(response.body.slice(0, KEPT_ANSWER_CHARS));
        if (status < 200 || status >= 300) error = `answered ${status}`;
      } catch (err) {
        if (!(err instanceof OutboundRequestError)) throw err;
        error = postgresSafeText(err.message);
        refused = err.failure === 'refused';
      }
      await recordAttempt(deps.db, ref.delivery_id, {
        status,
        error,
        response_excerpt: answer,
        duration_ms: Date.now() - began,
      });
      webhookAttempts.inc({
        tenant: found.delivery.tenant_id,
        result: refused
          ? 'refused'
          : status === null
            ? 'network_error'
            : error
              ? 'http_error'
              : 'ok',
      });
      if (refused) throw new WebhookRefusedError(`webhook refused: ${error}`);
      if (error) throw new Error(`webhook ${error}; will retry`);
      countEnded(
        await finishDelivery(deps.db, ref.delivery_id, ref.round, 'delivered'),
        'delivered',
      );
      return 'delivered';
    },

    /** Ends a round whose attempts ran out (or whose address was refused) as failed. */
    async fail_event_webhook(ref: DeliveryRef & { error: string }): Promise<void> {
      countEnded(
        await finishDelivery(deps.db, ref.delivery_id, ref.round, 'failed', ref.error),
        'failed',
      );
    },
  };
}

/** Counted only by the call that ended the round, so a retried activity counts it once. */
function countEnded(ended: { tenant_id: string } | undefined, outcome: string): void {
  if (ended) webhookDeliveries.inc({ tenant: ended.tenant_id, outcome });
}

export type WebhookDeliveryActivities = ReturnType<typeof createWebhookDeliveryActivities>;
