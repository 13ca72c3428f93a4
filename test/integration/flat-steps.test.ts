import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { futureSlot, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('a plan written with its parameters beside type', () => {
  it('runs to completed, is stored nested, and the email uses meeting_confirmation', async () => {
    const time = futureSlot(3, 11);
    const res = await h.api('POST', '/v1/plans', {
      intent: 'book a demo and confirm it',
      actions: [
        { type: 'book_meeting', title: 'Demo', time, attendees: ['john@example.com'] },
        { type: 'send_email', use_result_from: 0, template: 'meeting_confirmation' },
        { type: 'schedule_reminder', use_result_from: 0, offset: '-1h' },
      ],
    });
    expect(res.status).toBe(201);
    await h.client.workflow.getHandle(res.body.workflow_id).result();
    const plan = await h.api('GET', `/v1/plans/${res.body.plan_id}`);
    expect(plan.body.status).toBe('completed');
    expect(plan.body.actions[0]).toMatchObject({
      type: 'book_meeting',
      params: { title: 'Demo', time, attendees: ['john@example.com'] },
    });
    const outbox = await h.api('GET', `/v1/outbox?plan_id=${res.body.plan_id}`);
    const email = outbox.body.data.find((m: { channel: string }) => m.channel === 'email');
    expect(email).toMatchObject({ recipients: ['john@example.com'], subject: 'Confirmed: Demo' });
  });

  it('answers 400 naming the field where the client wrote it', async () => {
    const res = await h.api('POST', '/v1/plans', {
      intent: 'typo',
      actions: [{ type: 'send_sms', to: ['+14155550123'], mesage: 'hi' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'actions[0]' })]),
    );
  });

  it('shows both forms in GET /v1/actions', async () => {
    const res = await h.api('GET', '/v1/actions');
    expect(res.body.step_forms.flat).toMatchObject({ type: 'book_meeting', title: 'Demo' });
    expect(res.body.step_forms.nested).toMatchObject({ params: { title: 'Demo' } });
  });
});
