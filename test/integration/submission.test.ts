import type { Server } from 'node:http';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/api/app';
import { startPlanWorkflow } from '../../src/api/start-plan-workflow';
import { createSubmissionReconciler } from '../../src/api/submission-reconciler';
import { createRulesPlanner } from '../../src/planner/rules-planner';
import { createPostgresCalendar } from '../../src/providers/postgres-calendar';
import type { PlanState, PlanWorkflowInput } from '../../src/workflows/definitions';
import { startApiProcess } from '../support/api-process';
import { freePort } from '../support/global-setup';
import {
  eventually,
  futureSlot,
  startHarness,
  type Harness,
  TEST_PEPPER,
} from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const demo = () => [
  {
    type: 'book_meeting',
    params: {
      title: 'Submitted once',
      time: futureSlot(300 + Math.floor(Math.random() * 300), 11),
      attendees: ['s@example.com'],
    },
  },
  { type: 'send_email', use_result_from: 0, params: {} },
];

async function counts(planId: string) {
  const n = async (table: 'calendar_events' | 'outbox') =>
    (await h.db.selectFrom(table).select('id').where('plan_id', '=', planId).execute()).length;
  return { bookings: await n('calendar_events'), emails: await n('outbox') };
}

const planRow = (id: string) =>
  h.db.selectFrom('action_plans').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const reconciler = (ageMs = 0) =>
  createSubmissionReconciler({
    db: h.db,
    temporal: h.client,
    taskQueue: h.taskQueue,
    startTimeoutMs: 5_000,
    logger: pino({ level: 'silent' }),
    ageMs,
    batchSize: 50,
  });

