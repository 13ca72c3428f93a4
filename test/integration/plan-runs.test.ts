import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageRejectedError } from '../../src/activities/errors';
import { createSubmissionReconciler } from '../../src/api/submission-reconciler';
import { createApiKey } from '../../src/auth/api-keys-repository';
import type { MessageSender } from '../../src/providers/messages';
import { createOutboxSender } from '../../src/providers/outbox-sender';
import type { PlanState } from '../../src/workflows/definitions';
import { pino } from 'pino';
import {
  eventually,
  futureSlot,
  startHarness,
  TEST_PEPPER,
  type Harness,
} from '../support/harness';

// Fails the first send of each message to this address, as a provider that refused it once would.
const FLAKY = 'flaky@example.com';
const refusedOnce = new Set<string>();

let h: Harness;
let outbox: MessageSender;
beforeAll(async () => {
  h = await startHarness({
    deps: {
      messages: {
        async send(message) {
          if (message.recipients.includes(FLAKY) && !refusedOnce.has(message.idempotency_key)) {
            refusedOnce.add(message.idempotency_key);
            throw new MessageRejectedError(`the provider refused ${FLAKY} this once`);
          }
          return outbox.send(message);
        },
      },
    },
  });
  outbox = createOutboxSender(h.db);
});
afterAll(async () => {
  await h?.close();
});

let day = 50;
/** A booking, an email chained to it and an SMS: three steps, at a fresh slot each time. */
function threeSteps(attendee = 'guest@example.com') {
  day += 1;
  return {
    intent: 'book, confirm by email, text',
    actions: [
      {
        type: 'book_meeting',
        params: { title: `Runs ${day}`, time: futureSlot(day, 10), attendees: [attendee] },
      },
      { type: 'send_email', use_result_from: 0, params: {} },
      { type: 'send_sms', params: { to: ['+14155550123'], message: 'on its way' } },
    ],
  };
}

const plan = async (id: string) => (await h.api('GET', `/v1/plans/${id}`)).body;
const ended = (id: string) =>
  eventually(async () => {
    const p = await plan(id);
    return ['completed', 'failed', 'cancelled', 'expired', 'rejected'].includes(p.status)
      ? p
      : undefined;
  });
const rowsOf = async (planId: string) => ({
  meetings: await h.db
    .selectFrom('calendar_events')
    .selectAll()
    .where('tenant_id', '=', h.tenant.id)
    .where('idempotency_key', 'like', `%/plan/${planId}#%`)
    .execute(),
  messages: await h.db
    .selectFrom('outbox')
    .selectAll()
    .where('tenant_id', '=', h.tenant.id)
    .where('plan_id', '=', planId)
    .execute(),
});

