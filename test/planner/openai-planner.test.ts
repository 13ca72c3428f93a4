import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { validatePlan } from '../../src/plan/validate-plan';
import { createOpenAIPlanner } from '../../src/planner/openai-planner';
import { CannotPlanError, type PlannerResult } from '../../src/planner/planner';
import { createRulesPlanner } from '../../src/planner/rules-planner';
import { NOW, TIMEZONE } from './corpus';
import { startFakeOpenAI, type FakeOpenAI, type FakeReply } from './fake-openai';

const INTENT = 'book a call with bob@x.com tomorrow at 2pm and send them an invite';
const options = { now: NOW, timezone: TIMEZONE };

const validPlan = {
  actions: [
    {
      type: 'book_meeting',
      params: {
        title: 'Call with Bob',
        time: '2026-11-24T14:00:00',
        duration_minutes: 30,
        attendees: ['bob@x.com'],
      },
    },
    { type: 'send_email', params: { template: 'meeting_invite' }, use_result_from: 0 },
  ],
  confidence: 0.9,
  reasoning: 'Books the call, then emails the invite to its attendees.',
};

// The booking has no time and nothing to chain one from: validatePlan rejects it.
const invalidPlan = {
  ...validPlan,
  actions: [{ ...validPlan.actions[0], params: { title: 'Call', attendees: ['bob@x.com'] } }],
};

/** A model's answer that it cannot plan the request, for `reason`. */
const refusal = (reason: string, message: string) =>
  JSON.stringify({
    actions: [],
    confidence: 0.9,
    reasoning: 'It cannot be planned.',
    cannot_plan: { reason, message },
  });

let server: FakeOpenAI | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function planWith(
  replies: FakeReply[],
  extra: {
    timeoutMs?: number;
    maxRetries?: number;
    onToken?: (text: string, round: number) => void;
  } = {},
) {
  server = await startFakeOpenAI(replies);
  const client = new OpenAI({ apiKey: 'test', baseURL: server.baseURL, maxRetries: 2 });
  const planner = createOpenAIPlanner({
    client,
    model: 'gpt-test',
    fallback: createRulesPlanner(),
    timeoutMs: extra.timeoutMs ?? 5_000,
    maxRetries: extra.maxRetries ?? 2,
  });
  return planner.plan(INTENT, { ...options, onToken: extra.onToken });
}

function messagesOf(
  request: Record<string, unknown> | undefined,
): { role: string; content: string }[] {
  return (request?.messages ?? []) as { role: string; content: string }[];
}

function expectRulesFallback(result: PlannerResult, reason: RegExp) {
  expect(result.planner).toBe('rules');
  expect(result.warnings[0]).toMatch(/fallback planner/);
  expect(result.warnings[0]).toMatch(reason);
  expect(result.actions.map((a) => a.type)).toEqual(['book_meeting', 'send_email']);
  expect(validatePlan({ intent: INTENT, timezone: TIMEZONE, actions: result.actions }).ok).toBe(
    true,
  );
}

