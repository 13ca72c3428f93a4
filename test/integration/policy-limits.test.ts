import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../../src/tenants/tenants-repository';
import type { PlanState } from '../../src/workflows/definitions';
import { eventually, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const sms = { type: 'send_sms', params: { to: ['+14155550123'], message: 'hello' } };
const email = { type: 'send_email', params: { to: ['a@example.com'], subject: 'hello' } };

/** A fresh tenant with these settings, and the API as its admin. */
async function tenantWith(settings: Record<string, unknown>) {
  const tenant = await h.newTenant();
  const as = { 'x-errand-tenant': tenant.id };
  const api = (method: string, path: string, body?: unknown) => h.api(method, path, body, as);
  const put = await api('PUT', '/v1/settings', settings);
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  return { tenant, api };
}

const submit = (api: Awaited<ReturnType<typeof tenantWith>>['api'], body: object) =>
  api('POST', '/v1/plans', { intent: 'policy test', ...body });

async function plansOf(tenant: Tenant) {
  return h.db.selectFrom('action_plans').selectAll().where('tenant_id', '=', tenant.id).execute();
}

async function ledgerOf(tenant: Tenant) {
  return h.db
    .selectFrom('action_ledger')
    .selectAll()
    .where('tenant_id', '=', tenant.id)
    .orderBy('at')
    .execute();
}

/** Rows as if other plans' steps ran `agoMs` ago, to fill a window without waiting for it. */
async function backdate(tenant: Tenant, count: number, agoMs: number) {
  const at = new Date(Date.now() - agoMs);
  await h.db
    .insertInto('action_ledger')
    .values(
      Array.from({ length: count }, (_, i) => ({
        tenant_id: tenant.id,
        workflow_id: `${tenant.id}/plan/backdated-${agoMs}-${i}`,
        step_index: 0,
        at,
        ran: true,
      })),
    )
    .execute();
  return at;
}

async function awaiting(api: Awaited<ReturnType<typeof tenantWith>>['api'], planId: string) {
  await eventually(async () =>
    (await api('GET', `/v1/plans/${planId}`)).body.status === 'awaiting_approval'
      ? true
      : undefined,
  );
}

const result = async (workflowId: string) =>
  (await h.client.workflow.getHandle(workflowId).result()) as PlanState;

describe('GET and PUT /v1/settings', () => {
  it('show the policy and limits with their defaults, and refuse a bad limit by name', async () => {
    const { api } = await tenantWith({});
    const settings = (await api('GET', '/v1/settings')).body;
    expect(settings.policy.enabled_actions).toContain('send_sms');
    expect(settings.limits).toEqual({
      actions_per_minute: 600,
      actions_per_hour: 10000,
      plans_awaiting_approval: 100,
      steps_per_plan: 50,
    });
    const bad = await api('PUT', '/v1/settings', { limits: { actions_per_minute: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      'limits.actions_per_minute',
    ]);
  });
});

describe('enabled action types', () => {
  it('refuses a plan with a disabled type with 403 naming the type and the step, and starts nothing', async () => {
    const { tenant, api } = await tenantWith({ policy: { enabled_actions: ['send_email'] } });
    const res = await submit(api, { actions: [email, email, sms] });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      code: 'action_not_enabled',
      message: expect.stringContaining('"send_sms"'),
      details: [{ path: 'actions[2].type', message: expect.stringContaining('send_sms') }],
    });
    expect(await plansOf(tenant)).toEqual([]);
    expect(await ledgerOf(tenant)).toEqual([]);

    const allowed = await submit(api, { actions: [email] });
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(201);
  });

  it('refuses an intent whose planned steps use a disabled type, and starts nothing', async () => {
    const { tenant, api } = await tenantWith({ policy: { enabled_actions: ['send_email'] } });
    const res = await api('POST', '/v1/intents', {
      text: 'text +14155550123 that I am running late',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body.error).toMatchObject({
      code: 'action_not_enabled',
      message: expect.stringContaining('"send_sms"'),
      details: [{ path: 'actions[0].type' }],
    });
    expect(await plansOf(tenant)).toEqual([]);
    const decisions = (await api('GET', '/v1/decisions')).body.data;
    expect(decisions).toMatchObject([
      { outcome: 'failed', reason: expect.stringContaining('send_sms') },
    ]);
  });
});

describe('limits.steps_per_plan', () => {
  it('refuses a longer plan with 422 naming actions', async () => {
    const { tenant, api } = await tenantWith({ limits: { steps_per_plan: 2 } });
    const res = await submit(api, { actions: [sms, sms, sms] });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: 'too_many_steps',
      details: [{ path: 'actions', message: expect.stringContaining('at most 2') }],
    });
    expect(await plansOf(tenant)).toEqual([]);
    expect((await submit(api, { actions: [sms, sms] })).status).toBe(201);
  });
});

