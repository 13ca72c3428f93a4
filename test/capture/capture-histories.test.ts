/**
 * Captures a history of every workflow shape Errand ships into
 * test/fixtures/histories/, for test/integration/replay.test.ts to replay.
 * Run `npm run capture-histories` after a change to workflow code has shipped
 * behind patched(), with the new shapes added here under new names: saved
 * files are never overwritten, edited or deleted.
 */
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import type { Activities } from '../../src/activities';
import { movePendingReminder } from '../../src/db/reminders-repository';
import { cancelReminder, rescheduleReminder } from '../../src/workflows/definitions';
import { MOVES_PER_RUN } from '../../src/workflows/reminder-workflow';
import {
  conversationEvent,
  getConversationContext,
  webhookDeliveryWorkflowId,
} from '../../src/workflows/definitions';
import { startWebhookReceiver } from '../support/webhook-receiver';
import {
  TEST_PUBLIC_URL,
  eventually,
  futureSlot,
  startHarness,
  type Harness,
} from '../support/harness';

const dir = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const sms = { type: 'send_sms', params: { to: ['+14155550123'], message: 'hello' } };
const book = (day: number, hour: number, title = 'Captured') => ({
  type: 'book_meeting',
  params: { title, time: futureSlot(day, hour), attendees: ['c@example.com'] },
});

/**
 * Saves a finished run's history in the JSON form the Temporal CLI and Web UI
 * export. A shape already saved is kept as it was: it is what older code did.
 */