describe('OpenAI planner', () => {
  it('uses a valid plan and records model, prompt, response and usage', async () => {
    const result = await planWith([{ content: JSON.stringify(validPlan) }]);
    expect(result.planner).toBe('openai');
    expect(result.actions).toEqual(validPlan.actions);
    expect(result.confidence).toBe(0.9);
    expect(result.reasoning).toBe(validPlan.reasoning);
    expect(result.warnings).toEqual([]);
    expect(result.model).toBe('gpt-test');
    expect(result.usage).toEqual({ prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 });
    expect(Array.isArray(result.response)).toBe(true);
    expect(server!.requests).toHaveLength(1);

    const request = server!.requests[0]!;
    expect(request.model).toBe('gpt-test');
    interface Variant {
      properties: { type: { const: string } };
    }
    const format = request.response_format as {
      type: string;
      json_schema: { schema: { properties: { actions: { items: { anyOf: Variant[] } } } } };
    };
    expect(format.type).toBe('json_schema');
    const variants = format.json_schema.schema.properties.actions.items.anyOf;
    expect(variants.map((v) => v.properties.type.const)).toContain('schedule_reminder');
    expect(variants).toHaveLength(11);
    const [system, user] = messagesOf(request);
    expect(system!.content).toContain('book_meeting: Books a meeting');
    expect(JSON.parse(user!.content)).toMatchObject({
      request: INTENT,
      now: '2026-11-23T09:00:00+01:00 (Monday)',
      timezone: TIMEZONE,
    });
    expect(result.prompt).toEqual(messagesOf(request));
  });

  it('sends validation errors back once and uses the repaired plan', async () => {
    const result = await planWith([
      { content: JSON.stringify(invalidPlan) },
      { content: JSON.stringify(validPlan) },
    ]);
    expect(server!.requests).toHaveLength(2);
    const second = messagesOf(server!.requests[1]);
    expect(second).toHaveLength(4);
    expect(second[2]).toMatchObject({ role: 'assistant', content: JSON.stringify(invalidPlan) });
    expect(second[3]!.role).toBe('user');
    expect(second[3]!.content).toContain('actions[0].params.time');
    expect(second[3]!.content).toContain('missing required parameter time');
    expect(result.planner).toBe('openai');
    expect(result.actions).toEqual(validPlan.actions);
    expect(result.warnings).toEqual([expect.stringMatching(/repaired/)]);
    expect(result.usage).toEqual({ prompt_tokens: 240, completion_tokens: 60, total_tokens: 300 });
  });

  it('falls back to the rules planner after two unusable answers', async () => {
    const result = await planWith([
      { content: 'sure! here is your plan' },
      { content: '{"actions": ' },
    ]);
    expect(server!.requests).toHaveLength(2);
    expect(messagesOf(server!.requests[1])[3]!.content).toContain('not valid JSON');
    expectRulesFallback(result, /still invalid after a repair round/);
    expect(result.model).toBe('gpt-test');
    expect(result.usage?.total_tokens).toBe(300);
  });

  it('retries a 429 (honouring retry-after-ms) and then uses the plan', async () => {
    const result = await planWith([
      { status: 429, headers: { 'retry-after-ms': '10' } },
      { content: JSON.stringify(validPlan) },
    ]);
    expect(server!.requests).toHaveLength(2);
    expect(result.planner).toBe('openai');
  });

  it('does not retry a 401 and falls back to rules', async () => {
    const result = await planWith([{ status: 401 }, { content: JSON.stringify(validPlan) }]);
    expect(server!.requests).toHaveLength(1);
    expectRulesFallback(result, /authentication failed \(401\)/);
    expect(result.usage).toBeUndefined();
  });

  it('does not retry a 403 either', async () => {
    const result = await planWith([{ status: 403 }, { content: JSON.stringify(validPlan) }]);
    expect(server!.requests).toHaveLength(1);
    expectRulesFallback(result, /authentication failed \(403\)/);
  });

  it('falls back when 5xx answers outlast the retries', async () => {
    const busy = { status: 503, headers: { 'retry-after-ms': '10' } };
    const result = await planWith([busy, busy, busy, { content: JSON.stringify(validPlan) }]);
    expect(server!.requests).toHaveLength(3);
    expectRulesFallback(result, /503/);
  });

  it('falls back when the model does not answer in time', async () => {
    const result = await planWith([{ content: JSON.stringify(validPlan), delayMs: 1_000 }], {
      timeoutMs: 100,
      maxRetries: 0,
    });
    expectRulesFallback(result, /timed out after 100 ms/);
  });

  it('turns a cannot_plan answer into CannotPlanError', async () => {
    const error = await planWith([
      { content: refusal('outside_allowlist', 'moving money is not allowed') },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CannotPlanError);
    expect((error as CannotPlanError).reason).toBe('outside_allowlist');
  });

  it('accepts nulls for fields the model left empty', async () => {
    const withNulls = {
      ...validPlan,
      actions: [
        { ...validPlan.actions[0], use_result_from: null, condition: null },
        { ...validPlan.actions[1], params: { template: 'meeting_invite', to: null } },
      ],
    };
    const result = await planWith([{ content: JSON.stringify(withNulls) }]);
    expect(result.planner).toBe('openai');
    expect(result.actions).toEqual(validPlan.actions);
  });

  describe('streamed, for a client that listens (onToken)', () => {
    it('hands on the answer as it is written and plans from it as from a whole one', async () => {
      const pieces: [string, number][] = [];
      const result = await planWith([{ content: JSON.stringify(validPlan) }], {
        onToken: (text, round) => pieces.push([text, round]),
      });
      expect(server!.requests[0]).toMatchObject({
        stream: true,
        stream_options: { include_usage: true },
      });
      expect(pieces.length).toBeGreaterThan(10);
      expect(pieces.map(([t]) => t).join('')).toBe(JSON.stringify(validPlan));
      expect(new Set(pieces.map(([, r]) => r))).toEqual(new Set([0]));
      expect(result.planner).toBe('openai');
      expect(result.actions).toEqual(validPlan.actions);
      expect(result.usage).toEqual({
        prompt_tokens: 120,
        completion_tokens: 30,
        total_tokens: 150,
      });
    });

    it('retries a 429 before the stream begins, as unstreamed', async () => {
      const pieces: string[] = [];
      const result = await planWith(
        [
          { status: 429, headers: { 'retry-after-ms': '10' } },
          { content: JSON.stringify(validPlan) },
        ],
        { onToken: (text) => pieces.push(text) },
      );
      expect(server!.requests).toHaveLength(2);
      expect(pieces.join('')).toBe(JSON.stringify(validPlan));
      expect(result.planner).toBe('openai');
    });

    it('numbers the repaired answer round 1', async () => {
      const rounds = new Map<number, string>();
      const result = await planWith(
        [{ content: JSON.stringify(invalidPlan) }, { content: JSON.stringify(validPlan) }],
        { onToken: (text, round) => rounds.set(round, (rounds.get(round) ?? '') + text) },
      );
      expect(rounds.get(0)).toBe(JSON.stringify(invalidPlan));
      expect(rounds.get(1)).toBe(JSON.stringify(validPlan));
      expect(result.warnings).toEqual([expect.stringMatching(/repaired/)]);
    });

    it('cuts a stream that stalls after its first pieces, and falls back', async () => {
      const pieces: string[] = [];
      const result = await planWith([{ content: JSON.stringify(validPlan), stallAfter: 30 }], {
        timeoutMs: 300,
        maxRetries: 0,
        onToken: (text) => pieces.push(text),
      });
      expect(pieces.join('')).toBe(JSON.stringify(validPlan).slice(0, 30));
      expectRulesFallback(result, /timed out after 300 ms/);
    });

    it('still turns a cannot_plan answer into CannotPlanError', async () => {
      const error = await planWith(
        [{ content: refusal('missing_information', 'who should be invited?') }],
        { onToken: () => {} },
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CannotPlanError);
      expect((error as CannotPlanError).message).toBe('who should be invited?');
    });
  });
});
