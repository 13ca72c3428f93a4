import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanState } from '../../src/workflows/definitions';
import { TEST_PUBLIC_URL, eventually, startHarness, type Harness } from '../support/harness';

interface Callback {
  url: string;
  deadline: string;
  expires_at: string;
}

let h: Harness;
let late: Harness;
let hooks: Server;
/** Each webhook call's body, by automation. */
const received = new Map<string, Record<string, unknown>[]>();
/** Automations that report back before they even answer the webhook, with this report. */
const reportsAtOnce = new Map<string, Record<string, unknown>>();

beforeAll(async () => {
  hooks = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', async () => {
      const body = JSON.parse(raw) as { automation: string; callback?: Callback };
      received.set(body.automation, [...(received.get(body.automation) ?? []), body]);
      const atOnce = reportsAtOnce.get(body.automation);
      // The report reaches Errand while its activity still waits for this answer.
      const reported = atOnce && body.callback ? await report(body.callback, atOnce) : null;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ accepted: true, reported: reported?.status ?? null }));
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(hooks.address() as { port: number }).port}`;
  const automations = Object.fromEntries(
    ['score-lead', 'enrich', 'quick', 'slow', 'cancelled', 'nobody'].map((n) => [
      n,
      `${base}/${n}`,
    ]),
  );
  const settings = { approval: { required_for: [] }, automations };
  h = await startHarness({ settings });
  // Its activities think it is 59 s earlier than it is, so a 1-minute completion deadline is a second away.
  late = await startHarness({
    settings,
    deps: { now: () => new Date(Date.now() - 59_000) },
  });
});
afterAll(async () => {
  await h?.close();
  await late?.close();
  await new Promise((r) => hooks.close(r));
});

/** POSTs a report to a callback URL, at the harness's API instead of the public address it names. */
async function report(callback: Callback, body: unknown, api = h) {
  expect(callback.url.startsWith(`${TEST_PUBLIC_URL}/v1/automations/callbacks/`)).toBe(true);
  const res = await fetch(callback.url.replace(TEST_PUBLIC_URL, api.baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function submit(actions: unknown[], api = h) {
  const res = await api.api('POST', '/v1/plans', { intent: 'automate and wait', actions });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return {
    planId: res.body.plan_id as string,
    result: () =>
      api.client.workflow.getHandle(res.body.workflow_id).result() as Promise<PlanState>,
    workflowId: res.body.workflow_id as string,
  };
}

const callbackOf = (automation: string) =>
  eventually(async () => received.get(automation)?.at(-1)?.callback as Callback | undefined);

describe('trigger_automation with await_completion', () => {
  it('waits for the report, shows the wait, and chains the next step on the result', async () => {
    const plan = await submit([
      {
        type: 'trigger_automation',
        params: { automation: 'score-lead', payload: { lead: 'ann' }, await_completion: true },
      },
      { type: 'send_email', use_result_from: 0, params: { subject: 'Your score' } },
    ]);
    const callback = await callbackOf('score-lead');
    expect(new Date(callback.deadline).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    const waiting = await eventually(async () => {
      const view = (await h.api('GET', `/v1/plans/${plan.planId}`)).body;
      return view.status === 'waiting_for_automation' ? view : undefined;
    });
    expect(waiting.steps[0]).toMatchObject({ status: 'running', waiting_until: callback.deadline });
    expect(waiting.steps[1].status).toBe('pending');

    const answer = await report(callback, {
      status: 'succeeded',
      result: { score: 87, attendees: ['ann@example.com'] },
    });
    expect(answer).toEqual({
      status: 200,
      body: { plan_id: plan.planId, step: 0, status: 'succeeded' },
    });
    const state = await plan.result();
    expect(state.status).toBe('completed');
    expect(state.steps[0].output).toMatchObject({
      result: { score: 87, attendees: ['ann@example.com'] },
      attendees: ['ann@example.com'],
    });
    expect(state.steps[0].waiting_until).toBeNull();
    expect(state.steps[1].output).toMatchObject({ to: ['ann@example.com'] });

    // The same report again, once the plan has moved on, changes nothing.
    const again = await report(callback, { status: 'failed', error: 'twice' });
    expect(again.status).toBe(409);
    const events = (await h.api('GET', `/v1/plans/${plan.planId}`)).body.events as {
      kind: string;
    }[];
    expect(events.map((e) => e.kind)).toContain('automation_waiting');
  });

  it('hands the result to a later automation chained on it', async () => {
    const plan = await submit([
      { type: 'trigger_automation', params: { automation: 'enrich', await_completion: true } },
      { type: 'trigger_automation', use_result_from: 0, params: { automation: 'quick' } },
    ]);
    await report(await callbackOf('enrich'), { result: { company: 'Acme' } });
    expect((await plan.result()).status).toBe('completed');
    expect(received.get('quick')?.at(-1)).toMatchObject({
      chained: { result: { company: 'Acme' } },
    });
  });

  it('takes a report that comes before the webhook has even answered', async () => {
    reportsAtOnce.set('quick', { status: 'succeeded', result: { fast: true } });
    const plan = await submit([
      { type: 'trigger_automation', params: { automation: 'quick', await_completion: true } },
    ]);
    const state = await plan.result();
    reportsAtOnce.delete('quick');
    expect(state.status).toBe('completed');
    expect(state.steps[0].output).toMatchObject({
      result: { fast: true },
      response: { reported: 200 },
    });
  });

  it("fails the step with the automation's words when it reports a failure", async () => {
    const plan = await submit([
      { type: 'trigger_automation', params: { automation: 'slow', await_completion: true } },
      { type: 'send_sms', params: { to: ['+14155550123'], message: 'done' } },
    ]);
    await report(await callbackOf('slow'), { status: 'failed', error: 'the CRM is locked' });
    const state = await plan.result();
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({
      step: 0,
      type: 'AutomationFailed',
      message: 'the CRM is locked',
    });
    expect(state.steps[1].status).toBe('skipped');
  });

  it('refuses forged or malformed reports and keeps waiting', async () => {
    const plan = await submit([
      { type: 'trigger_automation', params: { automation: 'nobody', await_completion: true } },
    ]);
    const callback = await callbackOf('nobody');
    // A character inside the MAC (the last one also carries padding bits that decoding ignores).
    const at = callback.url.length - 10;
    const other = callback.url[at] === 'x' ? 'y' : 'x';
    const forged = {
      ...callback,
      url: `${callback.url.slice(0, at)}${other}${callback.url.slice(at + 1)}`,
    };
    expect((await report(forged, { status: 'succeeded' })).status).toBe(401);
    const bad = await report(callback, { status: 'done', result: [1] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/status/);
    expect(JSON.stringify(bad.body)).toMatch(/result/);
    // Still waiting (the webhook's answer may reach the workflow just after the refusals).
    await eventually(async () =>
      (await h.api('GET', `/v1/plans/${plan.planId}`)).body.status === 'waiting_for_automation'
        ? true
        : undefined,
    );
    expect((await h.api('POST', `/v1/plans/${plan.planId}/cancel`)).status).toBe(202);
    const state = await plan.result();
    expect(state.status).toBe('cancelled');
    expect(state.steps[0]).toMatchObject({ status: 'failed', error: { type: 'Cancelled' } });
    expect((await report(callback, { status: 'succeeded' })).status).toBe(409);
  });

  it('fails the step when no report comes by the completion timeout', async () => {
    const plan = await submit(
      [
        {
          type: 'trigger_automation',
          params: { automation: 'cancelled', await_completion: true, completion_timeout: '1m' },
        },
      ],
      late,
    );
    const state = await plan.result();
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({ step: 0, type: 'AutomationTimedOut' });
    const callback = await callbackOf('cancelled');
    expect((await report(callback, { status: 'succeeded' }, late)).status).toBe(409);
  });

  it('refuses a completion_timeout without await_completion, or out of range', async () => {
    for (const params of [
      { automation: 'quick', completion_timeout: '1h' },
      { automation: 'quick', await_completion: true, completion_timeout: '10s' },
    ]) {
      const res = await h.api('POST', '/v1/plans', {
        intent: 'x',
        actions: [{ type: 'trigger_automation', params }],
      });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([
        expect.objectContaining({ path: 'actions[0].params.completion_timeout' }),
      ]);
    }
  });
});
