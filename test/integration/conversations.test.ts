import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../support/harness';
import { readSse } from '../support/sse';
import { getConversationContext } from '../../src/workflows/definitions';

let h: Harness;
let auth: Record<string, string>;
beforeAll(async () => {
  h = await startHarness({ streamLimits: { heartbeatMs: 200 } });
  auth = { authorization: `Bearer ${await h.keyFor('submitter')}` };
  for (const p of [
    { name: 'Bob Stone', emails: ['bob@acme.example'] },
    { name: 'Bob Marley', emails: ['bob.m@example.com'] },
  ]) {
    expect((await h.api('POST', '/v1/contacts', p)).status).toBe(201);
  }
});
afterAll(async () => {
  await h?.close();
});

async function open(): Promise<string> {
  const res = await h.apiAs('submitter', 'POST', '/v1/conversations', {});
  expect(res.status).toBe(201);
  expect(res.body.workflow_id).toBe(`${h.tenant.id}/conversation/${res.body.conversation_id}`);
  expect(res.body.links.web_ui).toMatch(
    new RegExp(`/workflows/${encodeURIComponent(res.body.workflow_id)}$`),
  );
  return res.body.conversation_id;
}

const say = (id: string, text: string, headers: Record<string, string> = {}) =>
  h.apiAs('submitter', 'POST', `/v1/conversations/${id}/messages`, { text }, headers);

async function outboxTo(planId: string) {
  const handle = await h.api('GET', `/v1/plans/${planId}`);
  await h.client.workflow.getHandle(handle.body.workflow_id).result();
  const rows = (await h.api('GET', `/v1/outbox?plan_id=${planId}`)).body.data;
  return rows.map((r: { recipients: string[] }) => r.recipients).flat();
}

