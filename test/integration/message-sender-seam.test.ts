import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageSender, OutgoingMessage } from '../../src/providers/messages';
import { createOutboxSender } from '../../src/providers/outbox-sender';
import type { PlanState } from '../../src/workflows/definitions';
import { eventually, startHarness, type Harness } from '../support/harness';

// What an adapter in place of the outbox would see: every message Errand sends.
const seen: OutgoingMessage[] = [];

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    // Automations wait for a decision by default; this test is about what is sent.
    settings: { approval: { required_for: [] } },
    deps: {
      messages: {
        async send(message) {
          seen.push(message);
          return inner!.send(message);
        },
      },
    },
  });
  inner = createOutboxSender(h.db);
});
let inner: MessageSender | undefined;
afterAll(async () => {
  await h?.close();
});

describe('the message sender', () => {
  it('sends every message of a plan: email, SMS, a webhook-less automation and the reminder that fires later', async () => {
    const start = new Date(Date.now() + 60_000);
    start.setMilliseconds(0);
    const res = await h.api('POST', '/v1/plans', {
      intent: 'book, tell them, run the automation, remind me',
      actions: [
        {
          type: 'book_meeting',
          params: { title: 'Seam', time: start.toISOString(), attendees: ['seam@example.com'] },
        },
        { type: 'send_email', use_result_from: 0, params: {} },
        { type: 'send_sms', params: { to: ['+14155550123'], message: 'on its way' } },
        { type: 'trigger_automation', params: { automation: 'crm-sync', payload: { a: 1 } } },
        {
          type: 'schedule_reminder',
          use_result_from: 0,
          params: { offset: '-58s', channel: 'email' },
        },
      ],
    });
    expect(res.status).toBe(201);
    const state = (await h.client.workflow.getHandle(res.body.workflow_id).result()) as PlanState;
    expect(state.status).toBe('completed');
    const reminderId = state.steps[4].output!.reminder_id as string;

    await eventually(
      async () =>
        seen.some((m) => m.idempotency_key === `reminder:${reminderId}`) ? true : undefined,
      15_000,
    );
    const ofPlan = seen.filter((m) => m.plan_id === res.body.plan_id);
    expect(ofPlan.map((m) => m.channel).sort()).toEqual(['automation', 'email', 'email', 'sms']);
    const reminder = ofPlan.find((m) => m.idempotency_key === `reminder:${reminderId}`)!;
    expect(reminder).toMatchObject({ recipients: ['seam@example.com'], subject: 'Reminder' });

    // What the sender answered is what the outbox and the reminder record.
    const rows = (await h.api('GET', `/v1/outbox?plan_id=${res.body.plan_id}`)).body.data;
    expect(rows).toHaveLength(4);
    const fired = (await h.api('GET', '/v1/reminders?status=fired')).body.data.find(
      (r: { id: string }) => r.id === reminderId,
    );
    expect(fired).toBeDefined();
  });
});
