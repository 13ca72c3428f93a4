import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditActivities } from '../../src/activities/audit-activities';
import type { Activities } from '../../src/activities';
import { createDb } from '../../src/db/create-db';
import { getPlanState, type PlanState } from '../../src/workflows/definitions';
import { startHarness, type Harness } from '../support/harness';

/** What a step may be told to return, by its SMS text, to bring a value to the audit trail. */
const DIRTY = 'dirty-output';
const POISON = 'poison-audit';
const OUTAGE = 'outage-audit';

// Postgres on a port nothing listens on: a real connection refusal, on loopback.
const downDb = createDb({ url: 'postgres://postgres@127.0.0.1:1/errand', maxConnections: 1 });
const auditCalls = new Map<string, number>();

function injecting(activities: Activities): Activities {
  const down = createAuditActivities({ db: downDb });
  return {
    ...activities,
    send_sms: async (input) => {
      const output = await activities.send_sms(input);
      if (input.params.message === DIRTY)
        return { ...output, webhook_said: 'bad\u0000byte, lone \ud800 half, pair 😀' };
      if (input.params.message === POISON) return { ...output, poison: true };
      if (input.params.message === OUTAGE) return { ...output, outage: true };
      return output;
    },
    record_plan_state: async (input) => {
      const { state } = input;
      // A value no sanitizing can fix: Postgres refuses it as a timestamp (22007).
      if (state.steps.some((s) => s.output?.poison))
        return activities.record_plan_state({
          ...input,
          state: { ...state, started_at: 'not a time' },
        });
      if (state.steps.some((s) => s.output?.outage)) {
        const n = (auditCalls.get(state.plan_id) ?? 0) + 1;
        auditCalls.set(state.plan_id, n);
        if (n <= 3) return down.record_plan_state(input);
      }
      return activities.record_plan_state(input);
    },
  };
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ wrapActivities: injecting });
});
afterAll(async () => {
  await h?.close();
  await downDb.destroy();
});

const sms = (message: string) => ({ type: 'send_sms', params: { to: ['+14155550123'], message } });

async function run(actions: unknown[]) {
  const res = await h.api('POST', '/v1/plans', { intent: 'audit trail', actions });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const handle = h.client.workflow.getHandle(res.body.workflow_id);
  const state = (await handle.result()) as PlanState;
  const row = (await h.api('GET', `/v1/plans/${res.body.plan_id}`)).body;
  return { state, row, handle, planId: res.body.plan_id as string };
}

describe('the audit trail', () => {
  it('records a step output carrying U+0000 and a lone surrogate, without them, and the plan completes', async () => {
    const { state, row, handle } = await run([sms(DIRTY), sms('after')]);
    expect(state.status).toBe('completed');
    expect(row.status).toBe('completed');
    expect(row.steps[0].output.webhook_said).toBe('badbyte, lone \uFFFD half, pair 😀');
    expect(await handle.query(getPlanState)).toEqual({ ...state, steps: row.steps });
  });

  it('ends a plan failed, with a clear error, when Postgres refuses its audit write', async () => {
    const { state, row, handle, planId } = await run([sms(POISON), sms('never sent')]);
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({
      type: 'AuditWriteFailed',
      step: 0,
      step_type: 'send_sms',
      message: expect.stringMatching(/could not record step_succeeded of step 0.*22007/),
    });
    expect(state.steps[1]).toMatchObject({ status: 'skipped', skip_reason: 'plan failed' });
    expect(row.status).toBe('failed');
    expect(row.error).toEqual(state.error);
    expect(row.completed_at).not.toBeNull();
    expect(row.events.at(-1).kind).toBe('plan_failed');
    expect((await handle.query(getPlanState)).status).toBe('failed');
    const sent = await h.db
      .selectFrom('outbox')
      .select('body')
      .where('plan_id', '=', planId)
      .execute();
    expect(sent.map((m) => m.body)).toEqual([POISON]);

    // Refused at once, not retried: one failed audit attempt in the history.
    const history = await handle.fetchHistory();
    const failedMarkers = history.events!.filter(
      (e) => e.markerRecordedEventAttributes?.failure?.applicationFailureInfo,
    );
    expect(failedMarkers).toHaveLength(1);
  });

  it('waits out a Postgres outage during an audit write, and the plan completes', async () => {
    const { state, row, planId } = await run([sms(OUTAGE), sms('after the outage')]);
    expect(state.status).toBe('completed');
    expect(row.status).toBe('completed');
    expect(row.steps[0].output.outage).toBe(true);
    expect(auditCalls.get(planId)).toBeGreaterThan(3);
  });
});
