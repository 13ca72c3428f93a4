import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanState } from '../../src/workflows/definitions';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec } from '../../src/temporal/encryption-codec';
import { TEST_KEY_RING, eventually, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ settings: { approval: { required_for: [] } } });
});
afterAll(async () => {
  await h?.close();
});

const sms = (message: string) => ({
  type: 'send_sms',
  params: { to: ['+14155550123'], message },
});

async function submit(body: Record<string, unknown>) {
  const res = await h.api('POST', '/v1/plans', { intent: 'later', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const handle = h.client.workflow.getHandle(res.body.workflow_id);
  return {
    planId: res.body.plan_id as string,
    handle,
    result: () => handle.result() as Promise<PlanState>,
  };
}

const waitingView = (planId: string) =>
  eventually(async () => {
    const view = (await h.api('GET', `/v1/plans/${planId}`)).body;
    return view.status === 'waiting_for_time' ? view : undefined;
  });

async function smsSentAt(planId: string): Promise<Date[]> {
  const rows = await h.db
    .selectFrom('outbox')
    .select('created_at')
    .where('plan_id', '=', planId)
    .where('channel', '=', 'sms')
    .execute();
  return rows.map((r) => r.created_at);
}

describe('not_before', () => {
  it('holds a step until an ISO time, shows the wait, and names it in the timer summary', async () => {
    // Far enough ahead that the first step has run and the wait shows even on a loaded machine
    // (at 2.5 s, a slow first step once left nothing to wait for).
    const at = new Date(Date.now() + 10_000);
    const plan = await submit({
      actions: [sms('now'), { ...sms('later'), not_before: at.toISOString() }],
    });
    const view = await waitingView(plan.planId);
    expect(view).toMatchObject({ current_step: 1, waiting_until: at.toISOString() });
    expect(view.steps[0].status).toBe('succeeded');
    expect(view.steps[1]).toMatchObject({ status: 'pending', waiting_until: at.toISOString() });

    const state = await plan.result();
    expect(state.status).toBe('completed');
    const sent = await smsSentAt(plan.planId);
    expect(sent).toHaveLength(2);
    expect(Math.max(...sent.map((d) => d.getTime()))).toBeGreaterThanOrEqual(at.getTime());

    const history = await plan.handle.fetchHistory();
    const timers = history.events!.filter((e) => e.timerStartedEventAttributes);
    // Summaries are payloads, encrypted like the rest when the codec is on.
    const codec = new EncryptionCodec(TEST_KEY_RING);
    const summaries = await Promise.all(
      timers.map(async (e) => {
        const [payload] = await codec.decode([e.userMetadata!.summary!]);
        return String(defaultPayloadConverter.fromPayload(payload));
      }),
    );
    expect(summaries.some((s) => s.includes('step 2 (send_sms) waits until'))).toBe(true);
    const events = (await h.api('GET', `/v1/plans/${plan.planId}`)).body.events;
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: 'step_waiting',
        step_index: 1,
        detail: { until: at.toISOString() },
      }),
    );
  });

  it('counts an offset from the chained meeting start: "text her 10 minutes before"', async () => {
    const start = new Date(Date.now() + 10 * 60_000 + 2500);
    start.setUTCMilliseconds(0);
    const plan = await submit({
      actions: [
        {
          type: 'book_meeting',
          params: { title: 'Soon', time: start.toISOString(), attendees: ['ann@example.com'] },
        },
        { ...sms('starting in 10 minutes'), use_result_from: 0, not_before: '-10m' },
      ],
    });
    const view = await waitingView(plan.planId);
    expect(view.waiting_until).toBe(new Date(start.getTime() - 10 * 60_000).toISOString());
    const state = await plan.result();
    expect(state.status).toBe('completed');
    const [sent] = await smsSentAt(plan.planId);
    expect(sent.getTime()).toBeGreaterThanOrEqual(start.getTime() - 10 * 60_000);
  });

  it('reads a time without an offset as the wall clock of the plan’s zone, and cancels the wait', async () => {
    const plan = await submit({
      timezone: 'Asia/Tokyo',
      actions: [{ type: 'send_sms', params: sms('x').params, not_before: '2099-01-01T09:00:00' }],
    });
    const view = await waitingView(plan.planId);
    expect(view.waiting_until).toBe('2099-01-01T00:00:00.000Z');
    expect((await h.api('POST', `/v1/plans/${plan.planId}/cancel`)).status).toBe(202);
    const state = await plan.result();
    expect(state.status).toBe('cancelled');
    expect(state.steps[0]).toMatchObject({ status: 'skipped', waiting_until: null });
    expect(await smsSentAt(plan.planId)).toEqual([]);
  });

  it('runs at once a step whose time has passed; the flat form takes not_before too', async () => {
    const plan = await submit({
      actions: [
        {
          type: 'send_sms',
          to: ['+14155550123'],
          message: 'late',
          not_before: '2020-01-01T00:00:00Z',
        },
      ],
    });
    const state = await plan.result();
    expect(state.status).toBe('completed');
    const events = (await h.api('GET', `/v1/plans/${plan.planId}`)).body.events as {
      kind: string;
    }[];
    expect(events.map((e) => e.kind)).not.toContain('step_waiting');
  });

  it('refuses a not_before that is no time, and an offset with no start time to count from', async () => {
    const res = await h.api('POST', '/v1/plans', {
      intent: 'x',
      actions: [
        { ...sms('a'), not_before: 'tomorrowish' },
        { ...sms('b'), not_before: '-10m' },
        { ...sms('c'), use_result_from: 0, not_before: '-10m' },
      ],
    });
    expect(res.status).toBe(400);
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual([
      'actions[0].not_before',
      'actions[1].not_before',
      'actions[2].not_before',
    ]);
  });
});
