import type { ServerResponse } from 'node:http';
import { Context } from '@temporalio/activity';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities';
import { createOutboundHttp } from '../../src/net/outbound-http';
import { WEBHOOK_MAX_RESPONSE_BYTES } from '../../src/net/webhook-limits';
import type { PlanState } from '../../src/workflows/definitions';
import { startHarness, type Harness } from '../support/harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/** What a vendor leaks in its error bodies; it must never reach a plan. */
const LEAK = 'hunter2-db-password';

let h: Harness;
let hooks: WebhookReceiver;
/** Every failed attempt of trigger_automation, as the worker saw it. */
const failures: { workflowId: string; attempt: number; type: string; message: string }[] = [];

const json = (status: number, body: unknown) => (res: ServerResponse) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

beforeAll(async () => {
  hooks = await startWebhookReceiver({
    '/flaky': (res, nth) => (nth === 0 ? json(503, {})(res) : json(200, { ticket: 'T-1' })(res)),
    '/redirect': (res) => res.writeHead(302, { location: `${hooks.base}/target` }).end(),
    '/big': (res) => res.writeHead(200).end(`"${'x'.repeat(1024 * 1024)}"`),
    '/slow-once': (res, nth) => {
      if (nth === 0) setTimeout(() => res.end('{"late":true}'), 3000).unref();
      else json(200, { late: false })(res);
    },
    '/leaky': (res, nth) =>
      nth === 0
        ? res.writeHead(500).end(`Traceback: connect(${LEAK}) failed`)
        : json(422, { error: `${LEAK} is not a lead` })(res),
    '/nul': (res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"note":"a\\u0000b","odd":"\\ud800x","k\\u0000":"v"}'),
    '/nul-error': (res) => res.writeHead(400).end(`bad\u0000input ${LEAK}`),
  });
  const automations = Object.fromEntries(
    ['flaky', 'signed', 'redirect', 'big', 'slow-once', 'leaky', 'nul', 'nul-error'].map((n) => [
      n,
      `${hooks.base}/${n}`,
    ]),
  );
  h = await startHarness({
    settings: { approval: { required_for: [] }, automations },
    deps: {
      outbound: createOutboundHttp({
        allowPrivateNetwork: true,
        timeoutMs: 1000,
        maxResponseBytes: WEBHOOK_MAX_RESPONSE_BYTES,
      }),
    },
    wrapActivities: (a: Activities) => ({
      ...a,
      trigger_automation: async (input) => {
        try {
          return await a.trigger_automation(input);
        } catch (error) {
          failures.push({
            workflowId: input.workflow_id,
            attempt: Context.current().info.attempt,
            type: (error as Error).constructor.name,
            message: (error as Error).message,
          });
          throw error;
        }
      },
    }),
  });
});
afterAll(async () => {
  await h?.close();
  await hooks?.close();
});

