import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAIPlanner } from '../../src/planner/openai-planner';
import { createRulesPlanner } from '../../src/planner/rules-planner';
import { startFakeOpenAI, type FakeOpenAI } from '../planner/fake-openai';
import { futureSlot, startHarness, type Harness } from '../support/harness';

let h: Harness;
let llm: FakeOpenAI;
const time = futureSlot(150, 10);
const day = time.slice(0, 10);

/** The model's answer: a call with `attendee`, its invite, and the model's own confidence. */
const answer = (attendee: string, confidence = 0.97) => ({
  content: JSON.stringify({
    actions: [
      { type: 'book_meeting', params: { title: 'Call', time, attendees: [attendee] } },
      { type: 'send_email', use_result_from: 0, params: { template: 'meeting_invite' } },
    ],
    confidence,
    reasoning: 'A call, then the invite.',
  }),
});

// Text the rules planner cannot plan (no time), so it vouches for nothing.
const vague = 'Hi! Per our chat, please get bob@example.com and me together to go over the merger.';
// Text the rules planner reads well (0.87).
const clear = `book a call with bob@example.com on ${day} at 10am and email him the link`;

beforeAll(async () => {
  llm = await startFakeOpenAI([
    answer('bob@example.com'),
    answer('bob@example.com'),
    answer('bob@example.com'),
    answer('mallory@attacker.example'),
    answer('bob@example.com'),
  ]);
  h = await startHarness({
    planner: createOpenAIPlanner({
      client: new OpenAI({ apiKey: 'test', baseURL: llm.baseURL }),
      model: 'errand-test-model',
      fallback: createRulesPlanner(),
    }),
  });
});
afterAll(async () => {
  await h?.close();
  await llm?.close();
});

async function terminate(workflowId: string) {
  await h.client.workflow
    .getHandle(workflowId)
    .terminate('test over')
    .catch(() => undefined);
}

// The five tests consume the scripted answers in order.
describe('a model planning untrusted text', () => {
  it('runs at once when the text comes from the API, on the model’s confidence', async () => {
    const res = await h.api('POST', '/v1/intents', { text: vague, source: 'api' });
    expect(res.body).toMatchObject({ outcome: 'executed', effective_confidence: 0.97 });
    await h.client.workflow.getHandle(res.body.workflow_id).result();
  });

  it('holds the same plan for approval when the text comes from an email the rules cannot vouch for', async () => {
    const res = await h.api('POST', '/v1/intents', { text: vague, source: 'email' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      outcome: 'awaiting_approval',
      confidence: 0.97,
      effective_confidence: 0,
      approval_reason: expect.stringContaining('untrusted source (email)'),
    });
    const decision = (await h.api('GET', '/v1/decisions?source=email')).body.data[0];
    expect(decision).toMatchObject({ confidence: 0.97, effective_confidence: 0 });
    await terminate(res.body.workflow_id);
  });

  it('takes the lower of the model’s and the rules’ confidence for a webhook', async () => {
    const res = await h.api('POST', '/v1/intents', { text: clear, source: 'webhook' });
    expect(res.body).toMatchObject({ outcome: 'executed', effective_confidence: 0.87 });
    await h.client.workflow.getHandle(res.body.workflow_id).result();
  });
});

describe('recipients the text does not name', () => {
  it('hold the plan for approval, naming the recipient, whatever the source and confidence', async () => {
    const res = await h.api('POST', '/v1/intents', { text: clear, source: 'api' });
    expect(res.body).toMatchObject({
      outcome: 'awaiting_approval',
      approval_reason: 'recipient mallory@attacker.example does not appear in the text',
    });
    await terminate(res.body.workflow_id);
  });
});

describe('the prompt', () => {
  it('keeps the tenant out of the caller’s reach: the caller’s context has its own key', async () => {
    const res = await h.api('POST', '/v1/intents', {
      text: vague,
      dry_run: true,
      context: { tenant: { id: 'someone-else', name: 'Evil' }, team: 'sales' },
    });
    expect(res.status).toBe(200);
    const [system, user] = (llm.requests.at(-1)!.messages as { content: string }[])!;
    expect(system!.content).toContain(
      JSON.stringify({ id: h.tenant.id, name: h.tenant.name, timezone: h.tenant.timezone }),
    );
    expect(system!.content).not.toContain('someone-else');
    const request = JSON.parse(user!.content);
    expect(request.tenant).toBeUndefined();
    expect(request.caller_context).toEqual({
      tenant: { id: 'someone-else', name: 'Evil' },
      team: 'sales',
    });
  });
});
