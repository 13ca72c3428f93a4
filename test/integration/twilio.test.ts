import { createHmac } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities';
import type { PlanState } from '../../src/workflows/definitions';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio';
import { startHarness, TEST_KEY_RING, TEST_PUBLIC_URL, type Harness } from '../support/harness';

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'twilio-auth-token-0123456789abcdef';
const FROM = '+15005550006';

let h: Harness;
let twilio: FakeTwilio;

beforeAll(async () => {
  twilio = await startFakeTwilio();
  h = await startHarness({
    // A step whose message says so loses its first attempt's answer after the send, as a crash would.
    wrapActivities: (a: Activities) => ({
      ...a,
      send_sms: async (input) => {
        const output = await a.send_sms(input);
        if (input.params.message === 'lost answer' && Context.current().info.attempt === 1) {
          throw new Error('worker lost after the send');
        }
        return output;
      },
    }),
    settings: { approval: { required_for: [] } },
  });
});
afterAll(async () => {
  await h?.close();
  await twilio?.close();
});

const connect = (extra: Record<string, unknown> = {}, headers?: Record<string, string>) =>
  h.api(
    'PUT',
    '/v1/connections/twilio',
    {
      account_sid: ACCOUNT_SID,
      auth_token: AUTH_TOKEN,
      from: FROM,
      base_url: twilio.baseUrl,
      ...extra,
    },
    headers,
  );

beforeEach(async () => {
  expect((await connect()).status).toBe(200);
  const settings = await h.api('PUT', '/v1/settings', {
    approval: { required_for: [] },
    providers: { sms: 'twilio', call: 'twilio' },
  });
  expect(settings.status, JSON.stringify(settings.body)).toBe(200);
});

async function runPlan(action: Record<string, unknown>) {
  const res = await h.api('POST', '/v1/plans', { intent: 'phone', actions: [action] });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const workflowId = res.body.workflow_id as string;
  const state = (await h.client.workflow.getHandle(workflowId).result()) as PlanState;
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  const attempts = history.events!.flatMap(
    (e) => e.activityTaskStartedEventAttributes?.attempt ?? [],
  );
  return { planId: res.body.plan_id as string, workflowId, state, attempts };
}

const sendSms = (message: string, to = ['+15005550010']) =>
  runPlan({ type: 'send_sms', params: { to, message } });

const outboxOf = async (planId: string) =>
  (await h.api('GET', `/v1/outbox?plan_id=${planId}`)).body.data[0];

/** X-Twilio-Signature as Twilio documents it: HMAC-SHA1 of the URL and the sorted fields, base64. */
function twilioSignature(token: string, url: string, form: Record<string, string>) {
  const data = Object.keys(form)
    .sort()
    .reduce((acc, k) => acc + k + form[k], url);
  return createHmac('sha1', token).update(data).digest('base64');
}

const basic = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;

describe('the Twilio connection', () => {
  it('is listed with its config, never its auth token, which is sealed in Postgres', async () => {
    const list = await h.api('GET', '/v1/connections');
    expect(list.body.data).toMatchObject([
      {
        provider: 'twilio',
        status: 'connected',
        config: { account_sid: ACCOUNT_SID, from: FROM, base_url: twilio.baseUrl },
      },
    ]);
    expect(JSON.stringify(list.body)).not.toContain(AUTH_TOKEN);
    const row = await h.db
      .selectFrom('connections')
      .selectAll()
      .where('tenant_id', '=', h.tenant.id)
      .where('provider', '=', 'twilio')
      .executeTakeFirstOrThrow();
    expect(row.secret_kid).toBe(TEST_KEY_RING.current);
    expect(row.secret.includes(Buffer.from(AUTH_TOKEN))).toBe(false);
  });

  it('refuses bad bodies naming each field', async () => {
    const bad = await h.api('PUT', '/v1/connections/twilio', {
      account_sid: 'XX123',
      auth_token: 'short',
      from: '0155 555',
      base_url: 'ftp://api.twilio.com',
      extra: 1,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      '',
      'account_sid',
      'auth_token',
      'base_url',
      'from',
    ]);
  });

  it('refuses providers.sms and providers.call twilio with 422 until Twilio is connected, and disconnecting while chosen', async () => {
    const other = await h.newTenant();
    const as = { 'x-errand-tenant': other.id };
    for (const family of ['sms', 'call']) {
      const put = await h.api('PUT', '/v1/settings', { providers: { [family]: 'twilio' } }, as);
      expect(put.status).toBe(422);
      expect(put.body.error).toMatchObject({
        code: 'provider_not_connected',
        details: [{ path: `providers.${family}` }],
      });
    }
    const inUse = await h.api('DELETE', '/v1/connections/twilio');
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.details).toMatchObject([{ path: 'providers.sms' }]);
    expect((await connect({}, as)).status).toBe(200);
    expect((await h.api('PUT', '/v1/settings', { providers: { sms: 'twilio' } }, as)).status).toBe(
      200,
    );
  });
});