/** An API whose Temporal is a closed loopback port: every call to Temporal fails. */
async function apiWithTemporalDown(options: { retries: boolean }) {
  const connection = Connection.lazy({
    address: `127.0.0.1:${await freePort()}`,
    ...(options.retries ? {} : { interceptors: [] }),
  });
  const logged: string[] = [];
  const app = createApp({
    db: h.db,
    temporal: new Client({ connection }),
    calendar: createPostgresCalendar({ db: h.db, meetingLinkBase: 'https://x/' }),
    planner: createRulesPlanner(),
    taskQueue: h.taskQueue,
    logger: pino({ level: 'info' }, { write: (line: string) => void logged.push(line) }),
    keyPepper: TEST_PEPPER,
    bodyLimit: '64kb',
    webUiUrl: 'http://localhost:8233',
    startTimeoutMs: 1_000,
    databaseKind: inject('databaseKind'),
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  cleanups.push(async () => {
    await new Promise((r) => server.close(r));
    await connection.close();
  });
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { base, logged, temporalAddress: connection.options.address };
}

describe('crash-safe submission', () => {
  it('answers 202 submitting when Temporal is down, keeps the plan, and the reconciler runs it once', async () => {
    const down = await apiWithTemporalDown({ retries: true });
    const res = await fetch(`${down.base}/v1/plans`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await h.keyFor('admin')}`,
      },
      body: JSON.stringify({ intent: 'while Temporal is down', actions: demo() }),
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { plan_id: string; workflow_id: string; status: string };
    expect(body.status).toBe('submitting');
    const row = await planRow(body.plan_id);
    expect(row.status).toBe('submitting');
    expect((row.workflow_input as PlanWorkflowInput).plan_id).toBe(body.plan_id);
    expect((await h.api('GET', `/v1/plans/${body.plan_id}`)).body.status).toBe('submitting');
    // Nothing can be decided on a plan whose workflow may not exist yet.
    const cancel = await h.api('POST', `/v1/plans/${body.plan_id}/cancel`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.code).toBe('plan_starting');

    // Aged, so this reconciler leaves other files' fresh submissions alone.
    await h.db
      .updateTable('action_plans')
      .set({ updated_at: new Date(Date.now() - 60_000) })
      .where('id', '=', body.plan_id)
      .execute();
    const rec = reconciler(30_000);
    const first = await rec.reconcileOnce();
    expect(first.started).toBeGreaterThanOrEqual(1);
    const state = (await h.client.workflow.getHandle(body.workflow_id).result()) as PlanState;
    expect(state.status).toBe('completed');
    await eventually(async () =>
      (await planRow(body.plan_id)).status === 'completed' ? true : undefined,
    );
    const runId = (await h.client.workflow.getHandle(body.workflow_id).describe()).runId;
    await rec.reconcileOnce();
    expect((await h.client.workflow.getHandle(body.workflow_id).describe()).runId).toBe(runId);
    expect(await counts(body.plan_id)).toEqual({ bookings: 1, emails: 1 });
  });

  it('never starts a plan twice: a second start of a finished plan is refused', async () => {
    const res = await h.api('POST', '/v1/plans', { intent: 'only once', actions: demo() });
    expect(res.status).toBe(201);
    const handle = h.client.workflow.getHandle(res.body.workflow_id);
    await handle.result();
    const row = await planRow(res.body.plan_id);
    const runId = (await handle.describe()).runId;
    const again = await startPlanWorkflow(
      { temporal: h.client, taskQueue: h.taskQueue, startTimeoutMs: 5_000 },
      row.workflow_id,
      row.workflow_input as PlanWorkflowInput,
    );
    expect(again).toBe('already_started');
    expect((await handle.describe()).runId).toBe(runId);
    await new Promise((r) => setTimeout(r, 500));
    expect(await counts(res.body.plan_id)).toEqual({ bookings: 1, emails: 1 });
  });

  it('reconciles a plan whose start happened but was never recorded, without a second run', async () => {
    const idle = await startHarness({ worker: false, tenantId: h.tenant.id });
    cleanups.push(() => idle.close());
    const res = await idle.api('POST', '/v1/plans', { intent: 'lost answer', actions: demo() });
    expect(res.body.status).toBe('pending');
    const handle = h.client.workflow.getHandle(res.body.workflow_id);
    cleanups.push(async () => {
      await handle.terminate('test over').catch(() => undefined);
    });
    const runId = (await handle.describe()).runId;
    // As if the start's answer had been lost: the row still says submitting.
    await h.db
      .updateTable('action_plans')
      .set({ status: 'submitting', updated_at: new Date(Date.now() - 60_000) })
      .where('id', '=', res.body.plan_id)
      .execute();
    const result = await reconciler(30_000).reconcileOnce();
    expect(result.alreadyStarted).toBeGreaterThanOrEqual(1);
    expect((await planRow(res.body.plan_id)).status).toBe('pending');
    expect((await handle.describe()).runId).toBe(runId);
  });

  it('finishes, exactly once, a plan whose API was killed between the row and the workflow start', async () => {
    const env = {
      TEMPORAL_TASK_QUEUE: h.taskQueue,
      ERRAND_DEFAULT_TENANT: h.tenant.id,
      ERRAND_KEY_PEPPER: TEST_PEPPER,
    };
    const auth = `Bearer ${await h.keyFor('admin')}`;
    const doomed = await startApiProcess({
      ...env,
      ERRAND_TEST_CRASH_AFTER_PLAN_INSERT: 'true',
      ERRAND_RECONCILE_INTERVAL_MS: '3600000',
    });
    cleanups.push(() => void doomed.child.kill('SIGKILL'));
    const key = `crash-${Date.now()}`;
    const plan = { intent: 'crash after the insert', actions: demo() };
    const post = (base: string) =>
      fetch(`${base}/v1/plans`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': key,
          authorization: auth,
        },
        body: JSON.stringify(plan),
      });
    await expect(post(doomed.baseUrl)).rejects.toThrow();
    expect(await doomed.exited).toBe('SIGKILL');

    const row = await h.db
      .selectFrom('action_plans')
      .selectAll()
      .where('tenant_id', '=', h.tenant.id)
      .where('idempotency_key', '=', key)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('submitting');
    const handle = h.client.workflow.getHandle(row.workflow_id);
    await expect(handle.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

    const fresh = await startApiProcess({
      ...env,
      ERRAND_RECONCILE_INTERVAL_MS: '100',
      ERRAND_RECONCILE_AGE_MS: '2000',
    });
    cleanups.push(() => void fresh.child.kill('SIGTERM'));
    const state = (await eventually(() => handle.result().catch(() => undefined))) as PlanState;
    expect(state.status).toBe('completed');
    // The client's retry with the same key finds the same plan rather than making another.
    const retry = await post(fresh.baseUrl);
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as { plan_id: string }).plan_id).toBe(row.id);
    await eventually(async () =>
      (await planRow(row.id)).status === 'completed' ? true : undefined,
    );
    expect(await counts(row.id)).toEqual({ bookings: 1, emails: 1 });
  });
});

describe('what a client sees of a failure', () => {
  it('gets a 503 with a generic message and a request id, never Temporal’s address', async () => {
    const created = await h.api('POST', '/v1/plans', {
      intent: 'wait',
      require_approval: true,
      actions: [{ type: 'send_sms', params: { to: ['+14155550123'], message: 'hi' } }],
    });
    await eventually(async () =>
      (await planRow(created.body.plan_id)).status === 'awaiting_approval' ? true : undefined,
    );
    const down = await apiWithTemporalDown({ retries: false });
    const res = await fetch(`${down.base}/v1/plans/${created.body.plan_id}/cancel`, {
      method: 'POST',
      headers: {
        'x-request-id': 'client-req-42',
        authorization: `Bearer ${await h.keyFor('admin')}`,
      },
    });
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(res.headers.get('x-request-id')).toBe('client-req-42');
    expect(JSON.parse(text)).toEqual({
      error: {
        code: 'temporal_unavailable',
        message: 'the service is temporarily unavailable; retry later',
        details: [],
        request_id: 'client-req-42',
      },
    });
    expect(text).not.toContain(down.temporalAddress);
    expect(text).not.toMatch(/\d+\.\d+\.\d+\.\d+:\d+|ECONNREFUSED|UNAVAILABLE/);
    // The detail is in the log, under the same request id.
    const line = down.logged.find(
      (l) => l.includes('client-req-42') && l.includes('request failed'),
    );
    expect(line).toBeDefined();
    await h.client.workflow.getHandle(created.body.workflow_id).terminate('test over');
  });

  it('puts a request id on every response, keeping a sane incoming one and replacing any other', async () => {
    const generated = await h.api('GET', '/v1/plans');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await h.api('GET', '/v1/nothing', undefined, { 'x-request-id': 'abc-123' });
    expect(kept.headers.get('x-request-id')).toBe('abc-123');
    expect(kept.body.error.request_id).toBe('abc-123');
    const bad = await h.api('GET', '/v1/plans', undefined, { 'x-request-id': 'a b\tc' });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
