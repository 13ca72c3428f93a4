import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../planner/fake-openai';
import { futureSlot, startHarness, type Harness } from '../support/harness';

let h: Harness;
let fake: FakeOpenAI;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await fake?.close();
  await h?.close();
});

describe('GET /v1/tools', () => {
  it('gives definitions the openai SDK sends as they are, whose calls Errand then runs', async () => {
    const listed = await h.api('GET', '/v1/tools');
    expect(listed.status).toBe(200);
    const tools = listed.body.tools as OpenAI.Chat.Completions.ChatCompletionTool[];
    expect(tools.map((t) => t.type === 'function' && t.function.name)).toEqual([
      'execute_action_plan',
      'schedule_reminder',
    ]);

    const time = futureSlot(4, 10);
    const plan = {
      intent: 'book a demo with ann and text her',
      actions: [
        { type: 'book_meeting', params: { title: 'Demo', time, attendees: ['ann@example.com'] } },
        { type: 'send_sms', params: { to: ['+14155550123'], message: 'Booked' } },
      ],
    };
    const reminder = { at: futureSlot(5, 9), message: 'call Ann' };
    fake = await startFakeOpenAI([
      {
        toolCalls: [
          { name: 'execute_action_plan', arguments: JSON.stringify(plan) },
          { name: 'schedule_reminder', arguments: JSON.stringify(reminder) },
        ],
      },
    ]);
    const openai = new OpenAI({ apiKey: 'sk-test', baseURL: fake.baseURL, maxRetries: 0 });
    const completion = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Book a demo with Ann and remind me to call her' }],
      tools,
    });
    // What reached the wire is Errand's definitions, unchanged by the SDK.
    expect(fake.requests[0]!.tools).toEqual(tools);

    const calls = completion.choices[0]!.message.tool_calls!;
    const [run, remind] = calls.map((c) =>
      c.type === 'function' ? JSON.parse(c.function.arguments) : undefined,
    );
    const submitted = await h.api('POST', '/v1/plans', run);
    expect(submitted.status).toBe(201);
    const reminded = await h.api('POST', '/v1/plans', {
      intent: 'remind me to call Ann',
      actions: [{ type: 'schedule_reminder', params: remind }],
    });
    expect(reminded.status).toBe(201);
    for (const id of [submitted.body.workflow_id, reminded.body.workflow_id]) {
      await h.client.workflow.getHandle(id).result();
    }
    const done = await h.api('GET', `/v1/plans/${submitted.body.plan_id}`);
    expect(done.body.status).toBe('completed');
  });

  it('describes every allowlisted action in execute_action_plan', async () => {
    const { body } = await h.api('GET', '/v1/tools');
    const items = body.tools[0].function.parameters.properties.actions.items.anyOf as {
      properties: { type: { const: string } };
    }[];
    const listed = await h.api('GET', '/v1/actions');
    expect(items.map((i) => i.properties.type.const)).toEqual(
      listed.body.data.map((a: { type: string }) => a.type),
    );
  });
});