describe('drafts', () => {
  it('stores a draft without a workflow, executes it once however often asked, and it completes', async () => {
    const made = await h.api('POST', '/v1/plans', { ...threeSteps(), execute: false });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.status).toBe('draft');
    await expect(h.client.workflow.getHandle(made.body.workflow_id).describe()).rejects.toThrow(
      /not found/i,
    );
    const draft = await plan(made.body.plan_id);
    expect(draft).toMatchObject({ status: 'draft', successful_steps: 0, attempt: 1 });
    expect(draft.steps).toHaveLength(3);

    const [a, b] = await Promise.all([
      h.api('POST', `/v1/plans/${made.body.plan_id}/execute`),
      h.api('POST', `/v1/plans/${made.body.plan_id}/execute`),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.workflow_id).toBe(made.body.workflow_id);
    const state = (await h.client.workflow.getHandle(made.body.workflow_id).result()) as PlanState;
    expect(state.status).toBe('completed');
    const again = await h.api('POST', `/v1/plans/${made.body.plan_id}/execute`);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('completed');

    const done = await ended(made.body.plan_id);
    expect(done).toMatchObject({ successful_steps: 3, failed_steps: 0, skipped_steps: 0 });
    expect(done.events.filter((e: { kind: string }) => e.kind === 'plan_executed')).toHaveLength(1);
    expect(done.events.filter((e: { kind: string }) => e.kind === 'plan_started')).toHaveLength(1);
    const rows = await rowsOf(made.body.plan_id);
    expect(rows.meetings).toHaveLength(1);
    expect(rows.messages).toHaveLength(2);
  });

  it('cancels a draft at once; a cancelled draft is neither executed nor retried', async () => {
    const made = await h.api('POST', '/v1/plans', { ...threeSteps(), execute: false });
    const cancel = await h.api('POST', `/v1/plans/${made.body.plan_id}/cancel`);
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe('cancelled');
    expect((await plan(made.body.plan_id)).status).toBe('cancelled');
    const execute = await h.api('POST', `/v1/plans/${made.body.plan_id}/execute`);
    expect(execute.status).toBe(409);
    expect(execute.body.error.code).toBe('plan_cancelled');
    const retry = await h.api('POST', `/v1/plans/${made.body.plan_id}/retry`, {});
    expect(retry.status).toBe(409);
    expect(retry.body.error.code).toBe('plan_never_ran');
    await expect(h.client.workflow.getHandle(made.body.workflow_id).describe()).rejects.toThrow(
      /not found/i,
    );
  });

  it('is never started by the reconciler', async () => {
    const made = await h.api('POST', '/v1/plans', { ...threeSteps(), execute: false });
    await h.db
      .updateTable('action_plans')
      .set({ updated_at: new Date(Date.now() - 3_600_000) })
      .where('id', '=', made.body.plan_id)
      .execute();
    const reconciler = createSubmissionReconciler({
      db: h.db,
      logger: pino({ level: 'silent' }),
      temporal: h.client,
      taskQueue: h.taskQueue,
      startTimeoutMs: 5_000,
      ageMs: 0,
      batchSize: 500,
    });
    await reconciler.reconcileOnce();
    expect((await plan(made.body.plan_id)).status).toBe('draft');
    await expect(h.client.workflow.getHandle(made.body.workflow_id).describe()).rejects.toThrow(
      /not found/i,
    );
  });

  it('checks the policy again when it is executed: a draft the policy now refuses stays a draft', async () => {
    const tenant = await h.newTenant();
    const as = { 'x-errand-tenant': tenant.id };
    const made = await h.api('POST', '/v1/plans', { ...threeSteps(), execute: false }, as);
    expect(made.status).toBe(201);
    const put = await h.api(
      'PUT',
      '/v1/settings',
      { policy: { enabled_actions: ['book_meeting', 'send_email'] } },
      as,
    );
    expect(put.status).toBe(200);
    const refused = await h.api('POST', `/v1/plans/${made.body.plan_id}/execute`, undefined, as);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('action_not_enabled');
    expect(refused.body.error.details[0].path).toBe('actions[2].type');
    expect((await h.api('GET', `/v1/plans/${made.body.plan_id}`, undefined, as)).body.status).toBe(
      'draft',
    );
  });

  it('refuses an execute flag that is not a boolean, naming it', async () => {
    const res = await h.api('POST', '/v1/plans', { ...threeSteps(), execute: 'no' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'execute', message: 'must be true or false' }]);
  });
});

describe('validate', () => {
  const footprint = async () => {
    const counts = [];
    for (const table of ['action_plans', 'plan_events', 'decisions', 'action_ledger'] as const) {
      const row = await h.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('tenant_id', '=', h.tenant.id)
        .executeTakeFirstOrThrow();
      counts.push(`${table}=${row.n}`);
    }
    return counts.join(' ');
  };

  it('answers the canonical plan and writes nothing', async () => {
    const before = await footprint();
    const res = await h.api('POST', '/v1/plans/validate', threeSteps());
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(true);
    expect(res.body.plan).toMatchObject({ on_failure: 'stop', require_approval: false });
    expect(res.body.plan.actions[1]).toMatchObject({
      type: 'send_email',
      use_result_from: 0,
      condition: 'always',
    });
    expect(await footprint()).toBe(before);
  });

  it.each([
    ['an unknown action type', { intent: 'x', actions: [{ type: 'rm_rf', params: {} }] }],
    ['a missing intent', { actions: [] }],
    [
      'a chain to a later step',
      {
        intent: 'x',
        actions: [{ type: 'send_email', use_result_from: 1, params: {} }, threeSteps().actions[0]],
      },
    ],
  ])('refuses %s as POST /v1/plans does, writing nothing', async (_name, body) => {
    const before = await footprint();
    const validated = await h.api('POST', '/v1/plans/validate', body);
    const submitted = await h.api('POST', '/v1/plans', body);
    expect(validated.status).toBe(400);
    expect(validated.status).toBe(submitted.status);
    expect({ ...validated.body.error, request_id: 0 }).toEqual({
      ...submitted.body.error,
      request_id: 0,
    });
    expect(await footprint()).toBe(before);
  });
});

