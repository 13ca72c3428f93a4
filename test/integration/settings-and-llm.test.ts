import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAIPlanner } from '../../src/planner/openai-planner';
import { createRulesPlanner } from '../../src/planner/rules-planner';
import type { PlanState } from '../../src/workflows/definitions';
import { startFakeOpenAI, type FakeOpenAI } from '../planner/fake-openai';
import { futureSlot, startHarness, type Harness } from '../support/harness';

let h: Harness;
let llm: FakeOpenAI;
const time = futureSlot(120, 10);
const answer = {
  actions: [
    {
      type: 'book_meeting',
      params: { title: 'Call with Bob', time, attendees: ['bob@example.com'] },
    },
    { type: 'send_email', use_result_from: 0, params: { template: 'meeting_invite' } },
  ],
  confidence: 0.93,
  reasoning: 'A call, then the invite.',
};

beforeAll(async () => {
  llm = await startFakeOpenAI([{ content: JSON.stringify(answer) }]);
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

describe('intents planned by an OpenAI-compatible model', () => {
  it('runs the model’s plan and logs model, prompt, response and token usage', async () => {
    const res = await h.api('POST', '/v1/intents', {
      text: 'call bob@example.com and send him an invite',
      context: { team: 'sales' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ planner: 'openai', outcome: 'executed', confidence: 0.93 });
    const state = (await h.client.workflow.getHandle(res.body.workflow_id).result()) as PlanState;
    expect(state.status).toBe('completed');

    const prompt = JSON.stringify(llm.requests[0]);
    expect(prompt).toContain(h.tenant.id);
    expect(prompt).toContain('sales');
    const decision = (await h.api('GET', '/v1/decisions?planner=openai')).body.data[0];
    expect(decision).toMatchObject({
      model: 'errand-test-model',
      usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
      plan_id: res.body.plan_id,
    });
    expect(decision.prompt).toBeTruthy();
    expect(decision.response).toBeTruthy();
  });
});

describe('/v1/settings', () => {
  it('reads the defaults and replaces them, refusing bad values with the field named', async () => {
    const defaults = (await h.api('GET', '/v1/settings')).body;
    expect(defaults).toMatchObject({
      timezone: 'UTC',
      working_hours: { start: '09:00', end: '17:00', breaks: [{ start: '12:00', end: '13:00' }] },
      approval: {
        timeout: '24h',
        required_for: ['start_campaign', 'initiate_call', 'trigger_automation'],
      },
      planner: { auto_execute_threshold: 0.85, reject_threshold: 0.3 },
    });
    const bad = await h.api('PUT', '/v1/settings', {
      working_hours: { start: '9am' },
      planner: { reject_threshold: 2 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'planner.reject_threshold',
      'working_hours.start',
    ]);

    const put = await h.api('PUT', '/v1/settings', {
      timezone: 'Europe/Paris',
      approval: { required_for: [] },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      timezone: 'Europe/Paris',
      approval: { required_for: [], timeout: '24h' },
    });
    const campaign = await h.api('POST', '/v1/plans', {
      intent: 'no gate now',
      actions: [{ type: 'start_campaign', params: { campaign: 'winter' } }],
    });
    const state = (await h.client.workflow
      .getHandle(campaign.body.workflow_id)
      .result()) as PlanState;
    expect(state.status).toBe('completed');
    expect(state.approvals).toEqual([]);
  });
});
