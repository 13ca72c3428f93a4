import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertDecision } from '../../src/db/decisions-repository';
import { ensureTenant } from '../../src/tenants/tenants-repository';
import type { PlanState } from '../../src/workflows/definitions';
import { eventually, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const clear = 'book a demo with ann@example.com on 2027-03-03 at 10am and email her the link';

async function tenantWith(planner: Record<string, number>) {
  const tenant = await ensureTenant(h.db, {
    id: `t-${Math.random().toString(36).slice(2, 10)}`,
    settings: { planner },
  });
  return { 'x-errand-tenant': tenant.id };
}

async function plansOf(tenant: Record<string, string>) {
  return (await h.api('GET', '/v1/plans', undefined, tenant)).body.data;
}

describe('POST /v1/intents', () => {
  it('returns the plan of a dry run, runs nothing, and logs the decision', async () => {
    const tenant = await tenantWith({});
    const res = await h.api('POST', '/v1/intents', { text: clear, dry_run: true }, tenant);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      outcome: 'dry_run',
      planner: 'rules',
      actions: [{ type: 'book_meeting' }, { type: 'send_email', use_result_from: 0 }],
    });
    expect(await plansOf(tenant)).toEqual([]);
    const decisions = (await h.api('GET', '/v1/decisions', undefined, tenant)).body.data;
    expect(decisions).toMatchObject([
      {
        id: res.body.decision_id,
        outcome: 'dry_run',
        text: clear,
        source: 'api',
        planner: 'rules',
      },
    ]);
  });

  it('runs a confident plan at once and records which plan it started', async () => {
    const res = await h.api('POST', '/v1/intents', { text: clear, source: 'chat' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.confidence).toBeGreaterThanOrEqual(0.85);
    expect(res.body.outcome).toBe('executed');
    const state = (await h.client.workflow.getHandle(res.body.workflow_id).result()) as PlanState;
    expect(state.status).toBe('completed');
    const email = (await h.api('GET', `/v1/outbox?plan_id=${res.body.plan_id}`)).body.data[0];
    expect(email.recipients).toEqual(['ann@example.com']);
    expect(email.body).toContain(state.steps[0].output!.join_link as string);
    const decision = (await h.api('GET', '/v1/decisions?source=chat')).body.data[0];
    expect(decision).toMatchObject({ plan_id: res.body.plan_id, outcome: 'executed' });
  });

  it('holds a plan for approval when confidence is under the tenant auto-execute threshold', async () => {
    const tenant = await tenantWith({ auto_execute_threshold: 0.99 });
    const res = await h.api(
      'POST',
      '/v1/intents',
      { text: 'text +14155550123 that I am running late' },
      tenant,
    );
    expect(res.status).toBe(201);
    expect(res.body.outcome).toBe('awaiting_approval');
    const plan = await eventually(async () => {
      const p = (await h.api('GET', `/v1/plans/${res.body.plan_id}`, undefined, tenant)).body;
      return p.status === 'awaiting_approval' ? p : undefined;
    });
    expect(plan.approvals[0].reason).toMatch(
      /confidence 0\.\d+ is below the auto-execute threshold 0\.99/,
    );
    await h.api('POST', `/v1/plans/${res.body.plan_id}/approve`, {}, tenant);
    const state = (await h.client.workflow.getHandle(res.body.workflow_id).result()) as PlanState;
    expect(state.status).toBe('completed');
  });

  it('refuses a plan under the reject threshold, with the reason, running nothing', async () => {
    const tenant = await tenantWith({ reject_threshold: 0.99, auto_execute_threshold: 0.995 });
    const res = await h.api('POST', '/v1/intents', { text: clear }, tenant);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: 'low_confidence',
      message: expect.stringContaining('below the reject threshold 0.99'),
    });
    expect(await plansOf(tenant)).toEqual([]);
    const decision = (await h.api('GET', '/v1/decisions?outcome=rejected', undefined, tenant)).body
      .data[0];
    expect(decision.reason).toMatch(/reject threshold/);
    expect(decision.actions).toHaveLength(2);
  });

  it('answers 422 for a request outside the allowlist and logs it', async () => {
    const tenant = await tenantWith({});
    const res = await h.api(
      'POST',
      '/v1/intents',
      { text: 'transfer $500 to my landlord' },
      tenant,
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('cannot_plan');
    expect(res.body.error.details[0]).toMatchObject({
      path: 'text',
      message: expect.stringMatching(/^outside_allowlist/),
    });
    expect((await h.api('GET', '/v1/decisions', undefined, tenant)).body.data[0]).toMatchObject({
      outcome: 'rejected',
      planner: null,
    });
  });

  it('answers 400 for a body without text', async () => {
    const res = await h.api('POST', '/v1/intents', { dry_run: true, source: 'fax' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'source',
      'text',
    ]);
  });
});

