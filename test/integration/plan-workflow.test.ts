import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities';
import { getPlanState, type PlanState } from '../../src/workflows/definitions';
import { eventually, futureSlot, startHarness, type Harness } from '../support/harness';
import { workdayAhead } from '../support/workday-ahead';

/**
 * Postgres is down for 9 s when a plan records its approval request: longer
 * than a workflow task runs before the SDK heartbeats it, so a query answered
 * from the workflow's live state would run ahead of the database here.
 */
function outageAtApproval(activities: Activities): Activities {
  const downSince = new Map<string, number>();
  return {
    ...activities,
    record_plan_state: async (input) => {
      if (input.event.kind === 'approval_requested') {
        const since = downSince.get(input.state.plan_id) ?? Date.now();
        downSince.set(input.state.plan_id, since);
        if (Date.now() - since < 9_000) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      }
      return activities.record_plan_state(input);
    },
  };
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ wrapActivities: outageAtApproval });
});
afterAll(async () => {
  await h?.close();
});

async function submit(actions: unknown[], extra: Record<string, unknown> = {}) {
  const res = await h.api('POST', '/v1/plans', { intent: 'test', actions, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { plan_id: string; workflow_id: string };
}

async function finished(workflowId: string): Promise<PlanState> {
  return (await h.client.workflow.getHandle(workflowId).result()) as PlanState;
}

async function planRow(id: string) {
  return (await h.api('GET', `/v1/plans/${id}`)).body;
}

const demo = (time: string) => [
  { type: 'book_meeting', params: { title: 'Demo', time, attendees: ['john@example.com'] } },
  { type: 'send_email', use_result_from: 0, params: { template: 'meeting_invite' } },
  { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-1h' } },
];

describe('a plan', () => {
  it('books, emails the join link and schedules a reminder, and the audit trail agrees with the workflow', async () => {
    const { plan_id, workflow_id } = await submit(demo(futureSlot(30, 15)));
    const state = await finished(workflow_id);
    expect(state.status).toBe('completed');
    expect(state.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);

    const row = await planRow(plan_id);
    expect(row.status).toBe('completed');
    expect(row.steps).toEqual(state.steps);
    expect(row.events.map((e: { kind: string }) => e.kind)).toEqual([
      'plan_started',
      'step_started',
      'step_succeeded',
      'step_started',
      'step_succeeded',
      'step_started',
      'step_succeeded',
      'plan_completed',
    ]);
    const query = await h.client.workflow.getHandle(workflow_id).query(getPlanState);
    expect(query).toEqual(state);

    const meeting = state.steps[0].output as { meeting_id: string; join_link: string };
    const events = (await h.api('GET', '/v1/calendar/events')).body.data;
    expect(
      events.filter((e: { meeting_id: string }) => e.meeting_id === meeting.meeting_id),
    ).toHaveLength(1);

    const outbox = (await h.api('GET', `/v1/outbox?plan_id=${plan_id}&channel=email`)).body.data;
    expect(outbox).toHaveLength(1);
    expect(outbox[0].recipients).toEqual(['john@example.com']);
    expect(outbox[0].body).toContain(meeting.join_link);
    expect(outbox[0].subject).toBe('Invitation: Demo');

    const reminders = (await h.api('GET', '/v1/reminders?status=pending')).body.data;
    const reminder = reminders.find((r: { plan_id: string }) => r.plan_id === plan_id);
    expect(Date.parse(reminder.fire_at)).toBe(
      Date.parse(state.steps[0].output!.start_time as string) - 3600_000,
    );
  });

  it('skips an if_previous_success step after a failure and runs an if_previous_failed one', async () => {
    const time = futureSlot(31, 10);
    await finished(
      (await submit([{ type: 'book_meeting', params: { title: 'Taken', time, attendees: [] } }]))
        .workflow_id,
    );
    const { workflow_id, plan_id } = await submit(
      [
        { type: 'book_meeting', params: { title: 'Clash', time, attendees: ['a@example.com'] } },
        { type: 'send_email', condition: 'if_previous_success', use_result_from: 0, params: {} },
        {
          type: 'send_sms',
          condition: 'if_previous_failed',
          use_result_from: 0,
          params: { to: ['+14155550123'], message: 'Could not book' },
        },
      ],
      { on_failure: 'continue' },
    );
    const state = await finished(workflow_id);
    expect(state.steps.map((s) => s.status)).toEqual(['failed', 'skipped', 'succeeded']);
    expect(state.steps[1].skip_reason).toMatch(/if_previous_success: step 0 failed/);
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({
      step: 0,
      step_type: 'book_meeting',
      type: 'CalendarConflictError',
    });
    expect((await planRow(plan_id)).error).toEqual(state.error);
  });

  it('skips an if_previous_failed step when the previous one succeeded', async () => {
    const { workflow_id } = await submit([
      { type: 'send_sms', params: { to: ['+14155550123'], message: 'hi' } },
      {
        type: 'send_email',
        condition: 'if_previous_failed',
        params: { to: ['x@example.com'], subject: 'fallback' },
      },
      {
        type: 'send_email',
        condition: 'if_previous_success',
        use_result_from: 0,
        params: { to: ['y@example.com'], subject: 'ok' },
      },
    ]);
    const state = await finished(workflow_id);
    expect(state.steps.map((s) => s.status)).toEqual(['succeeded', 'skipped', 'succeeded']);
    expect(state.status).toBe('completed');
  });

  it('fails a conflicting booking as a non-retried step failure, names the step and stops the plan', async () => {
    const time = futureSlot(32, 11);
    await finished(
      (await submit([{ type: 'book_meeting', params: { title: 'First', time, attendees: [] } }]))
        .workflow_id,
    );
    const { workflow_id, plan_id } = await submit([
      { type: 'send_sms', params: { to: ['+14155550123'], message: 'booking' } },
      {
        type: 'book_meeting',
        params: { title: 'Second', time: futureSlot(32, 11, 15), attendees: ['ann@example.com'] },
      },
      { type: 'send_email', use_result_from: 1, params: {} },
    ]);
    const state = await finished(workflow_id);
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({
      step: 1,
      step_type: 'book_meeting',
      type: 'CalendarConflictError',
    });
    expect(state.error!.message).toContain('"First"');
    expect(state.steps[2]).toMatchObject({
      status: 'skipped',
      skip_reason: 'plan stopped after step 1 failed',
    });
    const history = await h.client.workflow.getHandle(workflow_id).fetchHistory();
    const attempts = history
      .events!.filter((e) => e.activityTaskStartedEventAttributes)
      .map((e) => e.activityTaskStartedEventAttributes!.attempt);
    expect(attempts.every((a) => a === 1)).toBe(true);
    const row = await planRow(plan_id);
    expect(row.status).toBe('failed');
    expect(row.error.step).toBe(1);
  });

  it('books into a free slot found by a chained availability check', async () => {
    const day = workdayAhead(40);
    const { workflow_id } = await submit([
      { type: 'check_availability', params: { from: day, duration_minutes: 45 } },
      {
        type: 'book_meeting',
        use_result_from: 0,
        params: { title: 'Chained', duration_minutes: 45, attendees: ['c@example.com'] },
      },
    ]);
    const state = await finished(workflow_id);
    expect(state.status, JSON.stringify(state.error)).toBe('completed');
    expect(state.steps[1].output!.start_time).toBe(state.steps[0].output!.start_time);
  });

  it('never answers a query ahead of the database, mid-run while it waits before a step', async () => {
    const { workflow_id, plan_id } = await submit([
      ...demo(futureSlot(33, 9)).slice(0, 2),
      { type: 'send_sms', approval: 'required', params: { to: ['+14155550123'], message: 'x' } },
    ]);
    const handle = h.client.workflow.getHandle(workflow_id);
    const query = await eventually(
      async () => {
        const s = await handle.query(getPlanState);
        return s.status === 'awaiting_approval' ? s : undefined;
      },
      20_000,
      10,
    );
    const row = await planRow(plan_id);
    expect(row.status).toBe('awaiting_approval');
    expect(row.approvals).toHaveLength(1);
    expect(query.status).toBe('awaiting_approval');
    expect(row.current_step).toBe(2);
    expect(row.current_step).toBe(query.current_step);
    expect(row.steps).toEqual(query.steps);
    expect(row.approvals).toEqual(query.approvals);
    expect(row.steps.map((s: { status: string }) => s.status)).toEqual([
      'succeeded',
      'succeeded',
      'pending',
    ]);
    await handle.cancel();
    expect(((await handle.result()) as PlanState).status).toBe('cancelled');
  });
});
