import { log } from '@temporalio/activity';
import { Webhook } from 'standardwebhooks';
import type { OutboundHttp } from '../net/outbound-http';
import { OutboundRequestError } from '../net/outbound-request-error';
import { storableAnswer } from '../net/storable-answer';
import { postgresSafeText } from '../plan/postgres-safe';
import { AutomationRejectedError, WebhookRefusedError } from '../activities/errors';

/** How much of a failed answer's body the worker log keeps. */
const LOGGED_BODY_CHARS = 2000;

export interface WebhookDelivery {
  url: string;
  /** Stable across retries of one step, so a receiver can drop repeats: `webhook-id` and `Idempotency-Key`. */
  id: string;
  body: unknown;
  /** Standard Webhooks secrets (`whsec_…`); each adds a signature, so a rotation breaks no receiver. */
  secrets: string[];
  now: Date;
}

/**
 * POSTs a signed delivery (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`) and returns the answer as a storable value.
 * Refusals by the network policy, redirects, final 4xx and oversized answers
 * throw named, non-retryable errors; 408, 429, 5xx, timeouts and network
 * failures throw plain errors, which the retry policy retries. No error
 * carries the receiver's body: that goes to the worker log only.
 */
export async function postWebhook(
  outbound: OutboundHttp,
  delivery: WebhookDelivery,
): Promise<unknown> {
  const payload = JSON.stringify(delivery.body);
  const signature = delivery.secrets
    .map((secret) => new Webhook(secret).sign(delivery.id, delivery.now, payload))
    .join(' ');
  let answer;
  try {
    answer = await outbound.post(delivery.url, {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Errand-Webhooks',
        'idempotency-key': delivery.id,
        'webhook-id': delivery.id,
        'webhook-timestamp': String(Math.floor(delivery.now.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: payload,
    });
  } catch (error) {
    if (!(error instanceof OutboundRequestError)) throw error;
    const reason = postgresSafeText(error.message);
    if (error.failure === 'refused') throw new WebhookRefusedError(`webhook refused: ${reason}`);
    if (!error.retryable) throw new AutomationRejectedError(`webhook ${reason}`);
    throw new Error(`webhook ${reason}; will retry`);
  }
  const { status, body } = answer;
  if (status >= 200 && status < 300) return storableAnswer(body);
  log.warn('webhook answered with an error', {
    status,
    body: postgresSafeText(body.slice(0, LOGGED_BODY_CHARS)),
  });
  if (status >= 300 && status < 400) {
    throw new AutomationRejectedError(`webhook answered ${status}; redirects are not followed`);
  }
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    throw new AutomationRejectedError(`webhook answered ${status}`);
  }
  throw new Error(`webhook answered ${status}; will retry`);
}
