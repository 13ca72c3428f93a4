import { createServer, type Server } from 'node:http';
import { Context } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities';
import type { PlanState } from '../../src/workflows/definitions';
import { startHarness, type Harness } from '../support/harness';

interface Received {
  path: string;
  key: string | undefined;
  body: Record<string, unknown>;
}

let h: Harness;
let hooks: Server;
const received: Received[] = [];
/** Status codes the webhook answers with, in turn; then 200. */
const script: number[] = [];

beforeAll(async () => {
  hooks = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      received.push({
        path: req.url!,
        key: req.headers['idempotency-key'] as string,
        body: JSON.parse(raw),
      });
      const status = script.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          status === 200 ? { accepted: true, ticket: 'T-42' } : { error: 'no such lead' },
        ),
      );
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(hooks.address() as { port: number }).port}`;
  h = await startHarness({
    // Each first attempt that got through loses its answer after the write, as a crash would.
    wrapActivities: (a: Activities) => ({
      ...a,
      trigger_automation: async (input) => {
        const output = await a.trigger_automation(input);
        if (Context.current().info.attempt === 1) throw new Error('worker lost after the write');
        return output;
      },
    }),
    settings: {
      approval: { required_for: [] },
      automations: { 'crm-sync': `${base}/crm`, strict: `${base}/strict` },
    },
  });
});
afterAll(async () => {
  await h?.close();
  await new Promise((r) => hooks.close(r));
});

async function run(automation: string, payload: Record<string, unknown> = {}) {
  const res = await h.api('POST', '/v1/plans', {
    intent: 'automate',
    actions: [{ type: 'trigger_automation', params: { automation, payload } }],
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return {
    planId: res.body.plan_id as string,
    state: (await h.client.workflow.getHandle(res.body.workflow_id).result()) as PlanState,
  };
}

describe('trigger_automation', () => {
  it('POSTs to the configured webhook with the step idempotency key, retries a 5xx, and keeps the answer', async () => {
    script.push(503);
    const before = received.length;
    const { planId, state } = await run('crm-sync', { lead: 'ann@example.com' });
    expect(state.status).toBe('completed');
    const calls = received.slice(before);
    expect(calls).toHaveLength(2);
    expect(calls[0].key).toBe(`${h.tenant.id}/plan/${planId}#0`);
    expect(calls[1].key).toBe(calls[0].key);
    expect(calls[1]).toMatchObject({
      path: '/crm',
      body: { automation: 'crm-sync', payload: { lead: 'ann@example.com' }, plan_id: planId },
    });
    expect(state.steps[0].output).toMatchObject({
      status: 'delivered',
      response: { accepted: true, ticket: 'T-42' },
    });
    const outbox = (await h.api('GET', `/v1/outbox?plan_id=${planId}`)).body.data;
    expect(outbox).toMatchObject([{ channel: 'automation', status: 'delivered' }]);
  });

  it('calls the webhook once when the step is retried after its answer was recorded', async () => {
    const before = received.length;
    const { planId, state } = await run('crm-sync', { lead: 'once@example.com' });
    expect(state.status).toBe('completed');
    expect(received.length - before).toBe(1);
    expect(state.steps[0].output).toMatchObject({ response: { ticket: 'T-42' } });
    const history = await h.client.workflow
      .getHandle(`${h.tenant.id}/plan/${planId}`)
      .fetchHistory();
    expect(
      history.events!.flatMap((e) => e.activityTaskStartedEventAttributes?.attempt ?? []),
    ).toEqual([2]);
  });

  it('fails the step at once when the webhook refuses the request with a 4xx', async () => {
    script.push(422);
    const before = received.length;
    const { state } = await run('strict');
    expect(state.error).toMatchObject({
      step: 0,
      type: 'AutomationRejectedError',
      message: expect.stringContaining('422'),
    });
    expect(received.length - before).toBe(1);
  });

  it('queues an automation with no webhook in the outbox', async () => {
    const { planId, state } = await run('not-configured');
    expect(state.status).toBe('completed');
    expect((await h.api('GET', `/v1/outbox?plan_id=${planId}`)).body.data).toMatchObject([
      { channel: 'automation', status: 'queued', recipients: ['not-configured'] },
    ]);
  });
});
