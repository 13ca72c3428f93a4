import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanState } from '../../src/workflows/definitions';
import { eventually, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('a reminder', () => {
  it('fires into the outbox on time, after its plan has completed', async () => {
    const start = new Date(Date.now() + 60_000);
    start.setMilliseconds(0);
    const res = await h.api('POST', '/v1/plans', {
      intent: 'remind me just before',
      actions: [
        {
          type: 'book_meeting',
          params: { title: 'Soon', time: start.toISOString(), attendees: ['s@example.com'] },
        },
        {
          type: 'schedule_reminder',
          use_result_from: 0,
          params: { offset: '-57s', channel: 'email' },
        },
      ],
    });
    expect(res.status).toBe(201);
    const state = (await h.client.workflow.getHandle(res.body.workflow_id).result()) as PlanState;
    expect(state.status).toBe('completed');
    const fireAt = Date.parse(state.steps[1].output!.fire_at as string);
    expect(fireAt).toBe(start.getTime() - 57_000);

    // Pending or fired already: it is due 3 s after the booking, which a busy machine can outlast.
    const reminder = (await h.api('GET', '/v1/reminders')).body.data.find(
      (r: { plan_id: string }) => r.plan_id === res.body.plan_id,
    );
    expect(reminder).toMatchObject({ plan_id: res.body.plan_id, recipients: ['s@example.com'] });

    const message = await eventually(async () => {
      const rows = (await h.api('GET', `/v1/outbox?plan_id=${res.body.plan_id}`)).body.data;
      return rows.find(
        (r: { payload: { reminder_id?: string } | null }) => r.payload?.reminder_id === reminder.id,
      );
    }, 15_000);
    expect(message.recipients).toEqual(['s@example.com']);
    expect(message.body).toContain('Soon');

    // The outbox row is written first, then the reminder marked fired: wait for the mark too.
    const fired = await eventually(async () =>
      (await h.api('GET', '/v1/reminders?status=fired')).body.data.find(
        (r: { id: string }) => r.id === reminder.id,
      ),
    );
    const lateness = Date.parse(fired.fired_at) - fireAt;
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(5_000);
  });

  it('refuses a reminder whose time has long passed, naming the step', async () => {
    const res = await h.api('POST', '/v1/plans', {
      intent: 'too late',
      actions: [
        { type: 'schedule_reminder', params: { at: '2020-01-01T09:00:00Z', message: 'late' } },
      ],
    });
    const state = (await h.client.workflow.getHandle(res.body.workflow_id).result()) as PlanState;
    expect(state.error).toMatchObject({ step: 0, type: 'ReminderInPastError' });
  });
});
