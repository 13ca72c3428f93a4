import { findOutboxByKey, insertOutboxOnce } from '../db/outbox-repository';
import { idempotencyKey, type StepInput, type StepOutput } from '../plan/step-io';
import { findTenant } from '../tenants/tenants-repository';
import { ensureWebhookSecret, signingSecrets } from '../tenants/webhook-secrets-repository';
import type { ActivityDeps } from './deps';
import { InvalidStepError } from './errors';
import { postWebhook } from './post-webhook';
import { composeEmail, render, templateValues } from './render-message';

/** Steps that reach people or systems: email, SMS, calls, campaigns, automations. */
export function createMessageActivities(deps: ActivityDeps) {
  const common = (input: StepInput) => ({
    tenant_id: input.tenant_id,
    idempotency_key: idempotencyKey(input),
    plan_id: input.plan_id,
    step_index: input.step,
  });

  return {
    async send_email(input: StepInput<'send_email'>): Promise<StepOutput> {
      const to = input.params.to;
      if (!to?.length) throw new InvalidStepError('send_email has no recipients, given or chained');
      const content = composeEmail(input.params, input.chained, input.timezone);
      const sent = await deps.messages.send({
        ...common(input),
        channel: 'email',
        recipients: to,
        ...content,
      });
      return { ...sent, channel: 'email', to, subject: content.subject };
    },

    async send_sms(input: StepInput<'send_sms'>): Promise<StepOutput> {
      const body = render(input.params.message, templateValues(input.chained, input.timezone));
      const sent = await deps.messages.send({
        ...common(input),
        channel: 'sms',
        recipients: input.params.to,
        body,
      });
      return { ...sent, channel: 'sms', to: input.params.to };
    },

    async initiate_call(input: StepInput<'initiate_call'>): Promise<StepOutput> {
      const script = input.params.script
        ? render(input.params.script, templateValues(input.chained, input.timezone))
        : null;
      const sent = await deps.messages.send({
        ...common(input),
        channel: 'call',
        recipients: [input.params.to],
        body: script,
      });
      return { ...sent, channel: 'call', to: input.params.to };
    },

    async start_campaign(input: StepInput<'start_campaign'>): Promise<StepOutput> {
      const { campaign, audience } = input.params;
      const sent = await deps.messages.send({
        ...common(input),
        channel: 'campaign',
        recipients: Array.isArray(audience) ? audience : [],
        subject: campaign,
        payload: { campaign, audience: audience ?? null },
      });
      return { ...sent, channel: 'campaign', campaign };
    },

    async trigger_automation(input: StepInput<'trigger_automation'>): Promise<StepOutput> {
      const { automation, payload } = input.params;
      const key = idempotencyKey(input);
      const tenant = await findTenant(deps.db, input.tenant_id);
      const url = tenant?.settings.automations[automation];
      const request = {
        automation,
        payload: payload ?? {},
        plan_id: input.plan_id,
        step: input.step,
        chained: input.chained ?? null,
      };
      if (!url) {
        // No webhook configured: the automation waits in the outbox, like any other message.
        const row = await insertOutboxOnce(deps.db, {
          ...common(input),
          channel: 'automation',
          recipients: [automation],
          payload: request,
        });
        return { message_id: row.id, status: row.status, automation };
      }
      // A retry after the answer was recorded returns it instead of calling the webhook again.
      const done = await findOutboxByKey(deps.db, input.tenant_id, key);
      if (done) {
        const recorded = done.payload as { response?: unknown } | null;
        return {
          message_id: done.id,
          status: done.status,
          automation,
          response: recorded?.response,
        };
      }
      const now = deps.now();
      const secret = await ensureWebhookSecret(deps.db, input.tenant_id, now);
      const response = await postWebhook(deps.outbound, {
        url,
        id: key,
        body: request,
        secrets: signingSecrets(secret),
        now,
      });
      const row = await insertOutboxOnce(deps.db, {
        ...common(input),
        channel: 'automation',
        recipients: [url],
        status: 'delivered',
        payload: { request, response },
      });
      return { message_id: row.id, status: row.status, automation, response };
    },
  };
}
