import { randomUUID } from 'node:crypto';
import { ScheduleNotFoundError } from '@temporalio/client';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { pino } from 'pino';
import { HttpError } from '../../src/api/http-error';
import { createPlanService } from '../../src/api/plan-service';
import { createRulesPlanner } from '../../src/planner/rules-planner';
import { scheduleBody } from '../../src/schedules/schedule-request';
import { createScheduleService } from '../../src/schedules/schedule-service';
import { ERRAND_TENANT } from '../../src/temporal/search-attributes';
import { findTenant } from '../../src/tenants/tenants-repository';
import { ensureTenant } from '../../src/tenants/tenants-repository';
import { eventually, startHarness, type Harness } from '../support/harness';

let h: Harness;
let as: Record<string, string>;
beforeAll(async () => {
  h = await startHarness();
  as = { 'x-errand-tenant': (await h.newTenant()).id };
});
afterAll(async () => {
  await h?.close();
});

const smsPlan = (message: string) => ({
  intent: 'tell the on-call phone the weekly report is due',
  actions: [{ type: 'send_sms', params: { to: ['+14155550123'], message } }],
});
const create = (body: Record<string, unknown>, headers = as) =>
  h.api('POST', '/v1/schedules', body, headers);
const show = (id: string, headers = as) => h.api('GET', `/v1/schedules/${id}`, undefined, headers);
const temporalId = (tenant: string, id: string) => `${tenant}/schedule/${id}`;

/** Triggers a schedule and waits for the plan its run made; returns the plan once it has ended. */
async function triggerAndAwaitPlan(id: string, headers = as, runsBefore = 0) {
  expect((await h.api('POST', `/v1/schedules/${id}/trigger`, undefined, headers)).status).toBe(202);
  const run = await eventually(async () => {
    const runs = (await show(id, headers)).body.recent_runs;
    return runs.length > runsBefore ? runs[0] : undefined;
  });
  expect(run).toMatchObject({ outcome: 'submitted', error: null });
  return eventually(async () => {
    const plan = (await h.api('GET', `/v1/plans/${run.plan_id}`, undefined, headers)).body;
    return ['completed', 'failed'].includes(plan.status) ? plan : undefined;
  });
}

describe('a schedule of a plan', () => {
  it('is a Temporal Schedule whose triggered run is an ordinary plan, run to completion', async () => {
    const tenant = as['x-errand-tenant']!;
    const res = await create({
      plan: smsPlan('the weekly report is due'),
      schedule: 'every Monday at 9am',
      timezone: 'Europe/Berlin',
    });
    expect(res.status).toBe(201);
    const id = res.body.schedule_id;
    expect(res.body.links.web_ui).toContain(encodeURIComponent(temporalId(tenant, id)));

    const described = await h.client.schedule.getHandle(temporalId(tenant, id)).describe();
    expect(described.spec.timezone).toBe('Europe/Berlin');
    expect(described.policies.overlap).toBe('SKIP');
    expect(described.typedSearchAttributes.get(ERRAND_TENANT)).toBe(tenant);
    expect(described.action).toMatchObject({ workflowType: 'scheduledPlanWorkflow' });
    // Every next run is a Monday at 09:00 in Berlin.
    for (const at of (await show(id)).body.next_run_times) {
      const local = DateTime.fromISO(at, { zone: 'Europe/Berlin' });
      expect([local.weekday, local.hour, local.minute]).toEqual([1, 9, 0]);
    }

    const plan = await triggerAndAwaitPlan(id);
    expect(plan).toMatchObject({ status: 'completed', source: 'schedule' });
    expect(plan.workflow_id).toBe(`${tenant}/plan/${plan.id}`);
    const listed = (await h.api('GET', '/v1/plans', undefined, as)).body.data;
    expect(listed.map((p: { id: string }) => p.id)).toContain(plan.id);
    const outbox = await h.api('GET', `/v1/outbox?plan_id=${plan.id}`, undefined, as);
    expect(outbox.body.data).toEqual([
      expect.objectContaining({ channel: 'sms', recipients: ['+14155550123'] }),
    ]);

    // A second trigger is a second run and a second plan, never the first one again. Temporal
    // names a run by its time to the second, so triggers within one second are one run.
    await new Promise((r) => setTimeout(r, 1_000 - (Date.now() % 1_000) + 50));
    const second = await triggerAndAwaitPlan(id, as, 1);
    expect(second.id).not.toBe(plan.id);
    const { recent_runs, runs_started } = (await show(id)).body;
    expect(recent_runs).toHaveLength(2);
    expect(runs_started).toBe(2);
    for (const run of recent_runs as { workflow_id: string; links: { web_ui: string } }[]) {
      expect(run.links.web_ui).toMatch(
        new RegExp(`/workflows/${encodeURIComponent(run.workflow_id)}$`),
      );
    }
  });

  it('keeps the wall-clock time across a daylight-saving change (Europe/Berlin, late March)', async () => {
    const res = await create({
      plan: smsPlan('good morning'),
      schedule: 'every day at 9am',
      timezone: 'Europe/Berlin',
      start_at: '2090-03-23T12:00:00Z',
    });
    expect(res.status).toBe(201);
    const times: string[] = (await show(res.body.schedule_id)).body.next_run_times;
    // Summer time starts on Sunday 2090-03-26: 09:00 is 08:00 UTC before it and 07:00 after.
    expect(times.slice(0, 5)).toEqual([
      '2090-03-24T08:00:00.000Z',
      '2090-03-25T08:00:00.000Z',
      '2090-03-26T07:00:00.000Z',
      '2090-03-27T07:00:00.000Z',
      '2090-03-28T07:00:00.000Z',
    ]);
  });

  it('refuses a plan POST /v1/plans would refuse, and a schedule it cannot read, naming the field', async () => {
    const badPlan = await create({
      plan: { intent: 'x', actions: [{ type: 'order_pizza', params: {} }] },
      schedule: 'every day at 9am',
    });
    expect(badPlan.status).toBe(400);
    expect(badPlan.body.error.details[0].path).toMatch(/^actions\[0\]/);

    for (const [schedule, why] of [
      ['every minute', /more often than every 5 minutes/],
      ['whenever you like', /neither a cron expression nor words/],
      ['61 9 * * *', /not a valid cron expression/],
    ] as const) {
      const res = await create({ plan: smsPlan('x'), schedule });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([
        { path: 'schedule', message: expect.stringMatching(why) },
      ]);
    }
    const both = await create({
      plan: smsPlan('x'),
      intent: 'text +14155550123 hi',
      schedule: 'every hour',
    });
    expect(both.status).toBe(400);
    expect(both.body.error.details[0].path).toBe('plan');
    const zone = await create({
      plan: smsPlan('x'),
      schedule: 'every hour',
      timezone: 'Mars/Base',
    });
    expect(zone.body.error.details[0].path).toBe('timezone');
    const { n } = await h.db
      .selectFrom('schedules')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', as['x-errand-tenant']!)
      .where('schedule', 'in', ['every minute', 'whenever you like', '61 9 * * *', 'every hour'])
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(0);
  });
});

