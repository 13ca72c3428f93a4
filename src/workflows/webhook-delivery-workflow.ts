import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type {
  DeliveryOutcome,
  WebhookDeliveryActivities,
} from '../activities/webhook-delivery-activities';
import type { WebhookDeliveryInput } from './definitions';

/** The one error that ends a delivery before its time runs out: an address the network policy refuses. */
const NOT_RETRIED = ['WebhookRefusedError'];

/**
 * Delivers one event to one subscription: the activity POSTs it, and
 * Temporal's retry policy tries again with backoff until it is answered with
 * a 2xx or `give_up_after_ms` has passed, surviving any restart meanwhile.
 * Each attempt is recorded by the activity; this ends the round as failed
 * when they run out.
 */
export async function webhookDeliveryWorkflow(
  input: WebhookDeliveryInput,
): Promise<DeliveryOutcome | 'failed'> {
  const { send_event_webhook } = proxyActivities<WebhookDeliveryActivities>({
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: input.retry.give_up_after_ms,
    retry: {
      initialInterval: input.retry.initial_ms,
      maximumInterval: input.retry.maximum_ms,
      backoffCoefficient: 2,
      nonRetryableErrorTypes: NOT_RETRIED,
    },
  });
  const { fail_event_webhook } = proxyActivities<WebhookDeliveryActivities>({
    startToCloseTimeout: '1 minute',
    retry: { maximumInterval: '1 minute' },
  });
  const ref = { delivery_id: input.delivery_id, round: input.round };
  try {
    return await send_event_webhook.executeWithOptions(
      { summary: `send webhook delivery ${ref.delivery_id} round ${ref.round}` },
      [ref],
    );
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const cause = err.cause?.message ?? err.message;
    await fail_event_webhook.executeWithOptions(
      { summary: `give up webhook delivery ${ref.delivery_id} round ${ref.round}` },
      [{ ...ref, error: `gave up: ${cause}` }],
    );
    return 'failed';
  }
}
