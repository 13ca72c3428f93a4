import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer: a completion whose message content is `content`, or an error status. */
export interface FakeReply {
  content?: string;
  status?: number;
  headers?: Record<string, string>;
  /** Function calls the assistant answers with, each with its JSON arguments. */
  toolCalls?: { name: string; arguments: string }[];
  /** Holds the answer back this long, to provoke client timeouts. */
  delayMs?: number;
  /** For a streamed request: sends this many characters of the content, then nothing more. */
  stallAfter?: number;
}

export interface FakeOpenAI {
  baseURL: string;
  /** The JSON bodies of the chat completion requests received, in order. */
  requests: Record<string, unknown>[];
  close(): Promise<void>;
}

const usage = { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 };

/**
 * A loopback server speaking the Chat Completions wire format: each POST
 * /v1/chat/completions gets the next scripted reply (a 500 when they run out).
 */
export async function startFakeOpenAI(replies: FakeReply[]): Promise<FakeOpenAI> {
  const requests: Record<string, unknown>[] = [];
  const queue = [...replies];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(raw) as Record<string, unknown>;
      requests.push(body);
      const reply = queue.shift() ?? { status: 500 };
      const send = () =>
        body.stream === true
          ? answerStreamed(res, reply, String(body.model), body)
          : answer(res, reply, String(body.model));
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(res: ServerResponse, reply: FakeReply, model: string): void {
  if (res.destroyed) return;
  const headers = { 'content-type': 'application/json', ...reply.headers };
  if (reply.status && reply.status !== 200) {
    const error = { message: `fake error ${reply.status}`, type: 'fake', code: null, param: null };
    res.writeHead(reply.status, headers).end(JSON.stringify({ error }));
    return;
  }
  const completion = {
    id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.toolCalls ? null : (reply.content ?? ''),
          refusal: null,
          ...(reply.toolCalls && {
            tool_calls: reply.toolCalls.map((call, i) => ({
              id: `call_${i}`,
              type: 'function',
              function: call,
            })),
          }),
        },
        logprobs: null,
        finish_reason: reply.toolCalls ? 'tool_calls' : 'stop',
      },
    ],
    usage,
  };
  res.writeHead(200, headers).end(JSON.stringify(completion));
}

/** How many characters of content each streamed chunk carries, as a model's tokens would. */
const PIECE = 7;

/**
 * The streamed form (`stream: true`): Server-Sent Events of chat.completion.chunk
 * objects, the content in small pieces, a usage chunk when asked for, then [DONE].
 */
function answerStreamed(
  res: ServerResponse,
  reply: FakeReply,
  model: string,
  body: Record<string, unknown>,
): void {
  if (res.destroyed) return;
  if (reply.status && reply.status !== 200) return answer(res, reply, model);
  const id = `chatcmpl-${Math.random().toString(36).slice(2)}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`;
  const delta = (d: Record<string, unknown>, finish: string | null = null) =>
    chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finish }]);
  res.writeHead(200, { 'content-type': 'text/event-stream', ...reply.headers });
  res.write(delta({ role: 'assistant', content: '', refusal: null }));
  const content = reply.content ?? '';
  const sent = reply.stallAfter === undefined ? content : content.slice(0, reply.stallAfter);
  for (let i = 0; i < sent.length; i += PIECE)
    res.write(delta({ content: sent.slice(i, i + PIECE) }));
  if (reply.stallAfter !== undefined) return;
  res.write(delta({}, 'stop'));
  const options = body.stream_options as { include_usage?: boolean } | undefined;
  if (options?.include_usage) res.write(chunk([], { usage }));
  res.end('data: [DONE]\n\n');
}
