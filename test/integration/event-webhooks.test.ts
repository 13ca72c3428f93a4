import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/net/free-port';
import { eventually, startHarness, type Harness } from '../support/harness';
import {
  startWebhookReceiver,
  type ReceivedRequest,
  type WebhookReceiver,
} from '../support/webhook-receiver';

let h: Harness;
let receiver: WebhookReceiver;
/** How many times /flaky has answered 500 before it answers 200. */
const FLAKY_FAILURES = 2;
beforeAll(async () => {
  // Seconds, not the hours a deployment waits: the retries themselves are what is tested.
  h = await startHarness({
    webhookRetry: { initial_ms: 200, maximum_ms: 1_000, give_up_after_ms: 60_000 },
  });
  receiver = await startWebhookReceiver({
    '/flaky': (res, nth) =>
      res.writeHead(nth < FLAKY_FAILURES ? 500 : 200).end(nth < FLAKY_FAILURES ? 'down' : 'ok'),
  });
});
afterAll(async () => {
  await receiver?.close();
  await h?.close();
});

const sms = { type: 'send_sms', params: { to: ['+14155550123'], message: 'hello' } };

async function subscribe(url: string, events: string[]) {
  const res = await h.api('POST', '/v1/webhooks', { url, events });
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string };
}

async function runPlan(actions: unknown[] = [sms]): Promise<string> {
  const res = await h.api('POST', '/v1/plans', { intent: 'tell the webhooks', actions });
  expect(res.status).toBe(201);
  await h.client.workflow.getHandle(res.body.workflow_id).result();
  return res.body.plan_id;
}

/** The receiver's requests for `planId`, each checked with the library's own verifier. */
function verified(requests: ReceivedRequest[], secret: string, planId: string) {
  return requests
    .map((r) => ({
      headers: r.headers,
      body: new Webhook(secret).verify(r.raw, r.headers as Record<string, string>) as {
        id: string;
        type: string;
        data: { plan_id: string; tenant_id: string };
      },
    }))
    .filter((r) => r.body.data.plan_id === planId);
}

async function deliveries(subscriptionId: string, query = '') {
  const res = await h.api('GET', `/v1/webhooks/${subscriptionId}/deliveries${query}`);
  expect(res.status).toBe(200);
  return res.body.data as {
    id: string;
    event_id: string;
    type: string;
    state: string;
    attempts: { status: number | null; error: string | null }[];
  }[];
}

