import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  finishReminder,
  findReminder,
  movePendingReminder,
} from '../../src/db/reminders-repository';
import { createPostgresCalendar } from '../../src/providers/postgres-calendar';
import { followMeeting } from '../../src/reminders/reminder-sync';
import {
  getReminderFireAt,
  rescheduleReminder,
  type PlanState,
} from '../../src/workflows/definitions';
import { MOVES_PER_RUN } from '../../src/workflows/reminder-workflow';
import { eventually, futureSlot, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(actions: unknown[]): Promise<PlanState> {
  const res = await h.api('POST', '/v1/plans', { intent: 'reminders that move', actions });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (await h.client.workflow.getHandle(res.body.workflow_id).result()) as PlanState;
}

/** A reminder due `ms` from now, with its row and workflow. */
async function reminderIn(ms: number) {
  const at = new Date(Date.now() + ms).toISOString();
  const state = await run([{ type: 'schedule_reminder', params: { at, message: 'moved?' } }]);
  expect(state.status, JSON.stringify(state.error)).toBe('completed');
  const output = state.steps[0].output as { reminder_id: string; workflow_id: string };
  return { id: output.reminder_id, handle: h.client.workflow.getHandle(output.workflow_id) };
}

const deliveries = async (reminderId: string) =>
  (
    await h.db
      .selectFrom('outbox')
      .select('created_at')
      .where('tenant_id', '=', h.tenant.id)
      .where('idempotency_key', '=', `reminder:${reminderId}`)
      .execute()
  ).length;

describe('a reminder whose row moved without its workflow hearing of it', () => {
  it('fires at the new time, once, not at the old one', async () => {
    const { id, handle } = await reminderIn(3_000);
    const movedTo = new Date(Date.now() + 8_000);
    // The move of the row landed; its signal was lost.
    await movePendingReminder(h.db, h.tenant.id, id, movedTo);

    await sleep(5_000);
    expect((await findReminder(h.db, h.tenant.id, id))!.status).toBe('pending');
    expect(await deliveries(id)).toBe(0);

    expect(await handle.result()).toBe('fired');
    const row = (await findReminder(h.db, h.tenant.id, id))!;
    expect(row.status).toBe('fired');
    expect(row.fired_at!.getTime()).toBeGreaterThanOrEqual(movedTo.getTime());
    expect(await deliveries(id)).toBe(1);
    const timers = (await handle.fetchHistory()).events!.filter(
      (e) => e.timerStartedEventAttributes,
    );
    expect(timers).toHaveLength(2);
  });

  it('ends cancelled, delivering nothing, when its row was cancelled', async () => {
    const { id, handle } = await reminderIn(2_000);
    await finishReminder(h.db, h.tenant.id, id, 'cancelled');
    expect(await handle.result()).toBe('cancelled');
    expect(await deliveries(id)).toBe(0);
  });

  it('hears of the move when the move is retried, even though the row already moved', async () => {
    const state = await run([
      {
        type: 'book_meeting',
        params: { title: 'Retried move', time: futureSlot(120, 10), attendees: [] },
      },
      { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-1h' } },
    ]);
    const meetingId = state.steps[0].output!.meeting_id as string;
    const { reminder_id, workflow_id } = state.steps[1].output as {
      reminder_id: string;
      workflow_id: string;
    };
    const calendar = createPostgresCalendar({ db: h.db, meetingLinkBase: 'https://m.example/' });
    const { meeting } = await calendar.update({
      tenant_id: h.tenant.id,
      idempotency_key: `test:${reminder_id}`,
      ref: { meeting_id: meetingId },
      changes: { start: new Date(futureSlot(121, 10) + 'Z') },
    });
    const fireAt = new Date(Date.parse(meeting.start_time) - 3600_000);
    // The first attempt moved the row, then lost its signal; the retry runs followMeeting again.
    await movePendingReminder(h.db, h.tenant.id, reminder_id, fireAt);
    await followMeeting({ db: h.db, temporal: h.client }, h.tenant.id, meeting);
    const seen = await eventually(async () => {
      const at = await h.client.workflow.getHandle(workflow_id).query(getReminderFireAt);
      return Date.parse(at) === fireAt.getTime() ? at : undefined;
    }, 10_000);
    expect(seen).toBe(fireAt.toISOString());
  });
});

describe('a reminder moved many times', () => {
  it('continues as new, carrying its time, and fires once at its last time', async () => {
    const { id, handle } = await reminderIn(3600_000);
    const firstRun = (await handle.describe()).runId;
    const last = new Date(Date.now() + 6_000);
    await movePendingReminder(h.db, h.tenant.id, id, last);
    for (let i = MOVES_PER_RUN; i > 0; i--) {
      await handle.signal(rescheduleReminder, {
        fire_at: new Date(last.getTime() + i * 60_000).toISOString(),
      });
    }
    await handle.signal(rescheduleReminder, { fire_at: last.toISOString() });

    expect(await handle.result()).toBe('fired');
    const first = await h.client.workflow.getHandle(handle.workflowId, firstRun).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
    const row = (await findReminder(h.db, h.tenant.id, id))!;
    expect(row.fired_at!.getTime()).toBeGreaterThanOrEqual(last.getTime());
    expect(await deliveries(id)).toBe(1);
  });
});