describe('Idempotency-Key on POST /v1/intents', () => {
  it('answers a repeat with the first decision, never a second plan, and refuses the key for another body', async () => {
    const tenant = await tenantWith({});
    const headers = { ...tenant, 'idempotency-key': `intent-${Date.now()}` };
    const text = 'text +14155550123 that I am running late';
    const first = await h.api('POST', '/v1/intents', { text }, headers);
    expect(first.status).toBe(201);
    const second = await h.api('POST', '/v1/intents', { text, source: 'api' }, headers);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      decision_id: first.body.decision_id,
      plan_id: first.body.plan_id,
      outcome: 'executed',
    });
    expect(await plansOf(tenant)).toHaveLength(1);
    expect((await h.api('GET', '/v1/decisions', undefined, tenant)).body.data).toHaveLength(1);

    const other = await h.api('POST', '/v1/intents', { text: `${text} again` }, headers);
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({
      code: 'idempotency_key_reused',
      details: [{ path: 'idempotency-key' }],
    });
    expect(await plansOf(tenant)).toHaveLength(1);
  });

  it('keeps the keys of intents apart from the keys clients give /v1/plans', async () => {
    const tenant = await tenantWith({});
    const key = `shared-${Date.now()}`;
    const text = 'text +14155550123 that I am running late';
    const intent = await h.api(
      'POST',
      '/v1/intents',
      { text },
      { ...tenant, 'idempotency-key': key },
    );
    expect(intent.status).toBe(201);
    const plan = await h.api(
      'POST',
      '/v1/plans',
      {
        intent: 'mine',
        actions: [{ type: 'send_sms', params: { to: ['+14155550123'], message: 'hi' } }],
      },
      { ...tenant, 'idempotency-key': `intent:${key}` },
    );
    expect(plan.status).toBe(201);
    expect(plan.body.plan_id).not.toBe(intent.body.plan_id);
    expect(await plansOf(tenant)).toHaveLength(2);
  });

  it('repeats a refusal as the same refusal with the same decision', async () => {
    const tenant = await tenantWith({});
    const headers = { ...tenant, 'idempotency-key': `refused-${Date.now()}` };
    const first = await h.api('POST', '/v1/intents', { text: 'wire money to Bob' }, headers);
    const second = await h.api('POST', '/v1/intents', { text: 'wire money to Bob' }, headers);
    expect(first.status).toBe(422);
    expect(second.status).toBe(422);
    expect(second.body.error).toEqual(
      expect.objectContaining({ code: first.body.error.code, message: first.body.error.message }),
    );
    expect(second.headers.get('x-errand-decision')).toBe(first.headers.get('x-errand-decision'));
    expect((await h.api('GET', '/v1/decisions', undefined, tenant)).body.data).toHaveLength(1);
  });
});

describe('a submission that fails inside Errand', () => {
  it('answers 500 with a request id and logs a generic reason, not the driver’s message', async () => {
    const tenant = await tenantWith({});
    const id = tenant['x-errand-tenant'];
    const secret = 'connection to server at "10.1.2.3", port 5432 failed: password authentication';
    await sql`create or replace function errand_test_refuse_plan() returns trigger language plpgsql
      as $$ begin raise exception '${sql.raw(secret.replace(/'/g, "''"))}'; end $$`.execute(h.db);
    const trigger = sql.raw(`errand_test_refuse_${id.replace(/-/g, '_')}`);
    await sql`create trigger ${trigger} before insert on action_plans for each row
      when (new.tenant_id = ${sql.lit(id)}) execute function errand_test_refuse_plan()`.execute(
      h.db,
    );
    try {
      const res = await h.api(
        'POST',
        '/v1/intents',
        { text: 'text +14155550123 that the database fails' },
        { ...tenant, 'x-request-id': `req-${id}` },
      );
      expect(res.status).toBe(500);
      expect(res.body.error).toEqual({
        code: 'internal',
        message: 'internal error',
        details: [],
        request_id: `req-${id}`,
      });
      const decision = (await h.api('GET', '/v1/decisions?outcome=failed', undefined, tenant)).body
        .data[0];
      expect(decision.reason).toBe(
        `the plan could not be submitted (internal error, request req-${id})`,
      );
      expect(JSON.stringify(decision)).not.toMatch(/password|10\.1\.2\.3/);
    } finally {
      await sql`drop trigger ${trigger} on action_plans`.execute(h.db);
    }
  });
});