describe('limits.plans_awaiting_approval', () => {
  it('refuses one more plan that waits for approval with 429 and Retry-After, but not a plan that runs at once', async () => {
    const { tenant, api } = await tenantWith({ limits: { plans_awaiting_approval: 2 } });
    const first = await submit(api, { require_approval: true, actions: [sms] });
    const second = await submit(api, { actions: [sms, { ...sms, approval: 'required' }] });
    expect([first.status, second.status]).toEqual([201, 201]);
    // A plan gated at a step counts once it waits there.
    await awaiting(api, second.body.plan_id);

    const third = await submit(api, { require_approval: true, actions: [sms] });
    expect(third.status).toBe(429);
    expect(third.body.error).toMatchObject({
      code: 'too_many_awaiting_approval',
      message: expect.stringContaining('limits.plans_awaiting_approval'),
    });
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await plansOf(tenant)).toHaveLength(2);
    expect((await submit(api, { actions: [sms] })).status).toBe(201);

    // A decision frees a place.
    await awaiting(api, first.body.plan_id);
    expect(
      (await api('POST', `/v1/plans/${first.body.plan_id}/reject`, { reason: 'no' })).status,
    ).toBe(200);
    await result(first.body.workflow_id);
    expect((await submit(api, { require_approval: true, actions: [sms] })).status).toBe(201);
  });
});

describe('limits.actions_per_minute and actions_per_hour at submission', () => {
  it('admits a burst up to the per-minute rate and refuses the rest with 429 and Retry-After', async () => {
    const { tenant, api } = await tenantWith({ limits: { actions_per_minute: 3 } });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => submit(api, { actions: [sms] })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    for (const refused of answers.filter((a) => a.status === 429)) {
      expect(refused.body.error).toMatchObject({
        code: 'action_rate_exceeded',
        message: expect.stringContaining('limits.actions_per_minute'),
      });
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    const plans = await plansOf(tenant);
    expect(plans).toHaveLength(3);
    const states = await Promise.all(plans.map((p) => result(p.workflow_id)));
    expect(states.map((s) => s.status)).toEqual(['completed', 'completed', 'completed']);
    // Each admitted step counted once: its reserved place became its run.
    const ledger = await ledgerOf(tenant);
    expect(ledger).toHaveLength(3);
    expect(ledger.every((row) => row.ran)).toBe(true);
  });

  it('answers concurrent repeats of one Idempotency-Key with the one plan, never a 429', async () => {
    const { tenant, api } = await tenantWith({ limits: { actions_per_minute: 1 } });
    const body = { intent: 'policy test', actions: [sms] };
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        h.api('POST', '/v1/plans', body, { 'x-errand-tenant': tenant.id, 'idempotency-key': 'k1' }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.plan_id)).size).toBe(1);
    expect(await plansOf(tenant)).toHaveLength(1);
    // Without the key, the window is full.
    expect((await api('POST', '/v1/plans', body)).status).toBe(429);
  });

  it('refuses a plan over the per-hour rate with a Retry-After of when the oldest action ages out', async () => {
    const { tenant, api } = await tenantWith({ limits: { actions_per_hour: 2 } });
    await backdate(tenant, 2, 30 * 60_000);
    const res = await submit(api, { actions: [sms] });
    expect(res.status).toBe(429);
    expect(res.body.error.message).toContain('limits.actions_per_hour');
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(25 * 60);
    expect(retryAfter).toBeLessThanOrEqual(30 * 60);
    expect(await plansOf(tenant)).toEqual([]);
  });
});