async function save(
  name: string,
  handle: WorkflowHandle,
  runId?: string,
  { running = false }: { running?: boolean } = {},
) {
  // A conversation runs for weeks: its history so far is its shape.
  if (!running) await handle.result().catch(() => undefined);
  if (existsSync(`${dir}${name}.json`)) return;
  const { stdout } = await promisify(execFile)(
    inject('temporalCli'),
    [
      'workflow',
      'show',
      '--address',
      inject('temporalAddress'),
      '--workflow-id',
      handle.workflowId,
      ...(runId ? ['--run-id', runId] : []),
      '--output',
      'json',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  writeFileSync(`${dir}${name}.json`, stdout);
}

async function submit(body: Record<string, unknown>) {
  const res = await h.api('POST', '/v1/plans', { intent: 'capture', ...body });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return {
    id: res.body.plan_id as string,
    handle: h.client.workflow.getHandle(res.body.workflow_id),
  };
}

async function awaiting(id: string) {
  await eventually(async () =>
    (await h.api('GET', `/v1/plans/${id}`)).body.status === 'awaiting_approval' ? true : undefined,
  );
}

describe('capture workflow histories', () => {
  it('plan shapes', async () => {
    const plain = await submit({
      actions: [
        book(300, 10),
        { type: 'send_email', use_result_from: 0, params: {} },
        { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-1d' } },
      ],
    });
    await save('plan-plain-with-reminder', plain.handle);

    const conditions = await submit({
      on_failure: 'continue',
      actions: [
        { type: 'cancel_meeting', params: { meeting_id: '00000000-0000-4000-8000-000000000000' } },
        { ...sms, condition: 'if_previous_success' },
        { ...sms, condition: 'if_previous_failed' },
      ],
    });
    await save('plan-failed-with-conditions', conditions.handle);

    const approved = await submit({ require_approval: true, actions: [sms] });
    await awaiting(approved.id);
    await h.api('POST', `/v1/plans/${approved.id}/approve`, { reason: 'ok' });
    await save('plan-approved', approved.handle);

    const rejected = await submit({ require_approval: true, actions: [sms] });
    await awaiting(rejected.id);
    await h.api('POST', `/v1/plans/${rejected.id}/reject`, { reason: 'no' });
    await save('plan-rejected', rejected.handle);

    const expired = await submit({
      require_approval: true,
      approval_timeout: '1s',
      actions: [sms],
    });
    await save('plan-expired', expired.handle);

    const stepApproval = await submit({ actions: [sms, { ...sms, approval: 'required' }] });
    await awaiting(stepApproval.id);
    await h.api('POST', `/v1/plans/${stepApproval.id}/approve`, {});
    await save('plan-step-approved', stepApproval.handle);

    const taken = futureSlot(301, 9);
    await save(
      'plan-single-booking',
      (
        await submit({
          actions: [
            { type: 'book_meeting', params: { title: 'Taken', time: taken, attendees: [] } },
          ],
        })
      ).handle,
    );
    const compensated = await submit({
      on_failure: 'compensate',
      actions: [
        book(301, 14),
        { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-1h' } },
        { type: 'book_meeting', params: { title: 'Clash', time: taken, attendees: [] } },
      ],
    });
    await save('plan-compensated', compensated.handle);

    const cancelled = await submit({
      on_failure: 'compensate',
      actions: [book(302, 10), { ...sms, approval: 'required' }],
    });
    await awaiting(cancelled.id);
    await h.api('POST', `/v1/plans/${cancelled.id}/cancel`);
    await save('plan-cancelled-compensated', cancelled.handle);

    // A retry: its booking failed on a taken slot; once the slot is free, attempt 2 runs from it.
    const slot = futureSlot(304, 9);
    const blocker = await submit({
      actions: [{ type: 'book_meeting', params: { title: 'Blocker', time: slot, attendees: [] } }],
    });
    await blocker.handle.result();
    const blocked = await submit({
      actions: [
        sms,
        { type: 'book_meeting', params: { title: 'Blocked', time: slot, attendees: [] } },
        { type: 'send_email', use_result_from: 1, params: { to: ['c@example.com'] } },
      ],
    });
    await blocked.handle.result();
    const blockerPlan = (await h.api('GET', `/v1/plans/${blocker.id}`)).body;
    await h.api('DELETE', `/v1/calendar/events/${blockerPlan.steps[0].output.meeting_id}`);
    const retried = await h.api('POST', `/v1/plans/${blocked.id}/retry`, {});
    if (retried.status !== 200) throw new Error(JSON.stringify(retried.body));
    const attempt2 = h.client.workflow.getHandle(retried.body.workflow_id);
    if (((await attempt2.result()) as { status: string }).status !== 'completed') {
      throw new Error('the retried plan did not complete');
    }
    await save('plan-retried-from-failed-step', attempt2);
  });

  it('reminder shapes', async () => {
    const start = new Date(Date.now() + 60_000);
    start.setMilliseconds(0);
    const fired = await submit({
      actions: [
        {
          type: 'book_meeting',
          params: { title: 'Soon', time: start.toISOString(), attendees: [] },
        },
        { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-58s' } },
      ],
    });
    const firedState = (await fired.handle.result()) as {
      steps: { output: { workflow_id: string } }[];
    };
    await save(
      'reminder-fired',
      h.client.workflow.getHandle(firedState.steps[1].output.workflow_id),
    );

    const moved = await submit({
      actions: [
        book(303, 10),
        { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-1h' } },
      ],
    });
    const movedState = (await moved.handle.result()) as {
      steps: { output: { workflow_id: string } }[];
    };
    const reminder = h.client.workflow.getHandle(movedState.steps[1].output.workflow_id);
    await reminder.signal(rescheduleReminder, {
      fire_at: new Date(Date.now() + 3600_000).toISOString(),
    });
    await reminder.signal(cancelReminder);
    await save('reminder-moved-then-cancelled', reminder);
  });
});

/** A step output that no cleaning makes storable: its audit write is refused (22007). */
function poisonedAudit(activities: Activities): Activities {
  return {
    ...activities,
    send_sms: async (input) => {
      const output = await activities.send_sms(input);
      return input.params.message === 'poison-audit' ? { ...output, poison: true } : output;
    },
    record_plan_state: async (input) =>
      activities.record_plan_state(
        input.state.steps.some((s) => s.output?.poison)
          ? { ...input, state: { ...input.state, started_at: 'not a time' } }
          : input,
      ),
  };
}

describe('capture the shapes of the hardening work', () => {
  it('a plan ended failed because Postgres refused its audit write', async () => {
    const poisoned = await startHarness({ wrapActivities: poisonedAudit });
    try {
      const res = await poisoned.api('POST', '/v1/plans', {
        intent: 'capture',
        actions: [{ ...sms, params: { ...sms.params, message: 'poison-audit' } }, sms],
      });
      if (res.status !== 201) throw new Error(JSON.stringify(res.body));
      await save(
        'plan-failed-audit-refused',
        poisoned.client.workflow.getHandle(res.body.workflow_id),
      );
    } finally {
      await poisoned.close();
    }
  });

  it('reminders that found their row moved, and one moved many times', async () => {
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const reminder = async (ms: number) => {
      const { handle } = await submit({
        actions: [{ type: 'schedule_reminder', params: { at: at(ms), message: 'capture' } }],
      });
      const state = (await handle.result()) as {
        steps: { output: { workflow_id: string; reminder_id: string } }[];
      };
      const { workflow_id, reminder_id } = state.steps[0].output;
      return { id: reminder_id, handle: h.client.workflow.getHandle(workflow_id) };
    };

    const lost = await reminder(2_000);
    await movePendingReminder(h.db, h.tenant.id, lost.id, new Date(Date.now() + 5_000));
    await save('reminder-row-moved-waited-again', lost.handle);

    const busy = await reminder(3600_000);
    const firstRun = (await busy.handle.describe()).runId;
    const last = new Date(Date.now() + 4_000);
    await movePendingReminder(h.db, h.tenant.id, busy.id, last);
    for (let i = MOVES_PER_RUN; i >= 0; i--) {
      await busy.handle.signal(rescheduleReminder, {
        fire_at: new Date(last.getTime() + i * 60_000).toISOString(),
      });
    }
    await save('reminder-continued-as-new', busy.handle, firstRun);
    await save('reminder-fired-after-continue-as-new', busy.handle);
  });
});

describe('capture the shapes of the limits work', () => {
  it('a plan that waited for room under its tenant’s per-minute action rate', async () => {
    const tenant = await h.newTenant();
    const as = { 'x-errand-tenant': tenant.id };
    await h.api('PUT', '/v1/settings', { limits: { actions_per_minute: 1 } }, as);
    const res = await h.api(
      'POST',
      '/v1/plans',
      { intent: 'capture', require_approval: true, actions: [sms] },
      as,
    );
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    await eventually(async () =>
      (await h.api('GET', `/v1/plans/${res.body.plan_id}`, undefined, as)).body.status ===
      'awaiting_approval'
        ? true
        : undefined,
    );
    // Another plan's action 57 s ago fills the window for 3 s more.
    await h.db
      .insertInto('action_ledger')
      .values({
        tenant_id: tenant.id,
        workflow_id: `${tenant.id}/plan/capture-filler`,
        step_index: 0,
        at: new Date(Date.now() - 57_000),
        ran: true,
      })
      .execute();
    await h.api('POST', `/v1/plans/${res.body.plan_id}/approve`, {}, as);
    await save('plan-waited-for-capacity', h.client.workflow.getHandle(res.body.workflow_id));
  });
});

describe('capture the shapes of the providers work', () => {
  it('a plan that waited for its automation to report back, and chained on the result', async () => {
    const { id, handle } = await submit({
      actions: [
        { type: 'trigger_automation', params: { automation: 'captured', await_completion: true } },
        { type: 'trigger_automation', use_result_from: 0, params: { automation: 'after' } },
      ],
    });
    await awaiting(id);
    await h.api('POST', `/v1/plans/${id}/approve`, {});
    // No webhook is configured, so the request, callback and all, waits in the outbox.
    const url = await eventually(async () => {
      const row = await h.db
        .selectFrom('outbox')
        .select('payload')
        .where('plan_id', '=', id)
        .executeTakeFirst();
      return (row?.payload as { callback?: { url: string } } | undefined)?.callback?.url;
    });
    const res = await fetch(url.replace(TEST_PUBLIC_URL, h.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ result: { ticket: 'T-1' } }),
    });
    if (res.status !== 200) throw new Error(await res.text());
    await save('plan-awaited-automation', handle);
  });
});

describe('capture the shapes of steps held until a time', () => {
  it('a plan whose step waited for its not_before, and one cancelled while it waited', async () => {
    const waited = await submit({
      actions: [sms, { ...sms, not_before: new Date(Date.now() + 1500).toISOString() }],
    });
    await save('plan-step-waited-not-before', waited.handle);
    const cancelled = await submit({ actions: [{ ...sms, not_before: '2099-01-01T09:00:00' }] });
    await eventually(async () =>
      (await h.api('GET', `/v1/plans/${cancelled.id}`)).body.status === 'waiting_for_time'
        ? true
        : undefined,
    );
    await h.api('POST', `/v1/plans/${cancelled.id}/cancel`);
    await save('plan-cancelled-while-not-before', cancelled.handle);
  });
});

describe('capture the shapes of the speed work', () => {
  it('a plan whose step ends were written with the next transition', async () => {
    const { handle } = await submit({
      actions: [
        book(60, 10, 'Batched'),
        { type: 'send_email', use_result_from: 0, params: { template: 'meeting_invite' } },
        { ...sms, condition: 'if_previous_failed' },
        sms,
      ],
    });
    await save('plan-audit-writes-batched', handle);
  });
});

describe('capture the shapes of event webhooks', () => {
  // A pause ends a round the way a delivery does (one activity, then the result): no shape of its own.
  it('a delivery answered after a 500, and one that gave up', async () => {
    const w = await startHarness({
      webhookRetry: { initial_ms: 200, maximum_ms: 400, give_up_after_ms: 2_000 },
    });
    const receiver = await startWebhookReceiver({
      '/flaky': (res, nth) => res.writeHead(nth === 0 ? 500 : 200).end(),
      '/down': (res) => res.writeHead(500).end(),
    });
    try {
      const delivery = async (path: string) => {
        const sub = await w.api('POST', '/v1/webhooks', {
          url: `${receiver.base}${path}`,
          events: ['plan_completed'],
        });
        const plan = await w.api('POST', '/v1/plans', { intent: 'capture', actions: [sms] });
        await w.client.workflow.getHandle(plan.body.workflow_id).result();
        const [row] = await eventually(async () => {
          const d = (await w.api('GET', `/v1/webhooks/${sub.body.id}/deliveries`)).body.data;
          return ['delivered', 'failed'].includes(d[0]?.state) ? d : undefined;
        });
        return w.client.workflow.getHandle(webhookDeliveryWorkflowId(w.tenant.id, row.id, 1));
      };
      await save('webhook-delivered-after-retry', await delivery('/flaky'));
      await save('webhook-gave-up', await delivery('/down'));
    } finally {
      await receiver.close();
      await w.close();
    }
  });
});

describe('capture the shapes of conversations', () => {
  it('a question, its answer, a repeated message and a reminder, in one running conversation', async () => {
    await h.api('POST', '/v1/contacts', { name: 'Bob Stone', emails: ['bob@acme.example'] });
    await h.api('POST', '/v1/contacts', { name: 'Bob Marley', emails: ['bob.m@example.com'] });
    const open = await h.api('POST', '/v1/conversations', {});
    const id = open.body.conversation_id as string;
    const say = (text: string, key: string) =>
      h.api('POST', `/v1/conversations/${id}/messages`, { text }, { 'idempotency-key': key });
    await say('email bob about the launch', 'm1');
    await say('the second', 'm2');
    await say('the second', 'm2');
    await h.client.workflow
      .getHandle(open.body.workflow_id)
      .signal(conversationEvent, { kind: 'reminder_triggered', text: 'stand-up now' });
    await h.client.workflow.getHandle(open.body.workflow_id).query(getConversationContext);
    await save(
      'conversation-question-answered',
      h.client.workflow.getHandle(open.body.workflow_id),
      undefined,
      {
        running: true,
      },
    );
  });
});

describe('capture the shapes of recurring plans', () => {
  it('a scheduled run that submitted its plan and waited for it to end', async () => {
    const res = await h.api('POST', '/v1/schedules', {
      plan: { intent: 'capture', actions: [sms] },
      schedule: 'every Monday at 9am',
    });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    const id = res.body.schedule_id as string;
    await h.api('POST', `/v1/schedules/${id}/trigger`);
    const run = await eventually(
      async () => (await h.api('GET', `/v1/schedules/${id}`)).body.recent_runs[0],
    );
    await save('scheduled-plan-completed', h.client.workflow.getHandle(run.workflow_id));
  });
});

describe('capture the shapes of the operators work', () => {
  it('plans that keep their search attributes, approved by signal, with a late signal ignored', async () => {
    const signalled = await submit({ require_approval: true, user_id: 'ann', actions: [sms] });
    await awaiting(signalled.id);
    await signalled.handle.signal('approve', { by: 'ops', reason: 'by signal' });
    await signalled.handle.signal('reject', { by: 'late', reason: 'too late' });
    await save('plan-approved-by-signal-search-attributes', signalled.handle);

    const stepRejected = await submit({ actions: [sms, { ...sms, approval: 'required' }] });
    await awaiting(stepRejected.id);
    await stepRejected.handle.signal('approve', 'not an object');
    await h.api('POST', `/v1/plans/${stepRejected.id}/reject`, { reason: 'no' });
    await save('plan-step-rejected-search-attributes', stepRejected.handle);
  });
});
