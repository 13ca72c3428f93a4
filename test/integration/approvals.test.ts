import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { getPlanState, type PlanState } from '../../src/workflows/definitions';
import {
  eventually,
  futureSlot,
  startHarness,
  type Harness,
  TEST_OPERATOR_KEY,
  TEST_PEPPER,
} from '../support/harness';
import { createApiKey } from '../../src/auth/api-keys-repository';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const sms = { type: 'send_sms', params: { to: ['+14155550123'], message: 'hello' } };
const booking = (days: number, hour: number) => ({
  type: 'book_meeting',
  params: { title: 'Gated', time: futureSlot(days, hour), attendees: ['g@example.com'] },
});

async function submit(body: Record<string, unknown>) {
  const res = await h.api('POST', '/v1/plans', { intent: 'approval test', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { plan_id: string; workflow_id: string };
}

async function statusOf(planId: string, status: string) {
  return eventually(async () => {
    const plan = (await h.api('GET', `/v1/plans/${planId}`)).body;
    return plan.status === status ? plan : undefined;
  });
}

async function sideEffects(planId: string) {
  const [events, outbox] = await Promise.all([
    h.db.selectFrom('calendar_events').select('id').where('plan_id', '=', planId).execute(),
    h.db.selectFrom('outbox').select('id').where('plan_id', '=', planId).execute(),
  ]);
  return events.length + outbox.length;
}

describe('a plan submitted with require_approval', () => {
  it('waits with nothing run, then runs once approved; the decision records who, when and why', async () => {
    const { plan_id, workflow_id } = await submit({
      require_approval: true,
      actions: [booking(70, 10), sms],
    });
    const waiting = await statusOf(plan_id, 'awaiting_approval');
    expect(waiting.approvals[0]).toMatchObject({
      step: null,
      reason: expect.stringContaining('require_approval'),
      decision: null,
    });
    expect((await h.client.workflow.getHandle(workflow_id).query(getPlanState)).status).toBe(
      'awaiting_approval',
    );
    expect(await sideEffects(plan_id)).toBe(0);

    // The body cannot name the approver: the credential does.
    const claimed = await h.api('POST', `/v1/plans/${plan_id}/approve`, { approver: 'mallory' });
    expect(claimed.status).toBe(400);
    expect(JSON.stringify(claimed.body.error.details)).toContain('approver');
    const alice = await createApiKey(h.db, TEST_PEPPER, {
      tenant: h.tenant.id,
      role: 'approver',
      name: 'alice',
    });
    const approved = await h.raw(
      'POST',
      `/v1/plans/${plan_id}/approve`,
      { reason: 'looks right' },
      { authorization: `Bearer ${alice.key}` },
    );
    expect(approved.status).toBe(200);
    expect(approved.body.decision).toMatchObject({
      outcome: 'approved',
      by: 'alice',
      reason: 'looks right',
      at: expect.any(String),
    });

    const state = (await h.client.workflow.getHandle(workflow_id).result()) as PlanState;
    expect(state.status).toBe('completed');
    expect(await sideEffects(plan_id)).toBe(2);

    const again = await h.api('POST', `/v1/plans/${plan_id}/reject`, { reason: 'too late' });
    expect(again.status).toBe(409);
    expect((await h.api('GET', `/v1/plans/${plan_id}`)).body.approvals).toHaveLength(1);
  });

  it('refuses a second decision with 409 and changes nothing', async () => {
    const { plan_id, workflow_id } = await submit({
      require_approval: true,
      actions: [{ ...sms, approval: 'required' }],
    });
    await statusOf(plan_id, 'awaiting_approval');
    expect((await h.api('POST', `/v1/plans/${plan_id}/approve`, {})).status).toBe(200);
    // The plan now waits at step 0's own gate: the plan-level decision cannot be taken twice,
    // but the step's gate is a new decision.
    const state = await eventually(async () => {
      const s = await h.client.workflow.getHandle(workflow_id).query(getPlanState);
      return s.approvals.length === 2 ? s : undefined;
    });
    expect(state.approvals[0].decision!.outcome).toBe('approved');
    expect(state.approvals[1]).toMatchObject({ step: 0, decision: null });
    expect((await h.api('POST', `/v1/plans/${plan_id}/reject`, { reason: 'no' })).status).toBe(200);
    const second = await h.api('POST', `/v1/plans/${plan_id}/approve`, {});
    expect(second.status).toBe(409);
    expect(second.body.error.code).toMatch(/not_awaiting_approval|plan_ended/);
    const final = (await h.client.workflow.getHandle(workflow_id).result()) as PlanState;
    expect(final.status).toBe('rejected');
    expect(final.steps[0]).toMatchObject({ status: 'skipped', skip_reason: 'plan rejected' });
  });

  it('ends rejected with nothing run, recording the reason; a rejection needs a reason', async () => {
    const { plan_id, workflow_id } = await submit({
      require_approval: true,
      actions: [booking(71, 10)],
    });
    await statusOf(plan_id, 'awaiting_approval');
    const noReason = await h.api('POST', `/v1/plans/${plan_id}/reject`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0].path).toBe('reason');
    // X-Errand-User no longer names the decider either.
    const rejected = await h.apiAs(
      'approver',
      'POST',
      `/v1/plans/${plan_id}/reject`,
      { reason: 'wrong customer' },
      { 'x-errand-user': 'bob' },
    );
    expect(rejected.body.decision).toMatchObject({
      outcome: 'rejected',
      by: 'test-approver',
      reason: 'wrong customer',
    });
    const state = (await h.client.workflow.getHandle(workflow_id).result()) as PlanState;
    expect(state.status).toBe('rejected');
    expect(await sideEffects(plan_id)).toBe(0);
    expect((await statusOf(plan_id, 'rejected')).approvals[0].decision.reason).toBe(
      'wrong customer',
    );
  });

  it('expires when the deadline passes, with nothing run', async () => {
    const { plan_id, workflow_id } = await submit({
      require_approval: true,
      approval_timeout: '2s',
      actions: [sms],
    });
    const state = (await h.client.workflow.getHandle(workflow_id).result()) as PlanState;
    expect(state.status).toBe('expired');
    expect(state.approvals[0].decision).toMatchObject({ outcome: 'expired', by: 'errand' });
    expect(await sideEffects(plan_id)).toBe(0);
    expect((await h.api('POST', `/v1/plans/${plan_id}/approve`, {})).status).toBe(409);
  });

  it('is refused a decision when it is not waiting for one', async () => {
    const { plan_id, workflow_id } = await submit({ actions: [sms] });
    await h.client.workflow.getHandle(workflow_id).result();
    const res = await h.api('POST', `/v1/plans/${plan_id}/approve`, {});
    expect(res.status).toBe(409);
  });

  it('cannot be approved, rejected or cancelled by another tenant', async () => {
    const { plan_id, workflow_id } = await submit({ require_approval: true, actions: [sms] });
    await statusOf(plan_id, 'awaiting_approval');
    const other = { 'x-errand-tenant': (await h.newTenant()).id };
    expect((await h.api('POST', `/v1/plans/${plan_id}/approve`, {}, other)).status).toBe(404);
    expect(
      (await h.api('POST', `/v1/plans/${plan_id}/reject`, { reason: 'x' }, other)).status,
    ).toBe(404);
    expect((await h.api('POST', `/v1/plans/${plan_id}/cancel`, undefined, other)).status).toBe(404);
    expect((await h.client.workflow.getHandle(workflow_id).query(getPlanState)).status).toBe(
      'awaiting_approval',
    );
    await h.api('POST', `/v1/plans/${plan_id}/cancel`);
  });
});

describe('approval by policy and by step', () => {
  it('holds a plan with a campaign for approval under the default tenant policy', async () => {
    const { plan_id } = await submit({
      actions: [{ type: 'start_campaign', params: { campaign: 'spring' } }],
    });
    const plan = await statusOf(plan_id, 'awaiting_approval');
    expect(plan.approvals[0].reason).toMatch(/policy requires approval for start_campaign/);
    await h.api('POST', `/v1/plans/${plan_id}/cancel`);
  });

  it('pauses just before a step marked approval: required', async () => {
    const { plan_id, workflow_id } = await submit({
      actions: [sms, { ...sms, approval: 'required' }],
    });
    const plan = await statusOf(plan_id, 'awaiting_approval');
    expect(plan.current_step).toBe(1);
    expect(plan.steps.map((s: { status: string }) => s.status)).toEqual(['succeeded', 'pending']);
    await h.api('POST', `/v1/plans/${plan_id}/approve`, {});
    const state = (await h.client.workflow.getHandle(workflow_id).result()) as PlanState;
    expect(state.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('can be approved by an operator with the temporal CLI', async () => {
    const { plan_id, workflow_id } = await submit({ require_approval: true, actions: [sms] });
    await statusOf(plan_id, 'awaiting_approval');
    // Async: the worker shares this process, so a blocking call would stall it.
    const { stdout: out } = await promisify(execFile)(inject('temporalCli'), [
      'workflow',
      'update',
      'execute',
      '--address',
      inject('temporalAddress'),
      '--workflow-id',
      workflow_id,
      '--name',
      'approve',
      '--input',
      JSON.stringify({ by: 'ops@example.com', reason: 'checked in the Web UI' }),
      // The answer is sealed in Temporal: the CLI reads it through Errand's codec endpoint.
      '--codec-endpoint',
      `${h.baseUrl}/codec`,
      '--codec-auth',
      `Bearer ${TEST_OPERATOR_KEY}`,
    ]);
    expect(out).toContain('approved');
    const state = (await h.client.workflow.getHandle(workflow_id).result()) as PlanState;
    expect(state.status).toBe('completed');
    expect(state.approvals[0].decision).toMatchObject({ by: 'ops@example.com' });
  });
});
