import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { planJsonSchema } from './plan-json-schema';
import { CannotPlanError, type PlanOptions, type Planner, type PlannerResult } from './planner';
import { plannerMessages, repairMessage } from './planner-prompt';
import { readPlanAnswer } from './read-plan-answer';

export interface OpenAIPlannerOptions {
  /** A client the caller built (API key, base URL); the planner sets timeout and retries per request. */
  client: OpenAI;
  model: string;
  /** Plans when the model cannot: invalid answers, errors, authentication failures. */
  fallback: Planner;
  /** Per request; default 20 s. */
  timeoutMs?: number;
  /** Retries of 408/409/429/5xx and network errors, with the SDK's backoff; default 2. 401/403 are never retried. */
  maxRetries?: number;
}

type Usage = NonNullable<PlannerResult['usage']>;

/** What was asked and answered so far, for the decision log. */
interface Exchange {
  messages: ChatCompletionMessageParam[];
  responses: ChatCompletion[];
  usage?: Usage;
}

let schema: Record<string, unknown> | undefined;

/**
 * A planner backed by an OpenAI Chat Completions model with structured
 * output (a JSON Schema generated from the zod allowlist). An answer that
 * fails validatePlan gets one repair round with the errors; when it still
 * fails, or the API fails (after the SDK's retries; at once on 401/403), the
 * `fallback` planner plans instead and a warning says why. Results record the
 * model, the messages, the raw responses and the token usage.
 */
export function createOpenAIPlanner(config: OpenAIPlannerOptions): Planner {
  return { plan: (intent, options) => planWithModel(config, intent, options) };
}

async function planWithModel(
  config: OpenAIPlannerOptions,
  intent: string,
  options: PlanOptions,
): Promise<PlannerResult> {
  if (!intent.trim()) return config.fallback.plan(intent, options);
  const exchange: Exchange = { messages: plannerMessages(intent, options), responses: [] };
  let failure: string;
  try {
    failure = 'no answer';
    for (let round = 0; round < 2; round++) {
      const content = await ask(
        config,
        exchange,
        options.onToken && bindRound(options.onToken, round),
      );
      const reading = readPlanAnswer(content, intent, options);
      if (reading.kind === 'cannot_plan')
        throw new CannotPlanError(reading.reason, reading.message);
      if (reading.kind === 'plan') {
        return {
          actions: reading.actions,
          confidence: reading.confidence,
          reasoning: reading.reasoning,
          planner: 'openai',
          warnings: round > 0 ? ["the model's first plan failed validation and was repaired"] : [],
          ...record(config, exchange),
        };
      }
      failure = describeProblem(reading.problem);
      exchange.messages.push({ role: 'assistant', content }, repairMessage(reading.problem));
    }
    // The last answer and its repair request are in `responses`; the repair was never sent.
    exchange.messages.splice(-2);
    failure = `the model's plan was still invalid after a repair round (${failure})`;
  } catch (error) {
    if (error instanceof CannotPlanError) throw error;
    failure = describeError(error, config);
  }
  const fallback = await config.fallback.plan(intent, options);
  return {
    ...fallback,
    warnings: [
      `OpenAI planner: ${failure}; planned with the fallback planner instead`,
      ...fallback.warnings,
    ],
    ...record(config, exchange),
  };
}

const bindRound = (onToken: NonNullable<PlanOptions['onToken']>, round: number) => (text: string) =>
  onToken(text, round);

/**
 * One completion. With `onToken` it is streamed (the SDK's own stream helper
 * assembles the same completion, usage included), so a listening client sees
 * the answer as the model writes it; the reading of it does not change.
 */
async function ask(
  config: OpenAIPlannerOptions,
  exchange: Exchange,
  onToken?: (text: string) => void,
): Promise<string> {
  schema ??= planJsonSchema();
  const body = {
    model: config.model,
    messages: [...exchange.messages],
    response_format: {
      type: 'json_schema' as const,
      json_schema: { name: 'errand_plan', strict: false, schema },
    },
  };
  const request = { timeout: config.timeoutMs ?? 20_000, maxRetries: config.maxRetries ?? 2 };
  let completion: ChatCompletion;
  if (onToken) {
    const stream = config.client.chat.completions.stream(
      { ...body, stream: true, stream_options: { include_usage: true } },
      request,
    );
    // The SDK's timeout (per try) ends with the answer's headers; a stream that stalls after them
    // is cut here, once no piece has come for that long.
    let cut = setTimeout(() => stream.abort(), request.timeout * (request.maxRetries + 1));
    stream.on('chunk', () => {
      clearTimeout(cut);
      cut = setTimeout(() => stream.abort(), request.timeout);
    });
    stream.on('content', (delta) => {
      if (delta) onToken(delta);
    });
    try {
      completion = await stream.finalChatCompletion();
    } catch (err) {
      if (err instanceof OpenAI.APIUserAbortError) {
        throw new OpenAI.APIConnectionTimeoutError({ message: 'the answer stalled' });
      }
      throw err;
    } finally {
      clearTimeout(cut);
    }
  } else {
    completion = await config.client.chat.completions.create(body, request);
  }
  exchange.responses.push(completion);
  if (completion.usage) {
    const u = exchange.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    exchange.usage = {
      prompt_tokens: u.prompt_tokens + completion.usage.prompt_tokens,
      completion_tokens: u.completion_tokens + completion.usage.completion_tokens,
      total_tokens: u.total_tokens + completion.usage.total_tokens,
    };
  }
  const message = completion.choices[0]?.message;
  return message?.content ?? (message?.refusal ? `refused: ${message.refusal}` : '');
}

function record(config: OpenAIPlannerOptions, exchange: Exchange): Partial<PlannerResult> {
  return {
    model: config.model,
    prompt: exchange.messages,
    response: exchange.responses,
    ...(exchange.usage ? { usage: exchange.usage } : {}),
  };
}

function describeProblem(problem: string | { path: string; message: string }[]): string {
  if (typeof problem === 'string') return problem;
  return problem.map((e) => `${e.path}: ${e.message}`).join('; ');
}

function describeError(error: unknown, config: OpenAIPlannerOptions): string {
  if (
    error instanceof OpenAI.AuthenticationError ||
    error instanceof OpenAI.PermissionDeniedError
  ) {
    return `authentication failed (${error.status}), not retried`;
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return `the request timed out after ${config.timeoutMs ?? 20_000} ms`;
  }
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    return `the API answered ${error.status} (${error.message})`;
  }
  return `the request failed (${error instanceof Error ? error.message : String(error)})`;
}