describe('retry', () => {
  it('reruns a plan whose email failed once: the booking is made once and the email carries it', async () => {
    const made = await h.api('POST', '/v1/plans', threeSteps(FLAKY));
    expect(made.status).toBe(201);
    const failed = await ended(made.body.plan_id);
    expect(failed.status).toBe('failed');
    expect(failed).toMatchObject({ successful_steps: 1, failed_steps: 1, skipped_steps: 1 });
    expect(failed.steps.map((s: { status: string }) => s.status)).toEqual([
      'succeeded',
      'failed',
      'skipped',
    ]);
    const booked = failed.steps[0].output;

    const retry = await h.api('POST', `/v1/plans/${made.body.plan_id}/retry`, {});
    expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    expect(retry.body).toMatchObject({ attempt: 2, status: 'pending' });
    expect(retry.body.workflow_id).toBe(`${made.body.workflow_id}/attempt/2`);
    const state = (await h.client.workflow.getHandle(retry.body.workflow_id).result()) as PlanState;
    expect(state.status).toBe('completed');

    const done = await ended(made.body.plan_id);
    expect(done).toMatchObject({
      status: 'completed',
      attempt: 2,
      successful_steps: 3,
      failed_steps: 0,
      skipped_steps: 0,
    });
    expect(done.steps[0].output).toEqual(booked);
    const rows = await rowsOf(made.body.plan_id);
    expect(rows.meetings).toHaveLength(1);
    expect(rows.meetings[0].id).toBe(booked.meeting_id);
    const email = rows.messages.find((m) => m.channel === 'email')!;
    expect(email.recipients).toEqual([FLAKY]);
    expect(email.idempotency_key).toBe(`${made.body.workflow_id}#1`);
    expect(`${email.subject} ${email.body}`).toContain(booked.title);
    expect(email.body).toContain(booked.join_link);

    const kinds = (attempt: number) =>
      done.events
        .filter((e: { attempt: number }) => e.attempt === attempt)
        .map((e: { kind: string }) => e.kind);
    expect(kinds(1)).toContain('plan_failed');
    expect(kinds(2)).toEqual(
      expect.arrayContaining(['plan_retried', 'plan_started', 'step_succeeded', 'plan_completed']),
    );
    // Step 0 ran in attempt 1 only.
    expect(
      done.events.filter(
        (e: { kind: string; step_index: number }) =>
          e.kind === 'step_started' && e.step_index === 0,
      ),
    ).toHaveLength(1);
  });

  it('reruns from step 0 when asked, doing nothing twice, and refuses a start past the first failure', async () => {
    const made = await h.api('POST', '/v1/plans', threeSteps(FLAKY));
    const failed = await ended(made.body.plan_id);
    expect(failed.status).toBe('failed');
    const past = await h.api('POST', `/v1/plans/${made.body.plan_id}/retry`, { from_step: 2 });
    expect(past.status).toBe(400);
    expect(past.body.error.details[0].path).toBe('from_step');
    const negative = await h.api('POST', `/v1/plans/${made.body.plan_id}/retry`, { from_step: -1 });
    expect(negative.status).toBe(400);
    expect(negative.body.error.details[0].path).toBe('from_step');

    const retry = await h.api('POST', `/v1/plans/${made.body.plan_id}/retry`, { from_step: 0 });
    expect(retry.status).toBe(200);
    await h.client.workflow.getHandle(retry.body.workflow_id).result();
    const done = await ended(made.body.plan_id);
    expect(done.status).toBe('completed');
    expect(done.steps[0].output).toEqual(failed.steps[0].output);
    const rows = await rowsOf(made.body.plan_id);
    expect(rows.meetings).toHaveLength(1);
    expect(rows.messages).toHaveLength(2);
    expect(
      done.events.filter(
        (e: { kind: string; step_index: number }) =>
          e.kind === 'step_started' && e.step_index === 0,
      ),
    ).toHaveLength(2);
  });

  it('refuses a completed plan, one that has not ended and a draft, naming the status', async () => {
    const completed = await h.api('POST', '/v1/plans', threeSteps());
    await h.client.workflow.getHandle(completed.body.workflow_id).result();
    const waiting = await h.api('POST', '/v1/plans', { ...threeSteps(), require_approval: true });
    await eventually(async () =>
      (await plan(waiting.body.plan_id)).status === 'awaiting_approval' ? true : undefined,
    );
    const draft = await h.api('POST', '/v1/plans', { ...threeSteps(), execute: false });
    for (const [id, status] of [
      [completed.body.plan_id, 'completed'],
      [waiting.body.plan_id, 'awaiting_approval'],
      [draft.body.plan_id, 'draft'],
    ]) {
      const res = await h.api('POST', `/v1/plans/${id}/retry`, {});
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('plan_not_retryable');
      expect(res.body.error.message).toContain(status);
    }
    await h.api('POST', `/v1/plans/${waiting.body.plan_id}/cancel`);
  });

  it('retries a cancelled plan: it waits for its approval again', async () => {
    const made = await h.api('POST', '/v1/plans', { ...threeSteps(), require_approval: true });
    await eventually(async () =>
      (await plan(made.body.plan_id)).status === 'awaiting_approval' ? true : undefined,
    );
    await h.api('POST', `/v1/plans/${made.body.plan_id}/cancel`);
    expect((await ended(made.body.plan_id)).status).toBe('cancelled');
    const retry = await h.api('POST', `/v1/plans/${made.body.plan_id}/retry`, {});
    expect(retry.status).toBe(200);
    await eventually(async () =>
      (await plan(made.body.plan_id)).status === 'awaiting_approval' ? true : undefined,
    );
    const approver = await createApiKey(h.db, TEST_PEPPER, {
      tenant: h.tenant.id,
      role: 'approver',
      user: 'another',
    });
    const approved = await h.raw(
      'POST',
      `/v1/plans/${made.body.plan_id}/approve`,
      {},
      {
        authorization: `Bearer ${approver.key}`,
      },
    );
    expect(approved.status).toBe(200);
    await h.client.workflow.getHandle(retry.body.workflow_id).result();
    expect((await ended(made.body.plan_id)).status).toBe('completed');
  });
});

