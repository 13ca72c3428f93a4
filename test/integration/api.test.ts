import type { Server } from 'node:http';
import { Client } from '@temporalio/client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/api/app';
import { createRulesPlanner } from '../../src/planner/rules-planner';
import { createPostgresCalendar } from '../../src/providers/postgres-calendar';
import { futureSlot, startHarness, type Harness, TEST_PEPPER } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const sms = { type: 'send_sms', params: { to: ['+14155550123'], message: 'hello' } };
const errorShape = {
  error: { code: expect.any(String), message: expect.any(String), details: expect.any(Array) },
};

async function countPlans(): Promise<number> {
  const row = await h.db
    .selectFrom('action_plans')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', h.tenant.id)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('POST /v1/plans', () => {
  it('answers 201 with the plan id, workflow id and status, and the plan can be read back', async () => {
    const res = await h.api('POST', '/v1/plans', { intent: 'say hello', actions: [sms] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      plan_id: expect.any(String),
      workflow_id: `${h.tenant.id}/plan/${res.body.plan_id}`,
      status: 'pending',
    });
    expect(res.headers.get('location')).toBe(`/v1/plans/${res.body.plan_id}`);
    await h.client.workflow.getHandle(res.body.workflow_id).result();
    const plan = await h.api('GET', `/v1/plans/${res.body.plan_id}`);
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({
      id: res.body.plan_id,
      status: 'completed',
      intent: 'say hello',
      timezone: 'UTC',
      steps: [{ status: 'succeeded' }],
    });
  });

  it('answers 400 with field errors for an invalid plan, and writes nothing', async () => {
    const before = await countPlans();
    const res = await h.api('POST', '/v1/plans', {
      intent: 'x',
      actions: [
        sms,
        { type: 'rm_rf', params: {} },
        { type: 'send_email', use_result_from: 5, params: {} },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(errorShape);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details).toContainEqual({
      path: 'actions[1].type',
      message: expect.stringContaining('unknown action type "rm_rf"'),
    });
    expect(await countPlans()).toBe(before);
  });

  it.each([
    ['malformed JSON', '{"intent": ', { 'content-type': 'application/json' }, 400, 'invalid_json'],
    [
      'a wrong content type',
      'intent=x',
      { 'content-type': 'application/x-www-form-urlencoded' },
      415,
      'unsupported_media_type',
    ],
    [
      'an oversized body',
      JSON.stringify({ intent: 'x'.repeat(70_000), actions: [sms] }),
      { 'content-type': 'application/json' },
      413,
      'body_too_large',
    ],
    [
      'a JSON scalar',
      '"just a string"',
      { 'content-type': 'application/json' },
      400,
      'invalid_json',
    ],
  ])(
    'answers %s with the error shape, never a stack trace',
    async (_name, body, headers, status, code) => {
      const res = await fetch(`${h.baseUrl}/v1/plans`, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${await h.keyFor('admin')}`, ...headers },
      });
      expect(res.status).toBe(status);
      const json = (await res.json()) as { error: { code: string } };
      expect(json).toMatchObject(errorShape);
      expect(json.error.code).toBe(code);
      expect(JSON.stringify(json)).not.toMatch(/node_modules|at .*\.ts:/);
    },
  );

  it('answers 202 submitting and keeps the plan when Temporal refuses the start', async () => {
    const app = createApp({
      db: h.db,
      temporal: new Client({ connection: h.client.connection, namespace: 'no-such-namespace' }),
      calendar: createPostgresCalendar({ db: h.db, meetingLinkBase: 'https://x/' }),
      planner: createRulesPlanner(),
      taskQueue: h.taskQueue,
      logger: pino({ level: 'silent' }),
      keyPepper: TEST_PEPPER,
      bodyLimit: '64kb',
      webUiUrl: 'http://localhost:8233',
      databaseKind: inject('databaseKind'),
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const before = await countPlans();
    const res = await fetch(
      `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/plans`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await h.keyFor('admin')}`,
        },
        body: JSON.stringify({ intent: 'starts later', actions: [sms] }),
      },
    );
    server.close();
    expect(res.status).toBe(202);
    const body = (await res.json()) as { plan_id: string; status: string };
    expect(body.status).toBe('submitting');
    // Nothing is deleted: the reconciler (with the deployment's real namespace) starts it later.
    expect(await countPlans()).toBe(before + 1);
    expect((await h.api('GET', `/v1/plans/${body.plan_id}`)).body.status).toBe('submitting');
  });

  it('returns the same plan for a repeated Idempotency-Key', async () => {
    const headers = { 'idempotency-key': `k-${Date.now()}` };
    const first = await h.api('POST', '/v1/plans', { intent: 'once', actions: [sms] }, headers);
    const second = await h.api('POST', '/v1/plans', { intent: 'once', actions: [sms] }, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.plan_id).toBe(first.body.plan_id);
  });
});