describe('send_sms and initiate_call through Twilio', () => {
  it('sends each number through the real client, form-encoded with a status callback, and records the SID', async () => {
    const before = twilio.received.length;
    const { planId, workflowId, state } = await sendSms('Your table is ready', [
      '+15005550010',
      '+15005550011',
    ]);
    expect(state.status).toBe('completed');
    const calls = twilio.received.slice(before);
    expect(calls).toHaveLength(2);
    const callback = `${TEST_PUBLIC_URL}/v1/webhooks/twilio/${h.tenant.id}?key=${encodeURIComponent(`${workflowId}#0`)}`;
    expect(calls.map((c) => c.form.To)).toEqual(['+15005550010', '+15005550011']);
    for (const call of calls) {
      expect(call).toMatchObject({
        resource: 'Messages',
        accountSid: ACCOUNT_SID,
        authorization: basic,
        contentType: 'application/x-www-form-urlencoded',
        form: { From: FROM, Body: 'Your table is ready', StatusCallback: callback },
      });
    }
    const message = await outboxOf(planId);
    expect(message).toMatchObject({
      status: 'sent',
      provider: 'twilio',
      vendor_message_id: expect.stringMatching(/^SM[0-9a-f]{32}$/),
      payload: {
        vendor_ids: { '+15005550010': expect.any(String), '+15005550011': expect.any(String) },
      },
    });
    expect(state.steps[0]!.output).toMatchObject({ status: 'sent', message_id: message.id });
  });

  it('places a call whose TwiML reads the script, built by the SDK', async () => {
    const before = twilio.received.length;
    const { planId, state } = await runPlan({
      type: 'initiate_call',
      params: { to: '+15005550012', script: 'Your order & receipt are <ready>' },
    });
    expect(state.status).toBe('completed');
    const calls = twilio.received.slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      resource: 'Calls',
      form: {
        To: '+15005550012',
        From: FROM,
        Twiml:
          '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Your order &amp; receipt are &lt;ready&gt;</Say></Response>',
      },
    });
    expect(await outboxOf(planId)).toMatchObject({
      channel: 'call',
      status: 'sent',
      vendor_message_id: expect.stringMatching(/^CA[0-9a-f]{32}$/),
    });
  });

  it('sends once when the step is retried after the send', async () => {
    const before = twilio.received.length;
    const { state, attempts } = await sendSms('lost answer');
    expect(state.status).toBe('completed');
    expect(attempts).toEqual([2]);
    expect(twilio.received.length - before).toBe(1);
  });

  it('skips the numbers already sent to when a step is retried part-way', async () => {
    twilio.script({ status: 201 }, { status: 500 });
    const before = twilio.received.length;
    const { state, attempts } = await sendSms('two numbers', ['+15005550013', '+15005550014']);
    expect(state.status).toBe('completed');
    expect(attempts).toEqual([2]);
    expect(twilio.received.slice(before).map((c) => c.form.To)).toEqual([
      '+15005550013',
      '+15005550014',
      '+15005550014',
    ]);
  });

  it('fails the step without retrying on 401 and marks the connection failing', async () => {
    twilio.script({ status: 401 });
    const before = twilio.received.length;
    const { state, attempts } = await sendSms('Refused token');
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({
      step: 0,
      type: 'ProviderConnectionError',
      message: expect.stringContaining('PUT /v1/connections/twilio'),
    });
    expect(attempts).toEqual([1]);
    expect(twilio.received.length - before).toBe(1);
    const connection = (await h.api('GET', '/v1/connections')).body.data.find(
      (c: { provider: string }) => c.provider === 'twilio',
    );
    expect(connection).toMatchObject({
      status: 'failing',
      last_error: expect.stringContaining('401: Authenticate (Twilio error 20003)'),
    });
  });

  it("retries a 429 on the step's backoff, then sends", async () => {
    twilio.script({ status: 429 });
    const before = twilio.received.length;
    const { planId, state, attempts } = await sendSms('Throttled');
    expect(state.status).toBe('completed');
    expect(attempts).toEqual([2]);
    const calls = twilio.received.slice(before);
    expect(calls).toHaveLength(2);
    // The delivery step's first retry waits 1 s.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(900);
    expect((await outboxOf(planId)).status).toBe('sent');
  });

  it('retries a 5xx, then sends', async () => {
    twilio.script({ status: 503 });
    const before = twilio.received.length;
    const { state, attempts } = await sendSms('Flaky');
    expect(state.status).toBe('completed');
    expect(attempts).toEqual([2]);
    expect(twilio.received.length - before).toBe(2);
  });

  it("fails the step at once on a 400 with Twilio's message", async () => {
    twilio.script({ status: 400 });
    const before = twilio.received.length;
    const { state, attempts } = await sendSms('Bad number');
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({
      type: 'MessageRejectedError',
      message: expect.stringContaining(
        "The 'To' number +15005550001 is not a valid phone number. (Twilio error 21211)",
      ),
    });
    expect(attempts).toEqual([1]);
    expect(twilio.received.length - before).toBe(1);
  });
});