describe('event webhooks', () => {
  it('delivers the events subscribed to, signed, with the ids of the plan event log', async () => {
    const sub = await subscribe(`${receiver.base}/basic`, ['step_succeeded', 'plan_completed']);
    const planId = await runPlan();
    const got = await eventually(async () => {
      const r = verified(receiver.to('/basic'), sub.secret, planId);
      return r.length >= 2 ? r : undefined;
    });
    expect(got.map((r) => r.body.type).sort()).toEqual(['plan_completed', 'step_succeeded']);
    for (const r of got) {
      expect(r.headers['webhook-id']).toBe(r.body.id);
      expect(r.body.data.tenant_id).toBe(h.tenant.id);
    }
    const log = await h.db
      .selectFrom('plan_events')
      .select(['id', 'kind'])
      .where('plan_id', '=', planId)
      .where('kind', 'in', ['step_succeeded', 'plan_completed'])
      .execute();
    expect(got.map((r) => r.body.id).sort()).toEqual(log.map((e) => `evt_${e.id}`).sort());

    const shown = await eventually(async () => {
      const d = await deliveries(sub.id);
      return d.length === 2 && d.every((x) => x.state === 'delivered') ? d : undefined;
    });
    expect(shown.map((d) => d.attempts.map((a) => a.status))).toEqual([[200], [200]]);
  });

  it("retries after a receiver's 500s with the same id, and records every attempt", async () => {
    const sub = await subscribe(`${receiver.base}/flaky`, ['plan_completed']);
    const planId = await runPlan();
    const [delivery] = await eventually(async () => {
      const d = await deliveries(sub.id);
      return d[0]?.state === 'delivered' ? d : undefined;
    });
    expect(delivery!.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    const posts = verified(receiver.to('/flaky'), sub.secret, planId);
    expect(posts).toHaveLength(FLAKY_FAILURES + 1);
    expect(new Set(posts.map((p) => p.headers['webhook-id']))).toEqual(
      new Set([delivery!.event_id]),
    );
  });

  it('keeps trying through an outage and delivers once the receiver is back', async () => {
    const port = await freePort();
    const sub = await subscribe(`http://127.0.0.1:${port}/late`, ['plan_completed']);
    const planId = await runPlan();
    await eventually(async () => {
      const d = await deliveries(sub.id);
      return (d[0]?.attempts.length ?? 0) >= 2 ? d : undefined;
    });
    const late = await startWebhookReceiver({}, port);
    try {
      const [delivery] = await eventually(async () => {
        const d = await deliveries(sub.id);
        return d[0]?.state === 'delivered' ? d : undefined;
      });
      expect(delivery!.attempts.at(-1)!.status).toBe(200);
      expect(delivery!.attempts.slice(0, -1).every((a) => a.status === null && a.error)).toBe(true);
      expect(verified(late.to('/late'), sub.secret, planId)).toHaveLength(1);
    } finally {
      await late.close();
    }
  });

  it('loses no event of many plans: every one arrives under its own id', async () => {
    const sub = await subscribe(`${receiver.base}/all`, ['*']);
    const planIds = await Promise.all(
      Array.from({ length: 5 }, () =>
        runPlan([sms, { ...sms, params: { ...sms.params, message: 'two' } }]),
      ),
    );
    const log = await h.db
      .selectFrom('plan_events')
      .select('id')
      .where('plan_id', 'in', planIds)
      .execute();
    const expected = log.map((e) => `evt_${e.id}`).sort();
    const ids = await eventually(async () => {
      const got = planIds.flatMap((id) => verified(receiver.to('/all'), sub.secret, id));
      const unique = [...new Set(got.map((r) => r.body.id))].sort();
      return unique.length >= expected.length ? unique : undefined;
    });
    expect(ids).toEqual(expected);
  });

  it('holds deliveries while paused and sends them on resume', async () => {
    const sub = await subscribe(`${receiver.base}/paused`, ['plan_completed']);
    expect((await h.api('POST', `/v1/webhooks/${sub.id}/pause`)).body.status).toBe('paused');
    const planId = await runPlan();
    await eventually(async () =>
      (await deliveries(sub.id))[0]?.state === 'held' ? true : undefined,
    );
    expect(receiver.to('/paused')).toHaveLength(0);

    expect((await h.api('POST', `/v1/webhooks/${sub.id}/resume`)).body.status).toBe('active');
    // A loaded machine (the whole suite on two cores) may take a while to start the new round:
    // wait on the delivery's own state, and say what it was if it never got there.
    let last: Awaited<ReturnType<typeof deliveries>> = [];
    const delivered = await eventually(async () => {
      last = await deliveries(sub.id);
      return last[0]?.state === 'delivered' ? last[0] : undefined;
    }, 45_000).catch((err: Error) => {
      throw new Error(`${err.message}: the delivery was ${JSON.stringify(last)}`);
    });
    // At least once, under one id: a retried attempt may have been received already.
    const posts = verified(receiver.to('/paused'), sub.secret, planId);
    expect(posts.length).toBeGreaterThanOrEqual(1);
    expect(new Set(posts.map((p) => p.body.id))).toEqual(new Set([delivered.event_id]));
  });

  it('delivers reminder_fired when a reminder of a plan fires', async () => {
    const sub = await subscribe(`${receiver.base}/reminders`, ['reminder_fired']);
    const at = new Date(Date.now() + 2_000).toISOString();
    const planId = await runPlan([
      {
        type: 'schedule_reminder',
        params: { at, channel: 'email', to: ['r@example.com'], message: 'ping' },
      },
    ]);
    const [fired] = await eventually(async () => {
      const r = verified(receiver.to('/reminders'), sub.secret, planId);
      return r.length ? r : undefined;
    });
    expect(fired!.body).toMatchObject({
      type: 'reminder_fired',
      data: { detail: { fire_at: at, channel: 'email' } },
    });
  });

  it('refuses a bad URL or event type, naming the field', async () => {
    const bad = await h.api('POST', '/v1/webhooks', { url: 'ftp://x.example.com/', events: ['*'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'url' })]);
    const unknown = await h.api('POST', '/v1/webhooks', {
      url: `${receiver.base}/x`,
      events: ['plan_exploded'],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0].path).toBe('events[0]');
  });

  it("keeps tenants apart: another tenant's key sees no subscription, and its own gets none of these events", async () => {
    const sub = await subscribe(`${receiver.base}/mine`, ['plan_completed']);
    const other = await h.newTenant();
    const otherHeaders = { 'x-errand-tenant': other.id };
    const theirs = await h.api(
      'POST',
      '/v1/webhooks',
      { url: `${receiver.base}/theirs`, events: ['*'] },
      otherHeaders,
    );
    expect(theirs.status).toBe(201);
    for (const [method, path] of [
      ['GET', `/v1/webhooks/${sub.id}`],
      ['GET', `/v1/webhooks/${sub.id}/deliveries`],
      ['POST', `/v1/webhooks/${sub.id}/pause`],
      ['DELETE', `/v1/webhooks/${sub.id}`],
    ] as const) {
      expect((await h.api(method, path, undefined, otherHeaders)).status).toBe(404);
    }
    expect((await h.apiAs('submitter', 'GET', '/v1/webhooks')).status).toBe(403);

    await runPlan();
    await eventually(async () => ((await deliveries(sub.id)).length === 1 ? true : undefined));
    const leaked = await h.db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('subscription_id', '=', theirs.body.id)
      .execute();
    expect(leaked).toEqual([]);
  });
});

describe('an event webhook whose receiver never takes it', () => {
  let short: Harness;
  beforeAll(async () => {
    short = await startHarness({
      webhookRetry: { initial_ms: 100, maximum_ms: 200, give_up_after_ms: 3_000 },
    });
  });
  afterAll(async () => {
    await short?.close();
  });

  it('ends failed when its time runs out, with each attempt and why it gave up', async () => {
    const down = await startWebhookReceiver({ '/down': (res) => res.writeHead(503).end() });
    try {
      const sub = await short.api('POST', '/v1/webhooks', {
        url: `${down.base}/down`,
        events: ['plan_completed'],
      });
      const plan = await short.api('POST', '/v1/plans', {
        intent: 'nobody listens',
        actions: [sms],
      });
      expect(plan.status).toBe(201);
      const [delivery] = await eventually(async () => {
        const d = (await short.api('GET', `/v1/webhooks/${sub.body.id}/deliveries`)).body.data;
        return d[0]?.state === 'failed' ? d : undefined;
      });
      // A loaded machine fits fewer tries into the window; two show the retry.
      expect(delivery.attempts.length).toBeGreaterThanOrEqual(2);
      expect(delivery.attempts.every((a: { status: number }) => a.status === 503)).toBe(true);
      expect(delivery.last_error).toMatch(/^gave up/);
      expect(
        (await short.api('GET', `/v1/webhooks/${sub.body.id}/deliveries?state=failed`)).body.data,
      ).toHaveLength(1);
    } finally {
      await down.close();
    }
  });
});