describe('Idempotency-Key on POST /v1/plans', () => {
  const withKey = (key: string) => ({ 'idempotency-key': key });

  it('refuses a key reused with another body (422, naming the header), and repeats the same body', async () => {
    const key = `bound-${Date.now()}`;
    const first = await h.api(
      'POST',
      '/v1/plans',
      { intent: 'bound', actions: [sms] },
      withKey(key),
    );
    expect(first.status).toBe(201);
    const other = await h.api(
      'POST',
      '/v1/plans',
      { intent: 'something else', actions: [sms] },
      withKey(key),
    );
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({
      code: 'idempotency_key_reused',
      details: [{ path: 'idempotency-key', message: expect.stringContaining('another body') }],
    });
    // The same plan with its keys in another order is the same body.
    const same = await h.api(
      'POST',
      '/v1/plans',
      { actions: [sms], intent: 'bound' },
      withKey(key),
    );
    expect(same.status).toBe(200);
    expect(same.body.plan_id).toBe(first.body.plan_id);
  });

  it('creates one plan for concurrent requests with the same key', async () => {
    const key = `race-${Date.now()}`;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        h.api('POST', '/v1/plans', { intent: 'race', actions: [sms] }, withKey(key)),
      ),
    );
    expect(new Set(answers.map((a) => a.body.plan_id)).size).toBe(1);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const rows = await h.db
      .selectFrom('action_plans')
      .select('id')
      .where('tenant_id', '=', h.tenant.id)
      .where('idempotency_key', '=', key)
      .execute();
    expect(rows).toHaveLength(1);
  });
});

describe('GET /v1/plans', () => {
  it('answers 404 for an unknown plan and for a malformed id', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await h.api('GET', `/v1/plans/${id}`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: { code: 'not_found' } });
    }
  });

  it('answers 404 for another tenant’s plan', async () => {
    const created = await h.api('POST', '/v1/plans', { intent: 'mine', actions: [sms] });
    const other = await h.newTenant();
    const res = await h.api('GET', `/v1/plans/${created.body.plan_id}`, undefined, {
      'x-errand-tenant': other.id,
    });
    expect(res.status).toBe(404);
    const list = await h.api('GET', '/v1/plans', undefined, { 'x-errand-tenant': other.id });
    expect(list.body.data).toEqual([]);
  });

  it('pages through plans newest first, filtered by status', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (await h.api('POST', '/v1/plans', { intent: `p${i}`, actions: [sms] })).body.plan_id,
      );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: { id: string }[]; next_cursor: string | null } } = await h.api(
        'GET',
        `/v1/plans?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((p) => p.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, 5)).toEqual([...ids].reverse());
    const bad = await h.api('GET', '/v1/plans?limit=0&cursor=zzz');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toContain('limit');
  });

  it('refuses unknown query parameters, and lets only the credential choose the tenant', async () => {
    expect((await h.api('GET', '/v1/plans?colour=red')).status).toBe(400);
    const other = await h.newTenant();
    const res = await h.raw('GET', '/v1/settings', undefined, {
      authorization: `Bearer ${await h.keyFor('admin')}`,
      'x-errand-tenant': other.id,
    });
    expect(res.status).toBe(200);
    expect(res.body.tenant_id).toBe(h.tenant.id);
    const none = await h.raw('GET', '/v1/plans', undefined, { 'x-errand-tenant': h.tenant.id });
    expect(none.status).toBe(401);
  });
});

describe('reference endpoints', () => {
  it('lists exactly the eleven allowlisted actions with JSON Schemas', async () => {
    const res = await h.api('GET', '/v1/actions');
    expect(res.body.data.map((a: { type: string }) => a.type)).toEqual([
      'book_meeting',
      'update_meeting',
      'cancel_meeting',
      'check_availability',
      'find_meetings',
      'send_email',
      'send_sms',
      'schedule_reminder',
      'initiate_call',
      'start_campaign',
      'trigger_automation',
    ]);
    const book = res.body.data[0];
    expect(book.params_schema.properties.duration_minutes.default).toBe(30);
    // One booking's title, or several under items: neither field is required on its own.
    expect(Object.keys(book.params_schema.properties)).toEqual(
      expect.arrayContaining(['title', 'items', 'calendar']),
    );
    expect(book).toMatchObject({
      undoable: true,
      undo: 'cancels the booked meeting, or every booked item',
    });
    expect(res.body.data.find((a: { type: string }) => a.type === 'send_email')).toMatchObject({
      undoable: false,
    });
  });

  it('is alive on /healthz, and reports on /readyz Postgres, Temporal and which Postgres it is', async () => {
    expect((await h.api('GET', '/healthz')).body).toEqual({ status: 'ok', draining: false });
    const res = await h.api('GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      database: 'ok',
      // The run's own server unless ERRAND_TEST_DATABASE_URL names one.
      database_kind: process.env.ERRAND_TEST_DATABASE_URL ? 'external' : 'embedded',
      temporal: 'ok',
    });
  });

  it('answers an unknown route with the error shape', async () => {
    const res = await h.api('GET', '/v1/nothing');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject(errorShape);
  });

  it('lists calendar events in a window and refuses a bad instant', async () => {
    const time = futureSlot(50, 14);
    const created = await h.api('POST', '/v1/plans', {
      intent: 'book',
      actions: [{ type: 'book_meeting', params: { title: 'Windowed', time, attendees: [] } }],
    });
    await h.client.workflow.getHandle(created.body.workflow_id).result();
    const from = new Date(Date.parse(`${time}Z`) - 60_000).toISOString();
    const res = await h.api('GET', `/v1/calendar/events?from=${from}&limit=5`);
    expect(res.body.data[0]).toMatchObject({
      title: 'Windowed',
      status: 'confirmed',
      plan_id: created.body.plan_id,
    });
    expect((await h.api('GET', '/v1/calendar/events?from=yesterday')).status).toBe(400);
  });
});
