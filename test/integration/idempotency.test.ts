import { Context } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities';
import type { PlanState } from '../../src/workflows/definitions';
import { futureSlot, startHarness, type Harness } from '../support/harness';

/** Lets the real activity commit its write, then fails its first attempt, as a crash after commit would. */
function failAfterWriteOnFirstAttempt(activities: Activities): Activities {
  const wrap =
    <I, O>(fn: (input: I) => Promise<O>) =>
    async (input: I): Promise<O> => {
      const output = await fn(input);
      if (Context.current().info.attempt === 1)
        throw new Error('lost the connection after the commit');
      return output;
    };
  return {
    ...activities,
    book_meeting: wrap(activities.book_meeting),
    send_email: wrap(activities.send_email),
    schedule_reminder: wrap(activities.schedule_reminder),
  };
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ wrapActivities: failAfterWriteOnFirstAttempt });
});
afterAll(async () => {
  await h?.close();
});

describe('a step retried after its write', () => {
  it('books once, emails once and records one reminder', async () => {
    const res = await h.api('POST', '/v1/plans', {
      intent: 'retry me',
      actions: [
        {
          type: 'book_meeting',
          params: { title: 'Once', time: futureSlot(60, 10), attendees: ['o@example.com'] },
        },
        { type: 'send_email', use_result_from: 0, params: {} },
        { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-1d' } },
      ],
    });
    const handle = h.client.workflow.getHandle(res.body.workflow_id);
    const state = (await handle.result()) as PlanState;
    expect(state.status).toBe('completed');

    const history = await handle.fetchHistory();
    const attempts = history.events!.flatMap(
      (e) => e.activityTaskStartedEventAttributes?.attempt ?? [],
    );
    expect(attempts).toEqual([2, 2, 2]);

    const count = async (table: 'calendar_events' | 'outbox' | 'reminders') =>
      Number(
        (
          await h.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('plan_id', '=', res.body.plan_id)
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count('calendar_events')).toBe(1);
    expect(await count('outbox')).toBe(1);
    expect(await count('reminders')).toBe(1);
    expect(state.steps[0].output!.meeting_id).toBeDefined();
  });
});