describe('a run the tenant no longer allows', () => {
  it('makes no plan and shows why in recent_runs', async () => {
    const headers = { 'x-errand-tenant': (await h.newTenant()).id };
    const id = (await create({ plan: smsPlan('hi'), schedule: 'every hour' }, headers)).body
      .schedule_id;
    const policy = { policy: { enabled_actions: ['send_email'] } };
    expect((await h.api('PUT', '/v1/settings', policy, headers)).status).toBe(200);
    await h.api('POST', `/v1/schedules/${id}/trigger`, undefined, headers);
    const run = await eventually(async () => (await show(id, headers)).body.recent_runs[0]);
    expect(run).toMatchObject({ plan_id: null, outcome: 'refused' });
    expect(run.error.message).toContain('does not enable "send_sms"');
    const outcome = await h.client.workflow.getHandle(run.workflow_id).result();
    expect(outcome).toMatchObject({ plan_id: null, status: 'refused' });
    expect((await h.api('GET', '/v1/plans', undefined, headers)).body.data).toEqual([]);
  });
});

describe('a schedule of an intent', () => {
  it('plans the intent at each run, and its run lasts until the plan ends (through approval)', async () => {
    const tenant = await ensureTenant(h.db, {
      id: `t-${randomUUID().slice(0, 8)}`,
      settings: { planner: { auto_execute_threshold: 0.99 } },
    });
    const headers = { 'x-errand-tenant': tenant.id };
    const res = await create(
      { intent: 'text +14155550123 that the standup starts', schedule: 'every weekday at 8:30' },
      headers,
    );
    expect(res.status).toBe(201);
    const id = res.body.schedule_id;
    await h.api('POST', `/v1/schedules/${id}/trigger`, undefined, headers);
    const run = await eventually(async () => (await show(id, headers)).body.recent_runs[0]);
    const plan = await eventually(async () => {
      const p = (await h.api('GET', `/v1/plans/${run.plan_id}`, undefined, headers)).body;
      return p.status === 'awaiting_approval' ? p : undefined;
    });
    expect(plan.actions[0].type).toBe('send_sms');
    const runHandle = h.client.workflow.getHandle(run.workflow_id);
    expect((await runHandle.describe()).status.name).toBe('RUNNING');
    expect((await h.api('POST', `/v1/plans/${run.plan_id}/approve`, {}, headers)).status).toBe(200);
    expect(await runHandle.result()).toEqual({ plan_id: run.plan_id, status: 'completed' });
  });

  it("refuses, with the planner's 422, an intent it cannot plan", async () => {
    const res = await create({ intent: 'order a pizza', schedule: 'every Friday at 7pm' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('cannot_plan');
    expect(res.body.error.details[0].path).toBe('intent');
  });
});

describe('managing schedules', () => {
  it('pauses, resumes, lists and deletes, and keeps the plans its runs made', async () => {
    const tenant = as['x-errand-tenant']!;
    const id = (await create({ plan: smsPlan('paused?'), schedule: '0 12 * * *' })).body
      .schedule_id;
    const handle = h.client.schedule.getHandle(temporalId(tenant, id));
    expect((await h.api('POST', `/v1/schedules/${id}/pause`, undefined, as)).body.status).toBe(
      'paused',
    );
    expect((await handle.describe()).state.paused).toBe(true);
    expect((await show(id)).body.status).toBe('paused');
    expect((await h.api('POST', `/v1/schedules/${id}/resume`, undefined, as)).status).toBe(200);
    expect((await handle.describe()).state.paused).toBe(false);
    const list = (await h.api('GET', '/v1/schedules', undefined, as)).body.data;
    expect(list.map((s: { schedule_id: string }) => s.schedule_id)).toContain(id);

    const plan = await triggerAndAwaitPlan(id);
    expect((await h.api('DELETE', `/v1/schedules/${id}`, undefined, as)).status).toBe(204);
    await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect((await show(id)).status).toBe(404);
    expect((await h.api('GET', `/v1/plans/${plan.id}`, undefined, as)).status).toBe(200);
  });

  it('answers a create repeated with the same Idempotency-Key with the same schedule', async () => {
    const key = { ...as, 'idempotency-key': `k-${randomUUID()}` };
    const body = { plan: smsPlan('once'), schedule: 'every day at 7am' };
    const first = await create(body, key);
    const again = await create(body, key);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.schedule_id).toBe(first.body.schedule_id);
    const other = await create({ ...body, schedule: 'every day at 8am' }, key);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
  });

  it("is another tenant's 404, and needs a submitter to change", async () => {
    // In the harness's own tenant, where its viewer key belongs.
    const id = (await create({ plan: smsPlan('mine'), schedule: 'every hour' }, {})).body
      .schedule_id;
    const stranger = { 'x-errand-tenant': (await h.newTenant()).id };
    expect((await show(id, stranger)).status).toBe(404);
    for (const action of ['pause', 'resume', 'trigger']) {
      const res = await h.api('POST', `/v1/schedules/${id}/${action}`, undefined, stranger);
      expect(res.status).toBe(404);
    }
    expect((await h.api('DELETE', `/v1/schedules/${id}`, undefined, stranger)).status).toBe(404);
    expect((await h.api('GET', '/v1/schedules', undefined, stranger)).body.data).toEqual([]);
    expect((await show('not-a-uuid', {})).status).toBe(404);

    const viewer = await h.apiAs('viewer', 'POST', `/v1/schedules/${id}/pause`);
    expect(viewer.status).toBe(403);
    expect((await h.apiAs('viewer', 'GET', `/v1/schedules/${id}`)).status).toBe(200);
  });
});

describe('creating a schedule when Temporal is down', () => {
  it('answers 503 and leaves no row behind', async () => {
    const unreachable = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 14,
      details: 'unavailable',
      metadata: {},
    });
    // Everything real but the Temporal Schedule create, which fails as an unreachable server does.
    const temporal = {
      schedule: { create: () => Promise.reject(unreachable) },
    } as unknown as Client;
    const plans = createPlanService({
      db: h.db,
      temporal,
      taskQueue: h.taskQueue,
      startTimeoutMs: 1_000,
      logger: pino({ level: 'silent' }),
    });
    const service = createScheduleService({
      db: h.db,
      temporal,
      taskQueue: h.taskQueue,
      plans,
      planner: createRulesPlanner(),
      now: () => new Date(),
    });
    const tenant = (await findTenant(h.db, as['x-errand-tenant']!))!;
    const schedule = 'every day at 4:17';
    const body = scheduleBody.parse({ plan: smsPlan('down'), schedule });
    const failed = await service
      .create(tenant, body, {
        submitter: { submitted_by_kind: 'key', submitted_by_key: null, submitted_by_user: null },
      })
      .catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(HttpError);
    expect(failed).toMatchObject({ status: 503, code: 'temporal_unavailable' });
    const rows = await h.db
      .selectFrom('schedules')
      .select('id')
      .where('tenant_id', '=', tenant.id)
      .where('schedule', '=', schedule)
      .execute();
    expect(rows).toEqual([]);
  });
});