describe('GET /v1/analytics', () => {
  it('counts decisions by outcome and planner, with approval and success rates', async () => {
    const tenant = await tenantWith({ auto_execute_threshold: 0.99 });
    await h.api('POST', '/v1/intents', { text: clear, dry_run: true }, tenant);
    await h.api('POST', '/v1/intents', { text: 'wire money to Bob' }, tenant);
    const held = await h.api(
      'POST',
      '/v1/intents',
      { text: 'text +14155550123 that the demo moved' },
      tenant,
    );
    await eventually(async () =>
      (await h.api('GET', `/v1/plans/${held.body.plan_id}`, undefined, tenant)).body.status ===
      'awaiting_approval'
        ? true
        : undefined,
    );
    await h.api('POST', `/v1/plans/${held.body.plan_id}/approve`, {}, tenant);
    await h.client.workflow.getHandle(held.body.workflow_id).result();
    await eventually(async () =>
      (await h.api('GET', `/v1/plans/${held.body.plan_id}`, undefined, tenant)).body.status ===
      'completed'
        ? true
        : undefined,
    );

    const res = await h.api('GET', '/v1/analytics', undefined, tenant);
    expect(res.body).toMatchObject({
      decisions: 3,
      by_outcome: { dry_run: 1, rejected: 1, awaiting_approval: 1 },
      by_planner: { rules: 2, none: 1 },
      approval_rate: 1,
      plan_success_rate: 1,
    });
    expect(res.body.mean_confidence).toBeGreaterThan(0);
  });
});

describe('GET /v1/analytics approval rate', () => {
  it('counts every approval decision of a plan, not only its first', async () => {
    const tenant = await tenantWith({});
    const text = { type: 'send_sms', params: { to: ['+14155550123'], message: 'one' } };
    const created = await h.api(
      'POST',
      '/v1/plans',
      {
        intent: 'two gates',
        require_approval: true,
        actions: [text, { ...text, approval: 'required' }],
      },
      tenant,
    );
    const planId = created.body.plan_id;
    const awaiting = (n: number) =>
      eventually(async () => {
        const p = (await h.api('GET', `/v1/plans/${planId}`, undefined, tenant)).body;
        return p.status === 'awaiting_approval' && p.approvals.length === n ? true : undefined;
      });
    await awaiting(1);
    expect((await h.api('POST', `/v1/plans/${planId}/approve`, {}, tenant)).status).toBe(200);
    await awaiting(2);
    const rejected = await h.api('POST', `/v1/plans/${planId}/reject`, { reason: 'no' }, tenant);
    expect(rejected.status).toBe(200);
    await h.client.workflow.getHandle(created.body.workflow_id).result();
    // The decision an intent would have logged for this plan.
    await insertDecision(h.db, {
      id: crypto.randomUUID(),
      tenant_id: tenant['x-errand-tenant'],
      source: 'api',
      text: 'two gates',
      planner: 'rules',
      model: null,
      prompt: null,
      response: null,
      usage: null,
      confidence: 0.5,
      reasoning: null,
      warnings: [],
      actions: null,
      outcome: 'awaiting_approval',
      reason: null,
      plan_id: planId,
      effective_confidence: 0.5,
      idempotency_key: null,
      request_hash: null,
      answer: null,
    });
    const res = await h.api('GET', '/v1/analytics', undefined, tenant);
    expect(res.body.approval_rate).toBe(0.5);
  });
});

describe('errand plan', () => {
  const bin = fileURLToPath(new URL('../../bin/errand.js', import.meta.url));
  const run = (...args: string[]) =>
    promisify(execFile)(bin, ['plan', ...args]).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it('prints only the plan as JSON for a dry run', async () => {
    const { code, stdout } = await run(
      clear,
      '--dry-run',
      '--json',
      '--now',
      '2026-11-23T09:00:00Z',
      '--tz',
      'Europe/Paris',
    );
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(Object.keys(json).sort()).toEqual(['actions', 'confidence', 'planner']);
    expect(json.actions[0].params.time).toBe('2027-03-03T10:00:00');
  });

  it('exits 3 with a JSON error when it cannot plan', async () => {
    const { code, stdout } = await run('delete all my files', '--dry-run', '--json');
    expect(code).toBe(3);
    expect(JSON.parse(stdout)).toMatchObject({
      error: { code: 'cannot_plan', reason: 'outside_allowlist' },
    });
  });

  it('starts the plan through the API without --dry-run', async () => {
    const { code, stdout } = await run(
      'text +14155550123 that the CLI works',
      '--json',
      '--api',
      h.baseUrl,
      '--key',
      await h.keyFor('submitter'),
    );
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({
      planner: 'rules',
      outcome: 'executed',
      plan_id: expect.any(String),
    });
    await h.client.workflow.getHandle(json.workflow_id).result();
  });

  it('exits 2 on bad usage', async () => {
    expect((await run()).code).toBe(2);
    expect((await run('x', '--tz', 'Mars/Base')).code).toBe(2);
  });
});
