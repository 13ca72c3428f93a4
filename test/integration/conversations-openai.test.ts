import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAIPlanner } from '../../src/planner/openai-planner';
import { createRulesPlanner } from '../../src/planner/rules-planner';
import type { PlanState } from '../../src/workflows/definitions';
import { startFakeOpenAI, type FakeOpenAI, type FakeReply } from '../planner/fake-openai';
import { startHarness, type Harness } from '../support/harness';
import { readSse } from '../support/sse';

/** The model asks back: nothing says whom to write to. */
const askWho = {
  actions: [],
  confidence: 0.9,
  reasoning: 'An email needs a recipient.',
  cannot_plan: { reason: 'missing_information', message: 'who should get the launch notes?' },
};
const emailAda = {
  actions: [
    {
      type: 'send_email',
      params: { to: ['ada@example.com'], subject: 'Launch notes', body: 'Here they are.' },
    },
  ],
  confidence: 0.95,
  reasoning: 'One email to the address given.',
};

let h: Harness;
let llm: FakeOpenAI;
let auth: Record<string, string>;
/** The scripted answers, in the order the tests ask for them. */
const replies: FakeReply[] = [
  { content: JSON.stringify(askWho) },
  { content: JSON.stringify(emailAda) },
  { content: JSON.stringify(askWho) },
  { content: JSON.stringify(emailAda) },
];

beforeAll(async () => {
  llm = await startFakeOpenAI(replies);
  h = await startHarness({
    planner: createOpenAIPlanner({
      client: new OpenAI({ apiKey: 'test', baseURL: llm.baseURL }),
      model: 'errand-test-model',
      fallback: createRulesPlanner(),
      maxRetries: 0,
    }),
  });
  auth = { authorization: `Bearer ${await h.keyFor('submitter')}` };
});
afterAll(async () => {
  await h?.close();
  await llm?.close();
});

async function open(): Promise<string> {
  const res = await h.apiAs('submitter', 'POST', '/v1/conversations', {});
  expect(res.status).toBe(201);
  return res.body.conversation_id;
}

/** The request the model was sent in its `nth` call, as the planner wrote it. */
function requestText(nth: number): string {
  const messages = llm.requests[nth]!.messages as { role: string; content: string }[];
  return (JSON.parse(messages.at(-1)!.content) as { request: string }).request;
}

describe('a conversation planned by an OpenAI-compatible model', () => {
  it("turns the model's missing_information into a question, and the answer into a plan that completes", async () => {
    const id = await open();
    const say = (text: string) =>
      h.apiAs('submitter', 'POST', `/v1/conversations/${id}/messages`, { text });

    const first = await say('send the launch notes');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.turn).toMatchObject({
      kind: 'question',
      text: 'who should get the launch notes?',
    });

    const second = await say('ada@example.com');
    expect(second.body.turn).toMatchObject({ kind: 'plan' });
    expect(requestText(1)).toBe('send the launch notes ada@example.com');
    const plan = await h.api('GET', `/v1/plans/${second.body.turn.plan_id}`);
    const state = (await h.client.workflow.getHandle(plan.body.workflow_id).result()) as PlanState;
    expect(state.status).toBe('completed');
    const decision = (await h.api('GET', '/v1/decisions?planner=openai')).body.data[0];
    expect(decision).toMatchObject({
      plan_id: second.body.turn.plan_id,
      model: 'errand-test-model',
    });
  });

  it("streams the model's answer as token events before the turn, then the plan's progress", async () => {
    const id = await open();
    const post = (text: string) =>
      readSse(
        `${h.baseUrl}/v1/conversations/${id}/messages`,
        { ...auth, accept: 'text/event-stream', 'content-type': 'application/json' },
        { request: { method: 'POST', body: JSON.stringify({ text }) } },
      );

    const asked = await post('send the launch notes');
    const kinds = asked.events.map((e) => e.event);
    expect(kinds[0]).toBe('message');
    expect(kinds.at(-1)).toBe('turn');
    const tokens = asked.events.filter((e) => e.event === 'token');
    // The fake sends seven characters a chunk; the worker gathers them, so there are fewer events.
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.map((e) => (e.data as { text: string }).text).join('')).toBe(
      JSON.stringify(askWho),
    );
    expect(tokens.every((e) => (e.data as { round: number }).round === 0)).toBe(true);
    expect(asked.events.at(-1)!.data).toMatchObject({ kind: 'question' });

    const planned = await post('ada@example.com');
    const order = planned.events.map((e) => e.event);
    const turnAt = order.indexOf('turn');
    expect(order.slice(1, turnAt).every((k) => k === 'token')).toBe(true);
    expect(
      planned.events
        .slice(1, turnAt)
        .map((e) => (e.data as { text: string }).text)
        .join(''),
    ).toBe(JSON.stringify(emailAda));
    expect(order.at(-1)).toBe('plan_completed');
  });
});
