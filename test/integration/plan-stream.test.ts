import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LISTENER_NAME } from '../../src/api/plan-event-feed';
import { eventually, startHarness, type Harness } from '../support/harness';
import { readSse, type SseEvent } from '../support/sse';

let h: Harness;
let auth: Record<string, string>;
beforeAll(async () => {
  // No poll within a test's time: only the LISTEN feed can deliver the events here.
  h = await startHarness({ streamLimits: { heartbeatMs: 100, pollMs: 600_000 } });
  auth = { authorization: `Bearer ${await h.keyFor('admin')}` };
});
afterAll(async () => {
  await h?.close();
});

const sms = { type: 'send_sms', params: { to: ['+14155550123'], message: 'hello' } };

async function waitingPlan(): Promise<{ plan_id: string; workflow_id: string }> {
  const res = await h.api('POST', '/v1/plans', {
    intent: 'stream me',
    actions: [sms, { ...sms, approval: 'required' }],
  });
  expect(res.status).toBe(201);
  return res.body;
}

const stream = (planId: string) => `${h.baseUrl}/v1/plans/${planId}/stream`;
const kinds = (events: SseEvent[]) => events.map((e) => e.event);

describe('GET /v1/plans/:id/stream', () => {
  it('sends the state, then each transition with its id, until the plan ends', async () => {
    const plan = await waitingPlan();
    let approved = false;
    const read = await readSse(stream(plan.plan_id), auth, {
      onEvent: async (e) => {
        // Approve once the stream has shown the wait, so the rest arrives live.
        const waiting =
          (e.event === 'state' && e.data.status === 'awaiting_approval') ||
          e.event === 'approval_requested';
        if (waiting && !approved) {
          approved = true;
          expect((await h.api('POST', `/v1/plans/${plan.plan_id}/approve`, {})).status).toBe(200);
        }
      },
    });
    expect(read.ended).toBe(true);
    expect(read.events[0]).toMatchObject({ event: 'state', data: { id: plan.plan_id } });
    const after = kinds(read.events.slice(1));
    expect(after.at(-1)).toBe('plan_completed');
    expect(after).toContain('approval_approved');
    expect(after.filter((k) => k === 'step_succeeded')).toHaveLength(
      2 -
        read.events[0]!.data.steps.filter((s: { status: string }) => s.status === 'succeeded')
          .length,
    );
    const ids = read.events.slice(1).map((e) => BigInt(e.id!));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(ids).size).toBe(ids.length);
    expect(read.events[1]!.data).toMatchObject({ plan_id: plan.plan_id });
    expect(read.comments).toBeGreaterThanOrEqual(0);

    // Resuming after any event gives exactly the events after it, and nothing else.
    const from = read.events[1]!;
    const resumed = await readSse(stream(plan.plan_id), { ...auth, 'last-event-id': from.id! });
    expect(resumed.ended).toBe(true);
    expect(resumed.events.map((e) => e.id)).toEqual(read.events.slice(2).map((e) => e.id));

    // Every transition recorded is in the stream: the same list GET /v1/plans/:id shows.
    const view = await h.api('GET', `/v1/plans/${plan.plan_id}`);
    const all = await readSse(stream(plan.plan_id), { ...auth, 'last-event-id': '0' });
    expect(kinds(all.events)).toEqual(view.body.events.map((e: { kind: string }) => e.kind));
  });

  it('keeps a quiet stream open with heartbeats, and a finished plan ends after its state', async () => {
    const plan = await waitingPlan();
    const quiet = await readSse(stream(plan.plan_id), auth, { timeoutMs: 700 });
    expect(quiet.ended).toBe(false);
    expect(quiet.comments).toBeGreaterThanOrEqual(3);
    await h.api('POST', `/v1/plans/${plan.plan_id}/cancel`);
    await h.client.workflow.getHandle(plan.workflow_id).result();
    const done = await readSse(stream(plan.plan_id), auth);
    expect(done.ended).toBe(true);
    expect(kinds(done.events)).toEqual(['state']);
    expect(done.events[0]!.data.status).toBe('cancelled');
  });

  it("is 404 for another tenant's plan, 401 without a key, 400 for a bad Last-Event-ID", async () => {
    const plan = await waitingPlan();
    const other = await h.newTenant();
    const otherKey = await h.keyFor('admin', other.id);
    const foreign = await readSse(stream(plan.plan_id), { authorization: `Bearer ${otherKey}` });
    expect(foreign.status).toBe(404);
    expect((await readSse(stream(plan.plan_id), {})).status).toBe(401);
    const bad = await readSse(stream(plan.plan_id), { ...auth, 'last-event-id': 'x; drop' });
    expect(bad.status).toBe(400);
    const twice = await readSse(`${stream(plan.plan_id)}?last_event_id=1&last_event_id=2`, auth);
    expect(twice.status).toBe(400);
    await h.api('POST', `/v1/plans/${plan.plan_id}/cancel`);
  });
});

describe('the LISTEN feed', () => {
  it('reconnects when Postgres drops its connection, and the stream reads what it missed', async () => {
    const plan = await waitingPlan();
    const read = readSse(stream(plan.plan_id), auth, {
      stopWhen: (events) => events.some((e) => e.event === 'plan_completed'),
    });
    await sql`select pg_terminate_backend(pid) from pg_stat_activity
      where application_name = ${LISTENER_NAME}`.execute(h.db);
    await eventually(async () => {
      const view = await h.api('GET', `/v1/plans/${plan.plan_id}`);
      return view.body.status === 'awaiting_approval' ? true : undefined;
    });
    expect((await h.api('POST', `/v1/plans/${plan.plan_id}/approve`, {})).status).toBe(200);
    const events = (await read).events;
    expect(kinds(events).at(-1)).toBe('plan_completed');
  });
});

describe('a plan stream without the LISTEN feed', () => {
  it('still delivers every event, by reading the table on its poll', async () => {
    const polling = await startHarness({
      planEvents: false,
      streamLimits: { pollMs: 100 },
    });
    try {
      const res = await polling.api('POST', '/v1/plans', { intent: 'poll', actions: [sms] });
      const key = await polling.keyFor('admin');
      const read = await readSse(`${polling.baseUrl}/v1/plans/${res.body.plan_id}/stream`, {
        authorization: `Bearer ${key}`,
        'last-event-id': '0',
      });
      expect(read.ended).toBe(true);
      expect(kinds(read.events).at(-1)).toBe('plan_completed');
    } finally {
      await polling.close();
    }
  });
});
