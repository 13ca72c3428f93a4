import { Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ERRAND_AWAITING_APPROVAL,
  ERRAND_PLANNER,
  ERRAND_SOURCE,
  ERRAND_STATUS,
  ERRAND_STEP_TYPE,
  ERRAND_TENANT,
  ERRAND_USER,
} from '../../src/temporal/search-attributes';
import { EncryptionCodec } from '../../src/temporal/encryption-codec';
import { eventually, startHarness, TEST_KEY_RING, type Harness } from '../support/harness';

let h: Harness;
/**
 * What the Web UI sends: plain JSON, as typed in "Send an Update" or "Send a Signal" (no
 * codec encodes it); it reads answers through the codec endpoint, as this client decodes them.
 */
let webUi: Client;
beforeAll(async () => {
  h = await startHarness();
  const codec = new EncryptionCodec(TEST_KEY_RING);
  webUi = new Client({
    connection: h.client.connection,
    dataConverter: {
      payloadCodecs: [{ encode: async (p) => p, decode: (p) => codec.decode(p) }],
    },
  });
});
afterAll(async () => {
  await h?.close();
});

const email = {
  type: 'send_email',
  params: { to: ['ann@example.com'], subject: 'Hi', body: 'Hello' },
};
const sms = { type: 'send_sms', params: { to: ['+14155550123'], message: 'hello' } };

