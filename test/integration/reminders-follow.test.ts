import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getReminderFireAt, type PlanState } from '../../src/workflows/definitions';
import { eventually, futureSlot, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ timezone: 'Europe/Paris' });
});
afterAll(async () => {
  await h?.close();
});

const HOUR = 3600_000;

async function run(actions: unknown[]): Promise<PlanState> {
  const res = await h.api('POST', '/v1/plans', { intent: 'reminders follow', actions });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (await h.client.workflow.getHandle(res.body.workflow_id).result()) as PlanState;
}

async function bookWithReminder(days: number, hour: number) {
  const state = await run([
    {
      type: 'book_meeting',
      params: { title: 'Followed', time: futureSlot(days, hour), attendees: ['f@example.com'] },
    },
    { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-1h' } },
  ]);
  return {
    meetingId: state.steps[0].output!.meeting_id as string,
    reminderId: state.steps[1].output!.reminder_id as string,
    workflowId: state.steps[1].output!.workflow_id as string,
  };
}

const reminder = async (id: string) =>
  (await h.api('GET', '/v1/reminders')).body.data.find((r: { id: string }) => r.id === id);

describe('a reminder set relative to a meeting', () => {
  it('moves when a later plan reschedules the meeting', async () => {
    const { meetingId, reminderId, workflowId } = await bookWithReminder(90, 10);
    const moved = await run([
      { type: 'update_meeting', params: { meeting_id: meetingId, time: futureSlot(91, 12) } },
    ]);
    const newStart = Date.parse(moved.steps[0].output!.start_time as string);
    expect((await reminder(reminderId)).fire_at).toBe(new Date(newStart - HOUR).toISOString());
    const fireAt = await eventually(async () => {
      const at = await h.client.workflow.getHandle(workflowId).query(getReminderFireAt);
      return Date.parse(at) === newStart - HOUR ? at : undefined;
    });
    expect(fireAt).toBe(new Date(newStart - HOUR).toISOString());
  });

  it('moves when the meeting is rescheduled through the API', async () => {
    const { meetingId, reminderId } = await bookWithReminder(92, 10);
    const res = await h.api('PATCH', `/v1/calendar/events/${meetingId}`, {
      time: futureSlot(92, 16),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await reminder(reminderId)).fire_at).toBe(
      new Date(Date.parse(res.body.start_time) - HOUR).toISOString(),
    );
  });

  it('is cancelled when the meeting is cancelled, and its workflow ends', async () => {
    const { meetingId, reminderId, workflowId } = await bookWithReminder(93, 10);
    await run([
      { type: 'cancel_meeting', params: { meeting_id: meetingId, reason: 'no longer needed' } },
    ]);
    expect((await reminder(reminderId)).status).toBe('cancelled');
    expect(await h.client.workflow.getHandle(workflowId).result()).toBe('cancelled');
  });
});

describe('the reminders API', () => {
  it('lists by status and cancels a pending reminder once', async () => {
    const { reminderId } = await bookWithReminder(94, 10);
    const pending = (await h.api('GET', '/v1/reminders?status=pending')).body.data.map(
      (r: { id: string }) => r.id,
    );
    expect(pending).toContain(reminderId);
    const first = await h.api('DELETE', `/v1/reminders/${reminderId}`);
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('cancelled');
    const second = await h.api('DELETE', `/v1/reminders/${reminderId}`);
    expect(second.status).toBe(409);
    expect(
      (await h.api('GET', '/v1/reminders?status=cancelled')).body.data.map(
        (r: { id: string }) => r.id,
      ),
    ).toContain(reminderId);
    expect((await h.api('GET', '/v1/reminders?status=later')).status).toBe(400);
    expect(
      (await h.api('DELETE', '/v1/reminders/00000000-0000-4000-8000-000000000000')).status,
    ).toBe(404);
  });

  it("answers 404 to another tenant's attempt to move, cancel or touch its reminders", async () => {
    const { meetingId, reminderId } = await bookWithReminder(96, 10);
    const other = { 'x-errand-tenant': (await h.newTenant()).id };
    const patch = await h.api(
      'PATCH',
      `/v1/calendar/events/${meetingId}`,
      { title: 'Mine now' },
      other,
    );
    expect(patch.status).toBe(404);
    expect(
      (await h.api('DELETE', `/v1/calendar/events/${meetingId}`, undefined, other)).status,
    ).toBe(404);
    expect((await h.api('DELETE', `/v1/reminders/${reminderId}`, undefined, other)).status).toBe(
      404,
    );
    expect((await h.api('GET', '/v1/reminders', undefined, other)).body.data).toEqual([]);
    expect((await h.api('GET', '/v1/calendar/events', undefined, other)).body.data).toEqual([]);
    expect((await reminder(reminderId)).status).toBe('pending');
    const event = await h.db
      .selectFrom('calendar_events')
      .selectAll()
      .where('id', '=', meetingId)
      .executeTakeFirstOrThrow();
    expect([event.title, event.status]).toEqual(['Followed', 'confirmed']);
  });

  it('refuses to move a meeting into a taken slot', async () => {
    const a = await bookWithReminder(95, 10);
    await bookWithReminder(95, 14);
    const res = await h.api('PATCH', `/v1/calendar/events/${a.meetingId}`, {
      time: futureSlot(95, 14, 15),
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('calendar_conflict');
    expect((await h.api('PATCH', `/v1/calendar/events/${a.meetingId}`, {})).status).toBe(400);
  });
});