describe('a conversation', () => {
  it('asks which contact a name means, and the answer completes the plan', async () => {
    const id = await open();
    const first = await say(id, 'email bob about the launch');
    expect(first.status).toBe(200);
    expect(first.body.turn).toMatchObject({ kind: 'question' });
    expect(first.body.turn.text).toMatch(/which "bob"\?/);
    expect(first.body.turn.candidates.map((c: { name: string }) => c.name).sort()).toEqual([
      'Bob Marley',
      'Bob Stone',
    ]);
    expect(first.body.turn.plan_id).toBeUndefined();

    const second = await say(id, 'Bob Marley');
    expect(second.body.turn).toMatchObject({ kind: 'plan', status: expect.any(String) });
    expect(second.body.turn.links.web_ui).toMatch(
      new RegExp(`/workflows/${encodeURIComponent(second.body.turn.workflow_id)}$`),
    );
    expect(await outboxTo(second.body.turn.plan_id)).toEqual(['bob.m@example.com']);

    const shown = await h.apiAs('submitter', 'GET', `/v1/conversations/${id}`);
    expect(
      shown.body.turns.map((t: { role: string; kind: string }) => `${t.role}:${t.kind}`),
    ).toEqual(['user:message', 'assistant:question', 'user:message', 'assistant:plan']);
    expect(shown.body.turns.map((t: { links?: unknown }) => t.links !== undefined)).toEqual([
      false,
      false,
      false,
      true,
    ]);
    const plan = await h.api('GET', `/v1/plans/${second.body.turn.plan_id}`);
    expect(plan.body.conversation_id).toBe(id);
  });

  it('asks for a missing address and takes the answer', async () => {
    const id = await open();
    const first = await say(id, 'send an email about the launch');
    expect(first.body.turn).toMatchObject({ kind: 'question' });
    const second = await say(id, 'ann@example.com');
    expect(second.body.turn.kind).toBe('plan');
    expect(await outboxTo(second.body.turn.plan_id)).toEqual(['ann@example.com']);
  });

  it('drops the question when told to, and answers a repeat of a message with the same turn', async () => {
    const id = await open();
    expect((await say(id, 'email bob about the launch')).body.turn.kind).toBe('question');
    expect((await say(id, 'never mind')).body.turn.kind).toBe('dropped');
    const key = { 'idempotency-key': 'message-1' };
    const once = await say(id, 'text +14155550123 that I am late', key);
    const again = await say(id, 'text +14155550123 that I am late', key);
    expect(once.body.turn.kind).toBe('plan');
    expect(again.body.turn).toEqual(once.body.turn);
    const plans = await h.db
      .selectFrom('action_plans')
      .select('id')
      .where('conversation_id', '=', id)
      .execute();
    expect(plans).toHaveLength(1);
  });

  it('streams a turn and then its plan to the end, with Accept: text/event-stream', async () => {
    const id = await open();
    const read = await readSse(
      `${h.baseUrl}/v1/conversations/${id}/messages`,
      { ...auth, accept: 'text/event-stream', 'content-type': 'application/json' },
      {
        request: {
          method: 'POST',
          body: JSON.stringify({ text: 'text +14155550123 that I am on my way' }),
        },
      },
    );
    expect(read.ended).toBe(true);
    const kinds = read.events.map((e) => e.event);
    expect(kinds.slice(0, 2)).toEqual(['message', 'turn']);
    expect(read.events[1]!.data).toMatchObject({ kind: 'plan' });
    expect(kinds).toContain('step_succeeded');
    expect(kinds.at(-1)).toBe('plan_completed');
  });

  it('posts a reminder that fires for its plan into the conversation, live on its stream', async () => {
    const id = await open();
    const at = new Date(Date.now() + 2_000).toISOString();
    const plan = await h.apiAs('submitter', 'POST', '/v1/plans', {
      intent: 'remind me',
      conversation_id: id,
      actions: [
        {
          type: 'schedule_reminder',
          params: { at, channel: 'email', to: ['me@example.com'], message: 'stand-up now' },
        },
      ],
    });
    expect(plan.status).toBe(201);
    const read = await readSse(`${h.baseUrl}/v1/conversations/${id}/stream`, auth, {
      stopWhen: (events) => events.some((e) => e.data.kind === 'reminder_triggered'),
    });
    const turn = read.events.find((e) => e.data.kind === 'reminder_triggered')!;
    expect(turn.data).toMatchObject({
      role: 'event',
      text: 'stand-up now',
      plan_id: plan.body.plan_id,
      fire_at: at,
    });

    // Resuming after it gives nothing more: each turn once.
    const after = await readSse(
      `${h.baseUrl}/v1/conversations/${id}/stream`,
      { ...auth, 'last-event-id': turn.id! },
      { timeoutMs: 1_000 },
    );
    expect(after.events).toEqual([]);
    // Only there: not in the key's other conversations.
    const elsewhere = await h.db
      .selectFrom('conversation_turns')
      .select('conversation_id')
      .where('kind', '=', 'reminder_triggered')
      .where('conversation_id', '!=', id)
      .where('tenant_id', '=', h.tenant.id)
      .execute();
    expect(elsewhere).toEqual([]);

    // And the conversation's context holds it, for the turns after.
    const handle = h.client.workflow.getHandle(`${h.tenant.id}/conversation/${id}`);
    await eventually(async () => {
      const context = await handle.query(getConversationContext);
      return context.turns.some((t) => t.kind === 'reminder_triggered') ? true : undefined;
    });
  });

  it('takes no reminder from a plan someone else submitted naming this conversation', async () => {
    const id = await open();
    const plan = await h.apiAs('admin', 'POST', '/v1/plans', {
      intent: 'not yours',
      conversation_id: id,
      actions: [
        {
          type: 'schedule_reminder',
          params: {
            at: new Date(Date.now() + 500).toISOString(),
            channel: 'email',
            to: ['x@example.com'],
            message: 'injected',
          },
        },
      ],
    });
    await h.client.workflow.getHandle(plan.body.workflow_id).result();
    await eventually(async () => {
      const r = (await h.api('GET', '/v1/reminders?status=fired')).body.data;
      return r.some((x: { plan_id: string }) => x.plan_id === plan.body.plan_id) ? true : undefined;
    });
    const turns = (await h.apiAs('submitter', 'GET', `/v1/conversations/${id}`)).body.turns;
    expect(turns).toEqual([]);
  });

  it("is its owner's alone: another key or tenant gets 404", async () => {
    const id = await open();
    for (const role of ['admin', 'viewer'] as const) {
      expect((await h.apiAs(role, 'GET', `/v1/conversations/${id}`)).status).toBe(404);
    }
    const other = await h.newTenant();
    const theirs = { 'x-errand-tenant': other.id };
    expect((await h.api('GET', `/v1/conversations/${id}`, undefined, theirs)).status).toBe(404);
    expect(
      (await h.api('POST', `/v1/conversations/${id}/messages`, { text: 'hi' }, theirs)).status,
    ).toBe(404);
    expect(
      (await h.apiAs('submitter', 'GET', '/v1/conversations')).body.data.map(
        (c: { conversation_id: string }) => c.conversation_id,
      ),
    ).toContain(id);
  });

  it('refuses an empty or oversized message, naming the field', async () => {
    const id = await open();
    for (const text of ['', 'x'.repeat(2_001)]) {
      const res = await say(id, text);
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].path).toBe('text');
    }
  });
});