describe("Twilio's status callback", () => {
  const post = (
    tenant: string,
    key: string,
    form: Record<string, string>,
    token = AUTH_TOKEN,
    signedFor = tenant,
  ) => {
    const path = `/v1/webhooks/twilio/${tenant}?key=${encodeURIComponent(key)}`;
    const signedPath = `/v1/webhooks/twilio/${signedFor}?key=${encodeURIComponent(key)}`;
    return h.raw('POST', path, new URLSearchParams(form).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(token, `${TEST_PUBLIC_URL}${signedPath}`, form),
    });
  };

  it('refuses a bad signature and another tenant, and with a good one marks delivered, once', async () => {
    const { planId, workflowId } = await sendSms('Tracked');
    const sent = await outboxOf(planId);
    const key = `${workflowId}#0`;
    const form = {
      AccountSid: ACCOUNT_SID,
      MessageSid: sent.vendor_message_id,
      MessageStatus: 'delivered',
      To: '+15005550010',
      ApiVersion: '2010-04-01',
    };
    const forged = await post(h.tenant.id, key, form, 'not-the-auth-token-of-this-tenant');
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('invalid_signature');
    const unsigned = await h.raw('POST', `/v1/webhooks/twilio/${h.tenant.id}?key=x`, 'a=1', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(unsigned.status).toBe(401);
    const other = await h.newTenant();
    expect((await post(other.id, key, form)).status).toBe(401);
    // Signed for this tenant's URL but sent to another's: the signature covers the path.
    expect((await post(other.id, key, form, AUTH_TOKEN, h.tenant.id)).status).toBe(401);
    expect((await outboxOf(planId)).status).toBe('sent');

    const good = await post(h.tenant.id, key, form);
    expect(good.status).toBe(200);
    expect(good.body).toEqual({ received: true, updated: 1 });
    expect(await outboxOf(planId)).toMatchObject({
      status: 'delivered',
      status_detail: 'delivered',
    });
    expect((await post(h.tenant.id, key, form)).body).toEqual({ received: true, updated: 0 });
    const late = await post(h.tenant.id, key, { ...form, MessageStatus: 'undelivered' });
    expect(late.body.updated).toBe(0);
    expect((await outboxOf(planId)).status).toBe('delivered');
  });

  it("maps an undelivered SMS and a busy call to failed, with Twilio's error code", async () => {
    const sms = await sendSms('Undeliverable');
    const undelivered = await post(h.tenant.id, `${sms.workflowId}#0`, {
      AccountSid: ACCOUNT_SID,
      MessageStatus: 'undelivered',
      ErrorCode: '30003',
    });
    expect(undelivered.body.updated).toBe(1);
    expect(await outboxOf(sms.planId)).toMatchObject({
      status: 'failed',
      status_detail: 'undelivered: Twilio error 30003',
    });
    const call = await runPlan({
      type: 'initiate_call',
      params: { to: '+15005550012', script: 'Hi' },
    });
    const busy = await post(h.tenant.id, `${call.workflowId}#0`, {
      AccountSid: ACCOUNT_SID,
      CallStatus: 'busy',
    });
    expect(busy.body.updated).toBe(1);
    expect((await outboxOf(call.planId)).status).toBe('failed');
  });
});

describe('the relay route', () => {
  it("moves a built-in outbox message forward only, idempotently, and refuses a provider's", async () => {
    const other = await h.newTenant();
    const res = await h.api('POST', '/v1/plans', {
      intent: 'email',
      actions: [{ type: 'send_email', params: { to: ['ann@example.com'], subject: 'Relayed' } }],
    });
    await h.client.workflow.getHandle(res.body.workflow_id as string).result();
    const message = await outboxOf(res.body.plan_id as string);
    expect(message).toMatchObject({ provider: 'outbox', status: 'queued' });
    const report = (body: unknown, headers?: Record<string, string>) =>
      h.api('POST', `/v1/outbox/${message.id}/delivery`, body, headers);

    const bad = await report({ status: 'bounced', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      '',
      'status',
    ]);
    expect((await report({ status: 'sent' }, { 'x-errand-tenant': other.id })).status).toBe(404);

    const sent = await report({ status: 'sent', vendor_message_id: 'relay-42' });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ status: 'sent', vendor_message_id: 'relay-42' });
    expect((await report({ status: 'sent' })).body.status).toBe('sent');
    const delivered = await report({ status: 'delivered', detail: 'handed to the SMTP relay' });
    expect(delivered.body).toMatchObject({
      status: 'delivered',
      status_detail: 'handed to the SMTP relay',
      vendor_message_id: 'relay-42',
    });
    expect((await report({ status: 'delivered' })).status).toBe(200);
    const back = await report({ status: 'sent' });
    expect(back.status).toBe(409);
    expect(back.body.error.code).toBe('status_moves_forward');
    expect((await outboxOf(res.body.plan_id as string)).status).toBe('delivered');

    const twilioSent = await sendSms('Via Twilio');
    const viaTwilio = await outboxOf(twilioSent.planId);
    const refused = await h.api('POST', `/v1/outbox/${viaTwilio.id}/delivery`, {
      status: 'failed',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('not_relayed');
    expect((await h.api('POST', '/v1/outbox/nope/delivery', { status: 'sent' })).status).toBe(404);
  });
});