async function run(automation: string) {
  const res = await h.api('POST', '/v1/plans', {
    intent: 'automate',
    actions: [{ type: 'trigger_automation', params: { automation, payload: { n: 1 } } }],
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const workflowId = res.body.workflow_id as string;
  const state = (await h.client.workflow.getHandle(workflowId).result()) as PlanState;
  const attempts = failures.filter((f) => f.workflowId === workflowId);
  return { planId: res.body.plan_id as string, workflowId, state, attempts };
}

async function secretOf(tenantId = h.tenant.id) {
  const res = await h.api('GET', '/v1/settings/webhook-secret', undefined, {
    'x-errand-tenant': tenantId,
  });
  expect(res.status).toBe(200);
  return res.body as {
    secret: string;
    previous_secret_valid_until: string | null;
    rotated_at: string | null;
  };
}

const headersOf = (r: { headers: Record<string, unknown> }) => r.headers as Record<string, string>;

describe('signed webhook deliveries', () => {
  it('signs every attempt so the receiver verifies it with the tenant secret, under one webhook-id', async () => {
    const { secret } = await secretOf();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const { planId, state } = await run('flaky');
    expect(state.status).toBe('completed');
    expect(state.steps[0].output).toMatchObject({ response: { ticket: 'T-1' } });

    const calls = hooks.to('/flaky');
    expect(calls).toHaveLength(2);
    const key = `${h.tenant.id}/plan/${planId}#0`;
    for (const call of calls) {
      const headers = headersOf(call);
      expect(headers).toMatchObject({ 'webhook-id': key, 'idempotency-key': key });
      expect(headers['webhook-timestamp']).toMatch(/^\d{10}$/);
      expect(new Webhook(secret).verify(call.raw, headers)).toMatchObject({
        automation: 'flaky',
        plan_id: planId,
        payload: { n: 1 },
      });
      const stranger = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
      expect(() => new Webhook(stranger).verify(call.raw, headers)).toThrow(
        WebhookVerificationError,
      );
      expect(() => new Webhook(secret).verify(`${call.raw} `, headers)).toThrow(
        WebhookVerificationError,
      );
    }
  });

  it('keeps one secret per tenant, made on first use, the same on every read', async () => {
    const first = await secretOf();
    expect((await secretOf()).secret).toBe(first.secret);
    const other = await h.newTenant();
    expect((await secretOf(other.id)).secret).not.toBe(first.secret);
    expect((await secretOf()).secret).toBe(first.secret);
  });

  it('after a rotation signs with the new secret and, for a day, the replaced one too', async () => {
    const old = await secretOf();
    const rotated = await h.api('POST', '/v1/settings/webhook-secret/rotate');
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(old.secret);
    expect(Date.parse(rotated.body.previous_secret_valid_until)).toBe(
      Date.parse(rotated.body.rotated_at) + 24 * 3600 * 1000,
    );
    expect((await secretOf()).secret).toBe(rotated.body.secret);

    const before = hooks.to('/signed').length;
    const { state } = await run('signed');
    expect(state.status).toBe('completed');
    const [call] = hooks.to('/signed').slice(before);
    expect(headersOf(call)['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [rotated.body.secret, old.secret]) {
      expect(() => new Webhook(secret).verify(call.raw, headersOf(call))).not.toThrow();
    }
  });
});

describe('webhook answers', () => {
  it('never follows a redirect: the step fails at once, naming the status and not the target', async () => {
    const { state, attempts } = await run('redirect');
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({
      step: 0,
      type: 'AutomationRejectedError',
      message: 'webhook answered 302; redirects are not followed',
    });
    expect(JSON.stringify(state)).not.toContain('/target');
    expect(hooks.to('/target')).toHaveLength(0);
    expect(attempts.map((a) => a.attempt)).toEqual([1]);
  });

  it('stops reading an answer over 64 KB and fails the step at once', async () => {
    const { planId, state, attempts } = await run('big');
    expect(state.error).toMatchObject({
      type: 'AutomationRejectedError',
      message: 'webhook answered with more than 65536 bytes',
    });
    expect(attempts).toHaveLength(1);
    expect((await h.api('GET', `/v1/outbox?plan_id=${planId}`)).body.data).toEqual([]);
  });

  it('gives up on a slow answer after the time cap and retries', async () => {
    const { state, attempts } = await run('slow-once');
    expect(state.status).toBe('completed');
    expect(state.steps[0].output).toMatchObject({ response: { late: false } });
    expect(attempts).toMatchObject([
      {
        attempt: 1,
        type: 'Error',
        message: 'webhook gave no complete answer within 1000 ms; will retry',
      },
    ]);
    expect(hooks.to('/slow-once')).toHaveLength(2);
  });

  it('keeps the vendor’s error bodies out of the step error, retrying a 500 and stopping at a 422', async () => {
    const { planId, state, attempts } = await run('leaky');
    expect(state.error).toMatchObject({
      type: 'AutomationRejectedError',
      message: 'webhook answered 422',
    });
    expect(attempts.map((a) => a.message)).toEqual([
      'webhook answered 500; will retry',
      'webhook answered 422',
    ]);
    const plan = await h.api('GET', `/v1/plans/${planId}`);
    expect(plan.body.status).toBe('failed');
    expect(JSON.stringify(plan.body)).not.toContain(LEAK);
    expect(JSON.stringify(state)).not.toContain(LEAK);
  });

  it('stores an answer carrying U+0000 and lone surrogates, cleaned', async () => {
    const { planId, state } = await run('nul');
    expect(state.status).toBe('completed');
    const cleaned = { note: 'ab', odd: '\uFFFDx', k: 'v' };
    expect(state.steps[0].output).toMatchObject({ response: cleaned });
    const plan = await h.api('GET', `/v1/plans/${planId}`);
    expect(plan.body.steps[0].output.response).toEqual(cleaned);
    const outbox = (await h.api('GET', `/v1/outbox?plan_id=${planId}`)).body.data;
    expect(outbox[0].payload.response).toEqual(cleaned);
  });

  it('fails, and records, a step whose refusal body carries U+0000', async () => {
    const { planId, state } = await run('nul-error');
    expect(state.error).toMatchObject({
      type: 'AutomationRejectedError',
      message: 'webhook answered 400',
    });
    const plan = await h.api('GET', `/v1/plans/${planId}`);
    expect(plan.body).toMatchObject({ status: 'failed' });
    expect(JSON.stringify(plan.body)).not.toContain(LEAK);
  });
});

describe('saving webhook URLs with private networks allowed (development)', () => {
  it('takes http and loopback URLs but still refuses link-local ones', async () => {
    const t = await h.newTenant();
    const put = (automations: Record<string, string>) =>
      h.api('PUT', '/v1/settings', { automations }, { 'x-errand-tenant': t.id });
    expect((await put({ dev: 'http://127.0.0.1:5678/webhook/x' })).status).toBe(200);
    const refused = await put({ meta: 'http://169.254.169.254/latest/meta-data/' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([
      { path: 'automations.meta', message: 'must not name a linkLocal address' },
    ]);
  });
});
