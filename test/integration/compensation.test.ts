import { Context } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities';
import { reinstateReminders } from '../../src/reminders/reinstate-reminders';
import { getReminderFireAt, type PlanState } from '../../src/workflows/definitions';
import { eventually, futureSlot, startHarness, type Harness } from '../support/harness';

/** The first attempt of every undo fails as a flaky network would; the retry goes through. */
function flakyUndo(activities: Activities): Activities {
  return {
    ...activities,
    undo_step: async (input) => {
      if (Context.current().info.attempt === 1) throw new Error('connection reset');
      return activities.undo_step(input);
    },
  };
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ wrapActivities: flakyUndo });
});
afterAll(async () => {
  await h?.close();
});

const sms = { type: 'send_sms', params: { to: ['+14155550123'], message: 'hello' } };

async function submit(body: Record<string, unknown>) {
  const res = await h.api('POST', '/v1/plans', { intent: 'compensation test', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { plan_id: string; workflow_id: string };
}
const result = async (workflowId: string) =>
  (await h.client.workflow.getHandle(workflowId).result()) as PlanState;
const meetingStatus = async (id: string) =>
  (
    await h.db
      .selectFrom('calendar_events')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  ).status;
const reminderStatus = async (planId: string) =>
  (
    await h.db
      .selectFrom('reminders')
      .select('status')
      .where('plan_id', '=', planId)
      .executeTakeFirstOrThrow()
  ).status;

describe('on_failure: compensate', () => {
  it('undoes the done steps in reverse order after a failure, retrying a failed undo, and lists what was undone', async () => {
    const taken = futureSlot(80, 10);
    await result(
      (
        await submit({
          actions: [
            { type: 'book_meeting', params: { title: 'Taken', time: taken, attendees: [] } },
          ],
        })
      ).workflow_id,
    );

    const { plan_id, workflow_id } = await submit({
      on_failure: 'compensate',
      actions: [
        {
          type: 'book_meeting',
          params: { title: 'Kept?', time: futureSlot(80, 14), attendees: ['k@example.com'] },
        },
        { type: 'send_email', use_result_from: 0, params: {} },
        { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-1h' } },
        { type: 'book_meeting', params: { title: 'Clash', time: taken, attendees: [] } },
        sms,
      ],
    });
    const state = await result(workflow_id);
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({ step: 3, type: 'CalendarConflictError' });
    expect(state.steps.map((s) => s.status)).toEqual([
      'compensated',
      'succeeded',
      'compensated',
      'failed',
      'skipped',
    ]);
    expect(state.compensation.map((c) => [c.step, c.outcome])).toEqual([
      [2, 'undone'],
      [1, 'not_undoable'],
      [0, 'undone'],
    ]);
    expect(await meetingStatus(state.steps[0].output!.meeting_id as string)).toBe('cancelled');
    expect(await reminderStatus(plan_id)).toBe('cancelled');

    const history = await h.client.workflow.getHandle(workflow_id).fetchHistory();
    const undoAttempts = history
      .events!.flatMap((e) => e.activityTaskStartedEventAttributes?.attempt ?? [])
      .slice(-2);
    expect(undoAttempts).toEqual([2, 2]);
    expect((await h.api('GET', `/v1/plans/${plan_id}`)).body.compensation).toEqual(
      state.compensation,
    );
  });

  it('records an undo that cannot succeed instead of dropping it', async () => {
    const { plan_id, workflow_id } = await submit({
      on_failure: 'compensate',
      actions: [
        {
          type: 'book_meeting',
          params: { title: 'Cancelled elsewhere', time: futureSlot(81, 10), attendees: [] },
        },
        { ...sms, approval: 'required' },
      ],
    });
    const waiting = await eventually(async () => {
      const plan = (await h.api('GET', `/v1/plans/${plan_id}`)).body;
      return plan.status === 'awaiting_approval' ? plan : undefined;
    });
    const meetingId = waiting.steps[0].output.meeting_id;
    expect((await h.api('DELETE', `/v1/calendar/events/${meetingId}`)).status).toBe(200);
    await h.api('POST', `/v1/plans/${plan_id}/reject`, { reason: 'changed my mind' });
    const state = await result(workflow_id);
    expect(state.status).toBe('rejected');
    expect(state.compensation).toEqual([
      expect.objectContaining({
        step: 0,
        outcome: 'undo_failed',
        error: expect.objectContaining({ type: 'MeetingNotFoundError' }),
      }),
    ]);
    expect(state.steps[0].status).toBe('succeeded');
  });

  it('pauses a started campaign and restores a moved meeting', async () => {
    const original = futureSlot(82, 9);
    const booked = await result(
      (
        await submit({
          actions: [
            { type: 'book_meeting', params: { title: 'Mover', time: original, attendees: [] } },
          ],
        })
      ).workflow_id,
    );
    const meetingId = booked.steps[0].output!.meeting_id as string;
    const { workflow_id } = await submit({
      on_failure: 'compensate',
      actions: [
        {
          type: 'update_meeting',
          params: { meeting_id: meetingId, time: futureSlot(82, 15), title: 'Moved' },
        },
        { type: 'start_campaign', params: { campaign: 'autumn' } },
        { type: 'cancel_meeting', params: { meeting_id: '00000000-0000-4000-8000-000000000000' } },
      ],
    });
    await eventually(async () => {
      const id = workflow_id.split('/').pop()!;
      const plan = (await h.api('GET', `/v1/plans/${id}`)).body;
      return plan.status === 'awaiting_approval' ? plan : undefined;
    });
    await h.api('POST', `/v1/plans/${workflow_id.split('/').pop()}/approve`, {});
    const state = await result(workflow_id);
    expect(state.error).toMatchObject({ step: 2, type: 'MeetingNotFoundError' });
    expect(state.compensation.map((c) => [c.step, c.outcome])).toEqual([
      [1, 'undone'],
      [0, 'undone'],
    ]);
    const meeting = await h.db
      .selectFrom('calendar_events')
      .selectAll()
      .where('id', '=', meetingId)
      .executeTakeFirstOrThrow();
    expect(meeting.title).toBe('Mover');
    expect(meeting.start_at.toISOString()).toBe(`${original}.000Z`);
    const pause = await h.db
      .selectFrom('outbox')
      .select('payload')
      .where('channel', '=', 'campaign')
      .where('tenant_id', '=', h.tenant.id)
      .execute();
    expect(pause.map((p) => (p.payload as { action?: string }).action)).toContain('pause');
  });
});

describe('undoing a cancelled meeting', () => {
  it('restores the meeting with the reminders cancelled along with it, once, and they follow it again', async () => {
    const booked = await result(
      (
        await submit({
          actions: [
            {
              type: 'book_meeting',
              params: { title: 'Restored', time: futureSlot(84, 10), attendees: [] },
            },
            { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-1h' } },
          ],
        })
      ).workflow_id,
    );
    const meetingId = booked.steps[0].output!.meeting_id as string;
    const oldReminder = booked.steps[1].output!.reminder_id as string;
    const { workflow_id } = await submit({
      on_failure: 'compensate',
      actions: [
        { type: 'cancel_meeting', params: { meeting_id: meetingId } },
        { type: 'cancel_meeting', params: { meeting_id: '00000000-0000-4000-8000-000000000000' } },
      ],
    });
    const state = await result(workflow_id);
    expect(state.error).toMatchObject({ step: 1, type: 'MeetingNotFoundError' });
    expect(state.compensation.map((c) => [c.step, c.outcome])).toEqual([[0, 'undone']]);
    expect(await meetingStatus(meetingId)).toBe('confirmed');

    const rows = () =>
      h.db
        .selectFrom('reminders')
        .selectAll()
        .where('meeting_id', '=', meetingId)
        .orderBy('created_at')
        .execute();
    const [old, reinstated, ...more] = await rows();
    expect(more).toEqual([]);
    expect(old).toMatchObject({
      id: oldReminder,
      status: 'cancelled',
      cancelled_by: `${workflow_id}#0`,
    });
    const start = Date.parse(booked.steps[0].output!.start_time as string);
    expect(reinstated).toMatchObject({ status: 'pending', message: old.message });
    expect(reinstated.fire_at.getTime()).toBe(start - 3600_000);
    const reinstatedWorkflow = h.client.workflow.getHandle(reinstated.workflow_id);
    expect(await reinstatedWorkflow.query(getReminderFireAt)).toBe(
      reinstated.fire_at.toISOString(),
    );

    // The undo retried: the same keys find the same reminder, and nothing new starts.
    const again = await reinstateReminders(
      { db: h.db, temporal: h.client },
      {
        tenant_id: h.tenant.id,
        meeting: (await h.api('GET', '/v1/calendar/events')).body.data.find(
          (m: { meeting_id: string }) => m.meeting_id === meetingId,
        ),
        cancelled_by: `${workflow_id}#0`,
        idempotency_key: `${workflow_id}#0#undo`,
        task_queue: h.taskQueue,
        now: new Date(),
        grace_ms: 60_000,
      },
    );
    expect(again).toEqual({ reinstated: [reinstated.id], expired: [] });
    expect(await rows()).toHaveLength(2);

    const moved = await h.api('PATCH', `/v1/calendar/events/${meetingId}`, {
      time: futureSlot(84, 15),
    });
    expect(moved.status).toBe(200);
    const followed = (await rows())[1];
    expect(followed.fire_at.getTime()).toBe(Date.parse(moved.body.start_time) - 3600_000);
  });
});

describe('cancellation', () => {
  it('cancels a plan waiting for approval with nothing run', async () => {
    const { plan_id, workflow_id } = await submit({ require_approval: true, actions: [sms] });
    await eventually(async () =>
      (await h.api('GET', `/v1/plans/${plan_id}`)).body.status === 'awaiting_approval'
        ? true
        : undefined,
    );
    const res = await h.api('POST', `/v1/plans/${plan_id}/cancel`);
    expect(res.status).toBe(202);
    const state = await result(workflow_id);
    expect(state.status).toBe('cancelled');
    expect(state.steps[0]).toMatchObject({ status: 'skipped', skip_reason: 'plan cancelled' });
    expect((await h.api('GET', `/v1/plans/${plan_id}`)).body.status).toBe('cancelled');
    expect((await h.api('POST', `/v1/plans/${plan_id}/cancel`)).status).toBe(409);
  });

  it('undoes done steps of a cancelled plan under on_failure: compensate', async () => {
    const { plan_id, workflow_id } = await submit({
      on_failure: 'compensate',
      actions: [
        {
          type: 'book_meeting',
          params: { title: 'To undo', time: futureSlot(83, 11), attendees: [] },
        },
        { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-1d' } },
        { ...sms, approval: 'required' },
      ],
    });
    await eventually(async () =>
      (await h.api('GET', `/v1/plans/${plan_id}`)).body.status === 'awaiting_approval'
        ? true
        : undefined,
    );
    await h.api('POST', `/v1/plans/${plan_id}/cancel`);
    const state = await result(workflow_id);
    expect(state.status).toBe('cancelled');
    expect(state.compensation.map((c) => [c.step, c.outcome])).toEqual([
      [1, 'undone'],
      [0, 'undone'],
    ]);
    expect(await meetingStatus(state.steps[0].output!.meeting_id as string)).toBe('cancelled');
    expect(await reminderStatus(plan_id)).toBe('cancelled');
  });

  it('refuses to cancel a plan that has ended', async () => {
    const { plan_id, workflow_id } = await submit({ actions: [sms] });
    await result(workflow_id);
    await eventually(async () =>
      (await h.api('GET', `/v1/plans/${plan_id}`)).body.status === 'completed' ? true : undefined,
    );
    const res = await h.api('POST', `/v1/plans/${plan_id}/cancel`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('plan_ended');
  });
});