describe('a running plan that crosses the per-minute rate', () => {
  it('waits for capacity on a durable timer, then completes with every step run once', async () => {
    const { tenant, api } = await tenantWith({ limits: { actions_per_minute: 3 } });
    const res = await submit(api, { actions: [sms, { ...sms, approval: 'required' }, sms] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const { plan_id, workflow_id } = res.body;
    const view = () => api('GET', `/v1/plans/${plan_id}`).then((r) => r.body);
    await eventually(async () =>
      (await view()).status === 'awaiting_approval' ? true : undefined,
    );

    // Step 0 ran; two actions of other plans 50 s ago fill the window until they leave it.
    const filledAt = await backdate(tenant, 2, 50_000);
    const freedAt = filledAt.getTime() + 60_000;
    expect((await api('POST', `/v1/plans/${plan_id}/approve`, {})).status).toBe(200);
    const waiting = await eventually(async () => {
      const plan = await view();
      return plan.status === 'waiting_for_capacity' ? plan : undefined;
    });
    expect(waiting.current_step).toBe(1);
    expect(waiting.steps[1].status).toBe('pending');

    const state = await result(workflow_id);
    expect(state.status).toBe('completed');
    expect(state.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(Date.parse(state.steps[1].started_at as string)).toBeGreaterThanOrEqual(freedAt);

    const sent = await h.db
      .selectFrom('outbox')
      .select('step_index')
      .where('plan_id', '=', plan_id)
      .orderBy('step_index')
      .execute();
    expect(sent.map((r) => r.step_index)).toEqual([0, 1, 2]);
    const counted = (await ledgerOf(tenant)).filter((r) => r.workflow_id === workflow_id);
    expect(counted.map((r) => [r.step_index, r.ran])).toEqual([
      [0, true],
      [1, true],
      [2, true],
    ]);
    const waits = await h.db
      .selectFrom('plan_events')
      .select(['kind', 'step_index'])
      .where('plan_id', '=', plan_id)
      .where('kind', '=', 'capacity_wait')
      .execute();
    expect(waits).toEqual([{ kind: 'capacity_wait', step_index: 1 }]);
  });

  it('can be cancelled while it waits', async () => {
    const { tenant, api } = await tenantWith({ limits: { actions_per_minute: 1 } });
    const res = await submit(api, { require_approval: true, actions: [sms] });
    expect(res.status).toBe(201);
    const { plan_id, workflow_id } = res.body;
    await awaiting(api, plan_id);
    await backdate(tenant, 1, 0);
    await api('POST', `/v1/plans/${plan_id}/approve`, {});
    await eventually(async () =>
      (await api('GET', `/v1/plans/${plan_id}`)).body.status === 'waiting_for_capacity'
        ? true
        : undefined,
    );
    expect((await api('POST', `/v1/plans/${plan_id}/cancel`)).status).toBe(202);
    const state = await result(workflow_id);
    expect(state.status).toBe('cancelled');
    expect(state.steps[0]).toMatchObject({ status: 'skipped', started_at: null });
    const sent = await h.db
      .selectFrom('outbox')
      .select('id')
      .where('plan_id', '=', plan_id)
      .execute();
    expect(sent).toEqual([]);
  });
});

describe('ERRAND_KEY_REQUESTS_PER_MINUTE', () => {
  it('answers 429 with Retry-After to a key over its rate, counted across API processes, while another key still passes', async () => {
    // A fixed clock, so the test never straddles a minute boundary.
    const now = () => new Date('2030-01-01T00:00:20Z');
    const first = await startHarness({ worker: false, keyRequestsPerMinute: 3, now });
    const second = await startHarness({
      worker: false,
      keyRequestsPerMinute: 3,
      now,
      tenantId: first.tenant.id,
      taskQueue: first.taskQueue,
    });
    try {
      const viewer = await first.keyFor('viewer');
      const as = { authorization: `Bearer ${viewer}` };
      const ok = await first.raw('GET', '/v1/settings', undefined, as);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-limit')).toBe('3');
      expect(ok.headers.get('ratelimit-remaining')).toBe('2');
      expect((await second.raw('GET', '/v1/settings', undefined, as)).status).toBe(200);
      expect((await first.raw('GET', '/v1/settings', undefined, as)).status).toBe(200);

      const over = await second.raw('GET', '/v1/settings', undefined, as);
      expect(over.status).toBe(429);
      expect(over.body.error.code).toBe('request_rate_exceeded');
      expect(over.headers.get('retry-after')).toBe('40');
      expect(over.headers.get('ratelimit-remaining')).toBe('0');

      expect((await first.apiAs('admin', 'GET', '/v1/settings')).status).toBe(200);
    } finally {
      await second.close();
      await first.close();
    }
  });
});
