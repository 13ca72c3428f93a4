import { generateKeyPairSync, sign } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities';
import type { PlanState } from '../../src/workflows/definitions';
import { startFakeSendgrid, type FakeSendgrid } from '../support/fake-sendgrid';
import { startHarness, TEST_KEY_RING, type Harness } from '../support/harness';

const API_KEY = 'SG.test-key_0123456789.abcdefghijklmnopqrstuvwxyz';
const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const WEBHOOK_KEY = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

let h: Harness;
let sendgrid: FakeSendgrid;

beforeAll(async () => {
  sendgrid = await startFakeSendgrid();
  h = await startHarness({
    // A step whose subject says so loses its first attempt's answer after the send, as a crash would.
    wrapActivities: (a: Activities) => ({
      ...a,
      send_email: async (input) => {
        const output = await a.send_email(input);
        if (input.params.subject === 'lost answer' && Context.current().info.attempt === 1) {
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
  await sendgrid?.close();
});

const connect = (extra: Record<string, unknown> = {}) =>
  h.api('PUT', '/v1/connections/sendgrid', {
    api_key: API_KEY,
    from: 'errand@example.com',
    base_url: sendgrid.baseUrl,
    webhook_public_key: WEBHOOK_KEY,
    ...extra,
  });

beforeEach(async () => {
  expect((await connect()).status).toBe(200);
  const settings = await h.api('PUT', '/v1/settings', {
    approval: { required_for: [] },
    providers: { email: 'sendgrid' },
  });
  expect(settings.status, JSON.stringify(settings.body)).toBe(200);
});

async function sendEmail(subject: string) {
  const res = await h.api('POST', '/v1/plans', {
    intent: 'email',
    actions: [
      { type: 'send_email', params: { to: ['ann@example.com'], subject, body: 'Hello Ann' } },
    ],
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const workflowId = res.body.workflow_id as string;
  const state = (await h.client.workflow.getHandle(workflowId).result()) as PlanState;
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  const attempts = history.events!.flatMap(
    (e) => e.activityTaskStartedEventAttributes?.attempt ?? [],
  );
  return { planId: res.body.plan_id as string, workflowId, state, attempts };
}

const outboxOf = async (planId: string) =>
  (await h.api('GET', `/v1/outbox?plan_id=${planId}`)).body.data[0];

describe('the SendGrid connection', () => {
  it('is listed with its health and config, never its key, and the key is sealed in Postgres', async () => {
    const list = await h.api('GET', '/v1/connections');
    expect(list.status).toBe(200);
    expect(list.body.data).toMatchObject([
      {
        provider: 'sendgrid',
        status: 'connected',
        last_error: null,
        config: { base_url: sendgrid.baseUrl, from: 'errand@example.com' },
      },
    ]);
    expect(JSON.stringify(list.body)).not.toContain(API_KEY);
    expect(JSON.stringify(list.body)).not.toContain('test-key');
    const row = await h.db
      .selectFrom('connections')
      .selectAll()
      .where('tenant_id', '=', h.tenant.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_kid).toBe(TEST_KEY_RING.current);
    expect(row.secret.includes(Buffer.from('test-key'))).toBe(false);
    expect(JSON.stringify(row)).not.toContain('test-key');
  });

  it('refuses bad bodies naming the field, and a non-https base_url in production terms', async () => {
    const bad = await h.api('PUT', '/v1/connections/sendgrid', {
      api_key: 'nope',
      from: 'not an email',
      webhook_public_key: 'AAAA',
      extra: 1,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      '',
      'api_key',
      'from',
      'webhook_public_key',
    ]);
    const ftp = await connect({ base_url: 'ftp://api.eu.sendgrid.com' });
    expect(ftp.status).toBe(400);
    expect(ftp.body.error.details).toMatchObject([{ path: 'base_url' }]);
  });

  it('refuses providers.email sendgrid with 422 when SendGrid is not connected, and disconnecting while chosen', async () => {
    const other = await h.newTenant();
    const as = { 'x-errand-tenant': other.id };
    const put = await h.api('PUT', '/v1/settings', { providers: { email: 'sendgrid' } }, as);
    expect(put.status).toBe(422);
    expect(put.body.error).toMatchObject({
      code: 'provider_not_connected',
      details: [{ path: 'providers.email' }],
    });
    expect((await h.api('GET', '/v1/connections', undefined, as)).body.data).toEqual([]);
    const inUse = await h.api('DELETE', '/v1/connections/sendgrid');
    expect(inUse.status).toBe(409);
    expect((await h.api('DELETE', '/v1/connections/sendgrid', undefined, as)).status).toBe(404);
    expect((await h.api('DELETE', '/v1/connections/gmail')).status).toBe(404);
  });
});

describe('send_email through SendGrid', () => {
  it('sends through the real client with the step key as a custom arg and records sent and the message id', async () => {
    const before = sendgrid.received.length;
    const { planId, workflowId, state } = await sendEmail('Hi');
    expect(state.status).toBe('completed');
    const calls = sendgrid.received.slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      authorization: `Bearer ${API_KEY}`,
      body: {
        from: { email: 'errand@example.com' },
        subject: 'Hi',
        personalizations: [{ to: [{ email: 'ann@example.com' }] }],
        content: [{ type: 'text/plain', value: 'Hello Ann' }],
        custom_args: { errand_key: `${workflowId}#0` },
      },
    });
    const message = await outboxOf(planId);
    expect(message).toMatchObject({
      status: 'sent',
      provider: 'sendgrid',
      vendor_message_id: expect.stringMatching(/^[0-9a-f]{22}$/),
    });
    expect(state.steps[0].output).toMatchObject({ status: 'sent', message_id: message.id });
  });

  it('sends once when the step is retried after the send', async () => {
    const before = sendgrid.received.length;
    const { state, attempts } = await sendEmail('lost answer');
    expect(state.status).toBe('completed');
    expect(attempts).toEqual([2]);
    expect(sendgrid.received.length - before).toBe(1);
  });

  it('fails the step without retrying on 401 and marks the connection failing', async () => {
    sendgrid.script({ status: 401 });
    const before = sendgrid.received.length;
    const { state, attempts } = await sendEmail('Refused key');
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({
      step: 0,
      type: 'ProviderConnectionError',
      message: expect.stringContaining('PUT /v1/connections/sendgrid'),
    });
    expect(attempts).toEqual([1]);
    expect(sendgrid.received.length - before).toBe(1);
    const [connection] = (await h.api('GET', '/v1/connections')).body.data;
    expect(connection).toMatchObject({
      status: 'failing',
      last_error: expect.stringContaining('401'),
    });
  });

  it('waits out a 429 for its Retry-After, then sends', async () => {
    sendgrid.script({ status: 429, retryAfter: '2' });
    const before = sendgrid.received.length;
    const { planId, state } = await sendEmail('Throttled');
    expect(state.status).toBe('completed');
    const calls = sendgrid.received.slice(before);
    expect(calls).toHaveLength(2);
    // The step's own first retry is 1 s; the answer asked for 2.
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(1_900);
    expect((await outboxOf(planId)).status).toBe('sent');
  });

  it('retries a 500, then sends', async () => {
    sendgrid.script({ status: 500 });
    const before = sendgrid.received.length;
    const { state, attempts } = await sendEmail('Flaky');
    expect(state.status).toBe('completed');
    expect(attempts).toEqual([2]);
    expect(sendgrid.received.length - before).toBe(2);
  });

  it("fails the step at once on 400 with SendGrid's message", async () => {
    sendgrid.script({
      status: 400,
      errors: [
        { message: 'The from address does not match a verified Sender Identity', field: 'from' },
      ],
    });
    const before = sendgrid.received.length;
    const { planId, state, attempts } = await sendEmail('Unverified');
    expect(state.error).toMatchObject({
      type: 'MessageRejectedError',
      message: expect.stringContaining(
        'from: The from address does not match a verified Sender Identity',
      ),
    });
    expect(attempts).toEqual([1]);
    expect(sendgrid.received.length - before).toBe(1);
    expect((await outboxOf(planId)).status).toBe('queued');
  });
});

describe('two tenants on SendGrid', () => {
  it('send at the same time, each with its own key and sender, none leaking into the other', async () => {
    const other = await h.newTenant();
    const as = { 'x-errand-tenant': other.id };
    const otherKey = 'SG.other-tenant_0123456789.zyxwvutsrqponmlkjihgfedcba';
    const put = await h.api(
      'PUT',
      '/v1/connections/sendgrid',
      { api_key: otherKey, from: 'other@example.com', base_url: sendgrid.baseUrl },
      as,
    );
    expect(put.status).toBe(200);
    const settings = { approval: { required_for: [] }, providers: { email: 'sendgrid' } };
    expect((await h.api('PUT', '/v1/settings', settings, as)).status).toBe(200);
    const before = sendgrid.received.length;
    const plan = (headers: Record<string, string>, subject: string) =>
      h.api(
        'POST',
        '/v1/plans',
        {
          intent: 'email',
          actions: [{ type: 'send_email', params: { to: ['x@example.com'], subject } }],
        },
        headers,
      );
    const plans = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? plan(as, 'other') : plan({}, 'mine'))),
    );
    await Promise.all(
      plans.map((p) => h.client.workflow.getHandle(p.body.workflow_id as string).result()),
    );
    const calls = sendgrid.received.slice(before);
    expect(calls).toHaveLength(6);
    for (const call of calls) {
      const mine = call.body.subject === 'mine';
      expect(call.authorization).toBe(`Bearer ${mine ? API_KEY : otherKey}`);
      expect(call.body.from.email).toBe(mine ? 'errand@example.com' : 'other@example.com');
    }
  });
});

describe("SendGrid's Event Webhook", () => {
  const post = (
    tenant: string,
    events: unknown,
    at = Math.floor(Date.now() / 1000),
    key = privateKey,
  ) => {
    const body = JSON.stringify(events);
    const timestamp = String(at);
    const signature = sign('sha256', Buffer.from(timestamp + body), key).toString('base64');
    return h.raw('POST', `/v1/webhooks/sendgrid/${tenant}`, body, {
      'content-type': 'application/json',
      'x-twilio-email-event-webhook-signature': signature,
      'x-twilio-email-event-webhook-timestamp': timestamp,
    });
  };

  it('refuses a bad signature, an old timestamp and another tenant, and with a good one marks delivered, once', async () => {
    const { planId, workflowId } = await sendEmail('Tracked');
    const sent = await outboxOf(planId);
    const events = [
      {
        event: 'processed',
        sg_message_id: `${sent.vendor_message_id}.filter0001`,
        errand_key: `${workflowId}#0`,
      },
      {
        event: 'delivered',
        sg_message_id: `${sent.vendor_message_id}.filter0001`,
        errand_key: `${workflowId}#0`,
      },
    ];
    const stranger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const forged = await post(h.tenant.id, events, undefined, stranger);
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('invalid_signature');
    expect((await post(h.tenant.id, events, Math.floor(Date.now() / 1000) - 3600)).status).toBe(
      401,
    );
    const other = await h.newTenant();
    expect((await post(other.id, events)).status).toBe(401);
    expect((await outboxOf(planId)).status).toBe('sent');

    const good = await post(h.tenant.id, events);
    expect(good.status).toBe(200);
    expect(good.body).toEqual({ received: 2, updated: 2 });
    expect(await outboxOf(planId)).toMatchObject({
      status: 'delivered',
      status_detail: 'delivered',
      vendor_message_id: sent.vendor_message_id,
    });
    expect((await post(h.tenant.id, events)).body).toEqual({ received: 2, updated: 0 });
    const late = await post(h.tenant.id, [{ event: 'bounce', errand_key: `${workflowId}#0` }]);
    expect(late.body.updated).toBe(0);
  });

  it('marks a bounce bounced and a drop failed, found by the message id alone', async () => {
    const bounced = await sendEmail('Bounces');
    const dropped = await sendEmail('Dropped');
    const a = await outboxOf(bounced.planId);
    const b = await outboxOf(dropped.planId);
    const res = await post(h.tenant.id, [
      { event: 'deferred', sg_message_id: `${a.vendor_message_id}.f1`, response: '421 try later' },
      { event: 'bounce', sg_message_id: `${a.vendor_message_id}.f1`, reason: '550 no such user' },
      { event: 'dropped', sg_message_id: `${b.vendor_message_id}.f2`, reason: 'Bounced Address' },
      { event: 'open', sg_message_id: `${b.vendor_message_id}.f2` },
    ]);
    expect(res.body).toEqual({ received: 4, updated: 3 });
    expect(await outboxOf(bounced.planId)).toMatchObject({
      status: 'bounced',
      status_detail: 'bounce: 550 no such user',
    });
    expect(await outboxOf(dropped.planId)).toMatchObject({ status: 'failed' });
  });
});

describe('without ERRAND_ENCRYPTION_KEYS', () => {
  it('answers the connection routes with a 503 that says so', async () => {
    const bare = await startHarness({ keyRing: null, worker: false });
    try {
      for (const [method, path, body] of [
        ['GET', '/v1/connections'],
        ['PUT', '/v1/connections/sendgrid', { api_key: API_KEY, from: 'a@example.com' }],
        ['DELETE', '/v1/connections/sendgrid'],
      ] as const) {
        const res = await bare.api(method, path, body);
        expect(res.status, `${method} ${path}`).toBe(503);
        expect(res.body.error).toMatchObject({
          code: 'encryption_not_configured',
          message: expect.stringContaining('ERRAND_ENCRYPTION_KEYS'),
        });
      }
    } finally {
      await bare.close();
    }
  });
});
