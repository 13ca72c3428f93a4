import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalOffset,
  isReadableSummary,
  planSummary,
  reinstatedReminderSummary,
} from '../../src/temporal/readable-summaries';

describe('readable summaries', () => {
  it('accepts every shape Errand writes', () => {
    const id = randomUUID();
    for (const summary of [
      planSummary([
        { type: 'book_meeting' },
        { type: 'send_email' },
        { type: 'schedule_reminder', offset: '-1h' },
      ]),
      // planWorkflow's step summary, compensation's and the reminder child's, as the workflow code writes them.
      '2/3 send_email',
      'undo 1 book_meeting',
      `reminder from step 2 of plan ${id}`,
      reinstatedReminderSummary(id),
      reinstatedReminderSummary(null),
      // The timers' summaries.
      'approval of the plan waits for a decision until 2026-12-05T10:00:00.000Z',
      'approval of step 2 (send_email) waits for a decision until 2026-12-05T10:00:00.000Z',
      'step 1 (send_sms) waits until 2026-12-05T09:00:00.000Z',
      "step 3 (book_meeting) waits for room under the tenant's action rate",
      "step 1 (trigger_automation) waits for the automation's report",
      'reminder waits until 2027-01-01T08:00:00.000Z',
      `deliver reminder ${id}`,
      `cancel reminder ${id}`,
      "answer the conversation's next message",
      "submit this run's plan",
      `until plan ${id} ends`,
      `read plan ${id}'s status`,
      `send webhook delivery ${id} round 2`,
      `give up webhook delivery ${id} round 1`,
    ]) {
      expect(isReadableSummary(summary), summary).toBe(true);
    }
  });

  it.each([
    'Book a demo with ada@example.com',
    'send_email ada@example.com',
    '+14155550123',
    'send_sms +14155550123',
    'The launch moved to Friday',
    'Demo with John',
    `reminder from step 2 of plan ada@example.com`,
    'reminder reinstated with meeting Demo with John',
    '2/3 send_email to ada@example.com',
    'book_meeting → tell ada',
    'approval of step 2 (send_email) waits for a decision until Friday with ada',
    'reminder waits until ada@example.com',
    'deliver reminder to ada@example.com',
    'send webhook delivery https://hooks.example.com round 1',
    '',
  ])('refuses %j, which is sealed instead', (text) => {
    expect(isReadableSummary(text)).toBe(false);
  });

  it('writes a reminder offset canonically, so no free text from it reaches the summary', () => {
    expect(planSummary([{ type: 'schedule_reminder', offset: '-1 hour 30 minutes' }])).toBe(
      'schedule_reminder -1h30m',
    );
    // parse-duration skips words it does not know: the text is gone, the duration stays.
    expect(planSummary([{ type: 'schedule_reminder', offset: 'call ada 2d' }])).toBe(
      'schedule_reminder +2d',
    );
    expect(planSummary([{ type: 'schedule_reminder' }, { type: 'send_sms' }])).toBe(
      'schedule_reminder → send_sms',
    );
    expect(canonicalOffset(-5_400_000)).toBe('-1h30m');
    expect(canonicalOffset(86_400_000 + 1000)).toBe('+1d1s');
    expect(canonicalOffset(0)).toBe('+0s');
  });

  it('names a reinstated reminder’s meeting only by a UUID', () => {
    expect(reinstatedReminderSummary('Lunch with ada@example.com')).toBe('reminder reinstated');
  });
});
