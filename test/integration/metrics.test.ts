import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, TEST_OPERATOR_KEY, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const operator = { authorization: `Bearer ${TEST_OPERATOR_KEY}` };

async function scrape(): Promise<string> {
  const res = await fetch(`${h.baseUrl}/metrics`, { headers: operator });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** The value of one series, the labels given in any order; undefined when it is absent. */
function valueOf(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return undefined;
}

async function completedPlan(actions: unknown[], extra: Record<string, unknown> = {}) {
  const res = await h.api('POST', '/v1/plans', { intent: 'metrics', actions, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { plan_id: string; workflow_id: string };
}

const sms = { type: 'send_sms', params: { to: ['+14155550123'], message: 'hello' } };

describe('GET /metrics', () => {
  it('is refused without the operator key or the metrics token, a tenant admin key included', async () => {
    const none = await h.raw('GET', '/metrics');
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ code: 'unauthenticated' });
    const admin = await h.raw('GET', '/metrics', undefined, {
      authorization: `Bearer ${await h.keyFor('admin')}`,
    });
    expect(admin.status).toBe(401);
  });

  it("counts a plan's start, its steps' latency and its end, by tenant, source and action", async () => {
    const tenant = h.tenant.id;
    const before = await scrape();
    const started = valueOf(before, 'errand_plans_started_total', { tenant, source: 'api' }) ?? 0;
    const { plan_id, workflow_id } = await completedPlan([sms, sms]);
    await h.client.workflow.getHandle(workflow_id).result();
    expect((await h.api('GET', `/v1/plans/${plan_id}`)).status).toBe(200);
    const after = await eventually(async () => {
      const text = await scrape();
      const ended = valueOf(text, 'errand_plans_ended_total', {
        tenant,
        source: 'api',
        outcome: 'completed',
      });
      return ended ? text : undefined;
    });
    expect(valueOf(after, 'errand_plans_started_total', { tenant, source: 'api' })).toBe(
      started + 1,
    );
    expect(
      valueOf(after, 'errand_step_duration_seconds_count', {
        action: 'send_sms',
        outcome: 'succeeded',
      }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      valueOf(after, 'errand_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/v1/plans',
        status: '201',
      }),
    ).toBeGreaterThanOrEqual(1);
    // Route templates, never a plan's id.
    expect(after).toContain('route="/v1/plans/:id"');
    expect(after).not.toMatch(/route="\/v1\/plans\/[0-9a-f-]{36}"/);
  });

  it('shows approvals waiting, then the decision latency once approved', async () => {
    const tenant = h.tenant.id;
    const { plan_id, workflow_id } = await completedPlan([sms], { require_approval: true });
    const waiting = await eventually(async () => {
      const text = await scrape();
      return (valueOf(text, 'errand_approvals_waiting', { tenant }) ?? 0) >= 1 ? text : undefined;
    });
    expect(valueOf(waiting, 'errand_approvals_waiting', { tenant })).toBe(1);
    const approved = await h.apiAs('approver', 'POST', `/v1/plans/${plan_id}/approve`, {});
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await h.client.workflow.getHandle(workflow_id).result();
    const after = await eventually(async () => {
      const text = await scrape();
      const decided = valueOf(text, 'errand_approval_decision_seconds_count', {
        tenant,
        outcome: 'approved',
      });
      return decided ? text : undefined;
    });
    expect(valueOf(after, 'errand_approvals_waiting', { tenant })).toBeUndefined();
  });

  it("counts the planner's outcomes and confidence, and reminders pending", async () => {
    const tenant = h.tenant.id;
    const intent = await h.api('POST', '/v1/intents', {
      text: 'text +14155550123 that the build is green',
      dry_run: true,
    });
    expect(intent.status, JSON.stringify(intent.body)).toBe(200);
    const at = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const { workflow_id } = await completedPlan([
      {
        type: 'schedule_reminder',
        params: { at, message: 'later', channel: 'email', to: ['r@example.com'] },
      },
    ]);
    await h.client.workflow.getHandle(workflow_id).result();
    const text = await scrape();
    expect(
      valueOf(text, 'errand_planner_outcomes_total', {
        tenant,
        planner: 'rules',
        outcome: 'dry_run',
      }),
    ).toBe(1);
    expect(valueOf(text, 'errand_planner_confidence_count', { planner: 'rules' })).toBe(1);
    expect(valueOf(text, 'errand_reminders_pending', { tenant })).toBe(1);
    // The process's own series, under the same prefix.
    expect(text).toContain('errand_process_resident_memory_bytes');
  });
});
