import type { Kysely } from 'kysely';
import { postWebhook } from './post-webhook';
import type { Database } from '../db/database';
import { findOutboxByKey, insertOutboxOnce } from '../db/outbox-repository';
import type { OutboundHttp } from '../net/outbound-http';
import { findTenant } from '../tenants/tenants-repository';
import { ensureWebhookSecret, signingSecrets } from '../tenants/webhook-secrets-repository';
import type { AutomationRunner } from './automations';
import type { DeliveryStatus, MessageSender } from './messages';

export interface WebhookAutomationsDeps {
  db: Kysely<Database>;
  outbound: OutboundHttp;
  /** Where an automation with no webhook goes: it waits like any other message. */
  messages: MessageSender;
  now: () => Date;
}

/**
 * The built-in runner: an automation is a signed POST to the webhook the
 * tenant's settings name for it (through the guarded outbound client); one
 * with no webhook is sent as an `automation` message instead.
 */
export function createWebhookAutomations(deps: WebhookAutomationsDeps): AutomationRunner {
  return {
    async run(request) {
      const tenant = await findTenant(deps.db, request.tenant_id);
      const url = tenant?.settings.automations[request.automation];
      const body = {
        automation: request.automation,
        payload: request.payload,
        plan_id: request.plan_id,
        step: request.step_index,
        chained: request.chained ?? null,
        ...(request.callback && { callback: request.callback }),
      };
      const common = {
        tenant_id: request.tenant_id,
        idempotency_key: request.idempotency_key,
        plan_id: request.plan_id,
        step_index: request.step_index,
      };
      if (!url) {
        return deps.messages.send({
          ...common,
          channel: 'automation',
          recipients: [request.automation],
          payload: body,
        });
      }
      // A retry after the answer was recorded returns it instead of calling the webhook again.
      const done = await findOutboxByKey(deps.db, request.tenant_id, request.idempotency_key);
      if (done) {
        const recorded = done.payload as { response?: unknown } | null;
        return {
          message_id: done.id,
          status: done.status as DeliveryStatus,
          response: recorded?.response,
        };
      }
      const now = deps.now();
      const secret = await ensureWebhookSecret(deps.db, request.tenant_id, now);
      const response = await postWebhook(deps.outbound, {
        url,
        id: request.idempotency_key,
        body,
        secrets: signingSecrets(secret),
        now,
      });
      const row = await insertOutboxOnce(deps.db, {
        ...common,
        channel: 'automation',
        recipients: [url],
        status: 'delivered',
        payload: { request: body, response },
      });
      return { message_id: row.id, status: row.status as DeliveryStatus, response };
    },
  };
}