describe('who may execute and retry', () => {
  it('refuses a viewer, and hides another submitter’s plan when submitters see only their own', async () => {
    const draft = await h.api('POST', '/v1/plans', { ...threeSteps(), execute: false });
    for (const path of ['execute', 'retry']) {
      const res = await h.apiAs('viewer', 'POST', `/v1/plans/${draft.body.plan_id}/${path}`, {});
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    const validate = await h.apiAs('viewer', 'POST', '/v1/plans/validate', threeSteps());
    expect(validate.status).toBe(403);

    const tenant = await h.newTenant();
    const as = { 'x-errand-tenant': tenant.id };
    await h.api('PUT', '/v1/settings', { submitters_see_only_their_own: true }, as);
    const key = async (user: string) =>
      (await createApiKey(h.db, TEST_PEPPER, { tenant: tenant.id, role: 'submitter', user })).key;
    const [ana, bob] = [await key('ana'), await key('bob')];
    const mine = await h.raw(
      'POST',
      '/v1/plans',
      { ...threeSteps(), execute: false },
      { authorization: `Bearer ${ana}` },
    );
    expect(mine.status).toBe(201);
    for (const path of ['execute', 'retry']) {
      const res = await h.raw(
        'POST',
        `/v1/plans/${mine.body.plan_id}/${path}`,
        {},
        {
          authorization: `Bearer ${bob}`,
        },
      );
      expect(res.status).toBe(404);
    }
    const own = await h.raw('POST', `/v1/plans/${mine.body.plan_id}/execute`, undefined, {
      authorization: `Bearer ${ana}`,
    });
    expect(own.status).toBe(200);
    await h.client.workflow.getHandle(own.body.workflow_id).result();
  });
});
