import { idempotencyKey, type StepInput, type StepOutput } from '../plan/step-io';
import type { ActivityDeps } from './deps';
import { activityInfo } from '@temporalio/activity';
import { DEFAULT_COMPLETION_TIMEOUT } from '../plan/action-params';
import { parseOffset } from '../plan/offset';
import { automationCallbackUrl } from '../providers/automation-callback';
import { findUserContact } from '../contacts/contacts-repository';
import { InvalidStepError, ProviderConnectionError } from './errors';
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
      const given = input.params.to?.length ? input.params.to : undefined;
      const to = given ?? (await userAddress(deps, input));
      const content = composeEmail(input.params, input.chained, input.timezone);
      const sent = await deps.messages.send({
        ...common(input),
        channel: 'email',
        recipients: to,
        ...content,
      });
      return {
        ...sent,
        channel: 'email',
        to,
        subject: content.subject,
        // Says why the email went where it went when nobody was named.
        ...(!given && { sent_to_user: input.user_id }),
      };
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
      const awaited = input.params.await_completion ? awaitedCompletion(deps, input) : undefined;
      const run = await deps.automations.run({
        tenant_id: input.tenant_id,
        automation,
        payload: payload ?? {},
        idempotency_key: idempotencyKey(input),
        plan_id: input.plan_id,
        step_index: input.step,
        chained: input.chained ?? null,
        callback: awaited?.callback,
      });
      return {
        ...run,
        automation,
        ...(awaited && { completion_deadline: awaited.deadline.toISOString() }),
      };
    },
  };
}

/**
 * The deadline of an awaited automation and the URL it reports back to: a
 * capability for this step of the attempt that runs it (a retry of the plan
 * runs under its own workflow).
 */
function awaitedCompletion(deps: ActivityDeps, input: StepInput<'trigger_automation'>) {
  const signer = deps.automationCallbacks;
  if (!signer) {
    throw new ProviderConnectionError(
      'await_completion needs ERRAND_ENCRYPTION_KEYS, which signs the URL the automation reports back to',
    );
  }
  const timeout = parseOffset(input.params.completion_timeout ?? DEFAULT_COMPLETION_TIMEOUT)!;
  const deadline = new Date(deps.now().getTime() + timeout);
  const callback = automationCallbackUrl(signer.keyRing, signer.base, {
    tenantId: input.tenant_id,
    planId: input.plan_id,
    // A retry's steps keep the first attempt's keys but wait in the retry's own workflow.
    workflowId: activityInfo().workflowExecution?.workflowId ?? input.workflow_id,
    step: input.step,
    deadline,
  });
  return { deadline, callback: { ...callback, deadline: deadline.toISOString() } };
}

/** Where an email named to nobody goes: the plan's user's contact, when it has an email. */
async function userAddress(deps: ActivityDeps, input: StepInput<'send_email'>): Promise<string[]> {
  if (!input.user_id) throw new InvalidStepError('send_email has no recipients, given or chained');
  const contact = await findUserContact(deps.db, input.tenant_id, input.user_id);
  const email = contact?.emails[0];
  if (!email) {
    throw new InvalidStepError(
      `send_email has no recipients and the plan's user ${input.user_id} has no contact with an email: add one with POST /v1/contacts {"user_id": "${input.user_id}", ...}`,
    );
  }
  return [email];
}