async function submit(body: Record<string, unknown>) {
  const res = await h.api('POST', '/v1/plans', { intent: 'search attributes', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { plan_id: string; workflow_id: string };
}

function attributesOf(d: WorkflowExecutionDescription) {
  const sa = d.typedSearchAttributes;
  return {
    tenant: sa.get(ERRAND_TENANT),
    status: sa.get(ERRAND_STATUS),
    step_type: sa.get(ERRAND_STEP_TYPE),
    awaiting_approval: sa.get(ERRAND_AWAITING_APPROVAL),
    user: sa.get(ERRAND_USER),
    source: sa.get(ERRAND_SOURCE),
    planner: sa.get(ERRAND_PLANNER),
  };
}

/** The workflow's attributes once they match `expected` (visibility is eventually consistent). */
async function attributesBecome(workflowId: string, expected: Record<string, unknown>) {
  return eventually(async () => {
    const now = attributesOf(await h.client.workflow.getHandle(workflowId).describe());
    return Object.entries(expected).every(([k, v]) => now[k as keyof typeof now] === v)
      ? now
      : undefined;
  });
}

/** The workflow ids a list query finds, once it finds `workflowId`. */
async function listed(query: string, workflowId: string): Promise<string[]> {
  return eventually(async () => {
    const ids: string[] = [];
    for await (const w of h.client.workflow.list({ query })) ids.push(w.workflowId);
    return ids.includes(workflowId) ? ids : undefined;
  });
}

async function history(workflowId: string) {
  const events = (await h.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  return events;
}

async function planOf(planId: string) {
  return (await h.api('GET', `/v1/plans/${planId}`)).body;
}

describe('search attributes: finding plans in the Web UI', () => {
  it('marks a waiting plan, finds it by the list query, and follows it to completed', async () => {
    const tenant = h.tenant.id;
    const { plan_id, workflow_id } = await submit({
      require_approval: true,
      user_id: 'ann',
      actions: [email],
    });
    expect(
      await attributesBecome(workflow_id, { status: 'awaiting_approval', awaiting_approval: true }),
    ).toEqual({
      tenant,
      status: 'awaiting_approval',
      step_type: undefined,
      awaiting_approval: true,
      user: 'ann',
      source: 'api',
      planner: undefined,
    });
    const waiting = await listed(
      `ErrandTenant = '${tenant}' AND ErrandAwaitingApproval = true`,
      workflow_id,
    );
    expect(waiting).toContain(workflow_id);
    expect(await listed(`ErrandTenant = '${tenant}' AND ErrandUser = 'ann'`, workflow_id)).toEqual([
      workflow_id,
    ]);

    // "Send an Update" in the Web UI: name approve, input {"by": "...", "reason": "..."}.
    const decision = await webUi.workflow
      .getHandle(workflow_id)
      .executeUpdate('approve', { args: [{ by: 'ops@example.com', reason: 'checked' }] });
    expect(decision).toMatchObject({ outcome: 'approved', by: 'ops@example.com' });
    await h.client.workflow.getHandle(workflow_id).result();
    expect(
      await attributesBecome(workflow_id, { status: 'completed', awaiting_approval: false }),
    ).toMatchObject({ status: 'completed', step_type: undefined, awaiting_approval: false });
    const plan = await eventually(async () => {
      const p = await planOf(plan_id);
      return p.status === 'completed' ? p : undefined;
    });
    expect(plan.approvals[0].decision).toMatchObject({
      outcome: 'approved',
      by: 'ops@example.com',
      reason: 'checked',
    });
    expect(
      await listed(`ErrandTenant = '${tenant}' AND ErrandStatus = 'completed'`, workflow_id),
    ).toContain(workflow_id);
  });

  it("shows the step a plan waits before, and a failed plan's status", async () => {
    const { workflow_id } = await submit({
      actions: [sms, { ...email, approval: 'required' }],
    });
    expect(await attributesBecome(workflow_id, { status: 'awaiting_approval' })).toMatchObject({
      step_type: 'send_email',
      awaiting_approval: true,
    });
    await webUi.workflow
      .getHandle(workflow_id)
      .executeUpdate('reject', { args: [{ by: 'ops', reason: 'not this one' }] });
    await h.client.workflow.getHandle(workflow_id).result();
    expect(await attributesBecome(workflow_id, { status: 'rejected' })).toMatchObject({
      step_type: undefined,
      awaiting_approval: false,
    });
  });

  it('records the planner and the source of a plan made from an intent', async () => {
    const res = await h.api('POST', '/v1/intents', {
      text: 'text +14155550123 that the build is green',
      source: 'chat',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.links.web_ui).toContain(encodeURIComponent(res.body.workflow_id));
    expect(await attributesBecome(res.body.workflow_id, { status: 'completed' })).toMatchObject({
      source: 'chat',
      planner: 'rules',
    });
  });
});

describe('approve and reject signals', () => {
  it('approves with a signal as the update does, and ignores (and records) a second one', async () => {
    const { plan_id, workflow_id } = await submit({ require_approval: true, actions: [sms] });
    await attributesBecome(workflow_id, { awaiting_approval: true });
    const handle = webUi.workflow.getHandle(workflow_id);
    await handle.signal('approve', { by: 'ops@example.com', reason: 'fine' });
    // Too late: the plan is decided. It must be ignored, not fail the workflow task.
    await handle.signal('reject', { by: 'other@example.com', reason: 'too late' });
    const state = await h.client.workflow.getHandle(workflow_id).result();
    expect(state).toMatchObject({ status: 'completed' });
    const events = await history(workflow_id);
    expect(events.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
    const plan = await eventually(async () => {
      const p = await planOf(plan_id);
      return p.status === 'completed' ? p : undefined;
    });
    expect(plan.approvals).toHaveLength(1);
    expect(plan.approvals[0].decision).toMatchObject({
      outcome: 'approved',
      by: 'ops@example.com',
    });
    const ignored = plan.events.filter(
      (e: { kind: string }) => e.kind === 'approval_signal_ignored',
    );
    expect(ignored).toEqual([
      expect.objectContaining({
        detail: {
          outcome: 'rejected',
          by: 'other@example.com',
          why: expect.stringMatching(
            /^(the approval was decided already|the plan is running, not awaiting approval)$/,
          ),
        },
      }),
    ]);
  });

  it('ignores a malformed signal while waiting, and a reject signal then rejects', async () => {
    const { workflow_id } = await submit({ require_approval: true, actions: [sms] });
    await attributesBecome(workflow_id, { awaiting_approval: true });
    const handle = webUi.workflow.getHandle(workflow_id);
    await handle.signal('approve', 'yes please');
    await handle.signal('approve', { by: 42 });
    // Still waiting: neither took effect, and neither failed a task.
    const waiting = await h.client.workflow.getHandle(workflow_id).query('getPlanState');
    expect(waiting).toMatchObject({ status: 'awaiting_approval' });
    await handle.signal('reject', { by: 'ops', reason: 'no' });
    const state = await h.client.workflow.getHandle(workflow_id).result();
    expect(state).toMatchObject({ status: 'rejected' });
    const events = await history(workflow_id);
    expect(events.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
  });
});
