import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/** One request SendGrid's /v3/mail/send received. */
export interface SendgridRequest {
  at: number;
  authorization: string | undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** An answer to give: the status, and for 429 its Retry-After, for 400 its errors. */
export interface SendgridAnswer {
  status: 202 | 400 | 401 | 403 | 429 | 500;
  retryAfter?: string;
  errors?: { message: string; field?: string | null }[];
}

export interface FakeSendgrid {
  baseUrl: string;
  received: SendgridRequest[];
  /** Answers the next requests with these, in turn; then 202. */
  script(...answers: SendgridAnswer[]): void;
  close(): Promise<void>;
}

/**
 * A loopback server speaking SendGrid's v3 mail send wire format: 202 with an
 * empty body and X-Message-Id; errors as `{"errors":[{"message","field","help"}]}`.
 */
export async function startFakeSendgrid(): Promise<FakeSendgrid> {
  const received: SendgridRequest[] = [];
  const queue: SendgridAnswer[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v3/mail/send') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: 'not found', field: null }] }));
        return;
      }
      received.push({
        at: Date.now(),
        authorization: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      const answer = queue.shift() ?? { status: 202 };
      if (answer.status === 202) {
        res.writeHead(202, { 'x-message-id': randomUUID().replaceAll('-', '').slice(0, 22) });
        res.end();
        return;
      }
      const errors =
        answer.errors ??
        (answer.status === 401 || answer.status === 403
          ? [{ message: 'The provided authorization grant is invalid, expired, or revoked' }]
          : answer.status === 429
            ? [{ message: 'too many requests' }]
            : [{ message: 'internal error' }]);
      res.writeHead(answer.status, {
        'content-type': 'application/json',
        ...(answer.retryAfter ? { 'retry-after': answer.retryAfter } : {}),
      });
      res.end(
        JSON.stringify({
          errors: errors.map((e) => ({ field: null, help: null, ...e })),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    script: (...answers) => queue.push(...answers),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
